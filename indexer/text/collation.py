"""Kazakh alphabetical order, for sorting words and concordance lines as a reader expects.

Code-point order puts the Kazakh letters (ә ғ қ ң ө ұ ү һ і, U+04xx) after я; the alphabet
puts each next to its base letter.  The order is data (`KAZAKH_ALPHABET`); `sort_key` turns
a word into a tuple that sorts in that order.
"""

from __future__ import annotations

from functools import lru_cache

#: The Cyrillic Kazakh alphabet in its dictionary order (42 letters).
KAZAKH_ALPHABET = (
    "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я"
)

# Rank bands: a character's key is its band plus its place in the band, so that digits sort
# before letters, Cyrillic before Latin, and anything else (punctuation, other scripts) last
# in code-point order.
_DIGIT, _KAZAKH, _LATIN, _OTHER = 0, 100, 200, 1_000
_RANK = {ch: _KAZAKH + i for i, ch in enumerate(KAZAKH_ALPHABET.split())}


def char_key(ch: str) -> int:
    """The place of one (lower-case) character in the order."""
    rank = _RANK.get(ch)
    if rank is not None:
        return rank
    if "0" <= ch <= "9":
        return _DIGIT + ord(ch) - ord("0")
    if "a" <= ch <= "z":
        return _LATIN + ord(ch) - ord("a")
    return _OTHER + ord(ch)


@lru_cache(maxsize=65_536)
def sort_key(word: str) -> tuple[int, ...]:
    """A key that sorts words in Kazakh alphabetical order, case aside (а < ә < б … < і < я)."""
    return tuple(char_key(ch) for ch in word.lower())


def sorted_kk(words) -> list[str]:
    """Words in Kazakh alphabetical order (ties: code points, so the result is stable)."""
    return sorted(words, key=lambda w: (sort_key(w), w))
