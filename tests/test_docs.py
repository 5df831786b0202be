"""The documentation matches the code (in the spirit of Datasette's documentation tests).

Each test reads the real objects (the click group with its entry-point commands, the Flask
app's url_map, the limit constants, the modules on disk) and looks for them in README.md and
docs/, so a command, option, route, limit or module that changes without its documentation
fails here, naming what is missing.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Callable
from pathlib import Path

import click
import pytest

import webapp.security
from indexer.analysis import ANALYSIS_VERSION, paragraph_terms
from indexer.cli import main
from indexer.index.anchors import MIN_FP_PREFIX
from indexer.index.schema import ROOT_BOOST
from indexer.index.store import open_index, update_index
from indexer.ingest import limits as ingest_limits
from indexer.search import budget, complete, concordance, engine, query, ranker
from indexer.text.translit import latin_to_cyrillic
from webapp import citation, create_app, data, pages, params, serve

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
DESIGN = (REPO / "docs" / "design.md").read_text(encoding="utf-8")
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "docs").glob("*.md")))
DOCUMENTED_OPTIONS = ("index", "serve", "search", "concordance")

# Benchmark command lines in README have options of their own (`bench.load --index`); they
# must not stand in for the options of `izde`.
_BENCH_CMD = re.compile(r"python -m bench\.[^`\n]*")


def _commands() -> dict[str, click.Command]:
    """Every command and subcommand of `izde` by its full name ("eval stems"), entry-point
    commands included (the group loads them as `izde --help` does)."""
    found: dict[str, click.Command] = {}
    ctx = click.Context(main)

    def walk(group: click.Group, prefix: str) -> None:
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            assert cmd is not None, name
            found[prefix + name] = cmd
            if isinstance(cmd, click.Group):
                walk(cmd, prefix + name + " ")

    walk(main, "")
    return found


def test_entry_point_commands_are_loaded():
    """`izde serve` comes from webapp through the `izde.commands` entry point; the walk
    below must see it, or the README check would pass on a shorter list."""
    assert "serve" in _commands()


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_is_in_readme(name):
    assert re.search(rf"izde {re.escape(name)}(?![\w-])", README), f"`izde {name}` not in README"


@pytest.mark.parametrize("command", DOCUMENTED_OPTIONS)
def test_every_option_is_documented(command):
    text = _BENCH_CMD.sub("", README + "\n" + DOCS)
    cmd = _commands()[command]
    missing = [
        opt
        for p in cmd.params
        if isinstance(p, click.Option)
        for opt in p.opts
        if opt.startswith("--") and not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", text)
    ]
    assert not missing, f"options of `izde {command}` in neither README nor docs/: {missing}"


# -- routes -------------------------------------------------------------------------------


def _readme_table_paths() -> set[str]:
    """Paths in the first two columns of README's "Web pages and their JSON twins" table,
    query strings dropped and `<placeholders>` reduced to `<>`."""
    section = README.split("### Web pages and their JSON twins", 1)[1]
    table = re.search(r"(?:^\|.*\n)+", section, flags=re.M)
    assert table, "README's pages/JSON table not found"
    rows = table.group(0).splitlines()
    paths = set()
    for row in rows:
        for cell in row.split("|")[1:3]:
            for span in re.findall(r"`([^`]+)`", cell):
                paths.add(re.sub(r"<[^>]*>", "<>", span.split("?", 1)[0]))
    return paths


def _routes(tmp_path) -> set[str]:
    app = create_app({"INDEX_DIR": tmp_path / "index"})
    return {
        re.sub(r"<[^>]*>", "<>", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    }


def test_every_route_is_in_readme_table(tmp_path):
    table = _readme_table_paths()
    assert "/api/search" in table  # the table was found and read
    missing = sorted(_routes(tmp_path) - table)
    assert not missing, f"routes missing from README's pages/JSON table: {missing}"


def test_readme_table_names_only_routes(tmp_path):
    stale = sorted(_readme_table_paths() - _routes(tmp_path))
    assert not stale, f"README's pages/JSON table names routes the app lacks: {stale}"


# -- limits -------------------------------------------------------------------------------

# (what, a README pattern whose group 1 is the number as written, the constants in code).
# A limit defined in two places lists both, so the two cannot drift apart unseen.
LIMITS = [
    (
        "query characters",
        r"Limits \(documented, not luck\): ([\d,]+) characters",
        [query.MAX_QUERY_CHARS, webapp.security.MAX_QUERY],
    ),
    ("query terms", r"characters, ([\d,]+) terms", [query.MAX_TERMS]),
    ("words per phrase", r"([\d,]+) words per phrase", [query.MAX_PHRASE_WORDS]),
    ("bracket levels", r"([\d,]+) levels of\s+brackets", [query.MAX_DEPTH]),
    ("prefix terms", r"expands to at most ([\d,]+) index terms", [query.MAX_PREFIX_TERMS]),
    (
        "prefix terms per query",
        r"\(([\d,]+) for all the prefixes of a query\)",
        [query.MAX_QUERY_PREFIX_TERMS],
    ),
    ("offset", r"`offset` ≤ ([\d,]+)", [engine.MAX_OFFSET]),
    ("limit", r"`limit` ≤ ([\d,]+)\.", [engine.MAX_LIMIT]),
    ("time budget, s", r"A search may take ([\d,]+) seconds", [budget.DEFAULT_BUDGET]),
    (
        "request line, bytes",
        r"request lines are capped at ([\d,]+) bytes",
        [webapp.security.LIMIT_REQUEST_LINE],
    ),
    ("request head, s", r"a request head must arrive within ([\d,]+) s", [serve.HEAD_SECONDS]),
    ("connections per worker", r"at most ([\d,]+)\s+connections", [serve.WORKER_CONNECTIONS]),
    ("threads per worker", r"`--threads` \(([\d,]+)\)", [serve.THREADS]),
    ("automatic workers", r"per CPU \(at most ([\d,]+);", [serve.MAX_AUTO_WORKERS]),
    ("warm-up, s", r"`IZDE_WARM_SECONDS` \(([\d,]+)\)", [serve.WARM_SECONDS]),
    ("concordance limit", r"`limit` ≤ ([\d,]+), `width`", [concordance.MAX_LIMIT]),
    ("concordance phrase words", r"a phrase of up to ([\d,]+) words", [concordance.MAX_PHRASE]),
    (
        "context sort",
        r"above ([\d,]+) occurrences \(`CONTEXT_SORT_MAX`\)",
        [concordance.CONTEXT_SORT_MAX],
    ),
    ("documents per /stats page", r"its documents, ([\d,]+) a page", [data.STATS_LIMIT]),
    (
        "headings for a contents table",
        r"when it has ([\d,]+) or more headings",
        [pages.TOC_MIN_HEADINGS],
    ),
    ("file size, MB", r"a file over ([\d,]+) MB", [ingest_limits.MAX_FILE_BYTES // 2**20]),
    ("zip expansion", r"expand past ([\d,]+)× that limit", [ingest_limits.ZIP_EXPANSION]),
    ("HTML nesting", r"nested more than ([\d,]+) elements", [ingest_limits.MAX_NESTING_DEPTH]),
    (
        "paragraph characters",
        r"A paragraph over ([\d,]+)\s+characters",
        [ingest_limits.MAX_PARAGRAPH_CHARS],
    ),
    ("fingerprint prefix", r"first ([\d,]+) or more hex digits", [MIN_FP_PREFIX]),
    (
        "background switch",
        r"From ([\d,]+) paragraphs on \(`IZDE_BACKGROUND_SWITCH`\)",
        [data.BACKGROUND_SWITCH_PARAGRAPHS],
    ),
    ("analysis version", r"ANALYSIS_VERSION`\s+\(now ([\d,]+)\)", [ANALYSIS_VERSION]),
    ("root field weight", r"The `root` field weighs ([\d.]+) of `text`", [ROOT_BOOST]),
    ("root field boost", r"field boost ([\d.]+)\)", [ROOT_BOOST]),
    ("fold weight", r"without Kazakh letters weigh ([\d.]+)\)", [query.FOLD_BOOST]),
    ("search cache, MB", r"`IZDE_SEARCH_CACHE_MB` \(([\d,]+)\)", [ranker.CACHE_BYTES // 2**20]),
    (
        "completions",
        r"`limit` ≤ ([\d,]+) completions",
        [complete.MAX_LIMIT, params.MAX_COMPLETE_LIMIT],
    ),
]


# The same limits in docs/query-language.md's "Limits" table.
QUERY_LANGUAGE_LIMITS = [
    ("query length", r"\| query length \| ([\d,]+) characters", [query.MAX_QUERY_CHARS]),
    ("query words", r"filters\) \| ([\d,]+) \|", [query.MAX_TERMS]),
    ("phrase words", r"\| words in one phrase \| ([\d,]+) \|", [query.MAX_PHRASE_WORDS]),
    ("prefix terms", r"the ([\d,]+) most frequent index terms", [query.MAX_PREFIX_TERMS]),
    ("prefix scan", r"of the first ([\d,]+) in alphabetical order", [query.PREFIX_SCAN]),
    (
        "prefix terms per query",
        r"expand to \| ([\d,]+) index terms",
        [query.MAX_QUERY_PREFIX_TERMS],
    ),
    ("brackets", r"\| brackets nested \| ([\d,]+) deep", [query.MAX_DEPTH]),
    ("limit", r"\(`limit`\) \| 1 - ([\d,]+) \|", [engine.MAX_LIMIT]),
    ("offset", r"\| `offset` \| 0 - ([\d,]+) \|", [engine.MAX_OFFSET]),
    ("time budget, s", r"\| ([\d,]+) s \(`IZDE_QUERY_BUDGET`", [budget.DEFAULT_BUDGET]),
    ("longest budget, s", r"at most ([\d,]+) s for one search", [budget.MAX_BUDGET]),
]
QUERY_LANGUAGE = (REPO / "docs" / "query-language.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("what", "pattern", "constants"),
    QUERY_LANGUAGE_LIMITS,
    ids=[x[0] for x in QUERY_LANGUAGE_LIMITS],
)
def test_query_language_limits_equal_code(what, pattern, constants):
    stated = _number(QUERY_LANGUAGE, pattern)
    assert all(c == stated for c in constants), f"{what}: docs {stated}, code {constants}"


def _number(text: str, pattern: str) -> float:
    found = re.findall(pattern, text)
    assert len(found) == 1, f"the document should state this once, matching {pattern!r}: {found}"
    return float(found[0].replace(",", ""))


@pytest.mark.parametrize(("what", "pattern", "constants"), LIMITS, ids=[x[0] for x in LIMITS])
def test_readme_limits_equal_code(what, pattern, constants):
    stated = _number(README, pattern)
    assert all(c == stated for c in constants), f"{what}: README {stated}, code {constants}"


def test_readme_body_limit_equals_app_config(tmp_path):
    app = create_app({"INDEX_DIR": tmp_path / "index"})
    assert _number(README, r"bodies at ([\d,]+) KB") * 1024 == app.config["MAX_CONTENT_LENGTH"]


def test_limits_defined_twice_agree():
    """Limits that webapp restates instead of importing (reported as a code smell): until
    they are defined once, they must at least be equal."""
    assert params.MAX_FACETS == engine.MAX_FACETS
    assert params.DEFAULT_FACETS == engine.FACETS
    assert params.ORDERS == engine.ORDERS


@pytest.mark.parametrize(
    ("pattern", "values"),
    [
        (r"`&style=([\w\\|]+)`", citation.STYLES),
        (r"`sort=([\w\\|]+)`", concordance.SORTS),
    ],
    ids=["citation styles", "concordance sorts"],
)
def test_readme_choices_equal_code(pattern, values):
    found = re.findall(pattern, README)
    assert len(found) == 1, (pattern, found)
    assert tuple(found[0].replace("\\", "").split("|")) == tuple(values)


# -- module paths in the design document -----------------------------------------------

# A room's section in docs/design.md is headed by its folder, e.g. "## `indexer/index/`";
# a bare `name.py` in that section names a module of that folder.
_ROOM_HEADING = re.compile(r"^#{2,3} .*?`((?:indexer|webapp)/(?:[a-z_]+/)?)`", re.M)
_PATH = re.compile(r"`((?:indexer|webapp|tests|bench|docs)/[\w./-]*)`")
_DOTTED = re.compile(r"`((?:indexer|webapp)(?:\.\w+)+)")


def _room_sections() -> dict[str, str]:
    parts = _ROOM_HEADING.split(DESIGN)
    sections: dict[str, str] = {}
    for room, body in zip(parts[1::2], parts[2::2], strict=True):
        body = re.split(r"^#{2,3} ", body, maxsplit=1, flags=re.M)[0]
        sections[room] = sections.get(room, "") + body
    return sections


def _modules_named() -> set[str]:
    named = set()
    for room, body in _room_sections().items():
        for name in re.findall(r"`([\w/]+\.py)", body):
            top = name.split("/", 1)[0]
            named.add(name if top in ("indexer", "webapp", "tests", "bench") else room + name)
    named |= {m for m in _PATH.findall(DESIGN) if m.endswith(".py")}
    return named


def test_design_paths_exist():
    named = set(_PATH.findall(DESIGN)) | _modules_named()
    # bench/out/ is made by the benchmarks (git-ignored): a fresh clone has none yet.
    missing = [p for p in named if not p.startswith("bench/out") and not (REPO / p).exists()]
    assert not missing, f"paths in docs/design.md that do not exist: {sorted(missing)}"


def test_design_names_every_module():
    modules = {
        str(p.relative_to(REPO))
        for pkg in ("indexer", "webapp")
        for p in (REPO / pkg).rglob("*.py")
        if p.name != "__init__.py"
    }
    unnamed = sorted(modules - _modules_named())
    assert not unnamed, f"modules docs/design.md does not describe: {unnamed}"


def _resolve(dotted: str) -> bool:
    """An importable module, or a name in one (`indexer.index.schema.ROOT_BOOST`)."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


