"""The tokenizer, the compound filter, the key filters, the one chain, the analyzers and the
plain API."""

from __future__ import annotations

import doctest
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.analysis import StemFilter, Token
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

import indexer.analysis
from indexer.analysis import (
    ChainFilter,
    CompoundFilter,
    ExactAnalyzer,
    FieldFilter,
    FoldAnalyzer,
    FoldFilter,
    KazakhAnalyzer,
    KazakhStemFilter,
    KazakhTokenizer,
    KeysAnalyzer,
    RootAnalyzer,
    RootFilter,
    analyze,
    chain_steps,
    index_terms,
    stem_word,
)
from indexer.analysis.tokenizer import WORDS
from indexer.text import stemmer as kk_stemmer

ANALYZERS = (KazakhAnalyzer, ExactAnalyzer, FoldAnalyzer, RootAnalyzer, KeysAnalyzer)

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PAPER = SHARED / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"
KAZNERD = SHARED / "data" / "kaznerd" / "sentences-valid.txt"
needs_shared = pytest.mark.skipif(
    not (PAPER.exists() and KAZNERD.exists()), reason="shared data missing"
)


def lines_of(path: Path) -> list[str]:
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def tok(text: str, **kw) -> list[tuple[str, int, int]]:
    """(raw text, start, end) of each tokenizer token."""
    return [
        (t.text, t.startchar, t.endchar)
        for t in KazakhTokenizer()(text, chars=True, positions=True, **kw)
    ]


def terms(analyzer, text: str, mode: str = "index") -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in analyzer(text, positions=True, mode=mode)]


def assert_offsets(text: str, tokens: list[dict]) -> None:
    for t in tokens:
        assert 0 <= t["start"] < t["end"] <= len(text), t
        assert text[t["start"] : t["end"]] == t["text"], t


# -- tokenizer -----------------------------------------------------------------------------


def test_tokenizer_words_and_offsets():
    text = "Қазақстан қазір тарихи кезеңде тұр."
    assert [w for w, _, _ in tok(text)] == ["Қазақстан", "қазір", "тарихи", "кезеңде", "тұр"]
    for w, s, e in tok(text):
        assert text[s:e] == w


def test_tokenizer_never_glues_quotes():
    text = "«Нұр Отан» “партия” \"ХДП\" „сөз“ 'сөз' ‹x›"
    words = [w for w, _, _ in tok(text)]
    assert words == ["Нұр", "Отан", "партия", "ХДП", "сөз", "сөз", "x"]


def test_tokenizer_keeps_invisible_characters_inside_the_span():
    text = "әлеу\u00adметтік да\u200bму"
    assert tok(text) == [("әлеу\u00adметтік", 0, 11), ("да\u200bму", 12, 17)]


def test_tokenizer_combining_marks_stay_in_the_word():
    text = "и\u0306ол замо\u0301к"
    assert [w for w, _, _ in tok(text)] == ["и\u0306ол", "замо\u0301к"]


def test_tokenizer_numbers():
    text = "5 247 720 дауыс (88,41%), 5\u00a0000 адам, 2009–2012 жж., 12.05.2009, 3.5 млн"
    words = [w for w, _, _ in tok(text)]
    assert words == [
        "5 247 720",
        "дауыс",
        "88,41",
        "5\u00a0000",
        "адам",
        "2009–2012",
        "жж",
        "12.05.2009",
        "3.5",
        "млн",
    ]


def test_tokenizer_does_not_join_unrelated_numbers():
    assert [w for w, _, _ in tok("2009 120 адам")] == ["2009", "120", "адам"]
    assert [w for w, _, _ in tok("1 000тг")] == ["1", "000тг"]


def test_tokenizer_initials_and_abbreviations():
    assert [w for w, _, _ in tok("Н.Ә. Назарбаев, т.б.")] == ["Н", "Ә", "Назарбаев", "т", "б"]


def test_tokenizer_em_dash_separates_words_hyphen_joins():
    assert [w for w, _, _ in tok("ел — халық ел-жұрт сөз-")] == ["ел", "халық", "ел-жұрт", "сөз"]


def test_tokenizer_not_tokenized():
    toks = list(KazakhTokenizer()("салт-дәстүр", tokenize=False, chars=True))
    assert len(toks) == 1 and toks[0].text == "салт-дәстүр"


