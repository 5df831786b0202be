"""Character-level normalisation of Kazakh (and Russian/English) text, as plain functions.

Each function here is one step; `indexer.analysis.filters` wraps each in a Whoosh filter. They work
on a single word (a token) unless the name says text. None of them raises on any `str`.

Order matters and is the order of the analysis chain:
    nfc -> remove_invisible -> unify_punct -> fold_lookalikes -> lower_kk -> normalize_number
(NFC first so that и + U+0306 becomes й and е + U+0308 becomes ё before combining marks go.)
"""

from __future__ import annotations

import re
import unicodedata

# -- character classes ---------------------------------------------------------------------

#: Kazakh letters that Russian lacks; one of them makes a word Kazakh for certain.
KAZAKH_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
_KAZAKH_RE = re.compile(f"[{KAZAKH_LETTERS}]")
#: Character-class bodies of the Cyrillic and the Latin script (Basic Latin, Latin-1 letters,
#: Latin Extended-A/B): which script a word is written in.
CYRILLIC_CLASS = "\u0400-\u052f"
LATIN_CLASS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"


def _ranges(cps: list[int]) -> str:
    """A regex character-class body for a sorted list of code points."""
    out: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        out.append(
            re.escape(chr(cps[i]))
            if i == j
            else f"{re.escape(chr(cps[i]))}-{re.escape(chr(cps[j]))}"
        )
        i = j + 1
    return "".join(out)


def _scan(categories: tuple[str, ...]) -> list[int]:
    # The BMP holds every mark and format character met in real Kazakh/Russian text;
    # scanning it once costs ~10 ms at import.
    return [cp for cp in range(0x300, 0x10000) if unicodedata.category(chr(cp)) in categories]


_REMOVABLE_CPS = sorted({0x00AD, *_scan(("Mn", "Me", "Cf"))})
_SPACING_MARK_CPS = _scan(("Mc",))
#: Body of a character class: characters removed from inside a word (soft hyphen, zero-width
#: space/joiners, BOM, word joiner, bidi marks, combining marks).
REMOVABLE_CLASS = _ranges(_REMOVABLE_CPS)
#: Characters that never start a token but stay glued to the word they follow
#: (removable ones plus spacing combining marks, which are kept).
GLUE_CLASS = _ranges(sorted(set(_REMOVABLE_CPS) | set(_SPACING_MARK_CPS)))
_REMOVABLE_RE = re.compile(f"[{REMOVABLE_CLASS}]+")

#: Hyphen-like characters that join the parts of a compound word ("салт-дәстүр", "2009–2012").
HYPHENS = "-\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"
#: Apostrophe-like characters (typographic, modifier letters, backtick, acute).
APOSTROPHES = "'\u2019\u2018\u02bc\u02bb\u0060\u00b4\u2032\uff07"
#: Double quotes of every style, «guillemets» included.
QUOTES = '"\u00ab\u00bb\u201c\u201d\u201e\u201f\u2033\u2039\u203a\uff02'
DASHES = "\u2014\u2015\u2e3a\u2e3b"
_PUNCT_TABLE = str.maketrans(
    {
        **dict.fromkeys(HYPHENS[1:], "-"),
        **dict.fromkeys(APOSTROPHES[1:], "'"),
        **dict.fromkeys(QUOTES[1:], '"'),
        **dict.fromkeys(DASHES[1:], "—"),
    }
)

# Latin (and Latin-1/IPA) look-alikes of Cyrillic letters, folded only inside a word that is
# otherwise Cyrillic. Lower-case Latin h inside a Kazakh word stands for һ (same glyph);
# upper-case H looks like Н, and Y like У.
LOOKALIKES = {
    "a": "а",
    "e": "е",
    "o": "о",
    "p": "р",
    "c": "с",
    "x": "х",
    "y": "у",
    "i": "і",
    "h": "һ",
    "k": "к",
    "m": "м",
    "t": "т",
    "ı": "і",
    "A": "А",
    "B": "В",
    "C": "С",
    "E": "Е",
    "H": "Н",
    "K": "К",
    "M": "М",
    "O": "О",
    "P": "Р",
    "T": "Т",
    "X": "Х",
    "Y": "У",
    "I": "І",
    "ə": "ә",
    "Ə": "Ә",
    "ɵ": "ө",
    "Ɵ": "Ө",
    "ö": "ө",
    "Ö": "Ө",
    "ü": "ү",
    "Ü": "Ү",
    "ë": "ё",
    "Ë": "Ё",
    "ñ": "ң",
    "Ñ": "Ң",
    "ŋ": "ң",
    "Ŋ": "Ң",
}
_LOOKALIKE_TABLE = str.maketrans(LOOKALIKES)
_CYRILLIC_RE = re.compile(f"[{CYRILLIC_CLASS}]")
# Letters of the Latin script (Basic Latin, Latin-1, Extended-A/B, IPA) in one class.
_LATIN_LETTER_RE = re.compile(f"[{LATIN_CLASS}\u0250-\u02af]")  # and IPA (ə, ɵ)

