"""Build the stemmer's KazNLP word data and news word counts from their sources.

    .venv/bin/python indexer/text/data/build_kaznlp.py [SHARED_DATA_DIR]

SHARED_DATA_DIR (default `../shared/data` next to the repository) holds `kaznlp-morph/`
(KazNLP's morphological model: `md` roots with their part of speech, `lkps` word forms with
corpus-counted segmentations; CC BY-SA 4.0) and `kaznerd/sentences-valid.txt` (TV news
sentences, CC BY 4.0). Written here:

* `kk_kaznlp.txt`: dictionary words, one a line, `word<TAB>N` (a nominal: noun, adjective,
  numeral, pronoun, adverb, name) or `word<TAB>V` (a verb stem). KazNLP writes roots as they
  appear before a vowel (кітаб, аяғ); they are written here as the dictionary has them
  (кітап, аяқ).
* `kk_analyses.txt`: `form<TAB>root<TAB>N|V`, the analysis KazNLP's corpus gave a word
  form most often, for forms that are not their own root (сөзді → сөз, әлемдегі → әлем).
* `kk_freq.txt`: `word<TAB>count`, lower-cased words of the news sentences met at least
  twice. Counted on KazNERD only, never on an evaluation set.

Both KazNLP files keep KazNLP's attribution and licence in their header lines (`# ...`).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SHARED = HERE.parents[3] / "shared" / "data"

ATTRIBUTION = """\
# Derived from KazNLP's morphological model data (github nlacslab/kaznlp, commit 7f8aa1e,
# kaznlp/morphology/mdl/: md and lkps), by the National Laboratory Astana, Nazarbayev
# University. Licence: CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/);
# this derived file is distributed under the same licence. Cite: Makazhanov A.,
# Sultangazina A., Makhambetov O., Yessenbayev Zh., "Syntactic Annotation of Kazakh:
# Following the Universal Dependencies Guidelines". Changes: roots written with their
# dictionary final consonant (б→п, г→к, ғ→қ), lower-cased, NFC; built by build_kaznlp.py.
"""

# KazNLP root tags: R_ET* are verbs (ET, ETK auxiliary, ETP, ETPK, ETB); the nominal ones
# are nouns, names, adjectives, numerals, pronouns, adverbs. Others (punctuation,
# particles, interjections, symbols) are not words a stem can end in.
NOMINAL_TAGS = frozenset({"R_ZE", "R_ZEQ", "R_SE", "R_SN", "R_SIM", "R_US", "R_OS"})
VERB_TAG_PREFIX = "R_ET"
# KazNLP's voice tags that make a verb of its own (the treebank's lemmas keep them):
# V4 causative, V3 reciprocal. The passive (V2) and reflexive (V1) stay forms of the verb.
VERB_MAKING = frozenset({"V3", "V4"})
# The privative -сыз (ABE) makes an adjective of its own too (тілсіз, жансыз).
NOUN_MAKING = frozenset({"ABE"})
REPAIR = {"б": "п", "г": "к", "ғ": "қ"}
# Vowel elision: KazNLP writes орн, ауз, халқ where the dictionary has орын, ауыз, халық.
ELIDED = re.compile(r"(?<=[аәеоөұүыіэюяёиу][рлйу])(?=[нзқкп]$)")
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def _norm(word: str) -> str:
    return unicodedata.normalize("NFC", word).lower()


def _kind(tag: str) -> str | None:
    if tag.startswith(VERB_TAG_PREFIX):
        return "V"
    return "N" if tag in NOMINAL_TAGS else None


def _dictionary_form(root: str, known: frozenset[str] = frozenset()) -> str:
    """KazNLP's surface root (кітаб, орн) as the dictionary writes it (кітап, орын):
    the final consonant restored, and the elided vowel put back when `known` has that."""
    root = root[:-1] + REPAIR[root[-1]] if root and root[-1] in REPAIR else root
    if ELIDED.search(root):
        last = [ch for ch in root if ch in "аоұыяёәеөүі"][-1:]
        full = ELIDED.sub("ы" if last and last[0] in "аоұыяё" else "і", root)
        if full in known:
            return full
    return root


def _is_word(word: str) -> bool:
    return bool(WORD.fullmatch(word)) and len(word) >= 2


def _root_of(analysis: str) -> tuple[str, str] | None:
    """(root, N|V) of one analysis; a verb's causative and reciprocal suffixes stay on
    it (кел-тір-іп → келтір, айт-ыс-ты → айтыс): they make another verb; so does a
    noun's privative (тіл-сіз)."""
    head, *rest = analysis.split(" ")
    root, sep, tag = head.rpartition("_R_")
    kind = _kind("R_" + tag) if sep else None
    if kind is None:
        return None
    making = VERB_MAKING if kind == "V" else NOUN_MAKING
    for morph in rest:
        surface, _, mtag = morph.rpartition("_")
        if mtag not in making:
            break
        root += surface
    return _norm(root), kind


