"""Concordance (keyword in context): every occurrence of one word, or of a phrase, in order.

A word is read as search reads it (folded «дагдарыс», Latin «dağdarys», look-alike letters)
and becomes one or more keys of the index's word layer (the `text` field); its surface forms
are the `exact` field's terms whose key it is.  An occurrence is a token of a paragraph whose
key is one of the word's keys (and, when forms are chosen, whose surface form is one of them);
an occurrence of a phrase is a run of tokens at consecutive positions holding its words.

How the work is bounded: counts and document order come from the postings (term frequency
per paragraph), so `total` and paging cost no analysis; only the paragraphs a page shows are
tokenised again to find the occurrences' characters.  Sorting by context needs the words
around every occurrence, so it tokenises every paragraph that holds the word: it is refused
above CONTEXT_SORT_MAX occurrences, and it runs in the search room's expensive lane within
the caller's time budget (indexer.search.budget), refused too when the budget runs out first
(the answer then comes in document order and says why).  A sort that cannot get the lane in
time raises Busy (HTTP 503).  Orders are cached per index generation, on the index handle.
The export (`iter_lines`) reads paragraphs in chunks, taking a search turn per chunk, so a
long export never holds up other searches; its TSV is written by the `csv` module.
"""

from __future__ import annotations

import csv
import threading
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from indexer.search.budget import TIME_BUDGET, Busy, Deadline
from indexer.search.engine import (
    QueryError,
    _cache,
    _docs,
    _paragraph_links,
    _ranker,
    _searcher,
    checked_budget,
    term_postings,
)
from indexer.search.highlight import tokens
from indexer.search.query import Compiler, clean, in_range
from indexer.text.collation import sort_key
from indexer.text.normalize import KAZAKH_FOLD, fold_kazakh

__all__ = [
    "QueryError",
    "Busy",
    "SORTS",
    "CONTEXT_SORT_MAX",
    "Word",
    "resolve_word",
    "resolve_words",
    "postings",
    "link_query",
    "concordance",
    "iter_lines",
    "TSV_COLUMNS",
    "tsv_row",
    "iter_tsv",
    "format_text",
]

SORTS = ("doc", "left", "right", "form")
# Occurrences sorted by context at most.  Measured (bench/bench_concordance.py): about 2,000
# occurrences a second with the analyzer's caches cold, 5,000 warm, on one core of the
# 2-core test machine; 25,000 keeps the first request under about 12 s (later pages and
# repeats come from the cache).
CONTEXT_SORT_MAX = 25_000
TOO_MANY = "too_many"  # why a context sort was refused: more than CONTEXT_SORT_MAX occurrences
CONTEXT_WORDS = 3  # words beside the match that decide the order of a context sort
DEFAULT_WIDTH, MIN_WIDTH, MAX_WIDTH = 60, 10, 300  # characters of context on each side
DEFAULT_LIMIT, MAX_LIMIT = 100, 1_000
MAX_WORD = 100  # characters of the word
MAX_PHRASE = 8  # words of a phrase
FORM_SCAN = 20_000  # `exact` terms looked at when collecting the forms of one key
UNCOVERED_SCAN = 200  # paragraphs re-read to find forms the prefix scan missed
FOLD_SAMPLE = 50  # paragraphs read to find the keys of a folded word that unfolding missed
EXPORT_CHUNK = 256  # paragraphs read per search turn while exporting
PLANS_KEPT = 16  # orders cached per generation

# Each letter typed without its Kazakh mark stands for itself or its marked letters.
_UNFOLD: dict[str, str] = {}
for _marked, _plain in KAZAKH_FOLD.items():
    if _marked.islower():
        _UNFOLD[_plain] = _UNFOLD.get(_plain, _plain) + _marked


@dataclass
class Word:
    """A word resolved against one index: its keys, forms and related words."""

    typed: str
    keys: tuple[str, ...]
    forms: list[dict] = field(default_factory=list)  # {form, count, paragraphs}, corpus-wide
    related: list[dict] = field(default_factory=list)  # {form, key, count}, when `root` exists
    phrase: tuple[tuple[str, ...], ...] = ()  # a phrase: the keys of each of its words


# -- the word and its forms ------------------------------------------------------------------


def _known(reader, key: str) -> bool:
    return bool(reader.doc_frequency("text", key))


def _has_prefix(reader, fieldname: str, prefix: str) -> bool:
    return next(iter(reader.expand_prefix(fieldname, prefix)), None) is not None


