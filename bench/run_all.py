"""Run every benchmark in sequence (`make bench`): analyzer, index, search, load, scale-small.

Each one runs as its own child process (`python -m bench.<module> ...`), so one failing or
leaking memory does not colour the next; they run one after another because the machine
is small and parallel benches measure each other.  Each writes its own JSON under
`bench/out/`; this writes `bench/out/run_all.json` with exit codes and durations.

    python -m bench.run_all                 # everything
    python -m bench.run_all --only load     # a subset, by name
    python -m bench.run_all --quick         # smaller load run (500 requests) for a smoke test
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"

# (name, module, arguments). Order matters: the 100K index that bench_index/bench_search or
# load build is reused by the later ones when the indexing code did not change.
BENCHES: list[tuple[str, str, list[str]]] = [
    ("analyzer", "bench.bench_analyzer", []),
    ("index", "bench.bench_index", []),
    ("search", "bench.bench_search", []),
    ("load", "bench.load", []),
    ("scale-small", "bench.scale", ["--sizes", "10000,100000"]),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only these (repeatable): " + ", ".join(b[0] for b in BENCHES),
    )
    ap.add_argument("--quick", action="store_true", help="smaller load run")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    failed = 0
    for name, module, extra in BENCHES:
        if args.only and name not in args.only:
            continue
        if importlib.util.find_spec(module) is None:
            print(f"== {name}: {module} not found, skipped", flush=True)
            results.append({"name": name, "module": module, "skipped": "module not found"})
            continue
        if args.quick and name == "load":
            extra = extra + ["--requests", "500", "--single", "100"]
        cmd = [sys.executable, "-m", module, *extra]
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call(cmd, cwd=REPO)
        secs = round(time.perf_counter() - t0, 1)
        print(f"== {name}: exit {rc} after {secs} s", flush=True)
        results.append({"name": name, "module": module, "args": extra, "rc": rc, "seconds": secs})
        failed += rc != 0
    (OUT / "run_all.json").write_text(json.dumps(results, indent=2))
    print(f"written {OUT / 'run_all.json'}; {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
