"""Language of paragraphs and tokens (rule in indexer/text/lang.py) and language-aware stemming."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.analysis import Token

from indexer.analysis import LanguageFilter, analyze, stem_word
from indexer.text.lang import detect, paragraph_lang, token_lang

SHARED = Path(__file__).resolve().parents[2] / "shared"
KAZNERD = SHARED / "data" / "kaznerd" / "sentences-valid.txt"


def run_filter(flt, words: list[str], attr: str = "text") -> list:
    def stream():
        t = Token(positions=True, mode="index")
        t.context = " ".join(words)
        for i, w in enumerate(words):
            t.text, t.pos = w, i
            yield t

    return [getattr(t, attr) for t in flt(stream())]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Қазақстан қазір тарихи өтпелі кезеңде тұр.", "kk"),
        ("Экономикалық процесс", "kk"),  # no Kazakh letter, no Russian function word
        ("процесс", "kk"),  # a one-word query
        ("Экономический кризис в Казахстане и процесс его преодоления.", "ru"),
        ("Это процесс, который идет.", "ru"),
        ("The economic crisis hit Kazakhstan.", "en"),
        ("2009-2012", ""),
        ("", ""),
    ],
)
def test_paragraph_lang(text, lang):
    assert paragraph_lang(text) == lang
    assert detect(text) == lang


def test_kazakh_letter_anywhere_makes_the_paragraph_kazakh():
    assert paragraph_lang("В 2009 году Нұр Отан и партия") == "kk"


@pytest.mark.parametrize(
    "word, para, lang",
    [
        ("қоғам", "ru", "kk"),
        ("процесс", "kk", "kk"),
        ("процесс", "ru", "ru"),
        ("crisis", "kk", "en"),
        ("2009", "kk", ""),
        ("東京", "kk", ""),
    ],
)
def test_token_lang(word, para, lang):
    assert token_lang(word, para) == lang


def test_language_filter_uses_the_paragraph():
    ru = ["кризис", "в", "стране"]
    assert run_filter(LanguageFilter(), ru, attr="lang") == ["ru", "ru", "ru"]
    kk = ["кризис", "елде", "болды"]
    assert run_filter(LanguageFilter(), kk, attr="lang") == ["kk", "kk", "kk"]


def test_language_filter_accepts_a_declared_language():
    def stream():
        t = Token(para_lang="ru")
        t.context = "кризис"
        t.text = "кризис"
        yield t

    assert [t.lang for t in LanguageFilter()(stream())] == ["ru"]


def test_russian_and_english_tokens_are_stemmed_with_snowball():
    ru = {t["norm"]: t for t in analyze("Экономические кризисы в Казахстане и процессы.")}
    assert ru["кризисы"]["lang"] == "ru"
    assert ru["кризисы"]["stem"] == "кризис"
    assert ru["процессы"]["stem"] == "процесс"
    en = {t["norm"]: t for t in analyze("Running crises in Kazakhstan")}
    assert en["running"]["lang"] == "en"
    assert en["running"]["stem"] == "run"


def test_english_word_in_a_kazakh_paragraph():
    toks = {t["norm"]: t for t in analyze("Біз smartphones сатамыз")}
    assert toks["smartphones"]["lang"] == "en"
    assert toks["smartphones"]["stem"] == "smartphon"
    assert toks["сатамыз"]["lang"] == "kk"


def test_loanword_in_kazakh_stems_as_kazakh():
    toks = analyze("Бұл процесс ұзаққа созылды")
    assert [t["lang"] for t in toks] == ["kk"] * 4
    # The same word typed alone (a query) is read the same way.
    assert stem_word("процесс") == toks[1]["stem"]


@pytest.mark.skipif(not KAZNERD.exists(), reason="shared data missing")
def test_kaznerd_sentences_are_kazakh():
    lines = [ln for ln in KAZNERD.read_text(encoding="utf-8").splitlines() if ln.strip()]
    langs = [paragraph_lang(ln) for ln in lines[:2000]]
    assert langs.count("kk") / len(langs) > 0.97
