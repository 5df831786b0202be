"""The index folder on disk: names, durable writes, CURRENT and the generation folders.

Layout::

    <index>/CURRENT          name of the live generation (replaced atomically with os.replace)
    <index>/write.lock       flock held by the one writer for a whole `izde index` run
    <index>/gen-000007/      a complete Whoosh index + docs.json + manifest.json

A file is never written in place: it is written under a temporary name, fsynced, and moved
over the old one with os.replace, so a reader or a crash sees the old or the new file whole.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import zlib
from pathlib import Path

from indexer.index.errors import damaged

CURRENT = "CURRENT"
LOCK_FILE = "write.lock"
GEN_PREFIX = "gen-"
GEN_RE = re.compile(r"^gen-(\d{6,})$")
MANIFEST = "manifest.json"
DOCS_JSON = "docs.json"
# Whoosh's own lock files are never copied into a new generation.
_WHOOSH_LOCK_SUFFIX = "_LOCK"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durable(path: Path, data: bytes) -> None:
    """Write a file through a temp name + fsync + os.replace (never half-written)."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def json_bytes(data: object) -> bytes:
    """Compact UTF-8 JSON. A file name that is not valid UTF-8 (held as lone surrogates)
    cannot be written as UTF-8: the document is then written with ASCII escapes, which
    json.loads turns back into exactly the same name. Not always, since escaping every
    Kazakh letter makes docs.json three times larger."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def gen_number(name: str) -> int | None:
    m = GEN_RE.match(name)
    return int(m.group(1)) if m else None


def gen_name(number: int) -> str:
    return f"{GEN_PREFIX}{number:06d}"


def read_current(index_dir: Path) -> str | None:
    """The live generation's name; None when there is no CURRENT. Raises IndexDamaged."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        raise damaged(index_dir, "CURRENT unreadable") from None
    if gen_number(name) is None:
        raise damaged(index_dir, f"CURRENT names {name!r}")
    return name


def switch_current(index_dir: Path, name: str) -> None:
    write_durable(index_dir / CURRENT, (name + "\n").encode("ascii"))
    fsync_dir(index_dir)


def whoosh_files(gen_dir: Path) -> list[str]:
    return sorted(
        p.name
        for p in gen_dir.iterdir()
        if p.is_file()
        and p.name not in (MANIFEST, DOCS_JSON)
        and not p.name.endswith(_WHOOSH_LOCK_SUFFIX)
        and not p.name.startswith(".")
    )


def clean_generations(index_dir: Path, keep: set[str]) -> None:
    """Delete generation folders not in `keep`, and temp files of killed runs."""
    for p in index_dir.iterdir():
        if p.is_dir() and gen_number(p.name) is not None and p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
        elif p.is_file() and p.name.startswith(".") and ".tmp" in p.name:
            with contextlib.suppress(OSError):
                p.unlink()


def remove_unfinished(index_dir: Path, live: str | None) -> None:
    """Leftovers of killed runs: generations newer than CURRENT, temp files."""
    live_no = gen_number(live) if live else 0
    for p in list(index_dir.iterdir()):
        num = gen_number(p.name)
        if p.is_dir() and num is not None and (live is None or num > (live_no or 0)):
            shutil.rmtree(p, ignore_errors=True)
    clean_generations(index_dir, keep={p.name for p in index_dir.iterdir()})


# -- checksums -----------------------------------------------------------------------------

# Files (not names: a generation hard-links the unchanged segments of the one before) whose
# checksum this process has verified or computed.
VERIFIED: set[tuple] = set()


def file_key(st: os.stat_result) -> tuple:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def crc32(path: Path) -> int:
    crc = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
    return crc
