"""The schema's KazakhText fields index exactly what Whoosh's TEXT.index makes with their
analyzers, although they take their terms from one shared tokenisation
(analysis.paragraph_terms)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.fields import TEXT

from indexer.analysis import paragraph_terms
from indexer.index import schema as schema_mod
from indexer.index.schema import KazakhText, build_schema

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PAPER = REPO / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"
KAZNERD = SHARED / "data" / "kaznerd" / "sentences-valid.txt"

ODD = [
    "",
    " ",
    "салт-дәстүр ХДП-ның 200-ден 1-ші сондай-ақ Астана'да келді-ау",
    "12.05.2009 2009–2012 жж. Қазақстан-2030 5 247 720 теңге 88,41 пайыз 1/2 10:30",
    "ҚАЗАҚСТАН РЕСПУБЛИКАСЫ ПРЕЗИДЕНТІ",
    "ҚР ҚазМҰУ АҚШ ЮНЕСКО",
    "Н.Ә. Назарбаев",
    "Twitter-дегі Facebook'та e-mail",
    "и в на что это процесс",
    "Президент Жарлығы",
    "қа\u00adзақ сө\u200bзі",
    "KAZAKH ТІЛІ ҚАЗАҚ tili",
    "а-а-а --- '' ' - ",
    "x" * 60 + " сөз",
    "мемлекет мемлекеттің мемлекетке мемлекет мемлекет",
    "Қазақстан-Ресей-Қытай-Моңғолия",
    "COVID-19-ға Twitter-дегі IT-мамандарды",
    "Qazaqstan Respublikasy – demokratiialyq, zaiyrly, qūqyqtyq jäne äleumettık memleket.",
    "Qazaqstannyn' s'ekarasy men dag'darystan s'yg'u joldary",
    "The economic crisis hit Kazakhstan in 2009, and the government responded.",
]


def indexed(field, value):
    return sorted(field.index(value))


def whoosh_indexed(field, value):
    return sorted(TEXT.index(field, value))


def fields():
    s = build_schema()
    return [(name, s[name]) for name in s.names() if isinstance(s[name], KazakhText)]


def test_schema_has_the_fast_fields():
    names = [n for n, _ in fields()]
    assert {"text", "exact", "fold", "root", "title", "section"} <= set(names)


def test_root_field_weighs_less_than_the_word():
    s = build_schema()
    assert s["root"].kind == "root" and s["root"].format.field_boost == schema_mod.ROOT_BOOST
    assert 0 < schema_mod.ROOT_BOOST < s["text"].format.field_boost
    (term, freq, weight, _), *_ = s["root"].index("мемлекеттік")
    assert freq == 1 and weight == schema_mod.ROOT_BOOST


@pytest.mark.parametrize("value", ODD)
def test_odd_values(value):
    for name, f in fields():
        assert indexed(f, value) == whoosh_indexed(f, value), (name, value)


def test_paper_paragraphs_and_headings():
    lines = [ln.strip() for ln in PAPER.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(lines) > 100
    for name, f in fields():
        for value in lines:
            assert indexed(f, value) == whoosh_indexed(f, value), (name, value)


@pytest.mark.skipif(not KAZNERD.exists(), reason="shared data missing")
def test_kaznerd_sentences():
    with open(KAZNERD, encoding="utf-8") as fh:
        lines = [next(fh).strip() for _ in range(3000)]
    paragraphs = [" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
    for name, f in fields():
        for value in paragraphs:
            assert indexed(f, value) == whoosh_indexed(f, value), (name, value)


_ALPHABET = st.sampled_from(
    list(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіАБҚӘҒҢӨҰҮҺІ"
        "abcxyzABCXYZ0123456789 -–—'’.,:/\u00a0\u00ad\u200b\u0301«»\"()"
    )
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(_ALPHABET, max_size=80))
def test_random_text(value):
    for name, f in fields():
        assert indexed(f, value) == whoosh_indexed(f, value), (name, value)


def test_shared_pass_is_reused_and_repeats_are_cached():
    value = "Мемлекет пен қоғам бірлігі — табысымыздың кепілі."
    terms = paragraph_terms(value)
    s = build_schema()
    s["exact"].index(value)
    assert schema_mod._LAST[0] is value
    assert s["text"].index(value) and schema_mod._LAST[0] is value
    assert schema_mod._LAST[1] == terms
    title = "Стратегия 2030"
    s["title"].index(title)
    assert title in schema_mod._REPEATED


def test_fields_pickle_and_keep_their_analyzers():
    s = build_schema()
    again = pickle.loads(pickle.dumps(s))
    for name, f in fields():
        g = again[name]
        assert type(g) is KazakhText and g.kind == f.kind and g.repeats == f.repeats
        assert g.analyzer == f.analyzer
        value = "Қазақстан Республикасы — демократиялық мемлекет"
        assert indexed(g, value) == whoosh_indexed(f, value)


def test_other_modes_and_values_use_whoosh():
    f = build_schema()["text"]
    assert sorted(f.index("салт-дәстүр", mode="query")) == sorted(
        TEXT.index(f, "салт-дәстүр", mode="query")
    )
    assert sorted(f.index(["екі", "сөз"])) == sorted(TEXT.index(f, ["екі", "сөз"]))
