"""The Kazakh stemmer: real sentences, harmony, consonant repair, guards, folded mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.text import suffixes
from indexer.text.stemmer import KazakhStemmer, fold_kazakh, root, stem

REPO = Path(__file__).resolve().parent.parent
PAPER = REPO.parent / "shared" / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"
KAZNERD = REPO.parent / "shared" / "data" / "kaznerd" / "sentences-valid.txt"

KK = KazakhStemmer()
FOLDED = KazakhStemmer(folded=True)
PLAIN = KazakhStemmer(lexicon=False)


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def test_sentence_from_the_strategy_paper() -> None:
    text = (
        "Әлемдік экономикалық дағдарыс туғызған күйзеліс жағдайында әлемдік "
        "қауымдастық дамудың бұрынғы аяқ алысының екпінінен айырылып қалды."
    )
    got = dict(zip(words(text), KK.stemWords(words(text))))
    # -лық makes a word of its own; the root layer reaches the noun.
    assert got["экономикалық"] == "экономикалық"
    assert root("экономикалық") == "экономика"
    assert got["дағдарыс"] == "дағдарыс"
    assert got["туғызған"] == "туғыз"
    assert got["жағдайында"] == "жағдай"
    # даму (development) is a listed verbal noun, a word of its own; its root is the verb.
    assert got["дамудың"] == "даму" and root("дамудың") == "дам"
    assert got["қалды"] == "қал"
    assert got["айырылып"] == "айыр"


def test_sentences_from_the_news() -> None:
    text = "Кім білсін, болашақта Нобель сыйлығын алулары да ғажап емес."
    got = dict(zip(words(text), KK.stemWords(words(text))))
    assert got["білсін"] == "біл"
    assert got["болашақта"] == "болашақ"
    assert got["сыйлығын"] == "сыйлық"
    assert got["алулары"] == "ал"
    text = "Олардың арасында «Әміре», «Анаға апарар жол» мен «Томирис» картиналары бар."
    got = dict(zip(words(text), KK.stemWords(words(text))))
    assert got["олардың"] == "олар"
    assert got["картиналары"] == "картина"
    assert got["анаға"] == "ана"
    assert got["бар"] == "бар"


@pytest.mark.parametrize(
    "forms",
    [
        "бала балалар балаларынан баласы баласына балаға балалармен",
        "үй үйге үйде үйден үйлер үйінде үйінің",
        "ел елге елдің елдер елдерден елінің",
        "біл білді біледі білмейді білген білетін біліп білуге білсе білмеймін",
        "кел келді келеді келген келіп келмейді келгенде келуі",
        "қой қойылды қойылған қойып",
        "оқиды оқып оқыған оқымаған",
        "дағдарыс дағдарыстың дағдарысқа дағдарыстан",
        "партия партиясының партияға партиямыз",
        "қазақстан қазақстанда қазақстанның",
    ],
)
def test_inflected_forms_meet(forms: str) -> None:
    assert len(set(KK.stemWords(forms.split()))) == 1, KK.stemWords(forms.split())


@pytest.mark.parametrize(
    "pair",
    [
        ("жыл", "жан"),
        ("ал", "ел"),
        ("бала", "бар"),
        ("қала", "қал"),
        ("жаңа", "жан"),
        ("ақша", "ақ"),
        ("жағдай", "жақ"),
        ("дағдарыс", "дағдар"),
    ],
)
def test_different_words_stay_apart(pair: tuple[str, str]) -> None:
    assert stem(pair[0]) != stem(pair[1])


def test_vowel_harmony_decides_the_suffix() -> None:
    # -дың is back, -дің front: only the one that matches the stem's vowels is taken.
    assert stem("жылдың") == "жыл"
    assert stem("елдің") == "ел"
    assert stem("елдың") == "елдың"  # front stem, back suffix: not a suffix
    assert stem("жылдің") == "жылдің"
    assert stem("жерлер") == "жер" and stem("жерлар") != "жер"


def test_suffix_follows_the_stems_last_sound() -> None:
    assert stem("қазаққа") == "қазақ"  # -қа after voiceless
    assert stem("адамға") == "адам"  # -ға after voiced
    assert stem("адамның") == "адам"  # -ның after nasals
    assert stem("адамдар") == "адам"


def test_consonant_repair() -> None:
    assert stem("кітабы") == stem("кітап") == "кітап"
    assert stem("жүрегі") == stem("жүрек") == "жүрек"
    assert stem("құлағы") == stem("құлақ") == "құлақ"
    assert stem("жауабы") == stem("жауап") == "жауап"


def test_vowel_elision() -> None:
    assert stem("орны") == stem("орнында") == stem("орындары") == "орын"
    assert stem("аузы") == stem("ауыз") == "ауыз"
    assert stem("халқы") == stem("халық") == stem("халықтың") == "халық"
    # Without the lexicon the tables write the stem short, both shapes still meet.
    assert PLAIN.stemWord("орны") == PLAIN.stemWord("орнында") == "орн"


def test_short_roots_are_not_eaten() -> None:
    for word in ["ал", "ел", "үй", "ат", "же", "де", "су", "ту", "жаңа", "бала", "ана"]:
        result = stem(word)
        assert len(result) >= 2 and any(ch in suffixes.VOWELS for ch in result), word
    assert stem("жаны") == "жан"  # not «жа»: a CV stem needs е/у/и
    assert stem("болды") == "бол"  # not «бо» via a made-up passive -л
    assert stem("кітап") == "кітап"  # not «кіта» + converb -п


def test_exceptions_are_roots() -> None:
    for word in ["қазақстан", "өзге", "басқа", "бойынша", "теңге"]:
        assert stem(word) == word
    assert stem("теңгеге") == "теңге"


def test_folded_mode_matches_itself() -> None:
    forms = ["дагдарыс", "дагдарыстын", "дагдарыска", "дагдарыстан"]
    assert len(set(FOLDED.stemWords(forms))) == 1
    for word in ["балаларынан", "кітабы", "партиясының", "қазақстанда", "білмейді"]:
        assert FOLDED.stemWord(fold_kazakh(word)) == fold_kazakh(KK.stemWord(word))
    # Folding an already-folded word changes nothing.
    assert FOLDED.stemWord("казакстан") == FOLDED.stemWord(fold_kazakh("қазақстан"))


def test_fold_kazakh() -> None:
    assert fold_kazakh("әғқңөұүһі") == "агкноуухи"


def test_stem_words_and_cache() -> None:
    assert KK.stemWords(["балалар", "үйлерде"]) == ["бала", "үй"]
    assert KK.stemWords([]) == []
    assert stem("балалар") == KK.stemWord("балалар")
    assert stem.cache_info().hits >= 0


def test_odd_input_is_safe() -> None:
    for word in ["", "а", "2009", "xyz", "ь", "ққққ"]:
        assert isinstance(KK.stemWord(word), str)
        assert isinstance(FOLDED.stemWord(word), str)


@pytest.mark.skipif(not PAPER.exists(), reason="shared corpus not present")
def test_strategy_paper_dagdarys_lines() -> None:
    text = PAPER.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if "дағдарыс" in ln.lower()]
    assert len(lines) == 24
    target = stem("дағдарыс")
    for ln in lines:
        assert target in {stem(w) for w in words(ln)}
    vocab = set(words(text))
    assert {w for w in vocab if stem(w) == target} == {w for w in vocab if w.startswith("дағдарыс")}
    party = {stem(w) for w in ["партиясының", "партияға", "партиямыз"]}
    assert party == {"партия"}
    assert stem("партиялық") == "партиялық" and root("партиялық") == "партия"


@pytest.mark.skipif(not KAZNERD.exists(), reason="shared news sentences not present")
def test_news_vocabulary_keeps_a_vowel() -> None:
    vocab = set(words(KAZNERD.read_text(encoding="utf-8")))
    for w in vocab:
        s = KK.stemWord(w)
        # A key may be one letter longer than a form whose vowel dropped (халқы → халық).
        assert s and (len(s) <= len(w) + 1), (w, s)
        if any(ch in suffixes.VOWELS for ch in w):
            assert any(ch in suffixes.VOWELS for ch in s), (w, s)


# -- the word list (indexer/text/data/kk_lexicon.txt, from hunspell-kk) -----------------


def test_word_list_is_shipped_with_its_licence() -> None:
    assert suffixes.LEXICON_FILE.exists()
    licence = suffixes.LEXICON_FILE.with_name("kk_lexicon.LICENSE").read_text(encoding="utf-8")
    assert "MPL-1.1+" in licence and "Mussayeva" in licence
    assert KK.has_lexicon and not PLAIN.has_lexicon


def test_listed_nouns_are_not_cut_into_other_words() -> None:
    # Without the list the shortest peeling wins: сау-да, ау-дан, үкім-ет-ін.
    assert PLAIN.stemWord("сауда") == "сау" and KK.stemWord("сауда") == "сауда"
    assert PLAIN.stemWord("аудан") == "ау" and KK.stemWord("аудан") == "аудан"
    assert len({KK.stemWord(w) for w in ["чемпионат", "чемпионатын", "чемпионатының"]}) == 1
    assert len({KK.stemWord(w) for w in ["үкімет", "үкіметін", "үкіметтің"]}) == 1
    assert KK.stemWord("мекемесі") == "мекеме"


def test_vowel_final_verbs_meet() -> None:
    # бастап / бастады / басталды: -п after a vowel is taken only onto a listed verb.
    assert {KK.stemWord(w) for w in ["бастап", "бастады", "басталды", "басталып"]} == {"баста"}
    assert {KK.stemWord(w) for w in ["жасап", "жасалған", "жасайды"]} == {"жаса"}
    for noun in ["кітап", "жауап", "талап", "тарап", "себеп", "мектеп", "есеп"]:
        assert KK.stemWord(noun) == noun
    assert stem("талабы") == "талап"


def test_a_missing_word_list_falls_back_to_the_tables(tmp_path: Path) -> None:
    from indexer.text.stemmer import load_lexicon

    assert load_lexicon(tmp_path / "absent.txt") is None
    bare = KazakhStemmer(lexicon=None)
    assert not bare.has_lexicon
    assert bare.stemWords(["сауда", "балалар"]) == PLAIN.stemWords(["сауда", "балалар"])


def test_folded_mode_uses_the_word_list_too() -> None:
    assert FOLDED.has_lexicon
    for word in ["сауда", "аудан", "бастап", "бастады", "чемпионатын", "үкіметін"]:
        assert FOLDED.stemWord(fold_kazakh(word)) == fold_kazakh(KK.stemWord(word))
