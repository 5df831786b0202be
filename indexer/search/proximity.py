"""The proximity bonus: query words standing close together in a paragraph rank it higher.

It is added to the top candidates of a ranking only (PROXIMITY_RERANK of them), after the
exact top-k by BM25F: reading positions is the costly part.
"""

from __future__ import annotations

from bisect import bisect_left

from indexer.search.ranker import Run

PROXIMITY_WINDOW = 4  # words apart (either order) that count as "close together"
PROXIMITY_WEIGHT = 1.0  # bonus per close pair, times the pair's mean idf (measured: 0.5-1.5)
PROXIMITY_RERANK = 50  # the proximity bonus is computed for this many top candidates


def _positions_in(run: Run, stem: str, slots: list[int]) -> dict[int, list[int] | None]:
    """slot -> positions of the stem (`text` field), for the candidates that contain it."""
    td = run.term("text", stem)
    ids, n = td.ids, len(td.ids)
    have = []
    for s in slots:
        j = bisect_left(ids, s)
        if j < n and ids[j] == s:
            have.append(s)
    docnum_of = run.layout.docnum_of
    pos = run.positions("text", stem, [docnum_of[s] for s in have]) if have else {}
    return {s: pos.get(docnum_of[s]) for s in have}


def _close(xs: list[int], ys: list[int]) -> bool:
    """Whether two sorted position lists have a pair within PROXIMITY_WINDOW."""
    i = j = 0
    while i < len(xs) and j < len(ys):
        if abs(xs[i] - ys[j]) <= PROXIMITY_WINDOW:
            return True
        if xs[i] < ys[j]:
            i += 1
        else:
            j += 1
    return False


def proximity_bonus(run: Run, pairs: list[tuple[str, str]], slots: list[int]) -> dict[int, float]:
    """Bonus for each query word pair standing within PROXIMITY_WINDOW words: the pair's
    mean idf (`text` field) times PROXIMITY_WEIGHT, once a pair."""
    bonus: dict[int, float] = {}
    searcher = run.searcher
    where: dict[str, dict] = {}
    for a, b in pairs:
        for stem in (a, b):
            if stem not in where:
                where[stem] = _positions_in(run, stem, slots)
        pa, pb = where[a], where[b]
        if not pa or not pb:
            continue
        w = PROXIMITY_WEIGHT * (searcher.idf("text", a) + searcher.idf("text", b)) / 2
        for s in slots:
            xs, ys = pa.get(s), pb.get(s)
            if xs and ys and _close(xs, ys):
                bonus[s] = bonus.get(s, 0.0) + w
    return bonus


__all__ = ["proximity_bonus", "PROXIMITY_WINDOW", "PROXIMITY_WEIGHT", "PROXIMITY_RERANK"]
