"""The concordance on a seeded benchmark index: the first page, the last page, a context
sort, the full TSV export, and the word page, for the most frequent words.

    python -m bench.bench_concordance                  # 100K paragraphs (bench.scale's index)
    python -m bench.bench_concordance --n 20000        # quicker
    python -m bench.bench_concordance --index DIR      # any index as it is

Each figure is one cold run (a fresh handle: the orders are cached per generation) and,
for the pages, a second warm one.  Also checks what the issue asks of a large index: paging
reaches the last occurrence, and the export has exactly `total` rows.  Writes
bench/out/concordance.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.load import OUT, machine
from indexer.index.store import open_index
from indexer.search import concordance as kwic
from indexer.search.views import term_view


def timed(f) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = f()
    return round((time.perf_counter() - t0) * 1000, 1), out


def frequent_words(handle, k: int) -> list[tuple[str, int]]:
    """The k `text` keys with the most occurrences (of those with letters only)."""
    with handle.searcher() as s:
        reader = s.reader()
        freq = [
            (t.decode("utf-8") if isinstance(t, bytes) else t, int(info.weight()))
            for t, info in reader.iter_field("text")
        ]
    words = [(t, n) for t, n in freq if t.isalpha()]
    return sorted(words, key=lambda x: -x[1])[:k]


def one_word(index_dir: Path, word: str, limit: int) -> dict:
    h = open_index(index_dir)
    row: dict = {"word": word}
    row["first_page_ms"], first = timed(lambda: kwic.concordance(h, word, limit=limit))
    total = first["total"]
    row["total"] = total
    row["first_page_again_ms"], _ = timed(lambda: kwic.concordance(h, word, limit=limit))
    last_offset = max(0, (total - 1) // limit * limit)
    row["last_page_ms"], last = timed(
        lambda: kwic.concordance(h, word, offset=last_offset, limit=limit)
    )
    row["last_page_reaches_the_end"] = last_offset + len(last["lines"]) == total
    row["right_sort_ms"], right = timed(
        lambda: kwic.concordance(h, word, sort="right", limit=limit)
    )
    row["right_sort_refused"] = bool(right.get("sort_refused"))
    row["right_sort_again_ms"], _ = timed(
        lambda: kwic.concordance(h, word, sort="right", offset=last_offset, limit=limit)
    )
    row["tsv_ms"], rows = timed(lambda: sum(1 for _ in kwic.iter_tsv(h, word)) - 1)
    row["tsv_rows_equal_total"] = rows == total
    row["term_view_ms"], _ = timed(lambda: term_view(h, word))
    h.close()
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="paragraphs of the seeded index")
    ap.add_argument("--index", type=Path, default=None, help="use this index as it is")
    ap.add_argument("--words", type=int, default=3, help="how many frequent words")
    ap.add_argument("--limit", type=int, default=100, help="lines per page")
    args = ap.parse_args(argv)
    if args.index is None:
        from bench.scale import ensure_index

        ensure_index(args.n)
        args.index = OUT / f"index-{args.n}"
    h = open_index(args.index)
    words = frequent_words(h, args.words)
    h.close()
    rows = [one_word(args.index, w, args.limit) for w, _n in words]
    result = {
        "index": str(args.index),
        "context_sort_max": kwic.CONTEXT_SORT_MAX,
        "machine": machine(),
        "words": rows,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "concordance.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    cols = ("word", "total", "first_page_ms", "last_page_ms", "right_sort_ms", "tsv_ms")
    print("\t".join(cols))
    for r in rows:
        print("\t".join(str(r[c]) for c in cols))
    ok = all(r["last_page_reaches_the_end"] and r["tsv_rows_equal_total"] for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
