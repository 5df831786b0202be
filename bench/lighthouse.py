"""Lighthouse scores of the pages at phone size: performance and accessibility.

    python -m bench.lighthouse [--runs 3] [--index DIR]

npm's `lighthouse` is installed on first use into bench/out/lighthouse/ (never part of
`make test`) and drives Debian's Chromium (`/usr/bin/chromium`, or $CHROME_PATH). Without
--index, the shipped paper plus the KazQAD passages (../shared/data/kazqad-dev) are indexed
into bench/out/index-lighthouse. The pages are served by `izde serve` on 127.0.0.1, as in
production. Lighthouse's default is a phone (mobile emulation, simulated slow 4G and CPU
throttling). Each page is run `--runs` times; the median score is reported, and every run
goes to bench/out/lighthouse.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from tests.served import Serve, http_get

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
NODE_DIR = OUT / "lighthouse"
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_VERSION = "13"
KAZQAD = REPO.parent / "shared" / "data" / "kazqad-dev" / "corpus.jsonl"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run"

PAGES = {  # name -> path; a page that does not answer 200 is skipped
    "search": "/search?q=" + quote("дағдарыс"),
    "document": "/doc/nur-otan-strategy-2009-2012",
    "stats": "/stats",
    "concordance": "/concordance?w=" + quote("дағдарыс"),
}


def install() -> Path:
    """npm's lighthouse in bench/out/lighthouse (once)."""
    if not LIGHTHOUSE.exists():
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
             f"lighthouse@{LIGHTHOUSE_VERSION}"],
            cwd=NODE_DIR,
            check=True,
        )  # fmt: skip
    return LIGHTHOUSE


def build_index() -> Path:
    index_dir = OUT / "index-lighthouse"
    sources = [str(REPO / "corpus")] + ([str(KAZQAD)] if KAZQAD.exists() else [])
    subprocess.run(
        [sys.executable, "-m", "indexer.cli", "index", "--rebuild", *sources,
         "--index", str(index_dir)],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return index_dir


def run_lighthouse(url: str, tries: int = 3) -> dict:
    """One Lighthouse run of `url`: {category: score 0-100} plus the key timings. A run that
    Lighthouse itself reports as failed (a lost trace: NO_NAVSTART) is run again."""
    for attempt in range(tries):
        try:
            return _run_once(url)
        except RuntimeError:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def _run_once(url: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        done = subprocess.run(
            [str(LIGHTHOUSE), url, "--only-categories=performance,accessibility",
             "--output=json", f"--output-path={report}", "--quiet",
             f"--chrome-flags={CHROME_FLAGS}"],
            env={**os.environ, "CHROME_PATH": CHROME},
            capture_output=True,
            text=True,
        )  # fmt: skip
        # Lighthouse can exit 1 after writing its report (removing Chrome's profile folder
        # fails now and then): the report decides.
        if not report.exists():
            raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
        if data.get("runtimeError"):
            raise RuntimeError(f"lighthouse on {url}: {data['runtimeError']}")
    audits = data["audits"]
    return {
        "performance": round(data["categories"]["performance"]["score"] * 100),
        "accessibility": round(data["categories"]["accessibility"]["score"] * 100),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "bytes": audits["total-byte-weight"]["numericValue"],
        "failed_accessibility": [
            ref["id"]
            for ref in data["categories"]["accessibility"]["auditRefs"]
            if ref["weight"] and (audits[ref["id"]].get("score") or 1) < 1
        ],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs per page (median reported)")
    ap.add_argument("--index", type=Path, help="an existing index (default: build one)")
    args = ap.parse_args(argv)
    if not Path(CHROME).exists() or shutil.which("npm") is None:
        print(f"needs npm and Chromium at {CHROME}", file=sys.stderr)
        return 2
    install()
    index_dir = args.index or build_index()
    OUT.mkdir(parents=True, exist_ok=True)
    server = Serve(index_dir, OUT / "lighthouse-serve.log")
    results: dict[str, dict] = {}
    try:
        base = f"http://127.0.0.1:{server.port}"
        for name, path in PAGES.items():
            status, _headers, _body = http_get(server.port, path, timeout=60)  # warm, and exists?
            if status != 200:
                print(f"{name}: {path} answers {status}; skipped")
                continue
            runs = [run_lighthouse(base + path) for _ in range(args.runs)]
            results[name] = {
                "path": path,
                "performance": statistics.median(r["performance"] for r in runs),
                "accessibility": statistics.median(r["accessibility"] for r in runs),
                "runs": runs,
            }
    finally:
        server.stop()
    (OUT / "lighthouse.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"{'page':<12} {'performance':>11} {'accessibility':>13}  runs (performance)")
    for name, r in results.items():
        each = ", ".join(str(x["performance"]) for x in r["runs"])
        print(f"{name:<12} {r['performance']:>11} {r['accessibility']:>13}  {each}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
