"""The word layer's spine: which strings are Kazakh dictionary words, and of what kind.

Three shipped word lists, each built by a script from its source (see `data/`):

* `kk_lexicon.txt` (hunspell-kk, `build_lexicon.py`): 37K headwords; nominal words as they
  are, verb stems with a trailing hyphen. Drawn from running text, it also holds some
  inflected forms (туғызып), so a word found only here is trusted with care (see the
  stemmer's `_trusted`).
* `kk_kaznlp.txt` (KazNLP roots with part of speech, `build_kaznlp.py`): 5K roots a
  tagger's annotators settled on, derived words among them (мемлекеттік, басшы, сыртқы).
  These are dictionary words whole.
* `kk_analyses.txt` (KazNLP's corpus-counted analyses): 8K word forms and the root they
  were analysed to most often (сөзді → сөз).

Everything is a frozenset or a dict: every look-up is O(1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.text import suffixes

DATA = Path(__file__).with_name("data")
HUNSPELL_FILE = DATA / "kk_lexicon.txt"
KAZNLP_FILE = DATA / "kk_kaznlp.txt"
ANALYSES_FILE = DATA / "kk_analyses.txt"
FREQ_FILE = DATA / "kk_freq.txt"

NOUN, VERB = "N", "V"


@dataclass(frozen=True)
class Lexicon:
    """`nouns`/`verbs`: every source; `roots`/`root_verbs`: the curated ones (KazNLP),
    which are words whole; `analyses`: form -> (root, N|V); `freq`: news word counts."""

    nouns: frozenset[str]
    verbs: frozenset[str]
    roots: frozenset[str] = frozenset()
    root_verbs: frozenset[str] = frozenset()
    analyses: dict[str, tuple[str, str]] = field(default_factory=dict)
    freq: dict[str, int] = field(default_factory=dict)

    def mapped(self, fn: Callable[[str], str]) -> Lexicon:
        """The same lexicon with every word passed through `fn` (e.g. folded)."""
        return Lexicon(
            frozenset(map(fn, self.nouns)),
            frozenset(map(fn, self.verbs)),
            frozenset(map(fn, self.roots)),
            frozenset(map(fn, self.root_verbs)),
            {fn(f): (fn(r), k) for f, (r, k) in self.analyses.items()},
            {fn(w): n for w, n in self.freq.items()},
        )


def unelided(stem: str) -> str:
    """An elided stem with its narrow vowel put back (ерн → ерін, халқ → халық); any
    other stem as it is. The vowel follows the stem's last vowel."""
    if (
        len(stem) >= 3
        and stem[-1] in suffixes.ELISION_AFTER
        and stem[-2] in suffixes.ELISION_BEFORE
        and stem[-3] in suffixes.VOWELS
    ):
        last = [ch for ch in stem if ch in suffixes.BACK_VOWELS or ch in suffixes.FRONT_VOWELS][-1:]
        vowel = "ы" if last and last[0] in suffixes.BACK_VOWELS else "і"
        return stem[:-1] + vowel + stem[-1]
    return stem


# Possessive endings after which a stem's vowel drops (орн-ы, ерн-іне): a word that is
# an elided stem plus one of these shows the stem is elided.
ELIDED_ENDINGS = frozenset(
    [
        "ы",
        "і",
        "ын",
        "ін",
        "ына",
        "іне",
        "ында",
        "інде",
        "ынан",
        "інен",
        "ының",
        "інің",
        "ым",
        "ім",
        "ың",
        "ің",
        "ымыз",
        "іміз",
        "ыңыз",
        "іңіз",
    ]
)


def elided_stems(words: Iterable[str]) -> frozenset[str]:
    """Stems seen with their vowel dropped before a possessive: «орн» from «орны»,
    «ерн» from «ерніне» (not «жылн» from «жылнама»)."""
    found: set[str] = set()
    for w in words:
        for ending in (w[-k:] for k in (1, 2, 3, 4) if len(w) >= k + 3):
            if ending in ELIDED_ENDINGS:
                stem = w[: -len(ending)]
                if (
                    stem[-1] in suffixes.ELISION_AFTER
                    and stem[-2] in suffixes.ELISION_BEFORE
                    and stem[-3] in suffixes.VOWELS
                ):
                    found.add(stem)
    return frozenset(found)


def is_elision_noun(word: str, elided: frozenset[str]) -> bool:
    """Is `word` (орын, қарын) a noun whose narrow vowel drops, as the text shows
    (орны, қарны) or the grammar lists it? Then it is a word whole, not ор + -ы-н."""
    if word in suffixes.ELISION_NOUNS:
        return True
    return (
        len(word) >= 4
        and word[-2] in suffixes.ELISION_VOWELS
        and unelided(word[:-2] + word[-1]) == word
        and word[:-2] + word[-1] in elided
    )


def _rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    return [ln.split("\t") for ln in text.splitlines() if ln and not ln.startswith("#")]


def read_hunspell(path: Path = HUNSPELL_FILE) -> tuple[set[str], set[str]] | None:
    """(nominal words, verb stems) of the hunspell list, or None when it is missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    nouns: set[str] = set()
    verbs: set[str] = set()
    for line in text.split():
        (verbs if line.endswith("-") else nouns).add(line.rstrip("-"))
    return nouns, verbs


def load(hunspell: Path = HUNSPELL_FILE, data: Path = DATA) -> Lexicon | None:
    """The shipped lexicon; None when not even the hunspell list is present."""
    base = read_hunspell(hunspell)
    if base is None:
        return None
    nouns, verbs = base
    roots: set[str] = set()
    root_verbs: set[str] = set()
    for row in _rows(data / KAZNLP_FILE.name):
        if len(row) == 2:
            (root_verbs if row[1] == VERB else roots).add(row[0])
    nouns |= roots
    verbs |= root_verbs
    analyses = {r[0]: (r[1], r[2]) for r in _rows(data / ANALYSES_FILE.name) if len(r) == 3}
    freq = {r[0]: int(r[1]) for r in _rows(data / FREQ_FILE.name) if len(r) == 2}
    # Nouns whose vowel is seen to drop (орын: орны in the news) are words whole too.
    elided = elided_stems([*nouns, *freq, *analyses])
    roots |= {w for w in nouns if is_elision_noun(w, elided)} | suffixes.ELISION_NOUNS
    nouns |= suffixes.ELISION_NOUNS
    return Lexicon(
        frozenset(nouns), frozenset(verbs), frozenset(roots), frozenset(root_verbs), analyses, freq
    )
