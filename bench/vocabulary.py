"""A seeded Kazakh vocabulary with a realistic tail: inflected lexicon words, drawn by rank.

Why: the benchmark corpora recombine 11K news sentences (`bench.corpus`), so however many
paragraphs they make, their index has about 9K distinct word keys. Real text of a million
paragraphs has hundreds of thousands (Heaps' law), and a small term dictionary flatters
every latency figure. This module makes the missing tail:

- **Roots**: the hunspell-kk word list the stemmer ships (`indexer/text/data/kk_lexicon.txt`:
  nouns as they are, verbs with a trailing hyphen) and the roots of KazNLP's morpheme
  dictionary (`../shared/data/kaznlp-morph/md`: R_ZE/R_SE/R_US nouns and adjectives, R_ET
  verbs, R_ZEQ proper names; CC BY-SA 4.0, read at run time, nothing of it is shipped).
- **Lexemes** (one word key each, as the word layer keeps derivation): a root, or a root
  with derivational suffixes (-лық, -шы, -сыз, -лы, -ла, causative -дыр, verbal nouns
  -ым, -ыс, ...; each root takes a seeded few of those its class allows), and person names
  (listed names, names + -ов/-ев, two-part names).
- **Ranks**: lexemes are ordered once with a fixed seed (the language does not change with
  the corpus seed): roots the KazNERD counts know come first, derived words later on
  average, each shuffled by a random factor. `draw()` takes lexemes with Zipf-Mandelbrot
  weights 1/(rank + Q)^S, so the number of distinct ones grows with the number of draws the
  way real vocabularies do.
- **Forms**: each drawn lexeme is inflected with a seeded paradigm (plural, possessive, case
  for nominals; voice, negation, tense, person, participles for verbs) that respects vowel
  harmony (the stem's last back or front vowel picks the variant) and the sound at the join
  (-ға after vowels and voiced sounds, -қа after voiceless ones; п к қ become б г ғ before
  a vowel: кітабы).

The harmonic variants and join conditions of most suffixes are read from the stemmer's
tables (`indexer.text.suffixes.GROUPS`, read-only, as data); a few that the tables give
only as broad peeling conditions (-мен/-бен/-пен, the ablative after nasals, derivation
the word layer keeps) are listed here.

    python -m bench.vocabulary [N]      # the lexicon's size and N sample forms
"""

from __future__ import annotations

import itertools
import math
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from indexer.text import suffixes as sx

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "indexer" / "text" / "data"
LEXICON = DATA / "kk_lexicon.txt"
FREQ = DATA / "kk_freq.txt"
KAZNLP_MD = REPO.parent / "shared" / "data" / "kaznlp-morph" / "md"

# The vocabulary's own seed: ranks and derivations are a property of the "language", the
# same for every corpus seed.
LANGUAGE_SEED = 20_260_104
ZIPF_S = 1.0  # Zipf exponent of the rank-frequency law (about 1 in natural text)
ZIPF_Q = 2.7  # Mandelbrot's shift: flattens the very top ranks a little
# The size of the vocabulary: about 335K lexemes, so that the ~4.7M draws of a 1M-paragraph
# corpus meet some 300K of them (a Zipfian sample keeps finding new ones) while 10K
# paragraphs meet some 20K; the index then holds ~510K distinct terms at 1M, 27K at 10K
# (`python -m bench.heaps`, README).
DERIVATIONS_PER_ROOT = (1, 2, 3, 4, 5, 6)  # drawn per derivable root (of 8 derivations)
SECOND_DERIVATION_P = 0.4  # a derived noun derived again (басшы-лық)
NAME_COMPOUNDS = 150_000  # two-part personal names drawn (news is full of names)
NOUN_COMPOUNDS = 60_000  # two nouns written as one word (теміржол, кәсіпорын)

_KAZAKH_WORD = re.compile(r"^[а-яәіңғүұқөһё]{2,}$")

# A row: (harmonic variants, join condition) in the notation of `indexer.text.suffixes`
# (V vowel, C consonant, X voiceless, Z voiced, * anything, else literal letters), plus
# "free" for a suffix that does not harmonise.
Row = tuple[tuple[str, ...], tuple[str, ...], bool]
Morpheme = tuple[Row, ...]


def _row(variants: str, after: str, free: bool = False) -> Row:
    return (tuple(variants.split()), tuple(after.split()), free)


