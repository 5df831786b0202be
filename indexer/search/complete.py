"""Word completions for search as you type, from the index's word layer (`exact`: every
written form, lower-cased).

A prefix is read as search reads a word: look-alike letters and case normalised, Latin
transliterated, and typed without Kazakh letters (дагд for дағд). The forms that begin with
it are grouped by word (their stem), and each word is offered as its most frequent written
form, never as a raw stem: «дағдар» finds дағдарыс, not дағдар.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from typing import Any

from indexer.analysis.analyzers import stem_word
from indexer.search.engine import searcher
from indexer.text.normalize import KAZAKH_FOLD, has_kazakh_letters, normalize_word
from indexer.text.translit import latin_to_cyrillic

MIN_PREFIX = 2  # characters; one letter matches too much to be useful
MAX_PREFIX = 64
MAX_TERMS = 3000  # index forms looked at per prefix (the budget of one keystroke)
MAX_SPELLINGS = 32  # Kazakh spellings tried for a prefix typed without Kazakh letters
DEFAULT_LIMIT = 8
MAX_LIMIT = 20
FIELD = "exact"

# A letter typed on a Russian keyboard, and the Kazakh letters it may stand for.
_UNFOLD: dict[str, list[str]] = {}
for _kk, _ru in KAZAKH_FOLD.items():
    if _kk.islower():
        _UNFOLD.setdefault(_ru, [_ru]).append(_kk)

_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 2048


def last_word(text: str) -> str:
    """The word being typed: the last one of a query, without a leading operator or quote."""
    parts = text.split()
    return parts[-1].lstrip('-=+"«“(') if parts else ""


def _unfolded(word: str) -> list[str]:
    """A word typed without Kazakh letters, and the Kazakh spellings it may stand for."""
    if has_kazakh_letters(word) or not any(c in _UNFOLD for c in word):
        return [word]
    options = [_UNFOLD.get(c, [c]) for c in word]
    return ["".join(p) for p in itertools.islice(itertools.product(*options), MAX_SPELLINGS)]


def spellings(prefix: str) -> list[str]:
    """The index spellings a typed prefix may stand for, the prefix as typed first."""
    word = normalize_word(last_word(prefix))
    if not word or len(word) > MAX_PREFIX or not any(c.isalpha() for c in word):
        return []
    cyr = latin_to_cyrillic(word)
    if cyr and cyr != word:
        return [*_unfolded(cyr), word]
    return _unfolded(word)


def _word_forms(reader, prefixes: list[str]) -> dict[str, int]:
    """form -> occurrences, for the index forms beginning with any of `prefixes`."""
    forms: dict[str, int] = {}
    budget = MAX_TERMS
    for prefix in prefixes:
        for raw in reader.expand_prefix(FIELD, prefix):
            form = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            if form in forms or not form.replace("-", "").isalpha():
                continue
            forms[form] = reader.frequency(FIELD, form)
            budget -= 1
            if budget <= 0:
                return forms
    return forms


def complete(reader, prefix: str, limit: int = DEFAULT_LIMIT) -> list[dict]:
    """Up to `limit` words that begin with `prefix`: [{"word", "count"}], most frequent
    first; `word` is the word's most frequent written form, `count` all its forms' count."""
    if len(last_word(prefix)) < MIN_PREFIX or "exact" not in reader.schema:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    groups: dict[str, list[tuple[int, str]]] = {}
    for form, count in _word_forms(reader, spellings(prefix)).items():
        groups.setdefault(stem_word(form), []).append((count, form))
    words: list[dict[str, Any]] = []
    for members in groups.values():
        members.sort(key=lambda cf: (-cf[0], len(cf[1]), cf[1]))
        words.append({"word": members[0][1], "count": int(sum(c for c, _f in members))})
    words.sort(key=lambda w: (-w["count"], w["word"]))
    return words[:limit]


def completions(handle, prefix: str, limit: int = DEFAULT_LIMIT) -> dict:
    """`complete` over an index handle, remembered per index generation and prefix."""
    key = (id(getattr(handle, "ix", handle)), getattr(handle, "generation", None), prefix, limit)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    with searcher(handle) as s:
        words = complete(s.reader(), prefix, limit)
    result = {"prefix": last_word(prefix), "completions": words}
    with _cache_lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result
