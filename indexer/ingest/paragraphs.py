"""Paragraph splitting and heading detection for text without markup (txt, PDF text), and the
shared step that numbers blocks, gives each its section path and fingerprint.

Heading rules for plain text (checked on the shipped paper, corpus/nur-otan-strategy-*.txt):
- An ALL-CAPITAL line (at least 4 cased letters, at most 200 characters, not a list item) is a
  top-level heading: «КІРІСПЕ», «ДАМУДЫҢ НЕГІЗГІ БАСЫМДЫҚТАРЫ». It resets the section path.
  Two adjacent all-capital lines are one heading wrapped over two lines
  («ПАРТИЯНЫҢ СТРАТЕГИЯЛЫҚ МАҚСАТТАРЫ / МЕН МІНДЕТТЕРІ»).
- A numbered line «2. Азаматтардың мүддесін қорғау,» is a sub-heading when it is short
  (at most 150 characters), does NOT end with a sentence end (. ! ? ; :) and is not part of a
  run of numbered lines (a list). A numbered line ending with '.' is a list item: a paragraph.
  A short continuation line right after it (no blank line between, no final period, followed
  by a blank line, or starting in lower case) belongs to the same heading
  («2. Азаматтардың мүддесін қорғау, / Халықтық тұғырнаманы іске асыру»). `1.2.` numbering is a
  level deeper than `1.`; a new numbered heading replaces the previous one of its level.
- Lines marked `1)`, `-`, `•` are list items, hence paragraphs even when in capitals (lines
  35-37 of the paper enumerate the stages named by the heading above them and have no text of
  their own under them, so they are content, not sections).
- The opening title block (leading short lines without a final period, before the first
  heading/blank line/long line) is the document's title. It is kept as paragraph 1 of kind
  "heading" (so a hit on a title word still has an anchor) but does not enter section paths.
- A line with no letter or digit (`_____`, `***`) is decoration, not a paragraph.

Paragraph splitting: one paragraph per line when most non-empty lines are long (> 100
characters) or the text has no blank lines (the shipped paper: blank lines are not consistent
separators there); otherwise blank lines separate paragraphs and the lines of a block are
joined (hard-wrapped text), with line-end hyphens removed before a lower-case continuation.

Huge paragraphs: any block longer than MAX_PARAGRAPH_CHARS (20,000 characters, `limits`) is
cut before numbering, at the last sentence end in the second half of each 20,000-character
window, else at the last space, else at the limit (`split_long`). The cut depends only on the
text, so anchors and fingerprints are the same on every run.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from indexer.ingest.limits import MAX_PARAGRAPH_CHARS
from indexer.ingest.model import Paragraph

LONG_LINE = 100
MAX_CAPS_HEADING = 200
MAX_NUMBERED_HEADING = 150
MAX_CONTINUATION = 90
MAX_TITLE_LINE = 120

NUMBERED_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)[.]?\s+(\S.*)$")
NUMBERED_DOT_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.\s+\S")
LIST_ITEM_RE = re.compile(r"^(?:\d{1,3}\)|[a-zа-я]\)|[-–—•*▪●◦·]\s)\s*", re.IGNORECASE)
SENTENCE_END = ".!?;:…"


@dataclass
class Block:
    """One unit of text before numbering: kind is 'title', 'heading' or 'paragraph'."""

    text: str
    kind: str = "paragraph"
    level: int = 0  # headings: 0 = top (resets the path), 1, 2... deeper
    page: int | None = None


def fingerprint(text: str) -> str:
    """Short hash of the whitespace/case-normalised text (12 hex digits)."""
    norm = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=6).hexdigest()


def has_word(line: str) -> bool:
    return any(ch.isalnum() for ch in line)


def is_list_item(line: str) -> bool:
    return bool(LIST_ITEM_RE.match(line))


def is_caps_line(line: str) -> bool:
    if len(line) > MAX_CAPS_HEADING or is_list_item(line):
        return False
    cased = [c for c in line if c.isalpha() and (c.isupper() or c.islower())]
    return len(cased) >= 4 and all(c.isupper() for c in cased)


def numbered_level(line: str) -> int | None:
    """1 for `2. Title`, 2 for `2.1. Title` / `2.1 Title`; None when not numbered."""
    m = NUMBERED_RE.match(line)
    if not m:
        return None
    number = m.group(1)
    if "." not in number and not NUMBERED_DOT_RE.match(line):
        return None  # `2009 жылы ...` is a sentence, not a numbered title
    return number.count(".") + 1


def is_numbered_heading_line(line: str) -> bool:
    if numbered_level(line) is None or len(line) > MAX_NUMBERED_HEADING:
        return False
    if line.rstrip()[-1] in SENTENCE_END:
        return False
    m = NUMBERED_RE.match(line)
    body = m.group(2) if m else ""
    first = next((c for c in body if c.isalpha()), "")
    return bool(first) and first.isupper()


def ends_sentence(line: str) -> bool:
    s = line.rstrip(" \"'»”)")
    return bool(s) and s[-1] in SENTENCE_END


def join_wrapped(lines: list[str]) -> str:
    """Join hard-wrapped lines; drop a line-end hyphen when the next line goes on in lower case."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
        elif (
            out.endswith("\u00ad")
            or out.endswith("-")
            and len(out) >= 2
            and out[-2].isalpha()
            and line[0].islower()
        ):
            out = out[:-1] + line
        else:
            out = out + " " + line
    return out.replace("\u00ad", "")


