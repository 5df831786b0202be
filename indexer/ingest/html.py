"""HTML (.html, .htm, .xhtml): text blocks, headings h1-h6, tables as ' · '-joined rows, and
metadata from <title>, <html lang>, <link rel=canonical> and <meta> (description, date,
language, author, publisher; Dublin Core, Highwire `citation_*` and Open Graph names).

Before parsing, the element nesting is measured with a linear scan (as BeautifulSoup's
html.parser builder will nest: void elements and `<x/>` do not nest, an end tag closes up to
its start tag); a file nesting deeper than MAX_NESTING_DEPTH is skipped at once instead of
being parsed into a tree that recursion and memory cannot handle.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction, Tag
from bs4.element import PageElement

from indexer.ingest.base import (
    captured_warnings,
    decode,
    finish_document,
    title_from_first_heading,
)
from indexer.ingest.limits import MAX_NESTING_DEPTH
from indexer.ingest.model import Document, FileReport, SkipFile
from indexer.ingest.paragraphs import Block, has_word

EXTENSIONS = {".html", ".htm", ".xhtml"}

_DROP = {
    "script",
    "style",
    "nav",
    "noscript",
    "template",
    "svg",
    "iframe",
    "button",
    "select",
    "option",
    "textarea",
    "head",
    "aside",
    "footer",
    "form",
    "object",
    "canvas",
    "audio",
    "video",
    "map",
}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "dd",
    "dt",
    "dl",
    "figure",
    "figcaption",
    "caption",
    "address",
    "hr",
    "fieldset",
    "details",
    "summary",
    "header",
    "body",
    "html",
    "center",
    "td",
    "th",
}
_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
    "keygen",
    "command",
    "basefont",
    "frame",
    "isindex",
    "spacer",
}
_META_KEYS = {
    "description": "description",
    "og:description": "description",
    "content-language": "lang",
    "language": "lang",
    "dc.language": "lang",
    "og:url": "url",
    "author": "authors",
    "citation_author": "authors",
    "dc.creator": "authors",
    "dcterms.creator": "authors",
    "citation_publisher": "publisher",
    "dc.publisher": "publisher",
    "dcterms.publisher": "publisher",
    "publisher": "publisher",
    "og:site_name": "site_name",
}
for _key in [
    "date",
    "dc.date",
    "dcterms.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "article:published_time",
    "og:published_time",
    "pubdate",
    "publish-date",
]:
    _META_KEYS[_key] = "date"

_TAG_RE = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")


def nesting_depth(html: str, limit: int = MAX_NESTING_DEPTH) -> int:
    """Deepest element nesting in `html`, scanning no further once it passes `limit`."""
    stack: list[str] = []
    deepest = 0
    for m in _TAG_RE.finditer(html):
        closing, name, selfclosing = m.group(1), m.group(2).lower(), m.group(3)
        if closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i] == name:
                    del stack[i:]
                    break
        elif not selfclosing and name not in _VOID:
            stack.append(name)
            if len(stack) > deepest:
                deepest = len(stack)
                if deepest > limit:
                    break
    return deepest


def _decode_html(data: bytes) -> tuple[str, str]:
    """BOM / UTF-8 first; then a declared charset if it decodes; else the legacy detection."""
    try:
        return decode(data)
    except SkipFile as first:
        m = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", data[:4096], re.I)
        if m:
            name = m.group(1).decode("ascii", "ignore").lower()
            try:
                return data.decode(name), name
            except (LookupError, UnicodeDecodeError):
                pass
        raise first


def html_meta(soup: BeautifulSoup) -> dict:
    """title, description, date, lang, url, authors (list), publisher from the head."""
    meta: dict = {"authors": []}
    if soup.title and soup.title.get_text(strip=True):
        meta["title"] = " ".join(soup.title.get_text().split())
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or tag.get("http-equiv") or "").lower()
        content = " ".join(str(tag.get("content") or "").split())
        field = _META_KEYS.get(key)
        if not content or not field:
            continue
        if field == "authors":
            meta["authors"].extend(n.strip() for n in content.split(";") if n.strip())
        elif field == "lang":
            meta.setdefault("lang", content.split(",")[0].strip())
        else:
            meta.setdefault(field, content)
    root = soup.find("html")
    if isinstance(root, Tag) and root.get("lang"):
        meta["lang"] = str(root.get("lang")).strip()
    canon = soup.find("link", rel="canonical")
    if isinstance(canon, Tag) and canon.get("href"):
        meta["url"] = str(canon["href"])
    if meta.get("lang"):
        meta["lang"] = meta["lang"].split("-")[0].split("_")[0].lower()
    meta["authors"] = list(dict.fromkeys(meta["authors"]))
    site = meta.pop("site_name", None)
    meta.setdefault("publisher", site)
    return meta


class _Walker:
    """Blocks of the body in reading order. Recursion is bounded by the nesting check."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buf: list[str] = []

    def flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        self.buf.clear()
        if text and has_word(text):
            self.blocks.append(Block(text, "paragraph"))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, (Comment, Doctype, Declaration, ProcessingInstruction)):
                continue
            if not isinstance(child, Tag):
                self.buf.append(str(child))
            elif not _hidden(child):
                self.element(child)

    def element(self, child: Tag) -> None:
        name = child.name.lower()
        if name in _HEADING:
            self.flush()
            text = " ".join(child.get_text(" ").split())
            if text:
                self.blocks.append(Block(text, "heading", _HEADING[name]))
        elif name == "br":
            self.buf.append(" ")
        elif name == "pre":
            self.flush()
            text = child.get_text().strip("\n")
            if text.strip():
                self.blocks.append(Block(text.strip(), "paragraph"))
        elif name in ("td", "th"):
            self.buf.append(" ")
            self.walk(child)
            self.buf.append(" · " if child.find_next_sibling(["td", "th"]) else " ")
        elif name in _BLOCK:
            self.flush()
            self.walk(child)
            self.flush()
        else:
            self.walk(child)


def _hidden(tag: Tag) -> bool:
    return (
        tag.name.lower() in _DROP
        or tag.get("role") == "navigation"
        or tag.get("hidden") is not None
        or tag.get("aria-hidden") == "true"
    )


def html_blocks(html: str) -> tuple[dict, list[Block]]:
    """(metadata, blocks) of an HTML page; SkipFile when it nests too deeply."""
    depth = nesting_depth(html)
    if depth > MAX_NESTING_DEPTH:
        raise SkipFile(f"HTML nested more than {MAX_NESTING_DEPTH} elements deep")
    soup = BeautifulSoup(html, "html.parser")
    meta = html_meta(soup)
    walker = _Walker()
    body: PageElement = soup.body or soup
    assert isinstance(body, Tag)
    walker.walk(body)
    walker.flush()
    blocks = walker.blocks
    for b in blocks:
        if b.kind == "paragraph":
            b.text = re.sub(r"(\s*·\s*)+$", "", b.text)
    if "title" not in meta:
        h1 = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
        if h1:
            meta["title"] = h1
    return meta, blocks


def read_html(
    path: Path, data: bytes, side: dict, report: FileReport, limit: int
) -> list[Document]:
    text, enc = _decode_html(data)
    with captured_warnings() as caught:
        try:
            meta, blocks = html_blocks(text)
        except RecursionError:
            raise SkipFile("HTML nested too deeply to read") from None
    title = title_from_first_heading(blocks, meta.get("title"))
    doc = finish_document(path, data, side, "html", blocks, title, enc, meta)
    report.warnings.extend(caught)
    return [doc]
