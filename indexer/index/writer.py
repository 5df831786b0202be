"""izde's Whoosh writers: the same index files as Whoosh's own writers, built with less
Python work per posting.

Whoosh's `SegmentWriter` keeps every posting as a tuple ``(field, term, docnum, weight,
value)`` in a `PostingPool`, pickles each tuple to a temporary run file when the pool's
`limitmb` is reached, unpickles and heap-merges all of them at commit, and then asks the
per-document reader for the field length of every single posting (a seek and a read in
the lengths column each time). With izde's schema (several analysed fields per paragraph)
that bookkeeping was more than half of an index run.

`TermPool` keeps the postings grouped by field and term instead — per term an array of
document numbers, an array of weights and a list of encoded values (values are interned:
most are the same few bytes) — so a posting costs three appends, the sort at commit is
over distinct terms rather than postings, and a run written when the pool is full is one
`marshal` record per batch of terms. `IzdeSegmentWriter` records each document's field
lengths as it adds it, and its commit feeds Whoosh's own field writer (`start_field`,
`start_term`, `add`, `finish_term`) term by term with those lengths. The segment files are
written by Whoosh's codec exactly as before (tests/test_writing.py compares every posting,
length and stored field with an index built by Whoosh's writer), and segments are never
compound: a compound file is read into memory by every searcher, separate files are
memory-mapped.

`IzdeMpWriter` is Whoosh's multi-process, multi-segment writer with `IzdeSegmentWriter`
in each helper process. `open_writer(ix, procs, limitmb)` returns the right one.
"""

from __future__ import annotations

import heapq
import marshal
from array import array
from collections.abc import Callable
from typing import Any

import whoosh.multiproc
from whoosh.codec.whoosh3 import W3FieldWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

__all__ = ["TermPool", "IzdeSegmentWriter", "IzdeMpWriter", "open_writer"]

MB = 1024 * 1024
# Bytes of memory per posting (4 docnum + 8 weight + 8 value pointer, array slack) and per
# distinct term (key, two arrays, a list, a dict slot). Checked with tracemalloc: 5,000
# benchmark paragraphs (537K postings, 40K terms) took 25.5 MB, estimated 29.4 MB.
POSTING_BYTES = 24
TERM_BYTES = 400
_RUN_BATCH = 2048  # terms per marshal record in a run file
_VALUE_CACHE_LIMIT = 100_000  # distinct encoded values kept for interning (~7 MB)
_LENGTHS = [byte_to_length(b) if b else 0 for b in range(256)]


_Postings = tuple[array, array, list[bytes]]


