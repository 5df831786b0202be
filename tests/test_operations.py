"""Operations: request logs without query text, /healthz figures, `izde index --check`.

Everything real: `izde index` and `izde serve` run as child processes on a Whoosh index in
tmp_path built from the shipped corpus; requests go over HTTP to 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from served import IZDE, Serve

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


# -- helpers: the real command line and a real server ---------------------------------


def izde(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*IZDE, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout)


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under folder: size, mtime (ns) and content hash."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            st = p.stat()
            out[str(p.relative_to(folder))] = (
                st.st_size,
                st.st_mtime_ns,
                hashlib.sha256(p.read_bytes()).hexdigest(),
            )
    return out


def live_generation(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def segment_files(index_dir: Path) -> list[Path]:
    """The Whoosh segment files of the live generation (postings, terms, columns: izde
    writes no compound .seg files), largest first."""
    gen = live_generation(index_dir)
    files = [
        p for p in gen.rglob("*") if p.is_file() and p.suffix in (".seg", ".pst", ".trm", ".col")
    ]
    return sorted(files, key=lambda p: p.stat().st_size, reverse=True)


@pytest.fixture(scope="module")
def built_index(tmp_path_factory) -> Path:
    """The shipped corpus indexed once for this module (tests copy it before damaging it)."""
    index_dir = tmp_path_factory.mktemp("ops") / "index"
    r = izde("index", str(CORPUS), "--index", str(index_dir))
    assert r.returncode == 0, r.stderr
    return index_dir


@pytest.fixture
def index_copy(built_index: Path, tmp_path: Path) -> Path:
    import shutil

    dst = tmp_path / "index"
    shutil.copytree(built_index, dst)
    return dst


def a_word_of_the_corpus() -> str:
    """A word that certainly occurs in the shipped corpus (its most frequent long word)."""
    from collections import Counter

    counts: Counter = Counter()
    for p in CORPUS.glob("*.txt"):
        counts.update(w for w in re.findall(r"[^\W\d_]{6,}", p.read_text(encoding="utf-8").lower()))
    return counts.most_common(1)[0][0]


# -- logs ----------------------------------------------------------------------------


def test_request_log_has_one_line_per_request_and_no_query_text(built_index, tmp_path):
    server = Serve(built_index, tmp_path / "serve.log")
    try:
        secret = "secretword"
        paths = [
            f"/search?q={secret}",
            f"/api/search?q={secret}",
            f"/term?w={secret}",
            "/api/search?q=" + quote(f'"{secret} {secret}"'),
            f"/no-such-page?q={secret}",
        ]
        statuses = [server.get(p)[0] for p in paths]
        assert statuses[:4] == [200, 200, 200, 200]
        assert statuses[4] == 404
        # Logging is asynchronous to the response; give the handler a moment to flush.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and server.log_text().count("/api/search") < 2:
            time.sleep(0.1)
    finally:
        server.stop()
    log = server.log_text()
    assert secret not in log, "query text leaked into the default log:\n" + log
    lines = log.splitlines()
    # One line per request: method, path, status and a time.
    for path, status in (
        ("/search", 200),
        ("/api/search", 200),
        ("/term", 200),
        ("/no-such-page", 404),
    ):
        pattern = re.compile(rf"\bGET {re.escape(path)} {status}\b.*\d+(\.\d+)?\s*ms")
        hits = [line for line in lines if pattern.search(line)]
        expected = 2 if path == "/api/search" else 1
        assert len(hits) == expected, f"{path}: {hits}\n{log}"


# -- /healthz -------------------------------------------------------------------------


def test_healthz_reports_document_count_and_age(built_index, tmp_path):
    from indexer.index.store import open_index

    documents = len(open_index(built_index).docs)
    assert documents >= 1
    server = Serve(built_index, tmp_path / "serve.log")
    try:
        status, headers, body = server.get("/healthz")
    finally:
        server.stop()
    assert status == 200
    assert headers["content-type"].startswith("application/json")
    data = json.loads(body)
    assert data["status"] == "ok"
    assert data["documents"] == documents
    assert data["paragraphs"] > 0
    assert isinstance(data["age_seconds"], (int, float))
    # The index was built by this module minutes ago at most.
    assert 0 <= data["age_seconds"] < 3600


def test_healthz_without_index_says_so(tmp_path):
    server = Serve(tmp_path / "no-index", tmp_path / "serve.log")
    try:
        status, _, body = server.get("/healthz")
        page_status, _, page = server.get("/search?q=" + quote("сөз"))
    finally:
        server.stop()
    assert status == 503
    assert json.loads(body)["documents"] == 0
    assert page_status == 503
    assert b"izde index" in page


# -- izde index --check ----------------------------------------------------------------


def test_check_leaves_a_good_index_untouched(index_copy):
    before = snapshot(index_copy)
    r = izde("index", "--check", "--index", str(index_copy))
    assert r.returncode == 0, r.stderr
    assert "ok" in r.stdout
    assert snapshot(index_copy) == before


def _damage_truncate(index_dir: Path) -> None:
    seg = segment_files(index_dir)[0]
    data = seg.read_bytes()
    seg.write_bytes(data[: len(data) // 2])


def _damage_flip(index_dir: Path) -> None:
    seg = segment_files(index_dir)[0]
    data = bytearray(seg.read_bytes())
    mid = len(data) // 2
    for i in range(mid, min(mid + 64, len(data))):
        data[i] ^= 0xFF
    seg.write_bytes(bytes(data))


def _damage_delete(index_dir: Path) -> None:
    segment_files(index_dir)[0].unlink()


def _damage_toc(index_dir: Path) -> None:
    gen = live_generation(index_dir)
    toc = sorted(gen.glob("_*.toc"))[-1]
    toc.write_bytes(toc.read_bytes()[:10])


@pytest.mark.parametrize(
    "damage",
    [_damage_truncate, _damage_flip, _damage_delete, _damage_toc],
    ids=["truncated", "bytes-flipped", "segment-missing", "toc-truncated"],
)
def test_check_reports_a_damaged_index_with_the_rebuild_command(index_copy, damage):
    damage(index_copy)
    before = snapshot(index_copy)
    r = izde("index", "--check", "--index", str(index_copy))
    assert r.returncode != 0, r.stdout
    assert "izde index --rebuild" in r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(index_copy) == before, "--check changed the index"


def test_damaged_index_is_refused_not_served(index_copy, tmp_path):
    """Search and the server say the index is damaged and how to rebuild; no wrong hits."""
    _damage_truncate(index_copy)
    r = izde("search", a_word_of_the_corpus(), "--index", str(index_copy))
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    server = Serve(index_copy, tmp_path / "serve.log")
    try:
        status, _, body = server.get("/healthz")
        page_status, _, page = server.get("/search?q=" + quote(a_word_of_the_corpus()))
        api_status, _, api = server.get("/api/search?q=" + quote(a_word_of_the_corpus()))
    finally:
        server.stop()
    assert status == 503, body
    assert page_status == 503 and b"izde index --rebuild" in page
    assert api_status == 503 and "izde index --rebuild" in json.loads(api)["command"]


def test_flipped_bytes_are_refused_at_open(index_copy):
    from indexer.index.store import IndexDamaged, open_index

    _damage_flip(index_copy)
    with pytest.raises(IndexDamaged, match="izde index --rebuild"):
        open_index(index_copy)
