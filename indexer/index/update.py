"""One `izde index` run, as a pipeline: discover -> read -> diff -> write -> commit -> switch.

A run never changes the live generation. It builds generation N+1 from a copy of the live
one (`generation_writer`), commits with one writer, fsyncs the files and the folder, writes
manifest.json and docs.json, and only then switches CURRENT (temp file + fsync + os.replace +
fsync of the folder). Generations older than the previous one are deleted afterwards; the
previous one stays for readers still holding it. A generation newer than CURRENT is the
leftover of a killed run and is deleted by the next run.

Nothing is removed by mistake:
- a path given that is missing, or a folder with no file to read, stops the run before
  anything is touched (InputError), unless `prune=True`;
- documents whose file is gone are removed only under a path given that exists and is not
  empty, or anywhere with `prune=True`;
- a file that cannot be read this run keeps its previously indexed version, and a JSON Lines
  file read incompletely (a bad line) keeps the records indexed from it earlier.

Tests observe a run through `hook(point, count)`, called at "read" (first document read),
"write" (after each paragraph added; count = paragraphs so far), "segment" (inside Whoosh's
commit, segment written, TOC not yet), "commit" (after the Whoosh commit) and "switch"
(docs.json written, CURRENT not yet moved). tests/test_crash.py kills the process there.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import itertools
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from indexer.config import env_int
from indexer.index.anchors import HISTORY_CAP
from indexer.index.discover import Discovery, Source, discover
from indexer.index.errors import IndexDamaged, InputError, damaged, shown, storage_error
from indexer.index.generation_writer import GenerationWriter
from indexer.index.generations import (
    FORMAT_VERSION,
    load_docs_json,
    read_manifest,
    stamp_problem,
    verify_files,
)
from indexer.index.layout import (
    DOCS_JSON,
    clean_generations,
    gen_number,
    read_current,
    remove_unfinished,
    switch_current,
)
from indexer.index.lock import WriteLock
from indexer.index.reading import hash_source, printable
from indexer.index.summary import Summary
from indexer.ingest import ids
from indexer.ingest.encoding import encoding_label
from indexer.ingest.jsonl import EXTENSIONS as JSONL_EXT
from indexer.ingest.model import READER_VERSION, Document, FileReport, SkipFile
from indexer.ingest.readers import iter_documents
from indexer.ingest.sidecar import read_sidecar

Hook = Callable[[str, int], None]
AUTO_PROCS_BYTES = 8 * 1024 * 1024  # changed input (~17K paragraphs) from which 2 processes pay off


@dataclass
class UpdateOptions:
    rebuild: bool = False  # build a new index from scratch
    prune: bool = False  # remove documents whose file is gone, wherever it was
    follow_symlinks: bool = False  # read links that lead outside the paths given
    progress: bool = False  # a progress bar on stderr
    wait: float = 0.0  # seconds to wait for another writer
    procs: int | None = None  # Whoosh writer processes; None: chosen (see choose_procs)
    limitmb: int = 128
    max_bytes: int | None = None  # file size limit; None: the readers' default


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in JSONL_EXT


def doc_meta(doc: Document, old: dict | None, now: str) -> dict:
    """The document's entry in docs.json; `old` is its previous entry (for the history of
    fingerprint lists that keeps old anchors resolvable)."""
    fps = [p.fp for p in doc.paragraphs]
    history = list(old.get("history", [])) if old else []
    if old and old.get("fps") and old.get("fps") != fps:
        history.insert(0, old["fps"])
    meta = {
        "title": doc.title,
        "source": doc.source,
        "format": doc.format,
        "encoding": doc.encoding,
        "lang": doc.lang,
        "url": doc.url,
        "date": doc.date,
        "sha256": doc.sha256,
        "paragraphs": len(doc.paragraphs),
        "fps": fps,
        "headings": sum(1 for p in doc.paragraphs if p.kind == "heading"),
        "pages": max((p.page or 0) for p in doc.paragraphs) or None,
        "indexed_at": now,
        "history": history[:HISTORY_CAP],
    }
    if doc.description:
        meta["description"] = doc.description
    if doc.authors:  # citation metadata (#11), present only when the source gives it
        meta["authors"] = doc.authors
    if doc.publisher:
        meta["publisher"] = doc.publisher
    return meta


class IndexUpdate:
    """One run over `paths` into `index_dir`; `run()` returns its Summary."""

    def __init__(
        self,
        paths: list[Path],
        index_dir: Path,
        options: UpdateOptions | None = None,
        hook: Hook | None = None,
    ) -> None:
        self.paths = [Path(p) for p in paths]
        self.index_dir = Path(index_dir)
        self.opt = options or UpdateOptions()
        self.hook = hook
        self.rebuild = self.opt.rebuild
        self.summary = Summary(index_dir=str(self.index_dir), rebuilt=self.rebuild)
        self.now = _now()
        self.live: str | None = None
        self.old_meta: dict[str, Any] = {"docs": {}, "sources": {}}
        self.found = Discovery()
        self.new_docs: dict[str, dict] = {}
        self.new_sources: dict[str, dict] = {}
        self.owner: dict[str, str] = {}  # doc id -> source key
        self.file_ids: dict[str, str] = {}
        self.digests: dict[str, str | None] = {}
        self.deleted: set[str] = set()  # doc ids deleted from the new generation's writer
        self.gw: GenerationWriter | None = None
        self.changed = False
        self.first_read = True
        self.bar: Any = None

    # -- the pipeline --------------------------------------------------------------------

    def run(self) -> Summary:
        t0 = time.monotonic()
        try:
            self.discover(self.paths)
            self.index_dir.mkdir(parents=True, exist_ok=True)
            with WriteLock(self.index_dir, self.opt.wait):
                self.load_live()
                self.diff_setup()
                self.write_generation()
        except OSError as exc:
            raise storage_error(exc, self.index_dir) from exc
        self.summary.seconds = time.monotonic() - t0
        return self.summary

    def reached(self, point: str, count: int = 0) -> None:
        if self.hook is not None:
            self.hook(point, count)

    def discover(self, paths: list[Path]) -> None:
        """Find the files; refuse missing or empty paths unless pruning was asked for."""
        self.found = discover(paths, self.index_dir, self.opt.follow_symlinks)
        bad = self.found.bad_roots()
        if bad and not self.opt.prune:
            what = "; ".join(
                f"{shown(r.given)} does not exist"
                if not r.exists
                else f"{shown(r.given)} holds no file izde reads"
                for r in bad
            )
            raise InputError(
                f"{what}: nothing was indexed or removed. Check the path (a renamed folder? "
                f"a disk not mounted?); to remove the documents indexed from it, run again "
                f"with --prune"
            )

    def load_live(self) -> None:
        """The live generation's name and docs.json; leftovers of killed runs removed."""
        try:
            self.live = read_current(self.index_dir)
        except IndexDamaged:
            if not self.rebuild:
                raise
        remove_unfinished(self.index_dir, self.live)
        if self.live is not None:
            self.old_meta = self._live_meta(self.index_dir / self.live)

    def _live_meta(self, gen_dir: Path) -> dict:
        try:
            if not gen_dir.is_dir():
                raise damaged(
                    self.index_dir, f"generation {gen_dir.name} named by CURRENT is missing"
                )
            manifest = read_manifest(self.index_dir, gen_dir)
            problem = stamp_problem(manifest)
            if problem and not self.rebuild:
                self._rebuild_because(problem)
            verify_files(self.index_dir, gen_dir, manifest)
            return load_docs_json(self.index_dir, gen_dir)
        except IndexDamaged:
            if not self.rebuild:
                raise
            return self._salvage(gen_dir)

    def _rebuild_because(self, problem: str) -> None:
        """An index of another version cannot be updated in place: rebuild it from the
        paths given and the files it was built from that still exist."""
        self.rebuild = self.summary.rebuilt = True
        self.summary.notes.append(
            f"note: the index was built by another version of izde ({problem}); rebuilt it"
        )

    @staticmethod
    def _salvage(gen_dir: Path) -> dict:
        """A damaged generation's docs.json, if readable: ids and history are kept."""
        with contextlib.suppress(OSError, ValueError):
            meta = json.loads((gen_dir / DOCS_JSON).read_text(encoding="utf-8"))
            if isinstance(meta, dict) and all(
                isinstance(meta.get(k), dict) for k in ("docs", "sources")
            ):
                return meta
        return {"docs": {}, "sources": {}}

    # -- diff --------------------------------------------------------------------------

    @property
    def old_docs(self) -> dict[str, dict]:
        return self.old_meta["docs"]

    @property
    def old_sources(self) -> dict[str, dict]:
        return self.old_meta["sources"]

    def diff_setup(self) -> None:
        """Ids, the sources that are gone, content hashes and the writer's processes."""
        if self.summary.rebuilt and not self.opt.rebuild:
            extra = [Path(s) for s in self.old_sources if os.path.exists(s)]
            self.discover(self.paths + extra)
        self.summary.skipped.extend(self.found.skipped)
        self.summary.ignored.extend(self.found.ignored)
        gone = self.gone_sources()
        taken = {
            d: key
            for key, info in self.old_sources.items()
            if key not in gone
            for d in info.get("docs", [])
        }
        self.file_ids = ids.assign_ids(
            {s.key: s.rel for s in self.found.sources if not _is_jsonl(s.path)}, taken
        )
        if not self.rebuild:
            self.new_docs = dict(self.old_docs)
            self.new_sources = dict(self.old_sources)
            self.owner = dict(taken)
        self.digests = {s.key: hash_source(s, self.opt.max_bytes) for s in self.found.sources}
        self.summary.procs = self.choose_procs()
        self.remove_sources(gone)

    def gone_sources(self) -> set[str]:
        """Sources indexed earlier whose documents go: files that no longer exist under a
        path given that exists and is not empty (anywhere, with prune), and link targets
        now skipped by policy."""
        seen = {s.key for s in self.found.sources}
        gone = set()
        for key in self.old_sources:
            if key in seen:
                continue
            if key in self.found.excluded or (
                not os.path.exists(key) and (self.opt.prune or self.found.in_scope(key))
            ):
                gone.add(key)
        return gone

    def remove_sources(self, gone: set[str]) -> None:
        """Delete the documents of gone sources (before any document is added, so an id
        they free can be taken by a file read in this run)."""
        for key in sorted(gone):
            for doc_id in self.old_sources[key].get("docs", []):
                if doc_id in self.new_docs:
                    self.delete(doc_id)
            self.new_sources.pop(key, None)

    def delete(self, doc_id: str) -> None:
        self.writer().delete_doc(doc_id)
        self.deleted.add(doc_id)
        del self.new_docs[doc_id]
        self.summary.removed.append(doc_id)
        self.changed = True

    def choose_procs(self) -> int:
        """One writer process, or two when at least AUTO_PROCS_BYTES of changed files are to
        be read on a machine with two or more cores. Measured on 2 idle cores
        (bench/bench_index.py): two processes index 100K paragraphs about 1.45x faster in
        wall time for about 1.2x the CPU time, 10K paragraphs about 1.35x faster for about
        1.35x the CPU; below AUTO_PROCS_BYTES a one-process run takes seconds, and the CPU
        (and the second core, which a running `izde serve` needs) is worth more than the
        second or two saved. IZDE_INDEX_PROCS overrides the choice."""
        if self.opt.procs is not None:
            return self.opt.procs
        forced = env_int("IZDE_INDEX_PROCS", 0, 0, 64)  # 0 or unset: choose as below
        if forced:
            return forced
        work = 0
        for src in self.found.sources:
            prev = self.old_sources.get(src.key)
            if self.rebuild or not prev or prev.get("sha256") != self.digests[src.key]:
                with contextlib.suppress(OSError):
                    work += src.path.stat().st_size
        return 2 if work >= AUTO_PROCS_BYTES and (os.cpu_count() or 1) >= 2 else 1

    # -- read and write ------------------------------------------------------------------

    def writer(self) -> GenerationWriter:
        if self.gw is None:
            on_paragraph = (lambda n: self.reached("write", n)) if self.hook else None
            self.gw = GenerationWriter(
                self.index_dir,
                None if self.rebuild else self.live,
                (gen_number(self.live or "") or 0) + 1,
                procs=self.summary.procs,
                limitmb=self.opt.limitmb,
                on_paragraph=on_paragraph,
            )
        return self.gw

    def write_generation(self) -> None:
        try:
            self.read_all()
            if not self.changed and not self.rebuild and self.live is not None:
                self.finish_unchanged()
                return
            self.commit_and_switch()
        except BaseException:
            if self.gw is not None:
                self.gw.cancel()
            raise
        finally:
            if self.bar is not None:
                self.bar.close()
        assert self.gw is not None
        # Keep the previous generation for readers still holding it.
        clean_generations(
            self.index_dir, keep={self.gw.name} | ({self.live} if self.live else set())
        )

    def read_all(self) -> None:
        if self.opt.progress:
            self.bar = tqdm(
                total=len(self.found.sources),
                unit="file",
                desc="indexing",
                file=sys.stderr,
                leave=False,
            )
        for src in self.found.sources:
            if self.bar is not None:
                self.bar.update(1)
            self.read_source(src)
        if self.bar is not None:
            self.bar.set_description("committing")
            self.bar.refresh()

    def read_source(self, src: Source) -> None:
        prev = self.old_sources.get(src.key)
        digest = self.digests[src.key]
        prev_docs = prev.get("docs", []) if prev else []
        if (
            not self.rebuild
            and digest
            and prev
            and prev.get("sha256") == digest
            and all(d in self.old_docs and d not in self.deleted for d in prev_docs)
        ):
            self.summary.unchanged.extend(prev_docs)
            return
        report = FileReport()  # what the reader skipped within the file, library warnings
        kept = self.read_documents(src, prev, report)
        self.summary.warnings.extend((str(src.path), m) for m in report.warnings)
        if kept is None:
            return
        partial = [f"line {n}: {reason}" for n, reason in report.skipped_lines]
        partial += [report.stopped] if report.stopped else []
        self.summary.skipped.extend((str(src.path), m) for m in partial)
        kept = self.drop_vanished(src, prev_docs, kept, incomplete=not report.complete)
        # Read incompletely: no hash, so the file is read (and its problems shown) again.
        self.new_sources[src.key] = {"sha256": digest if report.complete else None, "docs": kept}

    def read_documents(
        self, src: Source, prev: dict | None, report: FileReport
    ) -> list[str] | None:
        """The ids of the documents the file holds now (each written when new or changed);
        None when the file is skipped."""
        docs = iter_documents(src.path, max_bytes=self.opt.max_bytes, report=report)
        try:
            first = next(docs, None)
        except SkipFile as exc:
            reason = exc.reason
            if prev and not self.rebuild:
                reason += " (previous version kept)"
                self.summary.unchanged.extend(prev.get("docs", []))
            self.summary.skipped.append((str(src.path), reason))
            return None
        if self.first_read:
            self.first_read = False
            self.reached("read")
        side_id = None if _is_jsonl(src.path) else read_sidecar(src.path).get("id")
        kept = []
        for doc in itertools.chain([first] if first else [], docs):
            if not _is_jsonl(src.path):
                doc.doc_id = ids.slugify(side_id) if side_id else self.file_ids[src.key]
            if self.take(doc, src):
                kept.append(doc.doc_id)
        return kept

    def take(self, doc: Document, src: Source) -> bool:
        """Write `doc` when it is new or changed; False when its id belongs to another file."""
        holder = self.owner.get(doc.doc_id, src.key)
        if holder != src.key:
            self.summary.skipped.append(
                (str(src.path), f"document id {doc.doc_id!r} is already used by {shown(holder)}")
            )
            return False
        self.owner[doc.doc_id] = src.key
        old = self.old_docs.get(doc.doc_id)
        same = old is not None and old.get("sha256") == doc.sha256
        # Not in the new generation's copy of the live one: rebuilt, or deleted this run.
        fresh = self.rebuild or doc.doc_id in self.deleted
        if same and not fresh:
            self.summary.unchanged.append(doc.doc_id)
            return True
        self.write(doc, old, replace=old is not None and not fresh)
        if old is None:
            self.summary.added.append(doc.doc_id)
        elif same:
            self.summary.unchanged.append(doc.doc_id)  # rewritten, same content
        else:
            self.summary.updated.append(doc.doc_id)
        return True

    def write(self, doc: Document, old: dict | None, replace: bool) -> None:
        """Add `doc` to the new generation (deleting its old version there first)."""
        w = self.writer()
        if replace:
            w.delete_doc(doc.doc_id)
        w.add(printable(doc))
        self.changed = True
        self.summary.paragraphs += len(doc.paragraphs)
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.summary.paragraphs} paragraphs", refresh=False)
        self.summary.encodings[encoding_label(doc.encoding) if doc.encoding else doc.format] += 1
        self.new_docs[doc.doc_id] = doc_meta(doc, old, self.now)

    def drop_vanished(
        self, src: Source, prev_docs: list[str], kept: list[str], incomplete: bool
    ) -> list[str]:
        """Documents the file held before and holds no more (records gone from a JSON Lines
        file, an id that changed) are removed; when the file was read incompletely, one of
        them may sit on the line that failed, so they are kept."""
        vanished = [
            d for d in sorted(set(prev_docs) - set(kept)) if self.owner.get(d, src.key) == src.key
        ]
        if incomplete:
            retained = [d for d in vanished if d in self.new_docs]
            if retained:
                self.summary.notes.append(
                    f"note: {shown(src.path)} was read incompletely; kept the "
                    f"{len(retained)} document(s) indexed from it earlier that were not read"
                )
            return kept + retained
        for gone in vanished:
            self.owner.pop(gone, None)
            if gone in self.new_docs and not self.rebuild:
                self.delete(gone)
        return kept

    # -- commit and switch ---------------------------------------------------------------

    def commit_and_switch(self) -> None:
        w = self.writer()
        total = sum(m["paragraphs"] for m in self.new_docs.values())
        meta = {
            "format": FORMAT_VERSION,
            "generation": w.name,
            "updated_at": self.now,
            "reader_version": READER_VERSION,
            "documents": len(self.new_docs),
            "paragraphs": total,
            "docs": self.new_docs,
            "sources": self.new_sources,
        }
        on_segment = (lambda: self.reached("segment")) if self.hook else None
        w.commit(optimize=self.rebuild, on_segment=on_segment)
        self.reached("commit")
        w.finish(meta)
        self.reached("switch")
        switch_current(self.index_dir, w.name)
        s = self.summary
        if self.rebuild:  # everything not re-read is gone from a rebuilt index
            s.removed.extend(d for d in self.old_docs if d not in self.new_docs)
        s.removed = sorted({d for d in s.removed if d not in self.new_docs})
        s.generation, s.documents, s.total_paragraphs = w.name, len(self.new_docs), total

    def finish_unchanged(self) -> None:
        s = self.summary
        s.generation = self.live
        s.documents = len(self.old_docs)
        s.total_paragraphs = int(self.old_meta.get("paragraphs", 0))