def test_tokenizer_start_pos_and_start_char():
    toks = [
        (t.pos, t.startchar)
        for t in KazakhTokenizer()("а б", positions=True, chars=True, start_pos=5, start_char=100)
    ]
    assert toks == [(5, 100), (6, 102)]


# -- compound filter alone -----------------------------------------------------------------


def compound(text: str, mode: str = "index", exact: bool = False) -> list[tuple]:
    """The compound step's tokens for the exact field, or for the word fields."""
    chain = KazakhTokenizer() | CompoundFilter()
    skip = WORDS if exact else "exact"
    return [
        (t.text, t.pos, t.startchar, t.endchar, t.part)
        for t in chain(text, positions=True, chars=True, mode=mode)
        if t.scope != skip
    ]


def test_compound_index_mode_whole_then_parts():
    text = "әлеуметтік-экономикалық даму"
    assert compound(text) == [
        ("әлеуметтік-экономикалық", 0, 0, 23, "whole"),
        ("әлеуметтік", 0, 0, 10, "part"),
        ("экономикалық", 1, 11, 23, "part"),
        ("даму", 2, 24, 28, ""),
    ]


def test_compound_query_mode_parts_only():
    assert compound("салт-дәстүр сақтау", mode="query") == [
        ("салт", 0, 0, 4, "part"),
        ("дәстүр", 1, 5, 11, "part"),
        ("сақтау", 2, 12, 18, ""),
    ]


def test_compound_exact_keeps_whole_and_parts_query_whole_only():
    assert [x[0] for x in compound("іс-шаралар", exact=True)] == ["іс-шаралар", "іс", "шаралар"]
    assert [x[0] for x in compound("іс-шаралар", mode="query", exact=True)] == ["іс-шаралар"]


def test_compound_with_a_clitic_has_two_wholes():
    """The whole as written for `exact`, the whole without its clitic for the word fields."""
    text = "COVID-19-ға"
    assert [x[0] for x in compound(text)] == ["COVID-19", "COVID", "19"]
    assert [x[0] for x in compound(text, exact=True)] == [text, "COVID", "19"]


def test_compound_parts_skip_invisible_characters_at_the_edges():
    text = "салт\u00ad-\u200bдәстүр"
    toks = compound(text)
    assert [(w, s, e) for w, _, s, e, _ in toks] == [
        (text, 0, len(text)),
        ("салт", 0, 4),
        ("дәстүр", 7, 13),
    ]


@pytest.mark.parametrize(
    "text, kept",
    [
        ("ХДП-ның", "ХДП"),
        ("ХДП-ны", "ХДП"),
        ("ҚР-дағы", "ҚР"),
        ("АҚШ-тың", "АҚШ"),
        ("200-ден", "200"),
        ("1-ші", "1"),
        ("2-ншісі", "2"),
        ("300-дей", "300"),
        ("1989-ыншы", "1989"),
        ("сондай-ақ", "сондай"),
        ("Twitter-дегі", "Twitter"),
        ("Hyundai-лерді", "Hyundai"),
        ("Астана'да", "Астана"),
        ("90-х", "90"),
    ],
)
def test_clitics_are_dropped_and_the_span_kept(text, kept):
    toks = compound(text)
    assert toks == [(kept, 0, 0, len(text), "")]
    assert [x[0] for x in compound(text, exact=True)] == [text, kept]
    assert [x[0] for x in compound(text, mode="query", exact=True)] == [text]


@pytest.mark.parametrize(
    "text, parts",
    [
        ("2009-2012", ["2009", "2012"]),
        ("Қазақстан-2030", ["Қазақстан", "2030"]),
        ("IT-мамандарды", ["IT", "мамандарды"]),
        ("аға-іні", ["аға", "іні"]),
        ("2009-жылы", ["2009", "жылы"]),
        ("12.05.2009", ["12", "05", "2009"]),
        ("10:30", ["10", "30"]),
        ("COVID-19-ға", ["COVID", "19"]),
    ],
)
def test_compounds_that_are_split(text, parts):
    toks = compound(text)
    assert toks[0][4] == "whole"
    assert [x[0] for x in toks[1:]] == parts


@pytest.mark.parametrize("text", ["88,41", "88.41", "don't", "5 247 720", "O'Brien"])
def test_not_compounds(text):
    assert [x[0] for x in compound(text)] == [text]


