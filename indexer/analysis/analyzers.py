"""Kazakh analysis for Whoosh: a tokenizer, one small named filter per normalisation step,
the three analyzers of the schema, and a plain-function API (`analyze`, `stem_word`,
`index_terms`).

The chain, Whoosh style::

    KazakhTokenizer() | CompoundFilter() | NFCFilter() | InvisibleCharFilter()
        | PunctuationFilter() | LookalikeFilter() | AbbreviationFilter()
        | KazakhLowercaseFilter() | NumberFilter() | LanguageFilter() | KazakhStemFilter()

The analyzers (``fused=True``, the default) run the same steps in two layers, because each
Whoosh filter is a Python generator that costs time on every token:
``KazakhTokenizer(compounds="stem") | NormalizeFilter(then="stem")``. The tokenizer does
`CompoundFilter`'s work in its loop, and `NormalizeFilter` is the eight steps from
`NFCFilter` to `LanguageFilter` plus the stem filter, with the whole result cached per raw
word (and the paragraph's language). ``KazakhAnalyzer(fused=False)`` is the explicit chain
above; the tests check that both give the same tokens. At index time the schema's fields
(`indexer.index.schema.KazakhText`) take their terms from `paragraph_terms`, one loop that makes the
index-mode terms of all three analyzers at once (tests check it against the analyzers).

Token attributes added by this module (besides Whoosh's text/pos/startchar/endchar):
`context` (the analysed value, set by the tokenizer), `norm` (normalised surface form),
`lang` ("kk"/"ru"/"en"/""), `nostem` (abbreviations), `part` ("", "whole" or "part").

Rules worth knowing (tests pin each one):
- Tokens are runs of letters/digits; soft hyphens, zero-width characters and combining marks
  inside a word stay in the token's span and are removed from its text. Quotes of any kind
  never belong to a token. Offsets always slice the original text.
- Hyphenated compounds ("салт-дәстүр", "2009–2012", "Қазақстан-2030"): at index time the
  whole (stem of the last part: "салт-дәстүр") at the first part's position, then each part
  at consecutive positions; at query time (mode="query") only the parts, so a phrase query
  or an AND of the parts finds the compound. Dates "12.05.2009" split the same way.
- A case suffix or a particle after a hyphen or apostrophe is dropped when it follows an
  abbreviation or a number ("ХДП-ның" -> хдп, "200-ден" -> 200, "1-ші" -> 1) and a particle
  after any word ("сондай-ақ" -> сондай); the token keeps the whole span.
- Numbers: "5 247 720" (normal, no-break or thin spaces) -> 5247720; "88,41" and "88.41" ->
  88,41; numbers are never stemmed.
- Dotted initials are single-letter tokens ("Н.Ә. Назарбаев" -> н, ә, назарбаев).
  Abbreviations (2-5 capitals such as ХДП, ҚР, АҚШ, or mixed case such as ҚазМҰУ) are
  lower-cased but not stemmed; in an all-capitals paragraph (a heading) words are stemmed.
- Language: see `indexer.text.lang`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache

import snowballstemmer
from whoosh.analysis import Filter, Token, Tokenizer

from indexer.text import stemmer as kk_stemmer
from indexer.text.lang import paragraph_lang, token_lang
from indexer.text.normalize import (
    APOSTROPHES,
    GLUE_CLASS,
    HYPHENS,
    fold_kazakh,
    fold_lookalikes,
    has_kazakh_letters,
    is_cyrillic_word,
    lower_kk,
    nfc,
    normalize_number,
    remove_invisible,
    unify_punct,
)

__all__ = [
    "KazakhTokenizer",
    "CompoundFilter",
    "NFCFilter",
    "InvisibleCharFilter",
    "PunctuationFilter",
    "LookalikeFilter",
    "AbbreviationFilter",
    "KazakhLowercaseFilter",
    "NumberFilter",
    "LanguageFilter",
    "NormalizeFilter",
    "KazakhStemFilter",
    "FoldStemFilter",
    "KazakhAnalyzer",
    "ExactAnalyzer",
    "FoldAnalyzer",
    "analyze",
    "stem_word",
    "index_terms",
    "paragraph_terms",
    "ParagraphTerms",
    "fold_kazakh",
    "has_kazakh_letters",
    "is_abbreviation",
]

# -- tokenizer ----------------------------------------------------------------------------

_GROUP_SPACES = " \u00a0\u2007\u2009\u202f"
_G = f"[{GLUE_CLASS}]"
_A = r"[^\W_]"
_CORE = rf"{_A}+(?:{_G}+{_A}*)*"
_NUM = rf"\d{{1,3}}(?:[{_GROUP_SPACES}]\d{{3}})+(?:[.,]\d+)?(?![^\W_])"
_JOIN = rf"(?:[{re.escape(HYPHENS + APOSTROPHES)}]{_G}*|(?<=\d)[.,/:](?=\d))"
#: One compiled pattern finds every token of a paragraph.
TOKEN_RE = re.compile(rf"(?:{_NUM}|{_CORE})(?:{_JOIN}{_CORE})*")


class KazakhTokenizer(Tokenizer):
    """Words, numbers and hyphenated compounds, with offsets into the original text.
    `text` of each token is the raw slice; the filters normalise it.

    `compounds="stem"` or `"exact"` does `CompoundFilter(exact=...)`'s work inside the
    tokenizer loop (the same code, one generator layer less per token: the analyzers use
    it for speed); the default `None` leaves compounds to a `CompoundFilter`."""

    def __init__(self, compounds: str | None = None) -> None:
        if compounds not in (None, "stem", "exact"):
            raise ValueError(f"compounds must be None, 'stem' or 'exact', not {compounds!r}")
        self.compounds = compounds

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__ and getattr(other, "compounds", None) == getattr(
            self, "compounds", None
        )

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.context = value
        t.tokenized = tokenize
        t.part = ""
        t.stopped = False
        t.boost = 1.0
        if not tokenize:
            t.original = t.text = value
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        compounds = getattr(self, "compounds", None)
        if compounds is not None:
            yield from self._with_compounds(
                t,
                value,
                positions,
                chars,
                keeporiginal,
                start_pos,
                start_char,
                compounds == "exact",
            )
            return
        # Hot loops: the common cases without per-token branches.
        if keeporiginal or chars:
            for pos, m in enumerate(TOKEN_RE.finditer(value), start_pos):
                t.text = m.group()
                if keeporiginal:
                    t.original = t.text
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + m.start()
                    t.endchar = start_char + m.end()
                yield t
        elif positions:
            for pos, m in enumerate(TOKEN_RE.finditer(value), start_pos):
                t.text = m.group()
                t.pos = pos
                yield t
        else:
            for m in TOKEN_RE.finditer(value):
                t.text = m.group()
                yield t

    @staticmethod
    def _with_compounds(
        t: Token,
        value: str,
        positions: bool,
        chars: bool,
        keeporiginal: bool,
        start_pos: int,
        start_char: int,
        exact: bool,
    ) -> Iterator[Token]:
        split_chars = _SPLIT_CHARS
        shift = 0
        for pos, m in enumerate(TOKEN_RE.finditer(value), start_pos):
            text = t.text = m.group()
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = pos + shift
            if chars:
                t.startchar = start_char + m.start()
                t.endchar = start_char + m.end()
            if text.isalnum() or split_chars.isdisjoint(text):
                yield t
            else:
                shift += yield from _expand_compound(t, exact)


# -- compounds and clitics ----------------------------------------------------------------

_HYPHEN_SET = frozenset(HYPHENS)
_APOS_SET = frozenset(APOSTROPHES)
_SPLIT_CHARS = frozenset(HYPHENS + APOSTROPHES + "./:")
_GLUE_RE = re.compile(f"{_G}+")
_PIECE_RE = re.compile(f"[^{re.escape(HYPHENS)}]+")
_DATE_RE = re.compile(r"^\d+(?:[./:]\d+){2,}$|^\d+[/:]\d+$")
_DATE_PIECE_RE = re.compile(r"\d+")

# Case, possessive, plural and ordinal endings written after an abbreviation or a number
# (ХДП-ның, ҚР-дағы, ЖОО-ларының, 200-ден, 1-ші), plus Russian ordinal endings (1-й, 90-х).
_SUFFIX_CHAIN_RE = re.compile(
    r"^(?:(?:(?:ыншы|інші|ншы|нші|шы|ші|еу|ау|дай|дей|тай|тей)?"  # ordinal, collective
    r"(?:лар|лер|дар|дер|тар|тер)?"  # plural
    r"(?:ымыз|іміз|мыз|міз|ыңыз|іңіз|ңыз|ңіз|ым|ім|ың|ің|сы|сі|ы|і)?"  # possessive
    r"(?:ның|нің|дың|дің|тың|тің|ға|ге|қа|ке|на|не|а|е|ны|ні|ды|ді|ты|ті|н|да|де|та|те|"
    r"нда|нде|дан|ден|тан|тен|нан|нен|мен|бен|пен|менен|ша|ше)?"  # case
    r"(?:дағы|дегі|тағы|тегі|ндағы|ндегі|ғы|гі|қы|кі)?)"  # attributive
    r"|й|я|е|го|му|м|х|ти|ми|ые|ых|ое|ой|ый|ая|ую|ом)$"  # Russian, after numbers
)
_LATIN_HEAD_RE = re.compile(r"[A-Za-z\u00c0-\u024f]")
#: Particles written with a hyphen after any word ("сондай-ақ", "келді-ау").
PARTICLES = frozenset({"ақ", "ау", "ай", "ей", "мыс", "міс", "ғой", "қой"})


def _clean_piece(raw: str) -> str:
    return lower_kk(remove_invisible(nfc(raw)))


def is_abbreviation(word: str, caps_paragraph: bool = False) -> bool:
    """2-5 letters all capitals (ХДП, ҚР, АҚШ, ЮНЕСКО is 6: a word), or a capital after a
    small letter (ҚазМҰУ, КазНУ). In an all-capitals paragraph capitals say nothing."""
    if word.isupper():
        return not caps_paragraph and 2 <= len(word) <= 5 and word.isalpha()
    for a, b in zip(word, word[1:]):
        if a.islower() and b.isupper():
            return True
    return False


def _is_clitic(tail: str, head: str, apostrophe: bool = False) -> bool:
    """Is `tail` (raw) an ending to drop after `head` (raw)? After an apostrophe any case
    ending is ("Астана'да"); after a hyphen only a particle, or an ending after an
    abbreviation or a number."""
    tail = _clean_piece(tail)
    if tail in PARTICLES:
        return True
    if apostrophe:
        return tail != "" and _SUFFIX_CHAIN_RE.match(tail) is not None
    head = remove_invisible(head)
    if (
        head.isdigit()
        or (head.isupper() and head.isalpha())
        or is_abbreviation(head)
        or (_LATIN_HEAD_RE.match(head) is not None and not is_cyrillic_word(head))
    ):
        # After a number, an abbreviation or a Latin word ("Twitter-дегі").
        return tail != "" and _SUFFIX_CHAIN_RE.match(tail) is not None
    return False


def _span(raw: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) of raw so it neither starts nor ends with glue characters."""
    while start < end and _GLUE_RE.match(raw, start, start + 1):
        start += 1
    while end > start and _GLUE_RE.match(raw, end - 1, end):
        end -= 1
    return start, end


