"""indexer.search.ranker: bit sets, slots, per-document counts and exact MaxScore ranking, checked
against brute force on a small multi-document index (and on the shipped paper)."""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import Counter

import pytest

from indexer.index.store import open_index, update_index
from indexer.search import ranker as R
from indexer.search.budget import TIME_BUDGET, Deadline
from indexer.search.caches import generation_cache, warm_caches
from indexer.search.engine import QueryError, search
from indexer.search.query import compile_query, parse
from indexer.search.tiers import match, whoosh_top

WORDS = [
    "дағдарыс",
    "экономика",
    "партия",
    "қоғам",
    "даму",
    "жыл",
    "ел",
    "бағдарлама",
    "мемлекет",
    "халық",
    "саясат",
    "білім",
    "ғылым",
    "өнеркәсіп",
    "ауыл",
    "қала",
    "жұмыс",
    "табыс",
    "салық",
    "банк",
]


@pytest.fixture(scope="module")
def many_docs(tmp_path_factory):
    """30 documents of 1-25 paragraphs of seeded words (some documents share a title word)."""
    rng = random.Random(11)
    src = tmp_path_factory.mktemp("many") / "docs"
    src.mkdir()
    for i in range(30):
        paras = []
        for _ in range(rng.randint(1, 25)):
            paras.append(
                " ".join(
                    rng.choice(WORDS[: rng.randint(4, len(WORDS))])
                    for _ in range(rng.randint(3, 30))
                )
                + "."
            )
        title = f"{rng.choice(WORDS).capitalize()} туралы {i}"
        (src / f"doc{i:02d}.txt").write_text(
            title + "\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8"
        )
    index_dir = src.parent / "index"
    update_index([src], index_dir)
    h = open_index(index_dir)
    yield h
    h.close()


def test_bits_round_trip():
    rng = random.Random(3)
    for n in (0, 1, 7, 100, 5000):
        slots = sorted(rng.sample(range(40_000), n))
        bits = R.bits_of_slots(slots, 5000)
        assert R.slots_of_bits(bits) == slots
        assert bits.bit_count() == n


def _brute(run, q, extra_q):
    """Every matching slot with its full score (sum over all scoring terms)."""
    matched = R.slots_of_bits(run.bits(q))
    leaves = run.leaves(q) + (run.leaves(extra_q) if extra_q is not None else [])
    conds = {}
    out = {}
    for d in matched:
        total = 0.0
        for td, boost, c in leaves:
            if c is not None:
                cs = conds.setdefault(id(c), set(R.slots_of_bits(c)))
                if d not in cs:
                    continue
            j = bisect_left(td.ids, d)
            if j < len(td.ids) and td.ids[j] == d:
                total += boost * td.vals[j]
        out[d] = total
    return out


@pytest.mark.parametrize(
    "q",
    [
        "дағдарыс",
        "дағдарыс OR экономика OR партия",
        "жыл ел қоғам даму халық",
        '"жыл ел" OR банк OR салық',
        "партия -экономика",
        "дагдарыс",
        "банк OR (салық табыс)",
    ],
)
@pytest.mark.parametrize("k", [1, 3, 10, 40])
def test_top_is_the_exact_top_k(many_docs, q, k):
    with many_docs.searcher() as s:
        comp = compile_query(parse(q), s.schema, s.reader())
        run = R.Ranker(s).run(s)
        for part in (comp.strict, comp.loose):
            if part is None:
                continue
            bits = run.bits(part)
            n = bits.bit_count()
            extra = run.leaves(comp.boost) if comp.boost is not None else []
            top = run.top(run.leaves(part), extra, bits, n, k)
            brute = _brute(run, part, comp.boost)
            assert len(top) == min(k, n)
            for d, score in top:
                assert score == pytest.approx(brute[d], abs=1e-9)
            best = sorted(brute.values(), reverse=True)[:k]
            assert [round(sc, 6) for _, sc in top] == [round(x, 6) for x in best]


def test_counts_and_facets_match_brute_force(many_docs):
    with many_docs.searcher() as s:
        run = R.Ranker(s).run(s)
        lay = run.layout
        reader = s.reader()
        for q in ("жыл", "банк OR салық", "қоғам даму"):
            comp = compile_query(parse(q), s.schema, reader)
            bits = run.bits(comp.strict)
            docnums = [lay.docnum_of[x] for x in R.slots_of_bits(bits)]
            expected = Counter(reader.stored_fields(d)["doc_id"] for d in docnums)
            for sparse in (R.SPARSE, 0):  # listing the set, and counting bytes
                old = R.SPARSE
                R.SPARSE = sparse
                try:
                    top, ndocs = lay.facets(bits, len(docnums), 5)
                    everything, _ = lay.facets(bits, len(docnums), None)
                finally:
                    R.SPARSE = old
                assert ndocs == len(expected)
                assert dict(everything) == dict(expected)
                assert top == sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:5]


def test_document_order_across_documents(many_docs):
    with many_docs.searcher() as s:
        run = R.Ranker(s).run(s)
        lay = run.layout
        bits = run.bits(compile_query(parse("жыл"), s.schema, s.reader()).strict)
        n = bits.bit_count()
        keyed = sorted(
            (s.stored_fields(lay.docnum_of[x])["doc_id"], s.stored_fields(lay.docnum_of[x])["n"], x)
            for x in R.slots_of_bits(bits)
        )
        for need in (1, 7, n):
            old = R.SPARSE
            R.SPARSE = 0  # the per-document walk
            try:
                got = lay.first_in_document_order(bits, n, need)
            finally:
                R.SPARSE = old
            assert got == [x for _, _, x in keyed[:need]]


