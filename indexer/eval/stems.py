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

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from indexer.text.normalize import normalize_word
from indexer.text.stemmer import stem

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


def _read_counts(
    path: Path | str,
    normalise: Callable[[str], str] | None,
    keep: Callable[[str], bool] | None,
) -> dict[str, Counter[str]]:
    """Normalised content-word form -> Counter of its gold lemmas over running tokens."""
    norm = normalise or normalize_word
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
    return counts


def _majority(counts: Counter[str]) -> str:
    # Most frequent lemma; ties broken alphabetically so the result is deterministic.
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def read_forms(
    path: Path | str,
    normalise: Callable[[str], str] | None = None,
    keep: Callable[[str], bool] | None = None,
) -> dict[str, str]:
    """Distinct normalised content-word forms -> their most frequent gold lemma.
    `keep(source)` chooses the sentences by their source (see `source_of`)."""
    return {f: _majority(c) for f, c in _read_counts(path, normalise, keep).items()}


def read_tokens(
    path: Path | str,
    normalise: Callable[[str], str] | None = None,
    keep: Callable[[str], bool] | None = None,
) -> tuple[dict[str, str], Counter[str]]:
    """`read_forms`, and how many running tokens each form has."""
    counts = _read_counts(path, normalise, keep)
    forms = {f: _majority(c) for f, c in counts.items()}
    return forms, Counter({f: sum(c.values()) for f, c in counts.items()})


def evaluate(
    path: Path | str, stemmer: Callable[[str], str] | None = None, by_source: bool = False
) -> dict:
    """Pairwise conflation recall, precision and F1 of `stemmer` (default: `stem`), and
    the token measures (see `score`).
    With `by_source`, the result also has "by_source": {group: {recall, precision, f1,
    forms}} for every group of `SOURCE_GROUPS` plus "other"."""
    if stemmer is None:
        stemmer = stem
    forms, tokens = read_tokens(path)
    result = score(forms, stemmer, tokens)
    if by_source:
        groups = [*SOURCE_GROUPS, OTHER_GROUP]
        result["by_source"] = {}
        for name in groups:
            part_forms, part_tokens = read_tokens(path, keep=_in_group(name))
            part = score(part_forms, stemmer, part_tokens)
            keys = ("recall", "precision", "f1", "forms", "purity", "completeness")
            result["by_source"][name] = {k: part[k] for k in keys}
    return result


def _in_group(name: str) -> Callable[[str], bool]:
    """Chooses the sentences of one source group (for `read_tokens`' `keep`)."""

    def keep(source: str) -> bool:
        return source_group(source) == name

    return keep


def score(
    forms: dict[str, str], stemmer: Callable[[str], str], tokens: Counter[str] | None = None
) -> dict:
    """The pairwise figures of `stemmer` on `forms` (form -> gold lemma), and over the
    running tokens (`tokens`: form -> count; each form once when not given):

    * purity       = tokens whose stem no other gold lemma shares / tokens
    * completeness = tokens whose lemma's forms all share one stem / tokens
    """
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
    weight = tokens if tokens is not None else Counter(dict.fromkeys(forms, 1))
    pure_stems = {s for s, fs in by_stem.items() if len({forms[f] for f in fs}) == 1}
    whole_lemmas = {m for m, fs in by_lemma.items() if len({stems[f] for f in fs}) == 1}
    total = sum(weight[f] for f in forms)
    pure = sum(weight[f] for f in forms if stems[f] in pure_stems)
    whole = sum(weight[f] for f, m in forms.items() if m in whole_lemmas)
    return {
        "recall": recall,
        "precision": precision,
        "f1": f1,
        "forms": len(forms),
        "tokens": total,
        "purity": pure / total if total else 1.0,
        "completeness": whole / total if total else 1.0,
        "pairs_same_lemma": same_lemma,
        "pairs_same_stem": same_stem,
        "pairs_agree": agree,
        "lemma_of": forms,
        "stem_of": stems,
    }


def _groups(result: dict) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(lemma -> its forms, stem -> its forms) of a `score` result."""
    by_lemma: dict[str, list[str]] = defaultdict(list)
    by_stem: dict[str, list[str]] = defaultdict(list)
    for f, lemma in result["lemma_of"].items():
        by_lemma[lemma].append(f)
        by_stem[result["stem_of"][f]].append(f)
    return by_lemma, by_stem


def format_confusions(result: dict, n: int) -> str:
    """The `n` stem classes that cost the most precision (pairs that share the stem but
    not the lemma) and the `n` lemmas split the most (pairs of forms kept apart)."""
    forms: dict[str, str] = result["lemma_of"]
    stems: dict[str, str] = result["stem_of"]
    by_lemma, by_stem = _groups(result)

    def wrong_pairs(fs: list[str]) -> int:
        return _pairs(len(fs)) - sum(_pairs(c) for c in Counter(forms[f] for f in fs).values())

    def split_pairs(fs: list[str]) -> int:
        return _pairs(len(fs)) - sum(_pairs(c) for c in Counter(stems[f] for f in fs).values())

    lines = [f"stem classes that cost the most precision (of {result['pairs_same_stem']} pairs):"]
    merged = sorted(((wrong_pairs(fs), s, fs) for s, fs in by_stem.items()), key=_worst)
    for cost, s, fs in merged[:n]:
        if cost:
            lemmas = Counter(forms[f] for f in fs)
            shown = ", ".join(f"{m} {c}" for m, c in lemmas.most_common())
            lines.append(f"  {s}: {cost} wrong pairs; lemmas {shown}")
    lines.append(f"lemmas split the most (of {result['pairs_same_lemma']} pairs):")
    split = sorted(((split_pairs(fs), m, fs) for m, fs in by_lemma.items()), key=_worst)
    for cost, m, fs in split[:n]:
        if cost:
            keys = Counter(stems[f] for f in fs)
            shown = ", ".join(f"{k} {c}" for k, c in keys.most_common())
            lines.append(f"  {m}: {cost} pairs apart; stems {shown}")
    return "\n".join(lines)


def _worst(item: tuple[int, str, list[str]]) -> tuple[int, str]:
    return (-item[0], item[1])


def format_errors(result: dict, n: int) -> str:
    """Up to `n` false splits (one lemma, several stems) and false merges (one stem,
    several lemmas), the biggest groups first."""
    forms: dict[str, str] = result["lemma_of"]
    stems: dict[str, str] = result["stem_of"]
    by_lemma, by_stem = _groups(result)

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
        f"f1={r['f1']:.3f} purity={r['purity']:.3f} completeness={r['completeness']:.3f} "
        f"forms={r['forms']}"
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
