"""Language of a paragraph and of a token: "kk", "ru", "en" or "" (numbers, other scripts).

The rule (cheap: two regex searches per paragraph, a few per new word form):

1. A paragraph is **Kazakh** when any of its words has a Kazakh-specific letter
   (ә ғ қ ң ө ұ ү һ і). Otherwise, when it has Cyrillic letters, it is **Russian** if it has
   at least one Russian function word (и, в, не, на, что, это, для, по, из, от, как, или,
   который, также ...), else **Kazakh** (a heading such as "Президент Жарлығы" or a one-word
   query such as "процесс"). A paragraph without Cyrillic but with Latin letters is
   **English**.
2. A token is:
   - "kk" when it has a Kazakh-specific letter;
   - for any other Cyrillic word, the paragraph's language ("ru" in a Russian paragraph,
     otherwise "kk": a Cyrillic word in a Kazakh paragraph is Kazakh, loanwords such as
     "процесс" included, so the Kazakh stemmer treats all forms of a loanword alike);
   - "en" when it is written in Latin letters (after look-alike folding, so a Latin "a"
     inside a Cyrillic word does not count);
   - "" for numbers and other scripts (not stemmed).
3. Kazakh tokens are stemmed with `indexer.text.stemmer.stem`, Russian ones with snowball
   "russian", English ones with snowball "english".

A caller that knows better (a document's declared language) can pass `para_lang` to the
analyzer; it replaces step 1.
"""

from __future__ import annotations

import re

from indexer.text.normalize import KAZAKH_LETTERS

LANGS = ("kk", "ru", "en")

_KAZAKH_RE = re.compile(f"[{KAZAKH_LETTERS}]")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff\u0500-\u052f]")
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")

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
    if _KAZAKH_RE.search(text) is not None:
        return "kk"
    if _CYRILLIC_RE.search(text) is not None:
        return "ru" if _RU_FUNC_RE.search(text) is not None else "kk"
    if _LATIN_RE.search(text) is not None:
        return "en"
    return ""


def token_lang(word: str, para_lang: str = "kk") -> str:
    """Language of one normalised token in a paragraph of language `para_lang` (rule 2)."""
    if _KAZAKH_RE.search(word) is not None:
        return "kk"
    if _CYRILLIC_RE.search(word) is not None:
        return "ru" if para_lang == "ru" else "kk"
    if _LATIN_RE.search(word) is not None:
        return "en"
    return ""


def detect(text: str) -> str:
    """Language of a text (a document or a paragraph): same as `paragraph_lang`."""
    return paragraph_lang(text)
