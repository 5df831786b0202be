"""Documents in, paragraphs out (placeholder data model; readers land with the ingestion work)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    n: int                      # 1-based, reading order, headings included
    text: str
    kind: str = "paragraph"     # "paragraph" | "heading"
    section: list[str] = field(default_factory=list)  # headings above it, outermost first
    page: int | None = None     # PDFs only
    fp: str = ""                # fingerprint of the normalised text (anchor stability)


@dataclass
class Document:
    doc_id: str
    title: str
    paragraphs: list[Paragraph]
    source: str = ""            # path of the file it came from
    format: str = "text"
    encoding: str | None = None
    lang: str | None = None
    url: str | None = None
    date: str | None = None
    sha256: str = ""
