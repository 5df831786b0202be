"""Each normalisation step alone: the plain function and its Whoosh filter."""

from __future__ import annotations

import unicodedata

import pytest
from whoosh.analysis import Token

from indexer.analysis import (
    AbbreviationFilter,
    InvisibleCharFilter,
    KazakhLowercaseFilter,
    LookalikeFilter,
    NFCFilter,
    NumberFilter,
    PunctuationFilter,
    is_abbreviation,
)
from indexer.text.normalize import (
    fold_kazakh,
    fold_lookalikes,
    has_kazakh_letters,
    lower_kk,
    nfc,
    normalize_number,
    normalize_text,
    normalize_word,
    remove_invisible,
    unify_punct,
)


def run_filter(flt, words: list[str], context: str | None = None, attr: str = "text") -> list:
    """Feed `words` to one filter as Whoosh would (one reused Token), collect `attr`."""

    def stream():
        t = Token(positions=True, chars=True, mode="index")
        t.context = " ".join(words) if context is None else context
        t.tokenized = True
        t.part = ""
        for i, w in enumerate(words):
            t.text, t.pos, t.startchar, t.endchar = w, i, 0, len(w)
            yield t

    return [getattr(t, attr) for t in flt(stream())]


# -- NFC ------------------------------------------------------------------------------------


def test_nfc_composes_short_i_and_yo():
    decomposed = "и\u0306ол е\u0308лка"
    assert nfc(decomposed) == "йол ёлка"
    assert len(nfc("и\u0306")) == 1


def test_nfc_keeps_composed_and_ascii_text():
    assert nfc("Қазақстан") == "Қазақстан"
    assert nfc("abc") == "abc"


def test_nfc_filter():
    assert run_filter(NFCFilter(), ["и\u0306ә", "қала"]) == ["йә", "қала"]


# -- invisible characters and combining marks ----------------------------------------------


@pytest.mark.parametrize(
    "ch", ["\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u200e", "\u0301", "\u0300"]
)
def test_remove_invisible(ch):
    assert remove_invisible(f"әлеу{ch}меттік") == "әлеуметтік"


def test_remove_invisible_after_nfc_keeps_short_i():
    # NFC first: the breve composes into й and is not lost with the other marks.
    assert remove_invisible(nfc("и\u0306")) == "й"
    # A stress mark on a Cyrillic vowel has no composed form and is removed.
    assert remove_invisible(nfc("замо\u0301к")) == "замок"


def test_invisible_filter():
    words = ["даму\u00adдың", "\u200bбіз", "сөз"]
    assert run_filter(InvisibleCharFilter(), words) == ["дамудың", "біз", "сөз"]


# -- punctuation ---------------------------------------------------------------------------


def test_unify_punct_hyphens_apostrophes_quotes():
    assert unify_punct("2009\u20132012") == "2009-2012"
    assert unify_punct("салт\u2010дәстүр") == "салт-дәстүр"
    assert unify_punct("салт\u2011дәстүр") == "салт-дәстүр"
    assert unify_punct("don\u2019t") == "don't"
    assert unify_punct("O\u02bcBrien") == "O'Brien"
    assert unify_punct("«Нұр Отан» “x” „y“") == '"Нұр Отан" "x" "y"'
    assert unify_punct("a \u2015 b") == "a \u2014 b"


def test_unify_punct_keeps_length():
    text = "«Қазақстан–2030» don’t"
    assert len(unify_punct(text)) == len(text)


def test_punctuation_filter():
    assert run_filter(PunctuationFilter(), ["2009\u20132012", "don\u2019t", "сөз"]) == [
        "2009-2012",
        "don't",
        "сөз",
    ]


def test_normalize_text():
    assert normalize_text("«әлеу\u00adмет» — 2009\u20132012") == '"әлеумет" \u2014 2009-2012'


# -- look-alike letters --------------------------------------------------------------------