KAZAKH_FOLD = {
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
    "Ә": "А",
    "Ғ": "Г",
    "Қ": "К",
    "Ң": "Н",
    "Ө": "О",
    "Ұ": "У",
    "Ү": "У",
    "Һ": "Х",
    "І": "И",
}
_FOLD_TABLE = str.maketrans(KAZAKH_FOLD)

#: Spaces that group the digits of a number ("5 247 720": normal, no-break, figure, thin).
GROUP_SPACES = " \u00a0\u2007\u2009\u202f"
_GROUP_SPACE_RE = re.compile(f"(?<=\\d)[{GROUP_SPACES}](?=\\d)")
_DECIMAL_RE = re.compile(r"^(\d+)[.,](\d+)$")


# -- the steps -------------------------------------------------------------------------------


def nfc(s: str) -> str:
    """Unicode NFC (composes й, ё, ә written with combining marks)."""
    if s.isascii() or unicodedata.is_normalized("NFC", s):
        return s
    return unicodedata.normalize("NFC", s)


def remove_invisible(s: str) -> str:
    """Drop soft hyphens, zero-width characters, BOM, word joiner, bidi marks and the
    combining marks NFC left uncomposed (e.g. Russian stress marks)."""
    if s.isascii():
        return s
    return _REMOVABLE_RE.sub("", s)


def unify_punct(s: str) -> str:
    """Hyphen-likes -> "-", apostrophe-likes -> "'", double quotes («» “” „) -> '"',
    em dash variants -> "—". Lengths are unchanged (one character for one)."""
    if s.isascii():
        return s
    return s.translate(_PUNCT_TABLE)


def is_cyrillic_word(word: str) -> bool:
    return _CYRILLIC_RE.search(word) is not None


def fold_lookalikes(word: str) -> str:
    """Latin look-alike letters inside an otherwise Cyrillic word become Cyrillic
    ("Kазақ" written with a Latin K -> "Казақ"; "əлем" -> "әлем"). A word with a Latin
    letter that has no Cyrillic twin (e.g. "Samsungтың") or with no Cyrillic letter stays.
    Each part of a hyphenated compound is judged on its own."""
    if word.isascii() or _CYRILLIC_RE.search(word) is None:
        return word
    if _LATIN_LETTER_RE.search(word) is None:
        return word
    if "-" in word:  # each part of a compound on its own ("IT-маман" keeps its IT)
        return "-".join(fold_lookalikes(part) for part in word.split("-"))
    folded = word.translate(_LOOKALIKE_TABLE)
    if _LATIN_LETTER_RE.search(folded) is not None:
        return word  # a real Latin letter is left: a mixed word, not a typing accident
    return folded


def lower_kk(s: str) -> str:
    """Lower-case for Kazakh/Russian/English. str.lower() is right for every Kazakh Cyrillic
    letter (І->і, Ү->ү, Ұ->ұ, Ә, Ғ, Қ, Ң, Ө, Һ); the one trap is Latin İ, which Python lowers
    to two characters (i + U+0307): it becomes plain i. Dotless ı stays ı (look-alike
    folding turns it into і inside Cyrillic words)."""
    if "İ" in s:
        s = s.replace("İ", "i")
    return s.lower()


def normalize_number(s: str) -> str:
    """A number as a reader types it: group spaces (normal, no-break, thin) removed
    ("5 247 720" -> "5247720"); a single decimal separator becomes a comma, the Kazakh
    convention ("88.41" and "88,41" -> "88,41"). Other tokens are returned unchanged."""
    if not s[:1].isdigit():
        return s
    if not s.isdigit():
        s = _GROUP_SPACE_RE.sub("", s)
        m = _DECIMAL_RE.match(s)
        if m is not None:
            s = f"{m.group(1)},{m.group(2)}"
    return s


def fold_kazakh(s: str) -> str:
    """Kazakh letters as typed on a Russian keyboard: ә→а ғ→г қ→к ң→н ө→о ұ→у ү→у һ→х і→и."""
    return s.translate(_FOLD_TABLE)


def has_kazakh_letters(word: str) -> bool:
    """True when the word has one of ә ғ қ ң ө ұ ү һ і (either case)."""
    return _KAZAKH_RE.search(word) is not None


def normalize_word(s: str) -> str:
    """All character steps on one word, in chain order (no number or case-specific rules
    beyond lower-casing)."""
    return normalize_number(lower_kk(fold_lookalikes(unify_punct(remove_invisible(nfc(s))))))


def normalize_text(text: str) -> str:
    """Text-level clean-up for display or query parsing: NFC, invisible characters removed,
    punctuation unified. Offsets are NOT preserved (the analyzer keeps its own)."""
    return unify_punct(remove_invisible(nfc(text)))