def known_nouns(md: Path, lkps: Path, hunspell: Path) -> frozenset[str]:
    """Nominal words as written whole: KazNLP's nominal roots and hunspell's headwords."""
    words = {_norm(m) for m, t, _ in _tab_rows(md) if _kind(t) == "N"}
    words |= {g[0] for row in _tab_rows(lkps) if (g := _root_of(row[1])) and g[1] == "N"}
    if hunspell.exists():
        words |= {w for w in hunspell.read_text(encoding="utf-8").split() if w[-1] != "-"}
    return frozenset(words)


def _tab_rows(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        rows.append((cols[0], cols[1].strip() if len(cols) > 1 else "", "\t".join(cols[2:])))
    return rows


def _form(root: str, kind: str, known: frozenset[str]) -> str:
    return _dictionary_form(root, known if kind == "N" else frozenset())


def roots(md: Path, lkps: Path, known: frozenset[str]) -> dict[str, set[str]]:
    """word -> {"N", "V"}: the roots of `md` and those the analyses of `lkps` name."""
    found: dict[str, set[str]] = defaultdict(set)
    for morph, tag, _ in _tab_rows(md):
        kind = _kind(tag)
        word = _norm(morph)
        if kind and _is_word(word):
            found[_form(word, kind, known)].add(kind)
    for _, analysis, _count in _tab_rows(lkps):
        got = _root_of(analysis)
        if got and _is_word(got[0]):
            found[_form(got[0], got[1], known)].add(got[1])
    return found


def analyses(lkps: Path, known: frozenset[str]) -> dict[str, tuple[str, str]]:
    """form -> (root, kind) most often counted, for forms longer than their root."""
    votes: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for form, analysis, count in _tab_rows(lkps):
        form, got = _norm(form), _root_of(analysis)
        if got and count.isdigit() and _is_word(form) and _is_word(got[0]):
            votes[form][(_form(got[0], got[1], known), got[1])] += int(count)
    out = {}
    for form, counts in votes.items():
        (root, kind), _n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if root != form:
            out[form] = (root, kind)
    return out


def frequencies(sentences: Path, least: int = 2) -> Counter[str]:
    counts = Counter(_norm(w) for w in WORD.findall(sentences.read_text(encoding="utf-8")))
    return Counter({w: n for w, n in counts.items() if n >= least})


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else DEFAULT_SHARED
    morph, news = shared / "kaznlp-morph", shared / "kaznerd" / "sentences-valid.txt"
    if not (morph / "md").exists() or not news.exists():
        print(f"{morph}/md or {news} not found", file=sys.stderr)
        return 1
    known = known_nouns(morph / "md", morph / "lkps", HERE / "kk_lexicon.txt")
    words = roots(morph / "md", morph / "lkps", known)
    rows = [f"{w}\t{k}" for w in sorted(words) for k in sorted(words[w])]
    (HERE / "kk_kaznlp.txt").write_text(ATTRIBUTION + "\n".join(rows) + "\n", encoding="utf-8")
    found = analyses(morph / "lkps", known)
    rows = [f"{f}\t{r}\t{k}" for f, (r, k) in sorted(found.items())]
    (HERE / "kk_analyses.txt").write_text(ATTRIBUTION + "\n".join(rows) + "\n", encoding="utf-8")
    freq = frequencies(news)
    rows = [f"{w}\t{n}" for w, n in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))]
    header = "# Word counts of KazNERD's validation sentences (IS2AI/KazNERD, CC BY 4.0).\n"
    (HERE / "kk_freq.txt").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(words)} roots, {len(found)} analysed forms, {len(freq)} counted words")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
