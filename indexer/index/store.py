"""The index folder: crash-safe generations of a Whoosh paragraph index.

Layout::

    <index>/CURRENT          name of the live generation (replaced atomically with os.replace)
    <index>/write.lock       flock held by the one writer for a whole `izde index` run
    <index>/gen-000007/      a complete Whoosh index + docs.json + manifest.json

A run never changes the live generation. It builds generation N+1 from a copy of the live one
(hard links: Whoosh never rewrites an existing file — segments get fresh random names, the TOC
a new generation number, deletions live in the TOC — so linked files stay byte-identical;
tests/test_store.py checks it), commits with one writer (`indexer.index.writer`: non-compound
segments, so a searcher memory-maps the files), fsyncs the files and the folder,
writes manifest.json (file names and sizes) and docs.json, and only then switches CURRENT
(temp file + fsync + os.replace + fsync of the folder). Generations older than the previous
one are deleted afterwards; the previous one stays for readers still holding it. A generation
newer than CURRENT is the leftover of a killed run and is deleted by the next run.

Test hook: with IZDE_TEST_PAUSE_AT=read|write|segment|commit|switch the writer prints
`IZDE_TEST_PAUSED <point>` to stderr and sleeps (IZDE_TEST_PAUSE_SECONDS, default 60) at that
point — after the first document is read, after the first paragraph is added (the Nth with
IZDE_TEST_PAUSE_AFTER=N), inside Whoosh's
commit once the new segment is written but before its TOC, after the Whoosh commit, after
docs.json is written but before CURRENT moves — so tests/test_crash.py can kill the process
there with SIGKILL. It does nothing when the variable is unset.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer.index.lifetime import die_with_parent
from indexer.ingest import ids
from indexer.ingest.encoding import encoding_label
from indexer.ingest.readers import (
    READER_VERSION,
    Document,
    SkipFile,
    is_sidecar,
    is_supported,
    iter_documents,
    read_sidecar,
    sidecar_path,
)

CURRENT = "CURRENT"
LOCK_FILE = "write.lock"
GEN_PREFIX = "gen-"
GEN_RE = re.compile(r"^gen-(\d{6,})$")
MANIFEST = "manifest.json"
DOCS_JSON = "docs.json"
HISTORY_CAP = 10  # previous fingerprint lists kept per document
FORMAT_VERSION = 1
# Whoosh's own lock files are never copied into a new generation.
_WHOOSH_LOCK_SUFFIX = "_LOCK"
_SEGMENT_LIMIT = 12  # more segments than this: merge all at commit
AUTO_PROCS_BYTES = 8 * 1024 * 1024  # changed input (~17K paragraphs) from which 2 processes pay off


class IndexError_(Exception):
    """Base of the index errors the CLI and the web app turn into clear messages."""


class IndexMissing(IndexError_):
    pass


class IndexDamaged(IndexError_):
    pass


class IndexBusy(IndexError_):
    pass


def _missing(index_dir: Path) -> IndexMissing:
    return IndexMissing(
        f"no index at {index_dir}; create it with: izde index corpus --index {index_dir}"
    )


def _damaged(index_dir: Path, what: str) -> IndexDamaged:
    return IndexDamaged(
        f"index at {index_dir} is damaged ({what}); rebuild it with: "
        f"izde index --rebuild --index {index_dir}"
    )


_PAUSE_AFTER = int(os.environ.get("IZDE_TEST_PAUSE_AFTER", "1") or 1)  # test hook: nth paragraph


def _pause(point: str) -> None:
    """Test hook (see the module docstring)."""
    if os.environ.get("IZDE_TEST_PAUSE_AT") == point:
        sys.stderr.write(f"IZDE_TEST_PAUSED {point}\n")
        sys.stderr.flush()
        time.sleep(float(os.environ.get("IZDE_TEST_PAUSE_SECONDS", "60")))


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


# -- small file-system helpers -----------------------------------------------------------


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durable(path: Path, data: bytes) -> None:
    """Write a file through a temp name + fsync + os.replace (never half-written)."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _gen_number(name: str) -> int | None:
    m = GEN_RE.match(name)
    return int(m.group(1)) if m else None


def _gen_name(number: int) -> str:
    return f"{GEN_PREFIX}{number:06d}"


def _read_current(index_dir: Path) -> str | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        raise _damaged(index_dir, "CURRENT unreadable")
    if _gen_number(name) is None:
        raise _damaged(index_dir, f"CURRENT names {name!r}")
    return name


def _human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _whoosh_files(gen_dir: Path) -> list[str]:
    return sorted(
        p.name
        for p in gen_dir.iterdir()
        if p.is_file()
        and p.name not in (MANIFEST, DOCS_JSON)
        and not p.name.endswith(_WHOOSH_LOCK_SUFFIX)
        and not p.name.startswith(".")
    )