def _unfold(reader, folded: str, keep: int = 64) -> list[str]:
    """The `text` keys that read as `folded` once their Kazakh letters lose their marks,
    found letter by letter, keeping only prefixes that some key starts with."""
    prefixes = [""]
    for ch in folded:
        grown = [p + alt for p in prefixes for alt in _UNFOLD.get(ch, ch)]
        prefixes = [p for p in grown if _has_prefix(reader, "text", p)][:keep]
        if not prefixes:
            return []
    return [p for p in prefixes if _known(reader, p)]


def _keys_of_folds(searcher, folds: list[str]) -> list[str]:
    """Keys of tokens whose fold is one of `folds`, read from a few paragraphs that hold it
    (for a fold that no key unfolds to, e.g. where the folded stemmer cut differently)."""
    reader, found = searcher.reader(), Counter[str]()
    for fold in folds:
        ids, _tfs = term_postings(reader, "fold", fold)
        for docnum in ids[:FOLD_SAMPLE]:
            text = searcher.stored_fields(docnum).get("text", "")
            for t in tokens(searcher.schema, text, need_fold=True):
                if t["fold"] == fold and t["stem"]:
                    found[t["stem"]] += 1
    return [k for k, _ in found.most_common()]


def _keys(searcher, word: str) -> list[str]:
    schema, reader = searcher.schema, searcher.reader()
    c = Compiler(schema, reader)
    keys: list[str] = []
    for spelled, _boost in c.variants(word):
        terms = c.terms("text", spelled)
        if len(terms) > 1:  # a compound: the whole, as the index holds it
            whole = [t.text for t in schema["text"].analyzer(spelled, mode="index")][:1]
            terms = whole if whole and _known(reader, whole[0]) else []
            if not terms:
                raise QueryError("Give one word.", "one_word")
        keys += [t for t in terms if _known(reader, t)]
        if "fold" in schema and fold_kazakh(spelled) == spelled:
            folds = [f for f in c.terms("fold", spelled) if reader.doc_frequency("fold", f)]
            unfolded = [k for f in folds for k in _unfold(reader, f)]
            keys += unfolded or _keys_of_folds(searcher, folds)
        if keys:
            break
    if not keys:  # not in the index: the word's own key, so that the answer can say so
        keys = c.terms("text", c.variants(word)[0][0])[:1]
    return list(dict.fromkeys(keys))


def _key_forms(handle, searcher, key: str) -> list[str]:
    """Surface forms in the `exact` lexicon whose key is `key` (cached per generation).

    Kazakh inflection adds suffixes, so nearly every form of a key starts with the key less
    its last letter (кітап: кітабы); only those terms are analysed.  Forms outside that range
    (a dropped vowel: ерін, ерні) are found by `_uncovered_forms`."""
    cache = _cache(handle).setdefault("key_forms", {})
    got = cache.get(key)
    if got is None:
        analyzer = searcher.schema["text"].analyzer
        prefix = key[:-1] if len(key) > 2 else key[:1]
        got = []
        for i, b in enumerate(searcher.reader().expand_prefix("exact", prefix)):
            if i >= FORM_SCAN:
                break
            form = b.decode("utf-8") if isinstance(b, bytes) else b
            keys = [t.text for t in analyzer(form, mode="query")]
            if keys and keys[-1] == key and (len(keys) == 1 or "-" in form):
                got.append(form)
        if len(cache) > 2000:
            cache.clear()
        cache[key] = got
    return got


def postings(reader, fieldname: str, terms, within: dict | None = None) -> dict[int, int]:
    """docnum -> summed term frequency of `terms`, only over `within`'s docnums if given."""
    out: dict[int, int] = {}
    for term in terms:
        ids, tfs = term_postings(reader, fieldname, term)
        for d, tf in zip(ids, tfs):
            if within is None or d in within:
                out[d] = out.get(d, 0) + int(tf)
    return out


def _uncovered_forms(searcher, keys, per_para: dict[int, int], covered: dict[int, int]):
    """Forms of `keys` in paragraphs where the listed forms do not account for every token."""
    found: set[str] = set()
    short = [d for d, n in per_para.items() if covered.get(d, 0) < n][:UNCOVERED_SCAN]
    for docnum in short:
        text = searcher.stored_fields(docnum).get("text", "")
        for t in tokens(searcher.schema, text, need_fold=False):
            if t["stem"] in keys and t["exact"]:
                found.add(t["exact"])
    return found


