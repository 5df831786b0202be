"""Bounded HTTP load test against `izde serve` on 127.0.0.1 (never anywhere else).

What it does, in order:
1. makes sure the benchmark index exists (default: 100,000 seeded paragraphs, built once by
   `bench.scale.ensure_index` and reused while the indexing code is unchanged);
2. starts `izde serve --threads 8` (gunicorn: gevent workers, requests run in 8 threads
   each) on a free port of 127.0.0.1 and waits for /healthz;
3. warm-up, then one client, sequential, keep-alive: p50/p95 of `/api/search` (with the
   server's own `took_ms`, so HTTP + JSON overhead is visible) and of the `/search` page;
4. N concurrent clients (threads, each with one keep-alive `http.client` connection) send a
   fixed number of requests (mixed benchmark queries, `/search` pages and `/api/search`
   answers alternating) under a wall-clock limit: throughput, p50/p95/p99, errors.

Bars (issue 6 / issue 4): p95 <= 250 ms and zero errors under 8 clients; one client p95
<= 100 ms.  Results: `bench/out/load.json`.

    python -m bench.load                      # 100K index, 8 clients, 2000 requests
    python -m bench.load --paragraphs 10000 --requests 500
    python -m bench.load --index some/index --clients 4 --time-limit 120
    python -m bench.load --py-spy             # also sample the server with py-spy
    python -m bench.load --py-spy /tmp/pyspy/bin/py-spy   # pip install --target /tmp/pyspy py-spy
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


# -- small helpers shared with bench.scale ----------------------------------------------


def percentiles(values: list[float]) -> dict:
    """p50/p95/p99/mean/max in ms of latencies given in seconds (nearest-rank)."""
    if not values:
        return {"n": 0}
    xs = sorted(values)

    def rank(p: float) -> float:
        k = max(0, min(len(xs) - 1, int(round(p / 100 * len(xs) + 0.5)) - 1))
        return xs[k] * 1000

    return {
        "n": len(xs),
        "p50_ms": round(rank(50), 2),
        "p95_ms": round(rank(95), 2),
        "p99_ms": round(rank(99), 2),
        "mean_ms": round(statistics.fmean(xs) * 1000, 2),
        "max_ms": round(xs[-1] * 1000, 2),
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_at_start": os.getloadavg(),
    }
    try:
        import whoosh

        info["whoosh"] = ".".join(map(str, whoosh.__version__))
    except Exception:  # noqa: BLE001 - informational only
        pass
    return info


class Server:
    """`izde serve` in a child process on 127.0.0.1; a context manager.

    Log lines go to `log_path` so a test or a bench can read them afterwards.
    """

    def __init__(
        self,
        index_dir: Path,
        threads: int = 8,
        port: int | None = None,
        log_path: Path | None = None,
        env: dict | None = None,
        startup_timeout: float = 120.0,
        workers: int | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.threads = threads
        self.workers = workers
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.log_path = log_path or OUT / f"serve-{self.port}.log"
        self.env = env
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed by stop()
        cmd = [
            sys.executable,
            "-m",
            "indexer.cli",
            "serve",
            "--index",
            str(self.index_dir),
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--threads",
            str(self.threads),
        ]
        if self.workers:
            cmd += ["--workers", str(self.workers)]
        env = dict(os.environ, **(self.env or {}))
        self.proc = subprocess.Popen(
            cmd, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT, env=env
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"izde serve exited with {self.proc.returncode}; "
                    f"log: {self.log_path.read_text(errors='replace')[-2000:]}"
                )
            try:
                status, _ = get(self.host, self.port, "/healthz", timeout=2)
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"izde serve did not answer /healthz in {self.startup_timeout} s")

    def memory(self) -> dict:
        """The server's process tree now: RSS summed, PSS summed (shared pages counted once
        across the tree: the memory the tree really costs), and the processes."""
        import psutil

        procs = [psutil.Process(self.proc.pid)]
        procs += procs[0].children(recursive=True)
        rss = pss = 0
        for p in procs:
            try:
                full = p.memory_full_info()
            except psutil.Error:
                continue
            rss += full.rss
            pss += getattr(full, "pss", full.rss)
        return {
            "processes": len(procs),
            "rss_sum_mb": round(rss / 2**20, 1),
            "pss_sum_mb": round(pss / 2**20, 1),
        }

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def get(host: str, port: int, path: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """One GET on a fresh connection (for health checks)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Client:
    """One keep-alive connection; reconnects after an error (and counts it)."""

    def __init__(self, host: str, port: int, timeout: float = 30.0) -> None:
        if host not in LOCAL_HOSTS:
            raise ValueError(f"load tests only target 127.0.0.1, not {host!r}")
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes, float]:
        """(status, body, seconds); status 0 means a transport error."""
        t0 = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.conn.request("GET", path)
            resp = self.conn.getresponse()
            body = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, body, time.perf_counter() - t0
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            return 0, repr(exc).encode(), time.perf_counter() - t0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _default_workers() -> int:
    from webapp.serve import default_workers

    return default_workers()


