"""Indexing speed, size and peak memory: izde's full indexing against plain Whoosh.

For each size N (default 10K and 100K paragraphs) the seeded corpus of `bench.corpus` is
written as JSON Lines documents of 100 paragraphs each (`--per-doc`). Each run is a separate
child process, so peak memory figures never mix; the kinds run interleaved, `--repeats`
times (default 3), and the median of each figure is reported:

- `baseline`: plain Whoosh 2.7.4, `StandardAnalyzer`, one writer (`ix.writer()`), one Whoosh
  document per paragraph (id + stored text), the same JSONL read and split into paragraphs
  the same way;
- `izde`: `indexer.index.store.update_index([corpus], tmp, rebuild=True)`, exactly what
  `izde index --rebuild` runs — reading, encoding detection, paragraph numbering,
  fingerprints, the full schema (text/exact/fold/title/section analysed by the Kazakh
  analyzers), izde's writer (`indexer.index.writer`), generation, fsync, manifest, docs.json —
  with its default choice of writer processes (one below 8 MB of input, else two; the
  `procs` column says which);
- `izde-procs1`, `izde-procs2`: the same, forced to one / two writer processes.

Figures: wall seconds and paragraphs/s (timed inside the child from the start of reading
to the end of the commit, the same span for every kind), CPU seconds of the whole child
process and its helpers (user + system, imports included) and paragraphs per CPU-second
(the fair figure on a busy machine, and the one that shows what two processes cost), size
of the index on disk, peak memory (the sum of the resident sets of the child and all its
descendants, polled with psutil every 50 ms — RSS, and PSS which counts pages shared by
forked helpers once — and the largest single process's ru_maxrss).

Bar: izde's paragraphs/s ≥ half the baseline's, judged on the default `izde` kind with
both ratios — wall-clock and per CPU-second — required to reach 0.5; peak memory < 1 GB
judged on the RSS sum (the stricter figure). The summary also gives how each kind scales
from the smallest to the largest size. `--profile N` prints a cProfile summary of one
one-process izde run instead.

    .venv/bin/python -m bench.bench_index                 # 10K and 100K, writes bench/out/index.json
    .venv/bin/python -m bench.bench_index --sizes 10000 --repeats 1
    .venv/bin/python -m bench.bench_index --profile 10000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
MB = 1024 * 1024


def corpus_file(n: int, per_doc: int, seed: int = 0) -> Path:
    from bench.corpus import make_records, write_jsonl

    path = OUT / f"corpus-{n}-per{per_doc}.jsonl"
    if not path.exists() or path.stat().st_size == 0:
        tmp = path.with_suffix(".tmp")
        write_jsonl(make_records(n, seed, per_doc=per_doc), tmp)
        os.replace(tmp, path)
    return path


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


# -- children ----------------------------------------------------------------------------


def split_paragraphs(text: str) -> list[str]:
    """As indexer.ingest.jsonl splits a record's text (paragraphs over 20,000 characters aside)."""
    if re.search(r"\n\s*\n", text):
        return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return [p.strip() for p in text.split("\n") if p.strip()]


def child_baseline(corpus: Path, out: Path) -> dict:
    from whoosh import index as windex
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    t0 = time.perf_counter()
    schema = Schema(
        id=ID(stored=True, unique=True), text=TEXT(analyzer=StandardAnalyzer(), stored=True)
    )
    out.mkdir(parents=True, exist_ok=True)
    ix = windex.create_in(str(out), schema)
    w = ix.writer()
    count = 0
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            for n, para in enumerate(split_paragraphs(rec["text"]), 1):
                w.add_document(id=f"{rec['id']}#p{n}", text=para)
                count += 1
    w.commit()
    return {"seconds": time.perf_counter() - t0, "paragraphs": count, "size_bytes": dir_size(out)}


def child_izde(corpus: Path, out: Path, procs: int | None) -> dict:
    from indexer.index.store import update_index

    t0 = time.perf_counter()
    s = update_index([corpus], out, rebuild=True, procs=procs)
    seconds = time.perf_counter() - t0
    live = out / (out / "CURRENT").read_text().strip()
    from whoosh import index as windex

    segments = len(windex.open_dir(str(live))._segments())
    return {
        "seconds": seconds,
        "paragraphs": s.total_paragraphs,
        "size_bytes": dir_size(live),
        "documents": s.documents,
        "segments": segments,
        "procs": s.procs,
    }