class TermPool:
    """Postings grouped by field and term, in memory up to `limitmb`, then in sorted runs.

    Drop-in for the parts of `whoosh.writing.PostingPool` a writer uses: `add(item)`,
    `iter_postings()`, `cleanup()`, `fieldnames`; `add_items()` and `iter_terms()` are the
    fast paths of `IzdeSegmentWriter`. Document numbers must reach each term in increasing
    order, which is how Whoosh writers add them (documents, then merged segments, in
    document-number order)."""

    def __init__(self, tempstore, segment=None, limitmb: int = 128, **kwargs) -> None:
        self.tempstore = tempstore
        self.segment = segment
        self.limit = max(1, limitmb) * MB
        self.size = 0
        self.fieldnames: set[str] = set()
        self.runs: list[str] = []
        # field name -> term bytes -> (docnums, weights, encoded values)
        self._fields: dict[str, dict[bytes, _Postings]] = {}
        self._values: dict[bytes, bytes] = {}
        self._count = 0  # postings added, for tests and reports

    # -- adding ------------------------------------------------------------------------

    def _terms(self, fieldname: str) -> dict[bytes, _Postings]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add_items(self, fieldname: str, docnum: int, items) -> int:
        """Add one document's postings of one field: `items` as `FieldType.index` yields
        them, (term bytes, freq, weight, value bytes). Returns the sum of the freqs."""
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._terms(fieldname)
        values = self._values
        intern = values.setdefault
        length = 0
        added = 0
        new_terms = 0
        for tbytes, freq, weight, vbytes in items:
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = (array("I"), array("d"), [])
                new_terms += len(tbytes) + TERM_BYTES
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(intern(vbytes, vbytes))
            length += freq
            added += 1
        self._count += added
        self.size += added * POSTING_BYTES + new_terms
        if len(values) > _VALUE_CACHE_LIMIT:
            values.clear()
        if self.size > self.limit:
            self.save()
        return length

    def add(self, item) -> None:
        """One posting (fieldname, term bytes, docnum, weight, value bytes), as Whoosh's
        writers add postings of merged segments."""
        fieldname, tbytes, docnum, weight, vbytes = item
        if docnum < 0:  # Whoosh's marker for spelling-only words: not a posting
            return
        self.add_items(fieldname, docnum, ((tbytes, 0, weight, vbytes or b""),))

    # -- runs ---------------------------------------------------------------------------

    def save(self) -> None:
        """Write the in-memory postings to a sorted run file and empty the pool."""
        if not self._fields:
            return
        name = f"{random_name()}.termrun"
        f = self.tempstore.create_file(name).raw_file()
        try:
            dump = marshal.dump
            for fieldname in sorted(self._fields):
                terms = self._fields[fieldname]
                batch = []
                for tbytes in sorted(terms):
                    docs, weights, vals = terms[tbytes]
                    batch.append((tbytes, docs.tobytes(), weights.tobytes(), vals))
                    if len(batch) >= _RUN_BATCH:
                        dump((fieldname, batch), f)
                        batch = []
                if batch:
                    dump((fieldname, batch), f)
            dump(None, f)
        finally:
            f.close()
        self.runs.append(name)
        self._fields = {}
        self._values = {}
        self.size = 0

    def _read_run(self, name: str, rank: int):
        f = self.tempstore.open_file(name).raw_file()
        try:
            load = marshal.load
            while True:
                record = load(f)
                if record is None:
                    break
                fieldname, batch = record
                for tbytes, docs, weights, vals in batch:
                    d = array("I")
                    d.frombytes(docs)
                    w = array("d")
                    w.frombytes(weights)
                    yield fieldname, tbytes, rank, d, w, vals
        finally:
            f.close()
        self.tempstore.delete_file(name)

    def _memory(self, rank: int):
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for tbytes in sorted(terms):
                docs, weights, vals = terms[tbytes]
                yield fieldname, tbytes, rank, docs, weights, vals

    # -- reading ------------------------------------------------------------------------

    def iter_terms(self):
        """(fieldname, term bytes, docnums, weights, values) for every term, sorted by field
        name then term bytes, each term's postings in document order."""
        if not self.runs:
            for fieldname, tbytes, _, docs, weights, vals in self._memory(0):
                yield fieldname, tbytes, docs, weights, vals
            return
        sources = [self._read_run(name, i) for i, name in enumerate(self.runs)]
        sources.append(self._memory(len(self.runs)))
        self.runs = []
        current = None
        for fieldname, tbytes, _, docs, weights, vals in heapq.merge(*sources):
            if current is not None and current[0] == fieldname and current[1] == tbytes:
                # The same term in a later run: later documents, appended in order.
                if docs and current[2] and docs[0] <= current[2][-1]:
                    raise AssertionError(f"postings out of order for {fieldname}:{tbytes!r}")
                current[2].extend(docs)
                current[3].extend(weights)
                current[4].extend(vals)
                continue
            if current is not None:
                yield current
            current = (fieldname, tbytes, docs, weights, list(vals))
        if current is not None:
            yield current

    def iter_postings(self):
        """Whoosh's posting tuples in (field, term, docnum) order (the generic path)."""
        for fieldname, tbytes, docs, weights, vals in self.iter_terms():
            for d, w, v in zip(docs, weights, vals):
                yield fieldname, tbytes, d, w, v

    def cleanup(self) -> None:
        for name in self.runs:
            try:
                self.tempstore.delete_file(name)
            except OSError:
                pass
        self.runs = []
        self._fields = {}
        self._values = {}
        self.size = 0

    def __len__(self) -> int:
        return self._count


def write_terms(fieldwriter, schema, terms, lengths) -> None:
    """Feed `terms` (as `TermPool.iter_terms` yields them) to a Whoosh field writer, with
    `lengths(fieldname)` giving a list of each document's (quantised) field length.

    With Whoosh's own W3 field writer, each block of postings is put into the posting
    writer's block buffer in one go (what its `add_posting` does one posting at a time:
    ids, weights, non-empty values, the block's largest weight and shortest/longest
    length); any other writer gets `add()` per posting."""
    # Whoosh is pinned (pyproject.toml): its W3 posting writer's block buffer is known.
    fast = type(fieldwriter) is W3FieldWriter
    lastfn = None
    lens = None
    start_term = fieldwriter.start_term
    finish_term = fieldwriter.finish_term
    add = fieldwriter.add
    for fieldname, tbytes, docs, weights, vals in terms:
        if fieldname != lastfn:
            if lastfn is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            lens = lengths(fieldname)
            lastfn = fieldname
        start_term(tbytes)
        if fast:
            _add_blocks(fieldwriter._postwriter, docs, weights, vals, lens)
        elif lens is None:
            for d, w, v in zip(docs, weights, vals):
                add(d, w, v, 0)
        else:
            for d, w, v in zip(docs, weights, vals):
                add(d, w, v, lens[d])
        finish_term()
    if lastfn is not None:
        fieldwriter.finish_field()


