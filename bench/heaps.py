"""How many distinct index terms a benchmark corpus has, without building an index.

    python -m bench.heaps                                   # both vocabularies, 10K and 100K
    python -m bench.heaps --sizes 1000,10000 --vocabulary realistic
    python -m bench.heaps --forms                           # surface forms (`exact`) too

Streams the seeded corpus of `bench.corpus` (the paragraphs `bench.scale` indexes for the
same seed and vocabulary) through `indexer.analysis.index_terms`, the analyzer of the
index's `text` field, and counts distinct word keys at each size: the figure `izde stats`
reports as distinct terms of an index of those paragraphs (its titles add none: they are
the first words of a paragraph). With `--forms`, distinct normalised surface forms (the
`exact` field) as well.

Heaps' law, V(n) = K * n^beta, is fitted by least squares on log V / log n over the
measured sizes (paragraphs) within a factor 10 of the largest, and V at `--estimate`
paragraphs (1M by default) is extrapolated from it. That is an ESTIMATE: a finite lexicon
saturates, so the real count at 1M is lower than the local slope says (fitted on 10K and
100K: 623K; measured: 510K); measure it (`--sizes ...,1000000`, 7-12 minutes of one core)
before quoting it as a fact. Beside it, for the realistic vocabulary, the expected number
of distinct lexemes the draws of a corpus of each size meet
(`bench.vocabulary.expected_distinct`: arithmetic on the Zipf weights, which does know
where the vocabulary ends); the word layer gives a lexeme's forms one key or several.

Results: `bench/out/heaps.json` (and a table on stdout).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from bench import corpus
from bench import vocabulary as lexicon
from bench.corpus import VOCABULARIES, iter_paragraphs
from indexer.analysis import ExactAnalyzer, index_terms

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"


def heaps_curve(
    sizes: list[int], seed: int = 0, vocabulary: str = "realistic", forms: bool = False
) -> list[dict]:
    """One pass over the largest size's paragraphs; a row at each size: paragraphs,
    tokens, distinct word keys (and forms), seconds so far."""
    sizes = sorted(set(sizes))
    exact = ExactAnalyzer() if forms else None
    keys: set[str] = set()
    surface: set[str] = set()
    tokens = 0
    rows = []
    t0 = time.perf_counter()
    checkpoints = iter(sizes)
    nxt = next(checkpoints)
    for i, para in enumerate(iter_paragraphs(sizes[-1], seed, vocabulary=vocabulary), 1):
        terms = index_terms(para)
        tokens += len(terms)
        keys.update(terms)
        if exact is not None:
            surface.update(t.text for t in exact(para, mode="index"))
        if i == nxt:
            row = {
                "paragraphs": i,
                "tokens": tokens,
                "distinct_terms": len(keys),
                "seconds": round(time.perf_counter() - t0, 1),
            }
            if exact is not None:
                row["distinct_forms"] = len(surface)
            rows.append(row)
            print(f"  {vocabulary}: {row}", file=sys.stderr, flush=True)  # long runs: progress
            nxt = next(checkpoints, 0)
    return rows


def fit_heaps(rows: list[dict], field: str = "distinct_terms") -> dict | None:
    """K and beta of V = K * n^beta (n in paragraphs), least squares in log-log space over
    the sizes within a factor 10 of the largest: the local slope is what extrapolates (the
    first thousand paragraphs grow faster than any later ones)."""
    top = max((r["paragraphs"] for r in rows), default=0)
    pts = [
        (math.log(r["paragraphs"]), math.log(r[field]))
        for r in rows
        if r.get(field) and r["paragraphs"] * 10 >= top
    ]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    beta = sum((x - mx) * (y - my) for x, y in pts) / sxx
    return {"K": round(math.exp(my - beta * mx), 2), "beta": round(beta, 4)}


def estimate(fit: dict, n: int) -> int:
    return round(fit["K"] * n ** fit["beta"])


def draws_per_paragraph(n: int, seed: int = 0) -> float:
    """Vocabulary draws a realistic paragraph makes on average: the replaceable words of the
    same real paragraphs times the replacement probability."""
    keep = corpus.frequent_words()
    words = sum(
        1
        for para in iter_paragraphs(n, seed, vocabulary="real")
        for w in corpus.CONTENT_WORD.findall(para)
        if w.lower() not in keep
    )
    return words * corpus.REPLACE_P / max(1, n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument(
        "--sizes",
        default="1000,2000,5000,10000,20000,50000,100000",
        help="paragraph counts to report (one pass over the largest)",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--vocabulary", default=",".join(VOCABULARIES), help="comma-separated")
    ap.add_argument("--forms", action="store_true", help="count surface forms too")
    ap.add_argument("--estimate", type=int, default=1_000_000, help="extrapolate V to this n")
    ap.add_argument("--out", type=Path, default=OUT / "heaps.json")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    result: dict = {"bench": "heaps", "seed": args.seed, "vocabularies": {}}
    for vocab in [v.strip() for v in args.vocabulary.split(",") if v.strip()]:
        rows = heaps_curve(sizes, args.seed, vocab, args.forms)
        entry: dict = {"rows": rows}
        for field in ("distinct_terms", "distinct_forms"):
            fit = fit_heaps(rows, field)
            if fit:
                fit[f"estimate_at_{args.estimate}"] = estimate(fit, args.estimate)
                entry[f"fit_{field}"] = fit
        if vocab == "realistic":
            # Model-based, beside the fit: how many distinct lexemes the draws of a corpus of
            # each size meet on average (the fit knows nothing of the vocabulary's end).
            per_para = draws_per_paragraph(min(sizes[-1], 20_000), args.seed)
            vocab_obj = lexicon.vocabulary()
            entry["draws_per_paragraph"] = round(per_para, 3)
            entry["lexemes"] = len(vocab_obj.lexemes)
            entry["expected_distinct_lexemes"] = {
                str(n): lexicon.expected_distinct(vocab_obj, per_para * n)
                for n in sorted({*sizes, args.estimate})
            }
        result["vocabularies"][vocab] = entry
        print(f"\n{vocab} vocabulary (seed {args.seed})")
        print("| paragraphs | tokens | distinct terms | distinct forms | s |")
        print("|---|---|---|---|---|")
        for r in rows:
            print(
                f"| {r['paragraphs']:,} | {r['tokens']:,} | {r['distinct_terms']:,} "
                f"| {r.get('distinct_forms', '-')} | {r['seconds']} |"
            )
        fit = entry.get("fit_distinct_terms")
        if fit:
            print(
                f"fit V = {fit['K']} * n^{fit['beta']}; ESTIMATE at {args.estimate:,} "
                f"paragraphs: {fit[f'estimate_at_{args.estimate}']:,} distinct terms",
                flush=True,
            )
        if "expected_distinct_lexemes" in entry:
            print(
                f"vocabulary: {entry['lexemes']:,} lexemes, {entry['draws_per_paragraph']} draws "
                "a paragraph; expected distinct lexemes drawn: "
                + ", ".join(
                    f"{int(k):,}: {v:,}" for k, v in entry["expected_distinct_lexemes"].items()
                )
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
