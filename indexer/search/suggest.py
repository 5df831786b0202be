""" "Did you mean": a corrected query from the index's own vocabulary.

Offered when a word of the query matches nothing in the index, whether or not the other
words find something (мұнай өндру -> мұнай өндіру).  For an unknown word the closest written forms in the
index are looked at, the nearest edit distance first (1, then 2); among those, the word
whose forms are most frequent wins, and it is shown in its shortest form, so that a typo of
a word is corrected to the word itself and not to a longer inflection of it (дағдарысс ->
дағдарыс, not дағдарысқа).
"""

from __future__ import annotations

import re
from collections import defaultdict

from indexer.search.budget import NEVER, Deadline
from indexer.search.query import Compiled, Compiler

MIN_LENGTH = 3  # shorter words are not corrected
MAX_WORDS = 3  # unknown words of one query looked at
PREFIX = 2  # a correction keeps the first letters as typed (and is found much faster)
TWO_EDITS_FROM = 7  # words this long may be two edits away from their correction; shorter, one


def _unknown_words(comp: Compiled) -> list[str]:
    """The plain words of the query (not excluded) that match nothing in the index."""
    return [
        e["word"]
        for e in comp.understood
        if e["as"] == "all_forms" and not e["detail"].get("found", True)
    ]


def closest_word(searcher, form: str) -> str | None:
    """The best correction of one written form (see the module docstring), or None."""
    reader = searcher.reader()
    analyzer = searcher.schema["text"].analyzer
    for dist in (1, 2) if len(form) >= TWO_EDITS_FROM else (1,):
        # (two edits away: one more letter kept as typed, else the walk costs tens of ms)
        keep = PREFIX + dist - 1
        found = [t for t in reader.terms_within("exact", form, dist, prefix=keep) if t != form]
        if not found:
            continue
        words: dict[str, list[str]] = defaultdict(list)  # the index's word key -> forms
        weight: dict[str, int] = defaultdict(int)
        for cand in found:
            keys = [t.text for t in analyzer(cand, mode="query")]
            key = keys[-1] if keys else cand
            words[key].append(cand)
            weight[key] += reader.doc_frequency("exact", cand)
        best = max(words, key=lambda k: (weight[k], k))
        return min(words[best], key=lambda f: (len(f), f))
    return None


def suggest(searcher, q: str, comp: Compiled, deadline: Deadline = NEVER) -> str | None:
    """The query with its unknown words corrected (MAX_WORDS of them at most, within the
    search's time budget), or None when nothing was changed."""
    if "exact" not in searcher.schema.names():
        return None
    c = Compiler(searcher.schema, searcher.reader())
    out = q
    for word in _unknown_words(comp)[:MAX_WORDS]:
        if not deadline.remaining():  # (not worth a late answer; the hits stay complete)
            break
        forms = c.terms("exact", c.variants(word)[0][0])
        if len(forms) != 1 or len(forms[0]) < MIN_LENGTH:
            continue
        better = closest_word(searcher, forms[0])
        if better:
            out = re.sub(r"(?<!\w)" + re.escape(word) + r"(?!\w)", better, out, count=1)
    return out if out != q else None


__all__ = ["suggest", "closest_word"]
