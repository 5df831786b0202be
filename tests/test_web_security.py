"""Hostile document text: a title and a paragraph that contain a <script> tag are shown as text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from test_web import assert_secure, get

EVIL = "<script>alert(1)</script>"
EVIL_ID = "evil"


def make_evil_index(tmp_path: Path) -> Path:
    """A .txt document whose text and (sidecar) title contain a script tag, indexed."""
    from indexer.index.store import update_index

    corpus = tmp_path / "evil-corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        f"Бұл абзацта {EVIL} бар, бірақ ол тек мәтін: alert сөзі белгіленеді.\n\n"
        f'Екінші абзац «{EVIL}» "quotes" & ampersand.\n',
        encoding="utf-8",
    )
    (corpus / "evil.txt.meta.json").write_text(
        json.dumps({"title": f"Қауіпті {EVIL} тақырып", "lang": "kk"}), encoding="utf-8"
    )
    index_dir = tmp_path / "evil-index"
    update_index([corpus], index_dir)
    return index_dir


PAGES = [
    "/",
    "/search?q=alert",
    "/search?q=" + quote(EVIL),
    f"/doc/{EVIL_ID}",
    f"/doc/{EVIL_ID}?q=alert&hl=1",
    "/term?w=" + quote("абзац"),
    f"/cite?doc={EVIL_ID}&n=1",
    "/stats",
    "/term?w=" + quote(EVIL),
    f"/doc/{EVIL_ID}?q=" + quote(EVIL),
]


def test_script_text_is_escaped_on_every_page(tmp_path, make_live_server):
    server = make_live_server(make_evil_index(tmp_path))
    api = get(server.url, "/api/search?q=alert").json()
    assert api["total"] >= 1 and EVIL in api["hits"][0]["doc_title"]
    for target in PAGES:
        a = get(server.url, target)
        assert a.status in (200, 400), target
        assert_secure(a, target)
        html = a.text
        assert "<script>alert" not in html, target
        # only our own external script tag, nothing else
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>'], target
    doc = get(server.url, f"/doc/{EVIL_ID}").text
    assert "Қауіпті &lt;script&gt;alert(1)&lt;/script&gt; тақырып" in doc
    found = get(server.url, "/search?q=alert").text
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in found


def test_api_answers_are_json_with_the_text_intact(tmp_path, make_live_server):
    server = make_live_server(make_evil_index(tmp_path))
    for target in [
        "/api/search?q=alert",
        f"/api/doc/{EVIL_ID}",
        "/api/term?w=" + quote("абзац"),
        f"/api/cite?doc={EVIL_ID}&n=1",
        "/api/stats",
    ]:
        a = get(server.url, target)
        assert a.status == 200, target
        assert a.headers["content-type"].startswith("application/json")
        assert_secure(a, target)
        assert EVIL in json.dumps(a.json(), ensure_ascii=False), target
    cite = get(server.url, f"/api/cite?doc={EVIL_ID}&n=1").json()
    assert EVIL in cite["title"] and EVIL in cite["text"]
    assert "\\{" not in cite["title"]


def test_reflected_query_is_escaped(live_server):
    for target in [
        "/search?q=" + quote('"><img src=x onerror=alert(1)>'),
        "/term?w=" + quote("<svg onload=alert(1)>"),
        "/doc/nur-otan-strategy-2009-2012?q=" + quote("</mark><script>x</script>"),
    ]:
        a = get(live_server, target)
        assert a.status in (200, 400)
        assert "<img src=x" not in a.text and "<svg" not in a.text and "<script>x" not in a.text
        assert_secure(a, target)
