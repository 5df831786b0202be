"""Matching, counting and ranking over raw postings: the engine under `indexer.search.engine`.

Whoosh finds the top hits of simple queries well, but counting every match (for `total` and
the per-document facets), phrases over frequent words and long OR-ed questions cost several
microseconds a posting in its Python matchers.  Here, per index generation:

- every paragraph has a *slot*: the paragraphs of one document sit side by side and each
  document starts on a byte boundary (`Layout`);
- a term's postings are decoded once (straight from Whoosh's posting blocks) into sorted
  slot numbers and BM25 values, and its matching paragraphs into a bit set held in a Python
  int (`TermData`, kept in a least-recently-used cache of frequent terms);
- a query's matching set is computed with C-speed integer operations (AND, OR, AND NOT), so
  `total` is a population count and per-document counts are byte population counts over
  each document's byte range;
- phrases intersect the words' bit sets, then check positions read only from the posting
  blocks of the candidate paragraphs;
- ranking sums BM25 (Whoosh's BM25F formula, idf and stored field lengths: the same scores
  as Whoosh) term at a time with MaxScore pruning: once the terms not yet added cannot lift
  a new paragraph into the top k, the remaining terms are only added for the candidates
  that can still make it (exact: the top k is the one a full sum gives).
"""

from __future__ import annotations

import heapq
import re
import threading
import time
from array import array
from bisect import bisect_left
from collections import OrderedDict
from itertools import accumulate, compress, repeat
from operator import ge, itemgetter, mul, sub
from pickle import loads

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from indexer.config import env_float
from indexer.search.budget import NEVER, Deadline


def bm25_parameters(weighting, fieldname: str) -> tuple[float, float]:
    """(K1, B) of the searcher's weighting for one field; Unsupported when the weighting is
    not Whoosh's BM25F (then Whoosh's own scorer is the only one that knows its scores)."""
    if type(weighting) is not BM25F:
        raise Unsupported(type(weighting).__name__)
    per_field = getattr(weighting, "_field_B", None) or {}
    return float(weighting.K1), float(per_field.get(fieldname, weighting.B))


# Decoded postings of the terms searched are kept per generation, least recently used out, within this many bytes (about 12 bytes a posting, plus one bit per
# paragraph for the bit set of a term in more than 1/64 of the paragraphs, plus the encoded
# positions of terms in at most RAW_MAX_DF paragraphs).  IZDE_SEARCH_CACHE_MB overrides it.
CACHE_BYTES = int(env_float("IZDE_SEARCH_CACHE_MB", 1024, 0) * 1024 * 1024)
RAW_MAX_DF = 256
SPARSE = 4_096  # sets up to this size are listed; beyond, counted by bytes
SPARSE_STEP = 10  # doc_counts: listing a member costs about this many bytes' counting
BEST = 256  # per term, its best-scoring slots (for MaxScore's first threshold)
POSITIONS_CACHE = 200_000  # (term, paragraph) positions kept per generation (top candidates)
PHRASE_CACHE_MAX = 2_000  # phrase checks of more candidates than this are not cached
PHRASE_CHUNK = 4_096  # phrase candidates checked between two looks at the deadline
EPS = 1e-6  # MaxScore bounds are compared with this margin (exactness)

_NONZERO = re.compile(rb"[^\x00]+")
_BITPOS = [tuple(i for i in range(8) if v >> i & 1) for v in range(256)]
_POPCOUNT = bytes(bin(v).count("1") for v in range(256))


def slots_of_bits(x: int) -> list[int]:
    """The set bits of `x`, ascending (cost: one step per non-zero byte)."""
    if not x:
        return []
    b = x.to_bytes((x.bit_length() + 7) >> 3, "little")
    out: list[int] = []
    ext = out.extend
    for m in _NONZERO.finditer(b):
        i = m.start()
        for v in m.group():
            base = i << 3
            ext([base + k for k in _BITPOS[v]])
            i += 1
    return out


def _positions_decoder(fmt):
    """Whoosh's Positions decoder, without its per-position Python loop."""
    if type(fmt) is not Positions:
        return fmt.decoder("positions")

    def decode(v: bytes, _loads=loads, _acc=accumulate) -> list[int]:
        if v[-1:] != b".":
            v += b"."
        return list(_acc(_loads(v[4:])))

    return decode


def bits_of_slots(slots, nbytes: int) -> int:
    ba = bytearray(nbytes)
    for s in slots:
        ba[s >> 3] |= 1 << (s & 7)
    return int.from_bytes(ba, "little")


# -- layout --------------------------------------------------------------------------------


