"""Analyzer throughput: the whole Kazakh analysis (normalise, tokenise, stem) against
Whoosh's StandardAnalyzer on the same seeded corpus, in the same process.

    python -m bench.bench_analyzer                       # 100,000 paragraphs, 3 repeats
    python -m bench.bench_analyzer --paragraphs 20000 --repeats 5 --no-extra

Runs alternate (baseline, ours, baseline, ours, ...) so both see the same machine state;
each run analyses every paragraph as Whoosh does when indexing a phrase field
(`positions=True, mode="index"`) and consumes every token. Times are CPU seconds of this
process (`time.process_time`, one core) — wall time is recorded too. Our caches (per-word
normalisation and stems, the stemmer's own lru_cache) are emptied before every run, so each
run is what a fresh `izde index` process pays. The ratio is baseline time / our time, i.e. our
speed as a fraction of the baseline's; the bar is >= 0.5.

The extra rows are the other fields' analyzers and `KeysAnalyzer` (every key of every field
from one tokenisation, what indexing pays per paragraph).

Writes bench/out/analyzer.json and prints a table.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from pathlib import Path

from whoosh.analysis import StandardAnalyzer

from bench.corpus import make_paragraphs, sentences_path
from indexer import analysis
from indexer.analysis import chain, filters
from indexer.text import stemmer as kk_stemmer
from indexer.text import translit

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
BAR = 0.5


def clear_caches() -> None:
    """Empty every cache the analysis keeps, so a run starts cold."""
    chain.clear_plans()
    for fn in (
        filters.stem_token,
        filters.root_token,
        filters.fold_token,
        kk_stemmer.stem,
        kk_stemmer.stem_folded,
        kk_stemmer.root,
        translit.latin_to_cyrillic,
    ):
        fn.cache_clear()


def run_once(ana, paragraphs: list[str], cold: bool) -> dict:
    if cold:
        clear_caches()
    gc.collect()
    n = 0
    c0, w0 = time.process_time(), time.perf_counter()
    for p in paragraphs:
        for _ in ana(p, positions=True, mode="index"):
            n += 1
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    return {"tokens": n, "cpu_s": cpu, "wall_s": wall}


def summarise(runs: list[dict], paragraphs: int) -> dict:
    cpu = statistics.median(r["cpu_s"] for r in runs)
    wall = statistics.median(r["wall_s"] for r in runs)
    tokens = runs[0]["tokens"]
    return {
        "tokens": tokens,
        "cpu_s_median": round(cpu, 3),
        "wall_s_median": round(wall, 3),
        "tokens_per_s": round(tokens / cpu),
        "paragraphs_per_s": round(paragraphs / cpu),
        "runs": [
            {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()} for r in runs
        ],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paragraphs", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--warm",
        action="store_true",
        help="keep caches between runs (default: every run starts cold)",
    )
    ap.add_argument(
        "--no-extra", action="store_true", help="skip the ExactAnalyzer / FoldAnalyzer rows"
    )
    ap.add_argument("--out", type=Path, default=OUT / "analyzer.json")
    args = ap.parse_args(argv)

    paragraphs = make_paragraphs(args.paragraphs, seed=args.seed)
    baseline = StandardAnalyzer()
    ours = {"KazakhAnalyzer": analysis.KazakhAnalyzer()}
    if not args.no_extra:
        ours["ExactAnalyzer"] = analysis.ExactAnalyzer()
        ours["FoldAnalyzer"] = analysis.FoldAnalyzer()
        ours["RootAnalyzer"] = analysis.RootAnalyzer()
        ours["KeysAnalyzer"] = analysis.KeysAnalyzer()
    cold = not args.warm

    # One short warm-up of everything (imports, regex compilation, first allocations).
    for ana in (baseline, *ours.values()):
        run_once(ana, paragraphs[:2000], cold=False)

    runs: dict[str, list[dict]] = {"StandardAnalyzer": [], **{k: [] for k in ours}}
    for rep in range(args.repeats):
        for name, ana in [("StandardAnalyzer", baseline), *ours.items()]:
            r = run_once(ana, paragraphs, cold=cold and name != "StandardAnalyzer")
            runs[name].append(r)
            print(
                f"  repeat {rep + 1}/{args.repeats} {name:<17} {r['tokens']:>9,} tokens "
                f"{r['cpu_s']:7.2f} s cpu {r['tokens'] / r['cpu_s']:>10,.0f} tok/s",
                file=sys.stderr,
                flush=True,
            )

    n = len(paragraphs)
    result = {
        "bench": "analyzer",
        "paragraphs": n,
        "seed": args.seed,
        "sentences": str(sentences_path()),
        "repeats": args.repeats,
        "cold_caches": cold,
        "call": "analyzer(paragraph, positions=True, mode='index'), every token consumed",
        "clock": "time.process_time (CPU seconds of one process, one core)",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "results": {name: summarise(r, n) for name, r in runs.items()},
    }
    base = result["results"]["StandardAnalyzer"]["cpu_s_median"]
    for name in ours:
        res = result["results"][name]
        res["speed_vs_baseline"] = round(base / res["cpu_s_median"], 3)
    ratio = result["results"]["KazakhAnalyzer"]["speed_vs_baseline"]
    result["bar"] = {
        "KazakhAnalyzer speed / StandardAnalyzer speed": ratio,
        "min": BAR,
        "verdict": "PASS" if ratio >= BAR else "FAIL",
    }

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    print(
        f"\nAnalyzer throughput, {n:,} paragraphs (seed {args.seed}), median of "
        f"{args.repeats} alternating runs, CPU time, {'cold' if cold else 'warm'} caches"
    )
    print(
        f"{'analyzer':<18} {'tokens':>10} {'cpu s':>8} {'tokens/s':>11} {'para/s':>8} "
        f"{'vs base':>8}"
    )
    for name, res in result["results"].items():
        vs = res.get("speed_vs_baseline", 1.0)
        print(
            f"{name:<18} {res['tokens']:>10,} {res['cpu_s_median']:>8.2f} "
            f"{res['tokens_per_s']:>11,} {res['paragraphs_per_s']:>8,} {vs:>8.2f}"
        )
    print(
        f"bar: KazakhAnalyzer >= {BAR:.0%} of StandardAnalyzer's speed: "
        f"{ratio:.2f} -> {result['bar']['verdict']}  (written to {args.out})"
    )
    return 0 if ratio >= BAR else 1


if __name__ == "__main__":
    sys.exit(main())
