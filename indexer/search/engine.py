"""Search, term view and document view: one set of functions for the CLI, the API and pages.

A handle is the store's `IndexHandle` (anything with `.ix`, optionally `.docs`,
`.searcher()` and `.generation`).  Results are plain dicts (JSON-ready); their shape is
the contract in docs/design.md.
"""

from __future__ import annotations

import heapq
import html
import os
import re
import threading
import time
from bisect import bisect_left
from collections import Counter, OrderedDict
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from whoosh import query as wq

from indexer.search.highlight import highlight, tokens
from indexer.search.query import (
    Compiled,
    QueryError,
    clean,
    compile_query,
    has_kazakh_letters,
    parse,
)
from indexer.search.ranker import Ranker, Run, Unsupported, decode_postings, slots_of_bits

__all__ = [
    "QueryError",
    "NotFound",
    "search",
    "term_view",
    "document_view",
    "resolve_paragraph",
    "format_text",
    "format_term_text",
]

MAX_LIMIT = 100
MAX_OFFSET = 10_000
SUGGEST_BELOW = 3  # "did you mean" only when a query finds fewer hits than this
CONCORDANCE_LINES = 200
CONCORDANCE_CONTEXT = 60
ORDERS = ("relevance", "document")


class NotFound(LookupError):
    """No such document (HTTP 404)."""


# -- handle access ---------------------------------------------------------------------------
# Searches in one process take turns (SEARCH_CONCURRENCY at a time): they are CPU-bound
# Python, so running more at once gains nothing under the GIL (more worker processes use
# more cores; see webapp/serve.py), and each Whoosh searcher open at the same time keeps its
# own readers and caches (for compound segments, which izde's writer no longer makes, even a
# copy of the segment file in memory).  Taking turns also serves short searches waiting behind a long one sooner than sharing the
# CPU would (lower 95th-percentile latency under load).  $IZDE_SEARCH_CONCURRENCY overrides.


def _concurrency() -> int:
    raw = os.environ.get("IZDE_SEARCH_CONCURRENCY", "").strip()
    return int(raw) if raw.isdigit() and int(raw) >= 1 else 1


SEARCH_CONCURRENCY = _concurrency()
_TURNS = threading.BoundedSemaphore(SEARCH_CONCURRENCY)


@contextmanager
def searcher(handle):
    """A Whoosh searcher of the handle for this caller, when its turn comes."""
    with _TURNS:
        opener = getattr(handle, "searcher", None)
        if opener is not None:
            with opener() as s:
                yield s
        else:
            with handle.ix.searcher() as s:
                yield s


_searcher = searcher


def _docs(handle) -> dict:
    return getattr(handle, "docs", None) or {}


_CACHES: OrderedDict = OrderedDict()
_CACHES_LOCK = threading.Lock()
PER_INDEX = 2  # handles (generations) of one index folder with caches: the live one and
# the one that requests in flight may still use after a switch
MAX_CACHES = 16


def _cache(handle) -> dict:
    """Per handle and generation: memoised data that only changes with the index (the
    ranker's layout and decoded postings can take hundreds of MB on a large index, so an
    older generation's are let go once newer ones are in use)."""
    folder = getattr(handle, "index_dir", None)
    key = (
        str(folder) if folder is not None else None,
        id(handle.ix),
        getattr(handle, "generation", None),
    )
    c = _CACHES.get(key)
    if c is not None:
        return c
    with _CACHES_LOCK:
        c = _CACHES.get(key)
        if c is None:
            if key[0] is not None:
                same = [k for k in _CACHES if k[0] == key[0]]
                while len(same) >= PER_INDEX:
                    _CACHES.pop(same.pop(0), None)
            while len(_CACHES) >= MAX_CACHES:
                _CACHES.popitem(last=False)
            # (the index object is kept so that its id is not reused while cached)
            c = _CACHES[key] = {"ix": handle.ix}
    return c


# -- search -------------------------------------------------------------------------------------


