"""The Whoosh schema of the paragraph index, and how one paragraph fills it."""
from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import ExactAnalyzer, FoldAnalyzer, KazakhAnalyzer
from indexer.documents import Document, Paragraph

SECTION_SEPARATOR = " › "


def build_schema() -> Schema:
    """One Whoosh document per paragraph (headings included)."""
    return Schema(
        anchor=ID(stored=True, unique=True),          # "<doc id>#p<n>"
        doc_id=ID(stored=True, sortable=True),        # sortable: facets, ordering
        n=NUMERIC(int, stored=True, sortable=True),   # paragraph number, reading order
        kind=ID(stored=True),                         # paragraph | heading
        text=TEXT(analyzer=KazakhAnalyzer(), phrase=True, stored=True),  # stems, positions
        exact=TEXT(analyzer=ExactAnalyzer(), phrase=False),    # surface forms, for =word
        fold=TEXT(analyzer=FoldAnalyzer(), phrase=False),      # stems without Kazakh letters
        title=TEXT(analyzer=KazakhAnalyzer(), phrase=False, stored=True),
        section=TEXT(analyzer=KazakhAnalyzer(), phrase=False, stored=True),
        page=NUMERIC(int, stored=True),
        lang=ID(stored=True),
        fp=ID(stored=True),                           # paragraph fingerprint
        url=STORED(),
    )


def paragraph_fields(doc: Document, para: Paragraph) -> dict:
    """The keyword arguments of writer.add_document for one paragraph."""
    section = SECTION_SEPARATOR.join(para.section)
    fields = dict(
        anchor=f"{doc.doc_id}#p{para.n}",
        doc_id=doc.doc_id,
        n=para.n,
        kind=para.kind,
        text=para.text,
        exact=para.text,
        fold=para.text,
        title=doc.title,
        section=section,
        lang=doc.lang or "",
        fp=para.fp,
        url=doc.url or "",
    )
    if para.page is not None:
        fields["page"] = para.page
    return fields