class Layout:
    """Slots of one generation's paragraphs (see the module docstring)."""

    def __init__(self, reader) -> None:
        total = reader.doc_count_all()
        if reader.has_column("doc_id") and reader.has_column("n"):
            seen: dict = {}  # one str per document, not per paragraph
            ids = []
            for d in reader.column_reader("doc_id"):
                s = seen.get(d)
                if s is None:
                    s = seen[d] = d.decode("utf-8") if isinstance(d, bytes) else d
                ids.append(s)
            ns = list(reader.column_reader("n"))
        else:
            ids, ns = [""] * total, [0] * total
            for docnum, f in reader.iter_docs():
                ids[docnum], ns[docnum] = f.get("doc_id", ""), f.get("n", 0)
        groups: dict[str, list[int]] = {}
        for d, doc_id in enumerate(ids):
            g = groups.get(doc_id)
            if g is None:
                groups[doc_id] = [d]
            else:
                g.append(d)
        self.doc_ids: list[str] = list(groups)
        self.doc_index = {doc_id: j for j, doc_id in enumerate(self.doc_ids)}
        self.doc_id_of = ids  # docnum -> doc_id
        slot_of = array("i", bytes(4 * total))
        self.nslots = max(sum((len(g) + 7) & ~7 for g in groups.values()), 8)
        self.nbytes = self.nslots >> 3
        docnum_of = array("i", [-1]) * self.nslots
        doc_of_slot = array("i", [-1]) * self.nslots
        starts, counts = [], []
        slot = 0
        for j, dns in enumerate(groups.values()):
            if any(ns[a] > ns[b] for a, b in zip(dns, dns[1:])):
                dns.sort(key=lambda d: (ns[d], d))
            starts.append(slot)
            counts.append(len(dns))
            for i, d in enumerate(dns):
                slot_of[d] = slot + i
                docnum_of[slot + i] = d
                doc_of_slot[slot + i] = j
            slot += (len(dns) + 7) & ~7
        self.slot_of = slot_of
        self.docnum_of = docnum_of
        self.doc_of_slot = doc_of_slot
        self.starts = starts  # first slot of document j
        self.counts = counts  # paragraphs of document j
        self.byte_starts = [s >> 3 for s in starts]
        self.byte_ends = [(s + c + 7) >> 3 for s, c in zip(starts, counts)]
        self.doc_of_byte = doc_of_slot[::8]  # (a document's slots start on a byte)
        # Document order for `order=document` and ties: (doc_id, n).
        self.doc_order = sorted(range(len(self.doc_ids)), key=self.doc_ids.__getitem__)
        rank = array("i", [2**31 - 1]) * self.nslots
        r = 0
        for j in self.doc_order:
            s = starts[j]
            for i in range(counts[j]):
                rank[s + i] = r
                r += 1
        self.rank = rank  # slot -> place in (doc_id, n) order
        self.monotone = all(map(int.__lt__, slot_of, slot_of[1:])) if total > 1 else True
        self._live: int | None = None

    def live_bits(self, reader) -> int:
        if self._live is None:
            self._live = bits_of_slots(
                map(self.slot_of.__getitem__, reader.all_doc_ids()), self.nbytes
            )
        return self._live

    def doc_bits(self, doc_id: str) -> int:
        """The slots of one document (a contiguous run)."""
        j = self.doc_index.get(doc_id)
        if j is None:
            return 0
        return ((1 << self.counts[j]) - 1) << self.starts[j]

    def to_slots(self, docnums) -> list[int]:
        return sorted(map(self.slot_of.__getitem__, docnums))

    # per-document counts -------------------------------------------------------------
    def doc_counts(self, bits: int, n: int) -> tuple[list[tuple[int, int]] | None, list | None]:
        """(doc index, count) pairs for a small set, or the count of every document.  A
        document's slots start on a byte, so a small set is counted a non-zero byte at a
        time; a large one by the bytes' popcounts summed per document (about a tenth of a
        step a byte and a document, in builtins: measured on the KazQAD index, the two cross
        near 2,000 members)."""
        raw = bits.to_bytes(self.nbytes, "little")
        if n * SPARSE_STEP <= self.nbytes + len(self.byte_ends):
            doc_of_byte, pop = self.doc_of_byte, _POPCOUNT
            c: dict[int, int] = {}
            get = c.get
            for m in _NONZERO.finditer(raw):
                i = m.start()
                for v in m.group():
                    j = doc_of_byte[i]
                    c[j] = get(j, 0) + pop[v]
                    i += 1
            return list(c.items()), None
        prefix = [0]
        prefix += accumulate(raw.translate(_POPCOUNT))
        ends, starts = self.byte_ends, self.byte_starts
        if len(ends) == 1:
            return None, [prefix[ends[0]] - prefix[starts[0]]]
        counts = list(map(sub, itemgetter(*ends)(prefix), itemgetter(*starts)(prefix)))
        return None, counts

    def facets(self, bits: int, n: int, top: int | None) -> tuple[list[tuple[str, int]], int]:
        """The `top` documents with most matches ((doc_id, count), most first, then by
        doc_id) and the number of documents with any; `top=None`: all of them."""
        listed, counts = self.doc_counts(bits, n)
        ids = self.doc_ids
        pairs: list[tuple[int, int]] = listed or []
        if counts is not None:
            ndocs = len(counts) - counts.count(0)
            if top == 0:
                return [], ndocs
            if top is not None and top < ndocs:
                thr = max(1, heapq.nlargest(top, counts)[-1])
            else:
                thr = 1
            pairs = [
                (j, counts[j]) for j in compress(range(len(counts)), map(ge, counts, repeat(thr)))
            ]
        else:
            ndocs = len(pairs)
        pairs.sort(key=lambda jc: (-jc[1], ids[jc[0]]))
        if top is not None:
            pairs = pairs[:top]
        return [(ids[j], c) for j, c in pairs], ndocs

    def first_in_document_order(self, bits: int, n: int, need: int) -> list[int]:
        """The first `need` slots of a set in (doc_id, n) order."""
        if n <= SPARSE or need * 4 >= n:
            return heapq.nsmallest(need, slots_of_bits(bits), key=self.rank.__getitem__)
        raw = bits.to_bytes(self.nbytes, "little")
        out: list[int] = []
        for j in self.doc_order:
            a, b = self.byte_starts[j], self.byte_ends[j]
            if raw[a:b].strip(b"\x00"):
                chunk = int.from_bytes(raw[a:b], "little")
                out += [(a << 3) + s for s in slots_of_bits(chunk)]
                if len(out) >= need:
                    break
        return out[:need]


