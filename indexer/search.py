"""Search, term view and document view: one set of functions for the CLI, the API and pages.

A handle is the store's `IndexHandle` (anything with `.ix`, optionally `.docs`,
`.searcher()` and `.generation`).  Results are plain dicts (JSON-ready); their shape is
the contract in docs/design.md.
"""
from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from array import array
from bisect import bisect_left
import html
import re
import time
from operator import itemgetter
from collections import Counter
from contextlib import contextmanager
from urllib.parse import quote

from whoosh import query as wq

from indexer.highlight import highlight, tokens
from indexer.query import (Compiled, QueryError, clean, compile_query, has_kazakh_letters,
                           parse)

__all__ = ["QueryError", "NotFound", "search", "term_view", "document_view",
           "resolve_paragraph", "format_text", "format_term_text"]

MAX_LIMIT = 100
MAX_OFFSET = 10_000
SUGGEST_BELOW = 3          # "did you mean" only when a query finds fewer hits than this
CONCORDANCE_LINES = 200
CONCORDANCE_CONTEXT = 60
ORDERS = ("relevance", "document")


class NotFound(LookupError):
    """No such document (HTTP 404)."""


# -- handle access ---------------------------------------------------------------------------

@contextmanager
def _searcher(handle):
    opener = getattr(handle, "searcher", None)
    if opener is not None:
        with opener() as s:
            yield s
    else:
        with handle.ix.searcher() as s:
            yield s


def _docs(handle) -> dict:
    return getattr(handle, "docs", None) or {}


_CACHES: dict = {}


def _cache(handle) -> dict:
    """Per handle and generation: memoised data that only changes with the index."""
    key = (id(handle.ix), getattr(handle, "generation", None))
    c = _CACHES.get(key)
    if c is None:
        if len(_CACHES) > 8:
            _CACHES.clear()
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


# -- matching documents as sets ---------------------------------------------------------------
# Whoosh finds the top hits fast (it skips blocks that cannot enter the top N), but counting
# every match for `total` and `facets` through its matchers costs ~5 µs a posting in Python.
# Here the matching set is computed from raw posting blocks with C-level set operations.

def term_postings(reader, fieldname: str, text: str, weights: bool = False,
                  values: list | None = None) -> tuple[list[int], list[float]]:
    """Global docnums (and term frequencies) of one term's postings, deleted docs left out.

    With a `values` list, the raw posting values (encoded positions) are appended to it,
    aligned with the docnums (they come with the same decoded blocks, at no extra cost)."""
    from whoosh.matching.wrappers import FilterMatcher

    out_ids: list[int] = []
    out_w: list[float] = []
    for leaf, base in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        m = leaf.postings(fieldname, text)
        deleted = None
        if isinstance(m, FilterMatcher):
            deleted, m = m._ids, m.child
        ids: list[int] = []
        wts: list[float] = []
        vals: list = []
        raw_values = values is not None and getattr(m, "_fixedsize", 0) in (None, -1)
        if all(hasattr(m, a) for a in ("_read_ids", "_read_weights", "_goto", "_lastblock",
                                       "_nextoffset")):
            while True:
                if m._ids is None:
                    m._read_ids()
                ids.extend(m._ids)
                if weights:
                    if m._weights is None:
                        m._read_weights()
                    wts.extend(m._weights)
                if raw_values:
                    vals.extend(m._data[2])
                if m._lastblock:
                    break
                m._goto(m._nextoffset)
        else:                                   # another codec: the slow, public way
            while m.is_active():
                ids.append(m.id())
                if weights:
                    wts.append(m.weight())
                m.next()
        if values is not None and len(vals) != len(ids):
            vals = [None] * len(ids)            # unknown layout: positions read on demand
        if deleted:
            keep = [i for i, d in enumerate(ids) if d not in deleted]
            ids = [ids[i] for i in keep]
            wts = [wts[i] for i in keep] if weights else wts
            vals = [vals[i] for i in keep] if values is not None else vals
        out_ids.extend(map(base.__add__, ids) if base else ids)
        out_w.extend(wts)
        if values is not None:
            values.extend(vals)
    return out_ids, out_w


def term_docnums(reader, fieldname: str, text: str) -> list[int]:
    return term_postings(reader, fieldname, text)[0]


POSTINGS_CACHE = 4_000_000   # postings of frequent terms kept decoded, per index generation
CACHE_MIN_DF = 1_000          # terms in fewer paragraphs are cheap to read every time


