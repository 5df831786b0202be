"""Writing generation N+1: a hard-linked copy of the live generation (or an empty index),
one Whoosh writer, and the durable finish (fsync, manifest.json with the version stamp,
docs.json).

Hard links are safe: Whoosh never rewrites an existing file (segments get fresh random
names, the TOC a new generation number, deletions live in the TOC), so linked files stay
byte-identical; tests/test_store.py checks it. Segments are never compound
(`indexer.index.writer`), so a searcher memory-maps the files.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh import index as windex

from indexer.index.generations import stamp
from indexer.index.layout import (
    DOCS_JSON,
    MANIFEST,
    VERIFIED,
    crc32,
    file_key,
    fsync_dir,
    fsync_file,
    gen_name,
    json_bytes,
    whoosh_files,
    write_durable,
)
from indexer.index.schema import build_schema, paragraph_fields
from indexer.index.writer import open_writer
from indexer.ingest.model import Document

SEGMENT_LIMIT = 12  # more segments than this: merge all at commit


class GenerationWriter:
    """Creates generation N+1 (a linked copy of the live one, or empty) and one writer.

    `on_paragraph(count)` is called after each paragraph is added (a test pauses there)."""

    def __init__(
        self,
        index_dir: Path,
        live: str | None,
        number: int,
        procs: int,
        limitmb: int,
        on_paragraph: Callable[[int], None] | None = None,
    ):
        self.name = gen_name(number)
        self.dir = index_dir / self.name
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir()
        self.known_crc: dict[tuple, int] = {}
        if live is None:
            self.ix = windex.create_in(str(self.dir), build_schema())
        else:
            self._link_from(index_dir / live)
            self.ix = windex.open_dir(str(self.dir))
        self.segments_before = len(self.ix._segments())
        self.writer = open_writer(self.ix, procs=procs, limitmb=limitmb)
        self.added = 0
        self.on_paragraph = on_paragraph

    def _link_from(self, src: Path) -> None:
        for name in whoosh_files(src):
            try:
                os.link(src / name, self.dir / name)
            except OSError:
                shutil.copy2(src / name, self.dir / name)
        # The linked files' checksums are known: the live manifest's, verified at open.
        with contextlib.suppress(OSError, ValueError):
            sums = json.loads((src / MANIFEST).read_text(encoding="utf-8")).get("crc32", {})
            for name, crc in sums.items():
                with contextlib.suppress(OSError):
                    self.known_crc[file_key((self.dir / name).stat())] = crc

    def delete_doc(self, doc_id: str) -> None:
        self.writer.delete_by_term("doc_id", doc_id)

    def add(self, doc: Document) -> None:
        add = self.writer.add_document
        for para in doc.paragraphs:
            add(**paragraph_fields(doc, para))
            self.added += 1
            if self.on_paragraph is not None:
                self.on_paragraph(self.added)

    def commit(self, optimize: bool, on_segment: Callable[[], None] | None = None) -> None:
        """Whoosh's commit; `on_segment` runs inside it once the new segment is written and
        before its TOC (a test kills the process there)."""
        if self.segments_before >= SEGMENT_LIMIT:
            optimize = True
        if on_segment is not None and hasattr(self.writer, "_finalize_segment"):
            original = self.writer._finalize_segment

            def finalize_then_call() -> Any:
                seg = original()
                on_segment()
                return seg

            self.writer._finalize_segment = finalize_then_call
        self.writer.commit(optimize=optimize)

    def cancel(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.cancel()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _crc32(self, path: Path) -> int:
        """The file's checksum: known when it is linked unchanged from the live generation."""
        key = file_key(path.stat())
        crc = self.known_crc.get(key)
        if crc is None:
            crc = crc32(path)
        VERIFIED.add(key)
        return crc

    def finish(self, meta: dict) -> None:
        """fsync the Whoosh files, write manifest.json and docs.json durably."""
        files = whoosh_files(self.dir)
        for name in files:
            fsync_file(self.dir / name)
        manifest = {
            **stamp(),
            "generation": self.name,
            "files": {n: (self.dir / n).stat().st_size for n in files},
            "crc32": {n: self._crc32(self.dir / n) for n in files},
        }
        write_durable(self.dir / MANIFEST, json.dumps(manifest, indent=1).encode())
        write_durable(self.dir / DOCS_JSON, json_bytes(meta))
        fsync_dir(self.dir)
