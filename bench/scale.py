"""How izde grows: index time, size, peak memory and query latency at 10K, 100K, 1M paragraphs.

For each size N:
- the seeded corpus `bench/out/corpus-N/` (`bench.corpus`, 20 paragraphs a record, streamed
  into files of 10,000 paragraphs) is made once; `--vocabulary realistic` (the default:
  KazNERD sentences with a Zipfian tail of inflected lexicon words, `bench.vocabulary`) or
  `--vocabulary real` (the sentences only, `corpus-N-real/`, index `index-N-real`);
- `izde index --rebuild` runs once as a child process: wall time, size of the live generation
  on disk, peak memory (psutil polling of the child and all its descendants, summed; and the
  largest single process from getrusage(RUSAGE_CHILDREN).ru_maxrss of a wrapper process);
- the benchmark queries (`bench.queries`) are run in-process through `indexer.search.engine.search`
  (p50/p95/p99, median of passes) and over HTTP against `izde serve` on 127.0.0.1 (one
  client), overall and per query class (frequent, rare, pairs, triples, phrases, questions);
- the index's distinct terms (its `text` field's term dictionary, as `izde stats` counts).

An index is reused (`bench/out/index-N` + `index-N.build.json`) while the indexing code
(indexer/**/*.py outside search/eval, bench/corpus.py, bench/vocabulary.py) is unchanged;
`--rebuild` forces a new run.

    python -m bench.scale                       # 10K, 100K, 1M (the 1M run takes long)
    python -m bench.scale --sizes 10000         # what `bench.run_all` calls scale-small
    python -m bench.scale --sizes 10000 --vocabulary real   # the old corpus, for comparison
    python -m bench.scale --profile-index 100000  # cProfile of one index run, top functions
    python -m bench.scale --index bench/out/index-1000000 --no-in-process
                                                # only measure an existing index over HTTP
                                                # (never builds; its size from the index)

Bars (realistic 1M row): the index builds in one run with peak memory < 2 GB; HTTP page
p95 <= 200 ms and p99 <= 500 ms (issue 13; and the older p95 < 500 ms).
Results: `bench/out/scale.json` (merged with earlier sizes and corpora, so they can run
separately).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import vocabulary as vocabulary_mod
from bench.corpus import VOCABULARIES, iter_records, write_jsonl
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


# Parts of indexer/ that only read an index (rooms, or modules of the top level): a change
# there does not call for a new benchmark index.
_QUERY_SIDE_ROOMS = ("search", "eval")
_QUERY_SIDE_FILES = ("cli.py", "config.py")
# What makes the corpus: a change here means new paragraphs, so a new corpus and index.
CORPUS_CODE = ("corpus.py", "vocabulary.py")
PER_DOC = 20  # paragraphs per JSONL record (document) in the benchmark corpora
VOCABULARY = "realistic"  # the default corpus of the scale bench (bench.corpus.VOCABULARIES)


def _hash_files(files: list[Path]) -> str:
    h = hashlib.sha256()
    for p in files:
        if p.is_file():
            h.update(str(p.relative_to(REPO)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def corpus_fingerprint() -> str:
    """Hash of the corpus generator (bench/corpus.py, bench/vocabulary.py)."""
    return _hash_files([REPO / "bench" / name for name in CORPUS_CODE])


def code_fingerprint() -> str:
    """Hash of everything that changes what an index run produces: indexer/ outside its
    query-side rooms, its data files, and the corpus generator."""
    root = REPO / "indexer"
    files = [
        p
        for p in sorted(root.rglob("*"))
        if p.suffix in (".py", ".txt", ".tsv")
        and p.relative_to(root).parts[0] not in _QUERY_SIDE_ROOMS
        and str(p.relative_to(root)) not in _QUERY_SIDE_FILES
    ]
    files += [REPO / "bench" / name for name in CORPUS_CODE]
    return _hash_files(files)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def live_generation(index_dir: Path) -> Path:
    """The folder CURRENT names (the store's layout); the index folder itself otherwise."""
    current = Path(index_dir) / "CURRENT"
    if current.is_file():
        return Path(index_dir) / current.read_text().strip()
    return Path(index_dir)


def _tag(n: int, seed: int, vocabulary: str = VOCABULARY) -> str:
    """`1000000`, `1000000-s3`, `1000000-real`: the realistic corpus has the plain name."""
    tag = f"{n}" if seed == 0 else f"{n}-s{seed}"
    return tag if vocabulary == "realistic" else f"{tag}-{vocabulary}"


SHARD_PARAGRAPHS = 10_000  # paragraphs per corpus file


def make_corpus(
    n: int, seed: int = 0, per_doc: int = PER_DOC, vocabulary: str = VOCABULARY
) -> Path:
    """bench/out/corpus-N/: N paragraphs of `bench.corpus` (records of `per_doc`
    paragraphs) streamed into files of 10,000 paragraphs (`part-0000.jsonl`, ...).

    Split because a folder of files is what izde indexes in practice, because the store
    reads one file whole before indexing it, and because files over IZDE_MAX_FILE_MB (50 MB)
    are skipped: one 1M-paragraph file would be 460 MB. Made again when the generator's
    code changed (its fingerprint is kept in `corpus-N.complete`)."""
    tag = _tag(n, seed, vocabulary)
    folder = OUT / f"corpus-{tag}"
    done = OUT / f"corpus-{tag}.complete"
    stamp = f"{n} paragraphs, seed {seed}, {per_doc} per record, {vocabulary} vocabulary, "
    stamp += f"generator {corpus_fingerprint()}"
    if done.exists() and done.read_text().startswith(stamp):
        return folder
    done.unlink(missing_ok=True)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    per_file = max(1, SHARD_PARAGRAPHS // per_doc)
    records = iter_records(n, seed, per_doc=per_doc, vocabulary=vocabulary)
    part = 0
    t0 = time.perf_counter()
    while True:
        shard = list(itertools.islice(records, per_file))
        if not shard:
            break
        write_jsonl(shard, folder / f"part-{part:04d}.jsonl")
        part += 1
    done.write_text(f"{stamp}, {part} files\n")
    vocabulary_mod.vocabulary.cache_clear()  # ~150 MB this process no longer needs
    print(
        f"corpus {folder}: {part} files in {time.perf_counter() - t0:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    return folder


def measure_index_run(cmd: list[str], poll: float = 0.2, log: Path | None = None) -> dict:
    """Run an index command; wall time, peak RSS (tree sum and largest process), exit code."""
    import psutil

    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        rusage_path = fh.name
    with contextlib.ExitStack() as stack:
        logf = stack.enter_context(open(log, "wb")) if log else subprocess.DEVNULL
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


def ensure_index(
    n: int, seed: int = 0, rebuild: bool = False, vocabulary: str = VOCABULARY
) -> dict:
    """The seeded N-paragraph index of the `vocabulary` corpus, built (and measured) once
    per version of the code.

    Other benches call this too, possibly at the same time: a lock file per index makes a
    second caller wait for the first one's build and then reuse it.
    """
    import fcntl

    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / f"index-{_tag(n, seed, vocabulary)}.build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _ensure_index_locked(n, seed, rebuild, vocabulary)


def _ensure_index_locked(n: int, seed: int, rebuild: bool, vocabulary: str) -> dict:
    corpus = make_corpus(n, seed, vocabulary=vocabulary)
    tag = _tag(n, seed, vocabulary)
    index_dir = OUT / f"index-{tag}"
    stamp = OUT / f"index-{tag}.build.json"
    fp = code_fingerprint()
    if not rebuild and stamp.exists() and (index_dir / "CURRENT").exists():
        info = json.loads(stamp.read_text())
        if (
            info.get("code") == fp
            and info.get("rc") == 0
            and info.get("corpus") == str(corpus)
            and info.get("per_doc") == PER_DOC
            and info.get("vocabulary") == vocabulary
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
    info = measure_index_run(cmd, log=OUT / f"index-{tag}.log")
    info.update(
        {
            "paragraphs": n,
            "seed": seed,
            "vocabulary": vocabulary,
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
            info["distinct_terms"] = info["stats"]["distinct_terms"]
        except Exception as exc:  # noqa: BLE001 - informational
            info["stats_error"] = repr(exc)
    stamp.write_text(json.dumps(info, ensure_ascii=False, indent=2, default=str))
    info["reused"] = False
    return info


# Query classes of the report, from the kinds of `bench.queries`.
CLASSES = {
    "common": "frequent",
    "rare": "rare",
    "two": "pairs",
    "three": "triples",
    "phrase": "phrases",
    "kazqad": "questions",
}


def by_class(samples: list[tuple[str, float]]) -> dict:
    """p50/p95/p99 per query class, over every pass's latencies (a class has 40-230
    queries: pooled passes give its p99 more than a handful of samples)."""
    pooled: dict[str, list[float]] = {}
    for kind, secs in samples:
        pooled.setdefault(CLASSES.get(kind, kind), []).append(secs)
    order = list(CLASSES.values())
    return {
        c: percentiles(pooled[c])
        for c in sorted(pooled, key=lambda c: order.index(c) if c in order else len(order))
    }


def in_process_latency(
    index_dir: Path, queries: list[str], passes: int = 3, kinds: list[str] | None = None
) -> dict:
    """search() called directly; percentiles per pass, the median pass reported, and per
    query class over all passes (`by_class`)."""
    from indexer.index.store import open_index
    from indexer.search.engine import search

    handle = open_index(index_dir)
    for q in queries[:30]:  # warm-up: open readers, fill caches
        search(handle, q, limit=10)
    per_pass = []
    errors = 0
    samples: list[tuple[str, float]] = []
    for _ in range(passes):
        lat = []
        for i, q in enumerate(queries):
            t0 = time.perf_counter()
            try:
                search(handle, q, limit=10)
            except Exception:  # noqa: BLE001 - counted, not fatal to the bench
                errors += 1
                continue
            secs = time.perf_counter() - t0
            lat.append(secs)
            samples.append((kinds[i] if kinds else "all", secs))
        per_pass.append(percentiles(lat))
    handle.close()
    out = _median_pass(per_pass)
    out["errors"] = errors
    if kinds:
        out["by_class"] = by_class(samples)
    return out


def http_latency(
    index_dir: Path,
    queries: list[str],
    passes: int = 2,
    workers: int | None = None,
    kinds: list[str] | None = None,
) -> dict:
    """One client, keep-alive, `/api/search` then the `/search` page, against izde serve;
    each overall (median pass) and per query class (all passes)."""
    out: dict = {}
    with Server(
        index_dir, threads=8, log_path=OUT / "scale-serve.log", workers=workers, startup_timeout=600
    ) as server:
        client = Client(server.host, server.port)
        for q in queries[:30]:
            client.get(search_path(q, True))
        for api in (True, False):
            per_pass, errors = [], 0
            samples: list[tuple[str, float]] = []
            for _ in range(passes):
                lat = []
                for i, q in enumerate(queries):
                    status, _, secs = client.get(search_path(q, api))
                    if status == 200:
                        lat.append(secs)
                        samples.append((kinds[i] if kinds else "all", secs))
                    else:
                        errors += 1
                per_pass.append(percentiles(lat))
            res = _median_pass(per_pass)
            res["errors"] = errors
            if kinds:
                res["by_class"] = by_class(samples)
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


def profile_index(n: int, seed: int = 0, top: int = 30, vocabulary: str = VOCABULARY) -> str:
    """cProfile of one `izde index --rebuild` of N paragraphs; the top functions as text.

    One writer process (IZDE_INDEX_PROCS=1): with Whoosh's two-process writer the indexing
    happens in children that cProfile does not see."""
    corpus = make_corpus(n, seed, vocabulary=vocabulary)
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
    vocabulary: str = VOCABULARY,
) -> dict:
    from bench.queries import benchmark_queries

    if index is not None:
        # An existing index, measured as it is (never built here); its build figures are
        # those recorded next to it when bench.scale built it, if any.
        stamp = index.parent / f"{index.name}.build.json"
        build: dict = json.loads(stamp.read_text()) if stamp.exists() else {"rc": 0}
        build.update(
            {
                "reused": True,
                "index": str(index),
                "note": "measured with --index: not rebuilt by this run",
            }
        )
        vocabulary = build.get("vocabulary", f"unknown ({index.name})")
    else:
        build = ensure_index(n, seed=seed, rebuild=rebuild, vocabulary=vocabulary)
    row: dict = {"paragraphs": n, "vocabulary": vocabulary, "build": build}
    if build.get("rc") != 0:
        return row
    row["distinct_terms"] = index_distinct_terms(build)
    bq = benchmark_queries(seed)
    queries, kinds = [d["q"] for d in bq], [d["kind"] for d in bq]
    if in_process:
        row["in_process"] = in_process_latency(
            Path(build["index"]), queries, passes=passes, kinds=kinds
        )
    if http:
        row["http"] = http_latency(
            Path(build["index"]), queries, passes=max(1, passes - 1), workers=workers, kinds=kinds
        )
        row["http"]["server_workers"] = workers
    return row


def index_distinct_terms(build: dict) -> int | None:
    """The distinct terms of the index's `text` field: from its build figures, else read
    from its term dictionary (`index_stats`)."""
    known = build.get("distinct_terms") or build.get("stats", {}).get("distinct_terms")
    if known:
        return int(known)
    from indexer.index.store import index_stats

    try:
        return int(index_stats(Path(build["index"]))["distinct_terms"])
    except Exception:  # noqa: BLE001 - informational: the latency figures still stand
        return None


def _key(row: dict) -> str:
    """scale.json's key of a row: `1000000` for the realistic corpus, `1000000-real` etc."""
    vocab = row.get("vocabulary", VOCABULARY)
    return str(row["paragraphs"]) + ("" if vocab == "realistic" else f"-{vocab}")


def _p(d: dict) -> str:
    return f"{d.get('p50_ms')} / {d.get('p95_ms')} / {d.get('p99_ms')}"


def table(rows: list[dict]) -> str:
    """One line per size and corpus, then per query class: p50 / p95 / p99 in ms."""
    head = (
        "| paragraphs | corpus | distinct terms | index s | size MB | peak RSS MB "
        "| in-proc p50/p95/p99 ms | HTTP api p50/p95/p99 ms | HTTP page p50/p95/p99 ms "
        "| server PSS MB |"
    )
    lines = [head, "|" + "---|" * 10]
    ordered = sorted(rows, key=lambda r: (r["paragraphs"], str(r.get("vocabulary"))))
    for r in ordered:
        b = r["build"]
        ip, h = r.get("in_process", {}), r.get("http", {})
        dt = r.get("distinct_terms")
        lines.append(
            f"| {r['paragraphs']:,} | {r.get('vocabulary', '?')} "
            f"| {f'{dt:,}' if isinstance(dt, int) else dt} | {b.get('seconds')} "
            f"| {b.get('size_mb')} | {b.get('peak_rss_mb')} "
            f"| {_p(ip)} | {_p(h.get('api', {}))} | {_p(h.get('page', {}))} "
            f"| {h.get('server_memory', {}).get('pss_sum_mb')} |"
        )
    lines += ["", "Per query class, p50 / p95 / p99 ms (in-process; HTTP /search page):", ""]
    classes = list(CLASSES.values())
    lines.append("| paragraphs | corpus | " + " | ".join(classes) + " |")
    lines.append("|" + "---|" * (len(classes) + 2))
    for r in ordered:
        for label, src in (
            ("in-proc", r.get("in_process", {})),
            ("page", r.get("http", {}).get("page", {})),
        ):
            per = src.get("by_class")
            if per:
                cells = " | ".join(_p(per.get(c, {})) for c in classes)
                lines.append(
                    f"| {r['paragraphs']:,} | {r.get('vocabulary', '?')} {label} | {cells} |"
                )
    return "\n".join(lines)


def bars(rows: dict[str, dict]) -> dict | None:
    """The 1M bars, on the realistic corpus (issue 13): built in one run under 2 GB; HTTP
    page p95 <= 200 ms and p99 <= 500 ms (and the older p95 < 500 ms)."""
    big = rows.get("1000000")
    if not big:
        return None
    page = big.get("http", {}).get("page", {})
    return {
        "corpus": big.get("vocabulary"),
        "distinct_terms": big.get("distinct_terms"),
        "1M_built_in_one_run": big["build"].get("rc") == 0,
        "1M_peak_rss_lt_2GB": (big["build"].get("peak_rss_mb") or 1e9) < 2048,
        "1M_http_p95_lt_500ms": page.get("p95_ms", 1e9) < 500,
        "1M_http_p95_le_200ms": page.get("p95_ms", 1e9) <= 200,
        "1M_http_p99_le_500ms": page.get("p99_ms", 1e9) <= 500,
    }


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
    ap.add_argument(
        "--vocabulary",
        choices=VOCABULARIES,
        default=VOCABULARY,
        help="corpus: realistic (Zipfian lexicon tail, default) or real (the sentences only)",
    )
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.profile_index:
        print(profile_index(args.profile_index, args.seed, vocabulary=args.vocabulary))
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
            vocabulary=args.vocabulary,
        )
        row["machine"] = machine()
        write_row(out_path, row)
    print(f"written {out_path}")
    return 0


def write_row(out_path: Path, row: dict) -> None:
    """Merge one row into scale.json (re-read just before writing: another size may be
    running in another process) and print the table of all rows."""
    data = json.loads(out_path.read_text()) if out_path.exists() else {}
    rows: dict[str, dict] = {}
    for old_row in data.get("sizes", {}).values():
        # Rows of runs before the realistic corpus existed were of the real one.
        old_row.setdefault("vocabulary", "real")
        rows[_key(old_row)] = old_row
    old = rows.get(_key(row)) or {}
    if "in_process" not in row and "in_process" in old:
        # Not measured this time: kept apart, as figures of an earlier run (and code).
        row["in_process_previous_run"] = old["in_process"]
    rows[_key(row)] = row
    ordered = sorted(rows.items(), key=lambda kv: (kv[1]["paragraphs"], kv[0]))
    data = {"bench": "scale", "sizes": dict(ordered)}
    big = bars(rows)
    if big:
        data["bars"] = big
    tmp = out_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    os.replace(tmp, out_path)
    print(table(list(rows.values())), flush=True)


if __name__ == "__main__":
    sys.exit(main())
