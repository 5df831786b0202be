"""Readers and writers together, with the real command line and a real server.

- While `izde index` adds some 20,000 paragraphs, a running `izde serve` answers every query
  (no errors, no empty result for a query that had hits), and then serves the new generation
  without a restart.
- Two `izde index` runs at once: the second stops with "busy" (exit 3), or with --wait waits
  for the first; the index ends whole (check_index clean, counts right).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from served import free_port

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "corpus"
IZDE = [sys.executable, "-m", "indexer.cli"]
NEW_WORD = "жаңалықтаныңбелгісі"  # occurs only in the documents a test adds later
# Sizes: the update must run for seconds while readers query (about 10-25 s here, with the
# full Kazakh analysis at a few hundred paragraphs a second on 2 busy cores), and the whole
# test must stay well under 90 s.
UPDATE_PARAGRAPHS = 6_000
LOCK_HOLDER_PARAGRAPHS = 3_000

pytestmark = pytest.mark.slow


# -- a seeded corpus of real Kazakh sentences (the shipped corpus, recombined) --------------


def _sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SHIPPED.glob("*.txt")))
    parts = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [s for s in parts if len(s.split()) >= 4]


def write_jsonl(
    path: Path, paragraphs: int, seed: int, prefix: str, per_doc: int = 50, marker_every: int = 0
) -> dict:
    """`paragraphs` paragraphs of 1-3 sentences in records of `per_doc`; every
    `marker_every`-th paragraph carries NEW_WORD. Returns the counts written."""
    rng = random.Random(seed)
    sents = _sentences()
    docs, marked, written = 0, 0, 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < paragraphs:
            paras = []
            for _ in range(min(per_doc, paragraphs - written)):
                p = " ".join(rng.choice(sents) for _ in range(rng.randint(1, 3)))
                if marker_every and written % marker_every == 0:
                    p += f" {NEW_WORD}."
                    marked += 1
                paras.append(p)
                written += 1
            fh.write(
                json.dumps(
                    {
                        "id": f"{prefix}-{docs:05d}",
                        "title": f"{prefix} {docs}",
                        "text": "\n\n".join(paras),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            docs += 1
    return {"documents": docs, "paragraphs": written, "marked": marked}


# -- processes and HTTP ------------------------------------------------------------------


def izde(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*IZDE, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout)


def izde_bg(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [*IZDE, *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def api(port: int, path: str, timeout: float = 10) -> tuple[int, Any]:
    """(status, parsed JSON) for JSON answers, (status, body bytes) for pages."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        if resp.getheader("Content-Type", "").startswith("application/json"):
            return resp.status, json.loads(body)
        return resp.status, body
    finally:
        conn.close()


def counts(index_dir: Path) -> tuple[int, int]:
    """(documents, paragraphs) of the live generation, read from the index itself."""
    from indexer.index.store import open_index

    h = open_index(index_dir)
    return len(h.docs), h.ix.doc_count()


def lock_is_held(index_dir: Path) -> bool:
    """Whether some process holds a flock on <index>/write.lock (Linux: /proc/locks)."""
    lock = index_dir / "write.lock"
    try:
        inode = lock.stat().st_ino
        table = Path("/proc/locks").read_text()
    except OSError:
        return False
    for line in table.splitlines():
        fields = line.split()
        if (
            len(fields) > 5
            and fields[1] in ("FLOCK", "->")
            and fields[5].rsplit(":", 1)[-1] == str(inode)
        ):
            return True
    return False


# -- readers during a write ------------------------------------------------------------