def _related(handle, searcher, word: str, keys) -> list[dict]:
    """Words sharing the broad `root` key with the word (derivations), with counts; empty
    when the index has no `root` field."""
    schema, reader = searcher.schema, searcher.reader()
    if "root" not in schema:
        return []
    c = Compiler(schema, reader)
    roots = set(c.terms("root", c.variants(word)[0][0]))
    by_key: dict[str, Counter] = {}
    root_analyzer, text_analyzer = schema["root"].analyzer, schema["text"].analyzer
    for root in roots:
        prefix = root[:-1] if len(root) > 2 else root[:1]
        for i, b in enumerate(reader.expand_prefix("exact", prefix)):
            if i >= FORM_SCAN:
                break
            form = b.decode("utf-8") if isinstance(b, bytes) else b
            if [t.text for t in root_analyzer(form, mode="query")][-1:] != [root]:
                continue
            key = [t.text for t in text_analyzer(form, mode="query")][-1:]
            if key and key[0] not in keys:
                by_key.setdefault(key[0], Counter())[form] += int(reader.frequency("exact", form))
    out = [
        {"form": forms.most_common(1)[0][0], "key": key, "count": sum(forms.values())}
        for key, forms in by_key.items()
        if sum(forms.values())
    ]
    out.sort(key=lambda r: (-r["count"], sort_key(r["form"])))
    return out


def resolve_word(handle, searcher, w: str) -> Word:
    """The word `w` in this index: its keys, its forms with counts, its related words."""
    word = clean(w or "").strip()
    if not word or len(word) > MAX_WORD or " " in word:
        raise QueryError("Give one word.", "one_word")
    cache = _cache(handle).setdefault("words", OrderedDict())
    got = cache.get(word)
    if got is not None:
        return got
    reader = searcher.reader()
    keys = tuple(_keys(searcher, word))
    per_para = postings(reader, "text", keys)
    forms = {f for k in keys for f in _key_forms(handle, searcher, k)}
    per_form = {f: postings(reader, "exact", [f], per_para) for f in forms}
    covered: dict[int, int] = {}
    for counts in per_form.values():
        for d, n in counts.items():
            covered[d] = covered.get(d, 0) + n
    for f in _uncovered_forms(searcher, keys, per_para, covered) - forms:
        per_form[f] = postings(reader, "exact", [f], per_para)
    order = sorted(
        (f for f, c in per_form.items() if c),
        key=lambda f: (-sum(per_form[f].values()), sort_key(f)),
    )
    listed = [
        {"form": f, "count": sum(per_form[f].values()), "paragraphs": len(per_form[f])}
        for f in order
    ]
    got = Word(word, keys, listed, _related(handle, searcher, word, keys))
    with _WORDS_LOCK:
        cache[word] = got
        while len(cache) > 256:
            cache.popitem(last=False)
    return got


_WORDS_LOCK = threading.Lock()


def resolve_words(handle, searcher, w: str) -> Word:
    """One word (`resolve_word`) or a phrase of up to MAX_PHRASE words, each word read as
    search reads it; a phrase matches its words at consecutive positions, each in any form."""
    words = clean(w or "").split()
    if len(words) <= 1:
        return resolve_word(handle, searcher, w)
    if len(words) > MAX_PHRASE:
        raise QueryError(
            f"Give one word or a phrase of at most {MAX_PHRASE} words.",
            "word_or_phrase",
            max=MAX_PHRASE,
        )
    parts = [resolve_word(handle, searcher, x) for x in words]
    keys = tuple(dict.fromkeys(k for p in parts for k in p.keys))
    return Word(" ".join(words), keys, phrase=tuple(p.keys for p in parts))


def _positions(reader, key: str, docnums: list[int]) -> dict[int, list[int]]:
    """The positions of `key` in each of `docnums` (ascending) that holds it."""
    out: dict[int, list[int]] = {}
    if not reader.doc_frequency("text", key):
        return out
    m = reader.postings("text", key)
    for d in docnums:
        if not m.is_active():
            break
        if m.id() < d:
            m.skip_to(d)
        if m.is_active() and m.id() == d:
            out[d] = list(m.value_as("positions"))
    return out