def test_positions_shift_after_compounds():
    text = "2009-2012 жылдарға арналған іс-әрекеттер стратегиясы"
    got = [(w, p) for w, p, _, _, _ in compound(text)]
    assert got == [
        ("2009-2012", 0),
        ("2009", 0),
        ("2012", 1),
        ("жылдарға", 2),
        ("арналған", 3),
        ("іс-әрекеттер", 4),
        ("іс", 4),
        ("әрекеттер", 5),
        ("стратегиясы", 6),
    ]


# -- stem filters alone ---------------------------------------------------------------------


def _stream(items: list[tuple[str, str, bool]]):
    t = Token(positions=True)
    for i, (text, lang, nostem) in enumerate(items):
        t.text, t.lang, t.nostem, t.pos = text, lang, nostem, i
        yield t


def test_stem_filter_by_language():
    items = [
        ("кризисы", "ru", False),
        ("running", "en", False),
        ("хдп", "kk", True),
        ("2009", "", False),
        ("салт-дәстүрлерін", "kk", False),
    ]
    got = [t.text for t in KazakhStemFilter()(_stream(items))]
    assert got[:4] == ["кризис", "run", "хдп", "2009"]
    assert got[4] == "салт-" + kk_stemmer.stem("дәстүрлерін")


def test_fold_filter():
    items = [("дағдарыстан", "kk", False), ("кризисы", "ru", False), ("ҚР".lower(), "kk", True)]
    got = [t.fold for t in FoldFilter()(_stream(items))]
    assert got[0] == kk_stemmer.KazakhStemmer(folded=True).stemWord("дагдарыстан")
    assert got[1:] == ["кризис", "кр"]


def test_root_filter_calls_the_stemmers_root():
    items = [("мемлекеттік", "kk", False), ("кризисы", "ru", False), ("хдп", "kk", True)]
    got = [t.root for t in RootFilter()(_stream(items))]
    assert got == [kk_stemmer.root("мемлекеттік"), "кризис", "хдп"]


def test_no_whoosh_stem_filter_cache():
    for make in ANALYZERS:
        for fused in (True, False):
            ana = make(fused=fused)
            steps = ana.items[1].steps if fused else ana.items
            assert not any(isinstance(item, StemFilter) for item in steps)


# -- whole analyzers on real sentences ------------------------------------------------------


def test_analyze_keys_and_offsets():
    text = "«Нұр Отан» Халықтық Демократиялық партиясының"
    toks = analyze(text)
    assert set(toks[0]) >= {"text", "start", "end", "pos", "norm", "stem", "fold", "lang"}
    assert [t["text"] for t in toks] == ["Нұр", "Отан", "Халықтық", "Демократиялық", "партиясының"]
    assert [t["pos"] for t in toks] == [0, 1, 2, 3, 4]
    assert toks[0]["norm"] == "нұр"
    assert_offsets(text, toks)


def test_paper_heading_sentence():
    text = "2009-2012 жылдарға арналған Іс-әрекеттер стратегиясы"
    toks = analyze(text)
    assert_offsets(text, toks)
    norms = [t["norm"] for t in toks]
    assert norms[:3] == ["2009-2012", "2009", "2012"]
    assert "іс-әрекеттер" in norms and "іс" in norms and "әрекеттер" in norms


def test_numbers_in_the_paper():
    text = "ХДП-ға 5 247 720 адам дауыс берді, бұл 88,41% құрады."
    toks = {t["norm"]: t for t in analyze(text)}
    assert "5247720" in toks and toks["5247720"]["text"] == "5 247 720"
    assert "88,41" in toks
    assert toks["хдп"]["text"] == "ХДП-ға" and toks["хдп"]["stem"] == "хдп"
    assert index_terms("88.41") == index_terms("88,41") == ["88,41"]
    assert index_terms("5\u00a0247\u00a0720") == ["5247720"]


def test_initials_kept_as_single_letters():
    toks = analyze("Н.Ә. Назарбаевтың есімімен")
    assert [t["norm"] for t in toks][:3] == ["н", "ә", "назарбаевтың"]


def test_abbreviations_not_stemmed():
    for word in ["ХДП", "ҚР", "АҚШ", "ҚазМҰУ"]:
        assert stem_word(word) == word.lower()


