"""Mistakes and hostile files that must not empty, break or mislabel an index (issue 13):
a renamed or empty corpus folder, a file name that is not UTF-8, symbolic links out of the
corpus, a bad JSON Lines line, a full disk, library warnings; and the index room's contracts
(stamps of the layout before this one, the pipeline's hook points, per-handle caches,
shortened permalinks).

Everything real: a Whoosh index on disk in tmp_path, `izde` run as a child process where
the exit status and the printed lines are what is tested.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import subprocess
import sys
import types
import zlib
from pathlib import Path
from typing import cast

import pytest
from reportlab.pdfgen import canvas
from whoosh import index as windex
from whoosh.index import TOC

from indexer.index import schema as schema_mod
from indexer.index.store import (
    IndexHandle,
    IndexOutdated,
    check_index,
    index_stats,
    open_index,
    resolve_fingerprint,
    update_index,
)
from indexer.search.engine import search

REPO = Path(__file__).resolve().parent.parent
PAPER = REPO / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"
PAUSED = Path(__file__).resolve().parent / "izde_paused.py"
IZDE = [sys.executable, "-m", "indexer.cli"]


def izde(*args: str | Path, command: list[str] = IZDE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*command, *map(str, args)], cwd=REPO, capture_output=True, text=True, timeout=300
    )


def small_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Бірінші құжат дағдарыс туралы.\n", encoding="utf-8")
    (corpus / "b.md").write_text("# Тақырып\n\nЕкінші құжаттың мәтіні.\n", encoding="utf-8")
    return corpus


def state(index: Path) -> tuple[str, list[str]]:
    h = open_index(index)
    try:
        return h.generation, sorted(h.docs)
    finally:
        h.close()


# -- no silent emptying ---------------------------------------------------------------------


def test_renamed_corpus_folder_is_an_error_and_removes_nothing(tmp_path):
    corpus = small_corpus(tmp_path)
    index = tmp_path / "index"
    assert izde("index", corpus, "--index", index).returncode == 0
    before = state(index)
    renamed = tmp_path / "corpus-2026"
    corpus.rename(renamed)

    run = izde("index", corpus, "--index", index)
    assert run.returncode == 1, run.stdout
    (line,) = run.stderr.strip().splitlines()
    assert f"{corpus} does not exist" in line and "--prune" in line
    assert "nothing was indexed or removed" in line
    assert state(index) == before and check_index(index) == []

    # One missing path among good ones stops the whole run too.
    run = izde("index", renamed, corpus, "--index", index)
    assert run.returncode == 1 and state(index) == before

    # The renamed folder with --prune: the documents move over, ids and anchors kept.
    run = izde("index", renamed, "--prune", "--index", index)
    assert run.returncode == 0, run.stderr
    assert "0 removed" in run.stdout
    generation, docs = state(index)
    assert docs == before[1] and generation != before[0]
    h = open_index(index)
    assert all(str(renamed) in m["source"] for m in h.docs.values())
    h.close()


def test_empty_folder_is_an_error_and_prune_empties_on_request(tmp_path):
    corpus = small_corpus(tmp_path)
    index = tmp_path / "index"
    update_index([corpus], index)
    before = state(index)
    for p in corpus.iterdir():  # an unmounted disk: the mount point is an empty folder
        p.unlink()
    (corpus / "notes.xyz").write_text("not a document", encoding="utf-8")

    run = izde("index", corpus, "--index", index)
    assert run.returncode == 1
    assert "holds no file izde reads" in run.stderr and "Traceback" not in run.stderr
    assert state(index) == before

    run = izde("index", corpus, "--index", index, "--prune")
    assert run.returncode == 0, run.stderr
    assert "2 removed (a, b)" in run.stdout
    assert state(index)[1] == []


def test_deleted_file_under_a_good_root_is_still_removed(tmp_path):
    corpus = small_corpus(tmp_path)
    index = tmp_path / "index"
    update_index([corpus], index)
    (corpus / "b.md").unlink()
    s = update_index([corpus], index)
    assert s.removed == ["b"] and "1 removed (b)" in s.report()
    # A file indexed from another path, not given this time, is not touched...
    other = tmp_path / "other"
    other.mkdir()
    (other / "c.txt").write_text("Үшінші құжат.\n", encoding="utf-8")
    update_index([other], index)
    (other / "c.txt").unlink()
    (corpus / "d.txt").write_text("Төртінші.\n", encoding="utf-8")
    s = update_index([corpus], index)
    assert s.removed == [] and "c" in open_index(index).docs
    # ...unless pruning is asked for.
    s = update_index([corpus], index, prune=True)
    assert s.removed == ["c"]


# -- file names and links -------------------------------------------------------------------


def test_windows_1251_file_name_is_indexed_and_shown_escaped(tmp_path):
    corpus = small_corpus(tmp_path)
    raw = "Отчет за год".encode("cp1251")
    name = os.fsdecode(raw + b".txt")
    (corpus / name).write_text("Жылдық есеп мәтіні.\n", encoding="utf-8")
    (corpus / os.fsdecode(raw + b" empty.txt")).write_bytes(b"")
    index = tmp_path / "index"

    run = izde("index", corpus, "--index", index)
    assert run.returncode == 2, run.stderr  # the empty one is skipped, the run goes on
    assert "Traceback" not in run.stderr
    escaped = raw.decode("utf-8", "backslashreplace")  # \xce\xf2\xf7\xe5\xf2 \xe7\xe0 ...
    assert f"{escaped} empty.txt: empty file" in run.stdout
    assert "3 added" in run.stdout

    # docs.json stays valid UTF-8 JSON and keeps the exact name: the next run finds the
    # file unchanged; what is shown (source, title) is printable.
    docs = json.loads((index / "gen-000001" / "docs.json").read_bytes().decode("utf-8"))
    assert str(corpus / name) in docs["sources"]
    h = open_index(index)
    meta = next(m for m in h.docs.values() if escaped in m["source"])
    meta["source"].encode("utf-8")
    h.close()
    result = search(open_index(index), "есеп")
    assert result["hits"][0]["doc_title"] == escaped
    json.dumps(result, ensure_ascii=False).encode("utf-8")  # a page or API answer can carry it
    again = izde("index", corpus, "--index", index)
    assert (
        "0 added" in again.stdout and "0 removed" in again.stdout and "3 unchanged" in again.stdout
    )


def test_symlink_out_of_the_roots_is_skipped_with_the_reason(tmp_path):
    corpus = small_corpus(tmp_path)
    secret = tmp_path / "outside" / "shadow.txt"
    secret.parent.mkdir()
    secret.write_text("Құпия жол: root:x:0:0\n", encoding="utf-8")
    (corpus / "shadow.txt").symlink_to(secret)
    (corpus / "etc").symlink_to(secret.parent, target_is_directory=True)
    (corpus / "inside.txt").symlink_to(corpus / "a.txt")  # inside the root: harmless
    index = tmp_path / "index"

    run = izde("index", corpus, "--index", index)
    assert run.returncode == 2
    assert (
        f"{corpus / 'shadow.txt'}: symbolic link to {secret}, outside the paths given" in run.stdout
    )
    assert f"{corpus / 'etc'}: symbolic link to {secret.parent}" in run.stdout
    assert "--follow-symlinks" in run.stdout
    assert sorted(open_index(index).docs) == ["a", "b"]
    assert not search(open_index(index), "құпия")["hits"]

    run = izde("index", corpus, "--index", index, "--follow-symlinks")
    assert run.returncode == 0, run.stdout
    assert search(open_index(index), "құпия")["hits"]
    # Without the flag again: the link is skipped, and what it let in goes out.
    run = izde("index", corpus, "--index", index)
    assert run.returncode == 2 and "removed" in run.stdout
    assert not search(open_index(index), "құпия")["hits"]


# -- JSON Lines read incompletely -----------------------------------------------------------


def write_records(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def record(rid: str, text: str) -> str:
    return json.dumps({"id": rid, "title": rid.upper(), "text": text}, ensure_ascii=False)


def test_bad_jsonl_line_removes_nothing_indexed_from_that_file(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    f = corpus / "news.jsonl"
    write_records(f, [record("r1", "бір"), record("r2", "екі"), record("r3", "үш")])
    index = tmp_path / "index"
    update_index([corpus], index)

    # Line 2 becomes hostile (nested 100,000 deep), line 3 changes.
    write_records(f, [record("r1", "бір"), "[" * 100_000 + "]" * 100_000, record("r3", "ҮШ")])
    s = update_index([corpus], index)
    assert s.updated == ["r3"] and s.removed == []
    assert any(p == str(f) and r.startswith("line 2:") for p, r in s.skipped)
    assert "read incompletely" in s.report()
    h = open_index(index)
    assert sorted(h.docs) == ["r1", "r2", "r3"] and h.paragraphs == 3
    h.close()
    # Still incomplete: read again each run, and r2 still kept.
    s = update_index([corpus], index)
    assert s.removed == [] and "r2" in open_index(index).docs
    # Fixed without r2: now r2 is gone for real.
    write_records(f, [record("r1", "бір"), record("r3", "ҮШ")])
    s = update_index([corpus], index)
    assert s.removed == ["r2"]


# -- messages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code,fix",
    [(errno.ENOSPC, "free space on that disk"), (errno.EACCES, "give the user running izde")],
)
def test_disk_full_or_refused_is_one_line_and_the_index_stays(tmp_path, code, fix):
    corpus = small_corpus(tmp_path)
    index = tmp_path / "index"
    update_index([corpus], index)
    before = state(index)
    (corpus / "new.txt").write_text("Жаңа құжат.\n", encoding="utf-8")
    failing = [sys.executable, str(PAUSED), "commit", "0", "--fail", str(code), "--"]

    run = izde("index", corpus, "--index", index, command=failing)
    assert run.returncode == 1, run.stderr
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith(f"error: cannot write the index at {index}: {os.strerror(code)}")
    assert fix in line and "the index was not changed" in line
    assert state(index) == before and check_index(index) == []
    assert sorted(p.name for p in index.iterdir() if p.name.startswith("gen-")) == ["gen-000001"]

    run = izde("index", corpus, "--index", index, "--debug", command=failing)
    assert run.returncode == 1 and "Traceback" in run.stderr and fix in run.stderr


def damaged_pdf(path: Path) -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Cross reference table damaged, text readable.")
    c.save()
    data = buf.getvalue()
    pos = data.rindex(b"startxref")
    path.write_bytes(data[:pos] + b"startxref\n12\n%%EOF\n")  # a wrong xref offset


def test_library_warnings_go_to_the_files_report_line(tmp_path):
    corpus = small_corpus(tmp_path)
    damaged_pdf(corpus / "scan.pdf")
    run = izde("index", corpus, "--index", tmp_path / "index")
    assert run.returncode == 0, run.stdout  # a warning is not a skipped file
    assert "pypdf" not in run.stderr and "startxref" not in run.stderr
    lines = run.stdout.splitlines()
    assert "warnings:" in lines
    assert any(line.startswith(f"  {corpus / 'scan.pdf'}: pypdf: ") for line in lines)
    assert "3 added" in run.stdout


# -- the analysis stamp and indexes of the layout before ----------------------------------


def pickle_under_old_module(gen: Path, monkeypatch) -> None:
    """Rewrite the generation's Whoosh TOC so that its schema pickles the analysed field
    class as `indexer.schema.KazakhText`, as indexes did before the code moved into rooms,
    and record the new TOC in the manifest (so only the pickle is out of date)."""
    old = types.ModuleType("indexer.schema")
    moved = type("KazakhText", (schema_mod.KazakhText,), {"__module__": "indexer.schema"})
    old.KazakhText = moved  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "indexer.schema", old)
    ix = windex.open_dir(str(gen))
    toc = TOC.read(ix.storage, ix.indexname)
    for name in toc.schema.names():
        if type(toc.schema[name]) is schema_mod.KazakhText:
            toc.schema[name].__class__ = moved
    old_tocs = list(gen.glob("*.toc"))
    TOC(toc.schema, toc.segments, toc.generation + 1).write(ix.storage, ix.indexname)
    for p in old_tocs:
        p.unlink()
    monkeypatch.delitem(sys.modules, "indexer.schema")
    manifest = json.loads((gen / "manifest.json").read_text())
    for p in old_tocs:
        manifest["files"].pop(p.name)
        manifest["crc32"].pop(p.name)
    for p in gen.glob("*.toc"):
        manifest["files"][p.name] = p.stat().st_size
        manifest["crc32"][p.name] = zlib.crc32(p.read_bytes())
    (gen / "manifest.json").write_text(json.dumps(manifest))


def test_index_pickled_with_old_class_paths_is_refused_and_rebuilt(tmp_path, monkeypatch):
    corpus = small_corpus(tmp_path)
    index = tmp_path / "index"
    update_index([corpus], index)
    pickle_under_old_module(index / "gen-000001", monkeypatch)
    with pytest.raises(IndexOutdated, match="indexer.schema") as err:
        open_index(index)
    assert f"izde index --rebuild --index {index}" in str(err.value)

    run = izde("stats", "--index", index)
    assert run.returncode == 4 and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "--rebuild" in run.stderr

    run = izde("index", corpus, "--rebuild", "--index", index)
    assert run.returncode == 0, run.stderr
    assert state(index) == ("gen-000002", ["a", "b"]) and check_index(index) == []


def test_index_without_stamp_is_updated_by_a_rebuild(tmp_path):
    """An index written before the stamp (manifest format 1): `izde index` rebuilds it."""
    corpus = small_corpus(tmp_path)
    index = tmp_path / "index"
    update_index([corpus], index)
    manifest = index / "gen-000001" / "manifest.json"
    data = json.loads(manifest.read_text())
    data = {"format": 1, "generation": data["generation"], "files": data["files"]}
    manifest.write_text(json.dumps(data))
    with pytest.raises(IndexOutdated, match="index format 1"):
        open_index(index)
    run = izde("index", corpus, "--index", index)
    assert run.returncode == 0, run.stderr
    assert "built by another version of izde" in run.stdout
    assert state(index) == ("gen-000002", ["a", "b"])


# -- the pipeline's contracts ---------------------------------------------------------------


def test_hook_sees_every_point_in_order(tmp_path):
    corpus = small_corpus(tmp_path)
    points: list[tuple[str, int]] = []
    update_index([corpus], tmp_path / "index", hook=lambda at, n: points.append((at, n)))
    names = [p for p, _ in points]
    assert names[0] == "read" and names[-3:] == ["segment", "commit", "switch"]
    writes = [n for p, n in points if p == "write"]
    assert writes == list(range(1, len(writes) + 1)) and len(writes) == 3


def test_caches_belong_to_the_handle(tmp_path):
    corpus = small_corpus(tmp_path)
    index = tmp_path / "index"
    update_index([corpus], index)
    h = open_index(index)
    assert h.caches == {}
    terms = index_stats(index, h)["distinct_terms"]
    assert h.caches["distinct_terms"] == terms > 0
    other = open_index(index)
    assert other.caches == {}  # another handle, its own caches
    h.close()
    assert h.caches == {}
    other.close()


def test_shortened_fingerprint_resolves_when_unique(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(PAPER, corpus / PAPER.name)
    update_index([corpus], tmp_path / "index")
    h = open_index(tmp_path / "index")
    doc = "nur-otan-strategy-2009-2012"
    fps = h.docs[doc]["fps"]
    n = 40
    fp = fps[n - 1]
    assert resolve_fingerprint(h, doc, 1, fp[:8]) == n
    assert resolve_fingerprint(h, doc, 1, fp[:6].upper()) == n
    assert resolve_fingerprint(h, doc, 1, fp[:5]) is None  # too short to trust
    assert resolve_fingerprint(h, doc, 1, "zz" + fp[2:8]) is None
    h.close()


def test_fingerprint_prefix_shared_by_two_texts_is_not_guessed():
    fps = ["abcdef111111", "abcdef222222", "123456abcdef", "abcdef111111"]
    # resolve_fingerprint reads only the handle's docs.json entries.
    handle = cast(IndexHandle, types.SimpleNamespace(docs={"d": {"fps": fps, "history": []}}))
    assert resolve_fingerprint(handle, "d", 1, "abcdef") is None  # two texts begin so
    assert resolve_fingerprint(handle, "d", 3, "abcdef1") == 4  # one text, nearest copy
    assert resolve_fingerprint(handle, "d", 1, "123456") == 3
