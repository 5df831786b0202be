"""The analysis chain's steps after the tokenizer: one small named Whoosh filter per step.

Each step changes one token at a time (`apply(t, para)`), given the facts of its paragraph
(`ParagraphFacts`: language, all capitals, Latin alphabet). The steps, in chain order:

    NFCFilter | InvisibleCharFilter | PunctuationFilter | LookalikeFilter
      | AbbreviationFilter | KazakhLowercaseFilter | NumberFilter | LanguageFilter
      | TransliterationFilter | FoldFilter | RootFilter | KazakhStemFilter | FieldFilter(f)

Token attributes set here (besides Whoosh's text/pos/startchar/endchar):
- `exact`: the normalised form as written (the `exact` field's key);
- `norm`: the normalised word the other keys are made from: `exact`, or for a Kazakh word
  written in Latin letters its Cyrillic reading;
- `lang` ("kk"/"ru"/"en"/""), `nostem` (abbreviations: never stemmed);
- `fold` (the `fold` field's key), `root` (the `root` field's key), and `text`: the word key
  (the `text` field's), until `FieldFilter` puts the key of its field in `text`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer
from whoosh.analysis import Filter, Token

from indexer.analysis.tokenizer import EXACT, WORDS, is_abbreviation
from indexer.text import stemmer as kk_stemmer
from indexer.text.lang import latin_scheme, paragraph_lang, token_lang
from indexer.text.normalize import (
    fold_kazakh,
    fold_lookalikes,
    lower_kk,
    nfc,
    normalize_number,
    remove_invisible,
    unify_punct,
)
from indexer.text.translit import latin_to_cyrillic
from indexer.text.unfold import unfolded_stem

__all__ = [
    "ParagraphFacts",
    "paragraph_of",
    "NFCFilter",
    "InvisibleCharFilter",
    "PunctuationFilter",
    "LookalikeFilter",
    "AbbreviationFilter",
    "KazakhLowercaseFilter",
    "NumberFilter",
    "LanguageFilter",
    "TransliterationFilter",
    "FoldFilter",
    "RootFilter",
    "KazakhStemFilter",
    "FieldFilter",
    "FIELD_KEYS",
    "stem_token",
    "root_token",
    "fold_token",
    "MAX_STEM_LEN",
]


# -- the paragraph --------------------------------------------------------------------------


class ParagraphFacts(NamedTuple):
    """What a step needs to know of the whole paragraph: its language, whether it is all
    capitals (a heading: capitals then say nothing of abbreviations), and the Latin alphabet
    of a Kazakh paragraph written in Latin letters ("" when it is not)."""

    lang: str
    caps: bool
    scheme: str

    @classmethod
    def of(cls, text: str, lang: str = "") -> ParagraphFacts:
        lang = lang or paragraph_lang(text)
        scheme = latin_scheme(text) if lang == "kk" else ""
        return cls(lang, len(text) > 5 and text.isupper(), scheme)


def paragraph_of(t: Token) -> ParagraphFacts:
    """The `ParagraphFacts` of a token's stream, made once from `t.context` (the tokenizer's
    value) and kept on the token (Whoosh reuses one token object for a whole stream). A
    caller that knows the language passes `para_lang` to the analyzer."""
    para = getattr(t, "para", None)
    if para is None:
        para = t.para = ParagraphFacts.of(
            getattr(t, "context", t.text), getattr(t, "para_lang", "")
        )
    return para


class _Step(Filter):
    """A filter that changes each token by itself: `apply(t, para)`."""

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        raise NotImplementedError

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        para = None
        apply = self.apply
        for t in tokens:
            if para is None:
                para = paragraph_of(t)
            apply(t, para)
            yield t


def _run(step: _Step, text: str, **attrs) -> list:
    """`text` through one step, for the doctests: [t.text, *the named attributes]."""
    t = Token(positions=True, mode="index")
    t.text, t.context, t.pos = text, text, 0
    t.__dict__.update(attrs)
    out = next(iter(step([t])))
    return [out.text, *(getattr(out, a) for a in attrs)]


# -- character steps ------------------------------------------------------------------------


class NFCFilter(_Step):
    """Unicode NFC (и + U+0306 -> й).

    >>> _run(NFCFilter(), "и\u0306ол")
    ['йол']
    """

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        t.text = nfc(t.text)


class InvisibleCharFilter(_Step):
    """Removes soft hyphens, zero-width characters and combining marks.

    >>> _run(InvisibleCharFilter(), "әлеу\u00adметтік")
    ['әлеуметтік']
    """

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        t.text = remove_invisible(t.text)


class PunctuationFilter(_Step):
    """Hyphen-likes -> "-", apostrophe-likes -> "'" inside a token.

    >>> _run(PunctuationFilter(), "салт–дәстүр")
    ['салт-дәстүр']
    """

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        t.text = unify_punct(t.text)


class LookalikeFilter(_Step):
    """Latin look-alikes inside Cyrillic words become Cyrillic letters.

    >>> _run(LookalikeFilter(), "мемлекеттiк")  # a Latin i
    ['мемлекеттік']
    """

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        t.text = fold_lookalikes(t.text)


class AbbreviationFilter(_Step):
    """Marks abbreviations (`t.nostem = True`); needs the original capitals, so it runs
    before lower-casing.

    >>> _run(AbbreviationFilter(), "ХДП", nostem=None)
    ['ХДП', True]
    """

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        t.nostem = is_abbreviation(t.text.rpartition("-")[2], para.caps)


class KazakhLowercaseFilter(_Step):
    """Lower-case, right for Kazakh Cyrillic and Latin İ; in Kazakh written in the 2021
    Latin alphabet the capital of ı (і) is I, so I becomes ı there.

    >>> _run(KazakhLowercaseFilter(), "İZDE")
    ['izde']
    """

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        text = t.text
        if para.scheme == "2021" and "I" in text:
            text = text.replace("I", "ı")
        t.text = lower_kk(text)


class NumberFilter(_Step):
    """Numbers as typed: group spaces removed, decimal comma.

    >>> _run(NumberFilter(), "5 247 720"), _run(NumberFilter(), "88.41")
    (['5247720'], ['88,41'])
    """

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        t.text = normalize_number(t.text)


class LanguageFilter(_Step):
    """Sets `t.lang` (rule in `indexer.text.lang`), and `t.exact` and `t.norm` to the
    normalised form.

    >>> _run(LanguageFilter(), "кризис", lang=None)
    ['кризис', 'kk']
    """

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        t.lang = token_lang(t.text, para.lang)
        t.exact = t.norm = t.text


class TransliterationFilter(_Step):
    """In a Kazakh paragraph written in Latin letters, a Latin word is read as Cyrillic
    (`indexer.text.translit`, in the paragraph's alphabet), so both layers meet the
    Cyrillic word; `t.exact` keeps the form as written. A reading without the Kazakh
    letters it needs (informal "dagdarystan" -> дагдарыстан) becomes the dictionary word it
    stands for (`indexer.text.unfold`: дағдарыс) when one fits.

    >>> text = "Qazaqstan dağdarystan şyqty"
    >>> t = Token(); t.text, t.context, t.lang = "dağdarystan", text, "en"
    >>> t = next(iter(TransliterationFilter()([t]))); (t.text, t.norm, t.lang)
    ('дағдарыстан', 'дағдарыстан', 'kk')
    """

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        if para.scheme and t.lang == "en":
            reading = latin_to_cyrillic(t.text, para.scheme)
            if reading:
                t.text = t.norm = unfolded_stem(reading) or reading
                t.lang = token_lang(reading, "kk")


# -- keys -------------------------------------------------------------------------------------

#: Longer tokens are not words (hashes, glued junk): indexed as they are, never stemmed.
MAX_STEM_LEN = 48

_local = threading.local()  # snowball stemmers keep state while stemming: one per thread


def _snowball(lang: str):
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {
            "ru": snowballstemmer.stemmer("russian"),
            "en": snowballstemmer.stemmer("english"),
        }
    return stemmers[lang]


def _stem_plain(word: str, lang: str) -> str:
    if lang == "kk":
        return kk_stemmer.stem(word)
    if lang in ("ru", "en"):
        return _snowball(lang).stemWord(word)
    return word


def _root_plain(word: str, lang: str) -> str:
    if lang == "kk":
        return kk_stemmer.root(word)
    return _stem_plain(word, lang)  # Russian, English: the root is the stem


def _fold_plain(word: str, lang: str) -> str:
    if lang == "kk":
        return kk_stemmer.stem_folded(fold_kazakh(word))
    return fold_kazakh(_stem_plain(word, lang))


def _key(plain, norm: str, lang: str, nostem: bool, fold: bool) -> str:
    """One key of a normalised token: `plain(word, lang)` of the word; a compound keys its
    last part ("салт-дәстүр"); abbreviations, numbers and junk are their own key."""
    if nostem or not lang or len(norm) > MAX_STEM_LEN:
        return fold_kazakh(norm) if fold else norm
    if "-" in norm:
        head, _, last = norm.rpartition("-")
        head = fold_kazakh(head) if fold else head
        return f"{head}-{plain(last, token_lang(last, 'ru' if lang == 'ru' else 'kk'))}"
    return plain(norm, lang)


@lru_cache(maxsize=50_000)
def stem_token(norm: str, lang: str, nostem: bool = False) -> str:
    """The word key of one normalised token (`indexer.text.stemmer.stem` or snowball)."""
    return _key(_stem_plain, norm, lang, nostem, False)


@lru_cache(maxsize=50_000)
def root_token(norm: str, lang: str, nostem: bool = False) -> str:
    """The root key of one normalised token (`indexer.text.stemmer.root`; Russian and
    English: the stem)."""
    return _key(_root_plain, norm, lang, nostem, False)


@lru_cache(maxsize=50_000)
def fold_token(norm: str, lang: str, nostem: bool = False) -> str:
    """The folded key of one normalised token: Kazakh letters folded (ә->а ...), then
    stemmed with the folded stemmer; Russian/English: the snowball stem, folded."""
    return _key(_fold_plain, norm, lang, nostem, True)


class FoldFilter(_Step):
    """Sets `t.fold`, the key of a word typed without Kazakh letters.

    >>> _run(FoldFilter(), "дағдарыстың", lang="kk", nostem=False, fold=None)[-1]
    'дагдарыс'
    """

    is_morph = True

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        t.fold = fold_token(t.text, t.lang, t.nostem)


class RootFilter(_Step):
    """Sets `t.root`, the broad key that reaches across derivation (for ranking).

    >>> _run(RootFilter(), "кризисы", lang="ru", nostem=False, root=None)[-1]
    'кризис'
    """

    is_morph = True

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        t.root = root_token(t.text, t.lang, t.nostem)


class KazakhStemFilter(_Step):
    """The word key: Kazakh words with `indexer.text.stemmer.stem`, Russian and English with
    snowball; abbreviations and numbers are left alone. No Whoosh LFU cache (the chain
    caches whole words).

    >>> _run(KazakhStemFilter(), "running", lang="en", nostem=False)
    ['run', 'en', False]
    """

    is_morph = True

    def apply(self, t: Token, para: ParagraphFacts) -> None:
        t.text = stem_token(t.text, t.lang, t.nostem)


#: The token attribute that holds each field's key.
FIELD_KEYS = {"text": "text", "exact": "exact", "fold": "fold", "root": "root"}


class FieldFilter(Filter):
    """The last step of a field's analyzer: keeps the tokens of the field (`t.scope`: the
    form with a clitic is for `exact` only, the form without it for the others) and puts the
    field's key in `t.text`.

    >>> from indexer.analysis.tokenizer import KazakhTokenizer, CompoundFilter
    >>> head = KazakhTokenizer() | CompoundFilter() | LanguageFilter()
    >>> [t.text for t in (head | FieldFilter("exact"))("ХДП-ның")]
    ['ХДП-ның', 'ХДП']
    >>> [t.text for t in (head | FieldFilter("text"))("ХДП-ның")]
    ['ХДП']
    """

    def __init__(self, field: str) -> None:
        if field not in FIELD_KEYS:
            raise ValueError(f"field must be one of {sorted(FIELD_KEYS)}, not {field!r}")
        self.field = field

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        skip = WORDS if self.field == "exact" else EXACT
        key = FIELD_KEYS[self.field]
        for t in tokens:
            if t.scope != skip:
                if key != "text":
                    t.text = getattr(t, key)
                yield t
