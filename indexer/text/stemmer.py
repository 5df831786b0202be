"""Kazakh stemmer: a short driver over the suffix tables in `indexer.text.suffixes`.

The driver peels suffixes from the end of the word, group by group as the tables allow,
explores every peeling the tables permit (a word has few), and keeps the shortest stem
that passes the guards (a stem keeps `MIN_STEM` letters and a vowel). Then it undoes
final-consonant alternations (кітаб → кітап) and drops a final ы/і left after a
consonant, so «оқы-ды» and «оқ-иды» meet.

When the word list `data/kk_lexicon.txt` (from hunspell-kk) is present, it guides the
choice among the peelings instead (see `KazakhStemmer._choose`): «сауда» is not «сау-да»,
«бастады» is «баста-ды». Without it the stemmer runs on its tables alone.

`folded=True` runs the same tables with the Kazakh letters folded as on a Russian keyboard
(ә→а, ғ→г, қ→к, ң→н, ө→о, ұ→у, ү→у, һ→х, і→и); harmony is only enforced where the folded
letters still decide it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from indexer.text import suffixes as S

try:  # the shared normaliser owns fold_kazakh once it lands
    from indexer.text.normalize import fold_kazakh
except ImportError:  # pragma: no cover - until indexer/text/normalize.py exists

    def fold_kazakh(text: str) -> str:
        """ә→а ғ→г қ→к ң→н ө→о ұ→у ү→у һ→х і→и, as typed on a Russian keyboard."""
        return text.translate(S.FOLD)


_BACK, _FRONT, _NEUTRAL = 1, 2, 4


def _letter_classes(folded: bool) -> dict[str, int]:
    """Harmony class of each (possibly folded) vowel: the union over the letters that
    fold onto it. A letter whose class is not exactly back or front decides nothing."""
    classes: dict[str, int] = {}
    for letters, cls in (
        (S.BACK_VOWELS, _BACK),
        (S.FRONT_VOWELS, _FRONT),
        (S.NEUTRAL_VOWELS, _NEUTRAL),
        (S.UNDECIDED_VOWELS, _BACK | _FRONT),
    ):
        for ch in letters:
            key = fold_kazakh(ch) if folded else ch
            classes[key] = classes.get(key, 0) | cls
    return classes


def _expand_after(spec: str, fold: bool) -> frozenset[str] | None:
    """The set of letters a stem may end with; None means any."""
    out: set[str] = set()
    for token in spec.split():
        if token == "*":
            return None
        letters = {"V": S.VOWELS, "C": S.CONSONANTS, "X": S.VOICELESS, "Z": S.VOICED}.get(
            token, token
        )
        out.update(letters)
    return frozenset(fold_kazakh(ch) for ch in out) if fold else frozenset(out)


def _suffix_harmony(suffix: str) -> int:
    if any(ch in S.BACK_VOWELS for ch in suffix):
        return _BACK
    if any(ch in S.FRONT_VOWELS for ch in suffix):
        return _FRONT
    return 0


class _Group:
    __slots__ = ("name", "inward", "needs_inward", "table", "lengths")

    def __init__(self, name: str, spec: dict, folded: bool) -> None:
        self.name = name
        self.inward: tuple[str, ...] = spec["inward"]
        self.needs_inward: bool = spec.get("needs_inward", False)
        # suffix -> tuple of (harmony, letters the stem may end with, syllables it keeps,
        # lexicon-only row)
        table: dict[str, list[tuple[int, frozenset[str] | None, int, bool]]] = {}
        for row in spec["rows"]:
            suffixes, after, _note = row[:3]
            options = row[3].split() if len(row) > 3 else []
            cond_after = _expand_after(after, folded)
            min_syl = 2 if "syl2" in options else 1
            lex = "lex" in options
            for suf in suffixes.split():
                key = fold_kazakh(suf) if folded else suf
                harm = 0 if "free" in options else _suffix_harmony(suf)
                table.setdefault(key, []).append((harm, cond_after, min_syl, lex))
        self.table = {k: tuple(v) for k, v in table.items()}
        self.lengths = sorted({len(k) for k in self.table}, reverse=True)


_Cand = tuple[str, tuple[str, ...], bool]


def load_lexicon(path: Path | None = None) -> tuple[frozenset[str], frozenset[str]] | None:
    """(nominal words, verb stems) from the word list (`S.LEXICON_FILE`), or None
    when it is missing: the stemmer then runs on its tables alone."""
    path = path or S.LEXICON_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    nouns: set[str] = set()
    verbs: set[str] = set()
    for line in text.split():
        if line.endswith("-"):
            verbs.add(line[:-1])
        else:
            nouns.add(line)
    return frozenset(nouns), frozenset(verbs)


class KazakhStemmer:
    """snowballstemmer-style interface: `stemWord(word)`, `stemWords(words)`.

    `lexicon`: (nominal words, verb stems) that guide the choice among the peelings the
    tables allow (see `_choose`); default: the shipped word list when it is present,
    `False` for none."""

    def __init__(
        self,
        folded: bool = False,
        lexicon: tuple[Iterable[str], Iterable[str]] | None | bool = True,
    ) -> None:
        self.folded = folded
        fold = fold_kazakh if folded else (lambda s: s)
        self._classes = _letter_classes(folded)
        self._vowels = frozenset(fold(S.VOWELS))
        self._consonants = frozenset(fold(S.CONSONANTS)) - self._vowels
        self._groups = {name: _Group(name, spec, folded) for name, spec in S.GROUPS.items()}
        self._outermost = S.OUTERMOST
        self._roots = frozenset(fold(w) for w in S.ROOTS)
        self._el_before = frozenset(fold(S.ELISION_BEFORE))
        self._el_vowels = frozenset(fold(S.ELISION_VOWELS))
        self._el_after = frozenset(fold(S.ELISION_AFTER))
        self._repair = {fold(k): fold(v) for k, v in S.FINAL_REPAIR.items() if fold(k) != fold(v)}
        self._final_iy = frozenset(fold("ыі"))
        self._min = S.MIN_STEM
        self._free_endings = tuple(fold(e) for e in S.HARMONY_FREE_ENDINGS)
        self._short_open = frozenset(fold(S.SHORT_OPEN_VOWELS))
        self._verbal = S.VERBAL_GROUPS
        self._untrusting = S.VERBAL_GROUPS | {"NDERIV"}
        # The word list is read and shaped on the first word stemmed, not at import.
        self._lexicon_source = lexicon
        self._lexicon: tuple[frozenset[str], frozenset[str]] | None = None
        self._lexicon_ready = not lexicon

    def _load_lexicon(self) -> None:
        lexicon = self._lexicon_source
        if lexicon is True:
            lexicon = _shipped_lexicon()
        if lexicon:
            fold = fold_kazakh if self.folded else (lambda s: s)
            nouns, verbs = ({fold(w) for w in ws} for ws in lexicon)  # type: ignore[union-attr]
            # Verb stems are also compared in the shape the driver writes stems (final
            # ы/і dropped: оқы- → оқ). Nouns only where that shape is not a mere drop
            # of the last vowel (орын → орн, кітап stays): the list holds inflected forms
            # such as «жарияланады» whose shape «жарияланад» would pass as a noun.
            verbs |= {self._finish(w) for w in verbs}
            nouns |= {done for w in nouns if (done := self._finish(w)) != w[:-1]}
            self._lexicon = (frozenset(nouns), frozenset(verbs))
        self._lexicon_ready = True

    @property
    def has_lexicon(self) -> bool:
        """Whether a word list guides this stemmer (False when it is missing)."""
        if not self._lexicon_ready:
            self._load_lexicon()
        return self._lexicon is not None

    # -- conditions -----------------------------------------------------------------
    def _harmony(self, stem: str) -> int:
        """Back/front class of the stem's last deciding vowel; 0 when undecided."""
        classes = self._classes
        # Loans in к/г (банк-тің) and surnames in -ев (Тоқаев-тың) harmonise either way.
        if stem.endswith(self._free_endings):
            return 0
        for ch in reversed(stem):
            cls = classes.get(ch)
            if cls is None or cls == _NEUTRAL:
                continue
            return cls if cls in (_BACK, _FRONT) else 0
        return 0

    def _syllables(self, stem: str) -> int:
        vowels = self._vowels
        return sum(1 for ch in stem if ch in vowels)

    def _stem_ok(self, stem: str) -> bool:
        n = len(stem)
        if n < self._min:
            return False
        vowels = self._vowels
        if n == 2 and stem[0] not in vowels:
            return stem[1] in self._short_open
        return any(ch in vowels for ch in stem)

    # -- search ---------------------------------------------------------------------
    def _peel(self, word: str, groups: tuple[str, ...], memo: dict) -> tuple[_Cand, ...]:
        """Every stem the tables reach from `word` through `groups`, depth first, each as
        (stem, groups of the suffixes peeled, outermost first; taken by a lexicon-only row)."""
        key = (word, groups)
        found = memo.get(key)
        if found is not None:
            return found
        out: list[_Cand] = []
        if word in self._roots:
            memo[key] = ()
            return ()
        n = len(word)
        for name in groups:
            group = self._groups[name]
            table = group.table
            for length in group.lengths:
                if length >= n:
                    continue
                conds = table.get(word[-length:])
                if conds is None:
                    continue
                stem = word[:-length]
                if not self._stem_ok(stem):
                    continue
                last = stem[-1]
                for harm, after, min_syl, lex in conds:
                    if after is not None and last not in after:
                        continue
                    if harm:
                        h = self._harmony(stem)
                        if h and h != harm:
                            continue
                    if min_syl > 1 and self._syllables(stem) < min_syl:
                        continue
                    if lex and self._lexicon is None:
                        continue
                    inner = self._peel(stem, group.inward, memo)
                    if not group.needs_inward:
                        out.append((stem, (name,), lex))
                    elif not inner:
                        break
                    out.extend((s, (name, *path), gated or lex) for s, path, gated in inner)
                    break
        found = tuple(out)
        memo[key] = found
        return found

    def _known(self, stem: str, group: str) -> bool:
        """Is `stem` a lexicon word of the kind the innermost suffix `group` attaches to
        (a verb under a tense or participle, a noun under a case ending)? "" = any."""
        nouns, verbs = self._lexicon  # type: ignore[misc]
        if group in self._verbal:
            return stem in verbs
        if group:
            return stem in nouns
        return stem in nouns or stem in verbs

    def _choose(self, word: str, cands: tuple[_Cand, ...]) -> str:
        """Without a lexicon the shortest stem wins. With one, the shortest stem the
        lexicon knows as the right kind of word for the suffix peeled last; rows marked
        "lex" only count then; when it knows none, the shortest stem as before.
        The word itself counts as known only when the tables cannot read it as a verb
        form or a derivation: the word list also holds many inflected verb forms
        (туғызып, белгіленген) that must not stop the peeling."""
        finish = self._finish
        if self._lexicon is not None:
            best = best_done = None
            trust_word = not any(self._untrusting.intersection(path) for _s, path, _l in cands)
            for stem, path, _lex in ((word, (), False), *cands):
                if best is not None and len(stem) >= len(best):
                    continue
                done = finish(stem)
                if path:
                    ok = self._known(done, path[-1]) or self._known(stem, path[-1])
                else:
                    ok = trust_word and (self._known(done, "") or self._known(stem, ""))
                if ok:
                    best, best_done = stem, done
            if best_done is not None:
                return best_done
        best = word
        for stem, _path, lex in cands:
            if not lex and len(stem) < len(best):
                best = stem
        return finish(best)

    def _finish(self, stem: str) -> str:
        if stem in self._roots:
            return stem
        # A final ы/і after a consonant is the stem vowel of оқы-, есті- or a 3rd
        # possessive the tables could not see: «оқы-ған» and «оқ-иды» meet at «оқ».
        if (
            len(stem) > self._min
            and stem[-1] in self._final_iy
            and stem[-2] in self._consonants
            and self._stem_ok(stem[:-1])
        ):
            stem = stem[:-1]
        repaired = self._repair.get(stem[-1]) if stem else None
        if repaired:
            stem = stem[:-1] + repaired
        # орын / орны-: write the stem without the vowel that elides.
        if (
            len(stem) >= 4
            and stem[-1] in self._el_after
            and stem[-2] in self._el_vowels
            and stem[-3] in self._el_before
            and stem[-4] in self._vowels
        ):
            stem = stem[:-2] + stem[-1]
        return stem

    def stemWord(self, word: str) -> str:  # noqa: N802 - snowball's name
        if self.folded:
            word = fold_kazakh(word)
        if len(word) <= self._min or word in self._roots:
            return word
        if not self._lexicon_ready:
            self._load_lexicon()
        return self._choose(word, self._peel(word, self._outermost, {}))

    def stemWords(self, words: Iterable[str]) -> list[str]:  # noqa: N802
        return [self.stemWord(w) for w in words]


@lru_cache(maxsize=1)
def _shipped_lexicon() -> tuple[frozenset[str], frozenset[str]] | None:
    return load_lexicon()


_STEMMER = KazakhStemmer()
_FOLDED = KazakhStemmer(folded=True)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Cached stem of one lower-cased, normalised Kazakh word."""
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=200_000)
def stem_folded(word: str) -> str:
    """Cached stem of a word written without Kazakh letters (folded first)."""
    return _FOLDED.stemWord(word)


@lru_cache(maxsize=200_000)
def root(word: str) -> str:
    """The broad key of a Kazakh word, for ranking across derivation: a known word
    (мемлекет for мемлекеттік), never a bare fragment. Same as `stem` until the root layer
    is built."""
    return stem(word)
