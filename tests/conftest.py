"""Shared fixtures: the shipped corpus indexed once, a live waitress server, headless Chromium.

Generic on purpose: any test module may use them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
TEST_OUTPUT = REPO / "test-output"
CHROMIUM = os.environ.get("IZDE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory) -> Path:
    """The shipped corpus indexed into a session-wide temporary folder (read-only use)."""
    from indexer.index.store import update_index

    index_dir = tmp_path_factory.mktemp("shipped") / "index"
    update_index([CORPUS], index_dir)
    return index_dir


class LiveServer:
    """The izde app under waitress in a background thread on 127.0.0.1 (a free port)."""

    def __init__(self, index_dir: Path, config: dict | None = None, threads: int = 4) -> None:
        from waitress import create_server

        from webapp import create_app

        self.app = create_app({"INDEX_DIR": Path(index_dir), **(config or {})})
        self.server = create_server(
            self.app,
            host="127.0.0.1",
            port=0,
            threads=threads,
            ident="izde",
            expose_tracebacks=False,
        )
        self.port = int(self.server.effective_port)
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.server.run, name=f"waitress-{self.port}", daemon=True
        )
        self.thread.start()
        self._wait_ready()

    def _wait_ready(self, timeout: float = 10.0) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"waitress did not start on port {self.port}")

    def stop(self) -> None:
        """Close the listener and every open connection from inside waitress' own loop
        (closing sockets from another thread under a running select() breaks it)."""

        def close_all() -> None:
            for dispatcher in list(self.server._map.values()):
                try:
                    dispatcher.close()
                except Exception:  # noqa: BLE001 - best effort on the way out
                    pass

        if self.thread.is_alive():
            self.server.trigger.pull_trigger(close_all)
            self.thread.join(timeout=5)
        try:
            self.server.task_dispatcher.shutdown(timeout=2)
        except Exception:  # noqa: BLE001
            pass


@pytest.fixture
def make_live_server() -> Iterator[Callable[..., LiveServer]]:
    """A factory: `make_live_server(index_dir)` starts a server; all stop after the test."""
    started: list[LiveServer] = []

    def start(index_dir: Path, config: dict | None = None) -> LiveServer:
        server = LiveServer(index_dir, config)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def live_server(shipped_index) -> Iterator[str]:
    """Base URL (no trailing slash) of a server over the shipped index, for the session."""
    server = LiveServer(shipped_index)
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (make browser-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = TEST_OUTPUT / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