def split_compound(raw: str) -> tuple[int, list[tuple[int, int]]]:
    """Parse one raw token. Returns (end of the kept text, [(start, end) of each part]).
    One part: a plain word (any clitic after the end is dropped). Two or more: a compound."""
    end = len(raw)
    # A clitic after an apostrophe ("Астана'да") or a hyphen ("ХДП-ның", "сондай-ақ").
    for i in range(len(raw) - 1, 0, -1):
        c = raw[i]
        if c in _HYPHEN_SET:
            if _is_clitic(raw[i + 1 :], _PIECE_RE.findall(raw[:i])[-1]):
                end = i
            break
        if c in _APOS_SET:
            if _is_clitic(raw[i + 1 :], raw[:i], apostrophe=True):
                end = i
            break
    parts: list[tuple[int, int]] = []
    for m in _PIECE_RE.finditer(raw, 0, end):
        s, e = _span(raw, m.start(), m.end())
        piece = raw[s:e]
        if _DATE_RE.match(piece):
            parts.extend((s + d.start(), s + d.end()) for d in _DATE_PIECE_RE.finditer(piece))
        else:
            parts.append((s, e))
    return end, parts


class CompoundFilter(Filter):
    """Splits hyphenated compounds, drops clitics after abbreviations/numbers/particles.

    Index mode: the whole at the first part's position, then the parts at consecutive
    positions. Query mode: the parts only (stemmed analyzers) or the whole only
    (`exact=True`, whose field has no positions). A clitic is dropped from the text but the
    token keeps the whole span; with `exact=True` the whole, clitic included, is kept too.
    """

    def __init__(self, exact: bool = False) -> None:
        self.exact = exact

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        shift = 0
        exact = self.exact
        split_chars = _SPLIT_CHARS
        for t in tokens:
            if shift:
                t.pos += shift
            raw = t.text
            if raw.isalnum() or split_chars.isdisjoint(raw) or not t.tokenized:
                yield t
            else:
                shift += yield from _expand_compound(t, exact)


