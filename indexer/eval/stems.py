"""Conflation quality of the stemmer against gold lemmas (`izde eval stems GOLD.conllu`).

Forms are the distinct lower-cased word forms of content words (UPOS NOUN, PROPN, ADJ,
VERB, ADV) that contain a letter; each form gets its most frequent gold lemma. Over all
pairs of distinct forms:

* recall    = pairs sharing a lemma that also share a stem / pairs sharing a lemma
* precision = pairs sharing a stem that also share a lemma / pairs sharing a stem
  (1.0 when no two forms share a stem)

Pairs are counted from group sizes (n*(n-1)/2 per group), never pair by pair.

`evaluate(path, by_source=True)` also scores each group of sources on its own (the
sentence's `# sent_id = <source>.tagged.txt:…` names its source; `SOURCE_GROUPS` says
which sources read like news and encyclopedia articles, the genre of the held-out gold).
Each group's forms are counted inside that group only.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

CONTENT_UPOS = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "ADV"})

# Sources of UD Kazakh-KTB by genre. Held-out gold is news, speeches and encyclopedia
# articles, so "news_encyclopedic" is the figure that predicts it best; "kdt" is mostly
# grammar-book and fiction sentences; everything else (tales, Abai, a phrasebook) is "other".
SOURCE_GROUPS: dict[str, frozenset[str]] = {
    "news_encyclopedic": frozenset(
        {
            "wikipedia",
            "wikipedia-news",
            "Шымкент",
            "Футболдан_әлем_чемпионаты_2014",
            "Elizabeth-II",
            "Радиан",
            "Eurovision_ән_конкурсы_2010",
            "Махамбет_Өтемісұлы",
        }
    ),
    "kdt": frozenset({"kdt"}),
}
OTHER_GROUP = "other"


def _default_normalise(word: str) -> str:
    """The analyzer's word normalisation when `indexer.text.normalize` provides one."""
    try:  # the shared normaliser, if that module has landed
        from indexer.text import normalize  # type: ignore[attr-defined]
    except ImportError:
        normalize = None
    fn = getattr(normalize, "normalize_word", None) if normalize else None
    if fn is not None:
        return fn(word)
    return unicodedata.normalize("NFC", word).lower()


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def source_of(sent_id: str) -> str:
    """`wikipedia.tagged.txt:12:340` -> `wikipedia`."""
    return sent_id.split(":", 1)[0].removesuffix(".tagged.txt")


def source_group(source: str) -> str:
    for name, members in SOURCE_GROUPS.items():
        if source in members:
            return name
    return OTHER_GROUP


def read_forms(
    path: Path | str,
    normalise: Callable[[str], str] | None = None,
    keep: Callable[[str], bool] | None = None,
) -> dict[str, str]:
    """Distinct normalised content-word forms -> their most frequent gold lemma.
    `keep(source)` chooses the sentences by their source (see `source_of`)."""
    norm = normalise or _default_normalise
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    source = ""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("# sent_id"):
                source = source_of(line.split("=", 1)[1].strip())
                continue
            if not line.strip() or line.startswith("#"):
                continue
            if keep is not None and not keep(source):
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


def evaluate(
    path: Path | str, stemmer: Callable[[str], str] | None = None, by_source: bool = False
) -> dict:
    """Pairwise conflation recall, precision and F1 of `stemmer` (default: `stem`).
    With `by_source`, the result also has "by_source": {group: {recall, precision, f1,
    forms}} for every group of `SOURCE_GROUPS` plus "other"."""
    if stemmer is None:
        from indexer.text.stemmer import stem as stemmer
    result = score(read_forms(path), stemmer)
    if by_source:
        groups = [*SOURCE_GROUPS, OTHER_GROUP]
        result["by_source"] = {}
        for name in groups:
            part = score(
                read_forms(path, keep=lambda src, name=name: source_group(src) == name), stemmer
            )
            result["by_source"][name] = {k: part[k] for k in ("recall", "precision", "f1", "forms")}
    return result


def score(forms: dict[str, str], stemmer: Callable[[str], str]) -> dict:
    """The pairwise figures of `stemmer` on `forms` (form -> gold lemma)."""
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


def format_by_source(result: dict) -> str:
    """One line per source group of `evaluate(..., by_source=True)`."""
    return "\n".join(
        f"{name}: recall={r['recall']:.3f} precision={r['precision']:.3f} "
        f"f1={r['f1']:.3f} forms={r['forms']}"
        for name, r in result["by_source"].items()
    )


if __name__ == "__main__":  # python -m indexer.eval.stems GOLD.conllu: figures per source
    import sys

    res = evaluate(sys.argv[1], by_source=True)
    print(
        f"all: recall={res['recall']:.3f} precision={res['precision']:.3f} "
        f"f1={res['f1']:.3f} forms={res['forms']}"
    )
    print(format_by_source(res))
