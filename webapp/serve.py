"""`izde serve`: the web app under gunicorn (its application API, in this process), with
gevent workers, on loopback by default.

- **Worker processes.** Searching is CPU-bound Python: one process runs one request at a
  time, so each core needs a process (`workers`, default one per CPU, at most
  MAX_AUTO_WORKERS). gunicorn's master forks them, restarts one that dies and stops them all
  on SIGTERM or Ctrl+C. Only a worker that cannot boot stops the master (a client cannot
  cause that: the app is loaded before any connection is taken).
- **Preloaded.** The master creates the app and warms the search caches of the live
  generation once (`prepare_for_workers`); the forked workers share those pages
  copy-on-write instead of each building its own.
- **gevent workers.** Each connection is a greenlet: a client that sends half a request, or
  nothing, holds a few kilobytes and a file descriptor, not a thread, while the worker goes
  on answering others (tests/test_serve_workers.py holds 2,100 such sockets open). gunicorn's
  gevent worker gives every request head, the first and each kept-alive one, HEAD_SECONDS
  to arrive (its `keepalive` setting) and then closes the connection; a worker takes at most
  `connections` at a time (the rest wait in the listening socket's backlog), and the soft
  open-files limit is raised to fit them.
- **Limits before the app.** Request line at most LIMIT_REQUEST_LINE bytes (414 past it;
  a 1,000-character Kazakh query is about 6 KB percent-encoded), at most 100 header fields
  of 8 KB. Request bodies: webapp/security.py refuses one over 64 KB by its Content-Length
  before reading it; gunicorn streams bodies, nothing is written to disk.
- **Hosts.** The Host header decides nothing by itself (webapp/hosts.py): `base_url` is what
  absolute links use, `allowed_hosts` the other names answered. Forwarded headers
  (X-Forwarded-Proto...) are trusted from no one.
"""

from __future__ import annotations

import gc
import logging
import os
import resource
import time
from pathlib import Path

from flask import Flask
from gevent import monkey
from gunicorn.app.base import BaseApplication

from indexer.search.engine import prepare_for_workers
from webapp import create_app, data
from webapp.security import LIMIT_REQUEST_LINE

log = logging.getLogger("izde.web")

MAX_AUTO_WORKERS = 4
WORKER_CONNECTIONS = 4096  # per worker; fewer when the open-files limit is lower
FD_RESERVE = 256  # descriptors a worker keeps for the index files, logs and the listener
HEAD_SECONDS = 5  # a request head (request line and headers) must arrive within this
WORKER_TIMEOUT = 30  # a worker silent this long (a request running away) is restarted
GRACEFUL_SECONDS = 10  # on SIGTERM, requests in progress get this long to finish
WARM_SECONDS = 20.0  # $IZDE_WARM_SECONDS: decoding frequent terms before serving


def default_workers() -> int:
    """$IZDE_WORKERS, else one worker process per CPU (at most MAX_AUTO_WORKERS)."""
    raw = os.environ.get("IZDE_WORKERS", "").strip()
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    return max(1, min(os.cpu_count() or 1, MAX_AUTO_WORKERS))


def configure_logging() -> None:
    """One line per request at INFO, with the worker's pid; IZDE_LOG_LEVEL=DEBUG adds query
    strings (private: off by default)."""
    level = getattr(logging, os.environ.get("IZDE_LOG_LEVEL", "INFO").upper(), logging.INFO)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s [%(process)d] %(message)s",
    )
    logging.getLogger("izde.web").setLevel(level)


def warm_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("IZDE_WARM_SECONDS", WARM_SECONDS)))
    except ValueError:
        return WARM_SECONDS


def warm_master(index_dir: Path) -> None:
    """Build and warm the live generation's ranker before forking; the index itself is
    closed again (each worker opens its own: open files would share their offsets)."""
    seconds = warm_seconds()
    if seconds <= 0:
        return
    t0 = time.monotonic()
    try:
        n = prepare_for_workers(index_dir, seconds)
    except Exception as exc:  # noqa: BLE001 - no index yet is fine: pages say what to do
        log.info("no warm-up: %s", exc)
    else:
        log.info("warm-up: %d frequent terms decoded in %.1f s", n, time.monotonic() - t0)
    # What the workers inherit stays out of the collector's way: collections would write
    # to (and so copy) every shared page.
    gc.collect()
    gc.freeze()


def warm_worker(app: Flask) -> None:
    """Open the index and run one search before the first visitor does (Whoosh readers,
    the prepared ranker taken over), in the worker, before it takes connections."""
    try:
        # The view itself, not a request: nothing reaches the request log.
        with app.test_request_context("/search", query_string={"q": "дағдарыс"}):
            data.handle()
            app.view_functions["pages.search"]()
    except Exception as exc:  # noqa: BLE001 - no index yet is fine: pages say what to do
        log.info("no warm-up: %s", exc)


def connection_limit(workers: int, wanted: int = WORKER_CONNECTIONS) -> int:
    """Connections per worker: `wanted`, with the soft open-files limit raised to fit them
    (up to the hard limit); fewer if the hard limit is lower."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < need:
        raised = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        soft = raised
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(16, min(wanted, soft - FD_RESERVE))


class Server(BaseApplication):
    """gunicorn with izde's settings; the app is created (and warmed) in the master."""

    def __init__(self, options: dict, app_config: dict) -> None:
        self.options = options
        self.app_config = app_config
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        app = create_app(self.app_config)
        warm_master(app.config["INDEX_DIR"])
        return app


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def gunicorn_options(host: str, port: int, workers: int, connections: int) -> dict:
    def worker_ready(worker) -> None:
        warm_worker(worker.wsgi)

    def ready(arbiter) -> None:
        where = ", ".join(str(listener) for listener in arbiter.LISTENERS)
        log.info(
            "izde serving at %s (%d worker processes, up to %d connections each)",
            where,
            workers,
            connections,
        )

    return {
        "bind": [_bind_address(host, port)],
        "workers": workers,
        "worker_class": "gevent",
        "worker_connections": connections,
        "preload_app": True,
        "keepalive": HEAD_SECONDS,
        "timeout": WORKER_TIMEOUT,
        "graceful_timeout": GRACEFUL_SECONDS,
        "limit_request_line": LIMIT_REQUEST_LINE,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        "forwarded_allow_ips": "",
        "proxy_allow_ips": "",
        "control_socket_disable": True,  # a per-user socket path: two servers would collide
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        "proc_name": "izde",
        "loglevel": "info",
        "accesslog": None,  # izde logs its own request line (without the query: private)
        "post_worker_init": worker_ready,
        "when_ready": ready,
    }


def serve(
    index_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int | None = None,
    base_url: str | None = None,
    allowed_hosts: list[str] | None = None,
) -> None:
    """Serve until SIGTERM or Ctrl+C; exits with gunicorn's status (0 when stopped).
    Call it with gevent's monkey patching already done, before this module was imported
    (`izde serve`, webapp/cli.py, does)."""
    if not monkey.is_module_patched("threading"):
        raise RuntimeError("webapp.serve needs gevent.monkey.patch_all() before it is imported")
    configure_logging()
    workers = default_workers() if workers is None else max(1, int(workers))
    connections = connection_limit(workers)
    app_config = {
        "INDEX_DIR": Path(index_dir),
        "BASE_URL": base_url,
        "ALLOWED_HOSTS": allowed_hosts or [],
        "BIND_HOST": host,
    }
    Server(gunicorn_options(host, port, workers, connections), app_config).run()
