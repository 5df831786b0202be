"""Search: one function for the CLI, the API and the pages.

A handle is the store's `IndexHandle` (anything with `.ix`, optionally `.docs`,
`.searcher()`, `.generation` and `.caches`).  Results are plain dicts (JSON-ready); their
shape is the contract in docs/design.md.  The pieces: the query language and its compiler
(`query`), matching and ranking over raw postings (`ranker`, `tiers`, `proximity`), marks
(`highlight`), "did you mean" (`suggest`), the per-generation memo (`caches`), time budget
and turns (`budget`); the word and document pages are in `views`, the terminal text in
`text_output`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from indexer.index.store import resolve_fingerprint
from indexer.search.budget import MAX_BUDGET, Busy, Deadline, turn
from indexer.search.caches import (
    generation_cache,
    prepare_for_workers,
    ranker_for,
    run_for,
    warm_caches,
)
from indexer.search.highlight import highlight
from indexer.search.query import Compiled, QueryError, compile_query, in_range, is_expensive, parse
from indexer.search.ranker import decode_postings
from indexer.search.suggest import suggest
from indexer.search.text_output import format_text
from indexer.search.tiers import MATCHED_ALL, Ranked, Tier, match, rank

__all__ = [
    "QueryError",
    "NotFound",
    "Busy",
    "search",
    "searcher",
    "resolve_paragraph",
    "format_text",
    "warm_caches",
    "prepare_for_workers",
    "FACETS",
    "MAX_FACETS",
]

MAX_LIMIT = 100
MAX_OFFSET = 10_000
ORDERS = ("relevance", "document")
FACETS = 20  # documents listed in `facets` by default (the most hits first)
MAX_FACETS = 1_000  # the most a caller may ask for


class NotFound(LookupError):
    """No such document (HTTP 404)."""


# -- handle access ---------------------------------------------------------------------------


@contextmanager
def searcher(handle, deadline: Deadline | None = None, expensive: bool = False) -> Iterator:
    """A Whoosh searcher of the handle for this caller, when its turn comes (see
    indexer.search.budget; with a deadline, Busy if the turn does not come in time)."""
    with turn(deadline, expensive):
        opener = getattr(handle, "searcher", None) or handle.ix.searcher
        with opener() as s:
            yield s


def _docs(handle) -> dict:
    return getattr(handle, "docs", None) or {}


# Names the views (indexer.search.views) build on.
_searcher = searcher
_cache = generation_cache
_ranker = ranker_for
_run_for = run_for


def term_postings(reader, fieldname: str, text: str) -> tuple[list[int], list[float]]:
    """Global docnums and term frequencies of one term's postings, deleted docs left out."""
    ids, tfs, _blocks, _raw = decode_postings(reader, fieldname, text)
    return ids, tfs


def term_docnums(reader, fieldname: str, text: str) -> list[int]:
    return term_postings(reader, fieldname, text)[0]


def _paragraph_links(doc_id: str, n: int, fp: str, q: str | None) -> dict:
    qd = quote(doc_id, safe="")
    url = f"/doc/{qd}" + (f"?q={quote(q, safe='')}" if q else "") + f"#p{n}"
    perma = f"/p/{qd}/{n}" + (f"?h={quote(fp, safe='')}" if fp else "")
    return {"anchor": f"{doc_id}#p{n}", "url": url, "permalink": perma}


def resolve_paragraph(handle, doc_id: str, n: int, h: str | None = None) -> int | None:
    """The paragraph number today of a citation `doc#pN` made with fingerprint `h`."""
    return resolve_fingerprint(handle, doc_id, n, h)


# -- arguments ---------------------------------------------------------------------------------


def _validate(limit, offset, order) -> tuple[int, int]:
    try:
        limit, offset = int(limit), int(offset)
    except (TypeError, ValueError):
        raise QueryError(
            "limit and offset must be whole numbers.", "not_whole_number", name="limit/offset"
        ) from None
    in_range(limit, "limit", 1, MAX_LIMIT)
    in_range(offset, "offset", 0, MAX_OFFSET)
    if order not in ORDERS:
        raise QueryError(
            "order must be 'relevance' or 'document'.",
            "choice",
            name="order",
            choices=", ".join(ORDERS),
        )
    return limit, offset


def checked_budget(budget) -> float | None:
    if budget is None:
        return None
    try:
        seconds = float(budget)
    except (TypeError, ValueError):
        raise QueryError(
            "budget must be a number of seconds.", "budget", high=f"{MAX_BUDGET:g}"
        ) from None
    if not 0 < seconds <= MAX_BUDGET:
        raise QueryError(
            f"budget must be more than 0 and at most {MAX_BUDGET:g} seconds.",
            "budget",
            high=f"{MAX_BUDGET:g}",
        )
    return seconds


