"""The layout's rules, read from the source with `ast` (no imports executed):

- no import cycle among izde's modules (in-function imports included);
- nothing under `indexer/` imports `webapp`;
- an import inside a function has a comment saying why (on its line or the line above);
- no function in `indexer/` or `webapp/` is over 80 lines unless its docstring says why
  (a docstring containing "Long because").

The room order itself (text <- analysis <- ingest <- index <- search <- eval <- cli/webapp)
is import-linter's contract in pyproject.toml, run by `make lint`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("indexer", "webapp")
MAX_LINES = 80


def _modules() -> dict[str, Path]:
    found = {}
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            if "data" in path.relative_to(REPO).parts:
                continue  # build scripts for the shipped word lists, not part of the package
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The izde module an imported name lives in (longest known prefix)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, tree: ast.AST) -> list[tuple[ast.stmt, str]]:
    """(statement, imported izde module) for every import in the module's tree."""
    out = []
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target and target != module:
                out.append((node, target))
    return out


TREES = {m: ast.parse(p.read_text(encoding="utf-8")) for m, p in MODULES.items()}
GRAPH = {m: {t for _, t in _imports(m, tree)} for m, tree in TREES.items()}


def _cycle() -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for t in sorted(GRAPH[m]):
            # A package's __init__ re-exporting its own modules is not a cycle of jobs.
            if m.startswith(t + ".") or t.startswith(m + "."):
                continue
            if state.get(t) == 1:
                return stack[stack.index(t) :] + [t]
            if t not in state and (found := visit(t)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(GRAPH):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_modules_were_found():
    assert "indexer.text.stemmer" in MODULES and "webapp" in MODULES


def test_no_import_cycle():
    assert _cycle() is None, " -> ".join(_cycle() or [])


def test_indexer_never_imports_webapp():
    bad = [
        m
        for m, targets in GRAPH.items()
        if m.startswith("indexer")
        and any(t == "webapp" or t.startswith("webapp.") for t in targets)
    ]
    assert bad == []


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_imports_inside_functions_say_why():
    unexplained = []
    for module, tree in TREES.items():
        lines = MODULES[module].read_text(encoding="utf-8").splitlines()
        for fn in _functions(tree):
            for node in ast.walk(fn):
                if not isinstance(node, (ast.Import, ast.ImportFrom)):
                    continue
                here = lines[node.lineno - 1]
                above = lines[node.lineno - 2] if node.lineno > 1 else ""
                if "#" not in here and not above.strip().startswith("#"):
                    unexplained.append(f"{module}:{node.lineno} in {fn.name}()")
    assert unexplained == []


@pytest.mark.parametrize("package", PACKAGES)
def test_functions_are_short_or_say_why(package):
    long = []
    for module, tree in TREES.items():
        if module.split(".")[0] != package:
            continue
        for fn in _functions(tree):
            length = (fn.end_lineno or fn.lineno) - fn.lineno + 1
            doc = ast.get_docstring(fn) or ""
            if length > MAX_LINES and "Long because" not in doc:
                long.append(f"{module}.{fn.name}: {length} lines")
    assert long == []


def test_every_package_says_what_its_room_is_for():
    silent = [
        m for m, p in MODULES.items() if p.name == "__init__.py" and not ast.get_docstring(TREES[m])
    ]
    assert silent == []