class _PostingsCache:
    """Decoded postings (docnums, frequencies) of frequent terms, least recently used out.

    Whoosh stores postings as pickled blocks; reading every block of a term found in 10 % of
    the paragraphs costs more than the rest of a search.  Frequent terms recur in most
    queries, so their decoded arrays are kept (about 8 bytes a posting)."""

    def __init__(self, budget: int = POSTINGS_CACHE) -> None:
        self.budget = budget
        self.size = 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def bm25(self, handle, searcher, fieldname: str, text: str):
        """The term's bm25 per posting, cached next to its postings."""
        key = ("bm25", fieldname, text)
        with self.lock:
            got = self.items.get(key)
            if got is not None:
                self.items.move_to_end(key)
                return got[0]
        ids, tfs = self.get(searcher.reader(), fieldname, text)
        vals = array("f", _term_bm25(handle, searcher, fieldname, text, ids, tfs))
        with self.lock:
            if key not in self.items and len(vals) <= self.budget:
                self.items[key] = (vals, None)
                self.size += len(vals)
                self._shrink()
        return vals

    def _shrink(self) -> None:
        while self.size > self.budget and self.items:
            _, (old, _) = self.items.popitem(last=False)
            self.size -= len(old)

    def get(self, reader, fieldname: str, text: str):
        key = (fieldname, text)
        with self.lock:
            got = self.items.get(key)
            if got is not None:
                self.items.move_to_end(key)
                return got
        ids, wts = term_postings(reader, fieldname, text, weights=True)
        got = (array("i", ids), array("f", wts))
        with self.lock:
            if key not in self.items and len(ids) <= self.budget:
                self.items[key] = got
                self.size += len(ids)
                self._shrink()
        return got


class _Memo(dict):
    """Postings read during one search call, so counting and scoring read them once."""

    def __init__(self, shared: _PostingsCache | None = None) -> None:
        super().__init__()
        self.shared = shared

    def postings(self, reader, fieldname: str, text: str) -> tuple[list[int], list[float]]:
        key = (fieldname, text)
        got = self.get(key)
        if got is not None:
            return got[:2]
        if self.shared is not None and reader.doc_frequency(fieldname, text) >= CACHE_MIN_DF:
            ids, wts = self.shared.get(reader, fieldname, text)
            self[key] = (ids, wts, None)          # no positions kept for these
            return ids, wts
        return self.full(reader, fieldname, text)[:2]

    def bm25(self, handle, searcher, fieldname: str, text: str):
        key = ("bm25", fieldname, text)
        got = self.get(key)
        if got is None:
            reader = searcher.reader()
            if (self.shared is not None
                    and reader.doc_frequency(fieldname, text) >= CACHE_MIN_DF):
                got = self.shared.bm25(handle, searcher, fieldname, text)
            else:
                ids, tfs = self.postings(reader, fieldname, text)
                got = _term_bm25(handle, searcher, fieldname, text, ids, tfs)
            self[key] = got
        return got

    def full(self, reader, fieldname: str, text: str) -> tuple[list[int], list[float], list]:
        key = (fieldname, text)
        got = self.get(key)
        if got is None:
            vals: list = []
            ids, wts = term_postings(reader, fieldname, text, weights=True, values=vals)
            got = self[key] = (ids, wts, vals)
        return got


def docset(searcher, q: wq.Query, memo: _Memo | None = None) -> set[int]:
    """The docnums a query matches (same semantics as Whoosh's matchers)."""
    reader = searcher.reader()
    if memo is None:
        memo = _Memo()
    if isinstance(q, wq.Term):
        return set(memo.postings(reader, q.fieldname, q.text)[0])
    if isinstance(q, wq.AndMaybe):
        return docset(searcher, q.a, memo)
    if isinstance(q, wq.AndNot):
        return docset(searcher, q.a, memo) - docset(searcher, q.b, memo)
    if isinstance(q, wq.Or):
        out: set[int] = set()
        for sub in q.subqueries:
            out |= docset(searcher, sub, memo)
        return out
    if isinstance(q, wq.And):
        subs = sorted(q.subqueries, key=lambda sq: sq.estimate_size(reader))
        nots = [sq for sq in subs if isinstance(sq, wq.Not)]
        pos = [sq for sq in subs if not isinstance(sq, wq.Not)]
        out = docset(searcher, pos[0], memo) if pos else set(reader.all_doc_ids())
        for sub in pos[1:]:
            if not out:
                break
            out &= docset(searcher, sub, memo)
        for sub in nots:
            out -= docset(searcher, sub.query, memo)
        return out
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return set()
    # Phrases and anything else: Whoosh's own matcher (phrases only visit the intersection).
    return set(q.docs(searcher))


