"""Seeded benchmark corpora: paragraphs of 1-6 real Kazakh news sentences (KazNERD).

    python -m bench.corpus N OUT.jsonl [--seed S] [--sentences PATH] [--per-doc K]

writes N paragraphs as JSON Lines records ``{"id", "title", "text"}`` (one record per
paragraph; `--per-doc K` groups K paragraphs into one record, joined by blank lines).
The same N, seed and sentence file always give the same bytes. The sentence file defaults to
``../shared/data/kaznerd/sentences-valid.txt`` relative to the repository root; the
environment variable ``IZDE_BENCH_SENTENCES`` or ``--sentences`` overrides it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SENTENCES = REPO.parent / "shared" / "data" / "kaznerd" / "sentences-valid.txt"


def sentences_path() -> Path:
    return Path(os.environ.get("IZDE_BENCH_SENTENCES", DEFAULT_SENTENCES))


@lru_cache(maxsize=4)
def load_sentences(path: Path | None = None) -> tuple[str, ...]:
    """Non-empty, stripped lines of the sentence file."""
    path = Path(path) if path is not None else sentences_path()
    with open(path, encoding="utf-8") as fh:
        return tuple(line.strip() for line in fh if line.strip())


def make_paragraphs(
    n: int,
    seed: int = 0,
    sentences: Path | None = None,
    min_sentences: int = 1,
    max_sentences: int = 6,
) -> list[str]:
    """n paragraphs, each 1-6 sentences drawn with a seeded random.Random."""
    pool = load_sentences(sentences)
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.randint(min_sentences, max_sentences)
        out.append(" ".join(rng.choice(pool) for _ in range(k)))
    return out


def make_records(
    n: int, seed: int = 0, sentences: Path | None = None, per_doc: int = 1
) -> list[dict]:
    """Records {id, title, text}: per_doc paragraphs each (joined by blank lines)."""
    paras = make_paragraphs(n, seed, sentences)
    records = []
    for i in range(0, n, per_doc):
        chunk = paras[i : i + per_doc]
        first = chunk[0].split()
        records.append(
            {
                "id": f"bench-{seed}-{i // per_doc:07d}",
                "title": " ".join(first[:6]).strip(',.;:«»"') or f"Paragraph {i}",
                "text": "\n\n".join(chunk),
            }
        )
    return records


def write_jsonl(records: list[dict], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="number of paragraphs")
    ap.add_argument("out", type=Path, help="output .jsonl")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--sentences", type=Path, default=None, help=f"sentence file (default {DEFAULT_SENTENCES})"
    )
    ap.add_argument("--per-doc", type=int, default=1, help="paragraphs per record")
    args = ap.parse_args(argv)
    if args.n < 0 or args.per_doc < 1:
        ap.error("N must be >= 0 and --per-doc >= 1")
    records = make_records(args.n, args.seed, args.sentences, args.per_doc)
    write_jsonl(records, args.out)
    print(f"{len(records)} records, {args.n} paragraphs -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