def _expand_compound(t: Token, exact: bool) -> Iterator[Token]:
    """Yield the token(s) of one raw token that may be a compound or carry a clitic (its
    position already final); returns how many positions the token took beyond one."""
    raw = t.text
    end, parts = split_compound(raw)
    if len(parts) == 1 and end == len(raw):
        yield t
        return 0
    positions, chars = t.positions, t.chars
    base = t.startchar if chars else 0
    pos0 = t.pos if positions else 0
    query = t.mode == "query"
    if len(parts) == 1:
        # A word with a clitic: one token over the whole span.
        s, e = parts[0]
        if exact:
            t.text, t.part = raw, "whole"
            yield t
            if not query:
                t.text, t.part = raw[s:e], "part"
                yield t
        else:
            t.text = raw[s:e]
            yield t
        t.part = ""
        return 0
    if not query or exact:
        t.text, t.part = (raw if exact else raw[:end]), "whole"
        yield t
    extra = 0
    if not query or not exact:
        # Index mode: the parts after the whole; query mode (stemmed): the parts alone.
        for k, (s, e) in enumerate(parts):
            t.text, t.part = raw[s:e], "part"
            if positions:
                t.pos = pos0 + k
            if chars:
                t.startchar, t.endchar = base + s, base + e
            yield t
        if positions:
            extra = len(parts) - 1
    t.part = ""
    return extra