def test_soft_hyphen_inside_a_word_is_invisible_to_search():
    plain, soft = "әлеуметтік", "әлеу\u00adмет\u200bтік"
    assert index_terms(soft) == index_terms(plain)
    toks = analyze(f"біз {soft} саясат")
    assert toks[1]["text"] == soft and toks[1]["norm"] == plain


def test_lookalike_word_indexes_like_the_cyrillic_one():
    assert index_terms("мемлекеттiк") == index_terms("мемлекеттік")  # Latin i
    assert index_terms("əлеуметтік") == index_terms("әлеуметтік")  # schwa


def test_decomposed_letters_index_like_composed():
    assert index_terms("и\u0306ол") == index_terms("йол")


def test_all_caps_heading_is_stemmed():
    assert index_terms("ДАҒДАРЫСТАН ШЫҒУ ЖОЛДАРЫ")[0] == stem_word("дағдарыстан")


def test_exact_analyzer_surface_forms():
    ex = ExactAnalyzer()
    assert [t.text for t in ex("Дағдарыстан ХДП-ның")] == ["дағдарыстан", "хдп-ның", "хдп"]
    assert [t.text for t in ex("ХДП-ның", mode="query")] == ["хдп-ның"]


def test_fold_analyzer_meets_words_typed_without_kazakh_letters():
    fold = FoldAnalyzer()
    a = [t.text for t in fold("Дағдарыстың салдары")]
    b = [t.text for t in fold("дагдарыстын салдары", mode="query")]
    assert a == b


def test_stem_word_and_index_terms():
    assert stem_word("Дағдарыстан") == stem_word("дағдарыс")
    assert stem_word("салт-дәстүрлерді") == "салт-" + stem_word("дәстүрлерді")
    assert stem_word("ХДП-ның") == "хдп"
    assert stem_word("  ") == ""
    assert index_terms("") == []


def test_tokenize_false_normalises_one_token():
    toks = [t.text for t in KazakhAnalyzer()("ДАҒДАРЫС", tokenize=False)]
    assert toks == [stem_word("дағдарыс")]


def test_fused_chain_equals_the_explicit_chain_on_examples():
    text = (
        "«Нұр Отан» ХДП-ның 2009–2012 әлеу\u00adметтік-экономикалық Kазақстан 5 247 720 "
        "88.41% Н.Ә. Назарбаев сондай-ақ Twitter-дегі кризис COVID-19-ға"
    )
    for make in ANALYZERS:
        for mode in ("index", "query"):
            fused = [
                (t.text, t.pos, t.startchar, t.endchar)
                for t in make()(text, positions=True, chars=True, mode=mode)
            ]
            plain = [
                (t.text, t.pos, t.startchar, t.endchar)
                for t in make(fused=False)(text, positions=True, chars=True, mode=mode)
            ]
            assert fused == plain


def test_one_chain_for_every_field():
    """Every analyzer is the tokenizer and the same named steps; only the key steps and the
    field differ, and the fast form runs the very filters of the explicit one."""
    head = [
        "CompoundFilter",
        "NFCFilter",
        "InvisibleCharFilter",
        "PunctuationFilter",
        "LookalikeFilter",
        "AbbreviationFilter",
        "KazakhLowercaseFilter",
        "NumberFilter",
        "LanguageFilter",
        "TransliterationFilter",
    ]
    tails = {
        "text": ["KazakhStemFilter", "FieldFilter"],
        "exact": ["FieldFilter"],
        "fold": ["FoldFilter", "FieldFilter"],
        "root": ["RootFilter", "FieldFilter"],
        None: ["FoldFilter", "RootFilter", "KazakhStemFilter"],
    }
    for field, tail in tails.items():
        assert [type(f).__name__ for f in chain_steps(field)] == head + tail
    fast = KazakhAnalyzer()
    assert isinstance(fast.items[0], KazakhTokenizer) and isinstance(fast.items[1], ChainFilter)
    assert list(fast.items[1].steps) == list(KazakhAnalyzer(fused=False).items[1:])
    assert FieldFilter("root") == RootAnalyzer().items[1].steps[-1]


def _keys(analyzer, text: str) -> list[dict]:
    names = ("text", "exact", "fold", "root", "scope")
    return [{k: getattr(t, k) for k in names} for t in analyzer(text, mode="index")]