def _validate(limit, offset, order) -> tuple[int, int]:
    try:
        limit, offset = int(limit), int(offset)
    except (TypeError, ValueError):
        raise QueryError("limit and offset must be whole numbers.") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}.")
    if not 0 <= offset <= MAX_OFFSET:
        raise QueryError(f"offset must be between 0 and {MAX_OFFSET}.")
    if order not in ORDERS:
        raise QueryError("order must be 'relevance' or 'document'.")
    return limit, offset


# -- matching, counting, ranking -----------------------------------------------------------
# The work is done by indexer.search.ranker over raw postings (bit sets for matching and counting,
# BM25 summed with MaxScore pruning for ranking); Whoosh's own top-N search stays as the
# reference path (tests compare the two) and for query shapes the ranker does not model.


def term_postings(reader, fieldname: str, text: str) -> tuple[list[int], list[float]]:
    """Global docnums and term frequencies of one term's postings, deleted docs left out."""
    ids, tfs, _blocks, _raw = decode_postings(reader, fieldname, text)
    return ids, tfs


def term_docnums(reader, fieldname: str, text: str) -> list[int]:
    return term_postings(reader, fieldname, text)[0]


FACETS = 20  # documents listed in `facets` by default (the most hits first)
MAX_FACETS = 1_000  # the most a caller may ask for
_RANKER_LOCK = threading.Lock()


def _ranker(handle, searcher) -> Ranker:
    """The generation's ranker (layout and caches), made once."""
    cache = _cache(handle)
    r = cache.get("ranker")
    if r is None:
        with _RANKER_LOCK:
            r = cache.get("ranker")
            if r is None:
                r = None
                if _PREPARED:
                    r = _PREPARED.get(_generation_key(handle))
                    if r is None:  # the index moved on: let that one go
                        _PREPARED.clear()
                if r is None:
                    r = Ranker(searcher)
                cache["ranker"] = r
    return r


def warm_caches(handle, seconds: float = 10.0) -> int:
    """Prepare a generation for searching (layout, decoded postings of its most frequent
    terms) within about `seconds`; returns how many terms were loaded.  It takes no turn
    (see SEARCH_CONCURRENCY): a server prepares a new generation beside the searches it
    still answers from the previous one."""
    opener = getattr(handle, "searcher", None) or handle.ix.searcher
    with opener() as s:
        return _ranker(handle, s).warm(s, seconds)


_PREPARED: dict = {}  # generation folder -> a ranker made before worker processes forked


def _generation_key(handle) -> str | None:
    path = getattr(handle, "path", None)
    return str(Path(path).resolve()) if path is not None else None


def prepare_for_workers(index_dir, seconds: float) -> int:
    """In the process that forks the web workers: build and warm the live generation's
    ranker once; every worker then starts with it (shared copy-on-write pages) instead of
    each building and warming its own.  The index itself is closed again (each worker opens
    its own).  Returns how many terms were loaded."""
    from indexer.index.store import open_index

    handle = open_index(Path(index_dir))
    try:
        n = warm_caches(handle, seconds)
        made = _cache(handle).get("ranker")
        key = _generation_key(handle)
        _PREPARED.clear()
        if made is not None and key is not None:
            _PREPARED[key] = made
    finally:
        handle.close()
        _CACHES.clear()
    return n


def _run_for(handle, searcher) -> Run:
    return _ranker(handle, searcher).run(searcher)


PROXIMITY_WINDOW = 4  # words apart (either order) that count as "close together"
PROXIMITY_WEIGHT = 1.0  # bonus per close pair, times the pair's mean idf (measured: 0.5-1.5)
PROXIMITY_RERANK = 50  # the proximity bonus is computed for this many top candidates


