"""How izde grows: index time, size, peak memory and query latency at 10K, 100K, 1M paragraphs.

For each size N:
- the seeded corpus `bench/out/corpus-N/` (`python -m bench.corpus N OUT --per-doc 20`, split
  into files of 10,000 paragraphs) is made once;
- `izde index --rebuild` runs once as a child process: wall time, size of the live generation
  on disk, peak memory (psutil polling of the child and all its descendants, summed; and the
  largest single process from getrusage(RUSAGE_CHILDREN).ru_maxrss of a wrapper process);
- the benchmark queries (`bench.queries`) are run in-process through `indexer.search.engine.search`
  (p50/p95, median of passes) and over HTTP against `izde serve` on 127.0.0.1 (one client).

An index is reused (`bench/out/index-N` + `index-N.build.json`) while the indexing code
(indexer/*.py, bench/corpus.py) is unchanged; `--rebuild` forces a new run.

    python -m bench.scale                       # 10K, 100K, 1M (the 1M run takes long)
    python -m bench.scale --sizes 10000         # what `bench.run_all` calls scale-small
    python -m bench.scale --profile-index 100000  # cProfile of one index run, top functions
    python -m bench.scale --index bench/out/index-1000000 --no-in-process
                                                # only measure an existing index over HTTP
                                                # (never builds; its size from the index)

Bars: the 1M index builds in one run with peak memory < 2 GB; HTTP p95 at 1M < 500 ms.
Results: `bench/out/scale.json` (merged with earlier sizes, so sizes can run separately).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load import OUT, REPO, Client, Server, machine, percentiles, search_path

GB = 1024**3
MB = 1024**2

# Runs a command and writes the largest resident set of its process tree's single biggest
# process (ru_maxrss of waited-for children, KiB on Linux) to a file: a clean measurement
# because this wrapper has no other children.
_WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[2:])\n"
    "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(json.dumps({'rc': rc, 'maxrss_kb': ru.ru_maxrss,"
    " 'user_s': ru.ru_utime, 'sys_s': ru.ru_stime}))\n"
    "sys.exit(rc)\n"
)


# Modules that only read an index: a change there does not call for a new benchmark index.
_QUERY_SIDE = {
    "search.py",
    "query.py",
    "highlight.py",
    "cli.py",
    "config.py",
    "eval_stems.py",
    "eval_retrieval.py",
}
PER_DOC = 20  # paragraphs per JSONL record (document) in the benchmark corpora


def code_fingerprint() -> str:
    """Hash of everything that changes what an index run produces."""
    h = hashlib.sha256()
    files = [p for p in sorted((REPO / "indexer").rglob("*.py")) if p.name not in _QUERY_SIDE]
    files += sorted((REPO / "indexer").glob("data/*"))
    files.append(REPO / "bench" / "corpus.py")
    for p in files:
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def live_generation(index_dir: Path) -> Path:
    """The folder CURRENT names (the store's layout); the index folder itself otherwise."""
    current = Path(index_dir) / "CURRENT"
    if current.is_file():
        return Path(index_dir) / current.read_text().strip()
    return Path(index_dir)


def _tag(n: int, seed: int) -> str:
    return f"{n}" if seed == 0 else f"{n}-s{seed}"


SHARD_PARAGRAPHS = 10_000  # paragraphs per corpus file


def make_corpus(n: int, seed: int = 0, per_doc: int = PER_DOC) -> Path:
    """bench/out/corpus-N/: N paragraphs from `python -m bench.corpus N --per-doc 20`, split
    into files of 10,000 paragraphs (`part-0000.jsonl`, ...).

    Split because a folder of files is what izde indexes in practice, because the store
    reads one file whole before indexing it, and because files over IZDE_MAX_FILE_MB (50 MB)
    are skipped: one 1M-paragraph file would be 460 MB.
    """
    folder = OUT / f"corpus-{_tag(n, seed)}"
    done = OUT / f"corpus-{_tag(n, seed)}.complete"
    if done.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    whole = OUT / f".corpus-{_tag(n, seed)}.jsonl.tmp"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.corpus",
            str(n),
            str(whole),
            "--seed",
            str(seed),
            "--per-doc",
            str(per_doc),
        ],
        cwd=REPO,
        check=True,
    )
    per_file = max(1, SHARD_PARAGRAPHS // per_doc)
    out, part = None, 0
    with open(whole, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i % per_file == 0:
                if out:
                    out.close()
                out = open(folder / f"part-{part:04d}.jsonl", "w", encoding="utf-8")
                part += 1
            out.write(line)
    if out:
        out.close()
    whole.unlink()
    done.write_text(f"{n} paragraphs, seed {seed}, {per_doc} per record, {part} files\n")
    return folder


def measure_index_run(cmd: list[str], poll: float = 0.2, log: Path | None = None) -> dict:
    """Run an index command; wall time, peak RSS (tree sum and largest process), exit code."""
    import psutil

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        rusage_path = fh.name
    logf = open(log, "wb") if log else subprocess.DEVNULL
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, rusage_path, *cmd],
        cwd=REPO,
        stdout=logf,
        stderr=subprocess.STDOUT if log else None,
    )
    peak_tree = 0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            # The wrapper itself is a small Python; count only what it runs.
            rss = sum(c.memory_info().rss for c in ps.children(recursive=True))
            peak_tree = max(peak_tree, rss)
        except psutil.Error:
            pass
        time.sleep(poll)
    seconds = time.perf_counter() - t0
    if log:
        logf.close()
    try:
        ru = json.loads(Path(rusage_path).read_text())
    except (OSError, ValueError):
        ru = {}
    os.unlink(rusage_path)
    return {
        "rc": proc.returncode,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(max(peak_tree, ru.get("maxrss_kb", 0) * 1024) / MB, 1),
        "peak_rss_tree_sum_mb": round(peak_tree / MB, 1),
        "peak_rss_largest_process_mb": round(ru.get("maxrss_kb", 0) / 1024, 1),
        "cpu_user_s": round(ru.get("user_s", 0), 1),
        "cpu_sys_s": round(ru.get("sys_s", 0), 1),
    }


