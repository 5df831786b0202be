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

from rapidfuzz.distance import OSA

from indexer.search.budget import NEVER, Deadline
from indexer.search.query import Compiled, Compiler
from indexer.text.collation import KAZAKH_ALPHABET
from indexer.text.normalize import is_cyrillic_word

MIN_LENGTH = 3  # shorter words are not corrected
MAX_WORDS = 3  # unknown words of one query looked at
PREFIX = 2  # a correction keeps the first letters as typed (and is found much faster)
LONG_PREFIX = 3  # ... three of them for a word this long or longer: see LONG_FROM
LONG_FROM = 6
# A realistic vocabulary has thousands of forms under a two-letter prefix (the 100K benchmark
# index: 11,600 under «қа», a 30 ms walk).  So a short word's one-edit neighbours are spelled
# out and looked up (a few hundred look-ups of ~20 us), and a long word's walk keeps three
# letters as typed (typos there are rare), which reads a few hundred terms.
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyzäğıñöşüūéú"
OTHER_CHARACTERS = "0123456789-"  # index forms hold digits and hyphens too ("с-300")
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
        if len(form) < LONG_FROM:
            found = _one_edit(reader, form, PREFIX)
        else:
            found = _within(reader, form, dist, LONG_PREFIX + dist - 1)
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


def _within(reader, form: str, dist: int, keep: int) -> list[str]:
    """The index's written forms (other than `form`) that begin with its first `keep`
    letters and are at most `dist` edits from it (Whoosh's Damerau-Levenshtein, which is the
    optimal-string-alignment distance): what Whoosh's `terms_within` finds, by walking the
    prefix's terms in order (read in one sweep) rather than by its automaton,
    which seeks the term file once a step and costs tens of ms a word.  RapidFuzz measures
    the distances in C."""
    out = []
    n = len(form)
    osa = OSA.distance
    for btext in reader.expand_prefix("exact", form[:keep]):
        term = btext.decode("utf-8") if isinstance(btext, bytes) else btext
        if abs(len(term) - n) <= dist and term != form and osa(term, form) <= dist:
            out.append(term)
    return out


def _edits(form: str, keep: int) -> set[str]:
    """Every string one edit (delete, adjacent swap, replace, insert) from `form` that keeps
    its first `keep` letters: the forms the OSA distance puts at 1."""
    script = KAZAKH_ALPHABET.replace(" ", "") if is_cyrillic_word(form) else LATIN_LETTERS
    letters = script + OTHER_CHARACTERS
    head, out = form[:keep], set[str]()
    for i in range(keep, len(form) + 1):
        left, right = form[:i], form[i:]
        out.update(left + c + right for c in letters)
        if right:
            out.add(left + right[1:])
            out.update(left + c + right[1:] for c in letters)
        if len(right) > 1:
            out.add(left + right[1] + right[0] + right[2:])
    out.discard(form)
    return {w for w in out if w.startswith(head)}


def _one_edit(reader, form: str, keep: int) -> list[str]:
    """What `_within(reader, form, 1, keep)` finds, by looking up each one-edit neighbour."""
    return sorted(w for w in _edits(form, keep) if ("exact", w) in reader)


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
