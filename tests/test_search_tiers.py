"""Honest totals, one ranked list in tiers, the reported score, how a query was understood,
and "did you mean": search() on the shipped paper (and a small index made here)."""

from __future__ import annotations

import math

import pytest

from indexer.index.store import open_index, update_index
from indexer.search.engine import search, searcher
from indexer.search.proximity import PROXIMITY_WEIGHT, PROXIMITY_WINDOW
from indexer.search.query import compile_query, parse

MULTI = [
    "партия экономика",
    "партия даму жыл",
    "қоғам мемлекет саясат",
    "бастауыш партия ұйымдары",
    "дағдарыс инновация",
    "дагдарыс партия",
    "партия -экономика* даму",
]


@pytest.fixture(scope="module")
def handle(shipped_index):
    h = open_index(shipped_index)
    yield h
    h.close()


@pytest.mark.parametrize("q", MULTI)
def test_total_facets_and_counts_do_not_depend_on_the_page(handle, q):
    pages = [search(handle, q, limit=10, offset=o) for o in (0, 10, 20)]
    first = pages[0]
    assert first["total"] > 20, "the query should have three pages"
    keys = ("total", "total_all", "total_some", "total_related", "facets", "partial")
    for p in pages[1:]:
        assert {k: p[k] for k in keys} == {k: first[k] for k in keys}
    assert first["total"] == first["total_all"] + first["total_some"] + first["total_related"]
    assert sum(first["facets"].values()) == first["total"]


@pytest.mark.parametrize("q", MULTI)
def test_every_word_hits_come_before_some_word_hits(handle, q):
    r = search(handle, q, limit=100)
    flags = [h["matched_all"] for h in r["hits"]]
    assert flags == sorted(flags, reverse=True)
    assert flags.count(True) == min(r["total_all"], 100)
    # the pages put together are the same list
    paged = [h["anchor"] for o in range(0, 40, 10) for h in search(handle, q, offset=o)["hits"]]
    assert paged == [h["anchor"] for h in r["hits"][:40]]
    # within the "some" tier, information (idf of the words held) then score
    some = [(h["information"], h["score"]) for h in r["hits"] if not h["matched_all"]]
    assert some == sorted(some, reverse=True)


def test_no_paragraph_has_every_word_only_when_none_does(handle):
    some = search(handle, "дағдарыс жирафтар")
    assert some["total_all"] == 0 and some["total_some"] > 0
    full = search(handle, "дағдарыс экономика")
    assert full["total_all"] > 0  # fewer than a page, yet not "none has every word"


def _whoosh_score(s, q, docnum: int) -> float:
    if q is None:
        return 0.0
    results = s.search(q, limit=None, filter={docnum})
    return sum(hit.score for hit in results if hit.docnum == docnum)


def _positions(s, stem: str, docnum: int) -> list[int]:
    reader = s.reader()
    if not reader.doc_frequency("text", stem):
        return []
    m = reader.postings("text", stem)
    m.skip_to(docnum)
    return m.value_as("positions") if m.is_active() and m.id() == docnum else []


def _proximity(s, pairs, docnum: int) -> float:
    bonus = 0.0
    for a, b in pairs:
        pa, pb = _positions(s, a, docnum), _positions(s, b, docnum)
        if any(abs(x - y) <= PROXIMITY_WINDOW for x in pa for y in pb):
            bonus += PROXIMITY_WEIGHT * (s.idf("text", a) + s.idf("text", b)) / 2
    return bonus


@pytest.mark.parametrize("q", ["дағдарыс", "дагдарыс", '"бастауыш партия" ұйым'] + MULTI)
def test_reported_score_is_whoosh_bm25f_plus_the_documented_bonuses(handle, q):
    """score = Whoosh's own BM25F score of the paragraph for the query (of its tier)
    + Whoosh's score of the title/heading bonus query + the proximity bonus."""
    r = search(handle, q, limit=20)
    with searcher(handle) as s:
        comp = compile_query(parse(q), s.schema, s.reader())
        for hit in r["hits"]:
            if not hit["matched_all"]:
                tier_query = comp.loose  # some of the words
            elif comp.word_only is not None and not hit["related"]:
                tier_query = comp.word_only  # the word itself (before related words)
            else:
                tier_query = comp.strict
            docnum = s.document_number(anchor=hit["anchor"])
            expected = (
                _whoosh_score(s, tier_query, docnum)
                + _whoosh_score(s, comp.boost, docnum)
                + _proximity(s, comp.pairs, docnum)
            )
            assert hit["score"] == pytest.approx(expected, abs=2e-4), hit["anchor"]


