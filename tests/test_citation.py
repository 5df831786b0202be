"""Citation styles of one paragraph: ГОСТ, APA 7, BibTeX, RIS, CSL-JSON (in each interface
language), and /api/cite?style=… over the shipped index."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from webapp import create_app
from webapp.citation import build_citation

DOC = "nur-otan-strategy-2009-2012"
DAY = dt.date(2026, 1, 2)
META = {"authors": ["Назарбаев Н. Ә.", "Тоқаев Қ. К."], "publisher": "Нұр Отан", "date": "2009"}


@pytest.fixture(scope="module")
def app():
    return create_app({"INDEX_DIR": "/nonexistent"})


def cite(app, lang: str, meta: dict | None = None, title: str = "Стратегия", **kw) -> dict:
    with app.test_request_context(f"/?lang={lang}"):
        app.preprocess_request()
        return build_citation(
            doc_id="plan",
            title=title,
            n=12,
            base_url="http://example.test/",
            fp="abc123",
            section=["I БӨЛІМ"],
            meta=meta,
            today=DAY,
            styles=("gost", "apa", "ris", "csl"),
            **kw,
        )


@pytest.mark.parametrize(
    ("lang", "medium", "accessed"),
    [
        ("kk", "[Электрондық ресурс]", "(қаралған күні: 02.01.2026)."),
        ("ru", "[Электронный ресурс]", "(дата обращения: 02.01.2026)."),
        ("en", "[Electronic resource]", "(accessed 02.01.2026)."),
    ],
)
def test_gost_has_url_and_the_access_date_in_the_interface_language(app, lang, medium, accessed):
    c = cite(app, lang, META)
    url = "http://example.test/p/plan/12?h=abc123"
    para = {"kk": "12-абзац", "ru": "абзац 12", "en": "paragraph 12"}[lang]
    assert c["gost"] == (
        f"Назарбаев Н. Ә. Стратегия {medium} / Назарбаев Н. Ә., Тоқаев Қ. К. – Нұр Отан, 2009. "
        f"– I БӨЛІМ, {para}. "
        f"– URL: {url} {accessed}"
    )


def test_without_an_author_the_title_comes_first(app):
    c = cite(app, "kk", {"date": "2009-05-12"})
    assert c["gost"].startswith("Стратегия [Электрондық ресурс]. – 2009. – I БӨЛІМ")
    assert c["apa"] == "Стратегия. (2009). http://example.test/p/plan/12?h=abc123"
    assert cite(app, "kk", {})["apa"].startswith("Стратегия. (n.d.).")


def test_apa_lists_the_authors_and_the_publisher(app):
    c = cite(app, "en", META)
    assert c["apa"] == (
        "Назарбаев Н. Ә., & Тоқаев Қ. К. (2009). Стратегия. Нұр Отан. "
        "http://example.test/p/plan/12?h=abc123"
    )


def balanced(text: str) -> bool:
    depth = 0
    for ch in text:  # BibTeX counts every brace, escaped or not
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("title", ["a { b", "a } b", "}{", "50% {жоспар} & $x_1 \\ ~^"])
def test_bibtex_stays_balanced_whatever_the_title(app, title):
    c = cite(app, "kk", META, title=title)
    assert balanced(c["bibtex"]), c["bibtex"]
    assert c["bibtex"].startswith("@misc{plan_p12,") and c["bibtex"].endswith("\n}")
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},$", c["bibtex"], re.M))
    assert fields["author"] == "{Назарбаев Н. Ә.} and {Тоқаев Қ. К.}"
    assert fields["publisher"] == "Нұр Отан" and fields["year"] == "2009"
    assert balanced(fields["title"])


def test_ris_and_csl(app):
    c = cite(app, "ru", META)
    lines = c["ris"].split("\r\n")
    assert lines[0] == "TY  - ELEC" and lines[-2] == "ER  - " and lines[-1] == ""
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])
    assert "AU  - Назарбаев Н. Ә." in lines and "AU  - Тоқаев Қ. К." in lines
    assert "UR  - http://example.test/p/plan/12?h=abc123" in lines
    assert "Y2  - 2026/01/02" in lines and "PY  - 2009" in lines
    items = json.loads(c["csl"])
    assert items[0]["author"] == [{"literal": "Назарбаев Н. Ә."}, {"literal": "Тоқаев Қ. К."}]
    assert items[0]["publisher"] == "Нұр Отан" and items[0]["issued"] == {"raw": "2009"}


# -- over HTTP ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(shipped_index):
    return create_app({"INDEX_DIR": shipped_index}).test_client()


def test_api_cite_without_style_is_the_json_as_before(client):
    r = client.get(f"/api/cite?doc={DOC}&n=64")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert set(r.get_json()) == {
        "doc_id",
        "paragraph",
        "anchor",
        "title",
        "section",
        "page",
        "fp",
        "url",
        "text",
        "bibtex",
        "csl",
    }


@pytest.mark.parametrize(
    ("style", "mimetype", "download"),
    [
        ("plain", "text/plain", None),
        ("gost", "text/plain", None),
        ("apa", "text/plain", None),
        ("bibtex", "application/x-bibtex", "bib"),
        ("ris", "application/x-research-info-systems", "ris"),
        ("csl", "application/vnd.citationstyles.csl+json", "json"),
    ],
)
def test_api_cite_with_a_style_is_that_citation(client, style, mimetype, download):
    r = client.get(f"/api/cite?doc={DOC}&n=64&style={style}")
    assert r.status_code == 200 and r.mimetype == mimetype
    assert r.headers["Content-Type"].endswith("charset=utf-8")
    body = r.get_data(as_text=True)
    plain = client.get(f"/api/cite?doc={DOC}&n=64").get_json()
    assert plain["url"] in body
    if download:
        assert r.headers["Content-Disposition"] == (f'attachment; filename="{DOC}-p64.{download}"')
    else:
        assert "Content-Disposition" not in r.headers
    if style == "gost":
        assert "URL: " + plain["url"] in body and "қаралған күні:" in body
    if style == "ris":
        assert body.startswith("TY  - ") and body.endswith("ER  - \r\n")
    if style == "csl":
        assert json.loads(body)[0]["URL"] == plain["url"]
    if style == "bibtex":
        assert balanced(body)


def test_api_cite_refuses_an_unknown_style(client):
    r = client.get(f"/api/cite?doc={DOC}&n=64&style=mla")
    assert r.status_code == 400 and "gost" in r.get_json()["message"]