def search_path(q: str, api: bool) -> str:
    return ("/api/search?q=" if api else "/search?q=") + quote(q, safe="")


# -- the measurements -------------------------------------------------------------------


def single_client(host: str, port: int, queries: list[str], api: bool) -> dict:
    """Sequential requests over one keep-alive connection."""
    client = Client(host, port)
    lat, took, errors, statuses = [], [], 0, {}
    for q in queries:
        status, body, secs = client.get(search_path(q, api))
        statuses[status] = statuses.get(status, 0) + 1
        if status != 200:
            errors += 1
            continue
        lat.append(secs)
        if api:
            try:
                took.append(json.loads(body)["took_ms"] / 1000)
            except (ValueError, KeyError, TypeError):
                pass
    client.close()
    out = {
        "endpoint": "/api/search" if api else "/search",
        **percentiles(lat),
        "errors": errors,
        "statuses": {str(k): v for k, v in statuses.items()},
    }
    if took:
        out["server_took"] = percentiles(took)
    return out


def concurrent(
    host: str, port: int, queries: list[str], clients: int, requests: int, time_limit: float
) -> dict:
    """`clients` threads share one request counter; stop at `requests` or `time_limit`."""
    counter = itertools.count()
    deadline = time.monotonic() + time_limit
    lock = threading.Lock()
    lat: list[float] = []
    by_endpoint: dict[str, list[float]] = {"/search": [], "/api/search": []}
    errors: list[str] = []
    statuses: dict[int, int] = {}

    def worker() -> None:
        client = Client(host, port)
        while True:
            i = next(counter)
            if i >= requests or time.monotonic() > deadline:
                break
            api = i % 2 == 1
            status, body, secs = client.get(search_path(queries[i % len(queries)], api))
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200 and body:
                    lat.append(secs)
                    by_endpoint["/api/search" if api else "/search"].append(secs)
                else:
                    errors.append(f"{status} {body[:200]!r}")
        client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(time_limit + 60)
    elapsed = time.perf_counter() - t0
    done = len(lat) + len(errors)
    return {
        "clients": clients,
        "requests_planned": requests,
        "requests_done": done,
        "seconds": round(elapsed, 2),
        "throughput_rps": round(done / elapsed, 2),
        **percentiles(lat),
        "per_endpoint": {k: percentiles(v) for k, v in by_endpoint.items()},
        "errors": len(errors),
        "error_samples": errors[:5],
        "statuses": {str(k): v for k, v in statuses.items()},
        "hit_time_limit": done < requests,
    }


