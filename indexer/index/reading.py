"""Reading one source for an index run: its content hash, and the document fields that must
be printable."""

from __future__ import annotations

import hashlib

from indexer.index.discover import Source
from indexer.index.errors import shown
from indexer.ingest.limits import max_file_bytes
from indexer.ingest.model import READER_VERSION, Document
from indexer.ingest.sidecar import sidecar_path


def hash_source(src: Source, max_bytes: int | None) -> str | None:
    """sha256 of the file + its sidecar + reader version (None if unreadable/too big)."""
    try:
        if src.path.stat().st_size > (max_file_bytes() if max_bytes is None else max_bytes):
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


def printable(doc: Document) -> Document:
    """The document with its source path and title printable: a file name that is not
    UTF-8 shows its bytes escaped (the source's identity keeps the exact name)."""
    doc.source = shown(doc.source)
    doc.title = shown(doc.title)
    return doc
