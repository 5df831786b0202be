"""Steps every reader shares: read a file's bytes within the size limit, decode text, capture
library warnings, and finish a `Document` (metadata precedence, numbered paragraphs)."""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.ingest import ids
from indexer.ingest.encoding import BinaryContent, EncodingUndetermined, decode_bytes
from indexer.ingest.limits import max_file_bytes, megabytes
from indexer.ingest.model import READER_VERSION, Document, SkipFile
from indexer.ingest.paragraphs import Block, number_blocks

# Libraries that report through `logging` rather than `warnings`.
LIBRARY_LOGGERS = ("pypdf", "docx", "bs4")
MAX_WARNINGS = 20  # per file; a damaged PDF can repeat one complaint thousands of times


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes, or SkipFile for unreadable, empty or oversized files."""
    limit = max_file_bytes() if limit is None else limit
    try:
        size = path.stat().st_size
        if size > limit:
            raise SkipFile(
                f"too large ({megabytes(size)} > limit {limit / 1048576:.0f} MB;"
                f" set IZDE_MAX_FILE_MB to raise it)"
            )
        data = path.read_bytes()
    except PermissionError:
        raise SkipFile("unreadable (permission denied)") from None
    except IsADirectoryError:
        raise SkipFile("is a directory") from None
    except OSError as exc:
        raise SkipFile(f"unreadable ({exc.strerror or exc})") from None
    if not data.strip():
        raise SkipFile("empty file")
    return data


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) or SkipFile with the reason ("encoding could not be determined ...")."""
    try:
        return decode_bytes(data)
    except BinaryContent as exc:
        raise SkipFile(str(exc)) from None
    except EncodingUndetermined as exc:
        msg = str(exc)
        if "encoding could not be determined" not in msg:
            msg = f"encoding could not be determined: {msg}"
        raise SkipFile(msg) from None


def file_sha256(data: bytes, side: dict) -> str:
    h = hashlib.sha256(data)
    h.update(json.dumps(side, sort_keys=True, ensure_ascii=False).encode())
    h.update(READER_VERSION.encode())
    return h.hexdigest()


class _ListHandler(logging.Handler):
    def __init__(self, out: list[str]):
        super().__init__(logging.WARNING)
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        self.out.append(f"{record.name.split('.')[0]}: {record.getMessage()}")


@contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """Collect library warnings (the `warnings` module and the loggers of LIBRARY_LOGGERS)
    into the yielded list instead of letting them reach the terminal. The list is filled,
    deduplicated and capped when the block ends without an exception."""
    caught: list[str] = []
    handler = _ListHandler(caught)
    saved = []
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate))
        logger.addHandler(handler)
        logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as recorded:
            warnings.simplefilter("always")
            yield caught
            caught.extend(f"{w.category.__name__}: {w.message}" for w in recorded)
            unique = list(dict.fromkeys(" ".join(m.split()) for m in caught))
            caught[:] = unique[:MAX_WARNINGS]
            if len(unique) > MAX_WARNINGS:
                caught.append(f"... and {len(unique) - MAX_WARNINGS} more warnings")
    finally:
        for logger, propagate in saved:
            logger.removeHandler(handler)
            logger.propagate = propagate


def title_from_first_heading(blocks: list[Block], title: str | None) -> str | None:
    """A leading level-1 heading that is the only one of its level is the document title:
    it stays paragraph 1 but leaves the section paths (same rule for md, html and docx)."""
    firsts = [b for b in blocks if b.kind == "heading" and b.level == 1]
    if not (blocks and blocks[0].kind == "heading" and blocks[0].level == 1 and len(firsts) == 1):
        return title
    if title is None or " ".join(title.split()) == " ".join(blocks[0].text.split()):
        blocks[0].kind = "title"
        return blocks[0].text
    return title


def finish_document(
    path: Path,
    data: bytes,
    side: dict,
    fmt: str,
    blocks: list[Block],
    title: str | None,
    encoding: str | None,
    meta: dict | None = None,
) -> Document:
    """Apply metadata precedence (sidecar > format > file name) and number the paragraphs.

    `meta` keys the formats give: title, lang, url, date, description, publisher (strings)
    and authors (a list of names)."""
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
        authors=list(side.get("authors") or meta.get("authors") or []),
        publisher=side.get("publisher") or meta.get("publisher"),
    )
