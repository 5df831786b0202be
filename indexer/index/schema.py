"""The Whoosh schema of the paragraph index, and how one paragraph fills it."""

from __future__ import annotations

from whoosh import formats
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.system import pack_uint

from indexer.analysis import (
    ExactAnalyzer,
    FoldAnalyzer,
    KazakhAnalyzer,
    ParagraphTerms,
    RootAnalyzer,
    paragraph_terms,
)
from indexer.ingest.model import Document, Paragraph

SECTION_SEPARATOR = " › "
#: Weight of the `root` field against `text` (1.0). The root reaches across derivation
#: (мемлекет for мемлекеттік): it lifts a paragraph that has only related words, and must
#: never outrank one with the word itself. A paragraph with the word matches `root` too,
#: so the word's own forms earn the `text` share on top of the same `root` share. A binary
#: fraction (3/8), so that weights add up exactly in any order: segments written by several
#: processes hold the same term weights as one process's.
ROOT_BOOST = 0.375

_ANALYZERS = {
    "stem": KazakhAnalyzer,
    "exact": ExactAnalyzer,
    "fold": FoldAnalyzer,
    "root": RootAnalyzer,
}


class KazakhText(TEXT):
    """A TEXT field analysed with one of izde's analyzers (`kind` "stem": KazakhAnalyzer,
    "exact": ExactAnalyzer, "fold": FoldAnalyzer, "root": RootAnalyzer).

    At index time its terms come from `analysis.paragraph_terms`, one tokenisation that
    makes the keys of every field: the paragraph is tokenised once for `text`, `exact`,
    `fold` and `root`, and a title or section (`repeats=True`: the same value on every
    paragraph of a document) is analysed once per document. Queries and highlighting use
    `analyzer` as usual; tests/test_schema_fields.py checks that `index()` gives exactly
    what Whoosh's `TEXT.index` gives with that analyzer."""

    def __init__(
        self,
        kind: str = "stem",
        phrase: bool = True,
        stored: bool = False,
        repeats: bool = False,
        field_boost: float = 1.0,
    ) -> None:
        super().__init__(
            analyzer=_ANALYZERS[kind](), phrase=phrase, stored=stored, field_boost=field_boost
        )
        self.kind = kind
        self.repeats = repeats

    def index(self, value, **kwargs):
        if type(value) is not str or (kwargs and kwargs != {"mode": "index"}):
            return TEXT.index(self, value, **kwargs)
        terms = _terms_of(value, getattr(self, "repeats", False))
        kind = getattr(self, "kind", "stem")
        fb = self.format.field_boost
        if kind == "stem":
            if type(self.format) is formats.Positions:
                enc = _positions_encoder(self.format)
                return [
                    (t.encode("utf-8"), len(p), len(p) * fb, enc(p)) for t, p in terms.stems.items()
                ]
            if type(self.format) is formats.Frequency:
                return [
                    (t.encode("utf-8"), len(p), len(p) * fb, pack_uint(len(p)))
                    for t, p in terms.stems.items()
                ]
        elif type(self.format) is formats.Frequency:
            counts = _COUNTS[kind](terms)
            return [(t.encode("utf-8"), n, n * fb, pack_uint(n)) for t, n in counts.items()]
        return TEXT.index(self, value, **kwargs)


_COUNTS = {
    "exact": lambda terms: terms.exact,
    "fold": lambda terms: terms.folds,
    "root": lambda terms: terms.roots,
}

# The last paragraph's terms (shared by its text, exact, fold and root fields, indexed one
# after the other), and the terms of recent titles and sections.
_LAST: tuple = (None, None)
_REPEATED: dict[str, ParagraphTerms] = {}
_REPEATED_LIMIT = 512


def _terms_of(value: str, repeats: bool) -> ParagraphTerms:
    global _LAST
    if repeats:
        terms = _REPEATED.get(value)
        if terms is None:
            if len(_REPEATED) >= _REPEATED_LIMIT:
                _REPEATED.clear()
            terms = _REPEATED[value] = paragraph_terms(value)
        return terms
    last = _LAST
    if last[0] is value or last[0] == value:
        return last[1]
    terms = paragraph_terms(value)
    _LAST = (value, terms)
    return terms


class _PositionsEncoder:
    """`formats.Positions.encode` with its results cached (most terms occur once in a
    paragraph, at one of a few hundred positions)."""

    def __init__(self, fmt) -> None:
        self.encode = fmt.encode
        self.single: dict[int, bytes] = {}
        self.multi: dict[tuple, bytes] = {}

    def __call__(self, poslist: list[int]) -> bytes:
        if len(poslist) == 1:
            p = poslist[0]
            v = self.single.get(p)
            if v is None:
                v = self.single[p] = self.encode(poslist)
            return v
        key = tuple(poslist)
        v = self.multi.get(key)
        if v is None:
            if len(self.multi) > 100_000:
                self.multi.clear()
            v = self.multi[key] = self.encode(poslist)
        return v


_ENCODERS: dict[int, _PositionsEncoder] = {}


def _positions_encoder(fmt) -> _PositionsEncoder:
    enc = _ENCODERS.get(id(fmt))
    if enc is None or enc.encode.__self__ is not fmt:
        enc = _ENCODERS[id(fmt)] = _PositionsEncoder(fmt)
    return enc


def build_schema() -> Schema:
    """One Whoosh document per paragraph (headings included)."""
    fields = {
        "anchor": ID(stored=True, unique=True),  # "<doc id>#p<n>"
        "doc_id": ID(stored=True, sortable=True),  # sortable: facets, ordering
        # paragraph number, reading order; one term per value (never range-queried)
        "n": NUMERIC(int, stored=True, sortable=True, shift_step=0),
        "kind": STORED(),  # paragraph | heading
        "text": KazakhText("stem", phrase=True, stored=True),  # stems, positions
        "exact": KazakhText("exact", phrase=False),  # surface forms, for =word
        "fold": KazakhText("fold", phrase=False),  # word keys without Kazakh letters
        "root": KazakhText("root", phrase=False, field_boost=ROOT_BOOST),  # the broad layer
        "title": KazakhText("stem", phrase=False, stored=True, repeats=True),
        "section": KazakhText("stem", phrase=False, stored=True, repeats=True),
        "page": NUMERIC(int, stored=True, shift_step=0),
        "lang": STORED(),
        "fp": STORED(),  # paragraph fingerprint
        "url": STORED(),
    }
    return Schema(**fields)


def paragraph_fields(doc: Document, para: Paragraph) -> dict:
    """The keyword arguments of writer.add_document for one paragraph."""
    section = SECTION_SEPARATOR.join(para.section)
    fields = {
        "anchor": f"{doc.doc_id}#p{para.n}",
        "doc_id": doc.doc_id,
        "n": para.n,
        "kind": para.kind,
        "text": para.text,
        "exact": para.text,
        "fold": para.text,
        "root": para.text,
        "title": doc.title,
        "section": section,
        "lang": doc.lang or "",
        "fp": para.fp,
        "url": doc.url or "",
    }
    if para.page is not None:
        fields["page"] = para.page
    return fields
