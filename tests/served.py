"""`izde serve` in a child process and plain HTTP GETs to it: the helpers the server tests
share (a real server on a free port of 127.0.0.1)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
IZDE = [sys.executable, "-m", "indexer.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, timeout: float = 10) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


class Serve:
    """`izde serve` (gunicorn) in a child process, its stdout+stderr in a file; `args` are
    more `izde serve` flags (e.g. `--workers 2`)."""

    def __init__(
        self,
        index_dir: Path,
        log: Path,
        env: dict | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.port = free_port()
        self.log = log
        self._fh = open(log, "wb")  # noqa: SIM115 - open while the server runs; closed by stop()
        self.proc = subprocess.Popen(
            [
                *IZDE,
                "serve",
                "--index",
                str(index_dir),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                *args,
            ],
            cwd=REPO,
            stdout=self._fh,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"izde serve exited: {self.log_text()}"
            try:
                http_get(self.port, "/healthz", timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail("izde serve did not start in 60 s")

    def get(self, path: str) -> tuple[int, dict, bytes]:
        return http_get(self.port, path)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._fh.close()
