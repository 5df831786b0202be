"""The word page (`term_view`, /term, /api/term) over a real index: the same spellings as
search, forms with counts, frequency per document and per year, a server-drawn chart, and
links that open the paragraph with the word marked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from indexer.index.store import open_index, update_index
from indexer.search.views import QueryError, format_term_text, term_view

REPO = Path(__file__).resolve().parent.parent
PAPER = REPO / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"
DOC = "nur-otan-strategy-2009-2012"
WORD = "дағдарыс"


@pytest.fixture(scope="module")
def handle(shipped_index):
    return open_index(shipped_index)


@pytest.fixture(scope="module")
def client(shipped_index):
    from webapp import create_app

    return create_app({"INDEX_DIR": shipped_index}).test_client()


def test_forms_counts_and_frequency(handle):
    r = term_view(handle, WORD)
    forms = {f["form"]: f["count"] for f in r["forms"]}
    assert forms == {"дағдарыстан": 15, "дағдарыс": 7, "дағдарысқа": 7, "дағдарыстың": 5}
    assert r["total"] == sum(forms.values()) == 34
    assert r["paragraphs"] == 24 and r["document_count"] == 1
    (doc,) = r["documents"]
    assert doc["doc_id"] == DOC and doc["count"] == 34 and doc["paragraphs"] == 24
    # Words of the document: the paper's own word count, give or take what the index's
    # field lengths add (a hyphenated word's parts; long paragraphs rounded up by <= 3%).
    words = len(re.findall(r"\w+(?:[-.]\w+)*", PAPER.read_text(encoding="utf-8")))
    assert words <= doc["words"] <= 1.06 * words
    assert doc["per_10k"] == round(34 * 10_000 / doc["words"], 2)
    assert r["years"] == [
        {
            "year": 2009,
            "count": 34,
            "documents": 1,
            "words": doc["words"],
            "per_10k": doc["per_10k"],
        }
    ]
    assert r["lines"] and r["truncated"] and r["lines_shown"] == len(r["lines"]) < 34
    if "root" in handle.ix.schema:
        assert all(rel["form"] not in forms for rel in r["related"])
    else:
        assert r["related"] == []
    text = format_term_text(r)
    assert "дағдарыстан 15" in text and f"{DOC}: 34" in text
    with pytest.raises(QueryError):
        term_view(handle, "")
    with pytest.raises(QueryError):
        term_view(handle, "екі сөз")


@pytest.mark.parametrize("spelled", ["дагдарыс", "dağdarys", "dagdarys", "д\u0061гд\u0061рыс"])
def test_the_same_spellings_as_search(handle, spelled):
    plain, other = term_view(handle, WORD), term_view(handle, spelled)
    assert other["keys"] == plain["keys"] and other["total"] == 34
    assert other["forms"] == plain["forms"]


def test_unknown_word(handle):
    r = term_view(handle, "жоқсөзжоқ")
    assert r["total"] == 0 and r["forms"] == [] and r["documents"] == [] and r["lines"] == []


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> Path:
    """An index of four small dated documents, three of them holding the word."""
    tmp_path = tmp_path_factory.mktemp("dated")
    corpus = tmp_path / "docs.jsonl"
    records = [
        {
            "id": "a",
            "title": "A",
            "date": "2019-05-01",
            "text": "Дағдарыс келді. Дағдарыстан шықтық.",
        },
        {"id": "b", "title": "B", "date": "2020", "text": "Дағдарысқа қарсы жоспар бар."},
        {"id": "c", "title": "C", "text": "Дағдарыс туралы бір сөз."},
        {"id": "d", "title": "D", "date": "2020", "text": "Мұнда ол сөз жоқ, басқа сөздер бар."},
    ]
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    update_index([corpus], tmp_path / "index")
    return tmp_path / "index"


def test_per_year_and_per_document_over_dated_documents(dated):
    r = term_view(open_index(dated), "дагдарыс")
    assert r["total"] == 4 and r["document_count"] == 3
    assert [d["doc_id"] for d in r["documents"]] == ["a", "b", "c"]
    years = {y["year"]: y for y in r["years"]}
    assert set(years) == {2019, 2020}  # the undated document has no year
    assert years[2019]["count"] == 2 and years[2020]["count"] == 1
    assert years[2020]["documents"] == 1
    d_words = {d["doc_id"]: d["words"] for d in r["documents"]}
    assert years[2020]["words"] > d_words["b"]  # the year counts every dated document's words


def test_page_matches_the_api_with_chart_and_marked_links(client):
    api = client.get(f"/api/term?w={quote('дагдарыс')}").get_json()
    page = client.get(f"/term?w={quote('дагдарыс')}").get_data(as_text=True)
    assert api["total"] == 34
    for f in api["forms"]:
        assert f'value="{f["form"]}" checked>{f["form"]} <span class="facet-count"' in page
    # The bar chart: inline SVG, one bar per top document, nothing the CSP would block.
    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg is not None
    assert svg.group(0).count("<rect") == len(api["documents"][:10])
    assert "style=" not in svg.group(0) and "href" not in svg.group(0)
    assert "<script>" not in page and " style=" not in page
    # Each line opens its paragraph with the word marked.
    links = re.findall(r'<a class="kwic-link" href="([^"]+)"', page)
    assert len(links) == len(api["lines"]) > 0
    for link, line in zip(links, api["lines"]):
        url = urlsplit(link.replace("&amp;", "&"))
        args = parse_qs(url.query)
        assert url.path == f"/doc/{DOC}" and args["q"] == [WORD]
        assert args["hl"] == [str(line["paragraph"])] and url.fragment == f"p{line['paragraph']}"
    url = urlsplit(links[0].replace("&amp;", "&"))
    doc = client.get(f"{url.path}?{url.query}").get_data(as_text=True)
    para = re.search(rf'id="{url.fragment}".*?</(?:p|h\d|li|div)>', doc, re.S)
    assert para is not None and "<mark>" in para.group(0)
    assert "/concordance?w=" in page  # all the lines are one link away


def test_choosing_forms_without_javascript(client):
    page = client.get(f"/term?w={quote(WORD)}").get_data(as_text=True)
    form = re.search(
        r'<form class="form-choice" action="([^"]+)" method="get">.*?</form>', page, re.S
    )
    assert form is not None and form.group(1) == "/concordance"
    assert 'formaction="/forms/search"' in form.group(0)
    r = client.get(
        f"/forms/search?w={quote(WORD)}&form={quote('дағдарыс')}&form={quote('дағдарысқа')}"
    )
    assert r.status_code == 303
    q = parse_qs(urlsplit(r.headers["Location"]).query)["q"]
    assert q == ["=дағдарыс OR =дағдарысқа"]
    hits = client.get(f"/api/search?q={quote(q[0])}&limit=100").get_json()
    kwic = client.get(
        f"/api/concordance?w={quote(WORD)}&form={quote('дағдарыс')}&form={quote('дағдарысқа')}"
    ).get_json()
    assert kwic["total"] == 14
    assert {h["paragraph"] for h in hits["hits"]} == {ln["paragraph"] for ln in kwic["lines"]}
    marked = {
        m.lower() for h in hits["hits"] for m in re.findall(r"<mark>(.*?)</mark>", h["highlight"])
    }
    assert marked == {"дағдарыс", "дағдарысқа"}


def test_the_documents_come_a_page_at_a_time(dated):
    """The per-document table is paged (offset, limit); the count of documents and the top
    documents (for the chart) are the same on every page."""
    h = open_index(dated)
    whole = term_view(h, "дагдарыс", limit=10)
    assert [d["doc_id"] for d in whole["documents"]] == ["a", "b", "c"]
    pages = [term_view(h, "дагдарыс", offset=i, limit=1) for i in range(4)]
    assert [d for p in pages for d in p["documents"]] == whole["documents"]
    assert pages[3]["documents"] == []
    for p in pages:
        assert p["document_count"] == 3 and p["documents_limit"] == 1
        assert p["top_documents"] == whole["documents"] and p["total"] == 4
    assert [p["documents_offset"] for p in pages] == [0, 1, 2, 3]
    assert "(documents 2-2 of 3 shown)" in format_term_text(pages[1])
    for bad in ({"offset": -1}, {"limit": 0}, {"limit": 1001}):
        with pytest.raises(QueryError):
            term_view(h, "дагдарыс", **bad)


def test_the_web_pages_the_documents_as_stats_does(dated):
    """`run_term` reads offset and limit from the request (default 50) for page and API
    alike; the page links to the neighbouring pages and keeps the chart of the top ones."""
    # (imported here, as in the client fixture: the web app only where a test needs it)
    from webapp import concordance as web_kwic
    from webapp import create_app

    app = create_app({"INDEX_DIR": dated})
    w = quote("дагдарыс")
    with app.test_request_context(f"/term?w={w}"):
        first = web_kwic.run_term(web_kwic.data.handle(), "дагдарыс")
        assert first["documents_limit"] == 50 and len(first["documents"]) == 3
        assert web_kwic.term_page(first)["documents_pager"] is None
    with app.test_request_context(f"/term?w={w}&offset=1&limit=1"):
        view = web_kwic.term_page(web_kwic.run_term(web_kwic.data.handle(), "дагдарыс"))
        assert [d["doc_id"] for d in view["documents"]] == ["b"]
        assert len(view["chart"]["bars"]) == 3  # the chart shows the top documents
        pager = view["documents_pager"]
        assert (pager["from"], pager["to"], pager["total"]) == (2, 2, 3)
        prev, nxt = (parse_qs(urlsplit(pager[k]).query) for k in ("prev", "next"))
        assert prev == {"w": ["дагдарыс"], "limit": ["1"]}
        assert nxt == {"w": ["дагдарыс"], "offset": ["2"], "limit": ["1"]}
    with app.test_request_context(f"/term?w={w}&limit=100000"), pytest.raises(web_kwic.BadRequest):
        web_kwic.run_term(web_kwic.data.handle(), "дагдарыс")