def _phrase_counts(reader, phrase, candidates: dict[int, int]) -> dict[int, int]:
    """docnum -> occurrences of the phrase, from the positions the index keeps (only in
    paragraphs that hold every word)."""
    per_word = [postings(reader, "text", keys, candidates) for keys in phrase]
    common = sorted(set(candidates).intersection(*per_word))
    at: list[dict[int, set[int]]] = []
    for keys in phrase:
        found: dict[int, set[int]] = {}
        for key in keys:
            for d, ps in _positions(reader, key, common).items():
                found.setdefault(d, set()).update(ps)
        at.append(found)
    out = {}
    for d in common:
        starts = at[0].get(d, set())
        n = sum(all(p + i in at[i].get(d, ()) for i in range(1, len(phrase))) for p in starts)
        if n:
            out[d] = n
    return out


# -- orders ----------------------------------------------------------------------------------


@dataclass
class Plan:
    """One order of a word's occurrences as runs: (docnum, count, form, pos).

    A run is `count` occurrences in one paragraph, in reading order; `form` narrows it to
    one surface form (the form order), `pos` to the one token at that position (context
    orders).  `ends[i]` is the number of occurrences up to and including run i."""

    runs: list[tuple[int, int, str | None, int]]
    ends: list[int]
    sort: str
    refused: str | None = None  # the context sort asked for, when it was refused
    why: str | None = None  # TOO_MANY, or TIME_BUDGET when the budget ran out first

    @property
    def total(self) -> int:
        return self.ends[-1] if self.ends else 0


def _ends(runs) -> list[int]:
    out, acc = [], 0
    for run in runs:
        acc += run[1]
        out.append(acc)
    return out


def _matches(toks: list[dict], word: Word, forms, form: str | None, pos: int) -> list[dict]:
    """The tokens of a paragraph that are occurrences (one per position), in order."""
    if word.phrase:
        return _phrase_matches(toks, word.phrase, pos)
    out, seen = [], set()
    keys = word.keys
    for t in toks:
        if t["stem"] not in keys or t["pos"] in seen:
            continue
        if (forms is not None and t["exact"] not in forms) or (form and t["exact"] != form):
            continue
        if pos >= 0 and t["pos"] != pos:
            continue
        seen.add(t["pos"])
        out.append(t)
    return out


def _phrase_matches(toks: list[dict], phrase, pos: int) -> list[dict]:
    """Runs of tokens at consecutive positions, the i-th with a key of the i-th word, as one
    token each (the span from the first to the last; compound parts share positions)."""
    at: dict[int, list[dict]] = {}
    for t in toks:
        at.setdefault(t["pos"], []).append(t)
    out = []
    for p in sorted(at) if pos < 0 else [pos]:
        run = []
        for i, keys in enumerate(phrase):
            hit = next((t for t in at.get(p + i, ()) if t["stem"] in keys), None)
            if hit is None:
                break
            run.append(hit)
        if len(run) == len(phrase):
            exact = " ".join(t["exact"] or "" for t in run)
            last = p + len(run) - 1
            out.append(
                {
                    "start": run[0]["start"],
                    "end": run[-1]["end"],
                    "pos": p,
                    "last": last,
                    "exact": exact,
                }
            )
    return out


def _context_key(toks: list[dict], at: dict, side: str) -> tuple:
    """The words beside the match, outward from it, as collation keys."""
    words: list[tuple] = []
    first, last = at["pos"], at.get("last", at["pos"])
    seen = set(range(first, last + 1))
    seq = toks if side == "right" else reversed(toks)
    for t in seq:
        if len(words) >= CONTEXT_WORDS:
            break
        beside = t["pos"] > last if side == "right" else t["pos"] < first
        if beside and t["pos"] not in seen and t["exact"]:
            seen.add(t["pos"])
            words.append(sort_key(t["exact"]))
    return tuple(words)


def _plan(handle, schema, scope: dict[int, int], per_form, forms, sort: str, word, rank, deadline):
    reading = sorted(scope, key=rank)
    if sort == "form":
        runs = []
        for f in sorted(per_form, key=lambda f: (sort_key(f), f)):
            if forms is None or f in forms:
                counts = per_form[f]
                runs += [(d, counts[d], f, -1) for d in reading if d in counts]
        return Plan(runs, _ends(runs), sort)
    runs = [(d, scope[d], None, -1) for d in reading]
    plan = Plan(runs, _ends(runs), "doc")
    if sort == "doc":
        return plan
    if plan.total > CONTEXT_SORT_MAX:
        plan.refused, plan.why = sort, TOO_MANY
        return plan
    keyed = _context_order(handle, schema, reading, scope, forms, sort, word, rank, deadline)
    if keyed is None:
        plan.refused, plan.why = sort, TIME_BUDGET
        return plan
    runs = [(d, 1, None, pos) for _k, _r, pos, d in keyed]
    return Plan(runs, _ends(runs), sort)


