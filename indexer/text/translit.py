"""Kazakh written in Latin letters, read back as Cyrillic (for the analysis of Latin-script
paragraphs and for queries).

Three spellings are understood:

- the official Latin alphabet of 2021: ä→ә, ğ→ғ, q→қ, ñ→ң, ö→ө, ū→ұ, ü→ү, ı→і, ş→ш,
  ç→ч, j→ж, y→ы, u→у, v→в, h→х, ia→я, iu→ю, i→и (й after a vowel: "bai"→"бай"); e.g.
  dağdarys→дағдарыс, qoğam→қоғам, täuelsızdık→тәуелсіздік. The acute letters of the 2018
  draft are read the same way (á→ә, ǵ→ғ, ń→ң, ó→ө, ú→ү, ý→у);
- informal ASCII ("as typed on an English keyboard"): sh→ш, ch→ч, zh→ж, kh→х, ya→я, yu→ю,
  yo→ё, shch→щ, w→у, x→х, c→с; e.g. dagdarys→дагдарыс, kogam→когам, zhol→жол. Such a reading
  has no Kazakh letters; it meets the Cyrillic word in the folded field;
- the apostrophe alphabet of 2017 (`scheme="2017"`): a'→ә, g'→ғ, n'→ң, o'→ө, u'→ү, y'→у,
  s'→ш, c'→ч, i'→и/й, with plain u→ұ, y→ы, i→і; e.g. s'ekara→шекара, qazaqstannyn'→
  қазақстанның. Which alphabet a paragraph uses is `indexer.text.lang.latin_scheme`.

h is read as х (the commoner letter; һ is rare outside Arabic loans such as «қаһар»).
`latin_to_cyrillic` returns None when the word is not all Latin letters (it has Cyrillic,
digits or other scripts) so the caller knows there is nothing to read.
"""

from __future__ import annotations

import re
from functools import lru_cache

from indexer.text.normalize import APOSTROPHES

__all__ = ["latin_to_cyrillic", "looks_latin", "SCHEMES"]

#: The Latin alphabets `latin_to_cyrillic` reads.
SCHEMES = ("2021", "2017")

# Readings of letters and digraphs shared by every scheme; each scheme adds its own below.
_COMMON = {
    "shch": "щ",
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "kh": "х",
    "a": "а",
    "ä": "ә",
    "á": "ә",
    "b": "б",
    "ç": "ч",
    "d": "д",
    "e": "е",
    "é": "е",
    "f": "ф",
    "g": "г",
    "ğ": "ғ",
    "ǵ": "ғ",
    "h": "х",
    "ı": "і",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "ñ": "ң",
    "ń": "ң",
    "o": "о",
    "ö": "ө",
    "ó": "ө",
    "p": "п",
    "q": "қ",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "ū": "ұ",
    "ü": "ү",
    "ú": "ү",
    "v": "в",
    "w": "у",
    "x": "х",
    "ý": "у",
    "z": "з",
}
_READINGS = {
    "2021": {
        **_COMMON,
        "ia": "я",  # the 2021 alphabet writes я, ю as ia, iu (partiia, absoliut)
        "iu": "ю",
        "ya": "я",
        "yu": "ю",
        "yo": "ё",
        "c": "с",
        "u": "у",
        "y": "ы",
        "i": "и",
    },
    "2017": {
        **_COMMON,
        "a'": "ә",
        "g'": "ғ",
        "n'": "ң",
        "o'": "ө",
        "u'": "ү",
        "y'": "у",
        "s'": "ш",
        "c'": "ч",
        "i'": "и",
        "c": "ц",
        "u": "ұ",
        "y": "ы",
        "i": "і",
    },
}
# Longest first: the pattern tries these in order at each position.
_PIECE_RES = {
    scheme: re.compile(
        "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True) if len(k) > 1) + "|.",
        re.DOTALL,
    )
    for scheme, table in _READINGS.items()
}
# The letter that is и or й: "i" in 2021, "i'" in 2017. After a vowel it is й ("bai" ->
# бай, "keiın" -> кейін, "boiynşa" -> бойынша); after a consonant и ("tiis" -> тиіс).
_GLIDE = {"2021": "i", "2017": "i'"}
_CYR_VOWELS = frozenset("аәеоөұүыіуэ")
_APOS_TABLE = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))
_LETTERS = frozenset(c for table in _READINGS.values() for c in table if len(c) == 1)


@lru_cache(maxsize=50_000)
def latin_to_cyrillic(word: str, scheme: str = "2021") -> str | None:
    """The Cyrillic reading of a Kazakh word typed in Latin letters, lower-cased; None when
    `word` has anything but Latin letters (an apostrophe or hyphen inside is allowed).

    >>> latin_to_cyrillic("Dağdarystan"), latin_to_cyrillic("s'ekara", "2017")
    ('дағдарыстан', 'шекара')
    """
    w = word.strip().replace("İ", "i").lower().translate(_APOS_TABLE)
    if not w or not any(c.isalpha() for c in w):
        return None
    if any(c not in _LETTERS and c not in "'-" for c in w):
        return None
    table = _READINGS[scheme]
    glide = _GLIDE[scheme]
    pieces = _PIECE_RES[scheme].findall(w)
    out = [table.get(p, "" if p == "'" else p) for p in pieces]
    for k, p in enumerate(pieces):
        if p == glide and k and out[k - 1][-1:] in _CYR_VOWELS:
            out[k] = "й"
    return "".join(out)


def looks_latin(word: str) -> bool:
    """True when `word` is written in Latin letters only (a candidate for transliteration)."""
    return latin_to_cyrillic(word) is not None