def _doc_columns(handle, searcher) -> tuple[list, list]:
    """Per generation: docnum -> doc_id, and docnum -> rank in (doc_id, n) order."""
    cache = _cache(handle)
    cols = cache.get("columns")
    if cols is None:
        reader = searcher.reader()
        total = reader.doc_count_all()
        if reader.has_column("doc_id") and reader.has_column("n"):
            seen: dict = {}                     # one str object per document, not per paragraph
            ids = [seen.setdefault(d, d.decode("utf-8") if isinstance(d, bytes) else d)
                   for d in reader.column_reader("doc_id")]
            ns = list(reader.column_reader("n"))
        else:
            ids, ns = [""] * total, [0] * total
            for docnum, f in reader.iter_docs():
                ids[docnum], ns[docnum] = f.get("doc_id", ""), f.get("n", 0)
        order = sorted(range(total), key=lambda i: (ids[i], ns[i]))
        rank = array("l", bytes(8 * total)) if total else array("l")
        for r, docnum in enumerate(order):
            rank[docnum] = r
        cols = cache["columns"] = (ids, rank)
    return cols


# -- ranking -----------------------------------------------------------------------------------
# BM25F with Whoosh's formula, idf and stored field lengths, computed over raw postings:
# for queries made of terms (And/Or/AndNot/AndMaybe trees) the score of a paragraph is the
# sum of boost x bm25 over the terms it contains, exactly what Whoosh's matchers add up,
# at a fraction of the cost.  Phrases go through Whoosh itself.

BM25_B = 0.75
BM25_K1 = 1.2


def _leaves(q: wq.Query, boost: float = 1.0) -> list[tuple[str, str, float]] | None:
    """(field, term, boost) of every scoring term, or None when the query has a phrase etc."""
    b = boost * getattr(q, "boost", 1.0)
    if isinstance(q, wq.Term):
        return [(q.fieldname, q.text, b)]
    if isinstance(q, wq.AndNot):
        return _leaves(q.a, b)
    if isinstance(q, (wq.AndMaybe,)):
        a, c = _leaves(q.a, b), _leaves(q.b, b)
        return None if a is None or c is None else a + c
    if isinstance(q, (wq.And, wq.Or)) and not getattr(q, "scale", None):
        out: list = []
        for sub in q.subqueries:
            if isinstance(sub, wq.Not):
                continue
            leaves = _leaves(sub, b)
            if leaves is None:
                return None
            out += leaves
        return out
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return []
    return None


def _length_norms(handle, searcher, fieldname: str) -> array | None:
    """Per generation: docnum -> K1 * ((1 - B) + B * length / average length)."""
    cache = _cache(handle)
    key = ("norms", fieldname)
    norms = cache.get(key)
    if norms is None:
        field = searcher.schema[fieldname] if fieldname in searcher.schema else None
        if field is None or not field.scorable:
            return None
        reader = searcher.reader()
        avg = searcher.avg_field_length(fieldname) or 1
        k1, b = BM25_K1, BM25_B
        norms = array("d")
        for leaf, _base in reader.leaf_readers():
            lengths = _leaf_lengths(leaf, fieldname)
            norms.extend(k1 * ((1 - b) + b * (fl or 1) / avg) for fl in lengths)
        cache[key] = norms
    return norms


def _leaf_lengths(leaf, fieldname: str) -> list[int]:
    """Field lengths of every document of one segment (bulk read of Whoosh's length column)."""
    n = leaf.doc_count_all()
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        from whoosh.util.numeric import byte_to_length

        col = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if col is not None:
            table = [byte_to_length(i) for i in range(256)]
            raw = list(col)
            if len(raw) == n:
                return [table[x] if isinstance(x, int) else table[ord(x)] for x in raw]
    except Exception:  # noqa: BLE001 - another codec: the public, slower way
        pass
    dfl = leaf.doc_field_length
    return [dfl(d, fieldname, 1) for d in range(n)]


def _term_bm25(handle, searcher, fieldname: str, text: str, ids, tfs) -> list | array:
    """bm25 of one term in each of its postings (boost 1), aligned with `ids`."""
    norms = _length_norms(handle, searcher, fieldname)
    if norms is None:                          # unscorable (ID) field: the weight counts
        return list(tfs)
    c = searcher.idf(fieldname, text) * (BM25_K1 + 1)
    return [c * tf / (tf + norms[d]) for d, tf in zip(ids, tfs)]


