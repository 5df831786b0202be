"""The index folder: generations, incremental runs, anchors, locking, damage, CLI exit codes."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from whoosh.query import Term

from indexer import analysis
from indexer.index import store
from indexer.index.store import (
    IndexBusy,
    IndexDamaged,
    IndexMissing,
    IndexOutdated,
    check_index,
    index_stats,
    open_index,
    resolve_fingerprint,
    update_index,
)

REPO = Path(__file__).resolve().parent.parent
PAPER = REPO / "corpus" / "nur-otan-strategy-2009-2012.kk.txt"


def make_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(PAPER, corpus / PAPER.name)
    shutil.copy(str(PAPER) + ".meta.json", corpus / (PAPER.name + ".meta.json"))
    (corpus / "note.md").write_text(
        "# Жазба\n\n## Бөлім\n\nБірінші абзац.\n\nЕкінші абзац.\n", encoding="utf-8"
    )
    sub = corpus / "sub"
    sub.mkdir()
    (sub / "page.html").write_text(
        "<html><head><title>Бет</title></head><body><h1>Бет</h1><p>Веб абзацы.</p></body></html>",
        encoding="utf-8",
    )
    (corpus / "news.jsonl").write_text(
        json.dumps({"id": "n1", "title": "Жаңалық", "text": "Бір.\nЕкі."}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    (corpus / "README.unknown").write_text("ignored", encoding="utf-8")
    (corpus / ".hidden.txt").write_text("hidden", encoding="utf-8")
    return corpus


def stored(handle, doc_id: str) -> list[dict]:
    with handle.searcher() as s:
        hits = s.search(Term("doc_id", doc_id), limit=None)
        return sorted((dict(h) for h in hits), key=lambda f: f["n"])


def gens(index: Path) -> list[str]:
    return sorted(p.name for p in index.iterdir() if p.name.startswith("gen-"))


@pytest.fixture()
def built(tmp_path):
    corpus = make_corpus(tmp_path)
    index = tmp_path / "index"
    summary = update_index([corpus], index)
    return corpus, index, summary


def test_build_and_open(built):
    corpus, index, summary = built
    assert sorted(summary.added) == ["n1", "note", "nur-otan-strategy-2009-2012", "sub--page"]
    assert not summary.skipped and summary.ignored
    assert summary.generation == "gen-000001"
    assert "4 added" in summary.report() and "UTF-8" in summary.report()
    h = open_index(index)
    assert h.generation == "gen-000001"
    assert h.docs["nur-otan-strategy-2009-2012"]["paragraphs"] == 124
    assert h.docs["nur-otan-strategy-2009-2012"]["encoding"] == "utf-8"
    assert h.docs["sub--page"]["format"] == "html"
    assert h.ix.doc_count() == h.paragraphs == 124 + 4 + 2 + 2
    rows = stored(h, "nur-otan-strategy-2009-2012")
    assert [r["anchor"] for r in rows][:3] == [
        f"nur-otan-strategy-2009-2012#p{i}" for i in (1, 2, 3)
    ]
    bar = next(r for r in rows if r["text"].startswith("Қазіргі дағдарыс – беріктігімізді"))
    assert bar["section"] == (
        "ДАМУДЫҢ НЕГІЗГІ БАСЫМДЫҚТАРЫ › 2. Азаматтардың мүддесін қорғау, "
        "Халықтық тұғырнаманы іске асыру"
    )
    assert bar["fp"] == h.docs["nur-otan-strategy-2009-2012"]["fps"][bar["n"] - 1]
    assert check_index(index) == []
    st = index_stats(index)
    assert st["documents"] == 4 and st["paragraphs"] == h.paragraphs
    assert st["distinct_terms"] > 300 and st["size_bytes"] > 0 and st["generation"] == "gen-000001"
    assert st["encodings"]["UTF-8"] == 4


def test_unchanged_run_does_no_work(built):
    corpus, index, _ = built
    before = open_index(index)
    s = update_index([corpus], index)
    assert not (s.added or s.updated or s.removed)
    assert len(s.unchanged) == 4 and s.paragraphs == 0
    assert s.generation == "gen-000001" and gens(index) == ["gen-000001"]
    assert before.refreshed() is before


def test_changed_and_removed_documents(built):
    corpus, index, _ = built
    h1 = open_index(index)
    (corpus / "note.md").write_text("# Жазба\n\n## Бөлім\n\nӨзгерген абзац.\n", encoding="utf-8")
    (corpus / "sub" / "page.html").unlink()
    s = update_index([corpus], index)
    assert s.updated == ["note"] and s.removed == ["sub--page"]
    assert sorted(s.unchanged) == ["n1", "nur-otan-strategy-2009-2012"]
    h2 = h1.refreshed()
    assert h2 is not h1 and h2.generation == "gen-000002"
    assert "sub--page" not in h2.docs and stored(h2, "sub--page") == []
    assert [r["text"] for r in stored(h2, "note")] == ["Жазба", "Бөлім", "Өзгерген абзац."]
    assert gens(index) == ["gen-000001", "gen-000002"]  # previous kept for readers
    # The old handle still reads its generation.
    assert len(stored(h1, "sub--page")) == 2
    (corpus / "note.md").write_text("# Жазба\n\nҮшінші нұсқа.\n", encoding="utf-8")
    update_index([corpus], index)
    assert gens(index) == ["gen-000002", "gen-000003"]
    assert check_index(index) == []


def test_jsonl_record_removed_and_changed(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    f = corpus / "recs.jsonl"

    def write(recs):
        f.write_text(
            "\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n", encoding="utf-8"
        )

    write(
        [
            {"id": "a", "title": "A", "text": "бір"},
            {"id": "b", "title": "B", "text": "екі"},
            {"id": "c", "title": "C", "text": "үш"},
        ]
    )
    update_index([corpus], tmp_path / "ix")
    write(
        [{"id": "a", "title": "A", "text": "бір"}, {"id": "c", "title": "C", "text": "ҮШ өзгерді"}]
    )
    s = update_index([corpus], tmp_path / "ix")
    assert s.unchanged == ["a"] and s.updated == ["c"] and s.removed == ["b"]
    h = open_index(tmp_path / "ix")
    assert sorted(h.docs) == ["a", "c"] and h.paragraphs == 2


def test_hardlinked_generation_files_stay_identical(built):
    corpus, index, _ = built
    old = index / "gen-000001"
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in old.iterdir()}
    inodes = {p.name: p.stat().st_ino for p in old.iterdir()}
    (corpus / "note.md").write_text("# Жазба\n\nЖаңа мәтін.\n", encoding="utf-8")
    (corpus / "extra.txt").write_text("Қосымша құжат.\n", encoding="utf-8")
    update_index([corpus], index)
    new = index / "gen-000002"
    shared = [
        p.name for p in new.iterdir() if p.name in inodes and p.stat().st_ino == inodes[p.name]
    ]
    assert any(n.endswith(".pst") for n in shared)  # linked, not copied
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in old.iterdir()}
    assert after == digests
    # The old generation still opens and holds its old content.
    from whoosh import index as windex

    ix = windex.open_dir(str(old))
    assert ix.doc_count() == json.loads((old / "docs.json").read_text())["paragraphs"]


def test_anchor_stability_after_insert(built):
    corpus, index, _ = built
    h1 = open_index(index)
    doc = "nur-otan-strategy-2009-2012"
    old_rows = stored(h1, doc)
    target = next(r for r in old_rows if r["text"].startswith("Қазіргі дағдарыс – беріктігімізді"))
    text = PAPER.read_text(encoding="utf-8").split("\n")
    text.insert(4, "Жаңадан қосылған кіріспе абзацы, ол бәрін бір орынға жылжытады.")
    (corpus / PAPER.name).write_text("\n".join(text), encoding="utf-8")
    s = update_index([corpus], index)
    assert s.updated == [doc]
    h2 = open_index(index)
    n_new = resolve_fingerprint(h2, doc, target["n"], target["fp"])
    assert n_new is not None and n_new == target["n"] + 1
    assert stored(h2, doc)[n_new - 1]["text"] == target["text"]
    # Without h: the number now points at different text; history maps it.
    assert resolve_fingerprint(h2, doc, target["n"], None) == n_new
    # A paragraph that did not move keeps its number (the title block).
    assert resolve_fingerprint(h2, doc, 1, None) == 1
    assert resolve_fingerprint(h2, doc, 1, "000000000000") is None
    assert resolve_fingerprint(h2, "no-such-doc", 1, None) is None
    assert h2.docs[doc]["history"][0] == h1.docs[doc]["fps"]


def test_duplicate_fingerprint_resolves_to_nearest(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "d.txt").write_text(
        "Қайталанатын жол.\nБасқа жол.\nҚайталанатын жол.\nТағы бір жол.\nСоңғы жол.\n",
        encoding="utf-8",
    )
    update_index([corpus], tmp_path / "ix")
    h = open_index(tmp_path / "ix")
    fp = h.docs["d"]["fps"][0]
    assert resolve_fingerprint(h, "d", 1, fp) == 1
    assert resolve_fingerprint(h, "d", 4, fp) == 3


def test_index_busy_and_wait(built):
    corpus, index, _ = built
    fd = os.open(index / "write.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.pwrite(fd, b"4242\n", 0)
    try:
        t0 = time.monotonic()
        with pytest.raises(IndexBusy) as err:
            update_index([corpus], index, wait=0.3)
        assert time.monotonic() - t0 >= 0.3
        msg = str(err.value)
        assert "pid 4242" in msg and str(index) in msg and "--wait" in msg
        threading.Timer(0.3, lambda: fcntl.flock(fd, fcntl.LOCK_UN)).start()
        s = update_index([corpus], index, wait=5)
        assert len(s.unchanged) == 4
    finally:
        os.close(fd)


def test_missing_and_damaged(tmp_path, built):
    with pytest.raises(IndexMissing, match="izde index corpus --index"):
        open_index(tmp_path / "nothing")
    corpus, index, _ = built
    seg = next((index / "gen-000001").glob("*.pst"))  # a segment's postings
    with open(seg, "r+b") as f:
        f.truncate(seg.stat().st_size // 2)
    with pytest.raises(IndexDamaged) as err:
        open_index(index)
    assert f"izde index --rebuild --index {index}" in str(err.value)
    assert "bytes, expected" in str(err.value)
    assert check_index(index)
    with pytest.raises(IndexDamaged):
        update_index([corpus], index)
    s = update_index([corpus], index, rebuild=True)
    assert s.rebuilt and s.generation == "gen-000002"
    assert check_index(index) == []
    toc = next((index / "gen-000002").glob("*.toc"))
    toc.unlink()
    with pytest.raises(IndexDamaged, match="missing"):
        open_index(index)


def test_doc_count_mismatch_detected(built):
    corpus, index, _ = built
    docs = index / "gen-000001" / "docs.json"
    meta = json.loads(docs.read_text())
    meta["paragraphs"] += 1
    docs.write_text(json.dumps(meta))
    with pytest.raises(IndexDamaged, match="paragraphs in Whoosh"):
        open_index(index)


def test_stale_generation_removed(built):
    corpus, index, _ = built
    stale = index / "gen-000002"
    stale.mkdir()
    (stale / "junk.seg").write_bytes(b"half written")
    s = update_index([corpus], index)  # nothing changed: still cleans
    assert s.generation == "gen-000001" and gens(index) == ["gen-000001"]
    (corpus / "new.txt").write_text("Жаңа.\n", encoding="utf-8")
    s = update_index([corpus], index)
    assert s.generation == "gen-000002" and s.added == ["new"]
    assert open_index(index).generation == "gen-000002"


def set_stamp(index: Path, **changes) -> None:
    """Make the live generation look written by another izde (its manifest's stamp)."""
    manifest = index / "gen-000001" / "manifest.json"
    data = json.loads(manifest.read_text())
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    manifest.write_text(json.dumps(data))


@pytest.mark.parametrize(
    "changes,said",
    [
        ({"analysis_version": "0-old"}, "analysis version 0-old"),
        ({"schema": "old-signature"}, "schema differs"),
        ({"format": None, "schema": None, "analysis_version": None}, "index format 1"),
    ],
)
def test_index_of_another_version_is_refused_then_rebuilt(built, changes, said):
    corpus, index, _ = built
    set_stamp(index, **changes)
    with pytest.raises(IndexOutdated) as err:
        open_index(index)
    message = str(err.value)
    assert said in message and f"izde index --rebuild --index {index}" in message
    assert "\n" not in message
    # An update cannot reuse its segments: it rebuilds, keeping ids, and says so.
    s = update_index([corpus], index)
    assert s.rebuilt and "built by another version of izde" in s.report()
    assert len(s.unchanged) == 4 and s.paragraphs > 0
    h = open_index(index)
    manifest = json.loads((h.path / "manifest.json").read_text())
    assert manifest["schema"] == store.schema_signature()
    assert manifest["analysis_version"] == str(analysis.ANALYSIS_VERSION)
    assert sorted(h.docs) == ["n1", "note", "nur-otan-strategy-2009-2012", "sub--page"]


def test_id_collisions_and_stability(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "plan.txt").write_text("Мәтін.\n", encoding="utf-8")
    (corpus / "plan.md").write_text("Басқа мәтін.\n", encoding="utf-8")
    s = update_index([corpus], tmp_path / "ix")
    assert sorted(s.added) == ["plan", "plan-txt"]
    h = open_index(tmp_path / "ix")
    by_source = {Path(m["source"]).name: d for d, m in h.docs.items()}
    (corpus / "plan.html").write_text("<p>Үшінші.</p>", encoding="utf-8")
    update_index([corpus], tmp_path / "ix")
    h = open_index(tmp_path / "ix")
    again = {Path(m["source"]).name: d for d, m in h.docs.items()}
    assert {k: again[k] for k in by_source} == by_source
    assert len(set(again.values())) == 3


def test_skipped_file_keeps_previous_version(built):
    corpus, index, _ = built
    (corpus / "note.md").write_bytes(b"\x00\x01binary now" * 50)
    s = update_index([corpus], index)
    assert s.skipped and "previous version kept" in s.skipped[0][1]
    assert "note" in open_index(index).docs


def test_searchers_from_threads(built):
    _, index, _ = built
    h = open_index(index)
    errors = []

    def work():
        try:
            for _ in range(20):
                with h.searcher() as s:
                    assert len(s.search(Term("doc_id", "note"), limit=None)) == 4
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(h._pool) <= h.POOL_SIZE


def test_cli_skips_and_exit_status(tmp_path):
    corpus = make_corpus(tmp_path)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (corpus / "garbled.txt").write_bytes(bytes((i * 37 + 11) % 128 + 128 for i in range(2000)))
    (corpus / "big.txt").write_text("Үлкен.\n" * 200_000, encoding="utf-8")
    (corpus / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    index = tmp_path / "ix"
    env = dict(os.environ, IZDE_MAX_FILE_MB="1")
    run = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "index", str(corpus), "--index", str(index)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    out = run.stdout
    assert f"{corpus / 'empty.txt'}: empty file" in out
    assert f"{corpus / 'binary.txt'}: binary file" in out
    assert f"{corpus / 'garbled.txt'}: encoding could not be determined" in out
    assert f"{corpus / 'big.txt'}: too large" in out
    assert f"{corpus / 'dangling.txt'}: unreadable" in out
    assert "4 added" in out and "5 skipped" in out
    # The good files are indexed.
    assert sorted(open_index(index).docs) == [
        "n1",
        "note",
        "nur-otan-strategy-2009-2012",
        "sub--page",
    ]
    stats = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "stats", "--index", str(index), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert stats.returncode == 0 and json.loads(stats.stdout)["documents"] == 4
    check = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "index", "--check", "--index", str(index)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert check.returncode == 0 and check.stdout.startswith("ok")


def test_cli_busy_and_damaged_exit_codes(built):
    corpus, index, _ = built
    fd = os.open(index / "write.lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        run = subprocess.run(
            [sys.executable, "-m", "indexer.cli", "index", str(corpus), "--index", str(index)],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
        )
        assert run.returncode == 3 and "index busy" in run.stderr
    finally:
        os.close(fd)
    (index / "gen-000001" / "docs.json").unlink()
    run = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "index", str(corpus), "--index", str(index)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert run.returncode == 4 and "--rebuild" in run.stderr
    check = subprocess.run(
        [sys.executable, "-m", "indexer.cli", "index", "--check", "--index", str(index)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert check.returncode == 1 and "damaged" in check.stderr