def _table(group: str, *variant_sets: str) -> Morpheme:
    """The stemmer's rows with these variant strings, in this order: from table `group`,
    else from whichever table holds them now (the tables get reorganised)."""
    rows = {r[0]: r for g in sx.GROUPS.values() for r in g["rows"]}
    rows.update({r[0]: r for r in sx.GROUPS.get(group, {}).get("rows", ())})
    out = []
    for v in variant_sets:
        if v not in rows:
            raise LookupError(f"suffix row {v!r} is gone from indexer.text.suffixes.GROUPS")
        r = rows[v]
        out.append(_row(r[0], r[1], len(r) > 3 and "free" in r[3].split()))
    return tuple(out)


# -- the morphemes -----------------------------------------------------------------------
# Nominal inflection.
PLURAL = _table("PLURAL", "лар лер", "дар дер", "тар тер")
POSS3 = _table("POSS", "ы і") + (_row("сы сі", "V"),)
POSS1 = (_row("ым ім", "C"), _row("м", "V"))
POSS2 = (_row("ың ің", "C"), _row("ң", "V"))
POSS1PL = _table("POSS", "ымыз іміз", "мыз міз")
POSS2POL = _table("POSS", "ыңыз іңіз", "ңыз ңіз")
GEN = _table("CASE", "ның нің", "дың дің", "тың тің")
ACC = _table("CASE", "ны ні", "ды ді", "ты ті")
DAT = _table("CASE", "ға ге", "қа ке")
LOC = _table("CASE", "да де", "та те")
ABL = (_row("нан нен", "м н ң"),) + _table("CASE", "дан ден", "тан тен")
INS = (_row("мен", "V м н ң р л й у", True), _row("бен", "ж з", True), _row("пен", "X", True))
ATTR = _table("CASE", "дағы дегі", "тағы тегі")
SIM = _table("CASE", "дай дей", "тай тей")
# Cases after the 3rd-person possessive (басы-ның, басы-н, басы-на, басы-нда, басы-нан).
GEN_P = (_row("ның нің", "*"),)
ACC_P = (_row("н", "*"),)
DAT_P = (_row("на не", "*"),)
LOC_P = (_row("нда нде", "*"),)
ABL_P = (_row("нан нен", "*"),)
ATTR_P = (_row("ндағы ндегі", "*"),)
# After the 1st/2nd singular possessive the dative is a bare vowel: басыма, еліңе.
DAT_12 = (_row("а е", "*"),)

# Verbal inflection.
PASSIVE = _table("VOICE", "ыл іл", "л")
NEG = _table("NEG", "ма ме", "ба бе", "па пе")
PAST = _table("PAST_COND", "ды ді", "ты ті")
COND = _table("PAST_COND", "са се")
# Short personal endings, only after the past -ды or the conditional -са (келді-м, барса-қ).
SHORT_PERSON = tuple((_row(v, "*"),) for v in ("м", "ң", "қ к", "ңыз ңіз", "ңдар ңдер"))
PERSON = (
    _table("PERSON", "мын мін", "бын бін", "пын пін"),
    _table("PERSON", "сың сің"),
    _table("PERSON", "мыз міз", "быз біз", "пыз піз"),
    (_row("сыз сіз", "*"),),
)
PRESENT3 = _table("FINITE", "ады еді", "йды йді")
PRESENT = _table("PRESENT", "а е", "й")
PARTICIPLE = _table("PARTICIPLE", "ған ген", "қан кен")
HABITUAL = _table("PARTICIPLE", "атын етін", "йтын йтін")
VERBAL_NOUN = _table("PARTICIPLE", "у")
AGENT = _table("PARTICIPLE", "ушы уші")
CONVERB = _table("FINITE", "ып іп") + (_row("п", "V"),)
NEG_CONVERB = _table("FINITE", "май мей", "бай бей", "пай пей")
INTENTION = _table("PARTICIPLE", "мақ мек", "бақ бек", "пақ пек")

