"""PDF (.pdf): the text layer in pypdf's layout mode, paragraphs rebuilt from lines (see
`pdf_blocks`), and the document info (title, author, creation date). pypdf's warnings about
damaged files are captured into the file's report, not printed."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from indexer.ingest.base import captured_warnings, finish_document
from indexer.ingest.model import Document, FileReport, SkipFile
from indexer.ingest.paragraphs import (
    Block,
    ends_sentence,
    has_word,
    is_caps_line,
    is_list_item,
    is_numbered_heading_line,
    join_wrapped,
)

EXTENSIONS = {".pdf"}
_PAGE_NUMBER = re.compile(r"[-–— ]*\d{1,4}[-–— ]*")


def pdf_date(raw: str | None) -> str | None:
    m = re.match(r"^D?:?(\d{4})(\d{2})?(\d{2})?", raw or "")
    if not m:
        return None
    return "-".join(g for g in m.groups() if g)


def pdf_page_lines(text: str) -> list[tuple[str, int]]:
    """(line, indent) pairs of one page in layout mode; '' marks a vertical gap."""
    out: list[tuple[str, int]] = []
    for raw in text.split("\n"):
        stripped = raw.strip()
        if not stripped:
            if out and out[-1][0] != "":
                out.append(("", 0))
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        out.append((" ".join(stripped.split()), indent))
    while out and out[-1][0] == "":
        out.pop()
    while out and out[0][0] == "":
        out.pop(0)
    return out


def _page_body(text: str) -> list[tuple[str, int]]:
    """A page's lines without running page numbers alone on a line at the top or bottom."""
    lines = pdf_page_lines(text)
    while lines and _PAGE_NUMBER.fullmatch(lines[-1][0]):
        lines.pop()
    while lines and _PAGE_NUMBER.fullmatch(lines[0][0]):
        lines.pop(0)
    while lines and not lines[-1][0]:
        lines.pop()
    while lines and not lines[0][0]:
        lines.pop(0)
    return lines


class _Paragraphs:
    """Accumulates the wrapped lines of the current paragraph."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.lines: list[str] = []
        self.page = 1

    def flush(self) -> None:
        if self.lines:
            text = join_wrapped(self.lines)
            if has_word(text):
                self.blocks.append(Block(text, "paragraph", 0, self.page))
        self.lines = []


def pdf_blocks(pages: list[str]) -> list[Block]:
    """Paragraphs rebuilt from the lines of each page, keeping the page of the first line.

    A paragraph ends at a vertical gap, before an indented line, after a short line that
    ends a sentence, and around headings and list items. Wrapped lines are joined, with a
    line-end hyphen removed before a lower-case continuation; a paragraph left open at the
    bottom of a page goes on on the next page when that page starts in lower case.
    """
    acc = _Paragraphs()
    open_end = False
    all_lines = [ln for text in pages for ln, _ in pdf_page_lines(text) if ln]
    lengths = sorted(len(ln) for ln in all_lines) or [0]
    width = max(40, lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))])
    for pageno, text in enumerate(pages, 1):
        lines = _page_body(text)
        if not lines:
            continue
        margin = min(ind for ln, ind in lines if ln)
        first = True
        for line, indent in lines:
            if not line:
                acc.flush()
                continue
            if first:
                first = False
                if not (open_end and acc.lines and line[0].islower() and indent <= margin + 1):
                    acc.flush()
            caps = is_caps_line(line)
            if (caps or is_numbered_heading_line(line)) and len(line) < width * 0.9:
                acc.flush()
                acc.blocks.append(Block(line, "heading", 0 if caps else 1, pageno))
                continue
            if indent > margin + 1 or is_list_item(line):
                acc.flush()
            if not acc.lines:
                acc.page = pageno
            acc.lines.append(line)
            if ends_sentence(line) and len(line) < width * 0.8:
                acc.flush()
        open_end = bool(acc.lines) and not ends_sentence(acc.lines[-1])
    acc.flush()
    return acc.blocks


def _extract_pages(reader: PdfReader) -> list[str]:
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:
            raise SkipFile("encrypted PDF") from None
    pages: list[str] = []
    for page in reader.pages:
        try:
            pages.append(page.extract_text(extraction_mode="layout") or "")
        except Exception:  # layout mode fails on some fonts; the plain mode still reads them
            pages.append(page.extract_text() or "")
    return pages


def pdf_meta(reader: PdfReader) -> dict:
    meta: dict = {}
    info = reader.metadata
    if info:
        if info.title and str(info.title).strip():
            meta["title"] = str(info.title).strip()
        if info.author and str(info.author).strip():
            meta["authors"] = [
                " ".join(a.split()) for a in str(info.author).split(";") if a.strip()
            ]
        date = pdf_date(info.get("/CreationDate"))
        if date:
            meta["date"] = date
    return meta


def read_pdf(path: Path, data: bytes, side: dict, report: FileReport, limit: int) -> list[Document]:
    if not data.lstrip()[:5] == b"%PDF-":
        raise SkipFile("not a PDF file")
    with captured_warnings() as caught:
        try:
            reader = PdfReader(io.BytesIO(data))
            pages = _extract_pages(reader)
            meta = pdf_meta(reader)
        except (PdfReadError, ValueError, KeyError, TypeError) as exc:
            raise SkipFile(f"damaged PDF ({type(exc).__name__}: {exc})") from None
    report.warnings.extend(caught)
    if not any(has_word(p) for p in pages):
        raise SkipFile("PDF has no text layer (scanned image?)")
    blocks = pdf_blocks(pages)
    return [finish_document(path, data, side, "pdf", blocks, meta.get("title"), None, meta)]