@pytest.mark.parametrize(
    "mixed, expected",
    [
        ("Kазақстан", "Казақстан"),  # Latin K
        ("мемлекеттiк", "мемлекеттік"),  # Latin i -> і
        ("cемей", "семей"),  # Latin c
        ("əлем", "әлем"),
        ("ƏЛЕМ", "ӘЛЕМ"),  # schwa
        ("ɵнер", "өнер"),
        ("Ɵнер", "Өнер"),  # barred o
        ("öнер", "өнер"),
        ("Öнер", "Өнер"),  # Latin-1 ö
        ("тüбек", "түбек"),
        ("Üй", "Үй"),  # Latin-1 ü
        ("Шahар", "Шаһар"),  # Latin a and h inside a Kazakh word: а, һ
        ("жоxары", "жохары"),  # Latin x
        ("yй", "уй"),  # Latin y -> у
        ("ТAPMOK", "ТАРМОК"),  # capitals A P M O K
        ("тıл", "тіл"),  # dotless ı
    ],
)
def test_fold_lookalikes(mixed, expected):
    assert fold_lookalikes(mixed) == expected


@pytest.mark.parametrize(
    "word", ["Qazaqstan", "hello", "Samsungтың", "Nazarbayev", "2009", "Қазақстан", "öffentlich"]
)
def test_fold_lookalikes_leaves_latin_and_mixed_words(word):
    assert fold_lookalikes(word) == word


def test_fold_lookalikes_per_compound_part():
    assert fold_lookalikes("IT-мамaн") == "IT-маман"


def test_lookalike_filter():
    assert run_filter(LookalikeFilter(), ["Kазақ", "Kazakh", "əлем"]) == ["Казақ", "Kazakh", "әлем"]


# -- case ----------------------------------------------------------------------------------


def test_lower_kk_kazakh_letters():
    assert lower_kk("ӘҒҚҢӨҰҮҺІ") == "әғқңөұүһі"
    assert lower_kk("ІС-ӘРЕКЕТ") == "іс-әрекет"


def test_lower_kk_dotted_capital_i_is_one_character():
    assert lower_kk("İnternet") == "internet"
    assert lower_kk("ı") == "ı"
    assert lower_kk("I") == "i"


def test_lowercase_filter():
    assert run_filter(KazakhLowercaseFilter(), ["ҮКІМЕТ", "İzmir", "Ұлт"]) == [
        "үкімет",
        "izmir",
        "ұлт",
    ]


# -- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("5 247 720", "5247720"),
        ("5\u00a0247\u00a0720", "5247720"),
        ("5\u202f247\u2009720", "5247720"),
        ("88,41", "88,41"),
        ("88.41", "88,41"),
        ("2009", "2009"),
        ("12.05.2009", "12.05.2009"),
        ("қала", "қала"),
        ("", ""),
    ],
)
def test_normalize_number(raw, expected):
    assert normalize_number(raw) == expected


def test_number_filter():
    assert run_filter(NumberFilter(), ["5 247 720", "88.41", "жыл"]) == ["5247720", "88,41", "жыл"]


# -- abbreviations -------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["ХДП", "ҚР", "АҚШ", "ТМД", "ҚазМҰУ", "КазНУ", "ЭКСПО"])
def test_is_abbreviation(word):
    assert is_abbreviation(word)


@pytest.mark.parametrize("word", ["Қазақстан", "ЮНЕСКОНЫҢ", "Н", "қала", "2009", "ДАҒДАРЫС"])
def test_is_not_abbreviation(word):
    assert not is_abbreviation(word)


def test_capitals_say_nothing_in_an_all_capitals_paragraph():
    assert not is_abbreviation("ЖОЛ", caps_paragraph=True)


def test_abbreviation_filter():
    words = ["ХДП", "партиясы", "ҚР", "Үкіметі"]
    assert run_filter(AbbreviationFilter(), words, attr="nostem") == [True, False, True, False]
    heading = "ЖОЛ КАРТАСЫ"
    assert run_filter(AbbreviationFilter(), ["ЖОЛ", "КАРТАСЫ"], context=heading, attr="nostem") == [
        False,
        False,
    ]


# -- folding and letters -------------------------------------------------------------------


def test_fold_kazakh():
    assert fold_kazakh("әғқңөұүһі") == "агкноуухи"
    assert fold_kazakh("ӘҒҚҢӨҰҮҺІ") == "АГКНОУУХИ"
    assert fold_kazakh("дағдарыс") == "дагдарыс"


def test_has_kazakh_letters():
    assert has_kazakh_letters("қоғам")
    assert has_kazakh_letters("ІС")
    assert not has_kazakh_letters("процесс")
    assert not has_kazakh_letters("dagdarys")


def test_normalize_word_all_steps():
    assert normalize_word("Kазақ\u00adстан\u0301") == "казақстан"
    assert normalize_word("и\u0306ОЛ") == "йол"
    assert unicodedata.is_normalized("NFC", normalize_word("е\u0308"))
