"""Latin-script Kazakh read as Cyrillic (query helper)."""

from __future__ import annotations

import pytest

from indexer.analysis import FoldAnalyzer, stem_word
from indexer.text.normalize import has_kazakh_letters
from indexer.text.translit import latin_to_cyrillic, looks_latin


@pytest.mark.parametrize(
    "latin, cyrillic",
    [
        # official 2021 alphabet
        ("dağdarys", "дағдарыс"),
        ("qoğam", "қоғам"),
        ("täuelsızdık", "тәуелсіздік"),
        ("Qazaqstan", "қазақстан"),
        ("ūlt", "ұлт"),
        ("üi", "үй"),
        ("öner", "өнер"),
        ("şahar", "шахар"),
        ("jol", "жол"),
        ("añyz", "аңыз"),
        ("bai", "бай"),
        ("aityp", "айтып"),
        ("İnternet", "интернет"),
        ("çempion", "чемпион"),
        # informal ASCII
        ("dagdarys", "дагдарыс"),
        ("kogam", "когам"),
        ("zhol", "жол"),
        ("shahar", "шахар"),
        ("chempion", "чемпион"),
        ("khabar", "хабар"),
        ("yasha", "яша"),
        ("yubilei", "юбилей"),
        ("tiis", "тиис"),
    ],
)
def test_latin_to_cyrillic(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize("word", ["Алматы", "2009", "", "  ", "東京", "qoğam2"])
def test_not_latin(word):
    assert latin_to_cyrillic(word) is None
    assert not looks_latin(word)


def test_informal_reading_has_no_kazakh_letters():
    for word in ["dagdarys", "kogam", "zhana", "ulttyk"]:
        assert not has_kazakh_letters(latin_to_cyrillic(word) or "қ")


def test_informal_reading_meets_the_folded_field():
    """dagdarystan -> дагдарыстан, folded-stemmed like «дағдарыстан» is in the index."""
    fold = FoldAnalyzer()
    indexed = [t.text for t in fold("Дағдарыстан шығу")]
    query = [t.text for t in fold(latin_to_cyrillic("dagdarystan"), mode="query")]
    assert query[0] == indexed[0]


def test_official_reading_meets_the_stemmed_field():
    assert stem_word(latin_to_cyrillic("dağdarystan") or "") == stem_word("дағдарыстан")
    # The analyzer reads a Latin-script word the same way by itself.
    assert stem_word("dağdarystan") == stem_word("дағдарыстан")


@pytest.mark.parametrize(
    "latin, cyrillic",
    [
        ("s'ekara", "шекара"),
        ("qazaqstannyn'", "қазақстанның"),
        ("dag'darys", "дағдарыс"),
        ("o'ner", "өнер"),
        ("u'i'", "үй"),
        ("c'empi'on", "чемпион"),
        ("kitap", "кітап"),
        ("ulttyq", "ұлттық"),
    ],
)
def test_apostrophe_alphabet_of_2017(latin, cyrillic):
    assert latin_to_cyrillic(latin, "2017") == cyrillic


def test_2021_letters_for_ya_yu_and_the_glide():
    assert latin_to_cyrillic("partiia") == "партия"
    assert latin_to_cyrillic("absoliut") == "абсолют"
    assert latin_to_cyrillic("keiıngı") == "кейінгі"
    assert latin_to_cyrillic("boiynşa") == "бойынша"