def _proximity(run: Run, pairs: list[tuple[str, str]], slots: list[int]) -> dict[int, float]:
    """Bonus for each query word pair standing within PROXIMITY_WINDOW words."""
    bonus: dict[int, float] = {}
    docnum_of = run.layout.docnum_of
    searcher = run.searcher
    cache: dict[str, dict] = {}

    def where(stem: str) -> dict:
        """slot -> positions of the stem, for the candidates that contain it."""
        got = cache.get(stem)
        if got is None:
            td = run.term("text", stem)
            ids, n = td.ids, len(td.ids)
            have = []
            for s in slots:
                j = bisect_left(ids, s)
                if j < n and ids[j] == s:
                    have.append(s)
            pos = run.positions("text", stem, [docnum_of[s] for s in have]) if have else {}
            got = cache[stem] = {s: pos.get(docnum_of[s]) for s in have}
        return got

    for a, b in pairs:
        pa, pb = where(a), where(b)
        if not pa or not pb:
            continue
        w = PROXIMITY_WEIGHT * (searcher.idf("text", a) + searcher.idf("text", b)) / 2
        for s in slots:
            xs, ys = pa.get(s), pb.get(s)
            if not xs or not ys:
                continue
            i = j = 0
            while i < len(xs) and j < len(ys):  # two sorted lists: closest pair
                if abs(xs[i] - ys[j]) <= PROXIMITY_WINDOW:
                    bonus[s] = bonus.get(s, 0.0) + w
                    break
                if xs[i] < ys[j]:
                    i += 1
                else:
                    j += 1
    return bonus


SCORE_DIRECT = float("inf")  # above this many postings, Whoosh's top-N is reranked instead
RERANK = 100  # (that path) candidates from Whoosh's top-N reranked with the bonuses


def _whoosh_top(
    run: Run, q: wq.Query, extra: list, k: int, allowed: int | None, mask: int
) -> list[tuple[int, float]]:
    """Whoosh's own top-k by its scores, plus the title/heading bonuses, as (slot, score)."""
    lay = run.layout
    docnum_of, slot_of = lay.docnum_of, lay.slot_of
    filt = {docnum_of[s] for s in slots_of_bits(allowed)} if allowed is not None else None
    msk = {docnum_of[s] for s in slots_of_bits(mask)} if mask else None
    results = run.searcher.search(q, limit=k, filter=filt, mask=msk)
    scores = {slot_of[docnum]: score or 0.0 for docnum, score in results.items()}
    for td, boost, _c in extra:
        ids, vals, n = td.ids, td.vals, len(td.ids)
        for s in scores:
            j = bisect_left(ids, s)
            if j < n and ids[j] == s:
                scores[s] += boost * vals[j]
    return list(scores.items())


def _run(
    run: Run, comp: Compiled, q: wq.Query, need: int, allowed: int | None, order: str, mask: int = 0
) -> tuple[list, int, int]:
    """Top `need` (slot, score), the matching set (bits) and its size."""
    lay = run.layout
    matched = run.bits(q)
    if allowed is not None:
        matched &= allowed
    if mask:
        matched &= ~mask
    n = matched.bit_count()
    if not n:
        return [], 0, 0
    if order == "document":
        return [(s, 0.0) for s in lay.first_in_document_order(matched, n, need)], matched, n
    extra = run.leaves(comp.boost) if comp.boost is not None else []
    try:
        leaves = run.leaves(q)
        direct = sum(len(td) for td, _b, _c in leaves) <= SCORE_DIRECT
    except Unsupported:
        direct = False
    if direct:
        k = max(need, PROXIMITY_RERANK) if comp.pairs else need
        top = run.top(leaves, extra, matched, n, k + 10)
    else:
        # Whoosh's top-N by text score, reranked with the bonuses.  (Whoosh 2.7.4's block
        # skipping returns wrong tops for AndMaybe, so the bonus query is not given to it.)
        top = _whoosh_top(run, q, extra, max(need + 10, RERANK), allowed, mask)
    if comp.pairs:
        bonus = _proximity(run, comp.pairs, [s for s, _ in top])
        top = [(s, sc + bonus.get(s, 0.0)) for s, sc in top]
    # Equal scores in document order; a few extra were fetched so ties at the cut are right.
    rank = lay.rank
    top.sort(key=lambda it: (-round(it[1], 6), rank[it[0]]))
    return top[:need], matched, n


