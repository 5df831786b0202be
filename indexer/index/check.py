"""`izde index --check`: a full read of the live generation, changing nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from indexer.index.errors import IndexError_
from indexer.index.generations import IndexHandle, open_index

MAX_PROBLEMS = 50


def check_index(index_dir: Path) -> list[str]:
    """Every problem found (at most MAX_PROBLEMS); [] when the index is sound."""
    try:
        handle = open_index(Path(index_dir))
    except IndexError_ as exc:
        return [str(exc)]
    try:
        return _check(handle)[:MAX_PROBLEMS]
    except Exception as exc:
        return [f"reading the index failed: {type(exc).__name__}: {exc}"]
    finally:
        handle.close()


def _check(handle: IndexHandle) -> list[str]:
    """Stored paragraphs against docs.json, and every posting list read through."""
    problems: list[str] = []
    with handle.ix.reader() as reader:
        seen: Counter = Counter()
        stored = 0
        for _docnum, fields in reader.iter_docs():
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
            for _ in reader.postings(fieldname, btext).all_ids():
                pass
    if stored != handle.paragraphs:
        problems.append(f"{stored} stored paragraphs, docs.json says {handle.paragraphs}")
    for doc_id, m in handle.docs.items():
        if seen.get(doc_id, 0) != m["paragraphs"]:
            problems.append(
                f"document {doc_id}: {seen.get(doc_id, 0)} paragraphs in "
                f"Whoosh, docs.json says {m['paragraphs']}"
            )
    return problems