def _accumulate(handle, searcher, leaves, scores: dict, only: set | None,
                memo: _Memo) -> None:
    """Add boost x bm25 of each term to `scores` (restricted to `only` when given)."""
    reader = searcher.reader()
    for fieldname, text, boost in leaves:
        ids, _ = memo.postings(reader, fieldname, text)
        if not ids:
            continue
        vals = memo.bm25(handle, searcher, fieldname, text)
        if boost != 1.0:
            vals = [boost * v for v in vals]
        if only is None and not scores:
            scores.update(zip(ids, vals))
            continue
        get = scores.get
        if only is None:
            for d, v in zip(ids, vals):
                scores[d] = get(d, 0.0) + v
        else:
            for d, v in zip(ids, vals):
                if d in only:
                    scores[d] = get(d, 0.0) + v


def _positions(searcher, fieldname: str, text: str, docnums: list[int], memo: "_Memo"
               ) -> dict[int, list[int]]:
    """Token positions of one term in a few documents (for the proximity bonus)."""
    out: dict[int, list[int]] = {}
    reader = searcher.reader()
    ids, _, vals = memo.full(reader, fieldname, text)
    if not ids:
        return out
    decode = searcher.schema[fieldname].format.decoder("positions")
    for d in docnums:
        i = bisect_left(ids, d)
        if i < len(ids) and ids[i] == d and vals and vals[i] is not None:
            out[d] = decode(vals[i])
    if vals is None:                            # a cached frequent term: skip to each doc
        out = _positions_by_skipping(reader, fieldname, text, docnums)
    return out


def _positions_by_skipping(reader, fieldname: str, text: str, docnums: list[int]
                           ) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for leaf, base in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        top = base + leaf.doc_count_all()
        mine = sorted(d for d in docnums if base <= d < top)
        if not mine:
            continue
        m = leaf.postings(fieldname, text)
        for d in mine:
            if not m.is_active():
                break
            m.skip_to(d - base)
            if m.is_active() and m.id() == d - base:
                out[d] = m.value_as("positions")
    return out


PROXIMITY_WINDOW = 4       # words apart (either order) that count as "close together"
PROXIMITY_WEIGHT = 1.0     # bonus per close pair, times the pair's mean idf (measured: 0.5-1.5)
PROXIMITY_RERANK = 50      # the proximity bonus is computed for this many top candidates


def _proximity(searcher, pairs: list[tuple[str, str]], docnums: list[int], memo: "_Memo"
               ) -> dict[int, float]:
    """Bonus for each query word pair standing within PROXIMITY_WINDOW words."""
    bonus: dict[int, float] = {}
    cache: dict[str, dict] = {}
    for a, b in pairs:
        if a not in cache:
            cache[a] = _positions(searcher, "text", a, docnums, memo)
        if b not in cache:
            cache[b] = _positions(searcher, "text", b, docnums, memo)
        pa, pb = cache[a], cache[b]
        w = PROXIMITY_WEIGHT * (searcher.idf("text", a) + searcher.idf("text", b)) / 2
        for d in docnums:
            xs, ys = pa.get(d), pb.get(d)
            if not xs or not ys:
                continue
            i = j = 0
            while i < len(xs) and j < len(ys):     # two sorted lists: closest pair
                if abs(xs[i] - ys[j]) <= PROXIMITY_WINDOW:
                    bonus[d] = bonus.get(d, 0.0) + w
                    break
                if xs[i] < ys[j]:
                    i += 1
                else:
                    j += 1
    return bonus


SCORE_DIRECT = 2_000_000  # up to this many postings, BM25 is summed here over all of them
RERANK = 100            # beyond: candidates from Whoosh's top-N reranked with the bonuses


def _shared_postings(handle) -> _PostingsCache:
    cache = _cache(handle)
    shared = cache.get("postings")
    if shared is None:
        shared = cache.setdefault("postings", _PostingsCache())
    return shared


