"""The Kazakh tokenizer and the compound step: raw tokens with offsets into the original text,
then hyphenated compounds and clitics resolved into the tokens each field indexes.

Rules worth knowing (tests pin each one):
- Tokens are runs of letters/digits; soft hyphens, zero-width characters and combining marks
  inside a word stay in the token's span and are removed from its text later. Quotes of any
  kind never belong to a token (one exception: in a paragraph written in the 2017 apostrophe
  alphabet, an apostrophe after a letter is part of the letter, "qazaqstannyn'"). Offsets
  always slice the original text.
- Hyphenated compounds ("салт-дәстүр", "2009–2012", "Қазақстан-2030"): at index time the
  whole at the first part's position, then each part at consecutive positions; at query
  time the parts for the word fields and the whole for `exact`. Dates "12.05.2009" split the
  same way.
- A case suffix or a particle after a hyphen or apostrophe is dropped when it follows an
  abbreviation or a number ("ХДП-ның" -> ХДП, "200-ден" -> 200, "1-ші" -> 1) and a particle
  after any word ("сондай-ақ" -> сондай); the token keeps the whole span, and the `exact`
  field keeps the form as written too.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator

from whoosh.analysis import Filter, Token, Tokenizer

from indexer.text.lang import latin_scheme
from indexer.text.normalize import (
    APOSTROPHES,
    GLUE_CLASS,
    GROUP_SPACES,
    HYPHENS,
    LATIN_CLASS,
    is_cyrillic_word,
    lower_kk,
    nfc,
    remove_invisible,
)
from indexer.text.translit import latin_to_cyrillic

__all__ = [
    "KazakhTokenizer",
    "CompoundFilter",
    "TOKEN_RE",
    "token_pattern",
    "split_compound",
    "expand_compound",
    "is_abbreviation",
    "PARTICLES",
    "ALL",
    "EXACT",
    "WORDS",
]

# -- tokenizer ----------------------------------------------------------------------------

_G = f"[{GLUE_CLASS}]"
_A = r"[^\W_]"
_CORE = rf"{_A}+(?:{_G}+{_A}*)*"
_NUM = rf"\d{{1,3}}(?:[{GROUP_SPACES}]\d{{3}})+(?:[.,]\d+)?(?![^\W_])"
_JOIN = rf"(?:[{re.escape(HYPHENS + APOSTROPHES)}]{_G}*|(?<=\d)[.,/:](?=\d))"
#: One compiled pattern finds every token of a paragraph.
TOKEN_RE = re.compile(rf"(?:{_NUM}|{_CORE})(?:{_JOIN}{_CORE})*")
# The 2017 alphabet writes ш, ң, ә ... as a letter and an apostrophe, also at a word's end.
_TOKEN_2017_RE = re.compile(
    rf"(?:{_NUM}|{_CORE})(?:{_JOIN}{_CORE})*(?:(?<=[A-Za-z])[{re.escape(APOSTROPHES)}])?"
)
_APOS_CHARS = frozenset(APOSTROPHES)
_APOS_RE = re.compile(f"[{re.escape(APOSTROPHES)}]")


def token_pattern(value: str) -> re.Pattern[str]:
    """The token pattern for one paragraph: `TOKEN_RE`, or in a paragraph written in the
    2017 apostrophe alphabet the same with a word-final apostrophe kept."""
    if _APOS_RE.search(value) is None or latin_scheme(value) != "2017":
        return TOKEN_RE
    return _TOKEN_2017_RE


class KazakhTokenizer(Tokenizer):
    """Words, numbers and hyphenated compounds, with offsets into the original text.
    `text` of each token is the raw slice; the filters normalise it; `context` is the whole
    value (the paragraph), which the filters read for the paragraph's language.

    >>> [t.text for t in KazakhTokenizer()("«Нұр Отан» ХДП-ның 5 247 720 дауысы")]
    ['Нұр', 'Отан', 'ХДП-ның', '5 247 720', 'дауысы']
    """

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
        t.scope = ALL
        if not tokenize:
            t.original = t.text = value
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            yield t
            return
        finditer = token_pattern(value).finditer
        # Hot loops: the common cases without per-token branches.
        if keeporiginal or chars:
            for pos, m in enumerate(finditer(value), start_pos):
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
            for pos, m in enumerate(finditer(value), start_pos):
                t.text = m.group()
                t.pos = pos
                yield t
        else:
            for m in finditer(value):
                t.text = m.group()
                yield t


# -- compounds and clitics ----------------------------------------------------------------

#: `t.scope` of a token: which fields index it. Most tokens are for every field; the whole
#: of a compound or a word with a clitic exists in two spellings, the form as written (for
#: `exact` only) and the form without the clitic (for the word fields only).
ALL = ""
EXACT = "exact"
WORDS = "words"

_HYPHEN_SET = frozenset(HYPHENS)
SPLIT_CHARS = frozenset(HYPHENS + APOSTROPHES + "./:")
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
_LATIN_HEAD_RE = re.compile(f"[{LATIN_CLASS}]")
#: Particles written with a hyphen after any word ("сондай-ақ", "келді-ау").
PARTICLES = frozenset({"ақ", "ау", "ай", "ей", "мыс", "міс", "ғой", "қой"})


def _clean_piece(raw: str) -> str:
    """A piece after a hyphen or apostrophe as a clitic is looked up: normalised, and a
    Latin piece read as Cyrillic ("HDP-nyñ", "COVID-19-ğa", "sondai-aq")."""
    piece = lower_kk(remove_invisible(nfc(raw)))
    if piece.isascii() or _LATIN_HEAD_RE.match(piece):
        return latin_to_cyrillic(piece) or piece
    return piece


def is_abbreviation(word: str, caps_paragraph: bool = False) -> bool:
    """2-5 letters all capitals (ХДП, ҚР, АҚШ; ЮНЕСКО is 6: a word), or a capital after a
    small letter (ҚазМҰУ, КазНУ). In an all-capitals paragraph capitals say nothing.

    >>> is_abbreviation("ХДП"), is_abbreviation("ҚазМҰУ"), is_abbreviation("ЮНЕСКО")
    (True, True, False)
    """
    if word.isupper():
        return not caps_paragraph and 2 <= len(word) <= 5 and word.isalpha()
    if word[1:].islower():
        return False  # the common case, decided without a loop over the letters
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))


def _is_clitic(tail: str, head: str, apostrophe: bool = False) -> bool:
    """Is `tail` (raw) an ending to drop after `head` (raw)? After an apostrophe any case
    ending is ("Астана'да"); after a hyphen only a particle, or an ending after an
    abbreviation, a number or a Latin word."""
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
    One part: a plain word (any clitic after the end is dropped). Two or more: a compound.

    >>> split_compound("ХДП-ның"), split_compound("салт-дәстүр")
    ((3, [(0, 3)]), (11, [(0, 4), (5, 11)]))
    """
    end = len(raw)
    for i in range(len(raw) - 1, 0, -1):
        c = raw[i]
        if c in _HYPHEN_SET:
            if _is_clitic(raw[i + 1 :], _PIECE_RE.findall(raw[:i])[-1]):
                end = i
            break
        if c in _APOS_CHARS:
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
    """Splits hyphenated compounds and drops clitics, setting `t.scope` and `t.part`.

    Index mode: the whole at the first part's position, then the parts at consecutive
    positions. Query mode: the parts for the word fields, the whole for `exact`. A clitic is
    dropped from the text but the token keeps the whole span; the form with the clitic is a
    second token for `exact` only.

    >>> chain = KazakhTokenizer() | CompoundFilter()
    >>> [(t.text, t.pos, t.scope) for t in chain("салт-дәстүр ХДП-ның", positions=True)]
    [('салт-дәстүр', 0, ''), ('салт', 0, ''), ('дәстүр', 1, ''), ('ХДП-ның', 2, 'exact'), \
('ХДП', 2, '')]
    """

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        shift = 0
        split_chars = SPLIT_CHARS
        for t in tokens:
            if shift:
                t.pos += shift
            raw = t.text
            if raw.isalnum() or split_chars.isdisjoint(raw) or not t.tokenized:
                yield t
            else:
                shift += yield from expand_compound(t)


def expand_compound(t: Token) -> Generator[Token, None, int]:
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
        # A word with a clitic: the form as written (exact), the word (all fields).
        s, e = parts[0]
        t.text, t.part, t.scope = raw, "whole", EXACT
        yield t
        t.text, t.part, t.scope = raw[s:e], "", WORDS if query else ALL
        yield t
        t.scope = ALL
        return 0
    if end < len(raw) or query:
        t.text, t.part, t.scope = raw, "whole", EXACT
        yield t
    if not query:
        t.text, t.part, t.scope = raw[:end], "whole", (WORDS if end < len(raw) else ALL)
        yield t
    for k, (s, e) in enumerate(parts):
        t.text, t.part, t.scope = raw[s:e], "part", WORDS if query else ALL
        if positions:
            t.pos = pos0 + k
        if chars:
            t.startchar, t.endchar = base + s, base + e
        yield t
    t.part, t.scope = "", ALL
    return len(parts) - 1 if positions else 0