def test_understood_says_how_each_word_was_read(handle):
    r = search(handle, 'дагдарыс =дағдарыстан экономика* "бастауыш партия" -жирафтар қашан')
    got = {(e["word"], e["as"]) for e in r["understood"]}
    assert got >= {
        ("дагдарыс", "all_forms"),
        ("дағдарыстан", "exact"),
        ("экономика", "prefix"),
        ("бастауыш партия", "phrase"),
        ("жирафтар", "excluded"),
        ("қашан", "ignored_stopword"),
    }
    by_word = {e["word"]: e for e in r["understood"]}
    assert by_word["дагдарыс"]["detail"]["without_kazakh_letters"] is True
    assert by_word["дагдарыс"]["detail"]["found"] is True
    assert by_word["экономика"]["detail"]["terms"] > 0
    assert by_word["жирафтар"]["detail"]["as"] == "all_forms"
    assert "text:" in r["understood_as"]  # the engine's own form is kept
    latin = search(handle, "dağdarys")["understood"][0]
    assert latin["detail"]["read_as"] == "дағдарыс"


def test_did_you_mean_corrects_to_the_word_not_a_longer_form(handle):
    assert search(handle, "дағдарысс")["suggestion"] == "дағдарыс"
    assert search(handle, "дағдарс")["suggestion"] == "дағдарыс"
    assert search(handle, "дағдарыс")["suggestion"] is None


def test_did_you_mean_when_one_word_matches_nothing(tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    (src / "a.txt").write_text(
        "Мұнай өндіру артты.\n\nМұнай бағасы түсті.\n\nМұнай өндіру жоспары.\n", encoding="utf-8"
    )
    update_index([src], tmp_path / "ix")
    h = open_index(tmp_path / "ix")
    try:
        r = search(h, "мұнай өндру")
        assert r["total"] == 3  # мұнай alone finds something
        assert r["suggestion"] == "мұнай өндіру"
        assert search(h, "мұнай өндіру")["suggestion"] is None
    finally:
        h.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Derivations of one root, and one place under three names."""
    root = tmp_path_factory.mktemp("small")
    (root / "docs").mkdir()
    (root / "docs" / "a.txt").write_text(
        "Мемлекеттік тіл туралы заң.\n\nМемлекет және қоғам.\n\nМемлекеттің міндеттері.\n\n"
        "Астана қаласы өсті.\n\nНұр-Сұлтан қаласында жиын өтті.\n\nАқмола облысы.\n",
        encoding="utf-8",
    )
    update_index([root / "docs"], root / "ix")
    h = open_index(root / "ix")
    yield h
    h.close()


def test_one_word_related_words_come_after_the_word_itself(small):
    r = search(small, "мемлекет")
    tiers = [h["related"] for h in r["hits"]]
    assert tiers == [False, False, True]
    assert (r["total_all"], r["total_related"], r["total"]) == (2, 1, 3)
    assert all(h["matched_all"] for h in r["hits"])
    related = r["hits"][-1]
    assert related["text"].startswith("Мемлекеттік")
    assert '<mark class="rel">Мемлекеттік</mark>' in related["highlight"]
    assert "<mark>Мемлекет" in r["hits"][0]["highlight"] + r["hits"][1]["highlight"]


def test_a_related_word_counts_as_found_in_a_longer_query(small):
    r = search(small, "мемлекет тіл")
    assert r["total_all"] == 1 and r["hits"][0]["matched_all"] is True
    assert r["hits"][0]["text"].startswith("Мемлекеттік тіл")
    assert '<mark class="rel">Мемлекеттік</mark> <mark>тіл</mark>' in r["hits"][0]["highlight"]


def test_name_variants_only_when_asked_for(small):
    plain = search(small, "Астана")
    assert plain["total"] == 1
    asked = search(small, "~Астана")
    assert asked["total"] == 3
    assert {h["text"].split()[0] for h in asked["hits"]} == {"Астана", "Нұр-Сұлтан", "Ақмола"}
    entry = asked["understood"][0]
    assert entry["as"] == "name_variants" and "нұр-сұлтан" in entry["detail"]["variants"]
    assert all("<mark>" in h["highlight"] for h in asked["hits"])


def test_information_is_the_self_information_of_the_words_held(handle):
    """A some-words hit's `information` is the sum of log(N / df) of the query words it
    holds (the rarest key of each word), and hits come in that order first."""
    q = "дағдарыс кезіндегі бағдарлама"
    r = search(handle, q, limit=30)
    with searcher(handle) as s:
        reader = s.reader()
        comp = compile_query(parse(q), s.schema, reader)
        n = reader.doc_count_all()
        info = {}
        for c in comp.clauses:
            dfs = [reader.doc_frequency(f, t) for f, t in c.query.iter_all_terms()]
            dfs = [d for f_t, d in zip(c.query.iter_all_terms(), dfs) if d and f_t[0] != "root"]
            info[c.word] = math.log(n / min(dfs)) if dfs else 0.0
        some = [h for h in r["hits"] if not h["matched_all"]]
        assert some, "the query should have partial matches"
        for h in some:
            with_words = [c for c in comp.clauses if s.search(c.query, filter={_docnum(s, h)})]
            assert abs(h["information"] - sum(info[c.word] for c in with_words)) < 1e-3
        assert [h["information"] for h in some] == sorted(
            (h["information"] for h in some), reverse=True
        )


def _docnum(s, hit) -> int:
    return s.document_number(doc_id=hit["doc_id"], n=hit["paragraph"])
