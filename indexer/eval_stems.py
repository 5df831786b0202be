"""Conflation quality of the stemmer against gold lemmas (`izde eval stems GOLD.conllu`).

Forms are the distinct lower-cased word forms of content words (UPOS NOUN, PROPN, ADJ,
VERB, ADV) that contain a letter; each form gets its most frequent gold lemma. Over all
pairs of distinct forms:

* recall    = pairs sharing a lemma that also share a stem / pairs sharing a lemma
* precision = pairs sharing a stem that also share a lemma / pairs sharing a stem
  (1.0 when no two forms share a stem)

Pairs are counted from group sizes (n*(n-1)/2 per group), never pair by pair.
"""
from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable

CONTENT_UPOS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV"})


def _default_normalise(word: str) -> str:
    """The analyzer's word normalisation when `indexer.normalize` provides one."""
    try:  # the shared normaliser, if that module has landed
        from indexer import normalize  # type: ignore[attr-defined]
    except ImportError:
        normalize = None
    fn = getattr(normalize, "normalize_word", None) if normalize else None
    if fn is not None:
        return fn(word)
    return unicodedata.normalize("NFC", word).lower()


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def read_forms(path: Path | str, normalise: Callable[[str], str] | None = None) -> dict[str, str]:
    """Distinct normalised content-word forms -> their most frequent gold lemma."""
    norm = normalise or _default_normalise
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            # Multiword-token ranges (3-4) and empty nodes (3.1) carry no lemma.
            if len(cols) < 4 or not cols[0].isdigit() or cols[3] not in CONTENT_UPOS:
                continue
            form = norm(cols[1])
            if not any(ch.isalpha() for ch in form):
                continue
            counts[form][norm(cols[2])] += 1
    # Most frequent lemma; ties broken alphabetically so the result is deterministic.
    return {f: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for f, c in counts.items()}


def evaluate(path: Path | str, stemmer: Callable[[str], str] | None = None) -> dict:
    """Pairwise conflation recall, precision and F1 of `stemmer` (default: `stem`)."""
    if stemmer is None:
        from indexer.stemmer import stem as stemmer
    forms = read_forms(path)
    stems = {f: stemmer(f) for f in forms}
    by_lemma: dict[str, list[str]] = defaultdict(list)
    by_stem: dict[str, list[str]] = defaultdict(list)
    both: Counter[tuple[str, str]] = Counter()
    for f, lemma in forms.items():
        by_lemma[lemma].append(f)
        by_stem[stems[f]].append(f)
        both[(lemma, stems[f])] += 1
    same_lemma = sum(_pairs(len(v)) for v in by_lemma.values())
    same_stem = sum(_pairs(len(v)) for v in by_stem.values())
    agree = sum(_pairs(n) for n in both.values())
    recall = agree / same_lemma if same_lemma else 1.0
    precision = agree / same_stem if same_stem else 1.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    return {
        "recall": recall,
        "precision": precision,
        "f1": f1,
        "forms": len(forms),
        "pairs_same_lemma": same_lemma,
        "pairs_same_stem": same_stem,
        "pairs_agree": agree,
        "lemma_of": forms,
        "stem_of": stems,
    }


def format_errors(result: dict, n: int) -> str:
    """Up to `n` false splits (one lemma, several stems) and false merges (one stem,
    several lemmas), the biggest groups first."""
    forms: dict[str, str] = result["lemma_of"]
    stems: dict[str, str] = result["stem_of"]
    by_lemma: dict[str, list[str]] = defaultdict(list)
    by_stem: dict[str, list[str]] = defaultdict(list)
    for f, lemma in forms.items():
        by_lemma[lemma].append(f)
        by_stem[stems[f]].append(f)

    lines = ["false splits (same lemma, different stems):"]
    splits = [(lemma, fs) for lemma, fs in by_lemma.items() if len({stems[f] for f in fs}) > 1]
    splits.sort(key=lambda item: (-len(item[1]), item[0]))
    for lemma, fs in splits[:n]:
        shown = ", ".join(f"{f}→{stems[f]}" for f in sorted(fs))
        lines.append(f"  {lemma}: {shown}")
    lines.append("false merges (same stem, different lemmas):")
    merges = [(s, fs) for s, fs in by_stem.items() if len({forms[f] for f in fs}) > 1]
    merges.sort(key=lambda item: (-len(item[1]), item[0]))
    for s, fs in merges[:n]:
        shown = ", ".join(f"{f}({forms[f]})" for f in sorted(fs))
        lines.append(f"  {s}: {shown}")
    return "\n".join(lines)