@pytest.mark.parametrize("doc", ["README.md", "docs/design.md"])
def test_dotted_names_resolve(doc):
    text = (REPO / doc).read_text(encoding="utf-8")
    broken = sorted({d for d in _DOTTED.findall(text) if not _resolve(d)})
    assert not broken, f"names in {doc} that do not import: {broken}"


def test_readme_code_paths_exist():
    # bench/out/ holds what the benchmarks write; it is not shipped.
    paths = {p for p in _PATH.findall(README) if not p.startswith("bench/out/")}
    missing = sorted(p for p in paths if not (REPO / p).exists())
    assert not missing, f"paths in README.md that do not exist: {missing}"


# -- contracts between rooms: signatures written in docs/design.md ---------------------

CONTRACTS: dict[str, Callable[..., object]] = {
    "search": engine.search,
    "concordance": concordance.concordance,
    "update_index": update_index,
    "open_index": open_index,
    "paragraph_terms": paragraph_terms,
    "latin_to_cyrillic": latin_to_cyrillic,
    "serve": serve.serve,
    "create_app": create_app,
}


def _written_signature(name: str) -> inspect.Signature:
    """The signature docs/design.md gives `name` (a code span `name(...)`, perhaps wrapped
    over lines), read as a Python `def`."""
    found = re.findall(rf"`{name}\(([^`]*?)\)(?: -> [^`]*)?`", DESIGN)
    assert len(found) == 1, f"docs/design.md should give `{name}(...)` once: {found}"
    tree = ast.parse(f"def {name}({' '.join(found[0].split())}): pass")
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    params = []
    positional = fn.args.posonlyargs + fn.args.args
    defaults = [None] * (len(positional) - len(fn.args.defaults)) + list(fn.args.defaults)
    for arg, default in zip(positional, defaults, strict=True):
        value = inspect.Parameter.empty if default is None else ast.literal_eval(default)
        params.append(
            inspect.Parameter(arg.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=value)
        )
    for arg, kw_default in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True):
        value = inspect.Parameter.empty if kw_default is None else ast.literal_eval(kw_default)
        params.append(inspect.Parameter(arg.arg, inspect.Parameter.KEYWORD_ONLY, default=value))
    return inspect.Signature(params)


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_design_signatures_match_code(name):
    """Parameter names, kinds and defaults as written equal the function's; a signature
    written without defaults (`serve(index_dir, host, …)`) is checked for names only."""
    written = _written_signature(name)
    actual = inspect.signature(CONTRACTS[name])
    assert list(written.parameters) == list(actual.parameters), (name, written, actual)
    for p in written.parameters.values():
        real = actual.parameters[p.name]
        if p.default is not inspect.Parameter.empty:
            assert p.default == real.default, (name, p.name, p.default, real.default)
        assert p.kind == real.kind or real.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
