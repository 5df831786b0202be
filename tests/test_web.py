"""The web front end over HTTP: a real waitress server in a thread, the real shipped index."""

from __future__ import annotations

import http.client
import json
import logging
import re
import shutil
import time
from html import unescape
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from conftest import CORPUS

DOC = "nur-otan-strategy-2009-2012"
WORD = "дағдарыс"
SECURITY = {
    "content-security-policy": "default-src 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


class Answer:
    def __init__(self, status: int, headers: dict, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)


def get(base: str, target: str, headers: dict | None = None, method: str = "GET") -> Answer:
    """One request exactly as written (no redirects followed, no path normalisation)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        return Answer(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def q(s: str) -> str:
    return quote(s, safe="")


def anchors(html: str) -> list[str]:
    return re.findall(r'<li class="hit[^"]*" data-anchor="([^"]+)"', html)


def assert_secure(a: Answer, where: str) -> None:
    for name, start in SECURITY.items():
        assert name in a.headers, f"no {name} on {where}"
        assert a.headers[name].startswith(start), (where, name, a.headers[name])
    assert b"Traceback" not in a.body and b'File "/' not in a.body, where


# -- every route ------------------------------------------------------------------------

ROUTES_200 = [
    "/",
    "/search",
    f"/search?q={q(WORD)}",
    "/help",
    "/stats",
    f"/doc/{DOC}",
    f"/doc/{DOC}?q={q(WORD)}&hl=64",
    f"/term?w={q(WORD)}",
    "/term",
    f"/cite?doc={DOC}&n=64",
    f"/api/search?q={q(WORD)}",
    f"/api/term?w={q(WORD)}",
    f"/api/doc/{DOC}",
    f"/api/cite?doc={DOC}&n=64",
    "/api/stats",
    "/api/openapi.json",
    "/healthz",
    "/static/style.css",
    "/static/app.js",
]


@pytest.mark.parametrize("target", ROUTES_200)
def test_every_route_answers_with_security_headers(live_server, target):
    a = get(live_server, target)
    assert a.status == 200, (target, a.body[:300])
    assert_secure(a, target)
    if target.startswith(("/api/", "/healthz")):
        assert a.headers["content-type"].startswith("application/json")
        a.json()
    elif not target.startswith("/static/"):
        assert a.headers["content-type"].startswith("text/html")
        assert '<html lang="kk">' in a.text


def test_csp_is_strict_and_pages_have_no_inline_code(live_server):
    csp = get(live_server, "/").headers["content-security-policy"]
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "connect-src 'self'",
    ]:
        assert part in csp
    assert "unsafe" not in csp
    for target in ROUTES_200:
        if target.startswith(("/api/", "/healthz", "/static/")):
            continue
        html = get(live_server, target).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), target
        assert not re.search(r"<style\b", html), target
        assert not re.search(r"\sstyle=", html), target
        assert not re.search(r"\son[a-z]+=", html), target
        assert not re.search(r"(src|href)=\"(https?:)?//", html), f"external resource on {target}"


# -- search -----------------------------------------------------------------------------


def test_search_page_shows_the_api_result(live_server):
    api = get(live_server, f"/api/search?q={q(WORD)}").json()
    assert api["total"] == 24
    for key in ("query", "understood_as", "total", "took_ms", "hits", "facets", "suggestion"):
        assert key in api
    page = get(live_server, f"/search?q={q(WORD)}").text
    assert f'data-total="{api["total"]}"' in page
    assert anchors(page) == [h["anchor"] for h in api["hits"]]
    # the query stays in the box
    assert f'value="{WORD}"' in page
    # every hit: title, section, paragraph number, highlighted snippet, links
    for hit in api["hits"]:
        assert f"/doc/{DOC}?q={q(WORD)}&amp;hl={hit['paragraph']}#p{hit['paragraph']}" in page
        assert hit["permalink"].replace("&", "&amp;") in page
        assert hit["highlight"] in page
    assert page.count("<mark>") == sum(h["highlight"].count("<mark>") for h in api["hits"])
    assert "<mark>дағдарыстың</mark>" in page or "<mark>дағдарыстан</mark>" in page


def test_api_search_is_the_search_function(live_server, shipped_index):
    from indexer.index.store import open_index
    from indexer.search.engine import search

    api = get(live_server, f"/api/search?q={q(WORD)}&limit=7&offset=3").json()
    direct = search(open_index(shipped_index), WORD, limit=7, offset=3)
    api.pop("took_ms"), direct.pop("took_ms")
    assert api == json.loads(json.dumps(direct))


def test_paging_and_facets_are_plain_links(live_server):
    page = get(live_server, f"/search?q={q(WORD)}&limit=5&offset=5").text
    assert '<ol class="hits" start="6">' in page
    assert len(anchors(page)) == 5
    assert f'href="/search?q={q(WORD)}&amp;limit=5&amp;offset=10"' in page  # next
    assert f'href="/search?q={q(WORD)}&amp;limit=5"' in page  # previous = first page
    assert 'aria-current="page"' in page
    # facet: hits per document, a doc= link
    facet = f'href="/search?q={q(WORD)}&amp;doc={DOC}"'
    assert facet in page
    filtered = get(live_server, f"/search?q={q(WORD)}&doc={DOC}")
    assert filtered.status == 200 and 'data-total="24"' in filtered.text
    api = get(live_server, f"/api/search?q={q(WORD)}&doc=no-such-doc").json()
    assert api["total"] == 0


def test_partial_and_did_you_mean_notices(live_server):
    partial = get(live_server, f"/search?q={q(WORD + ' экология')}")
    assert partial.status == 200
    assert get(live_server, f"/api/search?q={q(WORD + ' экология')}").json()["partial"] is True
    assert 'class="notice"' in partial.text and "ішінара" in partial.text
    typo = get(live_server, f"/search?q={q('дағдарс')}").text
    suggestion = get(live_server, f"/api/search?q={q('дағдарс')}").json()["suggestion"]
    assert suggestion
    assert f'href="/search?q={q(suggestion)}"' in typo


def test_empty_search_page_offers_example_queries(live_server):
    page = get(live_server, "/").text
    examples = re.findall(r'<ul class="examples">(.*?)</ul>', page, re.S)[0]
    words = re.findall(r'href="/search\?q=([^"]+)"', examples)
    assert len(words) >= 2
    for w in words:
        assert get(live_server, f"/api/search?q={w}").json()["total"] > 0


def test_help_page_explains_the_syntax(live_server):
    page = get(live_server, "/help").text
    for example in [
        '"бастауыш партия ұйымдары"',
        "дағдарыс -экономика*",
        "=дағдарысқа",
        "дагдарыс",
        "dağdarys",
    ]:
        assert unescape(example) in unescape(page)
    en = get(live_server, "/help?lang=en").text
    assert "exact form" in en


# -- documents, anchors, citations ------------------------------------------------------


def test_document_view_marks_the_hit_paragraph(live_server):
    page = get(live_server, f"/doc/{DOC}?q={q(WORD)}&hl=64").text
    api = get(live_server, f"/api/doc/{DOC}?q={q(WORD)}").json()
    assert len(re.findall(r'<section class="para[^"]*" id="p\d+"', page)) == len(api["paragraphs"])
    target = re.search(r'<section class="([^"]*)" id="p64"', page)
    assert target and "is-target" in target.group(1) and "is-hit" in target.group(1)
    assert page.count('class="para is-hit') + page.count('class="para is-hit ') >= 1
    hits = api["hits"]
    assert len(hits) == len(re.findall(r'class="para is-hit', page))
    # previous / next hit links around 64
    i = hits.index(64)
    assert f'href="#p{hits[i - 1]}"' in page and f'href="#p{hits[i + 1]}"' in page
    # visible anchors and headings as h2/h3
    assert 'href="#p64"' in page
    assert re.search(r'<h[23] class="para-text"[^>]*>', page)
    # marks only inside hit paragraphs; all from the api's highlight
    for p in api["paragraphs"]:
        if p.get("hit"):
            assert p["highlight"] in page


def test_old_anchor_redirects_to_current_paragraph(live_server, shipped_index):
    from indexer.index.store import open_index

    fp = open_index(shipped_index).docs[DOC]["fps"][63]
    a = get(live_server, f"/p/{DOC}/64?h={fp}")
    assert a.status == 302
    assert a.headers["location"].endswith(f"/doc/{DOC}?hl=64#p64")
    # an old number with the fingerprint of another paragraph goes where the text is now
    moved = get(live_server, f"/p/{DOC}/10?h={fp}")
    assert moved.status == 302 and moved.headers["location"].endswith("#p64")
    assert get(live_server, f"/p/{DOC}/64?h=ffffffffffff").status == 404
    assert get(live_server, f"/p/{DOC}/9999").status == 404
    assert get(live_server, "/p/no-such-doc/1").status == 404
    page = get(live_server, "/p/no-such-doc/1")
    assert page.headers["content-type"].startswith("text/html")


def test_citation_api_and_pages_agree(live_server, shipped_index):
    from indexer.index.store import open_index

    meta = open_index(shipped_index).docs[DOC]
    c = get(live_server, f"/api/cite?doc={DOC}&n=64").json()
    assert c["title"] == meta["title"]
    assert c["paragraph"] == 64
    assert c["url"] == f"{live_server}/p/{DOC}/64?h={meta['fps'][63]}"
    assert c["url"] in c["text"] and meta["title"] in c["text"] and "64" in c["text"]
    assert c["section"].startswith("ДАМУДЫҢ НЕГІЗГІ БАСЫМДЫҚТАРЫ")
    assert c["bibtex"].startswith("@misc{") and c["url"] in c["bibtex"]
    assert c["csl"]["URL"] == c["url"] and c["csl"]["title"] == meta["title"]
    # the same ГОСТ and APA text on the search page, the document page and the cite page
    gost = get(live_server, f"/api/cite?doc={DOC}&n=64&style=gost").text
    apa = get(live_server, f"/api/cite?doc={DOC}&n=64&style=apa").text
    assert "URL: " + c["url"] in gost and c["url"] in apa
    for target in (f"/search?q={q(WORD)}", f"/cite?doc={DOC}&n=64"):
        page = unescape(get(live_server, target).text)
        assert gost in page and apa in page, target
    # A document's paragraphs link to their cite page (filled in when opened, with JS).
    assert f'href="/cite?doc={DOC}&amp;n=64"' in get(live_server, f"/doc/{DOC}").text
    assert c["text"] in unescape(get(live_server, f"/cite?doc={DOC}&n=64").text)
    # the permanent URL leads back to the paragraph
    follow = get(live_server, urlsplit(c["url"]).path + "?" + urlsplit(c["url"]).query)
    assert follow.status == 302 and follow.headers["location"].endswith("#p64")
    assert get(live_server, f"/api/cite?doc={DOC}&n=9999").status == 404
    assert get(live_server, f"/api/cite?doc={DOC}").status == 400


def test_term_page_and_api(live_server):
    api = get(live_server, f"/api/term?w={q(WORD)}").json()
    page = get(live_server, f"/term?w={q(WORD)}").text
    forms = [f["form"] for f in api["forms"]]
    assert {"дағдарыс", "дағдарыстың", "дағдарысқа", "дағдарыстан"} <= set(forms)
    for f in api["forms"]:
        assert f'>{f["form"]} <span class="facet-count"' in page
    assert len(re.findall(r'<li><span class="kwic-left">', page)) == len(api["lines"])
    for line in api["lines"][:5]:
        assert f"/doc/{DOC}?q={q(WORD)}&amp;hl={line['paragraph']}#p{line['paragraph']}" in page
    assert get(live_server, f"/api/term?w={q('екі сөз')}").status == 400
    assert get(live_server, "/api/term").status == 400


def test_stats_and_openapi(live_server):
    stats = get(live_server, "/api/stats").json()
    assert stats["documents"] == 1 and stats["paragraphs"] > 100
    assert stats["document_list"][0]["doc_id"] == DOC
    assert f'href="/doc/{DOC}"' in get(live_server, "/stats").text
    spec = get(live_server, "/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/search",
        "/api/term",
        "/api/doc/{doc_id}",
        "/api/cite",
        "/api/stats",
        "/healthz",
        "/api/openapi.json",
    ):
        assert path in spec["paths"], path
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {"q", "limit", "offset", "doc", "order", "facets"}


def test_openapi_lists_every_api_route():
    from webapp import create_app
    from webapp.openapi import openapi_document

    app = create_app({"INDEX_DIR": "/nonexistent"})
    spec = openapi_document("http://x/")
    routes = {
        re.sub(r"<([a-z_]+)>", r"{\1}", r.rule)
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/") or r.rule == "/healthz"
    }
    assert routes == set(spec["paths"])


# -- limits, errors, hostile input ------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/doc/..%2F..%2Fetc%2Fpasswd",
        "/p/../x/1",
        "/doc/../../etc/passwd",
        "/api/doc/..%2Fx",
        "/doc/..",
        "/doc/...",
        "/doc/UPPER",
        "/doc/a%00b",
        f"/p/{DOC}%2F..%2Fx/1",
        "/cite?doc=..%2Fx&n=1",
        "/api/cite?doc=..%2F..%2Fetc&n=1",
        "/doc/" + "a" * 201,
    ],
)
def test_traversal_and_bad_ids_are_not_found(live_server, target):
    a = get(live_server, target)
    assert a.status == 404, target
    assert_secure(a, target)
    assert b"root:" not in a.body


@pytest.mark.parametrize(
    "qs",
    [
        "limit=0",
        "limit=101",
        "limit=abc",
        "offset=-1",
        "offset=10001",
        "order=sideways",
        "doc=..%2Fx",
        "limit=1.5",
    ],
)
def test_bad_parameters_are_400(live_server, qs):
    for route in ("/search", "/api/search"):
        a = get(live_server, f"{route}?q={q(WORD)}&{qs}")
        assert a.status == 400, (route, qs)
        assert_secure(a, route)
        if route.startswith("/api"):
            assert a.json()["message"]
        else:
            assert a.headers["content-type"].startswith("text/html")


def test_limits_at_the_edges_are_fine(live_server):
    assert get(live_server, f"/api/search?q={q(WORD)}&limit=100").json()["total"] == 24
    assert get(live_server, f"/api/search?q={q(WORD)}&offset=10000").json()["hits"] == []


def test_long_query_and_query_errors_are_friendly_400s(live_server):
    long = get(live_server, "/search?q=" + q("а" * 1001))
    assert long.status == 400 and "1000" in long.text
    assert get(live_server, "/api/search?q=" + "a" * 1001).json()["message"]
    bad = get(live_server, "/search?q=" + q('"'))
    assert bad.status == 400 and "<form" in bad.text
    said = get(live_server, "/api/search?lang=en&q=" + q('"')).json()
    assert "no words" in said["message"] and said["code"] == "no_words"
    assert get(live_server, "/api/search").status == 400


@pytest.mark.parametrize(
    "target", ["/search?q=%FF", "/api/search?q=%C3%28", "/term?w=%ED%A0%80", "/doc/%FF"]
)
def test_invalid_utf8_is_400(live_server, target):
    a = get(live_server, target)
    assert a.status == 400, target
    assert_secure(a, target)


def test_error_pages_html_and_json(live_server):
    page = get(live_server, "/nowhere")
    assert page.status == 404 and page.headers["content-type"].startswith("text/html")
    assert "<h1>" in page.text
    api = get(live_server, "/api/nowhere")
    assert api.status == 404 and api.json()["status"] == 404
    post = get(live_server, "/api/search?q=x", method="POST")
    assert post.status == 405 and post.json()["status"] == 405
    assert get(live_server, "/search", method="POST").status == 405
    for a in (page, api, post):
        assert_secure(a, "error")


def test_internal_errors_show_no_traceback(shipped_index, make_live_server, monkeypatch):
    import webapp.data

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(webapp.data, "run_search", boom)
    server = make_live_server(shipped_index)
    for target, kind in (
        (f"/search?q={q(WORD)}", "text/html"),
        (f"/api/search?q={q(WORD)}", "application/json"),
    ):
        a = get(server.url, target)
        assert a.status == 500 and a.headers["content-type"].startswith(kind)
        assert b"secret internal detail" not in a.body
        assert_secure(a, target)


# -- health, no index, language, logs, new generations -----------------------------------


def test_healthz(live_server):
    h = get(live_server, "/healthz").json()
    assert h["status"] == "ok" and h["documents"] == 1 and h["paragraphs"] > 100
    assert h["generation"] and 0 <= h["age_seconds"] < 3600


def test_without_an_index_pages_say_how_to_make_one(tmp_path, make_live_server):
    server = make_live_server(tmp_path / "nothing-here")
    h = get(server.url, "/healthz")
    assert h.status == 503 and h.json()["documents"] == 0
    for target in ("/", f"/search?q={q(WORD)}", f"/doc/{DOC}", "/stats"):
        a = get(server.url, target)
        assert a.status == 503, target
        assert "izde index" in a.text
        assert_secure(a, target)
    api = get(server.url, f"/api/search?q={q(WORD)}")
    assert api.status == 503 and "izde index" in api.json()["command"]
    assert get(server.url, "/help").status == 200


def test_language_switch_is_remembered(live_server):
    default = get(live_server, "/help")
    assert '<html lang="kk">' in default.text and "set-cookie" not in default.headers
    en = get(live_server, "/help?lang=en")
    assert '<html lang="en">' in en.text
    cookie = en.headers["set-cookie"]
    assert cookie.startswith("lang=en") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    later = get(live_server, f"/search?q={q(WORD)}", headers={"Cookie": "lang=en"})
    assert '<html lang="en">' in later.text and "Results: 24" in later.text
    ru = get(live_server, "/?lang=ru", headers={"Cookie": "lang=en"})
    assert '<html lang="ru">' in ru.text and ru.headers["set-cookie"].startswith("lang=ru")
    assert "Найти" in ru.text
    back = get(live_server, "/?lang=kk", headers={"Cookie": "lang=ru"})
    assert '<html lang="kk">' in back.text and "Іздеу" in back.text
    bogus = get(live_server, "/?lang=xx", headers={"Cookie": "lang=zz"})
    assert '<html lang="kk">' in bogus.text
    # the switch links keep the page and its query
    assert f'href="/search?q={q(WORD)}&amp;lang=ru"' in later.text


def test_every_interface_string_is_translated():
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "webapp" / "translations"
    for lang in ("kk", "ru"):
        with open(root / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f)
        untranslated = [m.id for m in catalog if m.id and not m.string]
        assert not untranslated, (lang, untranslated)
        fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
        assert not fuzzy, (lang, fuzzy)
        for m in catalog:
            if m.id:
                wanted = sorted(re.findall(r"%\(\w+\)s", m.id))
                assert sorted(re.findall(r"%\(\w+\)s", m.string)) == wanted, (lang, m.id)


def test_catalogues_hold_exactly_the_strings_in_use():
    """Every string the templates and code translate is in the kk and ru catalogues, and no
    catalogue keeps a string nothing uses (webapp/babel.cfg says how to update them)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po

    repo = Path(__file__).resolve().parent.parent
    with open(repo / "webapp" / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    used = {
        msgid
        for _file, _line, msgid, _comments, _context in extract_from_dir(
            str(repo), method_map, options_map
        )
    }
    assert "Search" in used and "The query has no words to search for." in used
    for lang in ("kk", "ru"):
        with open(
            repo / "webapp" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb"
        ) as f:
            catalog = read_po(f)
        held = {m.id for m in catalog if m.id}
        assert sorted(used - held) == [], (lang, "missing")
        assert sorted(held - used) == [], (lang, "unused")
        assert not list(catalog.obsolete), (lang, "obsolete entries left")


def test_request_log_has_path_status_time_but_no_query(live_server, caplog):
    with caplog.at_level(logging.INFO, logger="izde.web"):
        get(live_server, "/search?q=secretword")
        get(live_server, "/api/search?q=secretword")
    lines = [r.getMessage() for r in caplog.records if r.name == "izde.web"]
    assert any(re.fullmatch(r"GET /search 200 \d+\.\dms", line) for line in lines), lines
    assert any(re.fullmatch(r"GET /api/search 200 \d+\.\dms", line) for line in lines), lines
    assert not any("secretword" in line for line in lines)


def _served_copy(tmp_path, make_live_server):
    """A copy of the shipped corpus, indexed and served: (corpus, index folder, server)."""
    from indexer.index.store import update_index

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    index_dir = tmp_path / "index"
    update_index([corpus], index_dir)
    return corpus, index_dir, make_live_server(index_dir)


def test_a_new_generation_is_served_without_restart(tmp_path, make_live_server):
    from indexer.index.store import update_index

    corpus, index_dir, server = _served_copy(tmp_path, make_live_server)
    word = "жаңаартефакт"
    before = get(server.url, "/healthz").json()
    assert get(server.url, f"/api/search?q={q(word)}").json()["total"] == 0
    (corpus / "extra.txt").write_text(f"Бұл абзацта {word} деген сөз бар.\n", encoding="utf-8")
    update_index([corpus], index_dir)
    after = get(server.url, "/healthz").json()
    assert after["generation"] != before["generation"]
    assert after["documents"] == before["documents"] + 1
    found = get(server.url, f"/api/search?q={q(word)}").json()
    assert found["total"] == 1 and found["hits"][0]["doc_id"] == "extra"
    assert word in get(server.url, f"/search?q={q(word)}").text


# -- the one place HTML from the index is trusted ---------------------------------------


def test_highlight_sanity_check():
    from webapp.security import highlight_is_safe, safe_highlight

    assert highlight_is_safe("a <mark>b</mark> &lt;script&gt;")
    for bad in [
        "<script>alert(1)</script>",
        "<mark onclick=x>b</mark>",
        "<img src=x>",
        "a < b",
        "<mark>b</mark><",
        "</p>",
        "<MARK>b</MARK>",
        "x > y",
    ]:
        assert not highlight_is_safe(bad), bad
        assert "<" not in str(safe_highlight(bad, "fallback <b>")).replace("&lt;", "")


def test_record_ids_with_capitals_are_served(tmp_path, make_live_server):
    from indexer.index.store import update_index

    corpus = tmp_path / "records"
    corpus.mkdir()
    (corpus / "records.jsonl").write_text(
        json.dumps(
            {"id": "Doc_A1", "title": "Жазба", "text": "Бірінші абзац.\n\nЕкінші абзац."},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    update_index([corpus], tmp_path / "index")
    server = make_live_server(tmp_path / "index")
    assert get(server.url, "/api/stats").json()["document_list"][0]["doc_id"] == "Doc_A1"
    assert get(server.url, "/doc/Doc_A1").status == 200
    assert get(server.url, "/api/cite?doc=Doc_A1&n=1").json()["title"] == "Жазба"
    assert get(server.url, "/p/Doc_A1/1").headers["location"].endswith("/doc/Doc_A1?hl=1#p1")


def test_citation_formats_escape_and_localise():
    import datetime as dt

    from webapp import create_app
    from webapp.citation import build_citation

    app = create_app({"INDEX_DIR": "/nonexistent"})
    for lang, para in (("kk", "12-абзац"), ("en", "paragraph 12"), ("ru", "абзац 12")):
        with app.test_request_context(f"/?lang={lang}"):
            app.preprocess_request()
            c = build_citation(
                doc_id="plan",
                title="50% {жоспар} & $x_1",
                n=12,
                base_url="http://example.test/",
                fp="abc123",
                section=["I БӨЛІМ", "1. Кіріспе"],
                page=3,
                today=dt.date(2026, 1, 2),
            )
        assert c["url"] == "http://example.test/p/plan/12?h=abc123"
        assert para in c["text"] and c["url"] in c["text"] and "2026-01-02" in c["text"]
        assert "I БӨЛІМ › 1. Кіріспе" in c["text"]
        assert r"title = {50\% \textbraceleft{}жоспар\textbraceright{} \& \$x\_1}," in c["bibtex"]
        assert c["bibtex"].count("{") == c["bibtex"].count("}")
        assert c["csl"]["page"] == "3" and c["csl"]["locator"] == "12"


def test_facets_list_the_top_documents_with_a_link_to_more(tmp_path, make_live_server):
    from indexer.index.store import update_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, n in enumerate((3, 1, 2)):
        paras = "\n\n".join(f"Бұл {j}-абзацта дағдарыс туралы айтылады." for j in range(n))
        (corpus / f"d{i}.txt").write_text(f"Құжат {i}\n\n{paras}\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    update_index([corpus], index_dir)
    server = make_live_server(index_dir)
    api = get(server.url, f"/api/search?q={q(WORD)}&facets=1").json()
    assert api["facets"] == {"d0": 3} and api["facet_documents"] == 3
    everything = get(server.url, f"/api/search?q={q(WORD)}").json()
    assert list(everything["facets"].items()) == [("d0", 3), ("d2", 2), ("d1", 1)]
    page = get(server.url, f"/search?q={q(WORD)}&facets=1&lang=en").text
    assert 'href="/search?q=' in page and "More documents (3 in all)" in page
    assert "facets=1000" in page  # the link asks for all of them
    assert "More documents" not in get(server.url, f"/search?q={q(WORD)}&lang=en").text
    assert get(server.url, f"/api/search?q={q(WORD)}&facets=5000").status == 400


def test_a_large_index_moves_to_a_new_generation_in_the_background(
    tmp_path, make_live_server, monkeypatch
):
    """Past BACKGROUND_SWITCH_PARAGRAPHS the new generation is opened and warmed in a
    thread: the request that notices it is answered from the previous generation at once,
    later ones from the new one, and no request fails in between."""
    from indexer.index.store import update_index
    from webapp import data

    monkeypatch.setattr(data, "BACKGROUND_SWITCH_PARAGRAPHS", 0)
    corpus, index_dir, server = _served_copy(tmp_path, make_live_server)
    word = "жаңаартефакт"
    before = get(server.url, "/healthz").json()
    (corpus / "extra.txt").write_text(f"Бұл абзацта {word} деген сөз бар.\n", encoding="utf-8")
    update_index([corpus], index_dir)
    first = get(server.url, "/healthz").json()
    assert first["generation"] == before["generation"]
    deadline = time.monotonic() + 30
    while True:
        r = get(server.url, f"/api/search?q={q(word)}")
        assert r.status == 200
        if r.json()["total"] == 1:
            break
        assert time.monotonic() < deadline, "the new generation was never served"
        time.sleep(0.05)
    after = get(server.url, "/healthz").json()
    assert after["generation"] != before["generation"]
    assert after["documents"] == before["documents"] + 1


# -- pages that tell the truth (#11) ------------------------------------------------------

MULTI = ["экономикалық дағдарыс", "партия ұйымдары", "дағдарыс экология", "Нұр Отан партиясы"]


@pytest.fixture(scope="module")
def client(shipped_index):
    from webapp import create_app

    return create_app({"INDEX_DIR": shipped_index}).test_client()


def page_text(client, target: str, lang: str = "kk") -> str:
    sep = "&" if "?" in target else "?"
    r = client.get(f"{target}{sep}lang={lang}")
    assert r.status_code == 200, (target, r.status_code)
    return r.get_data(as_text=True)


@pytest.mark.parametrize("query", MULTI)
def test_total_facets_and_notice_do_not_depend_on_the_page(client, query):
    answers = [
        client.get(f"/api/search?q={q(query)}&offset={offset}").get_json() for offset in (0, 10, 20)
    ]
    for key in ("total", "total_all", "total_some", "facets", "facet_documents", "partial"):
        assert len({json.dumps(a[key], sort_keys=True) for a in answers}) == 1, (query, key)
    hits = [h for a in answers for h in a["hits"]]
    flags = [h["matched_all"] for h in hits]
    assert flags == sorted(flags, reverse=True), "hits with every word come first"
    assert flags.count(True) == min(answers[0]["total_all"], len(hits))
    totals = {
        re.search(r'data-total="(\d+)"', page_text(client, f"/search?q={q(query)}&offset={o}"))[1]
        for o in (0, 10, 20)
    }
    assert totals == {str(answers[0]["total"])}


def test_one_total_says_how_many_hold_every_word_and_partial_hits_are_labelled(client):
    api = client.get(f"/api/search?q={q('экономикалық дағдарыс')}&offset=5").get_json()
    assert api["total_all"] and api["total_some"]
    page = page_text(client, f"/search?q={q('экономикалық дағдарыс')}&offset=5", "en")
    count = re.search(r'<p class="count"[^>]*>(.*?)</p>', page, re.S)[1]
    assert (
        f"Results: {api['total']} ({api['total_all']} with every word, "
        f"{api['total_some']} with some)" in " ".join(count.split())
    )
    items = re.findall(r'<li class="hit([^"]*)" data-anchor="([^"]+)"', page)
    assert [a for _c, a in items] == [h["anchor"] for h in api["hits"]]
    for (classes, _a), hit in zip(items, api["hits"]):
        assert ("hit-partial" in classes) == (not hit["matched_all"]), hit["anchor"]
    assert page.count('class="badge badge-partial">some of the words<') == sum(
        not h["matched_all"] for h in api["hits"]
    )
    assert "No paragraph contains all the words" not in page


def test_the_notice_shows_only_when_no_paragraph_has_every_word(client):
    none = client.get(f"/api/search?q={q('дағдарыс экология')}").get_json()
    assert none["total_all"] == 0 and none["total"] > 0
    assert "No paragraph contains all the words" in page_text(
        client, f"/search?q={q('дағдарыс экология')}", "en"
    )
    for query in ("экономикалық дағдарыс", "Нұр Отан партиясы", WORD):
        page = page_text(client, f"/search?q={q(query)}", "en")
        assert "No paragraph contains all the words" not in page, query


ENGINE_NOTATION = re.compile(r"\b(text|fold|exact|root|title|doc):|\[ignored|\bOR\b|terms\)")


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("Нұр Отан қашан құрылды", ["Нұр (барлық тұлғалары)", "қашан: сұрау сөзі, ескерілмеді"]),
        ("дағдарыс және экономика", ["және: көмекші сөз, ескерілмеді"]),
        ("дагдарыс -экономика*", ["дагдарыс (барлық тұлғалары", "экономика сөзі жоқ абзацтар"]),
        ("=дағдарысқа", ["дағдарысқа (тек осы тұлғасы)"]),
        ("экономика*", ["экономика… (осылай басталатын"]),
        ('"бастауыш партия"', ["«бастауыш партия» (осы сөздер осы ретпен)"]),
    ],
)
def test_how_the_query_was_understood_is_said_in_kazakh(client, query, said):
    api = client.get(f"/api/search?q={q(query)}").get_json()
    assert ENGINE_NOTATION.search(api["understood_as"]), "the JSON keeps the raw form"
    page = unescape(page_text(client, f"/search?q={q(query)}"))
    summary = re.search(r'<div class="summary">(.*?)</div>', page, re.S)[1]
    line = " ".join(re.sub(r"<[^>]+>", "", summary).split())
    for phrase in said:
        assert phrase in line, (phrase, line)
    assert not ENGINE_NOTATION.search(line), line
    assert not re.search(r"[A-Za-z]{4,}", line.replace(query, "")), line  # no English


def test_a_query_over_the_limit_keeps_its_text_and_shows_the_limit(client):
    long = "дағдарыс " * 120  # 1,080 characters
    r = client.get(f"/search?q={q(long)}&lang=en")
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert f'value="{long}"' in page
    assert "at most 1000 characters" in page and f"Now: {len(long)}." in page
    r = client.get(f"/search?q={q(long)}")
    assert r.status_code == 400 and "1000" in r.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_kazakh_text_is_marked_kazakh_in_other_interfaces(client, lang):
    results = page_text(client, f"/search?q={q(WORD)}", lang)
    snippets = re.findall(r'<p class="snippet" id="t\d+"([^>]*)>', results)
    assert snippets and all(' lang="kk"' in s for s in snippets)
    assert re.search(r'<h2 class="hit-title"><a href="[^"]+" lang="kk">', results)
    doc = page_text(client, f"/doc/{DOC}", lang)
    assert '<h1 id="doc-title" lang="kk">' in doc
    paras = re.findall(r'class="para-text" id="t\d+"([^>]*)>', doc)
    assert paras and all(' lang="kk"' in p for p in paras)
    # In the Kazakh interface the page's own lang says it already.
    assert ' lang="kk"' not in page_text(client, f"/doc/{DOC}").split("<body", 1)[1].replace(
        'lang="kk" hreflang="kk"', ""
    )


def test_russian_copy_button_is_not_the_permalink(client):
    page = page_text(client, f"/search?q={q(WORD)}", "ru")
    assert "Копировать цитату (ГОСТ 7.1)" in page and "Копировать цитату с источником" in page
    assert "Копировать ссылку" not in page


def test_home_page_focuses_the_search_box(client):
    assert re.search(r'<input id="q"[^>]*\bautofocus\b', page_text(client, "/"))
    assert not re.search(r'<input id="q"[^>]*\bautofocus\b', page_text(client, f"/search?q={WORD}"))


def test_long_document_has_a_table_of_contents(client):
    api = client.get(f"/api/doc/{DOC}").get_json()
    headings = [p["n"] for p in api["paragraphs"] if p["kind"] == "heading"]
    assert len(headings) >= 3
    page = page_text(client, f"/doc/{DOC}")
    toc = re.search(r'<nav class="toc"[^>]*>(.*?)</nav>', page, re.S)[1]
    assert re.findall(r'href="#p(\d+)"', toc) == [str(n) for n in headings]
    for n in headings:
        assert f'id="p{n}"' in page


def test_cite_box_offers_styles_downloads_and_the_quote(client):
    page = page_text(client, f"/search?q={q(WORD)}")
    first = re.search(r'<li class="hit.*?</li>', page, re.S)[0]
    assert 'id="c1-gost"' in first and 'id="c1-apa"' in first
    assert 'data-copy="c1-gost" data-quote="t1"' in first
    for style in ("bibtex", "ris", "csl"):
        assert re.search(
            rf'href="/api/cite\?doc={DOC}&amp;n=\d+&amp;style={style}" download', first
        )


def _records(tmp_path, records: list[dict]):
    from indexer.index.store import update_index
    from webapp import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "records.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    update_index([corpus], tmp_path / "index")
    return create_app({"INDEX_DIR": tmp_path / "index"}).test_client()


def test_facet_chips_with_the_same_title_are_told_apart(tmp_path):
    client = _records(
        tmp_path,
        [
            {"id": f"abai-{i}", "title": "Абай", "text": f"Абай туралы {i}-мәтін.", "date": d}
            for i, d in ((1, "1995"), (2, "2004"))
        ]
        + [{"id": "other", "title": "Басқа", "text": "Абай мен Шоқан."}],
    )
    page = client.get(f"/search?q={q('Абай')}").get_data(as_text=True)
    facets = re.search(r'<aside class="facets facets-wide">(.*?)</aside>', page, re.S)[1]
    assert '<span class="facet-detail">1995</span>' in facets
    assert '<span class="facet-detail">2004</span>' in facets
    assert facets.count('class="facet-detail"') == 2  # a title of its own needs nothing


def test_stats_is_paged_and_filtered_by_title(tmp_path):
    books = [
        {"id": f"kitap-{i:03d}", "title": f"Кітап {i:03d}", "text": "Мәтін."} for i in range(130)
    ]
    notes = [
        {"id": f"daptar-{i:03d}", "title": f"Дәптер {i:03d}", "text": "Мәтін."} for i in range(20)
    ]
    client = _records(tmp_path, books + notes)
    first = client.get("/stats?lang=en").get_data(as_text=True)
    assert len(re.findall(r"<tr><td>", first)) == 100
    assert "Documents 1–100 of 150" in first and 'href="/stats?offset=100"' in first
    last = client.get("/stats?offset=100&lang=en").get_data(as_text=True)
    assert len(re.findall(r"<tr><td>", last)) == 50 and 'rel="prev"' in last
    assert 'href="/doc/daptar-000"' in first  # Д before К in Kazakh order
    for typed in ("кітап", "КИТАП", "kitap"):
        found = client.get(f"/api/stats?title={q(typed)}").get_json()
        assert found["document_total"] == 130, typed
        assert all(d["title"].startswith("Кітап") for d in found["document_list"])
    page = client.get(f"/stats?title={q('китап')}&offset=100").get_data(as_text=True)
    assert len(re.findall(r"<tr><td>", page)) == 30 and 'value="китап"' in page
    assert "title=%D0%BA%D0%B8%D1%82%D0%B0%D0%BF&amp;offset=0" not in page
    nothing = client.get(f"/stats?title={q('жоқ')}&lang=en").get_data(as_text=True)
    assert "No document title contains “жоқ”." in unescape(nothing)
    assert client.get("/api/stats?limit=5").get_json()["document_list"].__len__() == 5


def test_a_permalink_with_a_cut_fingerprint_still_leads_to_the_paragraph(client, shipped_index):
    from indexer.index.store import open_index

    fp = open_index(shipped_index).docs[DOC]["fps"][63]
    for cut in (fp[:8], fp[:6], fp.upper()[:10]):
        r = client.get(f"/p/{DOC}/64?h={cut}")
        assert r.status_code == 302 and r.headers["Location"].endswith("#p64"), cut
    assert client.get(f"/p/{DOC}/64?h={fp[:5]}").status_code == 404  # too short to be sure


def test_pages_and_json_go_compressed_the_tsv_export_streams(client):
    """A document page is 100+ KB of HTML: it goes gzip-compressed to a client that asks, with
    Vary: Accept-Encoding for caches; the concordance's TSV export still streams."""
    import gzip

    plain = client.get(f"/doc/{DOC}?lang=kk")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    packed = client.get(f"/doc/{DOC}?lang=kk", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "Cookie" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) * 3 < len(plain.get_data())
    api = client.get(f"/api/search?q={q(WORD)}", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(api.get_data()))["total"] > 0
    tsv = client.get(
        f"/api/concordance?w={q(WORD)}&format=tsv",
        headers={"Accept-Encoding": "gzip, br"},
        buffered=False,
    )
    assert tsv.status_code == 200 and tsv.mimetype == "text/tab-separated-values"
    assert tsv.is_streamed and "Content-Encoding" not in tsv.headers
    rows = b"".join(tsv.response).decode("utf-8").splitlines()  # type: ignore[arg-type]
    assert len(rows) > 1 and WORD in rows[1].lower()
    tsv.close()


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        ("kk", "Сұрауда іздейтін сөз жоқ"),
        ("ru", "В запросе нет слов для поиска"),
        ("en", "The query has no words to search for"),
    ],
)
def test_query_errors_are_told_in_the_interface_language(client, lang, reason):
    """The engine's reason (QueryError code and params) reaches the error page translated;
    the JSON keeps the English reason and adds the stable code."""
    page = client.get(f"/search?q={q('-' + WORD)}&lang={lang}")
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert reason in text
    if lang != "en":
        assert "The query has no words" not in text
    api = client.get(f"/api/search?q={q('-' + WORD)}&lang=en").get_json()
    assert api["code"] == "only_excluded" and "no words to search for" in api["message"]
    long = client.get(f"/search?q={q('сөз ' * 70)}&lang=kk").get_data(as_text=True)
    assert "Сұрауда сөз тым көп" in long, long


def _engine_query_errors():
    """(place, code, param names) of every `QueryError(...)` raised under indexer/search/."""
    import ast

    root = Path(__file__).resolve().parent.parent / "indexer" / "search"
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "QueryError":
                code = node.args[1] if len(node.args) > 1 else None
                name = code.value if isinstance(code, ast.Constant) else ""
                yield f"{path.name}:{node.lineno}", name, [k.arg for k in node.keywords]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_engine_query_error_has_a_translated_reason(shipped_index, lang):
    from webapp import create_app
    from webapp.query_errors import reason

    app = create_app({"INDEX_DIR": shipped_index})
    found = list(_engine_query_errors())
    assert len(found) > 10
    untold = []
    with app.test_request_context(f"/?lang={lang}"):
        for place, code, params in found:
            told = reason(code, {p: 7 for p in params if p}, "ENGLISH")
            if told == "ENGLISH" or not re.search("[а-яәіңғүұқөһ]", told):
                untold.append((place, code))
    assert untold == []
