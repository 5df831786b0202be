"""Markdown (.md, .markdown): YAML front matter (title, date, lang, url, author, publisher),
ATX and setext headings, fenced code, lists, block quotes and tables; inline markup removed."""

from __future__ import annotations

import re
from pathlib import Path

from indexer.ingest.base import decode, finish_document, title_from_first_heading
from indexer.ingest.model import Document, FileReport
from indexer.ingest.paragraphs import Block, join_wrapped

EXTENSIONS = {".md", ".markdown"}

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_FENCE = re.compile(r"^(```|~~~)")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_MD_SETEXT = re.compile(r"^(=+|-+)\s*$")


def strip_markdown_inline(s: str) -> str:
    s = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", s)  # images -> alt text
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)  # links -> text
    s = re.sub(r"\[([^\]]+)\]\[[^\]]*\]", r"\1", s)  # reference links
    s = re.sub(r"<(https?://[^>]+)>", r"\1", s)  # autolinks
    s = re.sub(r"</?[A-Za-z][^>]*>", "", s)  # inline HTML tags
    s = re.sub(r"`([^`]*)`", r"\1", s)
    s = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", s)
    s = re.sub(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\w)", r"\1", s)
    s = re.sub(r"(?<![\w])_(?=\S)(.+?)(?<=\S)_(?![\w])", r"\1", s)
    s = re.sub(r"~~(.+?)~~", r"\1", s)
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!>|])", r"\1", s)  # escapes
    return s.strip()


_FRONT_KEYS = {
    "title": "title",
    "date": "date",
    "lang": "lang",
    "language": "lang",
    "url": "url",
    "author": "authors",
    "authors": "authors",
    "publisher": "publisher",
}


def _front_matter(lines: list[str]) -> tuple[dict, list[str]]:
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for i in range(1, min(len(lines), 60)):
        if lines[i].strip() in ("---", "..."):
            meta: dict = {}
            for ln in lines[1:i]:
                m = re.match(r"^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$", ln)
                key = _FRONT_KEYS.get(m.group(1).lower()) if m else None
                if m and key:
                    meta[key] = m.group(2).strip("'\"")
            if meta.get("authors"):  # `author: A; B` or a flow list `authors: [A, B]`
                raw = meta["authors"]
                names = raw.strip("[]").split(",") if raw.startswith("[") else raw.split(";")
                meta["authors"] = [n.strip(" '\"") for n in names if n.strip(" '\"")]
            return meta, lines[i + 1 :]
    return {}, lines


def markdown_blocks(text: str) -> tuple[dict, list[Block]]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta, lines = _front_matter(lines)
    blocks: list[Block] = []
    para: list[str] = []
    fence: list[str] | None = None

    def flush() -> None:
        if para:
            joined = strip_markdown_inline(join_wrapped(para))
            if joined:
                blocks.append(Block(joined, "paragraph"))
            para.clear()

    i = 0
    while i < len(lines):
        raw = lines[i]
        line = raw.strip()
        if fence is not None:
            if _MD_FENCE.match(line):
                code = "\n".join(fence).strip()
                if code:
                    blocks.append(Block(code, "paragraph"))
                fence = None
            else:
                fence.append(raw)
            i += 1
            continue
        if _MD_FENCE.match(line):
            flush()
            fence = []
            i += 1
            continue
        m = _MD_HEADING.match(line)
        if m:
            flush()
            blocks.append(Block(strip_markdown_inline(m.group(2)), "heading", len(m.group(1))))
            i += 1
            continue
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if line and not para and _MD_SETEXT.match(nxt) and not _MD_LIST.match(raw):
            blocks.append(
                Block(strip_markdown_inline(line), "heading", 1 if nxt.startswith("=") else 2)
            )
            i += 2
            continue
        if not line or re.match(r"^([-*_])(\s*\1){2,}$", line):
            flush()
            i += 1
            continue
        if re.match(r"^\|?\s*:?-{3,}", line) and "|" in line:
            i += 1  # table separator row
            continue
        if _MD_LIST.match(raw):
            flush()
            line = _MD_LIST.sub("", raw, count=1).strip()
        line = re.sub(r"^(>\s?)+", "", line)  # block quotes
        if line.startswith("|") and line.endswith("|"):
            flush()
            cells = [strip_markdown_inline(c) for c in line.strip("|").split("|")]
            para.append(" · ".join(c for c in cells if c))
            flush()
            i += 1
            continue
        para.append(line)
        i += 1
    if fence:
        blocks.append(Block("\n".join(fence).strip(), "paragraph"))
    flush()
    return meta, blocks


def read_markdown(
    path: Path, data: bytes, side: dict, report: FileReport, limit: int
) -> list[Document]:
    text, enc = decode(data)
    meta, blocks = markdown_blocks(text)
    title = title_from_first_heading(blocks, meta.get("title"))
    return [finish_document(path, data, side, "markdown", blocks, title, enc, meta)]
