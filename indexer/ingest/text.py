"""Plain text (.txt, .text): decoded by `encoding`, split by `paragraphs.split_plain_text`."""

from __future__ import annotations

from pathlib import Path

from indexer.ingest.base import decode, finish_document
from indexer.ingest.model import Document, FileReport
from indexer.ingest.paragraphs import split_plain_text

EXTENSIONS = {".txt", ".text"}


def read_text(
    path: Path, data: bytes, side: dict, report: FileReport, limit: int
) -> list[Document]:
    text, enc = decode(data)
    title, blocks = split_plain_text(text)
    if title and blocks and blocks[0].kind == "title" and len(blocks) == 1:
        blocks[0].kind = "paragraph"
    return [finish_document(path, data, side, "text", blocks, title, enc)]