def _add_blocks(pw, docs, weights, vals, lens) -> None:
    """W3PostingsWriter.add_posting for a whole term: fill the block buffer a block at a
    time; a full block is written when more postings follow (as add_posting does when the
    next posting arrives); the last one is left to finish_postings."""
    limit = pw._blocklimit
    n = len(docs)
    start = 0
    while True:
        end = min(start + limit, n)
        ids = docs[start:end]
        ws = weights[start:end]
        pw._ids.extend(ids)
        pw._weights.fromlist(ws.tolist())
        mw = max(ws)
        if mw > pw._maxweight:
            pw._maxweight = mw
        vs = vals[start:end]
        if all(vs):
            pw._values.extend(vs)
        else:
            pw._values.extend(v for v in vs if v)
        if lens is not None:
            ls = [lens[d] for d in ids]
            if not all(ls):
                ls = [x for x in ls if x]
            if ls:
                lo, hi = min(ls), max(ls)
                if pw._minlength is None or lo < pw._minlength:
                    pw._minlength = lo
                if hi > pw._maxlength:
                    pw._maxlength = hi
        if end >= n:
            return
        pw._write_block()
        start = end


class _PoolMixin:
    """The TermPool and the term-by-term commit, shared by both writers."""

    # Provided by the Whoosh writer this is mixed into (annotations only: no attribute is
    # defined here, so Whoosh's own stay in force).
    _tempstorage: Any
    newsegment: Any
    docnum: int
    docbase: int
    perdocwriter: Any
    per_document_reader: Callable[[], Any]
    codec: Any
    fieldwriter: Any
    schema: Any

    def _install_pool(self, limitmb: int) -> None:
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._lengths: dict[str, bytearray] = {}  # fieldname -> length byte per docnum
        self._tracked = 0  # documents whose lengths we recorded
        self._lengths_ok = True  # False: read lengths back at commit

    def _field_lengths(self, pdr, fieldname: str):
        if pdr is None:
            return None
        doccount = self.docnum
        if self._lengths_ok and self.docbase == 0 and self._tracked == doccount:
            raw = self._lengths.get(fieldname)
            if raw is None:
                return [0] * doccount
            table = _LENGTHS
            lens = [table[b] for b in raw]
            lens.extend([0] * (doccount - len(lens)))
            return lens
        # Documents came from elsewhere too (merged segments): ask the lengths column.
        dfl = pdr.doc_field_length
        return [dfl(d, fieldname) or 0 for d in range(doccount)]

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        try:
            write_terms(
                self.fieldwriter,
                self.schema,
                self.pool.iter_terms(),
                lambda fn: self._field_lengths(pdr, fn),
            )
            self.fieldwriter.close()
        finally:
            if pdr:
                pdr.close()


class IzdeSegmentWriter(_PoolMixin, SegmentWriter):
    """`whoosh.writing.SegmentWriter` with a `TermPool`, field lengths recorded as documents
    are added, and non-compound segments by default."""

    def __init__(self, ix, limitmb: int = 128, compound: bool = False, **kwargs) -> None:
        SegmentWriter.__init__(self, ix, limitmb=limitmb, compound=compound, **kwargs)
        self._install_pool(limitmb)
        # Features this fast path does not handle go through Whoosh's own add_document.
        self._fast = not any(f.separate_spelling() or f.vector for _, f in self.schema.items())

    def add_document(self, **fields):
        if not self._fast or any(name[0] == "_" for name in fields):
            self._lengths_ok = False  # lengths not recorded: read them at commit
            return SegmentWriter.add_document(self, **fields)
        self._check_state()
        schema = self.schema
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        add_items = self.pool.add_items
        lengths = self._lengths
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                length = add_items(fieldname, docnum, field.index(value))
                if not field.scorable:
                    length = 0
                if length:
                    raw = lengths.get(fieldname)
                    if raw is None:
                        raw = lengths[fieldname] = bytearray()
                    if len(raw) < docnum:
                        raw.extend(bytes(docnum - len(raw)))
                    raw.append(length_to_byte(length))
            perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        perdocwriter.finish_doc()
        self._added = True
        self._tracked += 1
        self.docnum += 1


class _SubWriterTask(SubWriterTask):
    """Whoosh's helper process, writing its segment with `IzdeSegmentWriter`."""

    def run(self):
        whoosh.multiproc.SegmentWriter = IzdeSegmentWriter  # in this (forked) helper process only
        SubWriterTask.run(self)


class IzdeMpWriter(_PoolMixin, MpWriter):
    """Whoosh's `MpWriter` (documents handed to `procs` helper processes in batches, one
    segment each with `multisegment=True`) with `IzdeSegmentWriter` in the helpers."""

    def __init__(
        self, ix, procs: int = 2, limitmb: int = 128, compound: bool = False, **kwargs
    ) -> None:
        MpWriter.__init__(self, ix, procs=procs, limitmb=limitmb, compound=compound, **kwargs)
        self._install_pool(limitmb)
        self._lengths_ok = False  # this writer only merges segments: read their lengths

    def _new_task(self):
        task = _SubWriterTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task


def open_writer(ix, procs: int = 1, limitmb: int = 128):
    """izde's writer for `ix`: one process, or `procs` helper processes writing one segment
    each (`multisegment`); never compound segments."""
    if procs > 1:
        # The helpers share the posting memory budget (the parent only merges segments).
        return IzdeMpWriter(ix, procs=procs, multisegment=True, limitmb=max(16, limitmb // procs))
    return IzdeSegmentWriter(ix, limitmb=limitmb)
