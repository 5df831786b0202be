"""`izde serve --workers N`: connections shared out in turn, every worker answers, a worker
that dies is replaced, and SIGTERM stops them all."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux",
                                reason="worker processes are forked (Linux)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, conn: http.client.HTTPConnection | None = None):
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        if own:
            conn.close()


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(x) for x in text.split()}


@pytest.fixture()
def served(shipped_index, tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "indexer.cli", "serve", "--index", str(shipped_index),
             "--port", str(port), "--workers", "2", "--threads", "2"],
            cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "IZDE_WARM_SECONDS": "1"})
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, log.read_text(errors="replace")
        try:
            if _get(port, "/healthz")[0] == 200:
                break
        except OSError:
            pass
        assert time.monotonic() < deadline, "izde serve did not answer"
        time.sleep(0.2)
    yield proc, port, log
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)


def test_connections_go_to_every_worker_and_sigterm_stops_all(served):
    proc, port, log = served
    workers = _children(proc.pid)
    assert len(workers) == 2
    # New connections go to the ready workers in turn: soon every worker has answered.
    deadline = time.monotonic() + 30
    pids: set[int] = set()
    while pids != workers:
        assert time.monotonic() < deadline, (pids, workers)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path in ("/api/search?q=%D0%B4%D0%B0%D2%93%D0%B4%D0%B0%D1%80%D1%8B%D1%81",
                     "/search?q=%D0%B4%D0%B0%D2%93%D0%B4%D0%B0%D1%80%D1%8B%D1%81"):
            status, body = _get(port, path, conn)
            assert status == 200 and body
        conn.close()
        time.sleep(0.1)
        text = log.read_text(errors="replace")
        pids = {int(p) for p in re.findall(r"\[(\d+)\] GET /(?:api/)?search 200", text)}
        assert pids <= workers
    assert "Traceback" not in text
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(
            f"/proc/{pid}/status").read_text().lower()


def test_a_worker_that_dies_is_replaced(served):
    proc, port, log = served
    first = _children(proc.pid)
    victim = sorted(first)[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        now = _children(proc.pid)
        if len(now) == 2 and victim not in now:
            break
        assert time.monotonic() < deadline, (now, log.read_text(errors="replace"))
        time.sleep(0.2)
    for _ in range(4):                          # both (the new one too) answer
        assert _get(port, "/healthz")[0] == 200