def _facet_count(facets) -> int | None:
    if facets is None or facets == "all":
        return MAX_FACETS
    try:
        facets = int(facets)
    except (TypeError, ValueError):
        raise QueryError(f"facets must be a whole number from 0 to {MAX_FACETS}.") from None
    if not 0 <= facets <= MAX_FACETS:
        raise QueryError(f"facets must be a whole number from 0 to {MAX_FACETS}.")
    return facets


def run_compiled(
    handle,
    searcher,
    comp: Compiled,
    limit: int,
    offset: int,
    doc: str | None,
    order: str,
    facets: int = FACETS,
) -> tuple[list, int, list, int, bool]:
    """(page of (docnum, score), total, top facets [(doc_id, count)], documents with hits,
    partial) for a compiled query."""
    need = offset + limit
    run = _run_for(handle, searcher)
    lay = run.layout
    allowed = lay.doc_bits(doc) if doc else None
    items, matched, total = _run(run, comp, comp.strict, need, allowed, order)
    union = matched
    partial = False
    if comp.loose is not None and total < need:
        more, lmatched, lcount = _run(
            run, comp, comp.loose, need - total, allowed, order, mask=matched
        )
        if lcount:
            partial = True
            items += more
            total += lcount
            union |= lmatched
    facet_list, ndocs = lay.facets(union, total, facets) if total else ([], 0)
    docnum_of = lay.docnum_of
    page = [(docnum_of[s], score) for s, score in items[offset:need]]
    return page, total, facet_list, ndocs, partial


def search(
    handle,
    q: str,
    limit: int = 10,
    offset: int = 0,
    doc: str | None = None,
    order: str = "relevance",
    facets: int | str | None = FACETS,
) -> dict:
    """Paragraphs matching the query, best first (or in document order), with highlights.

    `facets`: how many documents to list in `facets` (those with most hits; 0 to
    MAX_FACETS); `facet_documents` says how many documents have hits in all."""
    t0 = time.perf_counter()
    limit, offset = _validate(limit, offset, order)
    nfacets = _facet_count(facets)
    tree = parse(q)
    with _searcher(handle) as s:
        comp = compile_query(tree, s.schema, s.reader())
        page, total, facet_list, ndocs, partial = run_compiled(
            handle, s, comp, limit, offset, doc, order, nfacets
        )
        docs = _docs(handle)
        hits = [_hit(s, docs, docnum, score, q, comp) for docnum, score in page]
        suggestion = _suggest(s, q, comp) if total < SUGGEST_BELOW else None
    return {
        "query": q,
        "understood_as": comp.understood_as,
        "total": total,
        "took_ms": round((time.perf_counter() - t0) * 1000, 1),
        "hits": hits,
        "facets": dict(facet_list),
        "facet_documents": ndocs,
        "suggestion": suggestion,
        "partial": partial,
        "limit": limit,
        "offset": offset,
    }


def _paragraph_links(doc_id: str, n: int, fp: str, q: str | None) -> dict:
    qd = quote(doc_id, safe="")
    url = f"/doc/{qd}" + (f"?q={quote(q, safe='')}" if q else "") + f"#p{n}"
    perma = f"/p/{qd}/{n}" + (f"?h={quote(fp, safe='')}" if fp else "")
    return {"anchor": f"{doc_id}#p{n}", "url": url, "permalink": perma}