# Derivation: a new word (a new word key: the word layer keeps derivation).
NOUN_DERIVATIONS: dict[str, tuple[Morpheme, str]] = {
    "лық": (_table("DERIV", "лық лік", "дық дік", "тық тік"), "noun"),
    "шы": (_table("DERIV", "шы ші"), "noun"),
    "сыз": (_table("DERIV", "сыз сіз"), "noun"),
    "лы": (_table("DERIV", "лы лі", "ды ді", "ты ті"), "noun"),
    "гер": ((_row("гер", "V Z", True), _row("кер", "X", True)), "noun"),
    "дас": ((_row("лас лес", "V р й у"), _row("дас дес", "Z"), _row("тас тес", "X")), "noun"),
    "ла": ((_row("ла ле", "V р й у"), _row("да де", "Z"), _row("та те", "X")), "verb"),
    "лан": ((_row("лан лен", "V р й у"), _row("дан ден", "Z"), _row("тан тен", "X")), "verb"),
}
VERB_DERIVATIONS: dict[str, tuple[Morpheme, str]] = {
    "дыр": ((_row("т", "V"), _row("дыр дір", "Z"), _row("тыр тір", "X")), "verb"),
    "ғыз": ((_row("ғыз гіз", "V Z"), _row("қыз кіз", "X")), "verb"),
    "ын": ((_row("н", "V"), _row("ын ін", "C")), "verb"),
    "ыс": ((_row("с", "V"), _row("ыс іс", "C")), "verb"),
    "ым": ((_row("м", "V"), _row("ым ім", "C")), "noun"),
    "ғыш": ((_row("ғыш гіш", "V Z"), _row("қыш кіш", "X")), "noun"),
    "ма": (_table("NEG", "ма ме", "ба бе", "па пе"), "noun"),
    "ылыс": ((_row("лыс ліс", "V"), _row("ылыс іліс", "C")), "noun"),
}
# A second derivation on a derived noun (басшы-лық, жан-сыз-дық): the two common ones.
SECOND_DERIVATIONS = ("лық", "сыз")


# -- sounds --------------------------------------------------------------------------------


def is_back(stem: str) -> bool:
    """The stem's harmony: its last back or front vowel decides (у ю и do not); back when
    it has neither."""
    for ch in reversed(stem):
        if ch in sx.BACK_VOWELS:
            return True
        if ch in sx.FRONT_VOWELS:
            return False
    return True


def _fits(cond: str, last: str) -> bool:
    if cond == "*":
        return True
    if cond == "V":
        return last in sx.VOWELS
    if cond == "C":
        return last in sx.CONSONANTS
    if cond == "X":
        return last in sx.VOICELESS
    if cond == "Z":
        return last in sx.VOICED
    return last in cond


def _variant_fits(variant: str, back: bool) -> bool:
    for ch in variant:
        if ch in sx.BACK_VOWELS:
            return back
        if ch in sx.FRONT_VOWELS:
            return not back
    return True  # no vowel (-м, -ң, -у): fits any stem


_VOICING = {"п": "б", "к": "г", "қ": "ғ"}


def attach(stem: str, morpheme: Morpheme, pick: int = 0) -> str:
    """stem + the morpheme's variant for its harmony and its last sound.

    A row whose condition names the last letter itself wins over one that names its class
    (-ның after м, not -дың); `pick` chooses among harmonic variants that fit equally
    (-ңдар / -ңыздар). п к қ voice before a vowel (кітап → кітабы). No row fitting: the
    stem unchanged."""
    last = stem[-1]
    row = None
    for r in morpheme:
        if any(len(c) == 1 and c not in "VCXZ*" and c == last for c in r[1]):
            row = r
            break
    if row is None:
        row = next((r for r in morpheme if any(_fits(c, last) for c in r[1])), None)
    if row is None:
        return stem
    variants, _, free = row
    back = is_back(stem)
    fitting = [v for v in variants if free or _variant_fits(v, back)] or list(variants)
    suffix = fitting[pick % len(fitting)]
    if suffix[0] in sx.VOWELS and last in _VOICING and len(stem) > 2:
        stem = stem[:-1] + _VOICING[last]
    return stem + suffix


# -- the lexicon ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Roots:
    nouns: tuple[str, ...]
    verbs: tuple[str, ...]
    names: tuple[str, ...]


def _has_vowel(w: str) -> bool:
    return any(ch in sx.VOWELS for ch in w)


