"""`izde serve --workers N`: connections shared out in turn, every worker answers, a worker
that dies is replaced, and SIGTERM stops them all."""

from __future__ import annotations

import http.client
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest
from served import Serve, http_get

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform != "linux", reason="worker processes are forked (Linux)"
)


def _get(path: str, conn: http.client.HTTPConnection) -> tuple[int, bytes]:
    conn.request("GET", path)
    resp = conn.getresponse()
    return resp.status, resp.read()


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(x) for x in text.split()}


@pytest.fixture()
def served(shipped_index, tmp_path):
    server = Serve(
        shipped_index,
        tmp_path / "serve.log",
        env={"IZDE_WARM_SECONDS": "1"},
        args=("--workers", "2", "--threads", "2"),
    )
    yield server.proc, server.port, server.log
    server.stop()


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
        for path in (
            "/api/search?q=%D0%B4%D0%B0%D2%93%D0%B4%D0%B0%D1%80%D1%8B%D1%81",
            "/search?q=%D0%B4%D0%B0%D2%93%D0%B4%D0%B0%D1%80%D1%8B%D1%81",
        ):
            status, body = _get(path, conn)
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
        assert (
            not Path(f"/proc/{pid}").exists()
            or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
        )


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
    for _ in range(4):  # both (the new one too) answer
        assert http_get(port, "/healthz")[0] == 200
