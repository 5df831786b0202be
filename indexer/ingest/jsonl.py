"""JSON Lines (.jsonl, .ndjson): one document per record, streamed.

A record is an object with "id" and "text" (a string); optional "title", "url", "date",
"lang", "publisher", and "author"/"authors" (a string, several names separated by ';', or a
list of strings). A line that fails for any reason (invalid JSON, nesting too deep for the
parser, wrong types, a duplicate id, no text) is skipped alone: its (line number, reason) goes
to the file's `FileReport.skipped_lines` and to each document's `skipped_lines` (the same
list, complete once the file is read), and the rest of the file is still read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

from indexer.ingest import ids
from indexer.ingest.base import decode
from indexer.ingest.model import READER_VERSION, Document, FileReport, SkipFile
from indexer.ingest.paragraphs import Block, join_wrapped, number_blocks

EXTENSIONS = {".jsonl", ".ndjson"}


class BadLine(ValueError):
    """This line gives no document; str(exc) is the reason."""


def _lines(text: str) -> Iterator[str]:
    """Lines of a big string without building a list (JSON Lines files can be large)."""
    start, n = 0, len(text)
    while start < n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        yield text[start:end]
        start = end + 1


def _optional(rec: dict, key: str) -> str | None:
    value = rec.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)):
        raise BadLine(f'"{key}" must be a string')
    return str(value)


def _authors(rec: dict) -> list[str]:
    value = rec.get("authors", rec.get("author"))
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(";")
    if any(isinstance(v, (dict, list)) for v in items):
        raise BadLine('"authors" must be a string or a list of strings')
    return [" ".join(str(v).split()) for v in items if v is not None and str(v).strip()]


def _paragraphs(body: str) -> list[Block]:
    body = body.replace("\r\n", "\n")
    if re.search(r"\n\s*\n", body):
        parts = [join_wrapped(p.split("\n")) for p in re.split(r"\n\s*\n", body)]
    else:
        parts = [p.strip() for p in body.split("\n")]
    return [Block(p) for p in parts if p.strip()]


def parse_record(line: str) -> dict:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"invalid JSON ({exc.msg})") from None
    except RecursionError:
        raise BadLine("invalid JSON (nested too deeply)") from None
    if not isinstance(rec, dict) or "id" not in rec or not isinstance(rec.get("text"), str):
        raise BadLine('a record needs "id" and "text"')
    if isinstance(rec["id"], (dict, list)) or rec["id"] is None:
        raise BadLine('"id" must be a string or a number')
    return rec


def record_document(rec: dict, rid: str, path: Path, enc: str, name_lang: str | None) -> Document:
    paragraphs = number_blocks(_paragraphs(rec["text"]))
    if not paragraphs:
        raise BadLine(f"record {rid!r} has no text")
    rec_hash = hashlib.sha256(
        (READER_VERSION + json.dumps(rec, sort_keys=True, ensure_ascii=False)).encode()
    ).hexdigest()
    title = _optional(rec, "title") or rid
    return Document(
        doc_id=rid,
        title=" ".join(title.split()),
        paragraphs=paragraphs,
        source=str(path),
        format="jsonl",
        encoding=enc,
        lang=_optional(rec, "lang") or name_lang,
        url=_optional(rec, "url"),
        date=_optional(rec, "date"),
        sha256=rec_hash,
        authors=_authors(rec),
        publisher=_optional(rec, "publisher"),
    )


def read_jsonl(
    path: Path, data: bytes, side: dict, report: FileReport, limit: int
) -> Iterator[Document]:
    """Documents of the file's records, one at a time; SkipFile when no line gives one."""
    text, enc = decode(data)
    seen: dict[str, int] = {}
    count = 0
    name_lang = side.get("lang") or ids.language_from_name(path.name)
    for lineno, line in enumerate(_lines(text), 1):
        if not line.strip():
            continue
        try:
            rec = parse_record(line)
            rid = ids.record_id(rec["id"])
            if rid in seen:
                raise BadLine(f"duplicate id {rid!r} (first on line {seen[rid]})")
            doc = record_document(rec, rid, path, enc, name_lang)
        except BadLine as exc:
            report.skipped_lines.append((lineno, str(exc)))
            continue
        except Exception as exc:  # any other failure of one line must not end the file
            report.skipped_lines.append((lineno, f"{type(exc).__name__}: {exc}"))
            continue
        seen[rid] = lineno
        count += 1
        yield doc
    if not count:
        first = report.skipped_lines[0] if report.skipped_lines else None
        raise SkipFile("no valid records" + (f" (line {first[0]}: {first[1]})" if first else ""))
