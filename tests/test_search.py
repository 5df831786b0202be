"""search(), document_view() on the shipped paper indexed by the store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.index.store import open_index, update_index
from indexer.search.engine import (
    NotFound,
    QueryError,
    format_text,
    resolve_paragraph,
    search,
    searcher,
)
from indexer.search.suggest import _one_edit, _within
from indexer.search.views import document_view

REPO = Path(__file__).resolve().parent.parent
PAPER = REPO / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"
CRISIS_LINES = [
    5,
    13,
    15,
    19,
    30,
    43,
    83,
    85,
    115,
    117,
    123,
    127,
    149,
    152,
    155,
    184,
    187,
    218,
    221,
    237,
    238,
    240,
    246,
    248,
]
MARKED = re.compile(r"<mark>(.*?)</mark>")


@pytest.fixture(scope="module")
def handle(shipped_index):
    h = open_index(shipped_index)
    yield h
    h.close()


@pytest.fixture(scope="module")
def crisis_texts() -> set[str]:
    lines = PAPER.read_text(encoding="utf-8").splitlines()
    return {lines[i - 1].strip() for i in CRISIS_LINES}


def _texts(result) -> list[str]:
    return [h["text"] for h in result["hits"]]


def _crisis_forms(text: str) -> list[str]:
    return re.findall(r"[Дд]ағдарыс\w*", text)


def test_crisis_finds_exactly_the_24_paragraphs_with_every_form_marked(handle, crisis_texts):
    r = search(handle, "дағдарыс", limit=100)
    assert r["total"] == 24
    assert set(_texts(r)) == crisis_texts
    assert r["partial"] is False
    for hit in r["hits"]:
        full = search(handle, f"doc:{hit['doc_id']} дағдарыс", limit=100)
        assert full["total"] == 24
        if len(hit["text"]) <= 400:
            assert MARKED.findall(hit["highlight"]) == _crisis_forms(hit["text"])
        else:  # a snippet keeps every mark
            assert sorted(MARKED.findall(hit["highlight"])) == sorted(_crisis_forms(hit["text"]))


@pytest.mark.parametrize("q", ["дагдарыс", "dağdarys", "dagdarys", "ДАҒДАРЫС"])
def test_spellings_without_kazakh_letters_and_latin_find_the_same(handle, crisis_texts, q):
    r = search(handle, q, limit=100)
    assert set(_texts(r)) == crisis_texts, r["understood_as"]
    assert all(MARKED.search(h["highlight"]) for h in r["hits"])


def test_hit_fields_and_links(handle):
    r = search(handle, "дағдарыс", limit=5)
    assert set(r) >= {
        "query",
        "understood_as",
        "total",
        "took_ms",
        "hits",
        "facets",
        "suggestion",
        "partial",
        "limit",
        "offset",
    }
    hit = r["hits"][0]
    assert set(hit) >= {
        "doc_id",
        "doc_title",
        "paragraph",
        "anchor",
        "url",
        "permalink",
        "section",
        "page",
        "score",
        "text",
        "highlight",
        "kind",
    }
    assert hit["anchor"] == f"{hit['doc_id']}#p{hit['paragraph']}"
    assert hit["url"].startswith(f"/doc/{hit['doc_id']}?q=") and hit["url"].endswith(
        f"#p{hit['paragraph']}"
    )
    assert hit["permalink"].startswith(f"/p/{hit['doc_id']}/{hit['paragraph']}?h=")
    assert r["understood_as"].startswith("(text:дағдарыс OR ")


def test_heading_is_a_hit(handle):
    r = search(handle, "дағдарыс", limit=100)
    kinds = {h["kind"] for h in r["hits"]}
    assert "heading" in kinds


def test_phrase_matches_inflections_not_other_orders(handle):
    r = search(handle, '"бастауыш партия ұйымдары"', limit=100)
    texts = _texts(r)
    assert texts and all(re.search(r"[Бб]астауыш партия ұйым", t) for t in texts)
    assert any(t.startswith("Бастауыш партия ұйымдарының міндеттері") for t in texts)
    assert not any(
        "Партияның бастауыш ұйымдары" in t and not re.search(r"[Бб]астауыш партия ұйым", t)
        for t in texts
    )
    loose = search(handle, "бастауыш партия ұйымдары", limit=100)
    assert loose["total"] > r["total"]  # the words without the phrase find more


def test_exclusion_drops_every_form(handle):
    r = search(handle, "дағдарыс -экономика*", limit=100)
    assert 0 < r["total"] < 24
    for t in _texts(r):
        assert "экономика" not in t.lower()


def test_exact_form(handle):
    r = search(handle, "=дағдарыстан", limit=100)
    assert r["total"] > 0
    for h in r["hits"]:
        assert "дағдарыстан" in h["text"].lower()
        assert {m.lower() for m in MARKED.findall(h["highlight"])} == {"дағдарыстан"}
    assert r["total"] < 24


def test_prefix_and_or(handle):
    r = search(handle, "экономика*", limit=100)
    assert r["total"] > 0
    for h in r["hits"]:
        assert "экономика" in h["text"].lower()
    either = search(handle, "дағдарыс OR экономика*", limit=100)
    assert either["total"] >= max(r["total"], 24)


def test_doc_filter_and_facets(handle):
    r = search(handle, "партия", limit=5)
    assert sum(r["facets"].values()) == r["total"]
    doc_id = r["hits"][0]["doc_id"]
    only = search(handle, "партия", doc=doc_id, limit=5)
    assert set(only["facets"]) == {doc_id}
    assert search(handle, "партия", doc="no-such-doc")["total"] == 0
    assert search(handle, f"doc:{doc_id} партия")["total"] == only["total"]


def test_paging_and_document_order(handle):
    all_hits = search(handle, "партия", limit=100)
    assert all_hits["total"] > 20
    p1 = search(handle, "партия", limit=10)
    p2 = search(handle, "партия", limit=10, offset=10)
    assert [h["anchor"] for h in p1["hits"] + p2["hits"]] == [
        h["anchor"] for h in all_hits["hits"][:20]
    ]
    # the word itself first, then related words only; each by score, or in document order
    tiers = [h["related"] for h in all_hits["hits"]]
    assert tiers == sorted(tiers)
    keys = [(h["related"], -h["score"]) for h in all_hits["hits"]]
    assert keys == sorted(keys)
    ordered = search(handle, "партия", limit=100, order="document")
    keys = [(h["related"], h["doc_id"], h["paragraph"]) for h in ordered["hits"]]
    assert keys == sorted(keys)
    assert ordered["total"] == all_hits["total"]


def test_ties_in_document_order(handle):
    r = search(handle, "дағдарыс", limit=100)
    for a, b in zip(r["hits"], r["hits"][1:]):
        if a["score"] == b["score"]:
            assert (a["doc_id"], a["paragraph"]) < (b["doc_id"], b["paragraph"])


def test_partial_flag(handle):
    r = search(handle, "дағдарыс жирафтар", limit=10)
    assert r["partial"] is True and r["total"] > 0
    assert r["total_all"] == 0 and r["total_some"] == r["total"]
    full = search(handle, "дағдарыс экономика", limit=10)
    assert full["total_all"] > 0 and full["hits"][0]["matched_all"] is True
    assert full["partial"] is (full["total_some"] > 0)
    one = search(handle, "дағдарыс", limit=10)
    assert one["partial"] is False and one["total_some"] == 0


def test_all_words_rank_first(handle):
    r = search(handle, "дағдарыс инновация", limit=100)
    flags = [h["matched_all"] for h in r["hits"]]
    assert flags == sorted(flags, reverse=True)  # every True before every False
    assert flags.count(True) == r["total_all"] >= 1
    any_mark = re.compile(r"<mark[^>]*>(.*?)</mark>")  # a related word's mark counts
    for h in r["hits"]:
        marked = {m.lower()[:6] for m in any_mark.findall(h["highlight"])}
        assert h["matched_all"] == (len(marked) == 2)


def test_suggestion_for_misspelling(handle):
    r = search(handle, "дағдарс", limit=10)
    assert r["suggestion"] == "дағдарыс"
    assert search(handle, "дағдарыс")["suggestion"] is None


@pytest.mark.parametrize(
    "form", ["дағдарс", "дағдарысқаа", "экономикаcы", "мемлекетік", "тәуелсізд"]
)
def test_near_forms_are_whooshs_terms_within(handle, form):
    """The did-you-mean walk finds exactly what Whoosh's `terms_within` finds."""
    with searcher(handle) as s:
        reader = s.reader()
        for dist in (1, 2):
            theirs = set(reader.terms_within("exact", form, dist, prefix=1 + dist))
            assert sorted(_within(reader, form, dist, 1 + dist)) == sorted(theirs - {form})
        one = set(reader.terms_within("exact", form, 1, prefix=2))
        assert _one_edit(reader, form, 2) == sorted(one - {form})  # the short words' way