# -- terms ---------------------------------------------------------------------------------


class TermData:
    """One term's postings in slot order: slots, BM25 values (boost 1), their maximum, the
    bit set (built on first use), and where its posting blocks are (to read positions)."""

    __slots__ = (
        "field",
        "text",
        "ids",
        "vals",
        "ub",
        "_bits",
        "_best",
        "blocks",
        "raw",
        "size",
        "keep_bits",
    )

    def __init__(self, field: str, text: str, ids, vals, blocks, raw, nbytes: int = 0) -> None:
        self.field, self.text = field, text
        self.ids = ids
        self.vals = vals
        self.ub = max(vals) if len(vals) else 0.0
        self._bits: int | None = None
        self._best: list[int] | None = None
        self.blocks = blocks  # [(leaf index, base, [max local id], [offset])]
        self.raw = raw  # {docnum: encoded value} (small terms) or None
        # A sparse term's bit set (under one paragraph in 64) is made again when needed
        # rather than kept.
        self.keep_bits = len(ids) * 64 >= nbytes * 8
        self.size = (
            12 * len(ids) + 200 + (nbytes if self.keep_bits else 0) + (60 * len(raw) if raw else 0)
        )

    def __len__(self) -> int:
        return len(self.ids)

    def bits(self, nbytes: int) -> int:
        b = self._bits
        if b is None:
            b = bits_of_slots(self.ids, nbytes)
            if self.keep_bits:
                self._bits = b
        return b

    def best(self) -> list[int]:
        """The slots where this term scores highest (BEST of them): where the top of a
        query's ranking is most likely found, to bound it cheaply from below."""
        b = self._best
        if b is None:
            vals, ids = self.vals, self.ids
            if len(vals) <= BEST:
                b = list(ids)
            else:
                b = [ids[i] for i in heapq.nlargest(BEST, range(len(vals)), key=vals.__getitem__)]
            self._best = b
        return b


EMPTY = TermData("", "", array("i"), array("d"), [], None)
EMPTY.keep_bits = True


def _unwrap(m):
    deleted = None
    if isinstance(m, FilterMatcher):
        deleted, m = m._ids, m.child
    fast = all(
        hasattr(m, a)
        for a in (
            "_read_ids",
            "_read_weights",
            "_goto",
            "_lastblock",
            "_nextoffset",
            "_baseoffset",
            "_maxid",
        )
    )
    return m, deleted, fast