def test_tokens_carry_every_key():
    """One tokenisation carries the key of every field; each field's analyzer gives the
    tokens of its scope with its key in `text`."""
    text = "Мемлекеттік дағдарыстың ХДП-ның"
    keys = _keys(KeysAnalyzer(), text)
    word = keys[1]
    assert word["text"] == stem_word("дағдарыс")
    assert word["root"] == kk_stemmer.root("дағдарыстың")
    assert word["exact"] == "дағдарыстың"
    assert word["fold"] == kk_stemmer.stem_folded("дагдарыстын")
    for make, key in ((ExactAnalyzer, "exact"), (FoldAnalyzer, "fold"), (RootAnalyzer, "root")):
        skip = WORDS if key == "exact" else "exact"
        assert [t.text for t in make()(text)] == [k[key] for k in keys if k["scope"] != skip]
    assert [t.text for t in KazakhAnalyzer()(text)] == [k["text"] for k in keys][:2] + ["хдп"]


def test_doctests_of_the_analysis_modules():
    for name in ("tokenizer", "filters", "chain"):
        module = getattr(indexer.analysis, name)
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, name


# -- real corpora ----------------------------------------------------------------------------


@needs_shared
def test_paper_and_kaznerd_offsets_slice_the_original():
    for line in lines_of(PAPER) + lines_of(KAZNERD)[:3000]:
        toks = analyze(line)
        assert_offsets(line, toks)
        for t in toks:
            assert t["norm"] and t["stem"] and t["fold"]
            assert '"' not in t["norm"] and "«" not in t["text"] and "»" not in t["text"]


@needs_shared
def test_fused_chain_equals_the_explicit_chain_on_real_text():
    lines = lines_of(PAPER) + lines_of(KAZNERD)[::5]
    for make in ANALYZERS:
        fused, plain = make(), make(fused=False)
        for line in lines:
            for mode in ("index", "query"):
                a = [
                    (t.text, t.pos, t.startchar, t.endchar)
                    for t in fused(line, positions=True, chars=True, mode=mode)
                ]
                b = [
                    (t.text, t.pos, t.startchar, t.endchar)
                    for t in plain(line, positions=True, chars=True, mode=mode)
                ]
                assert a == b, line


@needs_shared
def test_bar_dagdarys_lines_share_one_term_no_other_line_has():
    """The 24 lines of the strategy paper with a form of «дағдарыс» all yield one common
    term, and no other line yields it."""
    lines = PAPER.read_text(encoding="utf-8").splitlines()
    hits = [ln for ln in lines if "дағдарыс" in ln.lower()]
    assert len(hits) == 24
    common = set.intersection(*(set(index_terms(ln)) for ln in hits))
    others = set().union(*(set(index_terms(ln)) for ln in lines if ln not in hits))
    assert common - others, (common, sorted(others)[:20])


# -- property: never raises, offsets always slice the original --------------------------------

SPECIAL = list(
    "ҚқӘәІіҢңҒғҮүҰұӨөҺһ-–—‐‑«»“”„\"'’ʼ.,:/%\u00a0\u202f\u2009 \n\t"
    "\u00ad\u200b\u200c\u200d\ufeff\u2060\u0301\u0306\u0308"
    "0123456789ХДПньңaeiopxkIİıəƏɵöü_"
)
TEXTS = st.lists(
    st.one_of(
        st.sampled_from(SPECIAL),
        st.characters(),
        st.sampled_from(
            ["ХДП-ның", "5 247", "салт-дәстүр", "2009–2012", "88,41", "Н.Ә.", " ", "сөз"]
        ),
    ),
    max_size=60,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_property_analyzer_never_raises_and_offsets_slice(text):
    for mode in ("index", "query"):
        toks = analyze(text, mode=mode)
        assert_offsets(text, toks)
        positions = [t["pos"] for t in toks]
        assert positions == sorted(positions)
        for t in toks:
            assert isinstance(t["stem"], str) and isinstance(t["fold"], str)
    for make in ANALYZERS:
        for mode in ("index", "query"):
            for t in make()(text, positions=True, chars=True, mode=mode):
                assert text[t.startchar : t.endchar].strip() != ""


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_property_fused_equals_explicit(text):
    for make in ANALYZERS:
        for mode in ("index", "query"):
            a = [_state(t) for t in make()(text, positions=True, chars=True, mode=mode)]
            b = [_state(t) for t in make(fused=False)(text, positions=True, chars=True, mode=mode)]
            assert a == b


_STATE = ("text", "pos", "startchar", "endchar", "part", "scope", "exact", "norm", "lang")


def _state(t) -> tuple:
    """Everything a token carries: its text, place and every key."""
    return tuple(getattr(t, k, None) for k in (*_STATE, "nostem", "root", "fold"))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Qazaqstan",
                "dağdarystan",
                "s'ekara",
                "qazaqstannyn'",
                "HDP-nyñ",
                "the",
                "and",
                "crisis",
                "COVID-19-ğa",
                "Iraq",
                "jäne",
                "İZDE",
                "Is",
                "partiia",
                "keiıngı",
                "'",
            ]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_property_fused_equals_explicit_on_latin_text(text):
    for mode in ("index", "query"):
        a = [_state(t) for t in KeysAnalyzer()(text, positions=True, chars=True, mode=mode)]
        b = [
            _state(t)
            for t in KeysAnalyzer(fused=False)(text, positions=True, chars=True, mode=mode)
        ]
        assert a == b