def test_server_answers_throughout_an_update_and_then_serves_it(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    first = write_jsonl(corpus / "a.jsonl", 1_000, seed=1, prefix="a")
    r = izde("index", str(corpus), "--index", str(index_dir))
    assert r.returncode == 0, r.stderr

    port = free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed in the finally below
    server = subprocess.Popen(
        [
            *IZDE,
            "serve",
            "--index",
            str(index_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            "4",
        ],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if api(port, "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "izde serve did not start"
            time.sleep(0.1)

        # Queries with hits before the update: frequent words of the first documents.
        words = re.findall(r"[^\W\d_]{6,}", (corpus / "a.jsonl").read_text(encoding="utf-8"))
        common = [w.lower() for w, _ in Counter(words).most_common(40)]
        before = {}
        for w in common:
            status, data = api(port, "/api/search?q=" + quote(w))
            assert status == 200, (w, data)
            if data["total"] > 0:
                before[w] = data["total"]
        assert len(before) >= 10
        status, data = api(port, "/api/search?q=" + quote(NEW_WORD))
        assert status == 200 and data["total"] == 0

        second = write_jsonl(
            corpus / "b.jsonl", UPDATE_PARAGRAPHS, seed=2, prefix="b", marker_every=100
        )
        writer = izde_bg("index", str(corpus), "--index", str(index_dir))

        failures: list[str] = []
        answered = [0, 0]  # (during the write, in total)
        stop = threading.Event()

        def reader(k: int) -> None:
            i = k
            qs = sorted(before)
            while not stop.is_set():
                w = qs[i % len(qs)]
                i += 1
                path = ("/api/search?q=" if i % 2 else "/search?q=") + quote(w)
                writing = writer.poll() is None
                try:
                    status, data = api(port, path)
                except OSError as exc:
                    failures.append(f"{path}: {exc!r}")
                    continue
                if status != 200:
                    failures.append(f"{path}: HTTP {status}")
                elif path.startswith("/api/") and data["total"] < before[w]:
                    failures.append(f"{path}: {data['total']} hits, had {before[w]}")
                elif not path.startswith("/api/") and b"<mark>" not in data:
                    failures.append(f"{path}: a result page without marked hits")
                answered[0] += writing
                answered[1] += 1

        readers = [threading.Thread(target=reader, args=(k,)) for k in range(3)]
        t0 = time.monotonic()
        for t in readers:
            t.start()
        try:
            out, err = writer.communicate(timeout=80)
        finally:
            write_seconds = time.monotonic() - t0
            time.sleep(0.5)  # a few requests across the switch to the new generation
            stop.set()
            for t in readers:
                t.join(30)
        assert writer.returncode == 0, err
        assert not failures, failures[:10]
        # The readers really overlapped the writer (it ran for seconds, not milliseconds).
        assert answered[0] >= 20, (answered, write_seconds)

        # The new documents are served by the same server process, without a restart.
        deadline = time.monotonic() + 10
        while True:
            status, data = api(port, "/api/search?q=" + quote(NEW_WORD) + "&limit=5")
            if status == 200 and data["total"] == second["marked"]:
                break
            assert time.monotonic() < deadline, (status, data and data.get("total"))
            time.sleep(0.2)
        assert all(h["doc_id"].startswith("b-") for h in data["hits"])
        assert server.poll() is None
        status, health = api(port, "/healthz")
        assert health["documents"] == first["documents"] + second["documents"]
    finally:
        if "writer" in locals() and writer.poll() is None:
            writer.kill()
            writer.wait()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    assert "Traceback" not in (tmp_path / "serve.log").read_text(errors="replace")
    from indexer.index.store import check_index

    assert check_index(index_dir) == []
    assert counts(index_dir) == (
        first["documents"] + second["documents"],
        first["paragraphs"] + second["paragraphs"],
    )


# -- two writers -------------------------------------------------------------------------


def test_second_index_run_is_refused_or_waits_and_the_index_ends_whole(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    big = write_jsonl(corpus / "x.jsonl", LOCK_HOLDER_PARAGRAPHS, seed=3, prefix="x")
    # A test hook (tests/izde_paused.py) holds the first run for 5 s after its first
    # paragraph, so the window in which it owns write.lock does not depend on this
    # machine's speed.
    first = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "izde_paused.py"), "write", "5", "--"]
        + ["index", str(corpus), "--index", str(index_dir)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not lock_is_held(index_dir):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first run never took write.lock"
            time.sleep(0.02)

        # Without --wait: a clear "busy" and exit code 3, at once, nothing changed.
        t0 = time.monotonic()
        second = izde("index", str(corpus), "--index", str(index_dir), timeout=60)
        assert second.returncode == 3, (second.returncode, second.stdout, second.stderr)
        assert "busy" in second.stderr.lower()
        assert "Traceback" not in second.stderr
        assert time.monotonic() - t0 < 30
        assert first.poll() is None, "the first run should still be working"

        # With --wait: it waits for the first run, then does its own work.
        small = write_jsonl(corpus / "y.jsonl", 300, seed=4, prefix="y")
        third = izde_bg("index", str(corpus), "--index", str(index_dir), "--wait", "120")
        out1, err1 = first.communicate(timeout=120)
        assert first.returncode == 0, err1
        out3, err3 = third.communicate(timeout=120)
        assert third.returncode == 0, err3
    finally:
        for p in (first, locals().get("third")):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()

    from indexer.index.store import check_index

    assert check_index(index_dir) == []
    assert counts(index_dir) == (
        big["documents"] + small["documents"],
        big["paragraphs"] + small["paragraphs"],
    )
    r = izde("index", "--check", "--index", str(index_dir))
    assert r.returncode == 0, r.stderr
    # Nothing left to do: a fourth run finds every file unchanged.
    r = izde("index", str(corpus), "--index", str(index_dir))
    assert r.returncode == 0, r.stderr
    assert counts(index_dir)[0] == big["documents"] + small["documents"]