def decode_postings(reader, fieldname: str, text: str, keep_values: bool = False):
    """(docnums, term frequencies, block index, {docnum: raw value} or None) of one term,
    deleted paragraphs left out, read straight from the posting blocks."""
    ids: list[int] = []
    tfs: list[float] = []
    blocks: list[tuple] = []
    raw: dict | None = {} if keep_values else None
    complete = True
    for li, (leaf, base) in enumerate(reader.leaf_readers()):
        if (fieldname, text) not in leaf:
            continue
        m, deleted, fast = _unwrap(leaf.postings(fieldname, text))
        lids: list[int] = []
        lw: list[float] = []
        if fast:
            maxids, offsets = [], []
            pos = m._baseoffset
            want_vals = keep_values and getattr(m, "_fixedsize", 0) in (None, -1)
            complete = complete and want_vals
            while True:
                offsets.append(pos)
                maxids.append(m._maxid)
                if m._ids is None:
                    m._read_ids()
                if m._weights is None:
                    m._read_weights()
                if want_vals:
                    raw.update(zip((base + i for i in m._ids), m._data[2]))  # type: ignore[union-attr]  # _read_ids() above filled it
                lids.extend(m._ids)
                lw.extend(m._weights)
                if m._lastblock:
                    break
                pos = m._nextoffset
                m._goto(pos)
            blocks.append((li, base, maxids, offsets))
        else:  # another codec: the public, slower way
            complete = False
            while m.is_active():
                lids.append(m.id())
                lw.append(m.weight())
                m.next()
            blocks.append((li, base, None, None))
        if deleted:
            keep = [i for i, d in enumerate(lids) if d not in deleted]
            lids = [lids[i] for i in keep]
            lw = [lw[i] for i in keep]
        ids.extend(map(base.__add__, lids) if base else lids)
        tfs.extend(lw)
    return ids, tfs, blocks, (raw if complete else None)


class Ranker:
    """Everything cached for one index generation; `run(searcher)` gives a per-search view."""

    def __init__(self, searcher, cache_bytes: int | None = None) -> None:
        self.layout = Layout(searcher.reader())
        self.cache_bytes = CACHE_BYTES if cache_bytes is None else cache_bytes
        self.cache_size = 0
        self.terms: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.norms: dict = {}
        self.positions: dict = {}  # (field, term, docnum) -> positions (or ())

    def run(self, searcher) -> Run:
        return Run(self, searcher)

    def warm(
        self,
        searcher,
        seconds: float,
        fields=("text", "fold", "title", "section"),
        min_share: float = 0.005,
    ) -> int:
        """Decode the most frequent terms of the scoring fields (those in at least
        `min_share` of the paragraphs, most frequent first) until `seconds` have passed or
        the cache is nearly full: the first searches with common words are then as fast as
        later ones.  Returns the number of terms loaded."""
        deadline = time.monotonic() + seconds
        reader = searcher.reader()
        floor = max(int(reader.doc_count() * min_share), 2)
        wanted = []
        for field in fields:
            if field not in searcher.schema:
                continue
            for text, info in reader.iter_field(field):
                df = info.doc_frequency()
                if df >= floor:
                    wanted.append(
                        (df, field, text.decode("utf-8") if isinstance(text, bytes) else text)
                    )
        wanted.sort(key=lambda w: -w[0])
        for field in fields:  # every search needs these; they cost a read of the index
            if field in searcher.schema:
                self.length_norms(searcher, field)
        run = self.run(searcher)
        loaded = 0
        for _df, field, text in wanted:
            if time.monotonic() > deadline or self.cache_size > 0.8 * self.cache_bytes:
                break
            td = run.term(field, text)
            td.bits(self.layout.nbytes)
            td.best()
            loaded += 1
        return loaded

    # BM25 norms per field: K1 * ((1 - B) + B * length / average length), per docnum
    def length_norms(self, searcher, fieldname: str):
        norms = self.norms.get(fieldname, False)
        if norms is False:
            schema = searcher.schema
            field = schema[fieldname] if fieldname in schema.names() else None
            if field is None or not field.scorable:
                norms = None
            else:
                avg = searcher.avg_field_length(fieldname) or 1
                try:
                    k1, b = bm25_parameters(searcher.weighting, fieldname)
                except Unsupported:  # values are then plain frequencies; leaves() refuses
                    self.norms[fieldname] = None
                    return None
                norms = array("d")
                for leaf, _base in searcher.reader().leaf_readers():
                    norms.extend(
                        k1 * ((1 - b) + b * (fl or 1) / avg)
                        for fl in _leaf_lengths(leaf, fieldname)
                    )
            self.norms[fieldname] = norms
        return norms

    def cached(self, key):
        with self.lock:
            td = self.terms.get(key)
            if td is not None:
                self.terms.move_to_end(key)
            return td

    def remember(self, key, td: TermData) -> None:
        size = td.size
        if size > self.cache_bytes:
            return
        with self.lock:
            if key in self.terms:
                return
            self.terms[key] = td
            self.cache_size += size
            while self.cache_size > self.cache_bytes and self.terms:
                _, old = self.terms.popitem(last=False)
                self.cache_size -= old.size