def ensure_index(n: int, seed: int = 0, rebuild: bool = False) -> dict:
    """The seeded N-paragraph index, built (and measured) once per version of the code.

    Other benches call this too, possibly at the same time: a lock file per index makes a
    second caller wait for the first one's build and then reuse it.
    """
    import fcntl

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / f"index-{_tag(n, seed)}.build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _ensure_index_locked(n, seed, rebuild)


def _ensure_index_locked(n: int, seed: int, rebuild: bool) -> dict:
    corpus = make_corpus(n, seed)
    index_dir = OUT / f"index-{_tag(n, seed)}"
    stamp = OUT / f"index-{_tag(n, seed)}.build.json"
    fp = code_fingerprint()
    if not rebuild and stamp.exists() and (index_dir / "CURRENT").exists():
        info = json.loads(stamp.read_text())
        if (
            info.get("code") == fp
            and info.get("rc") == 0
            and info.get("corpus") == str(corpus)
            and info.get("per_doc") == PER_DOC
        ):
            info["reused"] = True
            return info
    cmd = [
        sys.executable,
        "-m",
        "indexer.cli",
        "index",
        str(corpus),
        "--index",
        str(index_dir),
        "--rebuild",
    ]
    print(f"indexing {n:,} paragraphs: {' '.join(cmd)}", file=sys.stderr, flush=True)
    info = measure_index_run(cmd, log=OUT / f"index-{_tag(n, seed)}.log")
    info.update(
        {
            "paragraphs": n,
            "seed": seed,
            "per_doc": PER_DOC,
            "code": fp,
            "corpus": str(corpus),
            "corpus_mb": round(dir_size(corpus) / MB, 1),
            "index": str(index_dir),
            "command": " ".join(cmd),
        }
    )
    if info["rc"] == 0:
        info["size_mb"] = round(dir_size(live_generation(index_dir)) / MB, 1)
        info["dir_size_mb"] = round(dir_size(index_dir) / MB, 1)
        info["paragraphs_per_s"] = round(n / info["seconds"], 1)
        try:
            from indexer.index.store import index_stats

            info["stats"] = index_stats(index_dir)
        except Exception as exc:  # noqa: BLE001 - informational
            info["stats_error"] = repr(exc)
    stamp.write_text(json.dumps(info, ensure_ascii=False, indent=2, default=str))
    info["reused"] = False
    return info


