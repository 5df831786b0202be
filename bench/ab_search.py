"""Interleaved A/B of in-process search latency: this tree against an older izde tree.

    git archive COMMIT | tar -x -C /tmp/old          # the older code
    (cd /tmp/old && python -m indexer.cli index bench/out/corpus-100000 --index /tmp/old-idx)
    python -m bench.ab_search --old-tree /tmp/old --old-index /tmp/old-idx \\
        --new-index bench/out/index-100000 --rounds 3

Each round runs one pass of the same seeded queries (`bench.queries.benchmark_queries`) in a
fresh process per side, old and new alternating, so load on the shared machine falls on both.
A pass first warms the caches with one untimed run of every query. Reported: per side, the
median over rounds of each round's p50 and p95, and new/old ratios. Writes bench/out/ab_search.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from bench.load import OUT, machine
from bench.queries import benchmark_queries

# Runs in the child, with the side's tree first on sys.path: both trees expose
# `search(handle, q, limit=10)` and `open_index(dir)`, at their own module paths.
CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
try:
    from indexer.index.store import open_index
    from indexer.search.engine import search
except ImportError:  # the layout before the rooms
    from indexer.store import open_index
    from indexer.search import search
queries = json.loads(sys.stdin.read())
handle = open_index(sys.argv[2])
for q in queries:
    try:
        search(handle, q, limit=10)
    except Exception:
        pass
times = []
for q in queries:
    t = time.perf_counter()
    try:
        search(handle, q, limit=10)
    except Exception:
        pass
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps(times))
"""


def one_pass(tree: Path, index: Path, queries: list[str]) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), str(index)],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        check=True,
        cwd=str(tree),
    )
    return json.loads(out.stdout)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old-tree", type=Path, required=True)
    ap.add_argument("--old-index", type=Path, required=True)
    ap.add_argument("--new-index", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    queries = [q["q"] for q in benchmark_queries(args.seed)]
    new_tree = Path(__file__).resolve().parent.parent
    sides = {"old": (args.old_tree, args.old_index), "new": (new_tree, args.new_index)}
    rounds: dict[str, list[dict]] = {"old": [], "new": []}
    for r in range(args.rounds):
        for side, (tree, index) in sides.items():
            times = one_pass(tree, index, queries)
            rounds[side].append({"p50": pct(times, 50), "p95": pct(times, 95)})
            print(
                f"round {r + 1} {side}: p50 {rounds[side][-1]['p50']:.1f} ms, "
                f"p95 {rounds[side][-1]['p95']:.1f} ms",
                flush=True,
            )
    summary = {
        side: {k: statistics.median(x[k] for x in rows) for k in ("p50", "p95")}
        for side, rows in rounds.items()
    }
    ratios = {k: summary["new"][k] / summary["old"][k] for k in ("p50", "p95")}
    result = {
        "machine": machine(),
        "queries": len(queries),
        "rounds": rounds,
        "median": summary,
        "new_over_old": ratios,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "ab_search.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps({"median": summary, "new_over_old": ratios}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