# -- one filter per character step --------------------------------------------------------


class NFCFilter(Filter):
    """Unicode NFC."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = nfc(t.text)
            yield t


class InvisibleCharFilter(Filter):
    """Removes soft hyphens, zero-width characters and combining marks."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = remove_invisible(t.text)
            yield t


class PunctuationFilter(Filter):
    """Hyphen-likes -> "-", apostrophe-likes -> "'" inside a token."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = unify_punct(t.text)
            yield t


class LookalikeFilter(Filter):
    """Latin look-alikes inside Cyrillic words become Cyrillic letters."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold_lookalikes(t.text)
            yield t


def _is_caps_paragraph(t: Token) -> bool:
    context = getattr(t, "context", "")
    return len(context) > 5 and context.isupper()


class AbbreviationFilter(Filter):
    """Marks abbreviations (`t.nostem = True`); needs the original capitals, so it runs
    before lower-casing."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        caps = None
        for t in tokens:
            if caps is None:
                caps = _is_caps_paragraph(t)
            t.nostem = is_abbreviation(t.text.rpartition("-")[2], caps)
            yield t


class KazakhLowercaseFilter(Filter):
    """Lower-case, right for Kazakh Cyrillic and Latin İ."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = lower_kk(t.text)
            yield t


class NumberFilter(Filter):
    """Numbers as typed: group spaces removed, decimal comma."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = normalize_number(t.text)
            yield t


def _para_lang(t: Token) -> str:
    forced = getattr(t, "para_lang", "")
    if forced:
        return forced
    return paragraph_lang(getattr(t, "context", t.text))


class LanguageFilter(Filter):
    """Sets `t.lang` (rule in `indexer.text.lang`) and `t.norm` (the normalised form)."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        plang = None
        for t in tokens:
            if plang is None:
                plang = _para_lang(t)
            t.lang = token_lang(t.text, plang)
            t.norm = t.text
            yield t


def _normalize_token(raw: str, plang: str, caps: bool) -> tuple[str, str, bool]:
    """The fused steps NFC .. language for one raw token: (norm, lang, nostem)."""
    text = fold_lookalikes(unify_punct(remove_invisible(nfc(raw))))
    nostem = is_abbreviation(text.rpartition("-")[2], caps)
    norm = normalize_number(lower_kk(text))
    return norm, token_lang(norm, plang), nostem


