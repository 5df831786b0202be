"""One compiled query's matches, counted and ranked tier by tier.

A query's matches fall into tiers; every paragraph of a tier comes before every paragraph of
the next one in the ranked list, and each tier is counted on its own:

- a one-word query, in an index with related words (the `root` field): "word" (a form of
  the word itself), then "related" (only a related word, e.g. мемлекеттік for мемлекет);
- any other query: "all" (every word; a word met through a related word counts), then
  "some" (queries of two or more words: paragraphs with some of them).

Within a tier paragraphs are ranked by score (BM25F as Whoosh computes it, plus the title,
heading and proximity bonuses); in the "some" tier first by `information`: the sum of the
self-information, log(N / df), of the query words a paragraph holds (indexer.search.query),
so that a paragraph with the rare word of a question comes before those with only its
common words.  The sort key is therefore (tier, information, score), ties in document
order.  Totals, tier counts and facets are those of every match, whatever page is asked
for.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from operator import itemgetter

from whoosh import query as wq

from indexer.search.proximity import PROXIMITY_RERANK, proximity_bonus
from indexer.search.query import Compiled
from indexer.search.ranker import Run, TermData, Unsupported, slots_of_bits

# The "some" tier is ranked by information first: it enters the ranker's exact top-k as a
# bonus this many times larger than any score, and is taken out again afterwards.
INFO_SCALE = 1e4
MATCHED_ALL = {"word": True, "related": True, "all": True, "some": False}


@dataclass
class Tier:
    kind: str  # word | related | all | some
    query: wq.Query
    bits: int  # its matches (none of an earlier tier's)
    count: int


@dataclass
class Ranked:
    slot: int
    score: float
    tier: str
    information: float = 0.0  # "some" tier: what it holds of the query's information
    docnum: int = -1


def tiers_of(comp: Compiled) -> list[tuple[str, wq.Query]]:
    if comp.word_only is not None:
        return [("word", comp.word_only), ("related", comp.strict)]
    out = [("all", comp.strict)]
    if comp.loose is not None:
        out.append(("some", comp.loose))
    return out


def match(run: Run, comp: Compiled, allowed: int | None) -> list[Tier]:
    """Every tier's matching set (within `allowed` slots, when given)."""
    seen = 0
    out = []
    for kind, q in tiers_of(comp):
        bits = run.bits(q)
        if allowed is not None:
            bits &= allowed
        bits &= ~seen
        out.append(Tier(kind, q, bits, bits.bit_count()))
        seen |= bits
    return out


def rank(run: Run, comp: Compiled, tiers: list[Tier], need: int, order: str) -> list[Ranked]:
    """The first `need` matches in ranked (or document) order, tier after tier."""
    items: list[Ranked] = []
    for t in tiers:
        k = need - len(items)
        if k <= 0:
            break
        if not t.count:
            continue
        if order == "document":
            got = run.layout.first_in_document_order(t.bits, t.count, k)
            items += [Ranked(s, 0.0, t.kind) for s in got]
        else:
            items += _top(run, comp, t, k)
    docnum_of = run.layout.docnum_of
    for r in items:
        r.docnum = docnum_of[r.slot]
    return items


def _top(run: Run, comp: Compiled, tier: Tier, k: int) -> list[Ranked]:
    extra = run.leaves(comp.boost) if comp.boost is not None else []
    info = _information(run, comp, tier) if tier.kind == "some" else []
    want = (max(k, PROXIMITY_RERANK) if comp.pairs else k) + 10  # +10: ties at the cut
    try:
        top = run.top(run.leaves(tier.query), extra + info, tier.bits, tier.count, want)
    except Unsupported:
        top = whoosh_top(run, tier.query, extra + info, want, tier.bits)
    if comp.pairs:
        bonus = proximity_bonus(run, comp.pairs, [s for s, _ in top])
        top = [(s, sc + bonus.get(s, 0.0)) for s, sc in top]
    out = []
    for s, sc in top:
        held = sum(w for td, w, _c in info if _holds(td, s)) / INFO_SCALE
        out.append(Ranked(s, sc - held * INFO_SCALE, tier.kind, held))
    rank_of = run.layout.rank
    out.sort(key=lambda r: (-round(r.information, 6), -round(r.score, 6), rank_of[r.slot]))
    return out[:k]


def _holds(td: TermData, slot: int) -> bool:
    j = bisect_left(td.ids, slot)
    return j < len(td.ids) and td.ids[j] == slot


def _information(run: Run, comp: Compiled, tier: Tier) -> list:
    """Bonus leaves, one a query word: value 1 on every paragraph that holds the word, with
    weight INFO_SCALE x its information.  (Bonus leaves only ever add to the tier's own
    matches, so they need not be cut to the tier; uncut, they are the same for every
    search with the word, and are kept with the generation's decoded terms.)"""
    out = []
    for clause in comp.clauses:
        if not clause.info:
            continue
        key = ("#held", repr(clause.query))
        td = run.ranker.cached(key)
        if td is None:
            slots = slots_of_bits(run.bits(clause.query))
            ones = array("d", [1.0]) * len(slots)
            td = TermData("", key[1], array("i", slots), ones, [], None, run.layout.nbytes)
            if run.deadline.complete:  # (a set cut short by the deadline is not kept)
                run.ranker.remember(key, td)
        if len(td):
            out.append((td, INFO_SCALE * clause.info, None))
    return out


def whoosh_top(run: Run, q: wq.Query, extra: list, k: int, within: int) -> list[tuple[int, float]]:
    """Whoosh's own top-k by its scores among the `within` slots, plus the bonus leaves, as
    (slot, score): for query shapes the ranker does not model, and as its reference."""
    lay = run.layout
    docnum_of, slot_of = lay.docnum_of, lay.slot_of
    allowed = {docnum_of[s] for s in slots_of_bits(within)}
    # Every match is scored (limit=None): Whoosh 2.7.4's top-N skips blocks by a quality
    # bound that is wrong for some of these queries (with limit=k, the tier tops of
    # tests/test_ranker.py's random queries differ), and the bonus leaves are added after.
    results = run.searcher.search(q, limit=None, filter=allowed)
    scores = {slot_of[hit.docnum]: hit.score or 0.0 for hit in results}
    for td, boost, _c in extra:
        for s in scores:
            if _holds(td, s):
                scores[s] += boost * td.vals[bisect_left(td.ids, s)]
    return heapq.nlargest(k, scores.items(), key=itemgetter(1))


__all__ = ["Tier", "Ranked", "INFO_SCALE", "MATCHED_ALL", "match", "rank", "tiers_of", "whoosh_top"]