def one_per_line(lines: list[str]) -> bool:
    """Decide the paragraph convention of a plain-text file (see the module docstring)."""
    nonempty = [ln.strip() for ln in lines if ln.strip()]
    if not nonempty:
        return True
    first = next(i for i, ln in enumerate(lines) if ln.strip())
    last = max(i for i, ln in enumerate(lines) if ln.strip())
    if not any(not ln.strip() for ln in lines[first : last + 1]):
        return True  # no blank line between text lines: every line is a paragraph
    long = sum(1 for ln in nonempty if len(ln) > LONG_LINE)
    return long * 2 >= len(nonempty)


def _title_block(lines: list[str]) -> tuple[list[str], int]:
    """Leading title lines and the index after them (possibly none)."""
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    start = i
    title: list[str] = []
    while i < len(lines):
        s = lines[i].strip()
        if not s:
            break
        if (
            len(s) > MAX_TITLE_LINE
            or ends_sentence(s)
            or is_list_item(s)
            or numbered_level(s) is not None
        ):
            break
        if is_caps_line(s) and title:
            break
        title.append(s)
        i += 1
        if len(title) == 4:
            break
    if not title:
        return [], start
    # A title needs something after it: a heading or a blank line or a body line.
    nxt = lines[i].strip() if i < len(lines) else ""
    if len(title) == 1 and is_caps_line(title[0]) and i < len(lines):
        # A single all-caps first line is a heading like «КІРІСПЕ», unless followed by a
        # blank line and more text (then it is the title).
        return [], start
    if nxt and not (is_caps_line(nxt) or len(nxt) > MAX_TITLE_LINE or ends_sentence(nxt)):
        return [], start
    return title, i


def _classify_lines(lines: list[str], page: int | None = None) -> list[Block]:
    """Blocks from lines where each line is a paragraph unless it is (part of) a heading."""
    blocks: list[Block] = []
    n = len(lines)
    i = 0

    def adjacent(j: int) -> str:
        return lines[j].strip() if 0 <= j < n else ""

    while i < n:
        s = lines[i].strip()
        if not s:
            i += 1
            continue
        if not has_word(s):
            i += 1
            continue
        if is_caps_line(s):
            text = s
            nxt = adjacent(i + 1)
            if (
                nxt
                and is_caps_line(nxt)
                and numbered_level(nxt) is None
                and len(s) + len(nxt) <= MAX_CAPS_HEADING
            ):
                text = f"{s} {nxt}"
                i += 1
            blocks.append(Block(text, "heading", 0, page))
            i += 1
            continue
        prev, nxt = adjacent(i - 1), adjacent(i + 1)
        in_list = (prev and numbered_level(prev) is not None) or (
            nxt and numbered_level(nxt) is not None
        )
        if is_numbered_heading_line(s) and not in_list:
            text = s
            level = numbered_level(s) or 1
            after = adjacent(i + 2)
            if (
                nxt
                and len(nxt) <= MAX_CONTINUATION
                and not ends_sentence(nxt)
                and numbered_level(nxt) is None
                and not is_list_item(nxt)
                and not is_caps_line(nxt)
                and (not after or nxt[0].islower())
            ):
                text = f"{s} {nxt}"
                i += 1
            blocks.append(Block(text, "heading", level, page))
            i += 1
            continue
        blocks.append(Block(s, "paragraph", 0, page))
        i += 1
    return blocks