# -- pickling and a real index ------------------------------------------------------------------


@pytest.mark.parametrize("make", ANALYZERS)
def test_analyzers_pickle_round_trip(make):
    for fused in (True, False):
        ana = make(fused=fused)
        again = pickle.loads(pickle.dumps(ana))
        assert again == ana
        text = "«Нұр Отан» ХДП-ның әлеуметтік-экономикалық дағдарыстан"
        assert terms(again, text) == terms(ana, text)


def _schema() -> Schema:
    return Schema(
        id=ID(stored=True),
        text=TEXT(analyzer=KazakhAnalyzer(), phrase=True),
        exact=TEXT(analyzer=ExactAnalyzer()),
        fold=TEXT(analyzer=FoldAnalyzer()),
    )


DOCS = {
    "a": "Әлеуметтік-экономикалық даму жоспары",
    "b": "Экономикалық даму",
    "c": "Халықтың салт-дәстүрлерін сақтау",
    "d": "«Нұр Отан» ХДП-ның 2009–2012 жылдарға арналған Іс-әрекеттер стратегиясы",
    "e": "Әлемдік экономикалық дағдарыс туғызған күйзеліс",
}


def _make_index(path: Path) -> None:
    from whoosh import index

    ix = index.create_in(str(path), _schema())
    w = ix.writer()
    for k, v in DOCS.items():
        w.add_document(id=k, text=v, exact=v, fold=v)
    w.commit()


def _search(ix, field: str, q: str) -> list[str]:
    with ix.searcher() as s:
        return sorted(h["id"] for h in s.search(QueryParser(field, ix.schema).parse(q)))


def test_whoosh_index_search_phrases_and_compounds(tmp_path):
    from whoosh import index

    _make_index(tmp_path)
    ix = index.open_dir(str(tmp_path))
    assert _search(ix, "text", "әлеуметтік-экономикалық") == ["a"]
    assert _search(ix, "text", '"экономикалық даму"') == ["a", "b"]
    assert _search(ix, "text", '"әлеуметтік-экономикалық даму"') == ["a"]
    assert _search(ix, "text", '"салт-дәстүрлерін сақтау"') == ["c"]
    assert _search(ix, "text", "дәстүр") == ["c"]
    assert _search(ix, "text", "ХДП") == ["d"]
    assert _search(ix, "text", "2012") == ["d"]
    assert _search(ix, "text", '"2009-2012 жылдар"') == ["d"]
    assert _search(ix, "text", '"іс-әрекет стратегиясы"') == ["d"]
    assert _search(ix, "text", "дағдарыстан") == ["e"]
    assert _search(ix, "fold", "дагдарыстын") == ["e"]
    assert _search(ix, "exact", "дағдарыс") == ["e"]
    assert _search(ix, "exact", "дағдарыстан") == []


def test_index_made_in_one_process_opens_in_another(tmp_path):
    _make_index(tmp_path)
    code = (
        "import sys; from whoosh import index; from whoosh.qparser import QueryParser\n"
        "ix = index.open_dir(sys.argv[1])\n"
        "with ix.searcher() as s:\n"
        "    q = QueryParser('text', ix.schema).parse('дағдарыстың')\n"
        "    print(','.join(sorted(h['id'] for h in s.search(q))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "e"
