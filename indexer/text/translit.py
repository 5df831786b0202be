"""Kazakh written in Latin letters, read back as Cyrillic (for queries).

Two spellings are understood, in one pass:

- the official Latin alphabet of 2021: ä→ә, ğ→ғ, q→қ, ñ→ң, ö→ө, ū→ұ, ü→ү, ı→і, ş→ш,
  ç→ч, j→ж, y→ы, u→у, v→в, h→х, i→и (й after a vowel: "bai"→"бай"); e.g.
  dağdarys→дағдарыс, qoğam→қоғам, täuelsızdık→тәуелсіздік;
- informal ASCII ("as typed on an English keyboard"): sh→ш, ch→ч, zh→ж, kh→х, ya→я, yu→ю,
  yo→ё, shch→щ, w→у, x→х, c→с; e.g. dagdarys→дагдарыс,
  kogam→когам, zhol→жол. Such a reading has no Kazakh letters, so a search helper looks it
  up in the folded field.

h is read as х (the commoner letter; һ is rare outside Arabic loans such as «қаһар»).
`latin_to_cyrillic` returns None when the word is not all Latin letters (it has Cyrillic,
digits or other scripts) so the caller knows there is nothing to add.
"""

from __future__ import annotations

import re
from functools import lru_cache

_VOWELS = set("aäeoöuūüyıéáóúý")  # not i: "tiis" is тиіс, not тийс

# Longest first: the tokenizer below tries these in order at each position.
_MULTI = {
    "shch": "щ",
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "kh": "х",
    "ya": "я",
    "yu": "ю",
    "yo": "ё",
}
_SINGLE = {
    "a": "а",
    "ä": "ә",
    "b": "б",
    "c": "с",
    "ç": "ч",
    "d": "д",
    "e": "е",
    "é": "е",
    "f": "ф",
    "g": "г",
    "ğ": "ғ",
    "h": "х",
    "ı": "і",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "ñ": "ң",
    "o": "о",
    "ö": "ө",
    "p": "п",
    "q": "қ",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "u": "у",
    "ū": "ұ",
    "ü": "ү",
    "v": "в",
    "w": "у",
    "x": "х",
    "y": "ы",
    "z": "з",
    # Letters of the 2017/2018 drafts and Turkish-style keyboards, read the same way.
    "ý": "у",
    "ú": "ұ",
    "á": "ә",
    "ó": "ө",
    "ń": "ң",
    "ǵ": "ғ",
    "ş": "ш",
}
_PIECE_RE = re.compile("shch|sh|ch|zh|kh|ya|yu|yo|.", re.DOTALL)
_LETTERS = set(_SINGLE) | {"i"}


@lru_cache(maxsize=20_000)
def latin_to_cyrillic(word: str) -> str | None:
    """The Cyrillic reading of a Kazakh word typed in Latin letters, lower-cased; None when
    `word` has anything but Latin letters (an apostrophe or hyphen inside is allowed)."""
    w = word.strip().replace("İ", "i").lower()
    if not w or not any(c.isalpha() for c in w):
        return None
    if any(c not in _LETTERS and c not in "'’-" for c in w):
        return None
    out: list[str] = []
    pieces = _PIECE_RE.findall(w)
    for k, p in enumerate(pieces):
        if p in _MULTI:
            out.append(_MULTI[p])
        elif p == "i":
            prev = pieces[k - 1] if k else ""
            nxt = pieces[k + 1] if k + 1 < len(pieces) else ""
            # After a vowel and not before one, i is the glide й ("bai", "qoi", "aityp").
            out.append(
                "й" if prev and prev[-1] in _VOWELS and not (nxt and nxt[0] in _VOWELS) else "и"
            )
        elif p in _SINGLE:
            out.append(_SINGLE[p])
        elif p in "'’":
            continue
        else:
            out.append(p)
    return "".join(out)


def looks_latin(word: str) -> bool:
    """True when `word` is written in Latin letters only (a candidate for transliteration)."""
    return latin_to_cyrillic(word) is not None