def _leaf_lengths(leaf, fieldname: str) -> list[int]:
    """Field lengths of every document of one segment (bulk read of Whoosh's length column)."""
    n = leaf.doc_count_all()
    try:
        col = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if col is not None:
            table = [byte_to_length(i) for i in range(256)]
            if getattr(col, "_fixedlen", None) == 1 and hasattr(col, "_dbfile"):
                # One byte per document, stored in a row: one read, not a seek per document
                # (a million of them cost seconds at the first search of a generation).
                have = min(col._count, n)
                raw = bytes(col._dbfile.get(col._basepos, have)) if have else b""
                raw += bytes([int(col._default or 0)]) * (n - have)
                return [table[x] for x in raw]
            values = list(col)
            if len(values) == n:
                return [table[x] if isinstance(x, int) else table[ord(x)] for x in values]
    except Exception:  # noqa: BLE001 - another codec: the public, slower way
        pass
    dfl = leaf.doc_field_length
    return [dfl(d, fieldname, 1) for d in range(n)]


class Unsupported(Exception):
    """A query node the raw-postings path does not model (Whoosh's own search is used)."""


class Run:
    """One search's view: the generation's caches plus this search's searcher and memo."""

    def __init__(self, ranker: Ranker, searcher) -> None:
        self.ranker = ranker
        self.layout = ranker.layout
        self.searcher = searcher
        self.reader = searcher.reader()
        self.memo: dict = {}
        # Loops that can run long ask this; past it they stop with what they have (a
        # subset of the matches: totals are then lower bounds).
        self.deadline: Deadline = NEVER
        # When only some slots matter (one document's paragraphs), phrases are checked
        # there only: bits() is then exact inside `within` (and may miss matches outside).
        self.within: int | None = None

    # terms --------------------------------------------------------------------------------
    def term(self, fieldname: str, text: str) -> TermData:
        key = (fieldname, text)
        td = self.memo.get(key)
        if td is not None:
            return td
        td = self.ranker.cached(key)
        if td is not None:
            self.memo[key] = td
            return td
        df = self.reader.doc_frequency(fieldname, text)
        if not df:
            td = EMPTY
            self.ranker.remember(key, td)
        else:
            td = self._load(fieldname, text, keep_values=df <= RAW_MAX_DF)
            self.ranker.remember(key, td)
        self.memo[key] = td
        return td

    def _load(self, fieldname: str, text: str, keep_values: bool) -> TermData:
        docnums, tfs, blocks, raw = decode_postings(self.reader, fieldname, text, keep_values)
        norms = self.ranker.length_norms(self.searcher, fieldname)
        if norms is None:  # unscorable (ID) field: the weight counts
            vals = list(tfs)
        else:
            k1, _b = bm25_parameters(self.searcher.weighting, fieldname)
            c = self.searcher.idf(fieldname, text) * (k1 + 1)
            vals = [c * tf / (tf + norms[d]) for d, tf in zip(docnums, tfs)]
        lay = self.layout
        slots = list(map(lay.slot_of.__getitem__, docnums))
        if not lay.monotone and any(map(int.__gt__, slots, slots[1:])):
            order = sorted(range(len(slots)), key=slots.__getitem__)
            slots = [slots[i] for i in order]
            vals = [vals[i] for i in order]
        return TermData(
            fieldname, text, array("i", slots), array("d", vals), blocks, raw, lay.nbytes
        )

    def term_bits(self, fieldname: str, text: str) -> int:
        return self.term(fieldname, text).bits(self.layout.nbytes)

    # matching sets ------------------------------------------------------------------------
    def bits(self, q) -> int:
        """The slots a query matches (the semantics of Whoosh's matchers)."""
        if isinstance(q, wq.Term):
            return self.term_bits(q.fieldname, q.text)
        if isinstance(q, wq.AndMaybe):
            return self.bits(q.a)
        if isinstance(q, wq.AndNot):
            a = self.bits(q.a)
            return a & ~self.exact_bits(q.b) if a else 0
        if isinstance(q, wq.Or):
            out = 0
            for sub_q in q.subqueries:
                out |= self.bits(sub_q)
                if self.deadline.expired():
                    break
            return out
        if isinstance(q, wq.And):
            pos = [s for s in q.subqueries if not isinstance(s, wq.Not)]
            nots = [s.query for s in q.subqueries if isinstance(s, wq.Not)]
            pos.sort(key=lambda s: s.estimate_size(self.reader))
            out = self.bits(pos[0]) if pos else self.layout.live_bits(self.reader)
            for s in pos[1:]:
                if not out:
                    return 0
                out &= self.bits(s)
            for s in nots:
                if not out:
                    return 0
                out &= ~self.exact_bits(s)
            return out
        if isinstance(q, wq.Phrase):
            return self.phrase_bits(q)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return 0
        # Anything else: Whoosh's own matcher.
        return bits_of_slots(self.layout.to_slots(q.docs(self.searcher)), self.layout.nbytes)

    def exact_bits(self, q) -> int:
        """bits() without stopping at the deadline: what is excluded must be excluded
        whole, or the result would not be a subset of the matches."""
        deadline, self.deadline = self.deadline, NEVER
        try:
            return self.bits(q)
        finally:
            self.deadline = deadline

    def phrase_bits(self, q: wq.Phrase) -> int:
        key = ("phrase", q.fieldname, tuple(q.words), getattr(q, "slop", 1))
        got = self.memo.get(key)
        if got is None:
            got = self._phrase_bits(q)
            if self.deadline.complete:  # (a phrase cut short is not remembered)
                self.memo[key] = got
        return got

    def _phrase_bits(self, q: wq.Phrase) -> int:
        field = q.fieldname
        schema = self.searcher.schema
        fobj = schema[field] if field in schema.names() else None
        if (
            fobj is None
            or not fobj.format
            or not fobj.format.supports("positions")
            or getattr(q, "slop", 1) != 1
            or not q.words
        ):
            return bits_of_slots(self.layout.to_slots(q.docs(self.searcher)), self.layout.nbytes)
        words = list(q.words)
        cand = -1 if self.within is None else self.within
        for w in sorted(set(words), key=lambda w: self.reader.doc_frequency(field, w)):
            cand &= self.term_bits(field, w)
            if not cand:
                return 0
        if len(set(words)) == 1 and len(words) == 1:
            return cand
        slots = slots_of_bits(cand)
        docnum_of = self.layout.docnum_of
        docnums = [docnum_of[s] for s in slots]
        keep = len(docnums) <= PHRASE_CACHE_MAX  # many candidates: not worth caching
        hit: list[int] = []
        # Candidates in chunks, so that the deadline is looked at between them.
        for lo in range(0, len(slots), PHRASE_CHUNK):
            if lo and self.deadline.expired():
                break
            chunk = docnums[lo : lo + PHRASE_CHUNK]
            pos = {w: self.positions(field, w, chunk, cache=keep) for w in set(words)}
            first = pos[words[0]]
            rest = [(k, pos[w]) for k, w in enumerate(words) if k]
            for s, d in zip(slots[lo : lo + PHRASE_CHUNK], chunk):
                starts = first.get(d)
                if not starts:
                    continue
                later = [(k, set(p.get(d) or ())) for k, p in rest]
                if any(all(p + k in ps for k, ps in later) for p in starts):
                    hit.append(s)
        return bits_of_slots(hit, self.layout.nbytes)

    # positions ------------------------------------------------------------------------------
    def positions(
        self, fieldname: str, text: str, docnums: list[int], cache: bool = True
    ) -> dict[int, list[int]]:
        """Token positions of one term in the given paragraphs (docnums), read from the
        posting blocks that hold them only."""
        td = self.term(fieldname, text)
        out: dict[int, list[int]] = {}
        if not len(td) or not docnums:
            return out
        decode = _positions_decoder(self.searcher.schema[fieldname].format)
        if td.raw is not None:
            for d in docnums:
                v = td.raw.get(d)
                if v is not None:
                    out[d] = decode(v)
            return out
        # Positions already read for these paragraphs (the top candidates of earlier
        # searches with this word) come from the generation's cache.
        known = self.ranker.positions
        missing = []
        for d in docnums:
            got = known.get((fieldname, text, d))
            if got is None:
                missing.append(d)
            elif got:
                out[d] = got
        if not missing:
            return out
        found = self._read_positions(td, fieldname, text, sorted(missing), decode)
        out.update(found)
        if cache:
            if len(known) > POSITIONS_CACHE:
                known.clear()
            for d in missing:
                known[(fieldname, text, d)] = found.get(d, ())
        return out

    def _read_positions(
        self, td: TermData, fieldname: str, text: str, docnums: list[int], decode
    ) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        leaves = self.reader.leaf_readers()
        for li, base, maxids, offsets in td.blocks:
            leaf = leaves[li][0]
            top = base + leaf.doc_count_all()
            lo, hi = bisect_left(docnums, base), bisect_left(docnums, top)
            if lo == hi:
                continue
            m, _deleted, fast = _unwrap(leaf.postings(fieldname, text))
            if not fast or maxids is None:
                for d in docnums[lo:hi]:
                    if not m.is_active():
                        break
                    m.skip_to(d - base)
                    if m.is_active() and m.id() == d - base:
                        out[d] = m.value_as("positions")
                continue
            current = -1
            lids: list = []
            vals: list = []
            for d in docnums[lo:hi]:
                local = d - base
                bi = bisect_left(maxids, local)
                if bi >= len(offsets):
                    break
                if bi != current:
                    m._goto(offsets[bi])
                    m._read_ids()
                    m._read_values()
                    lids, vals, current = m._ids, m._values, bi
                i = bisect_left(lids, local)
                if i < len(lids) and lids[i] == local:
                    out[d] = decode(vals[i])
        return out

    # scoring ----------------------------------------------------------------------------------
    def leaves(
        self, q, guaranteed: bool = True, boost: float = 1.0, cond: int | None = None
    ) -> list:
        """(TermData, boost, condition bits or None) of every scoring term of a query: the
        score of a matching paragraph is the sum of boost x bm25 over the terms it contains
        (where the condition, a phrase or AND that must match for the term to count, holds).
        `guaranteed`: every paragraph scored is known to match `q` (no condition needed)."""
        if type(self.searcher.weighting) is not BM25F:
            raise Unsupported(type(self.searcher.weighting).__name__)
        b = boost * getattr(q, "boost", 1.0)
        if isinstance(q, wq.Term):
            return [(self.term(q.fieldname, q.text), b, cond)]
        if isinstance(q, wq.AndNot):
            return self.leaves(q.a, guaranteed, b, cond)
        if isinstance(q, wq.AndMaybe):
            return self.leaves(q.a, guaranteed, b, cond) + self.leaves(q.b, False, b, cond)
        if isinstance(q, (wq.And, wq.Or)) and not getattr(q, "scale", None):
            conj = isinstance(q, wq.And)
            if conj and not guaranteed:
                here = self.bits(q)
                cond = here if cond is None else cond & here
            out: list = []
            for sub_q in q.subqueries:
                if isinstance(sub_q, wq.Not):
                    continue
                out += self.leaves(sub_q, guaranteed and conj, b, cond)
            return out
        if isinstance(q, wq.Phrase) and getattr(q, "slop", 1) == 1:
            if not guaranteed:
                here = self.bits(q)
                cond = here if cond is None else cond & here
            return [(self.term(q.fieldname, w), b, cond) for w in q.words]
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return []
        raise Unsupported(type(q).__name__)

    def top(
        self, leaves: list, extra: list, matched: int, n_matched: int, k: int
    ) -> list[tuple[int, float]]:
        """The k best (slot, score) of the matched slots, by the sum over `leaves` (which
        make the matches) and `extra` (title/heading bonuses: they only add to matches)."""
        if not n_matched or k <= 0:
            return []
        leaves = [lf for lf in leaves if len(lf[0])]
        extra = [lf for lf in extra if len(lf[0])]
        postings = sum(len(td) for td, _, _ in leaves)
        conds = _Conditions()
        if n_matched * 8 * (len(leaves) + len(extra)) <= postings or n_matched <= k:
            # Few matches: score each of them by looking its postings up.
            docs = slots_of_bits(matched)
            scores = [0.0] * len(docs)
            for td, boost, c in leaves + extra:
                cs = conds.get(c)
                ids, vals = td.ids, td.vals
                n = len(ids)
                for i, d in enumerate(docs):
                    j = bisect_left(ids, d)
                    if j < n and ids[j] == d and (cs is None or d in cs):
                        scores[i] += boost * vals[j]
            return heapq.nlargest(k, zip(docs, scores), key=itemgetter(1))
        return _MaxScore(self, leaves, extra, matched, n_matched, k, conds).run()

    @staticmethod
    def _add_all(
        acc: dict, td: TermData, boost: float, cs, excl, inside, member: bytes | None = None
    ) -> None:
        ids, vals = td.ids, td.vals
        if boost != 1.0:
            vals = map(mul, vals, repeat(boost))
        get = acc.get
        if member is not None:
            for d, v in zip(ids, vals):
                if member[d >> 3] >> (d & 7) & 1:
                    acc[d] = get(d, 0.0) + v
            return
        if cs is None and excl is None and inside is None:
            if not acc:
                acc.update(zip(ids, vals))
                return
            for d, v in zip(ids, vals):
                acc[d] = get(d, 0.0) + v
            return
        for d, v in zip(ids, vals):
            if (
                (cs is None or d in cs)
                and (excl is None or d not in excl)
                and (inside is None or d in inside)
            ):
                acc[d] = get(d, 0.0) + v


