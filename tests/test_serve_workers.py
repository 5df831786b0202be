"""`izde serve` under gunicorn: every worker answers, a worker that dies is replaced (however
often), SIGTERM stops them all, and clients that hold connections open, half-send a request
or announce a huge body cannot stop it (issue #13, items 1 and 4)."""

from __future__ import annotations

import http.client
import os
import re
import resource
import signal
import socket
import sys
import time
from pathlib import Path

import pytest
from served import Serve, http_get

from webapp.serve import HEAD_SECONDS

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform != "linux", reason="worker processes are forked (Linux)"
)

SEARCH = "/api/search?q=%D0%B4%D0%B0%D2%93%D0%B4%D0%B0%D1%80%D1%8B%D1%81"
IDLE_SOCKETS = 2_100  # issue #13: about 1,200 of these killed a waitress worker


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


def _raise_fd_limit(need: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            pytest.skip(f"the open-files hard limit ({hard}) is below {need}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


def _got_eof(sock: socket.socket) -> bool:
    """True when the server has closed this connection (nothing read is consumed)."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


@pytest.fixture()
def served(shipped_index, tmp_path):
    server = Serve(
        shipped_index,
        tmp_path / "serve.log",
        env={"IZDE_WARM_SECONDS": "1", "TMPDIR": str(_tmp(tmp_path))},
        args=("--workers", "2"),
    )
    yield server
    server.stop()


def _tmp(tmp_path: Path) -> Path:
    """The server's own temporary folder: any file written there by a request shows."""
    folder = tmp_path / "server-tmp"
    folder.mkdir(exist_ok=True)
    return folder


def test_connections_go_to_every_worker_and_sigterm_stops_all(served):
    proc, port, log = served.proc, served.port, served.log
    workers = _children(proc.pid)
    assert len(workers) == 2
    # New connections are taken by whichever worker accepts first: soon both have answered.
    deadline = time.monotonic() + 30
    pids: set[int] = set()
    while pids != workers:
        assert time.monotonic() < deadline, (pids, workers)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for path in (SEARCH, SEARCH.replace("/api/", "/")):
            status, body = _get(path, conn)
            assert status == 200 and body, log.read_text(errors="replace")[-3000:]
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
    proc, port = served.proc, served.port
    first = _children(proc.pid)
    victim = sorted(first)[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        now = _children(proc.pid)
        if len(now) == 2 and victim not in now:
            break
        assert time.monotonic() < deadline, (now, served.log_text())
        time.sleep(0.2)
    for _ in range(4):  # both (the new one too) answer
        assert http_get(port, "/healthz")[0] == 200


def test_workers_dying_again_and_again_never_stop_the_master(served):
    """The old master gave up after 3 quick deaths per worker ("workers keep failing at
    start; stopping"): a client that can crash a worker could then close the port. gunicorn
    stops only for a worker that cannot boot."""
    proc = served.proc
    for _ in range(8):
        current = _children(proc.pid)
        assert current, served.log_text()
        os.kill(sorted(current)[0], signal.SIGKILL)
        time.sleep(0.3)
    deadline = time.monotonic() + 30
    while len(_children(proc.pid)) != 2:
        assert proc.poll() is None, served.log_text()
        assert time.monotonic() < deadline, served.log_text()
        time.sleep(0.2)
    assert proc.poll() is None
    assert http_get(served.port, SEARCH)[0] == 200


@pytest.mark.slow
def test_thousands_of_half_sent_requests_neither_block_nor_stop_it(served):
    """2,100 sockets that sent half a request line and wait: a normal request is still
    answered within 2 s; each of them is closed by the server once its head is overdue
    (HEAD_SECONDS); and afterwards the same workers go on answering."""
    _raise_fd_limit(IDLE_SOCKETS + 512)
    workers = _children(served.proc.pid)
    idle: list[socket.socket] = []
    try:
        for _ in range(IDLE_SOCKETS):
            s = socket.create_connection(("127.0.0.1", served.port), timeout=10)
            s.sendall(b"GET /search?q=%D2%9B%D0%B0")  # no end of line, no headers
            idle.append(s)
        opened = time.monotonic()
        t0 = time.monotonic()
        status, _headers, body = http_get(served.port, SEARCH, timeout=10)
        took = time.monotonic() - t0
        assert status == 200 and b'"hits"' in body
        assert took < 2.0, f"a normal request took {took:.2f} s behind {IDLE_SOCKETS} idle sockets"
        if time.monotonic() - opened < HEAD_SECONDS - 1:  # (not on a very slow machine)
            still_open = sum(not _got_eof(s) for s in idle)
            assert still_open > IDLE_SOCKETS // 2, "the server was not holding them"
        # The per-connection deadline: every half-sent request is dropped, unanswered.
        deadline = time.monotonic() + HEAD_SECONDS + 20
        while not all(_got_eof(s) for s in idle[-50:] + idle[:50]):
            assert time.monotonic() < deadline, "half-sent requests were never timed out"
            time.sleep(0.5)
    finally:
        for s in idle:
            s.close()
    for _ in range(4):
        assert http_get(served.port, "/healthz", timeout=5)[0] == 200
    assert served.proc.poll() is None
    assert _children(served.proc.pid) == workers, "a worker died"
    assert "Traceback" not in served.log_text()


def test_a_slowloris_head_is_cut_at_its_deadline(served):
    """One byte of the request head every half second keeps the connection busy for at
    most HEAD_SECONDS (the deadline covers the whole head, not each read)."""
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as s:
        try:
            for byte in head:
                s.sendall(bytes([byte]))
                if _got_eof(s):
                    break
                assert time.monotonic() - t0 < HEAD_SECONDS + 10, "never cut"
                time.sleep(0.5)
        except (BrokenPipeError, ConnectionResetError):
            pass
    cut_after = time.monotonic() - t0
    assert HEAD_SECONDS - 1 <= cut_after <= HEAD_SECONDS + 10, cut_after
    assert http_get(served.port, "/healthz")[0] == 200


def _raw(port: int, request: bytes, body_chunks: int = 0, timeout: float = 10) -> bytes:
    """Send `request`, then up to `body_chunks` × 64 KB of body while the server lets us;
    return the answer's head and body (as far as its Content-Length says)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        try:
            for _ in range(body_chunks):
                s.sendall(b"x" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass
        got = b""
        try:
            while b"\r\n\r\n" not in got and (data := s.recv(65536)):
                got += data
            length = re.search(rb"(?im)^content-length: *(\d+)", got)
            want = got.index(b"\r\n\r\n") + 4 + (int(length.group(1)) if length else 0)
            while len(got) < want and (data := s.recv(65536)):
                got += data
        except (ConnectionResetError, TimeoutError, ValueError):
            pass
    return got


def test_a_one_gigabyte_body_is_refused_before_it_is_read(served, tmp_path):
    """`Content-Length: 1000000000`: 413 at once, from the app (its headers, its JSON), and
    nothing written to disk (waitress used to spool it to a temporary file first)."""
    for path in ("/api/search?q=x", "/search?q=x", "/healthz"):
        request = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 1000000000\r\n\r\n"
        ).encode()
        t0 = time.monotonic()
        answer = _raw(served.port, request, body_chunks=16)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert time.monotonic() - t0 < 5
        assert b"content-security-policy" in answer.lower()
    assert list(_tmp(tmp_path).iterdir()) == []
    assert http_get(served.port, "/healthz")[0] == 200


def test_a_chunked_body_is_not_taken_whole(served):
    """A chunked body has no length up front: the routes read none of it and answer at
    once (405, with the methods they do answer)."""
    request = (
        f"POST /api/search?q=x HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
        "10000\r\n"
    ).encode()
    answer = _raw(served.port, request, body_chunks=4)
    assert answer.startswith(b"HTTP/1.1 405"), answer[:200]
    assert re.search(rb"(?im)^allow: .*GET", answer), answer[:400]
    assert http_get(served.port, "/healthz")[0] == 200


def test_a_100_kb_path_gets_a_small_answer(served):
    answer = _raw(served.port, b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    status = int(answer.split(b" ", 2)[1])
    assert status in (404, 414), answer[:200]
    assert len(answer) < 2_000
    assert http_get(served.port, "/healthz")[0] == 200


def test_a_streamed_answer_comes_whole_through_the_request_threads(served, shipped_index):
    """The concordance export is a streamed body: made in batches in the worker's request
    threads (webapp.serve.InThreads), it arrives the same as the app makes it."""
    from webapp import create_app

    path = "/api/concordance?w=%D0%BF%D0%B0%D1%80%D1%82%D0%B8%D1%8F&format=tsv"
    status, headers, body = http_get(served.port, path)
    assert status == 200 and headers["content-type"].startswith("text/tab-separated-values")
    expected = create_app({"INDEX_DIR": shipped_index}).test_client().get(path).get_data()
    assert body == expected and body.count(b"\n") > 10
