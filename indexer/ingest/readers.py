"""Documents in, paragraphs out: read one file into `Document`s of numbered `Paragraph`s.

`read_documents(path)` dispatches on the extension (txt, md, html, docx, pdf, jsonl) and raises
`SkipFile(reason)` for a file that must be skipped (empty, binary, unreadable, undecodable,
too large, malformed). Metadata comes from the format itself and from ONE sidecar convention:
`<file name>.meta.json` next to the file (keys: title, url, date, lang, id), which wins over
what the file says. A language suffix in the name (`x.kk.txt`) gives the language.
Document ids are assigned by the index (`indexer.ingest.ids`); readers leave `doc_id` as the base id
of the file name (JSON Lines: the record's id).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer.ingest import ids
from indexer.ingest.encoding import BinaryContent, EncodingUndetermined, decode_bytes
from indexer.ingest.paragraphs import (
    Block,
    ends_sentence,
    has_word,
    join_wrapped,
    number_blocks,
    split_plain_text,
)

# Bump when a reader changes how paragraphs come out: unchanged files are then re-read.
READER_VERSION = "3"

MAX_FILE_BYTES = 50 * 1024 * 1024  # default size limit; IZDE_MAX_FILE_MB overrides
SIDECAR_SUFFIX = ".meta.json"

TEXT_EXT = {".txt", ".text"}
MARKDOWN_EXT = {".md", ".markdown"}
HTML_EXT = {".html", ".htm", ".xhtml"}
DOCX_EXT = {".docx"}
PDF_EXT = {".pdf"}
JSONL_EXT = {".jsonl", ".ndjson"}
SUPPORTED_EXT = TEXT_EXT | MARKDOWN_EXT | HTML_EXT | DOCX_EXT | PDF_EXT | JSONL_EXT


@dataclass
class Paragraph:
    n: int  # 1-based, reading order, headings included
    text: str
    kind: str = "paragraph"  # "paragraph" | "heading"
    section: list[str] = field(default_factory=list)  # headings above it, outermost first
    page: int | None = None  # PDFs only
    fp: str = ""  # fingerprint of the normalised text (anchor stability)


@dataclass
class Document:
    doc_id: str
    title: str
    paragraphs: list[Paragraph]
    source: str = ""  # path of the file it came from
    format: str = "text"
    encoding: str | None = None
    lang: str | None = None
    url: str | None = None
    date: str | None = None
    sha256: str = ""
    description: str | None = None  # HTML meta description, when given


class SkipFile(Exception):
    """This file cannot be indexed; str(exc) is the reason shown to the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def max_file_bytes() -> int:
    env = os.environ.get("IZDE_MAX_FILE_MB")
    if env:
        try:
            return int(float(env) * 1024 * 1024)
        except ValueError:
            pass
    return MAX_FILE_BYTES


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_EXT and not is_sidecar(path)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict:
    """Metadata from `<file>.meta.json` ({} when absent). A broken sidecar skips the file."""
    side = sidecar_path(path)
    try:
        if not side.exists():
            return {}
    except OSError as exc:  # e.g. a folder we may not enter: the file is unreadable too
        raise SkipFile(f"unreadable ({exc.strerror or exc})")
    try:
        data = json.loads(side.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SkipFile(f"bad sidecar {side.name}: {exc}")
    if not isinstance(data, dict):
        raise SkipFile(f"bad sidecar {side.name}: not a JSON object")
    return {
        k: (str(v) if v is not None else None)
        for k, v in data.items()
        if k in {"title", "url", "date", "lang", "id", "description"}
    }


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes, or SkipFile for unreadable, empty or oversized files."""
    limit = max_file_bytes() if limit is None else limit
    try:
        size = path.stat().st_size
        if size > limit:
            raise SkipFile(
                f"too large ({size / 1048576:.1f} MB > limit {limit / 1048576:.0f} MB;"
                f" set IZDE_MAX_FILE_MB to raise it)"
            )
        data = path.read_bytes()
    except PermissionError:
        raise SkipFile("unreadable (permission denied)")
    except IsADirectoryError:
        raise SkipFile("is a directory")
    except OSError as exc:
        raise SkipFile(f"unreadable ({exc.strerror or exc})")
    if not data.strip():
        raise SkipFile("empty file")
    return data


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) or SkipFile with the reason ("encoding could not be determined ...")."""
    try:
        return decode_bytes(data)
    except BinaryContent as exc:
        raise SkipFile(str(exc))
    except EncodingUndetermined as exc:
        msg = str(exc)
        if "encoding could not be determined" not in msg:
            msg = f"encoding could not be determined: {msg}"
        raise SkipFile(msg)


def file_sha256(data: bytes, side: dict) -> str:
    h = hashlib.sha256(data)
    h.update(json.dumps(side, sort_keys=True, ensure_ascii=False).encode())
    h.update(READER_VERSION.encode())
    return h.hexdigest()


def _finish(
    path: Path,
    data: bytes,
    side: dict,
    fmt: str,
    blocks: list[Block],
    title: str | None,
    encoding: str | None,
    meta: dict | None = None,
) -> Document:
    """Apply metadata precedence (sidecar > format > file name) and number the paragraphs."""
    meta = {k: v for k, v in (meta or {}).items() if v}
    paragraphs = number_blocks(blocks)
    if not paragraphs:
        raise SkipFile("no text")
    stem, _ext, name_lang = ids.split_name(path.name)
    doc_title = side.get("title") or title or meta.get("title") or stem
    doc_id = ids.slugify(side["id"]) if side.get("id") else ids.base_id(Path(path.name))
    return Document(
        doc_id=doc_id,
        title=" ".join(doc_title.split()),
        paragraphs=paragraphs,
        source=str(path),
        format=fmt,
        encoding=encoding,
        lang=side.get("lang") or meta.get("lang") or name_lang,
        url=side.get("url") or meta.get("url"),
        date=side.get("date") or meta.get("date"),
        sha256=file_sha256(data, side),
        description=side.get("description") or meta.get("description"),
    )


# -- formats ----------------------------------------------------------------------------


def read_text(path: Path, data: bytes, side: dict, warnings: list[str]) -> list[Document]:
    text, enc = decode(data)
    title, blocks = split_plain_text(text)
    if title and blocks and blocks[0].kind == "title" and len(blocks) == 1:
        blocks[0].kind = "paragraph"
    return [_finish(path, data, side, "text", blocks, title, enc)]


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


def _front_matter(lines: list[str]) -> tuple[dict, list[str]]:
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for i in range(1, min(len(lines), 60)):
        if lines[i].strip() in ("---", "..."):
            meta = {}
            for ln in lines[1:i]:
                m = re.match(r"^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$", ln)
                if m and m.group(1).lower() in {"title", "date", "lang", "language", "url"}:
                    key = "lang" if m.group(1).lower() == "language" else m.group(1).lower()
                    meta[key] = m.group(2).strip("'\"")
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


def _title_from_first_heading(blocks: list[Block], title: str | None) -> str | None:
    """A leading level-1 heading that is the only one of its level is the document title:
    it stays paragraph 1 but leaves the section paths (same rule for md, html and docx)."""
    firsts = [b for b in blocks if b.kind == "heading" and b.level == 1]
    if blocks and blocks[0].kind == "heading" and blocks[0].level == 1 and len(firsts) == 1:
        if title is None or " ".join(title.split()) == " ".join(blocks[0].text.split()):
            blocks[0].kind = "title"
            return blocks[0].text
    return title


def read_markdown(path: Path, data: bytes, side: dict, warnings: list[str]) -> list[Document]:
    text, enc = decode(data)
    meta, blocks = markdown_blocks(text)
    title = _title_from_first_heading(blocks, meta.get("title"))
    return [_finish(path, data, side, "markdown", blocks, title, enc, meta)]


def _lines(text: str) -> Iterator[str]:
    """Lines of a big string without building a list (JSON Lines files can be large)."""
    start, n = 0, len(text)
    while start < n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        yield text[start:end]
        start = end + 1


def read_jsonl(path: Path, data: bytes, side: dict, warnings: list[str]) -> Iterator[Document]:
    """One document per record {"id", "title", "text"} (+ url, date, lang), streamed."""
    text, enc = decode(data)
    seen: dict[str, int] = {}
    bad: list[str] = []
    count = 0
    name_lang = side.get("lang") or ids.language_from_name(path.name)
    for lineno, line in enumerate(_lines(text), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(f"line {lineno}: invalid JSON ({exc.msg})")
            continue
        if not isinstance(rec, dict) or "id" not in rec or not isinstance(rec.get("text"), str):
            bad.append(f'line {lineno}: a record needs "id" and "text"')
            continue
        rid = ids.record_id(rec["id"])
        if rid in seen:
            bad.append(f"line {lineno}: duplicate id {rid!r} (first on line {seen[rid]})")
            continue
        seen[rid] = lineno
        body = rec["text"].replace("\r\n", "\n")
        if re.search(r"\n\s*\n", body):
            parts = [join_wrapped(p.split("\n")) for p in re.split(r"\n\s*\n", body)]
        else:
            parts = [p.strip() for p in body.split("\n")]
        paragraphs = number_blocks([Block(p) for p in parts if p.strip()])
        if not paragraphs:
            bad.append(f"line {lineno}: record {rid!r} has no text")
            continue
        rec_hash = hashlib.sha256(
            (READER_VERSION + json.dumps(rec, sort_keys=True, ensure_ascii=False)).encode()
        ).hexdigest()
        title = str(rec.get("title") or rid)
        count += 1
        yield Document(
            doc_id=rid,
            title=" ".join(title.split()),
            paragraphs=paragraphs,
            source=str(path),
            format="jsonl",
            encoding=enc,
            lang=(str(rec["lang"]) if rec.get("lang") else None) or name_lang,
            url=str(rec["url"]) if rec.get("url") else None,
            date=str(rec["date"]) if rec.get("date") else None,
            sha256=rec_hash,
        )
    if not count:
        raise SkipFile("no valid records" + (f" ({bad[0]})" if bad else ""))
    warnings.extend(bad)


# -- HTML ---------------------------------------------------------------------------------

_HTML_DROP = {
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
_HTML_BLOCK = {
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
_HTML_HEADING = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_META_DATE = (
    "date",
    "dc.date",
    "dcterms.date",
    "dc.date.issued",
    "dcterms.created",
    "article:published_time",
    "og:published_time",
    "pubdate",
    "publish-date",
)


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


def html_blocks(html: str) -> tuple[dict, list[Block]]:
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction, Tag

    soup = BeautifulSoup(html, "html.parser")
    meta: dict = {}
    if soup.title and soup.title.get_text(strip=True):
        meta["title"] = " ".join(soup.title.get_text().split())
    for tag in soup.find_all("meta"):
        key = (tag.get("name") or tag.get("property") or tag.get("http-equiv") or "").lower()
        content = (tag.get("content") or "").strip()
        if not content:
            continue
        if key in ("description", "og:description") and "description" not in meta:
            meta["description"] = content
        elif key in _META_DATE and "date" not in meta:
            meta["date"] = content
        elif key in ("content-language", "language", "dc.language") and "lang" not in meta:
            meta["lang"] = content.split(",")[0].strip()
        elif key == "og:url" and "url" not in meta:
            meta["url"] = content
    root = soup.find("html")
    if isinstance(root, Tag) and root.get("lang"):
        meta["lang"] = str(root.get("lang")).strip()
    canon = soup.find("link", rel="canonical")
    if isinstance(canon, Tag) and canon.get("href"):
        meta["url"] = str(canon["href"])
    if meta.get("lang"):
        meta["lang"] = meta["lang"].split("-")[0].split("_")[0].lower()

    blocks: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        text = " ".join("".join(buf).split())
        buf.clear()
        if text and has_word(text):
            blocks.append(Block(text, "paragraph"))

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, (Comment, Doctype, Declaration, ProcessingInstruction)):
                continue
            if not isinstance(child, Tag):
                buf.append(str(child))
                continue
            name = child.name.lower()
            if (
                name in _HTML_DROP
                or child.get("role") == "navigation"
                or child.get("hidden") is not None
                or child.get("aria-hidden") == "true"
            ):
                continue
            if name in _HTML_HEADING:
                flush()
                text = " ".join(child.get_text(" ").split())
                if text:
                    blocks.append(Block(text, "heading", _HTML_HEADING[name]))
            elif name == "br":
                buf.append(" ")
            elif name == "pre":
                flush()
                text = child.get_text().strip("\n")
                if text.strip():
                    blocks.append(Block(text.strip(), "paragraph"))
            elif name in ("td", "th"):
                buf.append(" ")
                walk(child)
                buf.append(" · " if child.find_next_sibling(["td", "th"]) else " ")
            elif name in _HTML_BLOCK:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    body = soup.body or soup
    walk(body)
    flush()
    for b in blocks:
        if b.kind == "paragraph":
            b.text = re.sub(r"(\s*·\s*)+$", "", b.text)
    if "title" not in meta:
        h1 = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
        if h1:
            meta["title"] = h1
    return meta, blocks


def read_html(path: Path, data: bytes, side: dict, warnings: list[str]) -> list[Document]:
    text, enc = _decode_html(data)
    meta, blocks = html_blocks(text)
    title = _title_from_first_heading(blocks, meta.get("title"))
    return [_finish(path, data, side, "html", blocks, title, enc, meta)]


# -- DOCX ---------------------------------------------------------------------------------


def read_docx(path: Path, data: bytes, side: dict, warnings: list[str]) -> list[Document]:
    import io
    import zipfile

    import docx
    from docx.table import Table

    try:
        d = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SkipFile(f"not a valid DOCX file ({type(exc).__name__})")
    blocks: list[Block] = []
    title = None

    def paragraph_block(p) -> None:
        nonlocal title
        text = " ".join(p.text.split())
        if not text:
            return
        style = (p.style.name if p.style is not None else "") or ""
        low = style.lower()
        m = re.match(r"^heading\s*(\d)", low)
        if low == "title":
            if title is None:
                title = text
                blocks.append(Block(text, "title"))
            else:
                blocks.append(Block(text, "heading", 1))
        elif m:
            blocks.append(Block(text, "heading", int(m.group(1))))
        else:
            blocks.append(Block(text, "paragraph"))

    for item in d.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    t = " ".join(cell.text.split())
                    if t and (not cells or cells[-1] != t):  # merged cells repeat
                        cells.append(t)
                if cells:
                    blocks.append(Block(" · ".join(cells), "paragraph"))
        else:
            paragraph_block(item)
    cp = d.core_properties
    meta: dict = {}
    if cp.title and cp.title.strip():
        meta["title"] = cp.title.strip()
    if cp.created:
        meta["date"] = cp.created.date().isoformat()
    if cp.language:
        meta["lang"] = cp.language.split("-")[0].lower()
    return [_finish(path, data, side, "docx", blocks, title or meta.get("title"), None, meta)]


# -- PDF ----------------------------------------------------------------------------------


def _pdf_date(raw: str | None) -> str | None:
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


def pdf_blocks(pages: list[str]) -> list[Block]:
    """Paragraphs rebuilt from the lines of each page, keeping the page of the first line.

    A paragraph ends at a vertical gap, before an indented line, after a short line that
    ends a sentence, and around headings and list items. Wrapped lines are joined, with a
    line-end hyphen removed before a lower-case continuation; a paragraph left open at the
    bottom of a page goes on on the next page when that page starts in lower case.
    """
    from indexer.ingest.paragraphs import is_caps_line, is_list_item, is_numbered_heading_line

    blocks: list[Block] = []
    current: list[str] = []
    current_page = 1
    open_end = False

    def flush() -> None:
        nonlocal current
        if current:
            text = join_wrapped(current)
            if has_word(text):
                blocks.append(Block(text, "paragraph", 0, current_page))
        current = []

    all_lines = [ln for text in pages for ln, _ in pdf_page_lines(text) if ln]
    lengths = sorted(len(ln) for ln in all_lines) or [0]
    width = max(40, lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))])
    for pageno, text in enumerate(pages, 1):
        lines = pdf_page_lines(text)
        # Page numbers / running numbers alone on a line at the top or bottom.
        while lines and re.fullmatch(r"[-–— ]*\d{1,4}[-–— ]*", lines[-1][0]):
            lines.pop()
        while lines and re.fullmatch(r"[-–— ]*\d{1,4}[-–— ]*", lines[0][0]):
            lines.pop(0)
        while lines and not lines[-1][0]:
            lines.pop()
        while lines and not lines[0][0]:
            lines.pop(0)
        body = [ln for ln, _ in lines if ln]
        if not body:
            continue
        indents = [ind for ln, ind in lines if ln]
        margin = min(indents)
        first = True
        for i, (line, indent) in enumerate(lines):
            if not line:
                flush()
                continue
            if first:
                first = False
                if not (open_end and current and line[0].islower() and indent <= margin + 1):
                    flush()
            heading = (is_caps_line(line) or is_numbered_heading_line(line)) and len(
                line
            ) < width * 0.9
            if heading:
                flush()
                level = 0 if is_caps_line(line) else 1
                blocks.append(Block(line, "heading", level, pageno))
                continue
            if indent > margin + 1 or is_list_item(line):
                flush()
            if not current:
                current_page = pageno
            current.append(line)
            if ends_sentence(line) and len(line) < width * 0.8:
                flush()
        open_end = bool(current) and not ends_sentence(current[-1])
    flush()
    return blocks


