"""Kazakh stemmer: the WORD layer and the ROOT layer, a short driver over the suffix
tables in `indexer.text.suffixes` and the lexicon in `indexer.text.lexicon`.

The word layer (`stem`, what `izde stem` prints): every inflected form of one dictionary
word gets one key, and different dictionary words get different keys. The driver peels
suffixes from the end of the word, group by group as the tables allow (inflection only:
case, possessive, plural, person, tense, participle, converb, negation, passive), and
explores every peeling (a word has few). With the lexicon it keeps the reading that
leaves the best dictionary word (`KazakhStemmer._choose`): KazNLP's counted analysis of
the form when it has one, else the longest known word, curated roots first, so «ақын» is
not «ақ-ын», «мемлекеттік» and «басшы» stay words of their own, «сауда» is not «сау-да».
A key is written as the dictionary has the word: final consonants restored (кітаб →
кітап), a dropped vowel put back (ерн-і → ерін). Verbs are keyed by their stem with a
final ы/і dropped, so «оқы-ды» and «оқ-иды» meet. Without a lexicon the stemmer runs on
its tables alone and keeps the shortest stem that passes the guards (a stem keeps
`MIN_STEM` letters and a vowel).

The root layer (`root`): the key with derivational suffixes peeled while what is left is
a known word (мемлекеттік → мемлекет, жылғы → жыл), for ranking across derivation; never
a bare fragment (ақын's root is ақын).

`folded=True` runs the same tables with the Kazakh letters folded as on a Russian keyboard
(ә→а, ғ→г, қ→к, ң→н, ө→о, ұ→у, ү→у, һ→х, і→и); harmony is only enforced where the folded
letters still decide it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from indexer.text import lexicon as lexicon_mod
from indexer.text import suffixes
from indexer.text.lexicon import Lexicon
from indexer.text.normalize import fold_kazakh

_BACK, _FRONT, _NEUTRAL = 1, 2, 4


def _letter_classes(folded: bool) -> dict[str, int]:
    """Harmony class of each (possibly folded) vowel: the union over the letters that
    fold onto it. A letter whose class is not exactly back or front decides nothing."""
    classes: dict[str, int] = {}
    for letters, cls in (
        (suffixes.BACK_VOWELS, _BACK),
        (suffixes.FRONT_VOWELS, _FRONT),
        (suffixes.NEUTRAL_VOWELS, _NEUTRAL),
        (suffixes.UNDECIDED_VOWELS, _BACK | _FRONT),
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
        letters = {
            "V": suffixes.VOWELS,
            "C": suffixes.CONSONANTS,
            "X": suffixes.VOICELESS,
            "Z": suffixes.VOICED,
        }.get(token, token)
        out.update(letters)
    return frozenset(fold_kazakh(ch) for ch in out) if fold else frozenset(out)


def _suffix_harmony(suffix: str) -> int:
    if any(ch in suffixes.BACK_VOWELS for ch in suffix):
        return _BACK
    if any(ch in suffixes.FRONT_VOWELS for ch in suffix):
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
            forms, after, _note = row[:3]
            options = row[3].split() if len(row) > 3 else []
            cond_after = _expand_after(after, folded)
            min_syl = 2 if "syl2" in options else 1
            lex = "lex" in options
            for suf in forms.split():
                key = fold_kazakh(suf) if folded else suf
                harm = 0 if "free" in options else _suffix_harmony(suf)
                table.setdefault(key, []).append((harm, cond_after, min_syl, lex))
        self.table = {k: tuple(v) for k, v in table.items()}
        self.lengths = sorted({len(k) for k in self.table}, reverse=True)


_Cand = tuple[str, tuple[str, ...], bool]


def load_lexicon(path: Path | None = None) -> Lexicon | None:
    """The shipped lexicon (`indexer.text.lexicon`) with the hunspell list at `path`, or
    None when that list is missing: the stemmer then runs on its tables alone."""
    return lexicon_mod.load(path or suffixes.LEXICON_FILE)


class KazakhStemmer:
    """snowballstemmer-style interface: `stemWord(word)`, `stemWords(words)`.

    `lexicon`: the `Lexicon` that guides the choice among the peelings the tables allow
    (see `_choose`); default: the shipped lexicon when it is present, `False` for none."""

    def __init__(
        self,
        folded: bool = False,
        lexicon: Lexicon | None | bool = True,
    ) -> None:
        self.folded = folded
        fold = fold_kazakh if folded else _same
        self._fold = fold
        self._classes = _letter_classes(folded)
        self._vowels = frozenset(fold(suffixes.VOWELS))
        self._consonants = frozenset(fold(suffixes.CONSONANTS)) - self._vowels
        self._groups = {name: _Group(name, spec, folded) for name, spec in suffixes.GROUPS.items()}
        self._outermost = suffixes.OUTERMOST
        self._roots = frozenset(fold(w) for w in suffixes.ROOTS)
        # Closed classes listed whole: particles and the pronouns' oblique forms.
        self._particles = {
            fold(k): fold(v) for k, v in {**suffixes.PARTICLES, **suffixes.PRONOUNS}.items()
        }
        self._el_before = frozenset(fold(suffixes.ELISION_BEFORE))
        self._el_vowels = frozenset(fold(suffixes.ELISION_VOWELS))
        self._el_after = frozenset(fold(suffixes.ELISION_AFTER))
        self._repair = {
            fold(k): fold(v) for k, v in suffixes.FINAL_REPAIR.items() if fold(k) != fold(v)
        }
        self._final_iy = frozenset(fold("ыі"))
        self._min = suffixes.MIN_STEM
        self._free_endings = tuple(fold(e) for e in suffixes.HARMONY_FREE_ENDINGS)
        self._short_open = frozenset(fold(suffixes.SHORT_OPEN_VOWELS))
        self._verbal = suffixes.VERBAL_GROUPS
        self._agent = tuple(fold(e) for e in suffixes.AGENT_ENDINGS)
        self._verb_making = frozenset({"VERB_DERIV", "VERBALISE"})
        # The word list is read and shaped on the first word stemmed, not at import.
        self._lexicon_source = lexicon
        self._lex: Lexicon | None = None
        self._verbs: frozenset[str] = frozenset()
        self._root_verb_keys: frozenset[str] = frozenset()
        self._lexicon_ready = not lexicon
        self._trust: dict[str, bool] = {}

    def _load_lexicon(self) -> None:
        source = self._lexicon_source
        lex: Lexicon | None
        if source is True:
            lex = _shipped_lexicon()
        elif isinstance(source, Lexicon):
            lex = source
        else:
            lex = None
        if lex is not None:
            if self.folded:
                lex = lex.mapped(fold_kazakh)
            # Verb stems are also compared in the shape the driver writes them (final ы/і
            # dropped, elided vowel left out): оқы- → оқ, қорық- → қорқ.
            self._verbs = lex.verbs | {self._finish(v) for v in lex.verbs}
            self._root_verb_keys = frozenset(self._finish(v) for v in lex.root_verbs)
        self._lex = lex
        self._lexicon_ready = True

    @property
    def has_lexicon(self) -> bool:
        """Whether a word list guides this stemmer (False when it is missing)."""
        if not self._lexicon_ready:
            self._load_lexicon()
        return self._lex is not None

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
                    if lex and self._lex is None:
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

    # -- the lexicon ----------------------------------------------------------------
    def _noun_key(self, stem: str) -> str | None:
        """The dictionary word `stem` is a form of, as a noun: itself (ақын), with its
        final consonant restored (кітаб → кітап) or its dropped vowel put back
        (ерн → ерін, халқ → халық); the restored shapes first, as a Kazakh word does
        not end so (the word lists hold a few such forms: есеб); None when the lexicon
        knows none of them."""
        nouns = self._lex.nouns  # type: ignore[union-attr]  # only called when the lexicon is loaded
        repaired = self._repair.get(stem[-1])
        whole = stem[:-1] + repaired if repaired else stem
        if (
            len(whole) >= 3
            and whole[-1] in self._el_after
            and whole[-2] in self._el_before
            and whole[-3] in self._vowels
        ):
            vowel = "ы" if self._harmony(whole) == _BACK else "і"
            full = whole[:-1] + self._fold(vowel) + whole[-1]
            if full in nouns:
                return full
        if whole in nouns:
            return whole
        return stem if stem in nouns else None

    def _verb_key(self, stem: str) -> str | None:
        """The key of `stem` as a verb (final ы/і dropped: оқы-ды and оқ-иды meet at оқ),
        or None when the lexicon knows no such verb."""
        done = self._finish(stem)
        return done if done in self._verbs or stem in self._verbs else None

    def _trusted(self, word: str) -> bool:
        """May `word`, a listed noun, stand as a dictionary word whole? Always for the
        curated roots; a word of the hunspell list only when the tables cannot read it
        as a form of a listed verb or of a curated root (that list also holds туғызып,
        белгіленген, атым, қарны)."""
        lex = self._lex
        if lex is None or word not in lex.nouns:
            return False
        if word in lex.roots:
            return True
        hit = self._trust.get(word)
        if hit is None:
            hit = not any(
                self._verb_key(stem) is not None
                if self._verbal.intersection(path)
                else self._noun_key(stem) in lex.roots
                for stem, path, _lex in self._peel(word, self._outermost, {})
            )
            self._trust[word] = hit
        return hit

    def _key(self, stem: str, path: tuple[str, ...]) -> str | None:
        """The dictionary word a reading leaves, by the kind the innermost suffix attaches
        to (a verb under a tense, a noun under a case); None when the lexicon knows none."""
        if path and path[-1] in self._verbal:
            return self._verb_key(stem)
        key = self._noun_key(stem)
        if key is not None and (key in self._roots or self._trusted(key)):
            return key
        return None

    def _choose(self, word: str, cands: tuple[_Cand, ...]) -> str:
        """The key of `word`. With a lexicon: KazNLP's counted analysis of this very form
        when it has one; else the best reading that leaves a dictionary word (see
        `_best_reading`). Without a lexicon, or when it knows no reading, the shortest
        stem the tables reach; rows marked "lex" only count with the lexicon."""
        lex = self._lex
        if lex is not None:
            hit = lex.analyses.get(word)
            # A listed agent noun in -ушы stands whole (жазушы "writer", not жаз-ушы),
            # so that its own forms (жазушының) meet it.
            if hit is not None and word.endswith(self._agent) and word in lex.roots:
                hit = None
            if hit is not None:
                root, kind = hit
                got = self._verb_key(root) if kind == "V" else self._noun_key(root)
                return got or self._finish(root)
            best = self._best_reading(word, cands, whole=self._trusted(word))
            if best is not None:
                return best
        best_stem = word
        for stem, path, lexrow in cands:
            if lexrow or len(stem) >= len(best_stem):
                continue
            # With a lexicon, a verb it does not list is unlikely: a word it does not
            # know is read as a noun (финалдық is not финал-ды-қ, "we finaled").
            if lex is not None and self._verbal.intersection(path):
                continue
            best_stem = stem
        return self._finish(best_stem)

    def _best_reading(self, word: str, cands: tuple[_Cand, ...], whole: bool) -> str | None:
        """The key of the best reading that leaves a dictionary word, ranked by (1) the
        word's source: a curated root before a word only hunspell lists, (2) a reading by
        the tables' own rows before one by a lexicon-only row, (3) LENGTH: a known word is
        not cut to a shorter known word (ақын is not ақ + -ын). `whole`: the word itself
        may stand as a noun. A verb's voice suffixes come off too when the verb under
        them is listed (жасал-ды → жаса). None when the lexicon knows no reading."""
        best: tuple[str, tuple[str, ...]] | None = None
        best_key = ""
        best_rank = (0, 0, 0)
        if whole:
            best, best_key = (word, ()), self._noun_key(word) or word
            best_rank = (self._tier(best_key, ()), 1, len(word))
        # The bare word as a verb stem (the imperative: жаса, оқы).
        for stem, path, lexrow in ((word, ("FINITE",), False), *cands):
            key = self._key(stem, path)
            if key is None:
                continue
            rank = (self._tier(key, path), 0 if lexrow else 1, len(stem))
            if rank > best_rank:
                best, best_key, best_rank = (stem, path), key, rank
        if best is None:
            return None
        return self._unvoiced(best, cands) or best_key

    def stemKeys(self, word: str) -> tuple[str, ...]:  # noqa: N802 - named like stemWord
        """The word's key, and a second key when the form has two readings the lexicon
        vouches for: an inflected form of a listed word, and a listed word whole (алып:
        ал + converb, or the noun алып "giant"). The likelier (`stemWord`) first."""
        first = self.stemWord(word)
        if self.folded:
            word = fold_kazakh(word)
        lex = self._lex
        if lex is None or len(word) <= self._min or word in self._roots:
            return (first,)
        if word in self._particles:
            return (first,)
        # Only that way round: a word read whole is not also indexed under a shorter
        # word it might be a form of (ақын is never also ақы + -н). Any listed word
        # counts here, trusted or not (тұзды "salty" is listed; it reads as тұз + -ды).
        if word in lex.nouns:
            whole = self._noun_key(word) or word
            if whole != first:
                return (first, whole)
        return (first,)

    def _tier(self, key: str, path: tuple[str, ...]) -> int:
        """2 for a word of the curated lists (KazNLP), 1 for one only hunspell lists
        (both its nouns and its verbs hold inflected forms: берме-, қалма-)."""
        lex = self._lex
        if path and path[-1] in self._verbal:
            curated = lex.root_verbs  # type: ignore[union-attr]  # _tier runs only with a lexicon
            return 2 if key in curated or key in self._root_verb_keys else 1
        return 2 if key in lex.roots else 1  # type: ignore[union-attr]  # (as above)

    def _unvoiced(self, best: tuple[str, tuple[str, ...]], cands: tuple[_Cand, ...]) -> str | None:
        """The shortest listed verb under the voice suffixes of a verbal reading."""
        stem, path = best
        if not path or path[-1] not in self._verbal:
            return None
        found = None
        for other, opath, _lex in cands:
            if (
                len(other) < len(stem)
                and len(opath) > len(path)
                and opath[: len(path)] == path
                and all(g == "VOICE" for g in opath[len(path) :])
                and (key := self._verb_key(other)) is not None
                and (found is None or len(key) < len(found))
            ):
                found = key
        return found

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
        particle = self._particles.get(word)
        if particle is not None:
            return particle
        if len(word) <= self._min or word in self._roots:
            return word
        if not self._lexicon_ready:
            self._load_lexicon()
        return self._choose(word, self._peel(word, self._outermost, {}))

    def stemWords(self, words: Iterable[str]) -> list[str]:  # noqa: N802
        return [self.stemWord(w) for w in words]

    def rootWord(self, key: str) -> str:  # noqa: N802 - named like stemWord
        """The broad key of a word's key: derivational suffixes peeled while what is
        left is a dictionary word (мемлекеттік → мемлекет, жылғы → жыл); the shortest
        such word. Never a fragment: a noun left must be one the lexicon trusts whole
        (of three letters at least unless curated), a verb one of the curated verbs; a
        key with no such reading is its own root."""
        if not self._lexicon_ready:
            self._load_lexicon()
        lex = self._lex
        if lex is None or len(key) <= self._min or key in self._roots:
            return key
        best = key
        loose = None
        # Voice and verbalisers come off a verb only (ақын is not ақ- + reflexive -ын).
        is_verb = key in self._verbs
        for stem, path, _lex in self._peel(key, suffixes.ROOT_GROUPS, {}):
            if len(stem) >= len(best) or (path[0] in self._verb_making and not is_verb):
                continue
            found = None
            last = path[-1]
            if last not in ("DERIV_VERB", "VERB_DERIV"):
                noun = self._noun_key(stem)
                if noun is not None and self._trusted(noun):
                    found = noun if len(noun) > 2 or noun in lex.roots else None
            if found is None and last != "VERBALISE":
                verb = self._verb_key(stem)
                found = verb if verb is not None and verb in self._verbs else None
            if found is not None and len(found) < len(best):
                best = found
            elif found is None and self._loose_root(stem, path):
                loose = stem if loose is None or len(stem) < len(loose) else loose
        # A word the lexicon does not know (мейоз in мейоздық, a term of science) is the
        # root when it keeps two syllables and five letters: no bare fragment is that long.
        return best if best != key or loose is None else loose

    def _loose_root(self, stem: str, path: tuple[str, ...]) -> bool:
        return (
            all(g == "DERIV" for g in path)
            and len(stem) >= suffixes.LOOSE_ROOT_LETTERS
            and self._syllables(stem) >= 2
            and stem[-1] not in self._repair
        )


def _same(text: str) -> str:
    return text


@lru_cache(maxsize=1)
def _shipped_lexicon() -> Lexicon | None:
    return load_lexicon()


_STEMMER = KazakhStemmer()
_FOLDED = KazakhStemmer(folded=True)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The WORD key of one lower-cased, normalised Kazakh word: every inflected form of
    a dictionary word shares it, different dictionary words do not (cached)."""
    return _STEMMER.stemWord(word)


@lru_cache(maxsize=200_000)
def stem_keys(word: str) -> tuple[str, ...]:
    """The word keys of a form with two readings (сөзді: сөз, сөзді), likelier first;
    one key for most words. `stem(word)` is always the first (cached)."""
    return _STEMMER.stemKeys(word)


@lru_cache(maxsize=200_000)
def stem_folded(word: str) -> str:
    """Cached word key of a word written without Kazakh letters (folded first)."""
    return _FOLDED.stemWord(word)


@lru_cache(maxsize=200_000)
def root(word: str) -> str:
    """The BROAD key of a Kazakh word, for ranking across derivation: a known word
    (мемлекет for мемлекеттік), never a bare fragment (ақын's root is ақын, not ақ).
    Equals `stem(word)` when the word has no derivation the lexicon vouches for."""
    return _STEMMER.rootWord(stem(word))