def _run(handle, searcher, comp: Compiled, q: wq.Query, need: int, allowed: set | None,
         order: str, mask: set | None = None, memo: _Memo | None = None):
    """Top `need` (docnum, score), the matching set, and per-document counts."""
    memo = _Memo() if memo is None else memo
    ids_of, rank = _doc_columns(handle, searcher)
    matched = docset(searcher, q, memo)
    if allowed is not None:
        matched &= allowed
    if mask:
        matched -= mask
    facets = Counter(map(ids_of.__getitem__, matched))
    if not matched:
        return [], matched, facets
    if order == "document":
        top = heapq.nsmallest(need, matched, key=rank.__getitem__)
        return [(d, 0.0) for d in top], matched, facets
    leaves = _leaves(q)
    boost_leaves = _leaves(comp.boost) if comp.boost is not None else []
    direct = leaves is not None and boost_leaves is not None and (
        sum(searcher.doc_frequency(f, t) for f, t, _ in leaves) <= SCORE_DIRECT)
    if direct:
        scores: dict[int, float] = {}
        small = len(matched) * 4 < sum(searcher.doc_frequency(f, t) for f, t, _ in leaves)
        _accumulate(handle, searcher, leaves, scores, matched if small else None, memo)
        if not small and len(scores) != len(matched):     # exclusions or filters
            scores = {d: scores.get(d, 0.0) for d in matched}
        _accumulate(handle, searcher, boost_leaves, scores, matched, memo)
        k = max(need, PROXIMITY_RERANK) if comp.pairs else need
        top = heapq.nlargest(k + 10, scores.items(), key=itemgetter(1))
        if comp.pairs:
            bonus = _proximity(searcher, comp.pairs, [d for d, _ in top], memo)
            top = [(d, sc + bonus.get(d, 0.0)) for d, sc in top]
    else:
        # Many postings (or a phrase): Whoosh's own top-N by text score, which skips posting
        # blocks that cannot reach the top (the matching set above gave total and facets);
        # the title/heading and proximity bonuses then rerank these candidates.  (Whoosh
        # 2.7.4's block skipping returns wrong tops for AndMaybe, so the bonus query is not
        # given to Whoosh.)
        k = max(need + 10, RERANK)
        results = searcher.search(q, limit=k,
                                  filter=allowed if allowed is not None else None,
                                  mask=mask or None)
        scores = {docnum: score or 0.0 for docnum, score in results.items()}
        if boost_leaves:
            _accumulate(handle, searcher, boost_leaves, scores, set(scores), memo)
        top = list(scores.items())
        if comp.pairs:
            bonus = _proximity(searcher, comp.pairs, [d for d, _ in top], memo)
            top = [(d, sc + bonus.get(d, 0.0)) for d, sc in top]
    # Equal scores in document order; a few extra were fetched so ties at the cut are right.
    top.sort(key=lambda it: (-round(it[1], 6), rank[it[0]]))
    return top[:need], matched, facets


def run_compiled(handle, searcher, comp: Compiled, limit: int, offset: int, doc: str | None,
                 order: str) -> tuple[list, int, dict, bool]:
    """(page of (docnum, score), total, facets, partial) for a compiled query."""
    need = offset + limit
    allowed = set(term_docnums(searcher.reader(), "doc_id", doc)) if doc else None
    memo = _Memo(_shared_postings(handle))
    items, matched, facets = _run(handle, searcher, comp, comp.strict, need, allowed, order,
                                  memo=memo)
    total = len(matched)
    partial = False
    if comp.loose is not None and total < need:
        more, lmatched, lfacets = _run(handle, searcher, comp, comp.loose, need - total,
                                       allowed, order, mask=matched, memo=memo)
        if lmatched:
            partial = True
            items += more
            total += len(lmatched)
            facets = facets + lfacets
    return items[offset:need], total, dict(facets), partial