_CACHE_LIMIT = 200_000


class _Caches(dict):
    """Per-key plain dicts used as caches (a dict lookup is several times cheaper than an
    lru_cache call with three arguments); each is emptied when it reaches _CACHE_LIMIT
    entries, which bounds memory on million-paragraph corpora."""

    def __missing__(self, key):
        value = self[key] = {}
        return value


_NORM_CACHES = _Caches()


class NormalizeFilter(Filter):
    """NFCFilter | InvisibleCharFilter | PunctuationFilter | LookalikeFilter |
    AbbreviationFilter | KazakhLowercaseFilter | NumberFilter | LanguageFilter, fused, with
    the result cached per raw word (and paragraph language and capitals).

    `then="stem"` also does KazakhStemFilter's work and `then="fold"` FoldStemFilter's, in
    the same cached step (one dict lookup per token for the whole analysis of a word)."""

    def __init__(self, then: str = "") -> None:
        if then not in ("", "stem", "fold"):
            raise ValueError(f"then must be '', 'stem' or 'fold', not {then!r}")
        self.then = then

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        cache = None
        then = getattr(self, "then", "")
        for t in tokens:
            raw = t.text
            if cache is None:
                plang, caps = _para_lang(t), _is_caps_paragraph(t)
                cache = _NORM_CACHES[(plang, caps, then)]
            r = cache.get(raw)
            if r is None:
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                r = cache[raw] = _analyze_token(raw, plang, caps, then)
            t.text, t.norm, t.lang, t.nostem = r
            yield t


def _analyze_token(raw: str, plang: str, caps: bool, then: str) -> tuple[str, str, str, bool]:
    """(term, norm, lang, nostem) of one raw token; term is the norm, its stem or its fold."""
    norm, lang, nostem = _normalize_token(raw, plang, caps)
    if then == "stem":
        return stem_token(norm, lang, nostem), norm, lang, nostem
    if then == "fold":
        return fold_token(norm, lang, nostem), norm, lang, nostem
    return norm, norm, lang, nostem


# -- stemming -------------------------------------------------------------------------------

#: Longer tokens are not words (hashes, glued junk): indexed as they are, never stemmed.
MAX_STEM_LEN = 48

_local = threading.local()  # snowball stemmers keep state while stemming: one per thread


def _snowball(lang: str):
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {
            "ru": snowballstemmer.stemmer("russian"),
            "en": snowballstemmer.stemmer("english"),
        }
    return stemmers[lang]


def _stem_plain(word: str, lang: str) -> str:
    if lang == "kk":
        return kk_stemmer.stem(word)
    if lang in ("ru", "en"):
        return _snowball(lang).stemWord(word)
    return word


@lru_cache(maxsize=50_000)
def stem_token(norm: str, lang: str, nostem: bool = False) -> str:
    """Stem of one normalised token; a compound stems its last part ("салт-дәстүр")."""
    if nostem or not lang or len(norm) > MAX_STEM_LEN:
        return norm
    if "-" in norm:
        head, _, last = norm.rpartition("-")
        return f"{head}-{_stem_plain(last, token_lang(last, 'ru' if lang == 'ru' else 'kk'))}"
    return _stem_plain(norm, lang)


_FOLDED_STEMMER = kk_stemmer.KazakhStemmer(folded=True)
# The stemmer module's own cached function when it has one.
_stem_folded = getattr(kk_stemmer, "stem_folded", None) or _FOLDED_STEMMER.stemWord


def _fold_plain(word: str, lang: str) -> str:
    if lang == "kk":
        return _stem_folded(fold_kazakh(word))
    if lang in ("ru", "en"):
        return fold_kazakh(_snowball(lang).stemWord(word))
    return fold_kazakh(word)


@lru_cache(maxsize=50_000)
def fold_token(norm: str, lang: str, nostem: bool = False) -> str:
    """Folded stem of one normalised token (the `fold` field's term)."""
    if nostem or not lang or len(norm) > MAX_STEM_LEN:
        return fold_kazakh(norm)
    if "-" in norm:
        head, _, last = norm.rpartition("-")
        return (
            f"{fold_kazakh(head)}-"
            f"{_fold_plain(last, token_lang(last, 'ru' if lang == 'ru' else 'kk'))}"
        )
    return _fold_plain(norm, lang)