def py_spy_record(
    pid: int, seconds: int, out: Path, exe: str = "py-spy"
) -> subprocess.Popen | None:
    """Sample the server while the load runs (py-spy on PATH, in the venv, or a given path)."""
    exe = (
        (exe if Path(exe).is_file() else None)
        or shutil.which(exe)
        or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    )
    if not exe:
        print("py-spy not found: pip install py-spy (skipping the server profile)", file=sys.stderr)
        return None
    return subprocess.Popen(
        [
            exe,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(seconds),
            "--rate",
            "100",
            "--format",
            "raw",
            "--threads",
            "--output",
            str(out),
            "--nonblocking",
            "--subprocesses",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def profile_search(index_dir: Path, queries: list[str], top: int = 35) -> str:
    """cProfile of `indexer.search.engine.search` over the queries, in-process (no HTTP): where a
    search spends its time (parsing, Whoosh scoring, facets, highlighting, suggestions)."""
    import cProfile
    import io
    import pstats

    from indexer.index.store import open_index
    from indexer.search.engine import search

    handle = open_index(index_dir)
    for q in queries[:30]:
        search(handle, q, limit=10)
    prof = cProfile.Profile()
    prof.enable()
    for q in queries:
        search(handle, q, limit=10)
    prof.disable()
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("cumulative").print_stats(top)
    st.sort_stats("tottime").print_stats(top)
    return buf.getvalue()


def run(args: argparse.Namespace) -> dict:
    from bench.queries import query_strings

    if args.index:
        index_dir, build = Path(args.index), None
    else:
        from bench.scale import ensure_index

        build = ensure_index(args.paragraphs, seed=args.seed)
        index_dir = Path(build["index"])
    queries = query_strings(args.seed)
    result: dict = {
        "bench": "load",
        "index": str(index_dir),
        "paragraphs": args.paragraphs if not args.index else None,
        "server_threads": args.threads,
        "server_workers": args.workers or _default_workers(),
        "queries": len(queries),
        "seed": args.seed,
        "machine": machine(),
    }
    with Server(index_dir, threads=args.threads, workers=args.workers) as server:
        host, port = server.host, server.port
        # Warm-up: the first requests open the searcher and fill caches.
        single_client(host, port, queries[:30], api=True)
        n = min(args.single, len(queries))
        result["single_client"] = {
            "api": single_client(host, port, queries[:n], api=True),
            "page": single_client(host, port, queries[:n], api=False),
        }
        spy = None
        if args.py_spy:
            spy = py_spy_record(
                server.proc.pid, int(args.time_limit), OUT / "load-pyspy.txt", args.py_spy
            )
        runs = [
            concurrent(host, port, queries, args.clients, args.requests, args.time_limit)
            for _ in range(args.repeats)
        ]
        if spy:
            spy.send_signal(signal.SIGINT)
            spy.wait(30)
            result["py_spy"] = str(OUT / "load-pyspy.txt")
        result["load_runs"] = runs
        # The median run by p95 stands for the whole (one run when repeats == 1).
        result["load"] = sorted(runs, key=lambda r: r.get("p95_ms", 1e9))[len(runs) // 2]
        result["server_memory"] = server.memory()
        status, body = get(host, port, "/healthz")
        result["healthz_after"] = {"status": status, "body": body[:300].decode(errors="replace")}
    if build:
        result["index_build"] = {
            k: build.get(k) for k in ("seconds", "peak_rss_mb", "size_mb", "paragraphs")
        }
    load, one = result["load"], result["single_client"]["page"]
    result["bars"] = {
        "load_p95_le_250ms": load.get("p95_ms", 1e9) <= 250,
        "load_zero_errors": load["errors"] == 0,
        "single_client_page_p95_le_100ms": one.get("p95_ms", 1e9) <= 100,
        "single_client_api_p95_le_100ms": result["single_client"]["api"].get("p95_ms", 1e9) <= 100,
    }
    result["machine"]["loadavg_at_end"] = os.getloadavg()
    return result


def summary(r: dict) -> str:
    load = r["load"]
    lines = [
        f"index {r['index']} ({r['queries']} queries, server: {r.get('server_workers')} "
        f"worker processes x {r['server_threads']} threads)",
        f"{load['clients']} clients: {load['requests_done']} requests in {load['seconds']} s "
        f"= {load['throughput_rps']} req/s; p50 {load.get('p50_ms')} p95 {load.get('p95_ms')} "
        f"p99 {load.get('p99_ms')} ms; errors {load['errors']}",
    ]
    for s in r["single_client"].values():
        extra = ""
        if "server_took" in s:
            extra = (
                f" (server took_ms p50 {s['server_took']['p50_ms']} "
                f"p95 {s['server_took']['p95_ms']})"
            )
        lines.append(
            f"1 client {s['endpoint']}: p50 {s.get('p50_ms')} p95 {s.get('p95_ms')} "
            f"p99 {s.get('p99_ms')} ms, errors {s['errors']}{extra}"
        )
    lines.append(
        "bars: " + ", ".join(f"{k}={'PASS' if v else 'FAIL'}" for k, v in r["bars"].items())
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", help="an existing index (default: build/reuse the seeded one)")
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--threads", type=int, default=8, help="izde serve threads per worker")
    ap.add_argument(
        "--workers",
        type=int,
        default=None,
        help="izde serve worker processes (default: izde serve's own default)",
    )
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--time-limit", type=float, default=300.0, help="seconds per load run")
    ap.add_argument("--repeats", type=int, default=1, help="load runs; the median is reported")
    ap.add_argument("--single", type=int, default=300, help="requests in the 1-client phase")
    ap.add_argument(
        "--py-spy",
        nargs="?",
        const="py-spy",
        default=None,
        metavar="PATH",
        help="sample the server under load with py-spy (optionally its path)",
    )
    ap.add_argument("--out", default=str(OUT / "load.json"))
    ap.add_argument(
        "--profile-search",
        action="store_true",
        help="only cProfile search() in-process over the query set",
    )
    args = ap.parse_args(argv)
    if args.profile_search:
        from bench.queries import query_strings

        if args.index:
            index_dir = Path(args.index)
        else:
            from bench.scale import ensure_index

            index_dir = Path(ensure_index(args.paragraphs, seed=args.seed)["index"])
        text = profile_search(index_dir, query_strings(args.seed))
        out = OUT / f"search-profile-{index_dir.name}.txt"
        out.write_text(text)
        print(text)
        print(f"written {out}")
        return 0
    result = run(args)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(summary(result))
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
