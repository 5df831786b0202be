"""DOCX (.docx): paragraphs and tables in body order, Word heading styles as headings, the
"Title" style as the title, and core properties (title, author, created, language).

A DOCX file is a zip archive: before python-docx sees it, every member is streamed once with
its uncompressed size counted. The members together may expand to ZIP_EXPANSION times the
per-file limit; the zip directory is checked first and the streamed bytes again, so a member
that expands past what the directory says (a lying header) is caught too. (CPython's
zipfile already stops a member at its declared size and then fails its CRC check; the count
keeps the cap independent of that.) python-docx parses
its XML with lxml, whose parser refuses nesting deeper than 256 elements on its own.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from indexer.ingest.base import captured_warnings, finish_document
from indexer.ingest.limits import ZIP_EXPANSION, megabytes
from indexer.ingest.model import Document, FileReport, SkipFile
from indexer.ingest.paragraphs import Block

EXTENSIONS = {".docx"}
_CHUNK = 1 << 20
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError)


def check_zip(data: bytes, limit: int) -> None:
    """SkipFile unless the archive's members expand to at most ZIP_EXPANSION * limit bytes,
    as the directory says and as the decompressed streams confirm."""
    cap = ZIP_EXPANSION * limit
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > cap:
                raise SkipFile(
                    f"zip members expand to {megabytes(declared)}, over the limit of"
                    f" {megabytes(cap)} ({ZIP_EXPANSION} x the file size limit)"
                )
            total = 0
            for info in infos:
                size = 0
                with zf.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > info.file_size or total > cap:
                            raise SkipFile(
                                f"zip member {info.filename} expands past its declared size"
                                f" ({megabytes(info.file_size)})"
                            )
    except _ZIP_ERRORS as exc:
        raise SkipFile(f"not a valid DOCX file ({type(exc).__name__}: {exc})") from None


def _paragraph_block(p: DocxParagraph, has_title: bool) -> Block | None:
    text = " ".join(p.text.split())
    if not text:
        return None
    style = (p.style.name if p.style is not None else "") or ""
    low = style.lower()
    m = re.match(r"^heading\s*(\d)", low)
    if low == "title":
        return Block(text, "heading", 1) if has_title else Block(text, "title")
    if m:
        return Block(text, "heading", int(m.group(1)))
    return Block(text, "paragraph")


def _table_blocks(table: Table) -> list[Block]:
    out = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            t = " ".join(cell.text.split())
            if t and (not cells or cells[-1] != t):  # merged cells repeat
                cells.append(t)
        if cells:
            out.append(Block(" · ".join(cells), "paragraph"))
    return out


def docx_meta(d: docx.document.Document) -> dict:
    cp = d.core_properties
    meta: dict = {}
    if cp.title and cp.title.strip():
        meta["title"] = cp.title.strip()
    if cp.author and cp.author.strip():
        meta["authors"] = [" ".join(a.split()) for a in cp.author.split(";") if a.strip()]
    if cp.created:
        meta["date"] = cp.created.date().isoformat()
    if cp.language:
        meta["lang"] = cp.language.split("-")[0].lower()
    return meta


def read_docx(
    path: Path, data: bytes, side: dict, report: FileReport, limit: int
) -> list[Document]:
    check_zip(data, limit)
    with captured_warnings() as caught:
        try:
            d = docx.Document(io.BytesIO(data))
        except (*_ZIP_ERRORS, KeyError, ValueError, SyntaxError) as exc:
            # SyntaxError: lxml's XMLSyntaxError (malformed or too deeply nested XML)
            detail = " ".join(str(exc).split())[:200]
            raise SkipFile(f"not a valid DOCX file ({type(exc).__name__}: {detail})") from None
        blocks: list[Block] = []
        title = None
        for item in d.iter_inner_content():
            if isinstance(item, Table):
                blocks.extend(_table_blocks(item))
                continue
            block = _paragraph_block(item, title is not None)
            if block is not None:
                if block.kind == "title":
                    title = block.text
                blocks.append(block)
        meta = docx_meta(d)
    doc = finish_document(path, data, side, "docx", blocks, title or meta.get("title"), None, meta)
    report.warnings.extend(caught)
    return [doc]