def _context_order(handle, schema, reading, scope, forms, side, word, rank, deadline):
    """The occurrences keyed by the words on `side`, sorted; None when the deadline passes
    first.  Tokenising every paragraph is the costliest thing a concordance does, so it
    runs in the expensive lane (one at a time per process; Busy when the lane does not come
    within the deadline), and asks the deadline between chunks of paragraphs."""
    keyed = []
    with _searcher(handle, deadline, expensive=True) as s:
        for chunk in _chunks(reading, EXPORT_CHUNK):
            if deadline.expired():
                return None
            for d in chunk:
                text = s.stored_fields(d).get("text", "")
                toks = tokens(schema, text, need_fold=False)
                for m in _matches(toks, word, forms, None, -1)[: scope[d]]:
                    keyed.append((_context_key(toks, m, side), rank(d), m["pos"], d))
    keyed.sort()
    return keyed


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class Selection:
    """What a concordance shows: the word, its chosen forms, one document, one order."""

    word: Word
    forms: frozenset | None  # None: every form
    doc: str | None
    plan: Plan
    scope_forms: list[dict]  # the word's forms with counts within `doc`
    schema: Any  # the index's schema, read once (Index.schema unpickles it on every call)


def _select(handle, w: str, forms, doc: str | None, sort: str, deadline: Deadline) -> Selection:
    if sort not in SORTS:
        raise QueryError(
            "sort must be one of: " + ", ".join(SORTS) + ".",
            "choice",
            name="sort",
            choices=", ".join(SORTS),
        )
    chosen = frozenset(clean(f).lower() for f in forms if f.strip()) if forms else None
    with _searcher(handle, deadline) as s:
        word, schema = resolve_words(handle, s, w), s.schema
    if word.phrase:  # a phrase has no list of forms to choose from or sort by
        chosen, sort = None, "doc" if sort == "form" else sort
    key = (word.phrase or word.keys, chosen, doc, sort)
    got = _cached_plan(
        handle, key, deadline, lambda: _build(handle, word, chosen, doc, sort, deadline)
    )
    plan, in_scope = got
    return Selection(word, chosen, doc, plan, in_scope, schema)


def _cached_plan(handle, key, deadline: Deadline, build):
    """The order `key` from the generation's cache (on the handle), else `build()` it.

    One build per order at a time: a second request for the same order (a reload while a
    long context sort runs) waits for it, within its own deadline, instead of doing it
    again.  An order refused for lack of time is not kept: the next request tries again."""
    cache = _cache(handle)
    plans = cache.setdefault("concordance", OrderedDict())
    got = plans.get(key)
    if got is not None:
        return got
    with _WORDS_LOCK:
        building = cache.setdefault("concordance_building", {})
        lock, users = building.get(key, (threading.Lock(), 0))
        building[key] = (lock, users + 1)
    try:
        if not _wait(lock, deadline):
            raise Busy("The server is busy preparing this order; try again in a moment.")
        try:
            got = plans.get(key)
            if got is None:
                got = build()
                if got[0].why != TIME_BUDGET:
                    with _WORDS_LOCK:
                        plans[key] = got
                        while len(plans) > PLANS_KEPT:
                            plans.popitem(last=False)
        finally:
            lock.release()
    finally:
        with _WORDS_LOCK:  # the last one waiting for this order lets its lock go
            lock, users = building[key]
            if users > 1:
                building[key] = (lock, users - 1)
            else:
                del building[key]
    return got


def _wait(lock: threading.Lock, deadline: Deadline) -> bool:
    if deadline.seconds == float("inf"):
        return lock.acquire()
    return lock.acquire(timeout=deadline.remaining())


