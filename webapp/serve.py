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
- **gevent for connections, threads for requests.** Each connection is a greenlet: a client
  that sends half a request, or nothing, holds a few kilobytes and a file descriptor, not a
  thread, while the worker goes on answering others (tests/test_serve_workers.py holds 2,100
  such sockets open; with gunicorn's gthread worker one normal request then waited 30 s).
  gunicorn's gevent worker gives every request head, the first and each kept-alive one,
  HEAD_SECONDS to arrive (its `keepalive` setting) and then closes the connection; a worker
  takes at most `connections` at a time (the rest wait in the listening socket's backlog),
  and the soft open-files limit is raised to fit them. Once a request has arrived, the app
  runs in one of the worker's `threads` native threads (InThreads): searching is CPU-bound
  and greenlets are never preempted, so run in greenlets one long search would hold up
  every short one behind it (bench.load's p95 under 8 clients doubled); threads share the
  CPU as before, and the app keeps its native locks and its background generation switch
  (gevent patches everything but threads: webapp/cli.py).
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
from gevent import socket as green_socket
from gevent.threadpool import ThreadPool
from gunicorn.app.base import BaseApplication
from gunicorn.workers.ggevent import GeventWorker

from indexer.config import env_float, env_int
from indexer.search.engine import prepare_for_workers
from webapp import create_app, data
from webapp.security import LIMIT_REQUEST_LINE

log = logging.getLogger("izde.web")

MAX_AUTO_WORKERS = 4
THREADS = 8  # per worker: the threads requests run in, once they have arrived
WORKER_CONNECTIONS = 4096  # per worker; fewer when the open-files limit is lower
FD_RESERVE = 256  # descriptors a worker keeps for the index files, logs and the listener
HEAD_SECONDS = 5  # a request head (request line and headers) must arrive within this
WORKER_TIMEOUT = 30  # a worker silent this long (a request running away) is restarted
GRACEFUL_SECONDS = 10  # on SIGTERM, requests in progress get this long to finish
WARM_SECONDS = 20.0  # $IZDE_WARM_SECONDS: decoding frequent terms before serving


def default_workers() -> int:
    """$IZDE_WORKERS, else one worker process per CPU (at most MAX_AUTO_WORKERS)."""
    auto = max(1, min(os.cpu_count() or 1, MAX_AUTO_WORKERS))
    return env_int("IZDE_WORKERS", auto, 1, 64)


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
    return env_float("IZDE_WARM_SECONDS", WARM_SECONDS, 0.0)


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


class InThreads:
    """WSGI middleware: the app, and the making of its body, run in a pool of native threads
    (started in each worker by `start`); the connection's greenlet waits for them without
    blocking the others. A streamed body is made in batches, each in whichever pool thread
    is free: its generator must not rely on thread or context state (Flask's
    stream_with_context does)."""

    BATCH = 64 * 1024  # bytes of a streamed body made per trip to the pool

    def __init__(self, app, threads: int) -> None:
        self.app = app
        self.threads = threads
        self.pool: ThreadPool | None = None

    def start(self) -> None:
        self.pool = ThreadPool(self.threads)

    def __call__(self, environ: dict, start_response):
        assert self.pool is not None, "InThreads.start() runs in each worker first"
        pool = self.pool
        body = pool.apply(self.app, (environ, start_response))
        chunks = pool.apply(iter, (body,))
        try:
            while batch := pool.apply(self._batch, (chunks,)):
                yield from batch
        finally:
            if hasattr(body, "close"):
                pool.apply(body.close)

    def _batch(self, chunks) -> list[bytes]:
        batch: list[bytes] = []
        size = 0
        for chunk in chunks:
            batch.append(chunk)
            size += len(chunk)
            if size >= self.BATCH:
                break
        return batch


class Worker(GeventWorker):
    """gunicorn's gevent worker, but for its monkey patching: the master patched everything
    but threads before the app was imported (webapp/cli.py), and so must the worker (the
    gevent worker's own patch_all would make the app's threads greenlets)."""

    def patch(self) -> None:
        monkey.patch_all(thread=False)
        # The listening sockets become gevent sockets, as GeventWorker.patch does.
        listeners: list = self.sockets  # type: ignore[has-type]  # (gunicorn is untyped)
        self.sockets = [
            green_socket.socket(s.FAMILY, green_socket.SOCK_STREAM, fileno=s.sock.detach())
            for s in listeners
        ]


class Server(BaseApplication):
    """gunicorn with izde's settings; the app is created (and warmed) in the master."""

    def __init__(self, options: dict, app_config: dict, threads: int) -> None:
        self.options = options
        self.app_config = app_config
        self.threads = threads
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> InThreads:
        app = create_app(self.app_config)
        warm_master(app.config["INDEX_DIR"])
        return InThreads(app, self.threads)


def _bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def gunicorn_options(host: str, port: int, workers: int, connections: int) -> dict:
    def worker_ready(worker) -> None:
        worker.wsgi.start()
        warm_worker(worker.wsgi.app)

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
        "worker_class": Worker,
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
    threads: int = THREADS,
) -> None:
    """Serve until SIGTERM or Ctrl+C; exits with gunicorn's status (0 when stopped).
    Call it with gevent's monkey patching (all but threads) already done, before this
    module was imported (`izde serve`, webapp/cli.py, does)."""
    if not monkey.is_module_patched("socket") or monkey.is_module_patched("threading"):
        raise RuntimeError(
            "webapp.serve needs gevent.monkey.patch_all(thread=False) before it is imported"
        )
    configure_logging()
    workers = default_workers() if workers is None else max(1, int(workers))
    connections = connection_limit(workers)
    app_config = {
        "INDEX_DIR": Path(index_dir),
        "BASE_URL": base_url,
        "ALLOWED_HOSTS": allowed_hosts or [],
        "BIND_HOST": host,
    }
    Server(gunicorn_options(host, port, workers, connections), app_config, threads).run()