def _facet_count(facets) -> int:
    if facets is None or facets == "all":
        return MAX_FACETS
    try:
        facets = int(facets)
    except (TypeError, ValueError):
        facets = -1  # refused below, with the same message
    return in_range(facets, "facets", 0, MAX_FACETS)


# -- search -------------------------------------------------------------------------------------


def run_compiled(
    handle,
    s,
    comp: Compiled,
    need: int,
    doc: str | None,
    order: str,
    facets: int,
    deadline: Deadline | None = None,
) -> tuple[list[Tier], list[Ranked], list, int]:
    """(tiers with their counts, the first `need` ranked matches, top facets
    [(doc_id, count)], documents with matches) for a compiled query."""
    run = run_for(handle, s)
    if deadline is not None:
        run.deadline = deadline
    lay = run.layout
    tiers = match(run, comp, lay.doc_bits(doc) if doc else None)
    union = 0
    for t in tiers:
        union |= t.bits
    total = sum(t.count for t in tiers)
    facet_list, ndocs = lay.facets(union, total, facets) if total else ([], 0)
    items = rank(run, comp, tiers, need, order)
    return tiers, items, facet_list, ndocs


def search(
    handle,
    q: str,
    limit: int = 10,
    offset: int = 0,
    doc: str | None = None,
    order: str = "relevance",
    facets: int | str | None = FACETS,
    budget: float | None = None,
) -> dict:
    """Paragraphs matching the query, best first (or in document order), with highlights.

    `facets`: how many documents to list in `facets` (those with most hits; 0 to
    MAX_FACETS); `facet_documents` says how many documents have hits in all.  `budget`:
    seconds the search may take (indexer.search.budget; waiting for a turn counts).
    Raises QueryError for a query that cannot be searched, Busy when no turn comes in time.
    """
    t0 = time.perf_counter()
    deadline = Deadline(checked_budget(budget))
    limit, offset = _validate(limit, offset, order)
    nfacets = _facet_count(facets)
    tree = parse(q)
    with searcher(handle, deadline, expensive=is_expensive(tree)) as s:
        comp = compile_query(tree, s.schema, s.reader(), deadline)
        tiers, items, facet_list, ndocs = run_compiled(
            handle, s, comp, offset + limit, doc, order, nfacets, deadline
        )
        docs = _docs(handle)
        hits = [_hit(s, docs, r, q, comp) for r in items[offset : offset + limit]]
        suggestion = suggest(s, q, comp, deadline)
    out = {
        "query": q,
        "understood_as": comp.understood_as,
        "understood": comp.understood,
        "took_ms": round((time.perf_counter() - t0) * 1000, 1),
        "hits": hits,
        "facets": dict(facet_list),
        "facet_documents": ndocs,
        "suggestion": suggestion,
        "limit": limit,
        "offset": offset,
    }
    out.update(_totals(tiers, deadline))
    return out


def _totals(tiers: list[Tier], deadline: Deadline) -> dict:
    """The counts of a result: every match, and per tier (see indexer.search.tiers)."""
    counts = {t.kind: t.count for t in tiers}
    total = sum(counts.values())
    return {
        "total": total,
        # "all" and "word" are the same tier under two names: paragraphs with every word
        # (a one-word query: the word itself); "related" only with one-word queries.
        "total_all": counts.get("all", 0) + counts.get("word", 0),
        "total_some": counts.get("some", 0),
        "total_related": counts.get("related", 0),
        "partial": counts.get("some", 0) > 0,
        "complete": deadline.complete,
        "incomplete_reason": deadline.reason,
        "total_is_lower_bound": not deadline.complete,
    }


def _hit(s, docs: dict, r: Ranked, q: str, comp: Compiled) -> dict:
    f = s.stored_fields(r.docnum)
    doc_id, n = f.get("doc_id", ""), f.get("n", 0)
    text = f.get("text", "")
    meta = docs.get(doc_id, {})
    hit = {
        "doc_id": doc_id,
        "doc_title": meta.get("title") or f.get("title", ""),
        "paragraph": n,
        "section": f.get("section", ""),
        "page": f.get("page"),
        "score": round(float(r.score), 4),
        "text": text,
        "highlight": highlight(s.schema, text, comp.marks),
        "kind": f.get("kind", "paragraph"),
        "matched_all": MATCHED_ALL[r.tier],
        "related": r.tier == "related",
    }
    if r.tier == "some":
        hit["information"] = round(r.information, 4)
    hit.update(_paragraph_links(doc_id, n, f.get("fp", ""), q))
    return hit
