"""What the readers produce: `Document`s of numbered `Paragraph`s, the `SkipFile` refusal, and
the `FileReport` of one file's partial problems. No reading happens here."""

from __future__ import annotations

from dataclasses import dataclass, field

# Bump when a reader changes how paragraphs or metadata come out: unchanged files are then
# re-read. 4: huge paragraphs split, authors/publisher read, JSON Lines lines skipped singly.
READER_VERSION = "4"


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
    """One indexable document.

    Citation metadata: `authors` (each a display name, in the order the source gives them),
    `publisher` and `date` (as the source writes it, ISO `YYYY[-MM[-DD]]` where the format has
    a machine date). `warnings` holds library warnings captured while reading the file (pypdf's
    complaints about a damaged cross-reference table, for example); `skipped_lines` the
    (line number, reason) of JSON Lines lines that were skipped. Both lists are shared by all
    documents of one file and are complete once the file's documents have all been read.
    """

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
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    warnings: list[str] = field(default_factory=list)
    skipped_lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class FileReport:
    """What went wrong in part of one file while its documents were still read.

    `skipped_lines`: (line number, reason) of JSON Lines lines that gave no document (bad
    JSON, too deeply nested, wrong types, duplicate id, no text). `stopped`: why reading ended
    before the end of the file, after some documents were given. `warnings`: library warnings.
    A file with `complete == False` was read incompletely: documents it gave before are not
    evidence that its other, previously indexed documents are gone.
    """

    skipped_lines: list[tuple[int, str]] = field(default_factory=list)
    stopped: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.skipped_lines and self.stopped is None

    def messages(self) -> list[str]:
        """The report as lines for a person: skipped lines, the stop, then warnings."""
        out = [f"line {n}: {reason}" for n, reason in self.skipped_lines]
        if self.stopped:
            out.append(self.stopped)
        return out + self.warnings


class SkipFile(Exception):
    """This file cannot be indexed; str(exc) is the reason shown to the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
