"""Opening the live generation: the version stamp, the manifest's sizes and checksums,
docs.json, and the `IndexHandle` readers use.

Each generation's manifest.json records the layout format, the analysis version
(`indexer.analysis.ANALYSIS_VERSION`) and the schema signature it was written with. Whoosh
pickles the analyzers into the index, so an index from another version would search with
other rules or not open at all (indexes older than the stamp pickled class paths such as
`indexer.schema.*` that no longer exist): such an index is refused with the command that
rebuilds it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from whoosh import index as windex

from indexer import analysis
from indexer.index.errors import IndexDamaged, IndexError_, damaged, missing, outdated
from indexer.index.layout import (
    CURRENT,
    DOCS_JSON,
    MANIFEST,
    VERIFIED,
    crc32,
    file_key,
    read_current,
)
from indexer.index.schema import build_schema

# Version 2: the manifest carries the stamp (analysis version, schema signature).
FORMAT_VERSION = 2


def analysis_version() -> str:
    return str(analysis.ANALYSIS_VERSION)


@functools.lru_cache(maxsize=1)
def schema_signature() -> str:
    """Changes when the schema or the analysis changes: the index must then be rebuilt
    (Whoosh keeps the pickled analyzers of the index it was created with)."""
    parts = []
    for name, f in sorted(build_schema().items()):
        attrs = {
            k: v for k, v in vars(f).items() if isinstance(v, (str, int, float, bool, type(None)))
        }
        parts.append(
            f"{name}:{type(f).__module__}.{type(f).__name__}:{sorted(attrs.items())}:"
            f"{type(getattr(f, 'column_type', None)).__name__}:"
            f"{getattr(f, 'analyzer', None)!r}"
        )
    parts.append(f"ANALYSIS_VERSION={analysis_version()}")
    # Function reprs carry memory addresses that differ per process.
    parts = [re.sub(r" at 0x[0-9a-fA-F]+", "", p) for p in parts]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def stamp() -> dict[str, Any]:
    """What this izde writes into each manifest, and requires of an index it opens."""
    return {
        "format": FORMAT_VERSION,
        "analysis_version": analysis_version(),
        "schema": schema_signature(),
    }


def stamp_problem(manifest: dict) -> str | None:
    """Why an index with this manifest was built by another version; None when it was not."""
    if manifest.get("format") != FORMAT_VERSION or "schema" not in manifest:
        return f"index format {manifest.get('format', 1)}, this izde writes {FORMAT_VERSION}"
    if str(manifest.get("analysis_version")) != analysis_version():
        return (
            f"analysis version {manifest.get('analysis_version')}, "
            f"this izde uses {analysis_version()}"
        )
    if manifest["schema"] != schema_signature():
        return "its schema differs from this izde's"
    return None


def read_manifest(index_dir: Path, gen_dir: Path) -> dict:
    try:
        manifest = json.loads((gen_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise damaged(index_dir, f"{gen_dir.name}/{MANIFEST} missing") from None
    except (OSError, ValueError) as exc:
        raise damaged(index_dir, f"{gen_dir.name}/{MANIFEST} unreadable: {exc}") from None
    if not isinstance(manifest, dict):
        raise damaged(index_dir, f"{gen_dir.name}/{MANIFEST} malformed")
    return manifest


def verify_files(index_dir: Path, gen_dir: Path, manifest: dict) -> None:
    """Files present with their recorded sizes and checksums. Raises IndexDamaged."""
    sums = manifest.get("crc32", {})
    for name, size in manifest.get("files", {}).items():
        try:
            st = (gen_dir / name).stat()
        except FileNotFoundError:
            raise damaged(index_dir, f"file {gen_dir.name}/{name} missing") from None
        if st.st_size != size:
            raise damaged(
                index_dir, f"file {gen_dir.name}/{name} has {st.st_size} bytes, expected {size}"
            )
        # Same size, other bytes (a bad disk, a botched copy) would be served as wrong text:
        # each file's checksum is verified once per process and file version.
        key = file_key(st)
        if name in sums and key not in VERIFIED:
            if crc32(gen_dir / name) != sums[name]:
                raise damaged(
                    index_dir,
                    f"file {gen_dir.name}/{name} is corrupt (its "
                    f"checksum differs from the one recorded)",
                )
            VERIFIED.add(key)


def load_docs_json(index_dir: Path, gen_dir: Path) -> dict:
    try:
        data = json.loads((gen_dir / DOCS_JSON).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise damaged(index_dir, f"{gen_dir.name}/{DOCS_JSON} missing") from None
    except (OSError, ValueError) as exc:
        raise damaged(index_dir, f"{gen_dir.name}/{DOCS_JSON} unreadable: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("docs"), dict):
        raise damaged(index_dir, f"{gen_dir.name}/{DOCS_JSON} malformed")
    return data


def open_whoosh(index_dir: Path, gen_dir: Path) -> Any:
    """The generation's Whoosh index. Unpickling a schema whose classes moved or vanished
    means another izde wrote it."""
    try:
        return windex.open_dir(str(gen_dir))
    except (ModuleNotFoundError, AttributeError) as exc:
        raise outdated(index_dir, f"its schema names classes this izde lacks: {exc}") from None
    except Exception as exc:
        raise damaged(
            index_dir, f"Whoosh cannot open {gen_dir.name}: {type(exc).__name__}: {exc}"
        ) from None


class IndexHandle:
    """An opened generation: `.ix`, `.generation`, `.docs`, `.searcher()`, `.refreshed()`.

    `caches` is a dict for whatever a reader computes once per generation (the search
    engine's ranker, decoded postings, term counts...): it lives and dies with this handle,
    so a new generation starts with empty caches and `close()` lets them go."""

    POOL_SIZE = 8

    def __init__(self, index_dir: Path, generation: str, ix: Any, meta: dict, stamp: tuple):
        self.index_dir = index_dir
        self.generation = generation
        self.path = index_dir / generation
        self.ix = ix
        self.meta = meta
        self.docs: dict[str, dict] = meta["docs"]
        self.paragraphs: int = int(meta.get("paragraphs", 0))
        self.updated_at: str | None = meta.get("updated_at")
        self.caches: dict[str, Any] = {}
        self._stamp = stamp
        self._pool: list = []
        self._lock = threading.Lock()
        self._closed = False

    def __repr__(self) -> str:
        return f"<IndexHandle {self.path} docs={len(self.docs)} paragraphs={self.paragraphs}>"

    @contextlib.contextmanager
    def searcher(self) -> Iterator:
        """A Whoosh searcher for this call alone (Whoosh searchers are not thread-safe).

        Searchers are pooled: one is taken from the pool or opened, used by this caller only,
        and put back afterwards, so threads never share one at the same time.
        """
        with self._lock:
            s = self._pool.pop() if self._pool else None
        if s is None:
            s = self.ix.searcher()
        ok = False
        try:
            yield s
            ok = True
        finally:
            if ok:
                with self._lock:
                    if not self._closed and len(self._pool) < self.POOL_SIZE:
                        self._pool.append(s)
                        s = None
            if s is not None:
                s.close()

    def current_stamp(self) -> tuple | None:
        """CURRENT's identity now (one stat), None when it is gone."""
        try:
            st = os.stat(self.index_dir / CURRENT)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def moved(self) -> bool:
        """Whether CURRENT has been replaced since this handle was opened (cheap)."""
        stamp = self.current_stamp()
        return stamp is not None and stamp != self._stamp

    def refreshed(self) -> IndexHandle:
        """A new handle when CURRENT moved to another generation, else this one (cheap)."""
        stamp = self.current_stamp()
        if stamp is None or stamp == self._stamp:
            return self
        try:
            name = read_current(self.index_dir)
        except IndexError_:
            return self
        if name == self.generation:
            self._stamp = stamp
            return self
        return open_index(self.index_dir)

    def close(self) -> None:
        """Close the idle pooled searchers (searchers in use are closed when given back)
        and drop the caches."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, []
            self.caches = {}
        for s in pool:
            with contextlib.suppress(Exception):
                s.close()


def _open_generation(index_dir: Path, name: str) -> tuple[Any, dict]:
    """(Whoosh index, docs.json) of one generation, stamp and files checked."""
    gen_dir = index_dir / name
    if not gen_dir.is_dir():
        raise damaged(index_dir, f"generation {name} named by CURRENT is missing")
    manifest = read_manifest(index_dir, gen_dir)
    problem = stamp_problem(manifest)
    if problem:
        raise outdated(index_dir, problem)
    verify_files(index_dir, gen_dir, manifest)
    meta = load_docs_json(index_dir, gen_dir)
    ix = open_whoosh(index_dir, gen_dir)
    try:
        count = ix.doc_count()
    except Exception as exc:
        raise damaged(
            index_dir, f"Whoosh cannot read {name}: {type(exc).__name__}: {exc}"
        ) from None
    expected = int(meta.get("paragraphs", -1))
    if count != expected:
        raise damaged(index_dir, f"{count} paragraphs in Whoosh, docs.json says {expected}")
    return ix, meta


def open_index(index_dir: Path) -> IndexHandle:
    """Open the live generation, verified against its stamp, manifest and docs.json.
    Raises IndexMissing, IndexOutdated (built by another izde) or IndexDamaged."""
    index_dir = Path(index_dir)
    for _attempt in range(3):
        try:
            st = os.stat(index_dir / CURRENT)
        except FileNotFoundError:
            raise missing(index_dir) from None
        name = read_current(index_dir)
        if name is None:
            raise missing(index_dir)
        try:
            ix, meta = _open_generation(index_dir, name)
        except IndexDamaged:
            # A writer may have switched and cleaned between our reads: try again.
            if read_current(index_dir) != name:
                continue
            raise
        return IndexHandle(index_dir, name, ix, meta, (st.st_ino, st.st_mtime_ns, st.st_size))
    raise damaged(index_dir, "CURRENT keeps changing")