def test_highlight_escapes_html(tmp_path):
    src = tmp_path / "docs"
    src.mkdir()
    (src / "x.txt").write_text(
        "Дағдарыс <script>alert(1)</script> & «дағдарыстан» шығу.\n", encoding="utf-8"
    )
    update_index([src], tmp_path / "ix")
    h = open_index(tmp_path / "ix")
    try:
        r = search(h, "дағдарыс")
        hl = r["hits"][0]["highlight"]
        assert "<script>" not in hl and "&lt;script&gt;" in hl and "&amp;" in hl
        assert MARKED.findall(hl) == ["Дағдарыс", "дағдарыстан"]
    finally:
        h.close()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"offset": 10_001},
        {"order": "random"},
        {"limit": "x"},
        {"budget": 0},
        {"budget": 31},
        {"budget": "x"},
    ],
)
def test_bad_paging_is_query_error(handle, kwargs):
    with pytest.raises(QueryError):
        search(handle, "партия", **kwargs)


@pytest.mark.parametrize(
    "q", ["", "   ", "-партия", "(((", '"', "*", "x" * 1001, " ".join(["сөз"] * 65)]
)
def test_unsearchable_is_query_error(handle, q):
    with pytest.raises(QueryError):
        search(handle, q)


def test_document_view(handle):
    r = search(handle, "дағдарыс", limit=1)
    doc_id = r["hits"][0]["doc_id"]
    d = document_view(handle, doc_id, q="дағдарыс")
    ns = [p["n"] for p in d["paragraphs"]]
    assert ns == sorted(ns) and ns[0] == 1
    assert len(d["hits"]) == 24
    for p in d["paragraphs"]:
        assert p["anchor"] == f"{doc_id}#p{p['n']}"
        assert bool(MARKED.search(p["highlight"])) == (p["n"] in d["hits"])
    plain = document_view(handle, doc_id)
    assert "hits" not in plain and plain["title"]
    with pytest.raises(NotFound):
        document_view(handle, "no-such-doc")


def test_resolve_paragraph(handle):
    hit = search(handle, "дағдарыс", limit=1)["hits"][0]
    fp = hit["permalink"].split("?h=")[1]
    assert resolve_paragraph(handle, hit["doc_id"], hit["paragraph"], fp) == hit["paragraph"]
    assert resolve_paragraph(handle, hit["doc_id"], 1, fp) == hit["paragraph"]
    assert resolve_paragraph(handle, "no-such-doc", 1) is None


def test_format_text(handle):
    r = search(handle, "дағдарыс", limit=3)
    plain = format_text(r, color=False)
    assert "[" in plain and "<mark>" not in plain
    colored = format_text(r, color=True)
    assert "\x1b[1m" in colored
