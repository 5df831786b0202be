"""The word layer and the root layer on tables of word pairs from Kazakh grammar.

Forms that must meet (every inflected form of one dictionary word shares its key), words
that must stay apart (different dictionary words never share a key), and the root layer
(a known word across derivation, never a bare fragment). The words come from grammar-book
knowledge of Kazakh, not from the evaluation gold.
"""

from __future__ import annotations

import pytest

from indexer.text.stemmer import KazakhStemmer, fold_kazakh, root, stem, stem_folded, stem_keys

# One dictionary word a line: all its forms must share one key.
MEET = [
    # nouns through case, possessive, plural, predicative endings
    "ақын ақынның ақынға ақындар ақынды ақыннан ақындардың",
    "мұғалім мұғалімнің мұғалімге мұғалімдер мұғалімдерге мұғалімі",
    "дәрігер дәрігерге дәрігерлер дәрігердің дәрігерін",
    "әлем әлемдегі әлемде әлемнің әлемге",
    "қала қаланың қалаға қалада қаласы қалалар қаладағы",
    "мектеп мектепке мектепте мектебі мектептің мектептер",
    "ауыл ауылда ауылға ауылдың ауылдар ауылдағы",
    "кітап кітабы кітаптың кітапқа кітаптар кітабын",
    "жылқы жылқының жылқыға жылқылар жылқысы",
    "мемлекет мемлекеттің мемлекетке мемлекеттер мемлекетте",
    "мемлекеттік мемлекеттіктің мемлекеттікке",
    "басшы басшының басшыға басшылар басшысы",
    # consonants at the join: п/б, к/г, қ/ғ, and a doubled consonant
    "топ тобы топқа топтың тобын",
    "бөлек бөлегі бөлекке",
    "аяқ аяғы аяққа аяқтың аяғын",
    "жүрек жүрегі жүрекке жүректің",
    "құлақ құлағы құлаққа",
    # the dropped vowel of the stem
    "ерін ерні ернін ерніне",
    "қарын қарны қарнына",
    "орын орны орнында орындар",
    "ауыз аузы аузына",
    "халық халқы халықтың халыққа",
    "мұрын мұрны мұрнына",
    # verbs through tense, participle, converb, negation, person
    "жаз жазды жазады жазған жазып жазбады жазса жазатын",
    "кел келді келеді келген келіп келмеді келсе келетін келе",
    "бар барды барады барған барып бармады барса бара",
    "айт айтты айтады айтқан айтып айтпады айтса",
    "оқыды оқиды оқыған оқып оқымады оқыса",
    "сөйле сөйледі сөйлейді сөйлеген сөйлеп сөйлей",
    "жаса жасады жасайды жасаған жасап жасалды жасалған",
    "жазушы жазушының жазушыға жазушылар",
    "бар барамын барасың бардым бардық барсам барайық барғым",
    # pronouns whose stem changes in the oblique cases
    "мен менің маған мені менде",
    "ол оның оған оны одан",
    "бұл мұның бұған мұнда бұдан",
]

# Pairs of different dictionary words: they must not share a key.
APART = [
    ("ақын", "ақ"),
    ("ақынның", "ақ"),
    ("жылғы", "жылқы"),
    ("жылғы", "жылқының"),
    ("бірінші", "бір"),
    ("екінші", "екі"),
    ("мемлекеттік", "мемлекет"),
    ("басшы", "бас"),
    ("сыртқы", "сырт"),
    ("жаңа", "жан"),
    ("қала", "қал"),
    ("бала", "бал"),
    ("сауда", "сау"),
    ("аудан", "ау"),
    ("жағдай", "жақ"),
    ("ақша", "ақ"),
    ("жыл", "жыла"),
    ("тілсіз", "тіл"),
    ("қазақстандық", "қазақстан"),
    ("экономикалық", "экономика"),
    ("жақын", "жақ"),
    ("білім", "біл"),
    ("да", "де-"),
    ("оның", "он"),
    ("жазушы", "жаз"),
    ("маған", "ма"),
    ("немесе", "не"),
]

