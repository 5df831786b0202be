"""In-process search latency on the seeded 100,000-paragraph index, against plain Whoosh.

    python -m bench.bench_search                      # 100K paragraphs, 3 passes
    python -m bench.bench_search --n 10000 --passes 1 # quick
    python -m bench.bench_search --profile            # cProfile of one pass, top functions
    python -m bench.bench_search --http http://127.0.0.1:8000   # also over HTTP (/api/search
                                                                # and the /search page)
    python -m bench.bench_search --http auto  # starts `izde serve` on the index for that

Queries: `bench.queries.benchmark_queries()` (seeded 1-3 word queries, phrases, and the
230 KazQAD dev questions).  izde: `indexer.search.engine.search(handle, q, limit=10)` on the index
that `bench.scale.ensure_index(N)` builds with `izde index`.  Baseline, same run, same
queries: plain Whoosh on a StandardAnalyzer index of the same paragraphs (title + text,
BM25F), `MultifieldParser` with OR-ed words (the reference setting of the KazQAD figures),
`searcher.search(q, limit=10)`.  Both keep one open searcher.

Bars (issue 4): izde in-process p95 within 2x the baseline's p95; over HTTP (one client,
keep-alive) p95 <= 100 ms.  Writes bench/out/search.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

from bench.load import OUT, machine, percentiles
from bench.queries import benchmark_queries

BAR_RATIO = 2.0


def baseline_index(corpus: Path, n: int, seed: int = 0):
    """A StandardAnalyzer Whoosh index of the same paragraphs (built once, reused)."""
    import shutil

    from whoosh import index as wix
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    tag = f"{n}" if seed == 0 else f"{n}-s{seed}"
    path = OUT / f"baseline-std-{tag}"
    done = path / "DONE"
    files = sorted(corpus.glob("*.jsonl")) if corpus.is_dir() else [corpus]
    stamp = f"{corpus.resolve()} " + " ".join(
        f"{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files
    )
    if done.exists() and done.read_text().splitlines()[0] == stamp:
        return wix.open_dir(str(path))
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    schema = Schema(
        anchor=ID(stored=True),
        title=TEXT(analyzer=StandardAnalyzer()),
        text=TEXT(analyzer=StandardAnalyzer(), stored=True),
    )
    ix = wix.create_in(str(path), schema)
    w = ix.writer(limitmb=128)
    t0 = time.perf_counter()
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                for i, para in enumerate(p for p in rec["text"].split("\n\n") if p.strip()):
                    w.add_document(
                        anchor=f"{rec['id']}#p{i + 1}", title=rec.get("title", ""), text=para
                    )
    w.commit()
    done.write_text(f"{stamp}\n{time.perf_counter() - t0:.1f} s\n")
    return ix


class Baseline:
    def __init__(self, ix) -> None:
        from whoosh.qparser import MultifieldParser, OrGroup

        self.searcher = ix.searcher()
        self.parser = MultifieldParser(["title", "text"], ix.schema, group=OrGroup)

    def __call__(self, q: str) -> None:
        query = self.parser.parse(q)
        results = self.searcher.search(query, limit=10)
        [hit["text"] for hit in results]  # load the page's stored fields, like izde


def timed(fn, queries: list[dict], passes: int) -> tuple[dict, dict, int]:
    """Per query the median over passes; percentiles overall and per kind."""
    per_query: list[list[float]] = [[] for _ in queries]
    errors = 0
    for _ in range(passes):
        for i, d in enumerate(queries):
            t0 = time.perf_counter()
            try:
                fn(d["q"])
            except Exception:  # noqa: BLE001 - counted
                errors += 1
                continue
            per_query[i].append(time.perf_counter() - t0)
    med = [statistics.median(x) for x in per_query if x]
    by_kind: dict[str, list[float]] = {}
    for d, x in zip(queries, per_query):
        if x:
            by_kind.setdefault(d["kind"], []).append(statistics.median(x))
    return percentiles(med), {k: percentiles(v) for k, v in sorted(by_kind.items())}, errors


HTTP_BAR_MS = 100


def http_latency(base_url: str, queries: list[dict], passes: int = 1) -> dict:
    """The same queries against a running izde server, one client on one keep-alive
    connection: /api/search, then the /search page."""
    from urllib.parse import urlsplit

    from bench.load import Client

    parts = urlsplit(base_url)
    client = Client(parts.hostname or "127.0.0.1", parts.port or 80)

    def fetcher(path: str):
        def fetch(q: str) -> None:
            status, body, _secs = client.get(f"{path}?q={quote(q, safe='')}")
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {body[:200]!r}")

        return fetch

    for d in queries[:20]:
        try:
            fetcher("/api/search")(d["q"])
        except Exception:  # noqa: BLE001 - warm-up only
            pass
    out: dict = {"base_url": base_url.rstrip("/")}
    for name, path in (("api", "/api/search"), ("page", "/search")):
        overall, by_kind, errors = timed(fetcher(path), queries, passes)
        out[name] = {"endpoint": path, "overall": overall, "by_kind": by_kind, "errors": errors}
    client.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="paragraphs in the benchmark index")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="cProfile one izde pass")
    ap.add_argument(
        "--http", default=None, help="base URL of a running izde server, or 'auto' to start one"
    )
    ap.add_argument(
        "--index", type=Path, default=None, help="use this izde index instead of the seeded one"
    )
    ap.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="with --index: the JSONL it was built from (for the baseline)",
    )
    args = ap.parse_args(argv)

    from bench.scale import ensure_index
    from indexer.index.store import open_index
    from indexer.search.engine import search

    queries = benchmark_queries(args.seed)
    out: dict = {"machine_start": machine(), "queries": len(queries), "passes": args.passes}
    if args.index:
        index_dir, corpus = args.index, args.corpus
    else:
        info = ensure_index(args.n, args.seed)
        index_dir, corpus = Path(info["index"]), Path(info["corpus"])
        out["index_build"] = {k: info.get(k) for k in ("seconds", "size_mb", "reused", "code")}
    handle = open_index(index_dir)
    out["index"] = str(index_dir)
    out["paragraphs"] = handle.paragraphs

    incomplete: set[str] = set()  # queries cut at the time budget (a timing is then flattered)

    def izde(q: str) -> None:
        if not search(handle, q, limit=10)["complete"]:
            incomplete.add(q)

    for d in queries[:30]:  # warm-up: readers, caches
        try:
            izde(d["q"])
        except Exception:  # noqa: BLE001
            pass
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        timed(izde, queries, 1)
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
        (OUT / "search.prof.txt").write_text(buf.getvalue())
        print(buf.getvalue()[:6000])
        return 0

    base = None
    if corpus is not None:
        base = Baseline(baseline_index(corpus, args.n, args.seed))
        for d in queries[:30]:
            base(d["q"])
    # Interleave izde and baseline passes so a busy machine colours both alike.
    iz_runs, base_runs = [], []
    for _ in range(args.passes):
        iz_runs.append(timed(izde, queries, 1))
        if base is not None:
            base_runs.append(timed(base, queries, 1))

    def median_run(runs):
        runs = sorted(runs, key=lambda r: r[0].get("p95_ms", 0))
        return runs[len(runs) // 2]

    iz = median_run(iz_runs)
    out["izde"] = {
        "overall": iz[0],
        "by_kind": iz[1],
        "errors": iz[2],
        "cut_at_time_budget": sorted(incomplete),
    }
    if base_runs:
        b = median_run(base_runs)
        out["baseline"] = {
            "what": "Whoosh StandardAnalyzer, MultifieldParser(title,text) OR",
            "overall": b[0],
            "by_kind": b[1],
            "errors": b[2],
        }
        ratio = iz[0]["p95_ms"] / b[0]["p95_ms"] if b[0].get("p95_ms") else None
        out["p95_ratio"] = round(ratio, 2) if ratio else None
        out["bars"] = {
            "in_process_p95_within_2x_baseline": "PASS"
            if ratio is not None and ratio <= BAR_RATIO
            else "FAIL"
        }
    if args.http == "auto":
        from bench.load import Server

        with Server(index_dir, log_path=OUT / "search-serve.log") as server:
            out["http"] = http_latency(server.base, queries, args.passes)
        out["http"]["server"] = "izde serve (its default workers and threads), started here"
    elif args.http:
        out["http"] = http_latency(args.http, queries, args.passes)
    if "http" in out:
        out.setdefault("bars", {})["http_p95_le_100ms"] = (
            "PASS"
            if all(
                out["http"][k]["overall"].get("p95_ms", 1e9) <= HTTP_BAR_MS for k in ("api", "page")
            )
            else "FAIL"
        )
    out["machine_end"] = machine()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "search.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))

    def line(name, o):
        return (
            f"{name:10} p50 {o['overall'].get('p50_ms')} ms  p95 {o['overall'].get('p95_ms')}"
            f" ms  p99 {o['overall'].get('p99_ms')} ms  errors {o['errors']}"
        )

    print(line("izde", out["izde"]))
    if "baseline" in out:
        print(line("baseline", out["baseline"]))
        print(
            f"p95 ratio {out['p95_ratio']} (bar <= {BAR_RATIO}): "
            f"{out['bars']['in_process_p95_within_2x_baseline']}"
        )
    for kind, p in out["izde"]["by_kind"].items():
        bp = out.get("baseline", {}).get("by_kind", {}).get(kind, {})
        print(
            f"  {kind:8} izde p50 {p['p50_ms']} p95 {p['p95_ms']}   "
            f"baseline p50 {bp.get('p50_ms')} p95 {bp.get('p95_ms')}"
        )
    if "http" in out:
        for k in ("api", "page"):
            print(line(f"http {k}", out["http"][k]))
        print(f"HTTP p95 bar <= {HTTP_BAR_MS} ms: {out['bars']['http_p95_le_100ms']}")
    print(f"written {OUT / 'search.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