def test_search_facets_are_capped_and_counted(many_docs):
    full = search(many_docs, "жыл", facets=1000)
    assert full["facet_documents"] == len(full["facets"]) > 3
    assert sum(full["facets"].values()) == full["total"]
    few = search(many_docs, "жыл", facets=3)
    assert list(few["facets"].items()) == list(full["facets"].items())[:3]
    assert few["facet_documents"] == full["facet_documents"]
    counts = list(full["facets"].values())
    assert counts == sorted(counts, reverse=True)
    assert search(many_docs, "жыл")["facets"] == dict(list(full["facets"].items())[:20])
    none = search(many_docs, "жыл", facets=0)
    assert none["facets"] == {} and none["facet_documents"] == full["facet_documents"]
    for bad in (-1, 1001, "x"):
        with pytest.raises(QueryError):
            search(many_docs, "жыл", facets=bad)


def test_results_identical_with_and_without_the_caches(many_docs, monkeypatch):
    """Cold (nothing cached), warmed, and cached-positions searches give the same page."""
    queries = ["жыл ел", '"жыл ел"', "банк салық табыс", "партия -экономика", "дагдарыс"]
    monkeypatch.setattr(R, "CACHE_BYTES", 0)
    generation_cache(many_docs).clear()
    cold = [search(many_docs, q, limit=20) for q in queries]
    monkeypatch.undo()
    generation_cache(many_docs).clear()
    warm_caches(many_docs, 5)
    for _ in range(2):
        warm = [search(many_docs, q, limit=20) for q in queries]
        for a, b in zip(cold, warm):
            assert [(h["anchor"], h["score"]) for h in a["hits"]] == [
                (h["anchor"], h["score"]) for h in b["hits"]
            ]
            assert a["total"] == b["total"] and a["facets"] == b["facets"]


@pytest.mark.parametrize("q", ['"жыл ел"', "банк OR салық", '"жыл ел" OR табыс', "жыл -ел"])
def test_document_view_hits_are_the_searchs_hits_in_that_document(many_docs, q):
    """(Queries without the all-words-else-some fallback: the same paragraphs match.)"""
    from indexer.search.views import document_view

    everything = search(many_docs, q, limit=100, facets=1000)
    for doc_id, count in list(everything["facets"].items())[:4]:
        in_doc = search(many_docs, q, limit=100, doc=doc_id)
        view = document_view(many_docs, doc_id, q=q)
        assert in_doc["total"] == count
        assert view["hits"] == sorted(h["paragraph"] for h in in_doc["hits"])


@pytest.mark.parametrize(
    "q", ["жыл ел", "банк салық табыс", '"жыл ел" табыс', "партия -экономика даму", "мемлекет"]
)
def test_each_tiers_top_is_whooshs_top(many_docs, q):
    """The ranker's exact top k of every tier (all words, some words; the word, related
    words) has the scores of Whoosh's own top k over the same paragraphs."""
    with many_docs.searcher() as s:
        comp = compile_query(parse(q), s.schema, s.reader())
        run = R.Ranker(s).run(s)
        for tier in match(run, comp, None):
            if not tier.count:
                continue
            ours = run.top(run.leaves(tier.query), [], tier.bits, tier.count, 10)
            theirs = whoosh_top(run, tier.query, [], 10, tier.bits)
            assert len(ours) == len(theirs) == min(10, tier.count)
            assert sorted(round(x, 6) for _, x in ours) == sorted(round(x, 6) for _, x in theirs)


def test_phrase_checks_and_prefix_expansion_stop_at_the_deadline(many_docs, monkeypatch):
    """Past the deadline a phrase is checked no further (its matches so far, a subset) and
    a prefix expands no further; the search is marked incomplete either way."""
    monkeypatch.setattr(R, "PHRASE_CHUNK", 8)  # look at the clock every 8 candidates
    q = parse('"жыл ел"')
    with many_docs.searcher() as s:
        comp = compile_query(q, s.schema, s.reader())
        ranker = R.Ranker(s)
        full = ranker.run(s).bits(comp.strict)
        run = ranker.run(s)
        run.deadline = _ExpiresAfter(3)
        cut = run.bits(comp.strict)
        assert cut & ~full == 0 and cut.bit_count() < full.bit_count()
        assert run.deadline.reason == TIME_BUDGET
        late = compile_query(parse("ж* б*"), s.schema, s.reader(), _ExpiresAfter(0))
        assert any(e["detail"]["cut_reason"] == TIME_BUDGET for e in late.understood)
        everything = compile_query(parse("ж* б*"), s.schema, s.reader())
        assert not any(e["detail"]["cut"] for e in everything.understood)


class _ExpiresAfter(Deadline):
    """A deadline that passes after `n` looks at the clock (no timing in tests)."""

    def __init__(self, n: int) -> None:
        super().__init__(30)
        self.left = n

    def expired(self) -> bool:
        if self.reason is None:
            self.left -= 1
            if self.left < 0:
                self.reason = TIME_BUDGET
        return self.reason is not None
