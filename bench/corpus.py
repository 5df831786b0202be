"""Seeded benchmark corpora: paragraphs of 1-6 real Kazakh news sentences (KazNERD), with or
without a realistic vocabulary tail.

    python -m bench.corpus N OUT.jsonl [--vocabulary realistic|real] [--seed S]
                                       [--sentences PATH] [--per-doc K]

writes N paragraphs as JSON Lines records ``{"id", "title", "text"}`` (one record per
paragraph; `--per-doc K` groups K paragraphs into one record, joined by blank lines),
streamed: memory does not grow with N.

Two vocabularies:

- ``real``: the sentences recombined as they are. However large N, the words are those of
  11K sentences (about 8.8K distinct word keys): the corpus of the first benchmarks.
- ``realistic`` (the default here and in `bench.scale`): the same paragraphs (same seed, same
  sentences), but about one content word in five (not the 150 most frequent words) is
  replaced by a form from `bench.vocabulary`: an inflected lexicon word drawn by Zipfian
  rank, so distinct word keys grow with N as in real text (Heaps' law; `bench.heaps`
  measures it).

The same N, seed, vocabulary and sentence file always give the same bytes, and the first M
paragraphs of a corpus of N > M are the corpus of M. The sentence file defaults to
``../shared/data/kaznerd/sentences-valid.txt`` relative to the repository root; the
environment variable ``IZDE_BENCH_SENTENCES`` or ``--sentences`` overrides it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from bench import vocabulary as lexicon

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SENTENCES = REPO.parent / "shared" / "data" / "kaznerd" / "sentences-valid.txt"
VOCABULARIES = ("realistic", "real")

# The realistic mix: a content word (letters only, 3+ letters, not among the most frequent
# words of the sentences) is replaced with this probability.
REPLACE_P = 0.2
KEEP_TOP = 150
CONTENT_WORD = re.compile(r"[^\W\d_]{3,}")


def sentences_path() -> Path:
    return Path(os.environ.get("IZDE_BENCH_SENTENCES", DEFAULT_SENTENCES))


@lru_cache(maxsize=4)
def load_sentences(path: Path | None = None) -> tuple[str, ...]:
    """Non-empty, stripped lines of the sentence file."""
    path = Path(path) if path is not None else sentences_path()
    with open(path, encoding="utf-8") as fh:
        return tuple(line.strip() for line in fh if line.strip())


@lru_cache(maxsize=4)
def frequent_words(path: Path | None = None, top: int = KEEP_TOP) -> frozenset[str]:
    """The `top` most frequent lower-cased words of the sentences: kept as they are, so
    function words and the frequent-word queries stay real."""
    counts: Counter = Counter()
    for line in load_sentences(path):
        counts.update(w.lower() for w in CONTENT_WORD.findall(line))
    return frozenset(w for w, _ in counts.most_common(top))


def _real_paragraphs(
    n: int, seed: int, sentences: Path | None, min_sentences: int, max_sentences: int
) -> Iterator[str]:
    pool = load_sentences(sentences)
    rng = random.Random(seed)
    for _ in range(n):
        k = rng.randint(min_sentences, max_sentences)
        yield " ".join(rng.choice(pool) for _ in range(k))


def _with_vocabulary(paragraphs: Iterable[str], seed: int, sentences: Path | None):
    """Each paragraph with some content words replaced by drawn vocabulary forms.

    A second seeded generator (seed-derived, apart from the sentence draws) makes the
    replacements, so the realistic corpus keeps the sentence choice of the real one."""
    vocab = lexicon.vocabulary()
    keep = frequent_words(sentences)
    rng = random.Random(f"vocabulary-{seed}")

    def replace(m: re.Match) -> str:
        word = m.group(0)
        if rng.random() >= REPLACE_P or word.lower() in keep:
            return word
        form = lexicon.word_form(vocab.draw(rng)[0], rng)
        return form[:1].upper() + form[1:] if word[:1].isupper() else form

    for para in paragraphs:
        yield CONTENT_WORD.sub(replace, para)


def iter_paragraphs(
    n: int,
    seed: int = 0,
    sentences: Path | None = None,
    vocabulary: str = "real",
    min_sentences: int = 1,
    max_sentences: int = 6,
) -> Iterator[str]:
    """n paragraphs, each 1-6 sentences drawn with a seeded random.Random (see module doc)."""
    if vocabulary not in VOCABULARIES:
        raise ValueError(f"vocabulary must be one of {', '.join(VOCABULARIES)}: {vocabulary!r}")
    paras = _real_paragraphs(n, seed, sentences, min_sentences, max_sentences)
    return _with_vocabulary(paras, seed, sentences) if vocabulary == "realistic" else paras


def make_paragraphs(
    n: int,
    seed: int = 0,
    sentences: Path | None = None,
    min_sentences: int = 1,
    max_sentences: int = 6,
    vocabulary: str = "real",
) -> list[str]:
    """iter_paragraphs as a list (for small n)."""
    return list(iter_paragraphs(n, seed, sentences, vocabulary, min_sentences, max_sentences))


def iter_records(
    n: int,
    seed: int = 0,
    sentences: Path | None = None,
    per_doc: int = 1,
    vocabulary: str = "real",
) -> Iterator[dict]:
    """Records {id, title, text}: per_doc paragraphs each (joined by blank lines)."""
    paras = iter_paragraphs(n, seed, sentences, vocabulary)
    i = 0
    while i < n:
        chunk = [next(paras) for _ in range(min(per_doc, n - i))]
        first = chunk[0].split()
        yield {
            "id": f"bench-{seed}-{i // per_doc:07d}",
            "title": " ".join(first[:6]).strip(',.;:«»"') or f"Paragraph {i}",
            "text": "\n\n".join(chunk),
        }
        i += len(chunk)


def make_records(
    n: int,
    seed: int = 0,
    sentences: Path | None = None,
    per_doc: int = 1,
    vocabulary: str = "real",
) -> list[dict]:
    """iter_records as a list (for small n)."""
    return list(iter_records(n, seed, sentences, per_doc, vocabulary))


def write_jsonl(records: Iterable[dict], out: Path) -> int:
    """Write records one a line; how many."""
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(out, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("n", type=int, help="number of paragraphs")
    ap.add_argument("out", type=Path, help="output .jsonl")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--sentences", type=Path, default=None, help=f"sentence file (default {DEFAULT_SENTENCES})"
    )
    ap.add_argument("--per-doc", type=int, default=1, help="paragraphs per record")
    ap.add_argument(
        "--vocabulary",
        choices=VOCABULARIES,
        default="realistic",
        help="realistic: with the Zipfian lexicon tail (default); real: the sentences only",
    )
    args = ap.parse_args(argv)
    if args.n < 0 or args.per_doc < 1:
        ap.error("N must be >= 0 and --per-doc >= 1")
    records = iter_records(args.n, args.seed, args.sentences, args.per_doc, args.vocabulary)
    count = write_jsonl(records, args.out)
    print(
        f"{count} records, {args.n} paragraphs ({args.vocabulary} vocabulary) -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
