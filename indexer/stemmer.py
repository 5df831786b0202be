"""Kazakh stemmer (placeholder until the suffix tables land)."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable


class KazakhStemmer:
    """snowballstemmer-style interface: stemWord / stemWords."""

    def __init__(self, folded: bool = False) -> None:
        self.folded = folded

    def stemWord(self, word: str) -> str:  # noqa: N802 - snowball's name
        return word

    def stemWords(self, words: Iterable[str]) -> list[str]:  # noqa: N802
        return [self.stemWord(w) for w in words]


_STEMMER = KazakhStemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Cached stem of one lower-cased, normalised Kazakh word."""
    return _STEMMER.stemWord(word)