def in_process_latency(
    index_dir: Path, queries: list[str], passes: int = 3, kinds: list[str] | None = None
) -> dict:
    """search() called directly; percentiles per pass, the median pass reported, and (from
    the last pass) percentiles per kind of query."""
    from indexer.index.store import open_index
    from indexer.search.engine import search

    handle = open_index(index_dir)
    for q in queries[:30]:  # warm-up: open readers, fill caches
        search(handle, q, limit=10)
    per_pass = []
    errors = 0
    by_kind: dict[str, list[float]] = {}
    for _ in range(passes):
        lat = []
        by_kind = {}
        for i, q in enumerate(queries):
            t0 = time.perf_counter()
            try:
                search(handle, q, limit=10)
            except Exception:  # noqa: BLE001 - counted, not fatal to the bench
                errors += 1
                continue
            secs = time.perf_counter() - t0
            lat.append(secs)
            if kinds:
                by_kind.setdefault(kinds[i], []).append(secs)
        per_pass.append(percentiles(lat))
    out = _median_pass(per_pass)
    out["errors"] = errors
    if by_kind:
        out["by_kind"] = {k: percentiles(v) for k, v in sorted(by_kind.items())}
    return out


def http_latency(
    index_dir: Path, queries: list[str], passes: int = 2, workers: int | None = None
) -> dict:
    """One client, keep-alive, `/api/search` then the `/search` page, against izde serve."""
    out = {}
    with Server(
        index_dir, threads=8, log_path=OUT / "scale-serve.log", workers=workers, startup_timeout=600
    ) as server:
        client = Client(server.host, server.port)
        for q in queries[:30]:
            client.get(search_path(q, True))
        for api in (True, False):
            per_pass, errors = [], 0
            for _ in range(passes):
                lat = []
                for q in queries:
                    status, _, secs = client.get(search_path(q, api))
                    if status == 200:
                        lat.append(secs)
                    else:
                        errors += 1
                per_pass.append(percentiles(lat))
            res = _median_pass(per_pass)
            res["errors"] = errors
            out["api" if api else "page"] = res
        out["server_memory"] = server.memory()
        client.close()
    return out


