"""Documents in, paragraphs out: the dispatcher that reads one file into `Document`s.

`iter_documents(path)` / `read_documents(path)` choose the reader by extension (txt, md,
html, docx, pdf, jsonl; one module each) and raise `SkipFile(reason)` for a file that must be
skipped (empty, binary, unreadable, undecodable, too large, too deeply nested, malformed).
Metadata comes from the format itself and from one sidecar convention (`sidecar`), which
wins. A language suffix in the name (`x.kk.txt`) gives the language. Document ids are
assigned by the index (`indexer.ingest.ids`); readers leave `doc_id` as the base id of the
file name (JSON Lines: the record's id).

Problems that skip only part of a file (a bad JSON Lines line, a failure after some documents
were given) and captured library warnings go to the file's `FileReport`, which every document
of the file shares as `doc.skipped_lines` / `doc.warnings`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from indexer.ingest import docx, html, jsonl, markdown, pdf, text
from indexer.ingest.base import read_bytes
from indexer.ingest.limits import max_file_bytes
from indexer.ingest.model import Document, FileReport, SkipFile
from indexer.ingest.sidecar import is_sidecar, read_sidecar

Reader = Callable[[Path, bytes, dict, FileReport, int], Iterable[Document]]

READERS: dict[str, Reader] = {}
for _exts, _reader in (
    (text.EXTENSIONS, text.read_text),
    (markdown.EXTENSIONS, markdown.read_markdown),
    (html.EXTENSIONS, html.read_html),
    (docx.EXTENSIONS, docx.read_docx),
    (pdf.EXTENSIONS, pdf.read_pdf),
    (jsonl.EXTENSIONS, jsonl.read_jsonl),
):
    READERS.update(dict.fromkeys(_exts, _reader))
SUPPORTED_EXT = frozenset(READERS)


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_EXT and not is_sidecar(path)


def iter_documents(
    path: Path,
    max_bytes: int | None = None,
    warnings: list[str] | None = None,
    report: FileReport | None = None,
) -> Iterator[Document]:
    """Documents of one file, one at a time (a large JSON Lines file is never held as a
    list). SkipFile comes before the first document; a failure after some documents were
    given ends the file and is recorded as `report.stopped`.

    `report` (optional) receives the file's partial problems and library warnings; when the
    iteration ends, `report.complete` says whether every line of the file gave its document.
    `warnings` (optional) receives the same report as lines for a person.
    """
    path = Path(path)
    report = FileReport() if report is None else report
    ext = path.suffix.lower()
    if is_sidecar(path):
        raise SkipFile("metadata sidecar, not a document")
    reader = READERS.get(ext)
    if reader is None:
        raise SkipFile(f"unsupported file type {ext or '(none)'}")
    side = read_sidecar(path)
    limit = max_file_bytes() if max_bytes is None else max_bytes
    data = read_bytes(path, limit)
    given = 0
    try:
        for doc in reader(path, data, side, report, limit):
            doc.warnings = report.warnings
            doc.skipped_lines = report.skipped_lines
            given += 1
            yield doc
    except SkipFile as exc:
        if not given:
            raise
        report.stopped = f"stopped after {given} documents: {exc.reason}"
    except Exception as exc:  # a malformed file of any format must not stop the run
        reason = f"cannot read {ext[1:]}: {type(exc).__name__}: {exc}"
        if not given:
            raise SkipFile(reason) from None
        report.stopped = f"stopped after {given} documents: {reason}"
    if warnings is not None:
        warnings.extend(report.messages())


def read_documents(
    path: Path,
    max_bytes: int | None = None,
    warnings: list[str] | None = None,
    report: FileReport | None = None,
) -> list[Document]:
    """Read one file into documents (JSON Lines gives many). Raises SkipFile.
    `warnings` and `report` as for `iter_documents`."""
    return list(iter_documents(path, max_bytes, warnings, report))
