"""Language of a paragraph and of a token: "kk", "ru", "en" or "" (numbers, other scripts).

The rule (cheap: a few regex searches per paragraph, a few per new word form):

1. A paragraph is **Kazakh** when any of its words has a Kazakh-specific letter
   (ә ғ қ ң ө ұ ү һ і). Otherwise, when it has Cyrillic letters, it is **Russian** if it has
   at least one Russian function word (и, в, не, на, что, это, для, по, из, от, как, или,
   который, также ...), else **Kazakh** (a heading such as "Президент Жарлығы" or a one-word
   query such as "процесс"). A paragraph without Cyrillic but with Latin letters is
   **Kazakh written in Latin letters** when `latin_scheme` says so, else **English**.
2. A token is:
   - "kk" when it has a Kazakh-specific letter;
   - for any other Cyrillic word, the paragraph's language ("ru" in a Russian paragraph,
     otherwise "kk": a Cyrillic word in a Kazakh paragraph is Kazakh, loanwords such as
     "процесс" included, so the Kazakh stemmer treats all forms of a loanword alike);
   - "en" when it is written in Latin letters (after look-alike folding, so a Latin "a"
     inside a Cyrillic word does not count); in a Latin-script Kazakh paragraph the analysis
     reads such a token as Cyrillic first (`indexer.text.translit`), and it is then "kk";
   - "" for numbers and other scripts (not stemmed).
3. Kazakh tokens are stemmed with `indexer.text.stemmer.stem`, Russian ones with snowball
   "russian", English ones with snowball "english".

`latin_scheme` weighs evidence word by word. For Kazakh: letters of the Kazakh Latin
alphabets (ä ğ ı ñ ū ü ö ş ç and the 2018 acute letters), a letter with an apostrophe as the
2017 alphabet writes it (s'ekara, qazaqstannyn'), q not before u, "zh", Kazakh endings
(-lyq, -dyq, -myz, -dağy, -nyñ/-dyn ...) and Kazakh function words written in Latin letters
(jäne, zhane, üşin, turaly ...). For English: English function words (the, of, and, with
...; words that are also Kazakh, such as "is" іс, "on" он, "at" ат, are left out). A
paragraph is Kazakh when its Kazakh words are at least a fifth of its words and at least
twice its English function words, so a real English sentence with a Kazakh name in it stays
English; without a Kazakh letter it takes two such words ("Iraq" alone is English).

A caller that knows better (a document's declared language) can pass `para_lang` to the
analyzer; it replaces step 1.
"""

from __future__ import annotations

import re

from indexer.text.normalize import (
    APOSTROPHES,
    LATIN_CLASS,
    has_kazakh_letters,
    is_cyrillic_word,
)

LANGS = ("kk", "ru", "en")

_LATIN_RE = re.compile(f"[{LATIN_CLASS}]")

#: Frequent Russian function words. Kazakh particles that look Russian ("да", "мен", "бен")
#: are left out, and so are the one-letter words к, с, у, о, я (they are also initials).
RUSSIAN_FUNCTION_WORDS = (
    "и",
    "в",
    "во",
    "на",
    "что",
    "это",
    "эти",
    "этот",
    "эта",
    "для",
    "по",
    "из",
    "от",
    "как",
    "или",
    "но",
    "не",
    "же",
    "бы",
    "ли",
    "ко",
    "со",
    "об",
    "при",
    "за",
    "до",
    "без",
    "под",
    "над",
    "также",
    "который",
    "которая",
    "которые",
    "которых",
    "был",
    "была",
    "были",
    "было",
    "будет",
    "он",
    "она",
    "они",
    "оно",
    "его",
    "ее",
    "её",
    "их",
    "мы",
    "вы",
    "все",
    "всех",
    "только",
    "уже",
    "еще",
    "ещё",
    "так",
    "чтобы",
    "если",
    "когда",
    "где",
    "между",
    "после",
    "того",
    "этого",
    "том",
    "является",
)
# "не" is also the Kazakh "what", but a Kazakh paragraph almost always has a Kazakh letter
# somewhere, and rule 1 looks for Kazakh letters first.
_RU_FUNC_RE = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(sorted(RUSSIAN_FUNCTION_WORDS, key=len, reverse=True))
    + r")(?![^\W\d_])",
    re.IGNORECASE,
)


def paragraph_lang(text: str) -> str:
    """Language of a whole paragraph (rule 1 of the module docstring)."""
    if has_kazakh_letters(text):
        return "kk"
    if is_cyrillic_word(text):
        return "ru" if _RU_FUNC_RE.search(text) is not None else "kk"
    if _LATIN_RE.search(text) is not None:
        return "kk" if latin_scheme(text) else "en"
    return ""


def token_lang(word: str, para_lang: str = "kk") -> str:
    """Language of one normalised token in a paragraph of language `para_lang` (rule 2)."""
    if has_kazakh_letters(word):
        return "kk"
    if is_cyrillic_word(word):
        return "ru" if para_lang == "ru" else "kk"
    if _LATIN_RE.search(word) is not None:
        return "en"
    return ""