def _verify_manifest(index_dir: Path, gen_dir: Path) -> dict:
    """Files present with their recorded sizes; returns the manifest. Raises IndexDamaged."""
    try:
        manifest = json.loads((gen_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _damaged(index_dir, f"{gen_dir.name}/{MANIFEST} missing")
    except (OSError, ValueError) as exc:
        raise _damaged(index_dir, f"{gen_dir.name}/{MANIFEST} unreadable: {exc}")
    sums = manifest.get("crc32", {})
    for name, size in manifest.get("files", {}).items():
        try:
            st = (gen_dir / name).stat()
        except FileNotFoundError:
            raise _damaged(index_dir, f"file {gen_dir.name}/{name} missing")
        if st.st_size != size:
            raise _damaged(
                index_dir, f"file {gen_dir.name}/{name} has {st.st_size} bytes, expected {size}"
            )
        # Same size, other bytes (a bad disk, a botched copy) would be served as wrong text:
        # each file's checksum is verified once per process and file version.
        key = _file_key(st)
        if name in sums and key not in _VERIFIED:
            if _crc32(gen_dir / name) != sums[name]:
                raise _damaged(
                    index_dir,
                    f"file {gen_dir.name}/{name} is corrupt (its "
                    f"checksum differs from the one recorded)",
                )
            _VERIFIED.add(key)
    return manifest


# Files (not names: a generation hard-links the unchanged segments of the one before) whose
# checksum this process has verified or computed.
_VERIFIED: set[tuple] = set()


def _file_key(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _crc32(path: Path) -> int:
    crc = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
    return crc


def _load_docs_json(index_dir: Path, gen_dir: Path) -> dict:
    try:
        data = json.loads((gen_dir / DOCS_JSON).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _damaged(index_dir, f"{gen_dir.name}/{DOCS_JSON} missing")
    except (OSError, ValueError) as exc:
        raise _damaged(index_dir, f"{gen_dir.name}/{DOCS_JSON} unreadable: {exc}")
    if not isinstance(data, dict) or not isinstance(data.get("docs"), dict):
        raise _damaged(index_dir, f"{gen_dir.name}/{DOCS_JSON} malformed")
    return data


def schema_signature() -> str:
    """Changes when the schema or the analysis changes: the index must then be rebuilt
    (Whoosh keeps the pickled analyzers of the index it was created with)."""
    from indexer.analysis import analyzers as analysis
    from indexer.index.schema import build_schema

    parts = []
    for name, f in sorted(build_schema().items()):
        attrs = {
            k: v for k, v in vars(f).items() if isinstance(v, (str, int, float, bool, type(None)))
        }
        parts.append(
            f"{name}:{type(f).__name__}:{sorted(attrs.items())}:"
            f"{type(getattr(f, 'column_type', None)).__name__}:"
            f"{getattr(f, 'analyzer', None)!r}"
        )
    for name in ("ANALYSIS_VERSION", "VERSION"):
        if hasattr(analysis, name):
            parts.append(f"{name}={getattr(analysis, name)}")
    # Function reprs carry memory addresses that differ per process.
    parts = [re.sub(r" at 0x[0-9a-fA-F]+", "", p) for p in parts]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


# -- readers -----------------------------------------------------------------------------


class IndexHandle:
    """An opened generation: `.ix`, `.generation`, `.docs`, `.searcher()`, `.refreshed()`."""

    POOL_SIZE = 8

    def __init__(self, index_dir: Path, generation: str, ix, meta: dict, stamp: tuple):
        self.index_dir = index_dir
        self.generation = generation
        self.path = index_dir / generation
        self.ix = ix
        self.meta = meta
        self.docs: dict[str, dict] = meta["docs"]
        self.paragraphs: int = int(meta.get("paragraphs", 0))
        self.updated_at: str | None = meta.get("updated_at")
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
            name = _read_current(self.index_dir)
        except IndexError_:
            return self
        if name == self.generation:
            self._stamp = stamp
            return self
        return open_index(self.index_dir)

    def close(self) -> None:
        """Close the idle pooled searchers; searchers in use are closed when given back."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, []
        for s in pool:
            with contextlib.suppress(Exception):
                s.close()


def open_index(index_dir: Path) -> IndexHandle:
    """Open the live generation, verified against its manifest and docs.json."""
    from whoosh import index as windex

    index_dir = Path(index_dir)
    for attempt in range(3):
        try:
            st = os.stat(index_dir / CURRENT)
        except FileNotFoundError:
            raise _missing(index_dir)
        name = _read_current(index_dir)
        if name is None:
            raise _missing(index_dir)
        gen_dir = index_dir / name
        if not gen_dir.is_dir():
            # A writer may have switched and cleaned between our two reads: try again.
            if attempt < 2 and _read_current(index_dir) != name:
                continue
            raise _damaged(index_dir, f"generation {name} named by CURRENT is missing")
        try:
            _verify_manifest(index_dir, gen_dir)
            meta = _load_docs_json(index_dir, gen_dir)
            try:
                ix = windex.open_dir(str(gen_dir))
                count = ix.doc_count()
            except Exception as exc:
                raise _damaged(index_dir, f"Whoosh cannot open {name}: {type(exc).__name__}: {exc}")
        except IndexDamaged:
            if attempt < 2 and _read_current(index_dir) != name:
                continue
            raise
        expected = int(meta.get("paragraphs", -1))
        if count != expected:
            raise _damaged(index_dir, f"{count} paragraphs in Whoosh, docs.json says {expected}")
        return IndexHandle(index_dir, name, ix, meta, (st.st_ino, st.st_mtime_ns, st.st_size))
    raise _damaged(index_dir, "CURRENT keeps changing")  # pragma: no cover


def resolve_fingerprint(
    handle: IndexHandle, doc_id: str, n: int, h: str | None = None
) -> int | None:
    """Current number of the paragraph an old citation `/p/<doc>/<n>?h=<fp>` meant.

    With a fingerprint `h`: the paragraph of the current version whose fingerprint is `h`;
    when several have it, the one nearest to `n` (the lower on a tie); None when no paragraph
    has that text any more.

    Without `h` (an old anchor that carries only a number), the rule is: take the most recent
    previous version of the document in which paragraph `n` existed (docs.json "history",
    newest first). If its paragraph `n` has the same fingerprint as the current paragraph `n`,
    or no previous version had `n`, the number still means the same text: return `n` (None if
    the document is now shorter). Otherwise paragraph `n` changed in that edit: find the old
    paragraph's text in the current version (nearest to `n`) and return its number; when that
    text is gone, return `n` if it exists (the paragraph was edited in place), else None.
    Links made by izde always carry `h`, so this guess only serves bare old anchors.
    """
    meta = handle.docs.get(doc_id)
    if meta is None:
        return None
    fps: list[str] = meta.get("fps", [])
    if h:
        return _nearest(fps, h, n)
    if n < 1:
        return None
    current = fps[n - 1] if n <= len(fps) else None
    for old in meta.get("history", []):
        if n <= len(old):
            if old[n - 1] == current:
                return n
            moved = _nearest(fps, old[n - 1], n)
            if moved is not None:
                return moved
            break
    return n if current is not None else None


def _nearest(fps: list[str], h: str, n: int) -> int | None:
    best = None
    for i, fp in enumerate(fps, 1):
        if fp == h and (best is None or abs(i - n) < abs(best - n)):
            best = i
    return best


# -- the writer lock ---------------------------------------------------------------------

_held_lock_fds: set[int] = set()


def _after_fork_in_child() -> None:
    """Whoosh's multiprocessing writer forks helpers. They must not keep the writer lock
    alive (flock belongs to the open file, shared across fork) and must die with the parent,
    or a killed `izde index` would leave the index busy until they exit."""
    if not _held_lock_fds:
        return
    parent = os.getppid()
    for fd in list(_held_lock_fds):
        with contextlib.suppress(OSError):
            os.close(fd)
    _held_lock_fds.clear()
    if not die_with_parent(signal.SIGKILL, parent):
        os._exit(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class _WriteLock:
    """flock on <index>/write.lock; dies with the process, so it never goes stale."""

    def __init__(self, index_dir: Path, wait: float):
        self.path = index_dir / LOCK_FILE
        self.wait = wait
        self.fd: int | None = None

    def __enter__(self) -> _WriteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + max(0.0, self.wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    holder = self._holder(fd)
                    os.close(fd)
                    raise IndexBusy(
                        f"index busy: another `izde index` (pid {holder}) is updating "
                        f"{self.path.parent}; wait for it or retry with --wait SECONDS"
                    )
                time.sleep(min(0.1, max(0.0, deadline - time.monotonic())) or 0.01)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        _held_lock_fds.add(fd)
        return self

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            return os.pread(fd, 32, 0).decode().strip() or "?"
        except OSError:
            return "?"

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            _held_lock_fds.discard(self.fd)
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None


# -- the summary -------------------------------------------------------------------------


@dataclass
class Summary:
    index_dir: str = ""
    generation: str | None = None
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # unknown file types, not reported as errors
    paragraphs: int = 0  # paragraphs written in this run
    total_paragraphs: int = 0  # paragraphs in the index afterwards
    documents: int = 0  # documents in the index afterwards
    seconds: float = 0.0
    encodings: Counter = field(default_factory=Counter)  # label -> documents read this run
    rebuilt: bool = False
    notes: list[str] = field(default_factory=list)
    procs: int = 1  # Whoosh writer processes used (see update_index)

    def report(self) -> str:
        def ids_list(xs: list[str]) -> str:
            shown = ", ".join(xs[:5]) + (f", … (+{len(xs) - 5})" if len(xs) > 5 else "")
            return f" ({shown})" if xs else ""

        lines = [
            f"index {self.index_dir}: generation {self.generation or '(none)'}"
            + (" (rebuilt)" if self.rebuilt else "")
        ]
        lines.append(
            f"documents: {len(self.added)} added{ids_list(self.added)}, "
            f"{len(self.updated)} updated{ids_list(self.updated)}, "
            f"{len(self.removed)} removed{ids_list(self.removed)}, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"
        )
        lines.append(
            f"paragraphs: {self.paragraphs} indexed in this run; index holds "
            f"{self.documents} documents, {self.total_paragraphs} paragraphs"
        )
        if self.encodings:
            lines.append(
                "encodings: " + ", ".join(f"{k} ×{v}" for k, v in sorted(self.encodings.items()))
            )
        if self.ignored:
            lines.append(f"ignored {len(self.ignored)} file(s) of unknown type")
        for note in self.notes:
            lines.append(note)
        if self.skipped:
            lines.append("skipped:")
            lines.extend(f"  {p}: {r}" for p, r in self.skipped)
        lines.append(f"time: {self.seconds:.2f} s")
        return "\n".join(lines)


# -- discovering files -------------------------------------------------------------------


@dataclass
class _Source:
    key: str  # resolved absolute path: identity of a source across runs
    path: Path  # the path to read
    rel: Path  # relative to the folder given on the command line


def _discover(
    paths: list[Path], index_dir: Path, summary: Summary
) -> tuple[list[_Source], list[tuple[str, bool]]]:
    """Files to read, and the scopes (resolved path, is_dir) whose vanished docs are removed."""
    found: dict[str, _Source] = {}
    scopes: list[tuple[str, bool]] = []
    index_real = os.path.realpath(index_dir)
    for given in paths:
        given = Path(given)
        real = os.path.realpath(given)
        if given.is_dir():
            scopes.append((real, True))
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if not d.startswith(".")
                    and os.path.realpath(os.path.join(root, d)) != index_real
                )
                for name in sorted(files):
                    p = Path(root) / name
                    if name.startswith(".") or is_sidecar(p):
                        continue
                    if not is_supported(p):
                        summary.ignored.append(str(p))
                        continue
                    key = os.path.realpath(p)
                    found.setdefault(key, _Source(key, p, p.relative_to(given)))
        elif given.exists():
            scopes.append((real, False))
            if is_sidecar(given):
                summary.ignored.append(str(given))
            elif not is_supported(given):
                summary.skipped.append(
                    (str(given), f"unsupported file type {given.suffix or '(none)'}")
                )
            else:
                found.setdefault(real, _Source(real, given, Path(given.name)))
        else:
            scopes.append((real, False))
            scopes.append((real, True))
            summary.notes.append(f"note: {given} does not exist")
    return [found[k] for k in sorted(found)], scopes


def _in_scope(source: str, scopes: list[tuple[str, bool]]) -> bool:
    for root, is_dir in scopes:
        if source == root or (is_dir and source.startswith(root.rstrip(os.sep) + os.sep)):
            return True
    return False


def _hash_source(src: _Source, max_bytes: int | None) -> str | None:
    """sha256 of the file + its sidecar + reader version (None if unreadable/too big)."""
    try:
        st = src.path.stat()
        from indexer.ingest.readers import max_file_bytes

        if st.st_size > (max_file_bytes() if max_bytes is None else max_bytes):
            return None
        h = hashlib.sha256()
        with open(src.path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        side = sidecar_path(src.path)
        if side.exists():
            h.update(b"\0sidecar\0" + side.read_bytes())
        h.update(READER_VERSION.encode())
        return h.hexdigest()
    except OSError:
        return None


# -- writing -----------------------------------------------------------------------------


class _GenerationWriter:
    """Creates generation N+1 (a linked copy of the live one, or empty) and one writer."""

    def __init__(
        self, index_dir: Path, live: str | None, number: int, fresh: bool, procs: int, limitmb: int
    ):
        from whoosh import index as windex

        from indexer.index.schema import build_schema

        self.index_dir = index_dir
        self.name = _gen_name(number)
        self.dir = index_dir / self.name
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir()
        self.known_crc: dict[tuple, int] = {}
        if fresh or live is None:
            self.ix = windex.create_in(str(self.dir), build_schema())
        else:
            src = index_dir / live
            for name in _whoosh_files(src):
                try:
                    os.link(src / name, self.dir / name)
                except OSError:
                    shutil.copy2(src / name, self.dir / name)
            # The linked files' checksums are known: the live manifest's, verified at open.
            with contextlib.suppress(OSError, ValueError):
                sums = json.loads((src / MANIFEST).read_text(encoding="utf-8")).get("crc32", {})
                for name, crc in sums.items():
                    with contextlib.suppress(OSError):
                        self.known_crc[_file_key((self.dir / name).stat())] = crc
            self.ix = windex.open_dir(str(self.dir))
        self.segments_before = len(self.ix._segments()) if hasattr(self.ix, "_segments") else 0
        from indexer.index.writer import open_writer

        self.writer = open_writer(self.ix, procs=procs, limitmb=limitmb)
        self.added = 0

    def delete_doc(self, doc_id: str) -> None:
        self.writer.delete_by_term("doc_id", doc_id)

    def add(self, doc: Document) -> None:
        from indexer.index.schema import paragraph_fields

        add = self.writer.add_document
        for para in doc.paragraphs:
            add(**paragraph_fields(doc, para))
            self.added += 1
            if self.added == _PAUSE_AFTER:
                _pause("write")

    def commit(self, optimize: bool) -> None:
        if self.segments_before >= _SEGMENT_LIMIT:
            optimize = True
        if os.environ.get("IZDE_TEST_PAUSE_AT") == "segment" and hasattr(
            self.writer, "_finalize_segment"
        ):
            # Test hook: pause inside Whoosh's commit, segment written, TOC not yet.
            original = self.writer._finalize_segment

            def finalize_then_pause():
                seg = original()
                _pause("segment")
                return seg

            self.writer._finalize_segment = finalize_then_pause
        self.writer.commit(optimize=optimize)

    def cancel(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.cancel()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _crc32(self, path: Path) -> int:
        """The file's checksum: known when it is linked unchanged from the live generation."""
        key = _file_key(path.stat())
        crc = self.known_crc.get(key)
        if crc is None:
            crc = _crc32(path)
        _VERIFIED.add(key)
        return crc

    def finish(self, meta: dict) -> None:
        """fsync the Whoosh files, write manifest.json and docs.json durably."""
        files = _whoosh_files(self.dir)
        for name in files:
            _fsync_file(self.dir / name)
        manifest = {
            "format": FORMAT_VERSION,
            "generation": self.name,
            "files": {n: (self.dir / n).stat().st_size for n in files},
            "crc32": {n: self._crc32(self.dir / n) for n in files},
        }
        _write_durable(self.dir / MANIFEST, json.dumps(manifest, indent=1).encode())
        _write_durable(
            self.dir / DOCS_JSON,
            json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode(),
        )
        _fsync_dir(self.dir)


def _switch(index_dir: Path, name: str) -> None:
    _write_durable(index_dir / CURRENT, (name + "\n").encode("ascii"))
    _fsync_dir(index_dir)


def _clean_generations(index_dir: Path, keep: set[str]) -> None:
    for p in index_dir.iterdir():
        if p.is_dir() and _gen_number(p.name) is not None and p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
        elif p.is_file() and p.name.startswith(".") and ".tmp" in p.name:
            with contextlib.suppress(OSError):
                p.unlink()


def _doc_meta(doc: Document, old: dict | None, now: str) -> dict:
    fps = [p.fp for p in doc.paragraphs]
    history = list(old.get("history", [])) if old else []
    if old and old.get("fps") and old.get("fps") != fps:
        history.insert(0, old["fps"])
    meta = {
        "title": doc.title,
        "source": doc.source,
        "format": doc.format,
        "encoding": doc.encoding,
        "lang": doc.lang,
        "url": doc.url,
        "date": doc.date,
        "sha256": doc.sha256,
        "paragraphs": len(doc.paragraphs),
        "fps": fps,
        "headings": sum(1 for p in doc.paragraphs if p.kind == "heading"),
        "pages": max((p.page or 0) for p in doc.paragraphs) or None,
        "indexed_at": now,
        "history": history[:HISTORY_CAP],
    }
    if doc.description:
        meta["description"] = doc.description
    return meta


def update_index(
    paths: list[Path],
    index_dir: Path,
    rebuild: bool = False,
    progress: bool = False,
    wait: float = 0.0,
    *,
    procs: int | None = None,
    limitmb: int = 128,
    max_bytes: int | None = None,
) -> Summary:
    """Index the documents under `paths` into `index_dir`; only new/changed ones are read.

    Documents indexed earlier from these paths whose files are gone are removed. A file that
    is skipped this run (unreadable, undecodable...) keeps its previously indexed version.
    Raises IndexBusy (another writer, after `wait` seconds) and IndexDamaged (the live
    generation fails its checks; `rebuild=True` builds a new index regardless).

    The writer is `indexer.index.writer.open_writer`: izde's Whoosh segment writer (postings
    grouped per term in memory, `limitmb` MB of them before a sorted run is written to a
    temporary file; non-compound segments, which searchers memory-map instead of reading
    into RAM). `procs=None` chooses one process, or two (Whoosh's multi-process writer, one
    segment per helper, the `limitmb` budget shared between them) when at least
    AUTO_PROCS_BYTES of changed files are to be read on a machine with two or more cores.
    Measured on 2 idle cores (bench/bench_index.py): two processes index 100K paragraphs
    about 1.45x faster in wall time for about 1.2x the CPU time, 10K paragraphs about 1.35x
    faster for about 1.35x the CPU; below AUTO_PROCS_BYTES a one-process run takes seconds,
    and the CPU (and the second core, which a running `izde serve` needs) is worth more than
    the second or two saved. IZDE_INDEX_PROCS overrides the choice; `Summary.procs` says
    what was used.
    """
    t0 = time.monotonic()
    index_dir = Path(index_dir)
    summary = Summary(index_dir=str(index_dir), rebuilt=rebuild)
    index_dir.mkdir(parents=True, exist_ok=True)
    with _WriteLock(index_dir, wait):
        live = None
        try:
            live = _read_current(index_dir)
        except IndexDamaged:
            if not rebuild:
                raise
        live_no = _gen_number(live) if live else 0
        # Leftovers of killed runs: generations newer than CURRENT, temp files.
        for p in list(index_dir.iterdir()):
            num = _gen_number(p.name)
            if p.is_dir() and num is not None and (live is None or num > live_no):
                shutil.rmtree(p, ignore_errors=True)
        _clean_generations(index_dir, keep={p.name for p in index_dir.iterdir()})

        old_meta: dict = {"docs": {}, "sources": {}}
        if live:
            gen_dir = index_dir / live
            try:
                if not gen_dir.is_dir():
                    raise _damaged(index_dir, f"generation {live} named by CURRENT is missing")
                _verify_manifest(index_dir, gen_dir)
                old_meta = _load_docs_json(index_dir, gen_dir)
            except IndexDamaged:
                if not rebuild:
                    raise
                with contextlib.suppress(Exception):  # keep ids and history if readable
                    old_meta = json.loads((gen_dir / DOCS_JSON).read_text(encoding="utf-8"))
                    old_meta.setdefault("docs", {})
                    old_meta.setdefault("sources", {})
        signature = schema_signature()
        if live and not rebuild and old_meta.get("schema") != signature:
            rebuild = True
            summary.rebuilt = True
            summary.notes.append(
                "note: the schema or analysis changed since the last run; rebuilt the index"
            )
            extra = [Path(s) for s in old_meta.get("sources", {}) if os.path.exists(s)]
            paths = list(paths) + extra

        old_docs: dict[str, dict] = old_meta.get("docs", {})
        old_sources: dict[str, dict] = old_meta.get("sources", {})
        sources, scopes = _discover(list(paths), index_dir, summary)

        # Ids: stable for known sources, deterministic for new ones.
        taken = {}
        for key, info in old_sources.items():
            for d in info.get("docs", []):
                taken[d] = key
        file_ids = ids.assign_ids(
            {s.key: s.rel for s in sources if s.path.suffix.lower() not in (".jsonl", ".ndjson")},
            taken,
        )

        new_docs: dict[str, dict] = {} if rebuild else dict(old_docs)
        new_sources: dict[str, dict] = {} if rebuild else dict(old_sources)
        owner: dict[str, str] = {} if rebuild else dict(taken)
        gw: _GenerationWriter | None = None
        now = _now()
        changed = False

        # First pass: content hashes, to know the work before choosing the writer.
        digests = {src.key: _hash_source(src, max_bytes) for src in sources}
        if procs is None:
            env = os.environ.get("IZDE_INDEX_PROCS")
            if env and env.isdigit() and int(env) > 0:
                procs = int(env)
            else:
                work = 0
                for src in sources:
                    prev = old_sources.get(src.key)
                    if rebuild or not prev or prev.get("sha256") != digests[src.key]:
                        with contextlib.suppress(OSError):
                            work += src.path.stat().st_size
                procs = 2 if work >= AUTO_PROCS_BYTES and (os.cpu_count() or 1) >= 2 else 1
        summary.procs = procs

        def writer() -> _GenerationWriter:
            nonlocal gw
            if gw is None:
                gw = _GenerationWriter(
                    index_dir,
                    live,
                    live_no + 1,
                    fresh=rebuild or live is None,
                    procs=procs,
                    limitmb=limitmb,
                )
            return gw

        bar = None
        try:
            if progress:
                from tqdm import tqdm

                bar = tqdm(
                    total=len(sources), unit="file", desc="indexing", file=sys.stderr, leave=False
                )
            seen_keys: set[str] = set()
            first_read = True
            for src in sources:
                if bar is not None:
                    bar.update(1)
                seen_keys.add(src.key)
                digest = digests[src.key]
                prev = old_sources.get(src.key)
                if (
                    not rebuild
                    and prev
                    and digest
                    and prev.get("sha256") == digest
                    and all(d in old_docs for d in prev.get("docs", []))
                ):
                    summary.unchanged.extend(prev.get("docs", []))
                    continue
                warnings: list[str] = []
                docs = iter_documents(src.path, max_bytes=max_bytes, warnings=warnings)
                try:
                    first = next(docs)
                except StopIteration:
                    first = None
                except SkipFile as exc:
                    reason = exc.reason
                    if prev and not rebuild:
                        reason += " (previous version kept)"
                        summary.unchanged.extend(prev.get("docs", []))
                    summary.skipped.append((str(src.path), reason))
                    continue
                if first_read:
                    first_read = False
                    _pause("read")
                is_jsonl = src.path.suffix.lower() in (".jsonl", ".ndjson")
                side_id = read_sidecar(src.path).get("id") if not is_jsonl else None
                kept: list[str] = []
                for doc in itertools.chain([first] if first else [], docs):
                    if not is_jsonl:
                        doc.doc_id = ids.slugify(side_id) if side_id else file_ids[src.key]
                    if owner.get(doc.doc_id, src.key) != src.key:
                        summary.skipped.append(
                            (
                                str(src.path),
                                f"document id {doc.doc_id!r} is "
                                f"already used by {owner[doc.doc_id]}",
                            )
                        )
                        continue
                    owner[doc.doc_id] = src.key
                    kept.append(doc.doc_id)
                    old = old_docs.get(doc.doc_id)
                    if not rebuild and old and old.get("sha256") == doc.sha256:
                        summary.unchanged.append(doc.doc_id)
                        continue
                    w = writer()
                    if old and not rebuild:
                        w.delete_doc(doc.doc_id)
                    if old is None:
                        summary.added.append(doc.doc_id)
                    elif rebuild and old.get("sha256") == doc.sha256:
                        summary.unchanged.append(doc.doc_id)  # rewritten, same content
                    else:
                        summary.updated.append(doc.doc_id)
                    w.add(doc)
                    changed = True
                    summary.paragraphs += len(doc.paragraphs)
                    if bar is not None:
                        bar.set_postfix_str(f"{summary.paragraphs} paragraphs", refresh=False)
                    summary.encodings[
                        encoding_label(doc.encoding) if doc.encoding else doc.format
                    ] += 1
                    new_docs[doc.doc_id] = _doc_meta(doc, old, now)
                for warning in warnings:
                    summary.skipped.append((str(src.path), warning))
                # Records that vanished from a JSON Lines file (or an id that changed).
                prev_ids = set(prev.get("docs", [])) if prev else set()
                for gone in sorted(prev_ids - set(kept)):
                    if owner.get(gone) == src.key:
                        del owner[gone]
                    if gone in new_docs and not rebuild:
                        writer().delete_doc(gone)
                        del new_docs[gone]
                        summary.removed.append(gone)
                        changed = True
                new_sources[src.key] = {"sha256": digest, "docs": kept}
            if bar is not None:
                bar.set_description("committing")
                bar.refresh()

            # Sources under the given paths whose files are gone.
            for key in sorted(old_sources):
                if key in seen_keys or not _in_scope(key, scopes) or os.path.exists(key):
                    continue
                for gone in old_sources[key].get("docs", []):
                    if gone in new_docs and owner.get(gone) == key:
                        if not rebuild:
                            writer().delete_doc(gone)
                        del new_docs[gone]
                        summary.removed.append(gone)
                        changed = True
                new_sources.pop(key, None)
            if rebuild:
                # Everything not re-read is gone from a rebuilt index.
                summary.removed.extend(sorted(d for d in old_docs if d not in new_docs))
                summary.removed = sorted(set(summary.removed))

            if not changed and not rebuild and live is not None:
                if bar is not None:
                    bar.close()
                    bar = None
                summary.generation = live
                summary.documents = len(old_docs)
                summary.total_paragraphs = int(old_meta.get("paragraphs", 0))
                summary.seconds = time.monotonic() - t0
                return summary

            w = writer()
            total = sum(m["paragraphs"] for m in new_docs.values())
            meta = {
                "format": FORMAT_VERSION,
                "generation": w.name,
                "updated_at": now,
                "schema": signature,
                "reader_version": READER_VERSION,
                "documents": len(new_docs),
                "paragraphs": total,
                "docs": new_docs,
                "sources": new_sources,
            }
            w.commit(optimize=rebuild)
            _pause("commit")
            w.finish(meta)
            _pause("switch")
            _switch(index_dir, w.name)
        except BaseException:
            if gw is not None:
                gw.cancel()
            raise
        finally:
            if bar is not None:
                bar.close()
        # Keep the previous generation for readers still holding it.
        _clean_generations(index_dir, keep={w.name} | ({live} if live else set()))
        summary.generation = w.name
        summary.documents = len(new_docs)
        summary.total_paragraphs = total
        summary.seconds = time.monotonic() - t0
        return summary


# -- checks and statistics ---------------------------------------------------------------


def check_index(index_dir: Path) -> list[str]:
    """Full verification without changes; [] when the index is sound."""
    index_dir = Path(index_dir)
    problems: list[str] = []
    try:
        handle = open_index(index_dir)
    except IndexError_ as exc:
        return [str(exc)]
    ix = handle.ix
    try:
        with ix.reader() as reader:
            seen: Counter = Counter()
            stored = 0
            for docnum, fields in reader.iter_docs():
                stored += 1
                seen[fields.get("doc_id")] += 1
                anchor = fields.get("anchor", "")
                doc = handle.docs.get(fields.get("doc_id"))
                if doc is None:
                    problems.append(f"paragraph {anchor} belongs to no document in docs.json")
                    continue
                n = fields.get("n", 0)
                if not (1 <= n <= len(doc["fps"])) or doc["fps"][n - 1] != fields.get("fp"):
                    problems.append(f"paragraph {anchor} does not match docs.json")
            for fieldname, btext in reader.all_terms():
                m = reader.postings(fieldname, btext)
                for _ in m.all_ids():
                    pass
            if stored != handle.paragraphs:
                problems.append(f"{stored} stored paragraphs, docs.json says {handle.paragraphs}")
            for doc_id, m in handle.docs.items():
                if seen.get(doc_id, 0) != m["paragraphs"]:
                    problems.append(
                        f"document {doc_id}: {seen.get(doc_id, 0)} paragraphs in "
                        f"Whoosh, docs.json says {m['paragraphs']}"
                    )
    except Exception as exc:
        problems.append(f"reading the index failed: {type(exc).__name__}: {exc}")
    finally:
        handle.close()
    return problems[:50]


_TERMS_CACHE: dict[str, int] = {}  # generation folder@manifest mtime -> distinct terms


def index_stats(index_dir: Path, handle: IndexHandle | None = None) -> dict:
    """Documents, paragraphs, distinct terms, size on disk, last update, generation, path.

    `handle`: an open handle of this index to describe (a server's live one: opening the
    index again costs seconds at a million paragraphs); by default the index is opened."""
    index_dir = Path(index_dir)
    own = handle is None
    if own:
        handle = open_index(index_dir)
    try:
        manifest = handle.path / MANIFEST
        key = f"{handle.path.resolve()}@{manifest.stat().st_mtime_ns}"
        terms = _TERMS_CACHE.get(key)
        if terms is None:
            with handle.searcher() as s:
                reader = s.reader()
                terms = sum(1 for _ in reader.lexicon("text")) if "text" in handle.ix.schema else 0
            if len(_TERMS_CACHE) > 16:
                _TERMS_CACHE.clear()
            _TERMS_CACHE[key] = terms
        live_size = sum(p.stat().st_size for p in handle.path.iterdir() if p.is_file())
        total = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
        encodings = Counter(
            encoding_label(m.get("encoding")) if m.get("encoding") else m.get("format", "?")
            for m in handle.docs.values()
        )
        formats = Counter(m.get("format", "?") for m in handle.docs.values())
        return {
            "index": str(index_dir.resolve()),
            "generation": handle.generation,
            "documents": len(handle.docs),
            "paragraphs": handle.paragraphs,
            "distinct_terms": terms,
            "size_bytes": live_size,
            "size": _human(live_size),
            "disk_bytes_all_generations": total,
            "last_update": handle.updated_at,
            "formats": dict(sorted(formats.items())),
            "encodings": dict(sorted(encodings.items())),
        }
    finally:
        if own:
            handle.close()
