"""The benchmark query set, shared by every bench module.

Two parts:
- seeded 1-3 word queries drawn from the vocabulary of the KazNERD sentences that the
  benchmark corpora (`bench/corpus.py`) are sampled from: frequent words, rare words, free
  word pairs and triples, and quoted two-word phrases taken from running text (so they occur);
- the 230 KazQAD dev questions (`topics.tsv`): long natural-language questions, the
  latency tail (many OR-ed frequent terms).

`benchmark_queries()` returns dicts `{"q", "kind"}` in a fixed, seeded order; the same seed
gives the same list on any machine.  `python -m bench.queries` prints a summary and a sample.
"""

from __future__ import annotations

import os
import random
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("IZDE_SHARED") or REPO.parent / "shared")
SENTENCES = SHARED / "data" / "kaznerd" / "sentences-valid.txt"
TOPICS = SHARED / "data" / "kazqad-dev" / "topics.tsv"

# A word: letters only (numbers and ids are not what people search for by hand).
_WORD = re.compile(r"[^\W\d_]+")

# How many of each kind the default set holds.
DEFAULT_MIX: dict[str, int] = {
    "common": 80,  # one of the 300 most frequent words
    "rare": 80,  # one word seen 1-3 times in the sentences (few postings)
    "two": 80,  # two words from one sentence, any order of frequency
    "three": 40,  # three words from one sentence
    "phrase": 40,  # "w1 w2": adjacent words of one sentence, quoted
}


def _words(line: str) -> list[str]:
    return [w for w in _WORD.findall(line.lower()) if len(w) >= 2]


@lru_cache(maxsize=2)
def _sentences(path: Path = SENTENCES) -> tuple[tuple[str, ...], ...]:
    with open(path, encoding="utf-8") as fh:
        return tuple(tuple(_words(line)) for line in fh if line.strip())


@lru_cache(maxsize=2)
def vocabulary(path: Path = SENTENCES) -> Counter:
    """Word -> count over the sentences the benchmark corpora are made of."""
    counts: Counter = Counter()
    for words in _sentences(path):
        counts.update(words)
    return counts


def kazqad_questions(path: Path = TOPICS) -> list[str]:
    """The KazQAD dev questions, file order (230 of them)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t", 1)
            if len(parts) == 2 and parts[1].strip():
                out.append(parts[1].strip())
    return out


def generated_queries(seed: int = 0, mix: dict[str, int] | None = None) -> list[dict]:
    """Seeded 1-3 word queries from the corpus vocabulary, grouped by kind."""
    mix = DEFAULT_MIX if mix is None else mix
    rng = random.Random(seed)
    counts = vocabulary()
    by_freq = [w for w, _ in counts.most_common()]
    common = by_freq[:300]
    # Rare but real: long enough to be content words, seen only a few times.
    rare = sorted(w for w, c in counts.items() if 1 <= c <= 3 and len(w) >= 5)
    sentences = [s for s in _sentences() if len(s) >= 4]

    out: list[dict] = []
    for _ in range(mix.get("common", 0)):
        out.append({"q": rng.choice(common), "kind": "common"})
    for _ in range(mix.get("rare", 0)):
        out.append({"q": rng.choice(rare), "kind": "rare"})
    for kind, k in (("two", 2), ("three", 3)):
        for _ in range(mix.get(kind, 0)):
            s = rng.choice(sentences)
            out.append({"q": " ".join(rng.sample(s, k)), "kind": kind})
    for _ in range(mix.get("phrase", 0)):
        s = rng.choice(sentences)
        i = rng.randrange(len(s) - 1)
        out.append({"q": f'"{s[i]} {s[i + 1]}"', "kind": "phrase"})
    return out


def benchmark_queries(
    seed: int = 0, mix: dict[str, int] | None = None, kazqad: bool = True, shuffle: bool = True
) -> list[dict]:
    """The whole benchmark set: generated queries plus the KazQAD questions.

    With `shuffle` the kinds are interleaved (seeded), which is what a load test wants.
    """
    out = generated_queries(seed, mix)
    if kazqad:
        out += [{"q": q, "kind": "kazqad"} for q in kazqad_questions()]
    if shuffle:
        random.Random(seed + 1).shuffle(out)
    return out


def query_strings(seed: int = 0, **kw) -> list[str]:
    return [d["q"] for d in benchmark_queries(seed, **kw)]


def _main() -> None:
    qs = benchmark_queries()
    kinds = Counter(d["kind"] for d in qs)
    print(f"{len(qs)} queries: " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    seen = set()
    for d in qs:
        if d["kind"] not in seen:
            seen.add(d["kind"])
            print(f"  {d['kind']:7} {d['q']}")


if __name__ == "__main__":
    _main()