@lru_cache(maxsize=2)
def load_roots(lexicon: Path = LEXICON, kaznlp: Path | None = KAZNLP_MD) -> Roots:
    """Nouns (and adjectives, adverbs), verbs and names from the hunspell list and the
    KazNLP morpheme dictionary (when it is there), sorted, each once."""
    nouns: set[str] = set()
    verbs: set[str] = set()
    names: set[str] = set()
    with open(lexicon, encoding="utf-8") as fh:
        for line in fh:
            w = line.strip()
            if not w or w.startswith("#"):
                continue
            verb = w.endswith("-")
            w = w.rstrip("-")
            if _KAZAKH_WORD.match(w) and _has_vowel(w):
                (verbs if verb else nouns).add(w)
    if kaznlp is not None and Path(kaznlp).is_file():
        kinds = {"R_ZE": nouns, "R_SE": nouns, "R_US": nouns, "R_ET": verbs, "R_ZEQ": names}
        with open(kaznlp, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 2 and parts[1] in kinds:
                    w = parts[0].strip().lower()
                    if _KAZAKH_WORD.match(w) and _has_vowel(w):
                        kinds[parts[1]].add(w)
    return Roots(tuple(sorted(nouns - verbs)), tuple(sorted(verbs)), tuple(sorted(names)))


@lru_cache(maxsize=1)
def _inflected_endings() -> tuple[str, ...]:
    """Endings of case, plural, possessive and derivation rows: a listed word ending in one
    (the lists hold many inflected and derived forms) takes no further derivation here."""
    groups = ("CASE", "PLURAL", "POSS", "DERIV", "PARTICIPLE", "FINITE", "PAST_COND", "PERSON")
    ends = {v for g in groups for r in sx.GROUPS.get(g, {}).get("rows", ()) for v in r[0].split()}
    return tuple(sorted(e for e in ends if len(e) >= 2))


def plain(word: str) -> bool:
    """No inflection or derivation at its end, as far as the tables tell."""
    return not word.endswith(_inflected_endings())


def derivable(root: str) -> bool:
    """A plain-looking root of 3-10 letters: derivations go onto these only."""
    return 3 <= len(root) <= 10 and plain(root)


@lru_cache(maxsize=2)
def known_counts(path: Path = FREQ) -> dict[str, int]:
    """Word counts of the KazNERD sentences (kk_freq.txt): roots seen in news rank first."""
    out: dict[str, int] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2 and not line.startswith("#"):
                out[parts[0]] = int(parts[1])
    return out


@dataclass(frozen=True, slots=True)
class Lexeme:
    stem: str
    kind: str  # "noun", "verb" or "name"
    inflects: bool = True  # False: a listed form that already ends in an inflection


def _derive(root: str, kind: str, rng: random.Random) -> list[Lexeme]:
    """The seeded few derived words of a root (1-6 of its class's derivations, some
    derived nouns derived once more)."""
    table = NOUN_DERIVATIONS if kind == "noun" else VERB_DERIVATIONS
    if not derivable(root):
        return []
    k = rng.choice(DERIVATIONS_PER_ROOT)
    out = []
    for name in rng.sample(sorted(table), k):
        morpheme, new_kind = table[name]
        word = attach(root, morpheme)
        if word == root:
            continue
        out.append(Lexeme(word, new_kind))
        if new_kind == "noun" and rng.random() < SECOND_DERIVATION_P:
            second = NOUN_DERIVATIONS[rng.choice(SECOND_DERIVATIONS)][0]
            out.append(Lexeme(attach(word, second), "noun"))
    return out


# Second parts of Kazakh two-part personal names (Айдар-бек, Нұр-сұлтан, Гүл-жан).
NAME_ENDINGS = ("бек", "жан", "гүл", "бай", "хан", "нұр", "тай", "ай", "болат", "сұлтан", "бала")
_KAZAKH_LETTER = re.compile("[әіңғүұқө]")


def _surname_suffix(name: str) -> str:
    return "ов" if name[-1] not in sx.VOWELS and is_back(name) else "ев"


def _names(roots: Roots, rng: random.Random, compounds: int) -> list[Lexeme]:
    """Listed names, their surnames (-ов/-ев) and seeded two-part names: a Kazakh-looking
    listed name or short noun + a name ending or another such name, half with -ов/-ев."""
    out = [Lexeme(n, "name") for n in roots.names]
    for n in roots.names:
        if len(n) <= 8:
            out.append(Lexeme(n + _surname_suffix(n), "name"))
    firsts = [w for w in roots.names + roots.nouns if 3 <= len(w) <= 5 and _KAZAKH_LETTER.search(w)]
    seconds = list(NAME_ENDINGS) + [n for n in roots.names if 3 <= len(n) <= 5]
    for _ in range(compounds):
        a, b = rng.choice(firsts), rng.choice(seconds)
        if a != b:
            name = a + b
            if rng.random() < 0.5:
                name += _surname_suffix(name)
            out.append(Lexeme(name, "name"))
    return out


def _compounds(roots: Roots, rng: random.Random, count: int) -> list[Lexeme]:
    """Seeded solid compounds of two short plain nouns (the second takes the endings)."""
    short = [w for w in roots.nouns if 3 <= len(w) <= 6 and plain(w)]
    out = []
    for _ in range(count):
        a, b = rng.choice(short), rng.choice(short)
        if a != b:
            out.append(Lexeme(a + b, "noun"))
    return out


@dataclass(frozen=True)
class Vocabulary:
    lexemes: tuple[Lexeme, ...]  # by rank, most frequent first
    cum_weights: tuple[float, ...]

    def draw(self, rng: random.Random, k: int = 1) -> list[Lexeme]:
        """k lexemes, rank r with probability proportional to 1/(r + Q)^S."""
        return rng.choices(self.lexemes, cum_weights=self.cum_weights, k=k)


@lru_cache(maxsize=2)
def vocabulary(name_compounds: int = NAME_COMPOUNDS) -> Vocabulary:
    """The lexemes in rank order with their cumulative Zipf weights (a few seconds, once)."""
    roots = load_roots()
    rng = random.Random(LANGUAGE_SEED)
    counts = known_counts()
    scored: list[tuple[float, str, str, bool]] = []
    entries = [(r, "noun") for r in roots.nouns] + [(r, "verb") for r in roots.verbs]
    order = list(range(len(entries)))
    rng.shuffle(order)
    for pos, i in enumerate(order):
        root, kind = entries[i]
        # Rank score (lower = more frequent): a root KazNERD has seen ranks by its count;
        # the others keep their shuffled place. A derived word sits some four times below
        # its root, compounds and names spread over the whole range; a random factor each.
        base = pos + 1.0 if root not in counts else 1.0 + 50.0 / counts[root]
        scored.append((base * rng.lognormvariate(0, 0.5), root, kind, plain(root)))
        for lex in _derive(root, kind, rng):
            scored.append((base * 4.0 * rng.lognormvariate(0, 1.0), lex.stem, lex.kind, True))
    for j, lex in enumerate(_compounds(roots, rng, NOUN_COMPOUNDS)):
        scored.append(((j + 1.0) * 8.0 * rng.lognormvariate(0, 1.0), lex.stem, lex.kind, True))
    for j, lex in enumerate(_names(roots, rng, name_compounds)):
        scored.append(((j + 1.0) * 6.0 * rng.lognormvariate(0, 1.0), lex.stem, lex.kind, True))
    scored.sort()
    seen: set[str] = set()
    lexemes = []
    for _, stem, kind, inflects in scored:
        if stem not in seen:
            seen.add(stem)
            lexemes.append(Lexeme(stem, kind, inflects))
    weights = (1.0 / (r + ZIPF_Q) ** ZIPF_S for r in range(1, len(lexemes) + 1))
    return Vocabulary(tuple(lexemes), tuple(itertools.accumulate(weights)))


def expected_distinct(vocab: Vocabulary, draws: float) -> int:
    """How many distinct lexemes `draws` draws meet on average: sum over ranks of
    1 - (1 - p_r)^draws (as 1 - exp(-draws * p_r)). Exact arithmetic on the weights, no
    sampling: how far the vocabulary is from saturating at a corpus size."""
    total = vocab.cum_weights[-1]
    prev = 0.0
    out = 0.0
    for cw in vocab.cum_weights:
        out += -math.expm1(-draws * (cw - prev) / total)
        prev = cw
    return round(out)


# -- inflection ------------------------------------------------------------------------------


def _weighted(rng: random.Random, options: Sequence[tuple[float, object]]):
    x = rng.random() * sum(w for w, _ in options)
    for w, o in options:
        x -= w
        if x < 0:
            return o
    return options[-1][1]


_CASES = ((3, GEN), (3, ACC), (3, DAT), (3, LOC), (2, ABL), (2, INS), (1, ATTR), (0.3, SIM))
_CASES_P = ((3, GEN_P), (3, ACC_P), (3, DAT_P), (3, LOC_P), (2, ABL_P), (2, INS), (1, ATTR_P))
# News register: the 3rd person and «our» (еліміз) carry the possessives; «my», «your»
# are rare.
_POSS = ((8, POSS3), (0.3, POSS1), (0.1, POSS2), (1, POSS1PL), (0.2, POSS2POL))


def inflect_nominal(stem: str, rng: random.Random) -> str:
    """A seeded nominal form: [plural] [possessive] [case], each slot optional."""
    w = stem
    if rng.random() < 0.2:
        w = attach(w, PLURAL)
    poss = _weighted(rng, _POSS) if rng.random() < 0.3 else None
    if poss is not None:
        w = attach(w, poss, rng.randrange(2))  # type: ignore[arg-type]
    if rng.random() < 0.6:
        if poss is POSS3:
            w = attach(w, _weighted(rng, _CASES_P))  # type: ignore[arg-type]
        elif poss in (POSS1, POSS2) and rng.random() < 0.3:
            w = attach(w, DAT_12)
        else:
            w = attach(w, _weighted(rng, _CASES))  # type: ignore[arg-type]
    return w


def _present(stem: str, rng: random.Random) -> str:
    if stem[-1] in "ыі":  # оқы- → оқиды, оқимын
        base = stem[:-1] + "и"
        if rng.random() < 0.6:
            return base + ("ды" if is_back(stem) else "ді")
        return attach(base, rng.choice(PERSON))
    if rng.random() < 0.6:
        return attach(stem, PRESENT3)
    return attach(attach(stem, PRESENT), rng.choice(PERSON))


def inflect_verbal(stem: str, rng: random.Random) -> str:
    """A seeded verb form: [passive] [negation] and one of past, present, conditional,
    participle, habitual, verbal noun, agent, converb, intention (nominal ones inflect on)."""
    w = stem
    if rng.random() < 0.08:
        w = attach(w, PASSIVE)
    if rng.random() < 0.12:
        w = attach(w, NEG)
    form = _weighted(
        rng,
        (
            (4, "past"),
            (4, "present"),
            (1, "cond"),
            (3, "participle"),
            (1.5, "habitual"),
            (2, "noun"),
            (0.7, "agent"),
            (2.5, "converb"),
            (0.5, "negconv"),
            (0.3, "intention"),
        ),
    )
    if form == "past":
        w = attach(w, PAST)
        if rng.random() < 0.3:
            w = attach(w, rng.choice(SHORT_PERSON))
    elif form == "present":
        w = _present(w, rng)
    elif form == "cond":
        w = attach(w, COND)
        if rng.random() < 0.5:
            w = attach(w, rng.choice(SHORT_PERSON))
    elif form == "negconv":
        w = attach(w, NEG_CONVERB)
    elif form == "converb":
        w = attach(w, CONVERB)
    elif form == "intention":
        w = attach(w, INTENTION)
    else:
        w = attach(
            w,
            {"participle": PARTICIPLE, "habitual": HABITUAL, "noun": VERBAL_NOUN}.get(form, AGENT),
        )
        if form != "habitual" and rng.random() < 0.5:
            w = inflect_nominal(w, rng)
    return w


def word_form(lex: Lexeme, rng: random.Random) -> str:
    """One running-text form of a lexeme: bare 35% of the time, else inflected; names
    capitalised, and with case endings only (Айдаровтың, not Айдаровым), plural rarely."""
    if not lex.inflects:
        return lex.stem
    if lex.kind == "verb":
        return inflect_verbal(lex.stem, rng)
    if lex.kind != "name":
        return lex.stem if rng.random() < 0.35 else inflect_nominal(lex.stem, rng)
    w = lex.stem
    if rng.random() < 0.6:
        w = attach(w, PLURAL) if rng.random() < 0.03 else w
        w = attach(w, _weighted(rng, _CASES))  # type: ignore[arg-type]
    return w[:1].upper() + w[1:]


def sample_forms(n: int, seed: int = 0) -> list[str]:
    """n forms drawn and inflected with a seeded random.Random."""
    vocab = vocabulary()
    rng = random.Random(seed)
    return [word_form(lex, rng) for lex in vocab.draw(rng, n)]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    n = int(argv[0]) if argv else 30
    roots = load_roots()
    vocab = vocabulary()
    kinds: dict[str, int] = {}
    for lex in vocab.lexemes:
        kinds[lex.kind] = kinds.get(lex.kind, 0) + 1
    print(
        f"roots: {len(roots.nouns):,} nominal, {len(roots.verbs):,} verbal, "
        f"{len(roots.names):,} names; lexemes: {len(vocab.lexemes):,} "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items()))
    )
    print(" ".join(sample_forms(n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