def _build(handle, word: Word, chosen, doc, sort: str, deadline) -> tuple[Plan, list[dict]]:
    """The order of the occurrences, and the word's forms counted within `doc`."""
    with _searcher(handle, deadline) as s:
        lay = _ranker(handle, s).layout
        reader, schema = s.reader(), s.schema
        per_para = postings(reader, "text", word.keys)
        if doc is not None:
            per_para = {d: n for d, n in per_para.items() if lay.doc_id_of[d] == doc}
        if word.phrase:
            per_para = _phrase_counts(reader, word.phrase, per_para)
        per_form = {f["form"]: postings(reader, "exact", [f["form"]], per_para) for f in word.forms}
    per_form = {f: c for f, c in per_form.items() if c}
    scope = per_para
    if chosen is not None:
        scope = {}
        for f in chosen & per_form.keys():
            for d, n in per_form[f].items():
                scope[d] = min(scope.get(d, 0) + n, per_para[d])
    in_scope = [
        {"form": f, "count": sum(c.values()), "selected": chosen is None or f in chosen}
        for f, c in per_form.items()
    ]
    in_scope.sort(key=lambda r: (-r["count"], sort_key(r["form"])))
    slot_of, slot_rank = lay.slot_of, lay.rank

    def rank(d: int) -> int:
        return slot_rank[slot_of[d]]

    # (outside the search turn: a context sort takes the expensive lane itself)
    plan = _plan(handle, schema, scope, per_form, chosen, sort, word, rank, deadline)
    return plan, in_scope


# -- lines -----------------------------------------------------------------------------------


def link_query(word: Word, forms=None) -> str:
    """The search query that marks exactly these occurrences on a document page: the chosen
    forms as exact terms, else the word's key written as one of its forms (a folded or
    Latin spelling could also match other words through the `fold` field); a phrase as a
    quoted phrase."""
    if word.phrase:
        return f'"{word.typed}"'
    if forms is not None:
        return " OR ".join("=" + f for f in sorted(forms, key=sort_key))
    listed = {f["form"] for f in word.forms}
    if len(word.keys) == 1 and word.forms:
        key = word.keys[0]
        return key if key in listed else word.forms[0]["form"]
    if word.keys and all(k in listed for k in word.keys):
        return " OR ".join(word.keys)
    return word.typed


def _line(handle, fields: dict, text: str, t: dict, width: int, q: str) -> dict:
    doc_id, n = fields.get("doc_id", ""), fields.get("n", 0)
    a, b = t["start"], t["end"]
    meta = _docs(handle).get(doc_id, {})
    links = _paragraph_links(doc_id, n, fields.get("fp", ""), q)
    return {
        "doc_id": doc_id,
        "doc_title": meta.get("title") or fields.get("title", ""),
        "paragraph": n,
        "anchor": links["anchor"],
        "permalink": links["permalink"],
        "url": links["url"],
        "left": text[max(0, a - width) : a],
        "match": text[a:b],
        "right": text[b : b + width],
        "form": t["exact"],
    }


def _run_lines(
    handle, sel: Selection, runs, first_skip: int, want: int | None, width: int, deadline=None
):
    """Lines of consecutive runs: `first_skip` occurrences of the first run left out, at
    most `want` lines (None: all)."""
    q = link_query(sel.word, sel.forms)
    with _searcher(handle, deadline) as s:
        fields = {d: s.stored_fields(d) for d in dict.fromkeys(r[0] for r in runs)}
    out: list[dict] = []
    skip = first_skip
    toks_of: dict[int, list[dict]] = {}
    for d, count, form, pos in runs:
        text = fields[d].get("text", "")
        toks = toks_of.get(d)
        if toks is None:
            toks = toks_of[d] = tokens(sel.schema, text, need_fold=False)
        ms = _matches(toks, sel.word, sel.forms, form, pos)
        for t in ms[:count][skip:]:
            if want is not None and len(out) >= want:
                return out
            out.append(_line(handle, fields[d], text, t, width, q))
        skip = 0
    return out