def update_index(
    paths: list[Path],
    index_dir: Path,
    rebuild: bool = False,
    progress: bool = False,
    wait: float = 0.0,
    *,
    prune: bool = False,
    follow_symlinks: bool = False,
    procs: int | None = None,
    limitmb: int = 128,
    max_bytes: int | None = None,
    hook: Hook | None = None,
) -> Summary:
    """Index the documents under `paths` into `index_dir`; only new/changed ones are read.

    Raises InputError (a path missing or empty, without `prune`), IndexBusy (another writer,
    after `wait` seconds), IndexDamaged (the live generation fails its checks; `rebuild=True`
    builds a new index regardless) and StorageError (disk full, permission denied...).

    The writer is `indexer.index.writer.open_writer`: izde's Whoosh segment writer (postings
    grouped per term in memory, `limitmb` MB of them before a sorted run is written to a
    temporary file; non-compound segments, which searchers memory-map instead of reading
    into RAM); `procs` as IndexUpdate.choose_procs says when None.
    """
    options = UpdateOptions(
        rebuild=rebuild,
        prune=prune,
        follow_symlinks=follow_symlinks,
        progress=progress,
        wait=wait,
        procs=procs,
        limitmb=limitmb,
        max_bytes=max_bytes,
    )
    return IndexUpdate(paths, index_dir, options, hook).run()