_STEM_CACHES = _Caches()
_FOLD_CACHES = _Caches()


class KazakhStemFilter(Filter):
    """Stems by language: Kazakh with `indexer.text.stemmer.stem`, Russian and English with
    snowball. Abbreviations and numbers are left alone. Cached (no Whoosh LFU cache)."""

    is_morph = True

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        caches = _STEM_CACHES
        for t in tokens:
            if not t.nostem:
                text, lang = t.text, t.lang
                cache = caches[lang]
                stem = cache.get(text)
                if stem is None:
                    if len(cache) >= _CACHE_LIMIT:
                        cache.clear()
                    stem = cache[text] = stem_token(text, lang)
                t.text = stem
            yield t


class FoldStemFilter(Filter):
    """The `fold` field's term: Kazakh letters folded (ә->а ...), then stemmed with
    `KazakhStemmer(folded=True)`; Russian/English: snowball stem, folded."""

    is_morph = True

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        caches = _FOLD_CACHES
        for t in tokens:
            text, lang, nostem = t.text, t.lang, t.nostem
            cache = caches[(lang, nostem)]
            fold = cache.get(text)
            if fold is None:
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                fold = cache[text] = fold_token(text, lang, nostem)
            t.text = fold
            yield t


# -- analyzers ------------------------------------------------------------------------------


def normalize_filters() -> list[Filter]:
    """The unfused normalisation steps, in order (what `NormalizeFilter` does)."""
    return [
        NFCFilter(),
        InvisibleCharFilter(),
        PunctuationFilter(),
        LookalikeFilter(),
        AbbreviationFilter(),
        KazakhLowercaseFilter(),
        NumberFilter(),
        LanguageFilter(),
    ]


def _chain(first, *rest):
    out = first
    for item in rest:
        out = out | item
    return out


def KazakhAnalyzer(fused: bool = True):  # noqa: N802 - named like Whoosh's StandardAnalyzer
    """Stems, for paragraph text (with positions), titles, sections and queries."""
    if fused:
        return KazakhTokenizer(compounds="stem") | NormalizeFilter(then="stem")
    return _chain(KazakhTokenizer(), CompoundFilter(), *normalize_filters(), KazakhStemFilter())


def ExactAnalyzer(fused: bool = True):  # noqa: N802
    """Normalised lower-case surface forms, not stemmed (for `=word`)."""
    if fused:
        return KazakhTokenizer(compounds="exact") | NormalizeFilter()
    return _chain(KazakhTokenizer(), CompoundFilter(exact=True), *normalize_filters())


def FoldAnalyzer(fused: bool = True):  # noqa: N802
    """Stems of words with Kazakh letters folded (queries typed without Kazakh letters)."""
    if fused:
        return KazakhTokenizer(compounds="stem") | NormalizeFilter(then="fold")
    return _chain(KazakhTokenizer(), CompoundFilter(), *normalize_filters(), FoldStemFilter())


# -- one pass for the index ----------------------------------------------------------------
#
# At index time a paragraph goes into `text` (KazakhAnalyzer, positions) and `exact`
# (ExactAnalyzer), and the title and section of its document into `title` and `section`.
# Running each analyzer as a Whoosh generator chain costs several Python calls per token
# and field. `paragraph_terms` makes the same terms in one loop over the tokenizer's
# pattern: per raw token (and paragraph language and capitals) one cached "plan" holds the
# terms every analyzer makes of it, and its extra positions (compounds). The schema's
# fields (`indexer.index.schema`) index from it; tests/test_schema_fields.py checks that it gives
# exactly what the analyzers give.


class ParagraphTerms(tuple):
    """`stems`: {term: [positions]} as KazakhAnalyzer indexes the text; `exact`: {term:
    count} as ExactAnalyzer does; `folds`: {term: count} as FoldAnalyzer does (None unless
    asked for)."""

    __slots__ = ()

    def __new__(cls, stems: dict, exact: dict, folds: dict | None):
        return tuple.__new__(cls, (stems, exact, folds))

    stems = property(lambda self: self[0])
    exact = property(lambda self: self[1])
    folds = property(lambda self: self[2])


_PLAN_CACHES = _Caches()