def detect(text: str) -> str:
    """Language of a text (a document or a paragraph): same as `paragraph_lang`."""
    return paragraph_lang(text)


# -- Kazakh in Latin letters ----------------------------------------------------------------

#: English function words (lower-case). Left out: words that are also Kazakh when written
#: in Latin letters (is іс, on он, at ат, as ас, it ит, an ән, but бұт, or ор, so).
ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "was",
        "are",
        "were",
        "for",
        "that",
        "with",
        "this",
        "from",
        "by",
        "be",
        "been",
        "have",
        "has",
        "had",
        "not",
        "which",
        "will",
        "would",
        "can",
        "their",
        "they",
        "there",
        "its",
        "we",
        "you",
        "he",
        "she",
        "his",
        "her",
        "also",
        "more",
        "than",
        "into",
        "about",
        "who",
        "what",
        "when",
        "where",
        "how",
        "all",
        "these",
        "those",
        "such",
        "after",
        "before",
        "between",
        "over",
        "under",
        "other",
        "some",
        "any",
        "each",
        "most",
        "may",
        "should",
        "could",
        "our",
        "them",
        "then",
        "if",
        "no",
        "do",
        "does",
        "did",
    ]
)
#: Kazakh function words as written in the 2021 alphabet and informally.
KAZAKH_LATIN_FUNCTION_WORDS = frozenset(
    [
        "jäne",
        "jane",
        "zhane",
        "bul",
        "būl",
        "osy",
        "joq",
        "zhok",
        "jok",
        "emes",
        "üşin",
        "ushin",
        "üshin",
        "usin",
        "turaly",
        "boiynsha",
        "boyynsha",
        "arqyly",
        "arkyly",
        "degen",
        "biraq",
        "birak",
        "ğana",
        "gana",
        "qalai",
        "kalai",
        "olar",
        "biz",
        "sız",
        "siz",
        "bolyp",
        "bolady",
        "eken",
        "jyly",
        "zhyly",
        "jyl",
        "zhyl",
        "onyñ",
        "onyn",
    ]
)
_LATIN_WORD_RE = re.compile(f"[{LATIN_CLASS}]+(?:[{APOSTROPHES}][{LATIN_CLASS}]+)*[{APOSTROPHES}]?")
_APOS_TABLE = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))
# Letters of the Kazakh Latin alphabets that English does not use.
_KK_LATIN_LETTER_RE = re.compile("[äğıñūüöşçáǵńóúý]")
# A letter and an apostrophe as the 2017 alphabet writes ә, ғ, ң, ө, ү, у, ш, ч, и; not an
# English contraction (don't, it's, we'll, they're, I've, he'd, I'm).
_APOS_2017_RE = re.compile(r"[agnouysci]'(?!(?:t|s|d|m|ll|re|ve)$)")
_KK_SHAPE_RE = re.compile(
    r"q(?!u)|zh"
    r"|(?:lyq|lyk|dyq|dyk|tyq|tyk|lık|dık|tık|myz|mız|ymyz|ımız|imiz|dağy|dagy|daghy|tağy|"
    r"tagy|degı|degi|tegı|tegi|[dtn]yn|[dtn]ıñ|[dtn]yñ|[dtn]ın|ynda|ında|inde|yp)$"
)


def latin_scheme(text: str) -> str:
    """The Latin alphabet a Kazakh paragraph is written in: "2021" (the official alphabet,
    its 2018 draft, or informal ASCII), "2017" (the apostrophe alphabet), or "" when the
    text is not Kazakh in Latin letters (it has Cyrillic, or reads as English).

    >>> latin_scheme("Qazaqstan Respublikasy – demokratiialyq, zaiyrly memleket.")
    '2021'
    >>> latin_scheme("The economic crisis hit Kazakhstan in 2009.")
    ''
    """
    if is_cyrillic_word(text):
        return ""
    words = _LATIN_WORD_RE.findall(text.translate(_APOS_TABLE).lower())
    if not words:
        return ""
    english = letters = apostrophes = shapes = 0
    for w in words:
        if w in ENGLISH_FUNCTION_WORDS:
            english += 1
        elif _KK_LATIN_LETTER_RE.search(w) is not None:
            letters += 1
        elif _APOS_2017_RE.search(w) is not None:
            apostrophes += 1
        elif w in KAZAKH_LATIN_FUNCTION_WORDS or _KK_SHAPE_RE.search(w) is not None:
            shapes += 1
    kazakh = letters + apostrophes + shapes
    if kazakh <= 2 * english or kazakh * 5 < len(words):
        return ""
    if letters + apostrophes == 0 and shapes < 2:
        return ""  # one word that merely looks Kazakh ("Iraq"): a name, not a language
    return "2017" if apostrophes > letters else "2021"