def search(handle, q: str, limit: int = 10, offset: int = 0, doc: str | None = None,
           order: str = "relevance") -> dict:
    """Paragraphs matching the query, best first (or in document order), with highlights."""
    t0 = time.perf_counter()
    limit, offset = _validate(limit, offset, order)
    tree = parse(q)
    with _searcher(handle) as s:
        comp = compile_query(tree, s.schema, s.reader())
        page, total, facets, partial = run_compiled(handle, s, comp, limit, offset, doc, order)
        docs = _docs(handle)
        hits = [_hit(s, docs, docnum, score, q, comp) for docnum, score in page]
        suggestion = _suggest(s, q, comp) if total < SUGGEST_BELOW else None
    facets = dict(sorted(facets.items(), key=lambda kv: (-kv[1], kv[0])))
    return {
        "query": q,
        "understood_as": comp.understood_as,
        "total": total,
        "took_ms": round((time.perf_counter() - t0) * 1000, 1),
        "hits": hits,
        "facets": facets,
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
    from indexer.query import Compiler
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

FORM_SCAN = 20_000     # exact-field terms looked at when collecting the forms of one stem


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
    from indexer.query import Compiler
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
            forms.append({"form": form, "count": int(reader.frequency("exact", form)),
                          "paragraphs": reader.doc_frequency("exact", form)})
        forms.sort(key=lambda f: (-f["count"], f["form"]))
        docs = _docs(handle)
        ids_of, rank = _doc_columns(handle, s)
        docnums, tfs = term_postings(reader, "text", stem, weights=True)
        per_doc: Counter = Counter()
        per_doc_paras: Counter = Counter()
        for d, tf in zip(docnums, tfs):
            per_doc[ids_of[d]] += int(tf)
            per_doc_paras[ids_of[d]] += 1
        lines = []
        for docnum in heapq.nsmallest(CONCORDANCE_LINES, docnums, key=rank.__getitem__):
            if len(lines) >= CONCORDANCE_LINES:
                break
            f = s.stored_fields(docnum)
            doc_id, n, text = f.get("doc_id", ""), f.get("n", 0), f.get("text", "")
            links = _paragraph_links(doc_id, n, f.get("fp", ""), word)
            for t in tokens(s.schema, text, need_fold=False):
                if t["stem"] != stem:
                    continue
                a, b = t["start"], t["end"]
                lines.append({"left": text[max(0, a - CONCORDANCE_CONTEXT):a],
                              "form": text[a:b],
                              "right": text[b:b + CONCORDANCE_CONTEXT],
                              "doc_id": doc_id, "paragraph": n, **links})
                if len(lines) >= CONCORDANCE_LINES:
                    break
        documents = [{"doc_id": d, "title": docs.get(d, {}).get("title", ""),
                      "count": cnt, "paragraphs": per_doc_paras[d]}
                     for d, cnt in sorted(per_doc.items(), key=lambda kv: (-kv[1], kv[0]))]
    total = sum(per_doc.values())
    return {
        "word": w, "stem": stem, "understood_as": f"text:{stem}",
        "total": total, "paragraphs": len(docnums),
        "forms": forms, "documents": documents,
        "lines": lines, "lines_shown": len(lines),
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
            mine = set(docnums)
            for part in (comp.strict, comp.loose):
                if part is None:
                    continue
                hit_docnums = docset(s, part) & mine
                if hit_docnums:
                    break
        paras = []
        for docnum in docnums:
            f = s.stored_fields(docnum)
            n, text = f.get("n", 0), f.get("text", "")
            p = {"n": n, "kind": f.get("kind", "paragraph"), "section": f.get("section", ""),
                 "page": f.get("page"), "text": text, "fp": f.get("fp", "")}
            p.update(_paragraph_links(doc_id, n, f.get("fp", ""), None))
            if comp is not None:
                hit = docnum in hit_docnums
                p["hit"] = hit
                p["highlight"] = (highlight(s.schema, text, comp.marks, full=True) if hit
                                  else html.escape(text, quote=False))
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
        from indexer.store import resolve_fingerprint
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
    head = (f"{result['total']} hits for {result['query']!r} "
            f"(understood as {result['understood_as']}), {result['took_ms']} ms")
    lines.append(head)
    if result.get("partial"):
        lines.append("No paragraph has all the words; paragraphs with some of them follow "
                     "those that have them all.")
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
        lines.append("by document: " + ", ".join(f"{d} ({c})"
                                                  for d, c in result["facets"].items()))
    return "\n".join(lines)


def format_term_text(result: dict) -> str:
    """A readable term view: forms, documents, concordance."""
    lines = [f"{result['word']} (stem {result['stem']}): {result['total']} occurrences "
             f"in {result['paragraphs']} paragraphs"]
    if result["forms"]:
        lines.append("forms: " + ", ".join(f"{f['form']} {f['count']}" for f in result["forms"]))
    if result["documents"]:
        lines.append("documents: " + ", ".join(f"{d['doc_id']} {d['count']}"
                                               for d in result["documents"]))
    lines.append("")
    for ln in result["lines"]:
        left = ln["left"].replace("\n", " ")[-CONCORDANCE_CONTEXT:]
        right = ln["right"].replace("\n", " ")
        lines.append(f"{left:>{CONCORDANCE_CONTEXT}} [{ln['form']}] {right}   {ln['anchor']}")
    if result.get("truncated"):
        lines.append(f"… first {result['lines_shown']} lines shown")
    return "\n".join(lines)