def run_child(kind: str, corpus: Path) -> dict:
    """Run one measurement in a fresh process; poll its tree's memory."""
    import psutil

    load_before = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix=f"izde-bench-{kind}-") as tmp:
        result_file = Path(tmp) / "result.json"
        cmd = [
            sys.executable,
            "-m",
            "bench.bench_index",
            "--child",
            kind,
            str(corpus),
            str(Path(tmp) / "index"),
            str(result_file),
        ]
        proc = subprocess.Popen(cmd, cwd=REPO)
        ps = psutil.Process(proc.pid)
        peak_tree = 0
        peak_pss = 0
        while proc.poll() is None:
            try:
                procs = [ps] + ps.children(recursive=True)
                total = 0
                pss = 0
                for p in procs:
                    try:
                        info = p.memory_full_info()
                        total += info.rss
                        pss += getattr(info, "pss", info.rss)
                    except psutil.Error:
                        pass
                peak_tree = max(peak_tree, total)
                peak_pss = max(peak_pss, pss)
            except psutil.Error:
                pass
            time.sleep(0.05)
        if proc.returncode != 0:
            raise SystemExit(f"{kind} run failed with status {proc.returncode}")
        data = json.loads(result_file.read_text())
    data["peak_tree_mb"] = round(peak_tree / MB, 1)
    # Forked helpers share pages with their parent: RSS counts them twice, PSS once.
    data["peak_tree_pss_mb"] = round(peak_pss / MB, 1)
    data["kind"] = kind
    data["para_per_s"] = round(data["paragraphs"] / data["seconds"], 1)
    data["size_mb"] = round(data["size_bytes"] / MB, 1)
    data["seconds"] = round(data["seconds"], 2)
    data["para_per_cpu_s"] = round(data["paragraphs"] / max(data["cpu_seconds"], 1e-9), 1)
    data["load_before"] = load_before
    return data


def child_main(kind: str, corpus: Path, out: Path, result: Path) -> None:
    if kind == "baseline":
        data = child_baseline(corpus, out)
    elif kind == "izde":
        data = child_izde(corpus, out, procs=None)
    elif kind == "izde-procs1":
        data = child_izde(corpus, out, procs=1)
    elif kind == "izde-procs2":
        data = child_izde(corpus, out, procs=2)
    else:
        raise SystemExit(f"unknown kind {kind}")
    self_ru = resource.getrusage(resource.RUSAGE_SELF)
    kids_ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    data["maxrss_mb"] = round(max(self_ru.ru_maxrss, kids_ru.ru_maxrss) / 1024, 1)
    # CPU seconds of the whole run (helpers included): comparable even on a busy machine.
    data["cpu_seconds"] = round(
        self_ru.ru_utime + self_ru.ru_stime + kids_ru.ru_utime + kids_ru.ru_stime, 2
    )
    result.write_text(json.dumps(data))


# -- profile -----------------------------------------------------------------------------


def profile(n: int, per_doc: int, top: int = 25) -> str:
    import cProfile
    import io
    import pstats

    from indexer.index.store import update_index

    corpus = corpus_file(n, per_doc)
    with tempfile.TemporaryDirectory(prefix="izde-profile-") as tmp:
        prof = cProfile.Profile()
        prof.enable()
        update_index([corpus], Path(tmp) / "index", rebuild=True, procs=1)
        prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).sort_stats("cumulative")
    stats.print_stats(top)
    buf.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return buf.getvalue()


# -- main --------------------------------------------------------------------------------

KINDS = ["baseline", "izde", "izde-procs1", "izde-procs2"]
_MEDIAN_KEYS = (
    "seconds",
    "cpu_seconds",
    "para_per_s",
    "para_per_cpu_s",
    "size_mb",
    "peak_tree_mb",
    "peak_tree_pss_mb",
    "maxrss_mb",
    "load_before",
)


def median_run(reps: list[dict]) -> dict:
    """One record per (size, kind): the median of each figure over the repeats, the
    individual values kept under `repeats`."""
    import statistics

    out = dict(reps[0])
    for key in _MEDIAN_KEYS:
        if all(key in r for r in reps):
            out[key] = round(statistics.median(r[key] for r in reps), 2)
    out["n_repeats"] = len(reps)
    out["repeats"] = [{k: r.get(k) for k in _MEDIAN_KEYS + ("procs", "segments")} for r in reps]
    return out


