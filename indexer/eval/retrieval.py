"""`izde eval retrieval`: ranking quality on a folder with corpus.jsonl, topics.tsv, qrels.tsv.

The passages are indexed into a temporary index (the same store and schema as
`izde index`), every topic goes through the same `search()` the CLI and the web use, with
up to 100 hits, and documents are ranked by their best paragraph.  Relevance is binary;
figures are averaged over the topics that have at least one relevant judgement.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

from indexer.index.store import IndexHandle, open_index, update_index
from indexer.search.engine import search
from indexer.search.query import QueryError

DEPTH = 100


# -- metrics (standard definitions, binary relevance) -------------------------------------------


def ndcg_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def mrr_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    for i, d in enumerate(ranked[:k]):
        if d in relevant:
            return 1.0 / (i + 1)
    return 0.0


def recall_at(ranked: list[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & relevant) / len(relevant)


def score_run(run: dict[str, list[str]], qrels: dict[str, set[str]]) -> tuple[dict, list]:
    """Averages over judged topics, and per-topic rows."""
    rows: list[dict[str, Any]] = []
    for topic, relevant in qrels.items():
        if not relevant:
            continue
        ranked = run.get(topic, [])
        rows.append(
            {
                "topic": topic,
                "ndcg@10": ndcg_at(ranked, relevant, 10),
                "mrr@10": mrr_at(ranked, relevant, 10),
                "recall@10": recall_at(ranked, relevant, 10),
                "recall@100": recall_at(ranked, relevant, 100),
                "relevant": sorted(relevant),
                "top10": ranked[:10],
            }
        )
    n = len(rows)
    avg: dict[str, float] = {
        m: (sum(r[m] for r in rows) / n if n else 0.0)
        for m in ("ndcg@10", "mrr@10", "recall@10", "recall@100")
    }
    avg["queries"] = n
    return avg, rows


# -- reading the folder ----------------------------------------------------------------------------


def read_topics(path: Path) -> dict[str, str]:
    topics = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            tid, q = line.split("\t", 1)
            topics[tid.strip()] = q.strip()
    return topics


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            topic, doc, rel = parts[0].strip(), parts[1].strip(), parts[2].strip()
            qrels.setdefault(topic, set())
            try:
                if float(rel) > 0:
                    qrels[topic].add(doc)
            except ValueError:
                continue
    return qrels


def build_index(corpus: Path, index_dir: Path) -> IndexHandle:
    """Index a JSONL corpus with the project's store, as `izde index --rebuild` would."""
    update_index([corpus], index_dir, rebuild=True)
    return open_index(index_dir)


def run_topics(handle, topics: dict[str, str], depth: int = DEPTH) -> dict[str, list[str]]:
    """topic -> document ids ranked by their best paragraph."""
    run: dict[str, list[str]] = {}
    for tid, question in topics.items():
        try:
            res = search(handle, question, limit=depth)
        except QueryError:
            run[tid] = []
            continue
        ranked: list[str] = []
        for hit in res["hits"]:
            if hit["doc_id"] not in ranked:
                ranked.append(hit["doc_id"])
        run[tid] = ranked
    return run


def evaluate(folder: Path, per_query: Path | None = None, handle=None) -> dict:
    """nDCG@10, MRR@10, Recall@10, Recall@100 and the number of judged queries."""
    folder = Path(folder)
    topics = read_topics(folder / "topics.tsv")
    qrels = read_qrels(folder / "qrels.tsv")
    qrels = {t: r for t, r in qrels.items() if t in topics}
    if handle is None:
        with tempfile.TemporaryDirectory(prefix="izde-eval-") as tmp:
            handle = build_index(folder / "corpus.jsonl", Path(tmp) / "index")
            run = run_topics(handle, topics)
            _close(handle)
    else:
        run = run_topics(handle, topics)
    avg, rows = score_run(run, qrels)
    if per_query is not None:
        with open(per_query, "w", encoding="utf-8") as fh:
            for row in rows:
                row["question"] = topics.get(row["topic"], "")
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return avg


def _close(handle) -> None:
    close = getattr(handle, "close", None)
    if callable(close):
        close()