class _Conditions:
    """Condition bit sets (a phrase or AND that must hold for a term to count) as sets of
    slots, made once per search."""

    def __init__(self) -> None:
        self._sets: dict[int, set] = {}

    def get(self, c: int | None) -> set | None:
        if c is None:
            return None
        got = self._sets.get(id(c))
        if got is None:
            got = self._sets[id(c)] = set(slots_of_bits(c))
        return got


class _MaxScore:
    """The exact top k of many matches: MaxScore, term at a time, highest bound first.

    Where a term adds to paragraphs that do not match (a phrase's words outside the phrase,
    paragraphs excluded or masked, bonuses), those are skipped.  Once the terms not yet
    added cannot lift a new paragraph into the top k, the rest are added only to the
    candidates that can still make it."""

    def __init__(
        self, run: Run, leaves: list, extra: list, matched: int, n_matched: int, k: int, conds
    ) -> None:
        self.view, self.matched, self.k, self.conds = run, matched, k, conds
        nbytes = run.layout.nbytes
        union = 0
        for td, _b, c in leaves:
            union |= td.bits(nbytes) if c is None else td.bits(nbytes) & c
        outside = union & ~matched
        self.excl = self.inside = None
        if outside:
            if outside.bit_count() <= n_matched:
                self.excl = set(slots_of_bits(outside))
            else:
                self.inside = set(slots_of_bits(matched))
        self.order = sorted(
            [(td, b, c, False) for td, b, c in leaves]
            + [(td, b, None, True) for td, b, _c in extra],
            key=lambda lf: -lf[1] * lf[0].ub,
        )
        self.bounds = [b * td.ub for td, b, _c, _x in self.order]
        self.rest = list(accumulate(reversed(self.bounds)))[::-1] + [0.0]
        self.probe: set[int] = set()  # where the k-th best score is looked for
        self.theta = 0.0

    def threshold(self, scores: dict) -> float:
        """A lower bound of the k-th best final score: the k-th best partial score among
        the probe slots (partial scores only grow)."""
        k = self.k
        if len(scores) <= 4 * k:
            vals = list(scores.values())
        else:
            get = scores.get
            vals = [v for v in map(get, self.probe) if v is not None]
        return heapq.nlargest(k, vals)[-1] if len(vals) >= k else 0.0

    def run(self) -> list[tuple[int, float]]:
        acc: dict[int, float] = {}
        i = self._every_match(acc)
        cand = self._candidates_only(acc, i)
        k, theta = self.k, self.theta
        if len(cand) > 4 * k and theta > 0:
            cand = {d: s for d, s in cand.items() if s >= theta - EPS}
        return heapq.nlargest(k, cand.items(), key=itemgetter(1))

    def _every_match(self, acc: dict) -> int:
        """Add terms to every paragraph while they can still bring in new ones; returns
        the index of the first term not added."""
        run, k, rest = self.view, self.k, self.rest
        member = None  # byte test of `matched`, for the bonuses
        done = 0.0  # the bound of the terms added so far
        for i, (td, boost, c, is_extra) in enumerate(self.order):
            if len(acc) >= k and rest[i] < self.theta - EPS:
                return i
            if i and run.deadline.expired():  # scores from the terms added so far
                return i
            if is_extra:
                if member is None:
                    member = self.matched.to_bytes(run.layout.nbytes, "little")
                Run._add_all(acc, td, boost, None, None, None, member)
            else:
                Run._add_all(acc, td, boost, self.conds.get(c), self.excl, self.inside)
            self.probe.update(td.best())
            done += self.bounds[i]
            if rest[i + 1] < done:  # (no partial score exceeds `done`: else no use)
                self.theta = max(self.theta, self.threshold(acc))
        return len(self.order)

    def _candidates_only(self, cand: dict, i: int) -> dict:
        """The terms left, added only for the candidates that can still reach the top k."""
        tail = self.order[i:]
        for td, _b, _c, _x in tail:
            self.probe.update(td.best())
        k, rest = self.k, self.rest
        pruned_at = -1.0
        for t, (td, boost, c, _x) in enumerate(tail):
            if self.view.deadline.expired():
                break
            lim = self.theta - rest[i + t] - EPS
            if lim > pruned_at and len(cand) > 2 * k:
                cand = {d: s for d, s in cand.items() if s >= lim}
                pruned_at = lim
            cs = self.conds.get(c)
            ids, vals = td.ids, td.vals
            if len(cand) * 8 < len(ids):
                n = len(ids)
                for d in cand:
                    j = bisect_left(ids, d)
                    if j < n and ids[j] == d and (cs is None or d in cs):
                        cand[d] += boost * vals[j]
            else:
                get = cand.get
                for d, v in zip(ids, vals):
                    s = get(d)
                    if s is not None and (cs is None or d in cs):
                        cand[d] = s + boost * v
            if len(cand) > k:
                self.theta = max(self.theta, self.threshold(cand))
        return cand


__all__ = [
    "Ranker",
    "Run",
    "Layout",
    "TermData",
    "Unsupported",
    "slots_of_bits",
    "bits_of_slots",
    "decode_postings",
]