def read_pdf(path: Path, data: bytes, side: dict, warnings: list[str]) -> list[Document]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:5] == b"%PDF-":
        raise SkipFile("not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception:
                raise SkipFile("encrypted PDF")
        pages: list[str] = []
        for page in reader.pages:
            try:
                pages.append(page.extract_text(extraction_mode="layout") or "")
            except Exception:
                pages.append(page.extract_text() or "")
    except SkipFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise SkipFile(f"damaged PDF ({type(exc).__name__}: {exc})")
    if not any(has_word(p) for p in pages):
        raise SkipFile("PDF has no text layer (scanned image?)")
    meta: dict = {}
    info = reader.metadata
    if info:
        if info.title and str(info.title).strip():
            meta["title"] = str(info.title).strip()
        date = _pdf_date(info.get("/CreationDate"))
        if date:
            meta["date"] = date
    blocks = pdf_blocks(pages)
    return [_finish(path, data, side, "pdf", blocks, meta.get("title"), None, meta)]


READERS = {}


def _register() -> None:
    for ext in TEXT_EXT:
        READERS[ext] = read_text
    for ext in MARKDOWN_EXT:
        READERS[ext] = read_markdown
    for ext in JSONL_EXT:
        READERS[ext] = read_jsonl
    for ext in HTML_EXT:
        READERS[ext] = read_html
    READERS[".docx"] = read_docx
    READERS[".pdf"] = read_pdf


def iter_documents(
    path: Path, max_bytes: int | None = None, warnings: list[str] | None = None
) -> Iterator[Document]:
    """Documents of one file, one at a time (a large JSON Lines file is never held as a
    list). SkipFile comes before the first document; a failure after some documents were
    given ends the file with a warning instead."""
    path = Path(path)
    if warnings is None:
        warnings = []
    ext = path.suffix.lower()
    if is_sidecar(path):
        raise SkipFile("metadata sidecar, not a document")
    reader = READERS.get(ext)
    if reader is None:
        raise SkipFile(f"unsupported file type {ext or '(none)'}")
    side = read_sidecar(path)
    data = read_bytes(path, max_bytes)
    given = 0
    try:
        for doc in reader(path, data, side, warnings):
            given += 1
            yield doc
    except SkipFile as exc:
        if not given:
            raise
        warnings.append(f"stopped after {given} documents: {exc.reason}")
    except Exception as exc:  # a malformed file of any format must not stop the run
        reason = f"cannot read {ext[1:]}: {type(exc).__name__}: {exc}"
        if not given:
            raise SkipFile(reason)
        warnings.append(f"stopped after {given} documents: {reason}")


def read_documents(
    path: Path, max_bytes: int | None = None, warnings: list[str] | None = None
) -> list[Document]:
    """Read one file into documents (JSON Lines gives many). Raises SkipFile.

    Problems that skip only part of a file (a bad JSON Lines record) are appended to
    `warnings` when a list is given.
    """
    return list(iter_documents(path, max_bytes, warnings))


_register()