def summarize(runs: list[dict]) -> tuple[dict, dict]:
    summary = {}
    for n in sorted({r["size"] for r in runs}):
        by = {r["kind"]: r for r in runs if r["size"] == n}
        base = by.get("baseline")
        for kind in KINDS[1:]:
            if base and kind in by:
                r = by[kind]
                ratio = r["para_per_s"] / base["para_per_s"]
                cpu_ratio = r["para_per_cpu_s"] / base["para_per_cpu_s"]
                summary[f"{n}:{kind}"] = {
                    "procs": r.get("procs"),
                    "para_per_s": r["para_per_s"],
                    "baseline_para_per_s": base["para_per_s"],
                    "ratio_to_baseline": round(ratio, 3),
                    "para_per_cpu_s": r["para_per_cpu_s"],
                    "baseline_para_per_cpu_s": base["para_per_cpu_s"],
                    "cpu_ratio_to_baseline": round(cpu_ratio, 3),
                    "speed_bar_met": ratio >= 0.5 and cpu_ratio >= 0.5,
                    "peak_tree_mb": r["peak_tree_mb"],
                    "memory_bar_met": r["peak_tree_mb"] < 1024,
                    "size_mb": r["size_mb"],
                    "baseline_size_mb": base["size_mb"],
                }
    scaling = {}
    sizes = sorted({r["size"] for r in runs})
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        for kind in KINDS:
            a = next((r for r in runs if r["size"] == lo and r["kind"] == kind), None)
            b = next((r for r in runs if r["size"] == hi and r["kind"] == kind), None)
            if a and b:
                scaling[kind] = {
                    "sizes": [lo, hi],
                    "para_per_s": [a["para_per_s"], b["para_per_s"]],
                    "para_per_cpu_s": [a["para_per_cpu_s"], b["para_per_cpu_s"]],
                    # > 1: paragraphs get cheaper as the corpus grows; 1: linear.
                    "cpu_throughput_change": round(b["para_per_cpu_s"] / a["para_per_cpu_s"], 2),
                    "peak_tree_mb": [a["peak_tree_mb"], b["peak_tree_mb"]],
                    "size_mb": [a["size_mb"], b["size_mb"]],
                }
    return summary, scaling


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--per-doc", type=int, default=100)
    ap.add_argument("--kinds", nargs="+", default=KINDS, choices=KINDS)
    ap.add_argument("--repeats", type=int, default=3, help="runs per kind; medians reported")
    ap.add_argument("--profile", type=int, default=None, metavar="N")
    ap.add_argument(
        "--child", nargs=4, metavar=("KIND", "CORPUS", "OUT", "RESULT"), help=argparse.SUPPRESS
    )
    args = ap.parse_args(argv)
    if args.child:
        kind, corpus, out, result = args.child
        child_main(kind, Path(corpus), Path(out), Path(result))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    if args.profile:
        print(profile(args.profile, args.per_doc))
        return 0
    runs = []
    for n in args.sizes:
        corpus = corpus_file(n, args.per_doc)
        reps: dict[str, list[dict]] = {k: [] for k in args.kinds}
        for rep in range(max(1, args.repeats)):
            for kind in args.kinds:  # interleaved: machine noise spreads evenly
                r = run_child(kind, corpus)
                r["size"] = n
                reps[kind].append(r)
                procs = f"procs {r['procs']}" if "procs" in r else "       "
                print(
                    f"{n:>7} {kind:<12} #{rep + 1} {r['seconds']:>7.2f} s "
                    f"{r['para_per_s']:>7.1f} para/s  cpu {r['cpu_seconds']:>6.1f} s "
                    f"{r['para_per_cpu_s']:>7.1f} para/cpu-s  {procs}  {r['size_mb']:>6.1f} MB  "
                    f"peak {r['peak_tree_mb']:>6.1f} MB RSS sum, {r['peak_tree_pss_mb']:>6.1f} "
                    f"MB PSS, {r['maxrss_mb']:>6.1f} MB largest  load {r['load_before']}",
                    flush=True,
                )
        for kind in args.kinds:
            m = median_run(reps[kind])
            m["corpus_mb"] = round(corpus.stat().st_size / MB, 1)
            runs.append(m)
    # Merge with earlier runs of other sizes/kinds (sizes can run separately).
    out = OUT / "index.json"
    if out.exists():
        try:
            earlier = json.loads(out.read_text()).get("runs", [])
        except ValueError:
            earlier = []
        fresh = {(r["size"], r["kind"]) for r in runs}
        runs = [r for r in earlier if (r.get("size"), r.get("kind")) not in fresh] + runs
        runs.sort(key=lambda r: (r["size"], KINDS.index(r["kind"]) if r["kind"] in KINDS else 9))
    summary, scaling = summarize(runs)
    data = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "per_doc": args.per_doc,
        "bar": "izde para/s >= 0.5 x baseline (default `izde` kind, wall-clock and per "
        "CPU-second both), peak memory (RSS sum of the process tree) < 1 GB",
        "compared": "para_per_s: paragraphs / wall seconds of reading+indexing+commit; "
        "para_per_cpu_s: paragraphs / CPU seconds of the whole process tree",
        "command": "python -m bench.bench_index "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "runs": runs,
        "summary": summary,
        "scaling": scaling,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    print(f"\nmedians of {max(1, args.repeats)} run(s):")
    for key, v in summary.items():
        print(
            f"{key:<20} procs {v['procs']}: {v['ratio_to_baseline']:.2f} x baseline para/s, "
            f"{v['cpu_ratio_to_baseline']:.2f} x per CPU-second; peak {v['peak_tree_mb']:.0f} MB "
            f"(speed bar {'met' if v['speed_bar_met'] else 'NOT met'}, "
            f"memory bar {'met' if v['memory_bar_met'] else 'NOT met'})"
        )
    for kind, v in scaling.items():
        print(
            f"scaling {kind:<12} {v['sizes'][0]:>7} -> {v['sizes'][1]:>7}: para/s "
            f"{v['para_per_s'][0]:.0f} -> {v['para_per_s'][1]:.0f}, para/cpu-s "
            f"{v['para_per_cpu_s'][0]:.0f} -> {v['para_per_cpu_s'][1]:.0f} "
            f"(x{v['cpu_throughput_change']}), peak {v['peak_tree_mb'][0]:.0f} -> "
            f"{v['peak_tree_mb'][1]:.0f} MB, size {v['size_mb'][0]} -> {v['size_mb'][1]} MB"
        )
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
