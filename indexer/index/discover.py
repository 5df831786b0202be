"""Which files an index run reads: the paths given on the command line, walked.

- Hidden files and folders, sidecars (`*.meta.json`) and the index folder itself are passed
  over; files of unknown type are listed as ignored.
- A file name that is not valid UTF-8 (a Windows-1251 name from an old zip archive) is kept
  as Python keeps it (lone surrogates, `os.fsdecode`), so the file is read and recognised on
  the next run; messages show its bytes escaped (`errors.shown`).
- A symbolic link whose target lies outside every path given is skipped with the reason
  (`follow_symlinks=True` reads it, and walks into linked folders, each folder once).
- Each path given is a root. A root that is missing, or a folder with no file izde reads,
  is reported by `Discovery.bad_roots()`: the run refuses it rather than remove the
  documents indexed from it (a renamed folder, an unmounted disk).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from indexer.index.errors import shown
from indexer.ingest.readers import is_supported
from indexer.ingest.sidecar import is_sidecar


@dataclass
class Source:
    key: str  # resolved absolute path: identity of a source across runs
    path: Path  # the path to read
    rel: Path  # relative to the folder given on the command line


@dataclass
class Root:
    given: Path
    real: str  # resolved absolute path
    is_dir: bool
    exists: bool
    sources: int = 0  # files to read found under it

    @property
    def bad(self) -> bool:
        return not self.exists or (self.is_dir and self.sources == 0)

    def holds(self, key: str) -> bool:
        """Whether the resolved path `key` is this root or lies under it."""
        return key == self.real or (
            self.is_dir and key.startswith(self.real.rstrip(os.sep) + os.sep)
        )


@dataclass
class Discovery:
    sources: list[Source] = field(default_factory=list)
    roots: list[Root] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    ignored: list[str] = field(default_factory=list)
    # Resolved targets of links skipped by policy: a document indexed from one earlier
    # (with --follow-symlinks) is removed.
    excluded: set[str] = field(default_factory=set)

    def bad_roots(self) -> list[Root]:
        return [r for r in self.roots if r.bad]

    def in_scope(self, key: str) -> bool:
        """Whether `key` lies under a root that exists and is not empty: only there may
        the documents of vanished files be removed."""
        return any(r.holds(key) for r in self.roots if not r.bad)


def discover(paths: list[Path], index_dir: Path, follow_symlinks: bool = False) -> Discovery:
    """The sources under `paths`, sorted by key, with the roots and what was passed over."""
    found: dict[str, Source] = {}
    out = Discovery()
    for given in map(Path, paths):
        root = Root(given, os.path.realpath(given), os.path.isdir(given), os.path.exists(given))
        out.roots.append(root)
    reals = [r.real for r in out.roots if r.exists]
    walker = _Walker(out, found, reals, os.path.realpath(index_dir), follow_symlinks)
    for root in out.roots:
        before = len(found)
        if root.is_dir:
            walker.walk(root.given)
        elif root.exists:
            _add_file(out, found, root.given, Path(root.given.name))
        root.sources = len(found) - before
    out.sources = [found[k] for k in sorted(found)]
    return out


def _add_file(out: Discovery, found: dict[str, Source], path: Path, rel: Path) -> None:
    if is_sidecar(path):
        out.ignored.append(str(path))
    elif not is_supported(path):
        out.skipped.append((str(path), f"unsupported file type {path.suffix or '(none)'}"))
    else:
        key = os.path.realpath(path)
        found.setdefault(key, Source(key, path, rel))


@dataclass
class _Walker:
    out: Discovery
    found: dict[str, Source]
    roots: list[str]  # resolved roots
    index_real: str
    follow: bool
    seen_dirs: set[str] = field(default_factory=set)

    def outside(self, real: str) -> bool:
        return not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in self.roots)

    def walk(self, given: Path) -> None:
        for top, dirs, files in os.walk(given, followlinks=self.follow):
            dirs[:] = [d for d in sorted(dirs) if self.enter(Path(top) / d)]
            for name in sorted(files):
                p = Path(top) / name
                if name.startswith(".") or is_sidecar(p):
                    continue
                if not is_supported(p):
                    self.out.ignored.append(str(p))
                    continue
                key = os.path.realpath(p)
                if not self.follow and os.path.exists(key) and self.outside(key):
                    self.skip_link(p, key)
                    continue
                self.found.setdefault(key, Source(key, p, p.relative_to(given)))

    def enter(self, d: Path) -> bool:
        real = os.path.realpath(d)
        if d.name.startswith(".") or real == self.index_real:
            return False
        if not d.is_symlink():
            self.seen_dirs.add(real)
            return True
        if not self.follow:
            # Not walked: files inside the roots are reached through their own path.
            if os.path.isdir(real) and self.outside(real):
                self.skip_link(d, real)
            return False
        if real in self.seen_dirs:  # a loop, or a folder already walked
            return False
        self.seen_dirs.add(real)
        return True

    def skip_link(self, path: Path, target: str) -> None:
        self.out.skipped.append(
            (
                str(path),
                f"symbolic link to {shown(target)}, outside the paths given; not read "
                f"(use --follow-symlinks to read it)",
            )
        )
        self.out.excluded.add(target)