def split_plain_text(
    text: str, page: int | None = None, detect_title: bool = True
) -> tuple[str | None, list[Block]]:
    """(title or None, blocks) of a plain-text document."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    title_lines: list[str] = []
    start = 0
    if detect_title:
        title_lines, start = _title_block(lines)
    body = lines[start:]
    blocks: list[Block] = []
    title = None
    if title_lines:
        title = " ".join(title_lines)
        blocks.append(Block(title, "title", 0, page))
    if one_per_line(body):
        blocks.extend(_classify_lines(body, page))
        return title, blocks
    # Block mode: blank lines separate paragraphs; lines of a block are joined.
    chunk: list[str] = []
    for line in body + [""]:
        if line.strip():
            chunk.append(line.strip())
            continue
        if chunk:
            blocks.extend(_classify_block(chunk, page))
            chunk = []
    return title, blocks


def _classify_block(chunk: list[str], page: int | None) -> list[Block]:
    """One blank-line-separated block of hard-wrapped text."""
    joined = " ".join(chunk)
    if len(chunk) <= 2 and is_caps_line(joined):
        return [Block(joined, "heading", 0, page)]
    if len(chunk) <= 2 and is_numbered_heading_line(chunk[0]) and is_numbered_heading_line(joined):
        return [Block(joined, "heading", numbered_level(chunk[0]) or 1, page)]
    out: list[Block] = []
    # A heading line on top of a body block.
    if len(chunk) > 1 and (is_caps_line(chunk[0]) or is_numbered_heading_line(chunk[0])):
        head = chunk[0]
        out.append(
            Block(head, "heading", 0 if is_caps_line(head) else (numbered_level(head) or 1), page)
        )
        chunk = chunk[1:]
    # List items inside a block are separate paragraphs.
    current: list[str] = []
    for line in chunk:
        if (is_list_item(line) or NUMBERED_DOT_RE.match(line)) and current:
            out.append(Block(join_wrapped(current), "paragraph", 0, page))
            current = []
        current.append(line)
    if current and has_word(" ".join(current)):
        out.append(Block(join_wrapped(current), "paragraph", 0, page))
    return out


class SectionTracker:
    """Section path of headings: level 0 resets, level k replaces levels >= k."""

    def __init__(self) -> None:
        self.path: list[tuple[int, str]] = []

    def current(self) -> list[str]:
        return [t for _, t in self.path]

    def push(self, level: int, text: str) -> list[str]:
        """Enter a heading; return the path ABOVE it (its own section)."""
        if level <= 0:
            self.path = []
            above: list[str] = []
        else:
            self.path = [(lv, t) for lv, t in self.path if lv < level]
            above = self.current()
        self.path.append((level, text))
        return above


# A sentence end followed by space: where a huge paragraph is preferably cut.
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'»”)]*\s+")


def split_long(text: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[str]:
    """`text` cut into pieces of at most `limit` characters.

    Each cut is at the last sentence end in the second half of the window; failing that, at
    the last space; failing that (one giant word), at the limit itself. The result depends on
    the text alone, so the same input always gives the same pieces (stable anchors)."""
    pieces: list[str] = []
    start, n = 0, len(text)
    while n - start > limit:
        window = text[start : start + limit + 1]
        cut = 0
        for m in _SENTENCE_BREAK.finditer(window, limit // 2):
            if m.end() > limit:  # the cut (end of the trailing space) must fit in the piece
                break
            cut = m.end()
        if not cut:
            space = window.rfind(" ", limit // 2, limit)
            cut = space + 1 if space > 0 else limit
        piece = text[start : start + cut].strip()
        if piece:
            pieces.append(piece)
        start += cut
    rest = text[start:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _split_huge(blocks: list[Block]) -> Iterator[Block]:
    """Blocks over MAX_PARAGRAPH_CHARS as several paragraph blocks (a heading that long is
    text, not a heading)."""
    for b in blocks:
        if len(b.text) <= MAX_PARAGRAPH_CHARS:
            yield b
            continue
        for piece in split_long(b.text.strip()):
            yield Block(piece, "paragraph", 0, b.page)


def number_blocks(blocks: list[Block]) -> list[Paragraph]:
    """Paragraph objects (1-based n, section paths, fingerprints) from classified blocks.
    Paragraphs longer than MAX_PARAGRAPH_CHARS are split first (`split_long`)."""
    tracker = SectionTracker()
    out: list[Paragraph] = []
    for b in _split_huge(blocks):
        text = b.text.strip()
        if not text or not has_word(text):
            continue
        if b.kind == "title":
            out.append(
                Paragraph(
                    n=len(out) + 1,
                    text=text,
                    kind="heading",
                    section=[],
                    page=b.page,
                    fp=fingerprint(text),
                )
            )
            continue
        if b.kind == "heading":
            section = tracker.push(b.level, text)
            out.append(
                Paragraph(
                    n=len(out) + 1,
                    text=text,
                    kind="heading",
                    section=section,
                    page=b.page,
                    fp=fingerprint(text),
                )
            )
            continue
        out.append(
            Paragraph(
                n=len(out) + 1,
                text=text,
                kind="paragraph",
                section=tracker.current(),
                page=b.page,
                fp=fingerprint(text),
            )
        )
    return out