def _compound_tokens(raw: str, exact: bool) -> tuple[list[tuple[int, str]], int]:
    """[(position offset, text)] of the tokens `_expand_compound` makes of one raw token in
    index mode, and the positions it takes beyond one."""
    t = Token(positions=True, chars=False, mode="index")
    t.text, t.pos, t.part, t.tokenized = raw, 0, "", True
    gen = _expand_compound(t, exact)
    out = []
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return out, stop.value or 0
        out.append((t.pos, t.text))


def _token_terms(raw: str, plang: str, caps: bool, folds: bool) -> tuple:
    """(stem, exact, fold) of one raw token: `_analyze_token` for "stem", "" and "fold",
    normalising once."""
    norm, lang, nostem = _normalize_token(raw, plang, caps)
    return (stem_token(norm, lang, nostem), norm, fold_token(norm, lang, nostem) if folds else None)


def _make_plan(raw: str, plang: str, caps: bool, folds: bool) -> tuple:
    """(stem, exact, fold, extra) of one raw token: for a plain word the three terms and
    extra=-1; for a compound or a word with a clitic [(offset, stem)], [exact terms],
    [(offset, fold)] and the positions it takes beyond one."""
    if raw.isalnum() or _SPLIT_CHARS.isdisjoint(raw):
        return (*_token_terms(raw, plang, caps, folds), -1)
    parts, extra = _compound_tokens(raw, exact=False)
    eparts, _ = _compound_tokens(raw, exact=True)
    terms = [(off, _token_terms(text, plang, caps, folds)) for off, text in parts]
    stems = [(off, t[0]) for off, t in terms]
    exact = [_normalize_token(text, plang, caps)[0] for _, text in eparts]
    fold = [(off, t[2]) for off, t in terms] if folds else None
    return stems, exact, fold, extra


def paragraph_terms(value: str, folds: bool = False, para_lang: str = "") -> ParagraphTerms:
    """The index-mode terms of `value` for the stemmed, exact (and folded) analyzers."""
    plang = para_lang or paragraph_lang(value)
    caps = len(value) > 5 and value.isupper()
    cache = _PLAN_CACHES[(plang, caps, folds)]
    get = cache.get
    stems: dict[str, list[int]] = {}
    exact: dict[str, int] = {}
    fold: dict[str, int] | None = {} if folds else None
    sget = stems.get
    eget = exact.get
    pos = 0
    for m in TOKEN_RE.finditer(value):
        raw = m.group()
        plan = get(raw)
        if plan is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            plan = cache[raw] = _make_plan(raw, plang, caps, folds)
        s, e, f, extra = plan
        if extra < 0:
            lst = sget(s)
            if lst is None:
                stems[s] = [pos]
            else:
                lst.append(pos)
            exact[e] = eget(e, 0) + 1
            if f is not None:
                fold[f] = fold.get(f, 0) + 1
            pos += 1
            continue
        for off, term in s:
            lst = sget(term)
            if lst is None:
                stems[term] = [pos + off]
            else:
                lst.append(pos + off)
        for term in e:
            exact[term] = eget(term, 0) + 1
        if f is not None:
            for _, term in f:
                fold[term] = fold.get(term, 0) + 1
        pos += 1 + extra
    return ParagraphTerms(stems, exact, fold)


# -- plain-function API --------------------------------------------------------------------

_ANALYZER = KazakhAnalyzer()


def analyze(text: str, mode: str = "index") -> list[dict]:
    """Every token KazakhAnalyzer makes of `text`: text (the slice of the original), start,
    end, pos, norm, stem, fold, lang, part ("", "whole" or "part" of a compound)."""
    out = []
    for t in _ANALYZER(text, positions=True, chars=True, mode=mode):
        out.append(
            {
                "text": text[t.startchar : t.endchar],
                "start": t.startchar,
                "end": t.endchar,
                "pos": t.pos,
                "norm": t.norm,
                "stem": t.text,
                "fold": fold_token(t.norm, t.lang, t.nostem),
                "lang": t.lang,
                "part": t.part,
            }
        )
    return out


def index_terms(text: str) -> list[str]:
    """The terms KazakhAnalyzer indexes for `text`, in order."""
    return [t.text for t in _ANALYZER(text, mode="index")]


def stem_word(word: str) -> str:
    """Normalise and stem one word, language by the word alone; a compound gives its whole
    stem. Text without any token gives the word lower-cased."""
    for t in _ANALYZER(word, mode="index"):
        return t.text
    return lower_kk(word.strip())