def _hit(searcher, docs: dict, docnum: int, score: float, q: str, comp: Compiled) -> dict:
    f = searcher.stored_fields(docnum)
    doc_id, n = f.get("doc_id", ""), f.get("n", 0)
    text = f.get("text", "")
    meta = docs.get(doc_id, {})
    hit = {
        "doc_id": doc_id,
        "doc_title": meta.get("title") or f.get("title", ""),
        "paragraph": n,
        "section": f.get("section", ""),
        "page": f.get("page"),
        "score": round(float(score), 4),
        "text": text,
        "highlight": highlight(searcher.schema, text, comp.marks),
        "kind": f.get("kind", "paragraph"),
    }
    hit.update(_paragraph_links(doc_id, n, f.get("fp", ""), q))
    return hit


def _word_known(reader, terms: list[tuple[str, str]]) -> bool:
    return any(reader.doc_frequency(fn, t) for fn, t in terms)


def _suggest(searcher, q: str, comp: Compiled) -> str | None:
    """A corrected query from the index's own vocabulary, when a typed word is unknown."""
    reader = searcher.reader()
    if "exact" not in searcher.schema:
        return None
    from indexer.search.query import Compiler

    c = Compiler(searcher.schema, reader)
    corrector = searcher.corrector("exact")
    out, changed = q, False
    for word in comp.words:
        terms = []
        for spelled, _ in c.variants(word):
            terms += [("text", t) for t in c.terms("text", spelled)]
            if not has_kazakh_letters(spelled):
                terms += [("fold", t) for t in c.terms("fold", spelled)]
        if _word_known(reader, terms):
            continue
        forms = c.terms("exact", c.variants(word)[0][0])
        if len(forms) != 1 or len(forms[0]) < 3:
            continue
        sugs = corrector.suggest(forms[0], limit=1, maxdist=2, prefix=2)
        if sugs:
            out = re.sub(r"(?<!\w)" + re.escape(word) + r"(?!\w)", sugs[0], out, count=1)
            changed = True
    return out if changed and out != q else None


# -- term view ---------------------------------------------------------------------------------

FORM_SCAN = 20_000  # exact-field terms looked at when collecting the forms of one stem


def _stem_forms(handle, searcher, stem: str) -> list[str]:
    """Surface forms in the `exact` lexicon whose stem is `stem` (cached per generation).

    Kazakh inflection adds suffixes, so every form of a stem starts with the stem less its
    last letter (кітап: кітабы); only those terms of the lexicon are stemmed."""
    cache = _cache(handle).setdefault("stem_forms", {})
    got = cache.get(stem)
    if got is None:
        analyzer = searcher.schema["text"].analyzer
        prefix = stem[:-1] if len(stem) > 2 else stem[:1]
        got = []
        for i, b in enumerate(searcher.reader().expand_prefix("exact", prefix)):
            if i >= FORM_SCAN:
                break
            form = b.decode("utf-8") if isinstance(b, bytes) else b
            stems = [t.text for t in analyzer(form, mode="query")]
            if stems and stems[-1] == stem and (len(stems) == 1 or "-" in form):
                got.append(form)
        if len(cache) > 2000:
            cache.clear()
        cache[stem] = got
    return got


