"""`izde stats` and the /stats page's figures."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from indexer.index.generations import IndexHandle, open_index
from indexer.ingest.encoding import encoding_label


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def distinct_terms(handle: IndexHandle) -> int:
    """Terms of the `text` field; counted once per handle (it reads the whole lexicon)."""
    terms = handle.caches.get("distinct_terms")
    if terms is None:
        with handle.searcher() as s:
            reader = s.reader()
            terms = sum(1 for _ in reader.lexicon("text")) if "text" in handle.ix.schema else 0
        handle.caches["distinct_terms"] = terms
    return terms


def index_stats(index_dir: Path, handle: IndexHandle | None = None) -> dict[str, Any]:
    """Documents, paragraphs, distinct terms, size on disk, last update, generation, path.

    `handle`: an open handle of this index to describe (a server's live one: opening the
    index again costs seconds at a million paragraphs); by default the index is opened."""
    index_dir = Path(index_dir)
    own = handle is None
    h = open_index(index_dir) if handle is None else handle
    try:
        live_size = sum(p.stat().st_size for p in h.path.iterdir() if p.is_file())
        total = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
        encodings = Counter(
            encoding_label(m["encoding"]) if m.get("encoding") else m.get("format", "?")
            for m in h.docs.values()
        )
        formats = Counter(m.get("format", "?") for m in h.docs.values())
        return {
            "index": str(index_dir.resolve()),
            "generation": h.generation,
            "documents": len(h.docs),
            "paragraphs": h.paragraphs,
            "distinct_terms": distinct_terms(h),
            "size_bytes": live_size,
            "size": human_size(live_size),
            "disk_bytes_all_generations": total,
            "last_update": h.updated_at,
            "formats": dict(sorted(formats.items())),
            "encodings": dict(sorted(encodings.items())),
        }
    finally:
        if own:
            h.close()
