"""`izde serve`: the web app under waitress, a production WSGI server, on loopback by default.

Searching is CPU-bound Python: the threads of one process share one core (the GIL).  With
`workers` > 1, that many worker processes are forked (each with its own index handle,
caches and waitress threads) and the first process accepts the connections and hands them
to the workers in turn, so each core serves requests.  It also restarts a worker that dies
and stops them all on SIGTERM or Ctrl+C; a worker whose parent dies stops too.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path

from waitress import create_server

from indexer.index.lifetime import die_with_parent
from webapp import create_app

log = logging.getLogger("izde.web")

MAX_AUTO_WORKERS = 4


def default_workers() -> int:
    """$IZDE_WORKERS, else one worker process per CPU (at most MAX_AUTO_WORKERS)."""
    raw = os.environ.get("IZDE_WORKERS", "").strip()
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    return max(1, min(os.cpu_count() or 1, MAX_AUTO_WORKERS))


def make_server(
    index_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int = 8,
    sockets: list | None = None,
):
    """A bound (not yet running) waitress server for the app over `index_dir`; port 0 = any.
    With `sockets`, it accepts on those (already listening) sockets instead."""
    app = create_app({"INDEX_DIR": Path(index_dir)})
    # waitress' own size limits stay at their defaults: a query that fits in them reaches the
    # app, which answers with its own clear 400 (and its security headers).
    where = {"sockets": sockets} if sockets else {"host": host, "port": port}
    server = create_server(
        app,
        threads=threads,
        ident="izde",
        expose_tracebacks=False,
        clear_untrusted_proxy_headers=True,
        **where,
    )
    server.izde_app = app
    return server


def configure_logging() -> None:
    """One line per request at INFO; IZDE_LOG_LEVEL=DEBUG adds query strings (private: off)."""
    level = getattr(logging, os.environ.get("IZDE_LOG_LEVEL", "INFO").upper(), logging.INFO)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("izde.web").setLevel(level)


WARM_SECONDS = 20.0  # $IZDE_WARM_SECONDS: decoding frequent terms before serving


def warm_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("IZDE_WARM_SECONDS", WARM_SECONDS)))
    except ValueError:
        return WARM_SECONDS


def warm_up(app, caches: bool = True) -> None:
    """Open the index and run one search before the first visitor does (stemmer tables,
    Whoosh readers, the search layout), then decode the postings of the index's most
    frequent words for up to WARM_SECONDS: the first pages then come as fast as the others."""
    from webapp import data

    try:
        # The view itself, not a request: nothing reaches the request log.
        with app.test_request_context("/search", query_string={"q": "дағдарыс"}):
            h = data.handle()
            app.view_functions["pages.search"]()
    except Exception as exc:  # noqa: BLE001 - no index yet is fine: pages say what to do
        log.info("no warm-up: %s", exc)
        return
    seconds = warm_seconds() if caches else 0.0
    if seconds > 0:
        from indexer.search.engine import warm_caches

        t0 = time.monotonic()
        try:
            n = warm_caches(h, seconds)
        except Exception as exc:  # noqa: BLE001 - a cold cache is slower, not wrong
            log.warning("cache warm-up stopped: %s", exc)
        else:
            log.info("warm-up: %d frequent terms decoded in %.1f s", n, time.monotonic() - t0)


def serve(
    index_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int = 8,
    workers: int | None = None,
) -> None:
    configure_logging()
    workers = default_workers() if workers is None else max(1, int(workers))
    if workers > 1 and hasattr(os, "fork"):
        _serve_workers(index_dir, host, port, threads, workers)
        return
    server = make_server(index_dir, host=host, port=port, threads=threads)
    warm_up(server.izde_app)
    log.info(
        "izde serving %s at http://%s:%s/", index_dir, server.effective_host, server.effective_port
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


# -- worker processes ------------------------------------------------------------------------
# The first process accepts every connection on the listening socket and hands each to the
# next worker in turn (the descriptor is passed over a Unix socket pair): the workers get
# equal shares of the connections (with one shared listening socket, whichever worker wakes
# first takes a connection, and a keep-alive client may then stay on the busier one).


class _Stop(Exception):
    pass


def _listening_socket(host: str, port: int) -> socket.socket:
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(info[0], socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if info[0] == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    sock.bind(info[4])
    sock.listen(1024)
    return sock


def _worker(channel: socket.socket, index_dir, threads: int, parent: int, family: int) -> None:
    import threading

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if not die_with_parent(signal.SIGTERM, parent):
        return
    # waitress wants a listening socket to build its server on; this one is never read
    # (connections come from the parent).
    idle = socket.socket(family, socket.SOCK_STREAM)
    idle.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    idle.listen(1)
    server = make_server(index_dir, threads=threads, sockets=[idle])
    server.readable = lambda: False  # never accept on it
    warm_up(server.izde_app, caches=False)  # (the parent warmed the caches once)

    def adopt(conn: socket.socket) -> None:  # in waitress' own loop thread
        try:
            server.set_socket_options(conn)
            addr = server.fix_addr(conn.getpeername())
        except OSError:  # the client already went away
            conn.close()
            return
        server.channel_class(server, conn, addr, server.adj, map=server._map)

    def receive() -> None:
        while True:
            try:
                msg, fds, _flags, _addr = socket.recv_fds(channel, 16, 16)
            except OSError:
                msg, fds = b"", []
            if not msg and not fds:
                os._exit(0)  # the parent is gone
            for fd in fds:
                conn = socket.socket(fileno=fd)
                if conn.type != socket.SOCK_STREAM or conn.family not in (
                    socket.AF_INET,
                    socket.AF_INET6,
                ):
                    conn.close()
                    continue
                server.trigger.pull_trigger(lambda conn=conn: adopt(conn))

    threading.Thread(target=receive, name="izde-connections", daemon=True).start()
    channel.sendall(b"r")  # ready: connections may come
    server.run()


def _serve_workers(index_dir, host: str, port: int, threads: int, workers: int) -> None:
    import select

    for handler in logging.getLogger().handlers:  # which worker wrote a line
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(name)s %(levelname)s [%(process)d] %(message)s")
        )
    sock = _listening_socket(host, port)
    bound = sock.getsockname()
    parent = os.getpid()
    # The caches are built and warmed once, here, and the workers inherit them.
    seconds = warm_seconds()
    if seconds > 0:
        t0 = time.monotonic()
        try:
            from indexer.search.engine import prepare_for_workers

            n = prepare_for_workers(index_dir, seconds)
        except Exception as exc:  # noqa: BLE001 - no index yet: the workers say what to do
            log.info("no warm-up: %s", exc)
        else:
            log.info("warm-up: %d frequent terms decoded in %.1f s", n, time.monotonic() - t0)
        import gc

        gc.collect()
    slots: list = [None] * workers  # (pid, our end of its socket pair, started)
    ready: set = set()  # worker numbers that have said so
    gone: set = set()  # ended, not yet reaped

    def spawn(i: int) -> None:
        ready.discard(i)
        gone.discard(i)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                sock.close()
                ours.close()
                for other in slots:
                    if other is not None:
                        other[1].close()
                _worker(theirs, index_dir, threads, parent, sock.family)
            except BaseException:  # noqa: BLE001 - reported, then this worker ends
                log.exception("worker %s failed", os.getpid())
                code = 1
            finally:
                logging.shutdown()
                os._exit(code)
        theirs.close()
        ours.settimeout(5)  # a worker that stops reading is skipped
        slots[i] = (pid, ours, time.monotonic())

    def stop(_signum, _frame):
        raise _Stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for i in range(workers):
        spawn(i)
    log.info(
        "izde serving %s at http://%s:%s/ (%d worker processes, %d threads each)",
        index_dir,
        bound[0],
        bound[1],
        workers,
        threads,
    )
    quick_deaths = 0
    failed = False
    turn = 0
    try:
        while True:
            # Workers that ended are started again (one failing at once, over and over,
            # stops the server).
            while True:
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    pid = 0
                if not pid:
                    break
                for i, slot in enumerate(slots):
                    if slot is not None and slot[0] == pid:
                        slot[1].close()
                        log.warning("worker %s ended (status %s); starting another", pid, status)
                        quick = time.monotonic() - slot[2] < 5
                        quick_deaths = quick_deaths + 1 if quick else 0
                        if quick_deaths >= 3 * workers:
                            log.error("workers keep failing at start; stopping")
                            failed = True
                            raise _Stop()
                        if quick:
                            time.sleep(0.5)
                        spawn(i)
            # Connections are taken only once a worker is ready for them (until then they
            # wait in the listening socket's backlog).
            waiting = [slots[i][1] for i in range(workers) if i not in ready | gone]
            readable, _, _ = select.select(([sock] if ready else []) + waiting, [], [], 0.5)
            for ch in readable:
                if ch is sock:
                    continue
                i = next(i for i in range(workers) if slots[i][1] is ch)
                try:
                    said = ch.recv(1)
                except OSError:
                    said = b""
                if said:
                    ready.add(i)
                else:  # it ended: started again once reaped
                    gone.add(i)
            if sock not in readable:
                continue
            try:
                conn, _addr = sock.accept()
            except OSError as exc:  # e.g. out of file descriptors: try again
                log.warning("accept failed: %s", exc)
                time.sleep(0.05)
                continue
            try:
                for _ in range(workers):  # the next ready worker in turn takes it
                    i = turn % workers
                    turn += 1
                    if i not in ready:
                        continue
                    try:
                        socket.send_fds(slots[i][1], [b"c"], [conn.fileno()])
                        break
                    except (TimeoutError, BlockingIOError):
                        continue  # busy: the next one
                    except OSError:
                        ready.discard(i)  # gone: it is started again when reaped
            finally:
                conn.close()
    except _Stop:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        sock.close()
        alive = {slot[0] for slot in slots if slot is not None}
        for pid in alive:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while alive and time.monotonic() < deadline:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                alive.discard(pid)
            else:
                time.sleep(0.05)
        for pid in alive:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    sys.exit(1 if failed else 0)