def term_view(handle, w: str) -> dict:
    """Every form of one word in the corpus, with counts, per document, and concordance."""
    t0 = time.perf_counter()
    word = clean(w or "")
    if not word or len(word) > 100 or " " in word:
        raise QueryError("Give one word.")
    from indexer.search.query import Compiler

    with _searcher(handle) as s:
        reader = s.reader()
        c = Compiler(s.schema, reader)
        spelled = c.variants(word)[0][0]
        stems = c.terms("text", spelled)
        if len(stems) != 1:
            raise QueryError("Give one word.")
        stem = stems[0]
        forms = []
        for form in _stem_forms(handle, s, stem):
            forms.append(
                {
                    "form": form,
                    "count": int(reader.frequency("exact", form)),
                    "paragraphs": reader.doc_frequency("exact", form),
                }
            )
        forms.sort(key=lambda f: (-f["count"], f["form"]))
        docs = _docs(handle)
        lay = _ranker(handle, s).layout
        ids_of, slot_of, slot_rank = lay.doc_id_of, lay.slot_of, lay.rank
        docnums, tfs = term_postings(reader, "text", stem)
        per_doc: Counter = Counter()
        per_doc_paras: Counter = Counter()
        for d, tf in zip(docnums, tfs):
            per_doc[ids_of[d]] += int(tf)
            per_doc_paras[ids_of[d]] += 1
        lines = []
        for docnum in heapq.nsmallest(
            CONCORDANCE_LINES, docnums, key=lambda d: slot_rank[slot_of[d]]
        ):
            if len(lines) >= CONCORDANCE_LINES:
                break
            f = s.stored_fields(docnum)
            doc_id, n, text = f.get("doc_id", ""), f.get("n", 0), f.get("text", "")
            links = _paragraph_links(doc_id, n, f.get("fp", ""), word)
            for t in tokens(s.schema, text, need_fold=False):
                if t["stem"] != stem:
                    continue
                a, b = t["start"], t["end"]
                lines.append(
                    {
                        "left": text[max(0, a - CONCORDANCE_CONTEXT) : a],
                        "form": text[a:b],
                        "right": text[b : b + CONCORDANCE_CONTEXT],
                        "doc_id": doc_id,
                        "paragraph": n,
                        **links,
                    }
                )
                if len(lines) >= CONCORDANCE_LINES:
                    break
        documents = [
            {
                "doc_id": d,
                "title": docs.get(d, {}).get("title", ""),
                "count": cnt,
                "paragraphs": per_doc_paras[d],
            }
            for d, cnt in sorted(per_doc.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    total = sum(per_doc.values())
    return {
        "word": w,
        "stem": stem,
        "understood_as": f"text:{stem}",
        "total": total,
        "paragraphs": len(docnums),
        "forms": forms,
        "documents": documents,
        "lines": lines,
        "lines_shown": len(lines),
        "truncated": total > len(lines),
        "took_ms": round((time.perf_counter() - t0) * 1000, 1),
    }


# -- document view ----------------------------------------------------------------------------


def _doc_docnums(reader, doc_id: str) -> list[int]:
    return sorted(term_docnums(reader, "doc_id", doc_id))


def document_view(handle, doc_id: str, q: str | None = None) -> dict:
    """A document's metadata and all its paragraphs; with `q`, highlights and hit numbers."""
    docs = _docs(handle)
    with _searcher(handle) as s:
        reader = s.reader()
        docnums = _doc_docnums(reader, doc_id)
        if not docnums and doc_id not in docs:
            raise NotFound(f"No document {doc_id!r}.")
        comp, hit_docnums = None, set()
        if q and q.strip():
            comp = compile_query(parse(q), s.schema, reader)
            run = _run_for(handle, s)
            mine = run.layout.doc_bits(doc_id)
            run.within = mine
            docnum_of = run.layout.docnum_of
            for part in (comp.strict, comp.loose):
                if part is None:
                    continue
                hit_docnums = {docnum_of[x] for x in slots_of_bits(run.bits(part) & mine)}
                if hit_docnums:
                    break
        paras = []
        for docnum in docnums:
            f = s.stored_fields(docnum)
            n, text = f.get("n", 0), f.get("text", "")
            p = {
                "n": n,
                "kind": f.get("kind", "paragraph"),
                "section": f.get("section", ""),
                "page": f.get("page"),
                "text": text,
                "fp": f.get("fp", ""),
            }
            p.update(_paragraph_links(doc_id, n, f.get("fp", ""), None))
            if comp is not None:
                hit = docnum in hit_docnums
                p["hit"] = hit
                p["highlight"] = (
                    highlight(s.schema, text, comp.marks, full=True)
                    if hit
                    else html.escape(text, quote=False)
                )
            paras.append(p)
            title = f.get("title", "")
        paras.sort(key=lambda p: p["n"])
    meta = dict(docs.get(doc_id, {}))
    meta.pop("fps", None)
    if not meta.get("title") and docnums:
        meta["title"] = title
    out = {"doc_id": doc_id, **meta, "paragraphs": paras, "query": q}
    if comp is not None:
        out["hits"] = [p["n"] for p in paras if p.get("hit")]
        out["understood_as"] = comp.understood_as
    return out


def resolve_paragraph(handle, doc_id: str, n: int, h: str | None = None) -> int | None:
    """The paragraph number today of a citation `doc#pN` made with fingerprint `h`."""
    try:
        from indexer.index.store import resolve_fingerprint
    except ImportError:
        resolve_fingerprint = None
    if resolve_fingerprint is not None:
        return resolve_fingerprint(handle, doc_id, n, h)
    meta = _docs(handle).get(doc_id)
    if meta is None:
        return None
    fps = meta.get("fps") or []
    count = meta.get("paragraphs", len(fps))
    if h:
        if 1 <= n <= len(fps) and fps[n - 1] == h:
            return n
        matches = [i + 1 for i, fp in enumerate(fps) if fp == h]
        if matches:
            return min(matches, key=lambda m: abs(m - n))
        return None
    return n if 1 <= n <= count else None


# -- text output for the CLI ------------------------------------------------------------------

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _plain(html_text: str, color: bool) -> str:
    if color:
        s = _MARK.sub(lambda m: f"\x1b[1m{m.group(1)}\x1b[0m", html_text)
    else:
        s = _MARK.sub(lambda m: f"[{m.group(1)}]", html_text)
    return html.unescape(s)


def format_text(result: dict, color: bool = False) -> str:
    """A readable listing of a search result."""
    lines = []
    shown = len(result["hits"])
    head = (
        f"{result['total']} hits for {result['query']!r} "
        f"(understood as {result['understood_as']}), {result['took_ms']} ms"
    )
    lines.append(head)
    if result.get("partial"):
        lines.append(
            "No paragraph has all the words; paragraphs with some of them follow "
            "those that have them all."
        )
    if result.get("suggestion"):
        lines.append(f"Did you mean: {result['suggestion']}")
    if shown:
        lines.append(f"showing {result['offset'] + 1}-{result['offset'] + shown}")
    for i, hit in enumerate(result["hits"], start=result["offset"] + 1):
        where = hit["doc_title"] or hit["doc_id"]
        if hit["section"]:
            where += " › " + hit["section"]
        page = f", p. {hit['page']}" if hit.get("page") else ""
        lines.append("")
        lines.append(f"{i}. {where} — {hit['anchor']}{page} ({hit['score']})")
        lines.append("   " + _plain(hit["highlight"], color))
    if result.get("facets"):
        lines.append("")
        more = result.get("facet_documents", 0) - len(result["facets"])
        lines.append(
            "by document: "
            + ", ".join(f"{d} ({c})" for d, c in result["facets"].items())
            + (f", and {more} more documents" if more > 0 else "")
        )
    return "\n".join(lines)


def format_term_text(result: dict) -> str:
    """A readable term view: forms, documents, concordance."""
    lines = [
        f"{result['word']} (stem {result['stem']}): {result['total']} occurrences "
        f"in {result['paragraphs']} paragraphs"
    ]
    if result["forms"]:
        lines.append("forms: " + ", ".join(f"{f['form']} {f['count']}" for f in result["forms"]))
    if result["documents"]:
        lines.append(
            "documents: " + ", ".join(f"{d['doc_id']} {d['count']}" for d in result["documents"])
        )
    lines.append("")
    for ln in result["lines"]:
        left = ln["left"].replace("\n", " ")[-CONCORDANCE_CONTEXT:]
        right = ln["right"].replace("\n", " ")
        lines.append(f"{left:>{CONCORDANCE_CONTEXT}} [{ln['form']}] {right}   {ln['anchor']}")
    if result.get("truncated"):
        lines.append(f"… first {result['lines_shown']} lines shown")
    return "\n".join(lines)
