"""Indexing speed, size and peak memory: izde's full indexing against plain Whoosh.

For each size N (default 10K and 100K paragraphs) the seeded corpus of `bench.corpus` is
written as JSON Lines documents of 100 paragraphs each (`--per-doc`). Each run is a separate
child process, so peak memory figures never mix:

- `baseline`: plain Whoosh 2.7.4, `StandardAnalyzer`, one writer, one Whoosh document per
  paragraph (id + stored text), the same JSONL read and split into paragraphs the same way;
- `izde`: `indexer.store.update_index([corpus], tmp, rebuild=True)` as `izde index` runs it —
  reading, encoding detection, paragraph numbering, fingerprints, the full schema (text/exact/
  fold/title/section analysed with the Kazakh analyzers), generation, fsync, manifest,
  docs.json; its default writer choice (two processes for more than 4 MB of input);
- `izde-procs1`: the same forced to one Whoosh writer (`procs=1`).

Figures: wall seconds, paragraphs/s, CPU seconds of all the run's processes (comparable on a
busy machine), size of the index on disk, peak memory (the sum of the
resident sets of the child and all its descendants, polled with psutil every 50 ms — RSS, and
PSS which counts pages shared by forked helpers once — and the largest single process's
ru_maxrss). The memory bar is judged on the RSS sum, the stricter figure. Bar: izde ≥ half the baseline's paragraphs/s and peak
memory < 1 GB. `--profile N` prints a cProfile summary of one izde run instead.

    .venv/bin/python -m bench.bench_index                 # 10K and 100K, writes bench/out/index.json
    .venv/bin/python -m bench.bench_index --sizes 10000
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
    """As indexer.documents.read_jsonl splits a record's text."""
    if re.search(r"\n\s*\n", text):
        return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return [p.strip() for p in text.split("\n") if p.strip()]


def child_baseline(corpus: Path, out: Path) -> dict:
    from whoosh import index as windex
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    t0 = time.perf_counter()
    schema = Schema(id=ID(stored=True, unique=True),
                    text=TEXT(analyzer=StandardAnalyzer(), stored=True))
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
    from indexer.store import update_index

    t0 = time.perf_counter()
    s = update_index([corpus], out, rebuild=True, procs=procs)
    seconds = time.perf_counter() - t0
    live = out / (out / "CURRENT").read_text().strip()
    from whoosh import index as windex
    segments = len(windex.open_dir(str(live))._segments())
    return {"seconds": seconds, "paragraphs": s.total_paragraphs, "size_bytes": dir_size(live),
            "documents": s.documents, "segments": segments}


def run_child(kind: str, corpus: Path) -> dict:
    """Run one measurement in a fresh process; poll its tree's memory."""
    import psutil

    load_before = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix=f"izde-bench-{kind}-") as tmp:
        result_file = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "bench.bench_index", "--child", kind, str(corpus),
               str(Path(tmp) / "index"), str(result_file)]
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
    else:
        raise SystemExit(f"unknown kind {kind}")
    self_ru = resource.getrusage(resource.RUSAGE_SELF)
    kids_ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    data["maxrss_mb"] = round(max(self_ru.ru_maxrss, kids_ru.ru_maxrss) / 1024, 1)
    # CPU seconds of the whole run (helpers included): comparable even on a busy machine.
    data["cpu_seconds"] = round(self_ru.ru_utime + self_ru.ru_stime
                                + kids_ru.ru_utime + kids_ru.ru_stime, 2)
    result.write_text(json.dumps(data))


# -- profile -----------------------------------------------------------------------------

def profile(n: int, per_doc: int, top: int = 25) -> str:
    import cProfile
    import io
    import pstats

    from indexer.store import update_index

    corpus = corpus_file(n, per_doc)
    with tempfile.TemporaryDirectory(prefix="izde-profile-") as tmp:
        prof = cProfile.Profile()
        prof.enable()
        update_index([corpus], Path(tmp) / "index", rebuild=True)
        prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).sort_stats("cumulative")
    stats.print_stats(top)
    buf.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return buf.getvalue()


# -- main --------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--per-doc", type=int, default=100)
    ap.add_argument("--kinds", nargs="+", default=["baseline", "izde", "izde-procs1"])
    ap.add_argument("--profile", type=int, default=None, metavar="N")
    ap.add_argument("--child", nargs=4, metavar=("KIND", "CORPUS", "OUT", "RESULT"),
                    help=argparse.SUPPRESS)
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
        for kind in args.kinds:
            r = run_child(kind, corpus)
            r["size"] = n
            runs.append(r)
            print(f"{n:>7} {kind:<12} {r['seconds']:>8.2f} s {r['para_per_s']:>8.1f} para/s "
                  f"cpu {r['cpu_seconds']:>7.1f} s {r['size_mb']:>6.1f} MB  peak "
                  f"{r['peak_tree_mb']:>6.1f} MB (tree RSS) {r['peak_tree_pss_mb']:>6.1f} MB (tree PSS) "
                  f"{r['maxrss_mb']:>6.1f} MB (largest) "
                  f"load {r['load_before']}", flush=True)
    # Merge with earlier runs of other sizes/kinds (sizes can run separately).
    out = OUT / "index.json"
    if out.exists():
        try:
            earlier = json.loads(out.read_text()).get("runs", [])
        except ValueError:
            earlier = []
        fresh = {(r["size"], r["kind"]) for r in runs}
        runs = [r for r in earlier if (r.get("size"), r.get("kind")) not in fresh] + runs
        runs.sort(key=lambda r: (r["size"], r["kind"]))
    summary = {}
    for n in sorted({r["size"] for r in runs}):
        by = {r["kind"]: r for r in runs if r["size"] == n}
        base = by.get("baseline")
        for kind in ("izde", "izde-procs1"):
            if base and kind in by:
                ratio = by[kind]["para_per_s"] / base["para_per_s"]
                summary[f"{n}:{kind}"] = {
                    "para_per_s": by[kind]["para_per_s"],
                    "baseline_para_per_s": base["para_per_s"],
                    "ratio_to_baseline": round(ratio, 3),
                    "cpu_ratio_to_baseline": round(by[kind]["para_per_cpu_s"]
                                                   / base["para_per_cpu_s"], 3),
                    "speed_bar_met": ratio >= 0.5,
                    "memory_bar_met": by[kind]["peak_tree_mb"] < 1024,
                }
    data = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "per_doc": args.per_doc,
        "bar": "izde para/s >= 0.5 x baseline, peak memory < 1 GB",
        "runs": runs,
        "summary": summary,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    for key, v in summary.items():
        print(f"{key}: {v['ratio_to_baseline']:.2f} x baseline "
              f"(speed bar {'met' if v['speed_bar_met'] else 'NOT met'}, "
              f"memory bar {'met' if v['memory_bar_met'] else 'NOT met'})")
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