def _median_pass(per_pass: list[dict]) -> dict:
    if not per_pass:
        return {}
    out = dict(sorted(per_pass, key=lambda p: p.get("p95_ms", 0))[len(per_pass) // 2])
    out["passes"] = len(per_pass)
    out["p95_ms_all_passes"] = [p.get("p95_ms") for p in per_pass]
    return out


def profile_index(n: int, seed: int = 0, top: int = 30) -> str:
    """cProfile of one `izde index --rebuild` of N paragraphs; the top functions as text.

    One writer process (IZDE_INDEX_PROCS=1): with Whoosh's two-process writer the indexing
    happens in children that cProfile does not see."""
    corpus = make_corpus(n, seed)
    prof = OUT / f"index-{n}.prof"
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        cmd = [
            sys.executable,
            "-m",
            "cProfile",
            "-o",
            str(prof),
            "-m",
            "indexer.cli",
            "index",
            str(corpus),
            "--index",
            str(Path(tmp) / "ix"),
            "--rebuild",
        ]
        subprocess.run(cmd, cwd=REPO, check=False, env={**os.environ, "IZDE_INDEX_PROCS": "1"})
    import io
    import pstats

    buf = io.StringIO()
    st = pstats.Stats(str(prof), stream=buf)
    st.sort_stats("cumulative").print_stats(top)
    st.sort_stats("tottime").print_stats(top)
    text = buf.getvalue()
    (OUT / f"index-{n}.profile.txt").write_text(text)
    return text


def run_size(
    n: int,
    seed: int,
    rebuild: bool,
    passes: int,
    http: bool,
    index: Path | None = None,
    in_process: bool = True,
    workers: int | None = None,
) -> dict:
    from bench.queries import benchmark_queries

    if index is not None:
        # An existing index, measured as it is (never built here); its build figures are
        # those recorded next to it when bench.scale built it, if any.
        stamp = index.parent / f"{index.name}.build.json"
        build = json.loads(stamp.read_text()) if stamp.exists() else {"rc": 0}
        build.update(
            {
                "reused": True,
                "index": str(index),
                "note": "measured with --index: not rebuilt by this run",
            }
        )
    else:
        build = ensure_index(n, seed=seed, rebuild=rebuild)
    row = {"paragraphs": n, "build": build}
    if build.get("rc") != 0:
        return row
    bq = benchmark_queries(seed)
    queries, kinds = [d["q"] for d in bq], [d["kind"] for d in bq]
    if in_process:
        row["in_process"] = in_process_latency(
            Path(build["index"]), queries, passes=passes, kinds=kinds
        )
    if http:
        row["http"] = http_latency(
            Path(build["index"]), queries, passes=max(1, passes - 1), workers=workers
        )
        row["http"]["server_workers"] = workers
    return row


def table(rows: list[dict]) -> str:
    head = (
        "| paragraphs | index s | para/s | size MB | peak RSS MB | in-proc p50/p95 ms "
        "| HTTP api p50/p95 ms | HTTP page p50/p95 ms | server PSS MB |"
    )
    lines = [head, "|" + "---|" * 9]
    for r in sorted(rows, key=lambda r: r["paragraphs"]):
        b = r["build"]
        ip, h = r.get("in_process", {}), r.get("http", {})
        api, page = h.get("api", {}), h.get("page", {})
        lines.append(
            f"| {r['paragraphs']:,} | {b.get('seconds')} | {b.get('paragraphs_per_s')} "
            f"| {b.get('size_mb')} | {b.get('peak_rss_mb')} "
            f"| {ip.get('p50_ms')} / {ip.get('p95_ms')} "
            f"| {api.get('p50_ms')} / {api.get('p95_ms')} "
            f"| {page.get('p50_ms')} / {page.get('p95_ms')} "
            f"| {h.get('server_memory', {}).get('pss_sum_mb')} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rebuild", action="store_true", help="index again even if reusable")
    ap.add_argument("--passes", type=int, default=3, help="query passes (median reported)")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument(
        "--profile-index",
        type=int,
        default=0,
        metavar="N",
        help="only profile one index run of N paragraphs",
    )
    ap.add_argument("--out", default=str(OUT / "scale.json"))
    ap.add_argument(
        "--index",
        type=Path,
        default=None,
        help="measure this existing index only (no build; size = its paragraphs)",
    )
    ap.add_argument(
        "--no-in-process", action="store_true", help="skip the in-process latency (HTTP only)"
    )
    ap.add_argument(
        "--workers",
        type=int,
        default=None,
        help="izde serve worker processes (default: izde serve's own default)",
    )
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.profile_index:
        print(profile_index(args.profile_index, args.seed))
        return 0
    out_path = Path(args.out)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.index is not None:
        from indexer.index.store import open_index

        handle = open_index(args.index)
        sizes = [handle.paragraphs]
        handle.close()
    for n in sizes:
        row = run_size(
            n,
            args.seed,
            args.rebuild,
            args.passes,
            not args.no_http,
            index=args.index,
            in_process=not args.no_in_process,
            workers=args.workers,
        )
        row["machine"] = machine()
        # Re-read just before writing: another size may be running in another process.
        data = json.loads(out_path.read_text()) if out_path.exists() else {}
        rows = {int(k): v for k, v in data.get("sizes", {}).items()}
        old = rows.get(n) or {}
        if "in_process" not in row and "in_process" in old:
            # Not measured this time: kept apart, as figures of an earlier run (and code).
            row["in_process_previous_run"] = old["in_process"]
        rows[n] = row
        data = {"bench": "scale", "sizes": {str(k): v for k, v in sorted(rows.items())}}
        big = rows.get(1_000_000)
        if big:
            data["bars"] = {
                "1M_built_in_one_run": big["build"].get("rc") == 0,
                "1M_peak_rss_lt_2GB": (big["build"].get("peak_rss_mb") or 1e9) < 2048,
                "1M_http_p95_lt_500ms": (big.get("http", {}).get("page", {}).get("p95_ms", 1e9))
                < 500,
            }
        tmp = out_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        os.replace(tmp, out_path)
        print(table(list(rows.values())), flush=True)
    print(f"written {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
