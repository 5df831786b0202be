"""Highlighting: marks on the analyzer's offsets, everything else escaped, snippets."""

from __future__ import annotations

import re

from indexer.index.schema import build_schema
from indexer.search.highlight import SNIPPET_OVER, highlight, match_spans, render, snippet
from indexer.search.query import MatchTerms, compile_query, parse

SCHEMA = build_schema()
MARKED = re.compile(r"<mark>(.*?)</mark>")


def marks_for(q: str) -> MatchTerms:
    return compile_query(parse(q), SCHEMA).marks


def test_every_form_marked():
    text = "Дағдарыс кезінде дағдарыстан шығу, дағдарысқа қарсы бағдарлама."
    html = highlight(SCHEMA, text, marks_for("дағдарыс"))
    assert MARKED.findall(html) == ["Дағдарыс", "дағдарыстан", "дағдарысқа"]


def test_escaping():
    text = 'Дағдарыс <script>alert("x")</script> & <b>дағдарыс</b>'
    html = highlight(SCHEMA, text, marks_for("дағдарыс"))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert re.sub(r"</?mark>", "", html) == text.replace("&", "&amp;").replace("<", "&lt;").replace(
        ">", "&gt;"
    )


def test_phrase_marked_as_a_run():
    text = "Бастауыш партия ұйымдарының міндеттері. Партияның бастауыш ұйымдары бар."
    html = highlight(SCHEMA, text, marks_for('"бастауыш партия ұйымдары"'))
    assert MARKED.findall(html) == ["Бастауыш партия ұйымдарының"]


def test_exact_and_folded():
    text = "Дағдарыс пен дағдарыстан."
    assert MARKED.findall(highlight(SCHEMA, text, marks_for("=дағдарыстан"))) == ["дағдарыстан"]
    assert MARKED.findall(highlight(SCHEMA, text, marks_for("дагдарыс"))) == [
        "Дағдарыс",
        "дағдарыстан",
    ]


def test_snippet_keeps_every_mark_and_is_shorter():
    filler = "бұл ұзын мәтін сөйлемі " * 20
    text = f"{filler}дағдарыс {filler}дағдарыстан {filler}"
    assert len(text) > SNIPPET_OVER
    html = highlight(SCHEMA, text, marks_for("дағдарыс"))
    assert MARKED.findall(html) == ["дағдарыс", "дағдарыстан"]
    assert "…" in html and len(html) < len(text)
    full = highlight(SCHEMA, text, marks_for("дағдарыс"), full=True)
    assert re.sub(r"</?mark>", "", full) == text


def test_snippet_without_marks_shows_the_start():
    text = "сөз " * 200
    out = snippet(text, [])
    assert out.endswith("…") and len(out) < len(text)


def test_render_spans():
    assert render("a<b", [(0, 1)]) == "<mark>a</mark>&lt;b"
    assert match_spans(SCHEMA, "", marks_for("дағдарыс")) == []


def test_exact_form_with_a_clitic_is_marked():
    """`=ХДП-ның` is the exact field's whole form (the word fields keep ХДП only)."""
    text = "ХДП-ның съезі және ХДП мүшелері."
    assert MARKED.findall(highlight(SCHEMA, text, marks_for("=ХДП-ның"))) == ["ХДП-ның"]
    assert MARKED.findall(highlight(SCHEMA, text, marks_for("ХДП"))) == ["ХДП-ның", "ХДП"]