# A word's broad root: a known word across derivation.
ROOTS = [
    ("мемлекеттік", "мемлекет"),
    ("мемлекеттіктің", "мемлекет"),
    ("экономикалық", "экономика"),
    ("партиялық", "партия"),
    ("жылғы", "жыл"),
    ("бірінші", "бір"),
    ("сыртқы", "сырт"),
    ("басшы", "бас"),
    ("тілсіз", "тіл"),
    ("қазақстандық", "қазақстан"),
    ("келтірді", "кел"),
    ("жоспарланған", "жоспар"),
    ("білімнің", "біл"),
]


@pytest.mark.parametrize("forms", MEET)
def test_forms_of_one_word_meet(forms: str) -> None:
    keys = {w: stem(w) for w in forms.split()}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize("pair", APART)
def test_different_words_stay_apart(pair: tuple[str, str]) -> None:
    a, b = pair
    other = "деді" if b == "де-" else b  # the verb де- through one of its forms
    assert stem(a) != stem(other), (a, stem(a), other, stem(other))


def test_the_issue_examples() -> None:
    assert stem("ақын") == "ақын" and stem("ақынның") == "ақын"
    assert stem("жылқының") == "жылқы" != stem("жылғы")
    assert stem("әлемдегі") == "әлем"
    assert stem("тобы") == "топ" and stem("бөлегі") == "бөлек" and stem("аяғы") == "аяқ"
    assert stem("ерні") == "ерін" and stem("қарны") == "қарын"


@pytest.mark.parametrize("pair", ROOTS)
def test_root_reaches_across_derivation(pair: tuple[str, str]) -> None:
    word, expected = pair
    assert root(word) == expected
    assert stem(word) != expected  # the word layer keeps it a word of its own


def test_root_is_never_a_fragment() -> None:
    # ақын has no derivation: its root is itself, and never ақ.
    for word in ["ақын", "ақынның", "ақындар"]:
        assert root(word) == "ақын"
    # A word with no derivation has its key as its root.
    for word in ["балалар", "кітабы", "дағдарыстың", "келді"]:
        assert root(word) == stem(word)


def test_root_is_a_word_of_the_lexicon() -> None:
    shipped = KazakhStemmer()
    assert shipped.has_lexicon
    lex = shipped._lex
    assert lex is not None
    for word, _ in ROOTS:
        r = root(word)
        assert r in lex.nouns or r in lex.verbs, r


def test_a_long_unlisted_root_is_taken() -> None:
    # мейоз is no word of the lexicon, but two syllables and five letters are no fragment.
    assert root("мейоздық") == "мейоз" == root("мейоздың")
    # Nouns in -ыс are not cut to a verb-looking fragment.
    assert root("дағдарыс") == "дағдарыс" and root("жұмыс") == "жұмыс"


def test_without_a_lexicon_the_root_is_the_key() -> None:
    bare = KazakhStemmer(lexicon=False)
    assert bare.rootWord("мемлекеттік") == "мемлекеттік"


def test_particles_are_one_word_and_not_the_verb() -> None:
    assert stem("да") == stem("де") == stem("та") == stem("те")
    assert stem("ма") == stem("ме") == stem("ба") == stem("пе")
    assert stem("де") != stem("деді")


@pytest.mark.parametrize("forms", [MEET[0], MEET[7], MEET[15], MEET[19]])
def test_folded_forms_meet_too(forms: str) -> None:
    keys = {stem_folded(fold_kazakh(w)) for w in forms.split()}
    assert len(keys) == 1, keys


def test_two_readings_give_two_keys_likelier_first() -> None:
    # «алып»: ал- + converb (likelier in running text) or the noun алып "giant".
    assert stem_keys("алып") == (stem("алып"), "алып") and stem("алып") == "ал"
    # «тұзды» is listed: salty, or тұз + accusative.
    assert stem_keys("тұзды") == ("тұз", "тұзды")
    # One reading, one key; a word read whole never also gets a shorter word's key.
    assert stem_keys("балалар") == ("бала",)
    assert stem_keys("ақын") == ("ақын",)