def concordance(
    handle,
    w: str,
    forms: list[str] | None = None,
    doc: str | None = None,
    sort: str = "doc",
    offset: int = 0,
    limit: int = DEFAULT_LIMIT,
    width: int = DEFAULT_WIDTH,
    budget: float | None = None,
) -> dict:
    """One page of the concordance of `w` (the /concordance page and /api/concordance).

    `budget`: seconds the request may take (the search budget by default; waiting for a
    turn counts).  A context sort that cannot finish within it is refused (`sort_refused`,
    the lines in document order); Busy when no turn comes in time."""
    in_range(limit, "limit", 1, MAX_LIMIT)
    if offset < 0:
        raise QueryError("offset must not be negative.", "negative", name="offset")
    in_range(width, "width", MIN_WIDTH, MAX_WIDTH)
    deadline = Deadline(checked_budget(budget))
    sel = _select(handle, w, forms, doc, sort, deadline)
    plan = sel.plan
    i = bisect_right(plan.ends, offset)
    skip = offset - (plan.ends[i - 1] if i else 0)
    # Runs this page can touch: at most `limit` of them after the first.
    lines = _run_lines(handle, sel, plan.runs[i : i + limit + 1], skip, limit, width, deadline)
    out = {
        "word": sel.word.typed,
        "keys": list(sel.word.keys),
        "forms": sel.scope_forms,
        "related": sel.word.related,
        "doc": doc,
        "sort": plan.sort,
        "total": plan.total,
        "offset": offset,
        "limit": limit,
        "width": width,
        "link_query": link_query(sel.word, sel.forms),
        "lines": lines,
    }
    if plan.refused:
        out["sort_refused"] = {"asked": plan.refused, "most": CONTEXT_SORT_MAX, "why": plan.why}
    return out


def iter_lines(
    handle,
    w: str,
    forms: list[str] | None = None,
    doc: str | None = None,
    sort: str = "doc",
    width: int = DEFAULT_WIDTH,
    budget: float | None = None,
) -> Iterator[dict]:
    """Every line of the concordance, in order, a chunk of paragraphs per search turn.

    The word and the order are settled before this returns, within `budget` as for
    `concordance` (a bad request raises QueryError here, not halfway through an export);
    the lines are then read without a deadline, a turn per chunk."""
    in_range(width, "width", MIN_WIDTH, MAX_WIDTH)
    sel = _select(handle, w, forms, doc, sort, Deadline(checked_budget(budget)))

    def lines() -> Iterator[dict]:
        for chunk in _chunks(sel.plan.runs, EXPORT_CHUNK):
            yield from _run_lines(handle, sel, chunk, 0, None, width)

    return lines()


TSV_COLUMNS = ("doc_id", "doc_title", "paragraph", "left", "match", "right", "form", "permalink")


class _Row:
    """Where the csv writer puts one row, so that rows can be yielded one at a time."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text


def _tsv_writer(out: _Row):
    # Tab-separated, a value holding a tab or a double quote in double quotes (RFC 4180
    # style, as csv.reader(delimiter="\t"), pandas and spreadsheets read it).
    return csv.writer(out, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def tsv_row(values) -> str:
    """One TSV row.  Line breaks inside a value become spaces, so that a row is one line
    for line-oriented tools; tabs and quotes are quoted."""
    out = _Row()
    cells = [" ".join(str(v).splitlines()) if v is not None else "" for v in values]
    _tsv_writer(out).writerow(cells)
    return out.text


def iter_tsv(handle, w: str, **kw) -> Iterator[str]:
    """The export: a header row, then one row per occurrence (as `iter_lines`), one string
    per row, streamed."""
    lines = iter_lines(handle, w, **kw)

    def rows() -> Iterator[str]:
        yield tsv_row(TSV_COLUMNS)
        for line in lines:
            yield tsv_row(line[c] for c in TSV_COLUMNS)

    return rows()


def format_text(result: dict) -> str:
    """A page of the concordance for the terminal: the match in brackets, aligned."""
    width = result["width"]
    forms = ", ".join(
        f"{f['form']} {f['count']}" + ("" if f.get("selected", True) else " (not shown)")
        for f in result["forms"]
    )
    shown = len(result["lines"])
    first = result["offset"] + 1 if shown else 0
    head = [
        f"{result['word']}: {result['total']} occurrences, {first}-{result['offset'] + shown} "
        f"shown, sorted by {result['sort']}"
    ]
    if forms:
        head.append("forms: " + forms)
    if result["related"]:
        head.append("related words: " + ", ".join(r["form"] for r in result["related"]))
    if result.get("sort_refused"):
        r = result["sort_refused"]
        why = (
            "it could not be sorted within the time budget"
            if r.get("why") == TIME_BUDGET
            else f"more than {r['most']} occurrences"
        )
        head.append(f"({why}: not sorted by {r['asked']} context, in document order)")
    rows = []
    for ln in result["lines"]:
        left = " ".join(ln["left"].split())[-width:]
        right = " ".join(ln["right"].split())
        rows.append(f"{left:>{width}} [{ln['match']}] {right}   {ln['anchor']}")
    return "\n".join([*head, "", *rows])
