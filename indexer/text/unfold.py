"""Kazakh letters put back into a word typed without them.

Informal Latin spelling has no letters for ә ғ қ ң ө ұ ү і: "dagdarystan" reads as
«дагдарыстан», whose stem «дагдарыс» is not the word key of «дағдарыстан». When the stem of
such a reading is not a dictionary word, `unfolded_stem` folds it, stems it with the folded
stemmer, and looks the folded stem up among the dictionary words (`indexer.text.lexicon`)
folded the same way: a single match (or one clearly more frequent in the news counts) is the
word meant. The analysis then keys the word under that dictionary word, so a Cyrillic query
finds the informal spelling in the word layer too, not only in the folded field.
"""

from __future__ import annotations

from functools import lru_cache

from indexer.text import lexicon as lexicon_mod
from indexer.text import stemmer
from indexer.text.normalize import fold_kazakh, has_kazakh_letters

__all__ = ["unfolded_stem"]

#: A folded stem that several dictionary words share is unfolded only to one that the news
#: counts show at least this many times as often as the next.
DOMINANCE = 4


@lru_cache(maxsize=1)
def _tables() -> tuple[frozenset[str], dict[str, str]]:
    """(dictionary words, {folded word: the dictionary word with Kazakh letters})."""
    lex = lexicon_mod.load()
    if lex is None:
        return frozenset(), {}
    words = lex.nouns | lex.verbs
    candidates: dict[str, list[str]] = {}
    for w in words:
        if has_kazakh_letters(w):
            candidates.setdefault(fold_kazakh(w), []).append(w)
    unfold: dict[str, str] = {}
    for folded, ws in candidates.items():
        if folded in words:
            continue  # the folded spelling is a word itself (кол, қол, көл): leave it
        ws.sort(key=lambda w: lex.freq.get(w, 0), reverse=True)
        if len(ws) == 1 or lex.freq.get(ws[0], 0) >= DOMINANCE * max(1, lex.freq.get(ws[1], 0)):
            unfold[folded] = ws[0]
    return words, unfold


@lru_cache(maxsize=50_000)
def unfolded_stem(word: str) -> str | None:
    """The dictionary word a Cyrillic word typed without its Kazakh letters stands for, or
    None when its own stem is a dictionary word or nothing fits.

    >>> unfolded_stem("дагдарыстан")
    'дағдарыс'
    >>> unfolded_stem("дағдарыстан") is None
    True
    """
    words, unfold = _tables()
    if not unfold or stemmer.stem(word) in words:
        return None
    return unfold.get(stemmer.stem_folded(fold_kazakh(word)))
