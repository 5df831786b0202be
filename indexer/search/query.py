"""The izde query language: user text -> a small syntax tree -> Whoosh queries.

Reading is lenient (an unbalanced quote or bracket, a stray operator, a lone `*` are read
as the user most likely meant or dropped); only input that cannot be searched at all
raises `QueryError` with a message fit to show the user (HTTP 400).  The rules are written
for users in docs/query-language.md; the limits below are quoted there.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter

from whoosh import query as wq

from indexer.search.budget import NEVER, Deadline
from indexer.text.stemmer import stem_keys
from indexer.text.translit import latin_to_cyrillic
from indexer.text.variants import name_variants

MAX_QUERY_CHARS = 1000  # longer input is refused, not truncated (it is not a search)
MAX_TERMS = 64  # words, phrase words and filters together
MAX_PREFIX_TERMS = 500  # index terms one `word*` may expand to (most frequent kept)
PREFIX_SCAN = 5000  # index terms looked at while expanding one prefix
MAX_QUERY_PREFIX_TERMS = 2000  # index terms all the prefixes of one query expand to together
MAX_DEPTH = 16  # nesting of parentheses; deeper brackets are ignored
MAX_PHRASE_WORDS = 16

FOLD_BOOST = 0.6  # a match typed without Kazakh letters ranks below the real spelling
LATIN_BOOST = 0.8  # the Latin word itself (English text) below its Cyrillic reading
TITLE_BOOST = 1.0  # bonus: the word in the document's title (times its BM25F there)
SECTION_BOOST = 0.5  # bonus: the word in the paragraph's section heading

KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
FIELDS = {
    "doc": "doc",
    "title": "title",
    "section": "section",
    "құжат": "doc",
    "тақырып": "title",
    "бөлім": "section",
}
OR_WORDS = {"OR", "НЕМЕСЕ", "|"}
OPEN_QUOTES = {'"': '"', "«": "»", "“": "”", "„": "“", "”": "”"}
CLOSE_QUOTES = set('"»”“')
MINUS = "-−–"

# Words that shape a question rather than name its subject.  In a query of several words
# they are left out of the required words (a query of only such words keeps them); the
# question words among them are told apart in `understood` (detail.reason).
QUESTION_WORDS = frozenset(
    [
        "қандай",
        "қандайы",
        "қандайға",
        "қай",
        "қайсы",
        "қайсысы",
        "қайсысын",
        "қайсыларын",
        "қайда",
        "қайдан",
        "қайдағы",
        "неше",
        "нешеу",
        "нешінші",
        "нешенші",
        "нешеге",
        "қанша",
        "қаншалықты",
        "кім",
        "кімнің",
        "кімге",
        "кімді",
        "кімдер",
        "кімнен",
        "не",
        "неге",
        "нені",
        "ненің",
        "немен",
        "неден",
        "несі",
        "нелер",
        "неліктен",
        "нешелер",
        "қашан",
        "қалай",
        "қалайша",
    ]
)
STOP_WORDS = QUESTION_WORDS | frozenset(
    [
        "деп",
        "деген",
        "дегеніміз",
        "дегеніміз",
        "дегенді",
        "дейді",
        "дейміз",
        "дегенiмiз",
        "аталады",
        "атайды",
        "деп",
        "аталады",
        "және",
        "мен",
        "бен",
        "пен",
        "да",
        "де",
        "та",
        "те",
        "ма",
        "ме",
        "ба",
        "бе",
        "па",
        "пе",
        "ғой",
        "ғана",
        "ал",
        "бірақ",
        "немесе",
        "әлде",
        "яғни",
        "бұл",
        "сол",
        "осы",
        "ол",
        "олар",
        "оның",
        "мына",
        "ана",
        "үшін",
        "туралы",
        "арқылы",
        "бойынша",
        "сияқты",
        "секілді",
        "болады",
        "болып",
        "болған",
        "бола",
        "табылады",
        "жатады",
        "жатқан",
        "береді",
        "етеді",
    ]
)


class QueryError(ValueError):
    """The query cannot be searched; the message says why (shown to the user, HTTP 400).
    `code` and `params` say the same for a caller that words it in another language
    (webapp/query_errors.py); "" when the raiser gave none."""

    def __init__(self, message: str, code: str = "", **params) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def in_range(value: int, name: str, low: int, high: int) -> int:
    """`value` when low <= value <= high, else the QueryError every paging and size
    parameter gives (code "out_of_range")."""
    if not low <= value <= high:
        raise QueryError(
            f"{name} must be between {low} and {high}.",
            "out_of_range",
            name=name,
            low=low,
            high=high,
        )
    return value


# -- syntax tree ---------------------------------------------------------------------------


@dataclass
class Word:
    text: str
    mode: str = "plain"  # plain | exact | prefix | variants (`~name`: its other names too)
    field: str | None = None  # None (paragraph text) | title | section


@dataclass
class Phrase:
    words: list[str]


@dataclass
class DocFilter:
    doc_id: str


@dataclass
class Not:
    child: object


@dataclass
class And:
    children: list


@dataclass
class Or:
    children: list


# -- reading the text ----------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFC, control and format characters to spaces, runs of spaces to one."""
    text = unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(" ")
        else:
            out.append(ch)
    return _SPACE.sub(" ", "".join(out)).strip()


def _tokens(text: str) -> list[tuple]:
    """("LP",) ("RP",) ("OR",) ("NEG",) ("PHRASE", words) ("WORD", raw)."""
    toks: list[tuple] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == " ":
            i += 1
        elif ch == "(":
            toks.append(("LP",))
            i += 1
        elif ch == ")":
            toks.append(("RP",))
            i += 1
        elif ch in OPEN_QUOTES:
            close = OPEN_QUOTES[ch]
            j = i + 1
            while j < n and text[j] != close and not (close == '"' and text[j] in CLOSE_QUOTES):
                j += 1
            toks.append(("PHRASE", text[i + 1 : j]))
            i = j + 1  # an unclosed quote runs to the end
        elif (
            ch in MINUS
            and i + 1 < n
            and text[i + 1] not in " )"
            and (not toks or i == 0 or text[i - 1] in " (" + MINUS)
        ):
            toks.append(("NEG",))
            i += 1
        else:
            j = i
            while j < n and text[j] not in " ()" and text[j] not in OPEN_QUOTES:
                j += 1
            raw = text[i:j]
            toks.append(("OR",) if raw.upper() in OR_WORDS else ("WORD", raw))
            i = j
    return toks


class _Parser:
    def __init__(self, toks: list[tuple]) -> None:
        self.toks = toks
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def parse(self):
        nodes = []
        while self.peek() is not None:
            node = self.parse_or()
            if node is not None:
                nodes.append(node)
            if self.peek() == "RP":  # a stray closing bracket
                self.i += 1
        return _simplify(And(nodes))

    def parse_or(self):
        items = [self.parse_and()]
        while self.peek() == "OR":
            self.i += 1
            items.append(self.parse_and())
        items = [x for x in items if x is not None]
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(items)

    def parse_and(self):
        items = []
        while self.peek() not in (None, "RP", "OR"):
            node = self.parse_unary()
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(items)

    def parse_unary(self):
        negations = 0
        while self.peek() == "NEG":
            self.i += 1
            negations += 1
        if negations and self.peek() in (None, "RP", "OR"):
            return None
        if self.peek() is None:
            return None
        atom = self.parse_atom()
        if atom is None or negations % 2 == 0:
            return atom
        return Not(atom)

    def parse_atom(self):
        tok = self.toks[self.i]
        self.i += 1
        kind = tok[0]
        if kind == "LP":
            if self.depth >= MAX_DEPTH:
                return None  # too deep: the bracket is ignored
            self.depth += 1
            node = self.parse_or()
            self.depth -= 1
            if self.peek() == "RP":
                self.i += 1
            return node
        if kind == "PHRASE":
            words = [w for w in _SPACE.split(tok[1].strip()) if _has_word_char(w)]
            if not words:
                return None
            if len(words) == 1:
                return _word(words[0])
            return Phrase(words)
        if kind == "WORD":
            return _word(tok[1])
        return None  # NEG handled above; stray RP/OR skipped


def _has_word_char(s: str) -> bool:
    return any(ch.isalnum() for ch in s)


def _word(raw: str):
    """One space-free chunk: `=form`, `word*`, `doc:ID`, `title:word`, or a plain word."""
    if ":" in raw:
        name, _, value = raw.partition(":")
        fname = FIELDS.get(name.lower())
        if fname and value:
            if fname == "doc":
                return DocFilter(value)
            w = _word(value)
            if isinstance(w, Word) and w.field is None:
                w.field = fname
                return w
            return None
    mode = "plain"
    if raw.startswith("="):
        raw = raw.lstrip("=")
        mode = "exact"
    elif raw.startswith("~"):
        raw = raw.lstrip("~")
        mode = "variants"
    if raw.endswith("*"):
        raw = raw.rstrip("*")
        mode = "prefix" if mode == "plain" else mode
    raw = raw.strip("*?!.,;:'`^~")
    if not _has_word_char(raw):
        return None
    return Word(raw, mode)


def _simplify(node):
    if isinstance(node, (And, Or)):
        kids = [_simplify(k) for k in node.children]
        kids = [k for k in kids if k is not None]
        flat = []
        for k in kids:
            if type(k) is type(node):
                flat.extend(k.children)
            else:
                flat.append(k)
        if not flat:
            return None
        return flat[0] if len(flat) == 1 else type(node)(flat)
    if isinstance(node, Not):
        child = _simplify(node.child)
        return Not(child) if child is not None else None
    return node


def _count_terms(node) -> int:
    if isinstance(node, (And, Or)):
        return sum(_count_terms(k) for k in node.children)
    if isinstance(node, Not):
        return _count_terms(node.child)
    if isinstance(node, Phrase):
        return len(node.words)
    return 1


def parse(text: str):
    """The syntax tree of a query, or QueryError when there is nothing to search for."""
    if not isinstance(text, str):
        raise QueryError("The query must be text.", "not_text")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"The query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS}).",
            "too_long",
            chars=len(text),
            max=MAX_QUERY_CHARS,
        )
    tree = _Parser(_tokens(clean(text))).parse()
    if tree is None:
        raise QueryError("The query has no words to search for.", "no_words")
    if _count_terms(tree) > MAX_TERMS:
        raise QueryError(
            f"The query has too many words (at most {MAX_TERMS}).", "too_many_words", max=MAX_TERMS
        )
    for p in _walk(tree):
        if isinstance(p, Phrase) and len(p.words) > MAX_PHRASE_WORDS:
            raise QueryError(
                f"A phrase may have at most {MAX_PHRASE_WORDS} words.",
                "phrase_too_long",
                max=MAX_PHRASE_WORDS,
            )
    return tree


def _walk(node):
    yield node
    if isinstance(node, (And, Or)):
        for k in node.children:
            yield from _walk(k)
    elif isinstance(node, Not):
        yield from _walk(node.child)


# -- compiling to Whoosh ---------------------------------------------------------------------


@dataclass
class MatchTerms:
    """What highlighting marks: a token matches if one of its forms is in these sets."""

    stems: set = field(default_factory=set)  # `text` field terms
    folds: set = field(default_factory=set)  # `fold` field terms
    exact: set = field(default_factory=set)  # `exact` field terms
    phrases: list = field(default_factory=list)  # lists of `text` stems, marked as runs
    roots: set = field(default_factory=set)  # `root` field terms: related words, marked lighter

    def empty(self) -> bool:
        return not (self.stems or self.folds or self.exact or self.phrases or self.roots)


@dataclass
class Clause:
    """One positive word (or phrase, prefix, exact form) of a query: what it matches, and
    the information it carries (its highest idf: a rare word says more than a common one)."""

    query: wq.Query
    word: str
    info: float = 0.0


@dataclass
class Compiled:
    """One query ready to run.

    `strict` requires every positive part; `loose` (queries of two or more positive parts)
    any of them; `word_only` (one-word queries, when the index has related words) is
    `strict` without the related words, so that paragraphs with the word itself come first.
    """

    strict: wq.Query
    loose: wq.Query | None
    boost: wq.Query | None  # optional: title/section, never makes a match
    understood_as: str  # the engine's own rendering (kept for the API and the CLI)
    marks: MatchTerms
    words: list  # plain words as typed (for "did you mean")
    notes: list  # remarks for understood_as (ignored words, truncation)
    pairs: list = field(default_factory=list)  # adjacent query stems: proximity bonus
    understood: list = field(default_factory=list)  # per word: how it was read (see docs)
    clauses: list = field(default_factory=list)  # the positive Clauses
    word_only: wq.Query | None = None


def has_kazakh_letters(word: str) -> bool:
    return any(ch in KAZAKH_LETTERS for ch in word)


def _has_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def _has_latin(word: str) -> bool:
    return _LATIN.search(word) is not None


def _latin_to_cyrillic(word: str) -> str | None:
    try:
        return latin_to_cyrillic(word)
    except Exception:  # noqa: BLE001 - a reading we cannot make is no reason to fail the search
        return None


def is_expensive(tree) -> bool:
    """Whether a query has operators whose cost grows with the index: prefixes (one may
    stand for hundreds of terms) and phrases (positions of every candidate are read)."""
    for node in _walk(tree):
        if isinstance(node, Phrase) or (isinstance(node, Word) and node.mode == "prefix"):
            return True
    return False


class Compiler:
    """Turns a syntax tree into Whoosh queries with the index's own analyzers."""

    def __init__(self, schema, reader=None, deadline: Deadline = NEVER) -> None:
        self.schema = schema
        self.reader = reader
        self.deadline = deadline
        self.marks = MatchTerms()
        self.words: list[str] = []
        self.notes: list[str] = []
        self.understood: list[dict] = []
        self.related = "root" in schema.names()
        # A prefix repeated in one query is expanded once; all of them share one budget.
        self._expanded: dict[tuple[str, str], tuple[list[str], bool]] = {}
        self._prefix_budget = MAX_QUERY_PREFIX_TERMS
        # One query asks for the same word's keys and counts several times (matching,
        # marks, title bonus, information): each is worked out once.
        self._tokens: dict[tuple[str, str], list] = {}
        self._df: dict[tuple[str, str], int] = {}

    # analysis of one word with the analyzer of a field
    def terms(self, fieldname: str, text: str) -> list[str]:
        return [k[0] for k in self._analyse(fieldname, text)]

    def _analyse(self, fieldname: str, text: str) -> list[tuple[str, str, str, bool]]:
        """(key, normalised word, language, left unstemmed) of each query token."""
        got = self._tokens.get((fieldname, text))
        if got is None:
            got = []
            if fieldname in self.schema.names():
                analyzer = self.schema[fieldname].analyzer
                got = [
                    (
                        t.text,
                        getattr(t, "norm", t.text),
                        getattr(t, "lang", ""),
                        getattr(t, "nostem", False),
                    )
                    for t in analyzer(text, mode="query")
                    if t.text
                ]
            self._tokens[(fieldname, text)] = got
        return got

    def doc_frequency(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        df = self._df.get(key)
        if df is None:
            df = self._df[key] = self.reader.doc_frequency(fieldname, text) if self.reader else 0
        return df

    def second_readings(self, text: str) -> list[str]:
        """The other word keys of a one-word form with two readings (алып: ал, and the
        listed word алып; сөзді: сөз, сөзді).  The index keys each form under its likelier
        reading only, so a query for the form asks for every reading's forms."""
        toks = self._analyse("text", text)
        if len(toks) != 1 or toks[0][2] != "kk" or toks[0][3]:
            return []
        key, norm = toks[0][:2]
        keys = stem_keys(norm)
        return list(keys[1:]) if keys[0] == key else []

    def _read(self, word: str, how: str, **detail) -> None:
        self.understood.append({"word": word, "as": how, "detail": detail})

    def _field_clause(self, fieldname: str, text: str, boost: float = 1.0):
        """A word in one field: a term, or a phrase when the analyzer splits it."""
        terms = self.terms(fieldname, text)
        if not terms:
            return None, []
        if len(terms) == 1:
            q = wq.Term(fieldname, terms[0], boost=boost)
        elif self.schema[fieldname].format.supports("positions"):
            q = wq.Phrase(fieldname, terms, boost=boost)
        else:
            q = wq.And([wq.Term(fieldname, t) for t in terms], boost=boost)
        return q, terms

    def variants(self, word: str) -> list[tuple[str, float]]:
        """The spellings a typed word stands for: itself, and its Cyrillic reading if Latin."""
        out = [(word, 1.0)]
        if _has_latin(word) and not _has_cyrillic(word):
            cyr = _latin_to_cyrillic(word)
            if cyr and cyr != word:
                out = [(cyr, 1.0), (word, LATIN_BOOST)]
        return out

    def _known(self, pairs: list[tuple[str, str]]) -> bool:
        return self.reader is None or any(self.doc_frequency(f, t) for f, t in pairs)

    def plain(self, word: str, positive: bool):
        """A word and all its forms (`text`), typed without Kazakh letters (`fold`), and its
        related words (`root`, lower weight) when the index has them."""
        subs, shown, keys, folds, roots = [], [], [], [], []
        for spelling, boost in self.variants(word):
            q, terms = self._field_clause("text", spelling, boost)
            if q is not None:
                subs.append(q)
                shown.append(_show("text", terms))
                keys.append(terms)
                for other in self.second_readings(spelling) if len(terms) == 1 else []:
                    subs.append(wq.Term("text", other, boost=boost))
                    shown.append(_show("text", [other]))
                    keys.append([other])
            if _has_cyrillic(spelling) and not has_kazakh_letters(spelling):
                q, fterms = self._field_clause("fold", spelling, boost * FOLD_BOOST)
                if q is not None:
                    subs.append(q)
                    shown.append(_show("fold", fterms))
                    folds += fterms
            rterms = self.terms("root", spelling) if self.related else []
            if len(rterms) == 1:
                # (the field's own boost, in the schema, keeps related words below the word)
                subs.append(wq.Term("root", rterms[0], boost=boost))
                shown.append(_show("root", rterms))
                roots += rterms
        if not subs:
            return None, ""
        if positive:
            self.words.append(word)
            for terms in keys:
                if len(terms) == 1:
                    self.marks.stems.add(terms[0])
                else:
                    self.marks.phrases.append(terms)
            self.marks.folds.update(folds)
            self.marks.roots.update(roots)
        flat = [t for terms in keys for t in terms]
        read_as = self.variants(word)[0][0]
        self._read(
            word,
            "all_forms",
            key=" ".join(keys[0]) if keys else None,
            related=roots[0] if roots else None,
            read_as=read_as if read_as != word else None,
            # the spelling as typed is not in the index; its folded reading is
            without_kazakh_letters=bool(folds) and not self._known([("text", t) for t in flat]),
            found=self._known(
                [("text", t) for t in flat]
                + [("fold", t) for t in folds]
                + [("root", t) for t in roots]
            ),
        )
        if len(subs) == 1:
            return subs[0], shown[0]
        return wq.Or(subs), "(" + " OR ".join(shown) + ")"

    def name_variants(self, word: str, positive: bool):
        """`~name`: the name and the other names of its place (Астана ~ Нұр-Сұлтан), each
        in all its forms."""
        names = [word] + name_variants(word)
        before, words = len(self.understood), len(self.words)
        parts = [p for p in (self.plain(n, positive) for n in names) if p[0] is not None]
        del self.understood[before:]  # one entry for the whole group
        del self.words[words + 1 :]  # (the other names are no typed words: no pair bonus)
        self._read(word, "name_variants", variants=names[1:])
        if not parts:
            return None, ""
        if len(parts) == 1:
            return parts[0]
        return wq.Or([p[0] for p in parts]), "(" + " OR ".join(p[1] for p in parts) + ")"

    def exact(self, word: str, positive: bool):
        terms = self.terms("exact", word)
        if not terms:
            return None, ""
        if positive:
            self.marks.exact.update(terms)
        self._read(word, "exact", form=" ".join(terms), found=self._known([("exact", terms[0])]))
        if len(terms) == 1:
            return wq.Term("exact", terms[0]), f"exact:{terms[0]}"
        return wq.And([wq.Term("exact", t) for t in terms]), _show("exact", terms)

    def _expand(self, fieldname: str, prefix: str) -> tuple[list[str], bool]:
        """The index terms of `fieldname` starting with `prefix`, the most frequent first
        when there are too many, and whether some were left out (too many, or the search's
        time budget ran out while reading them)."""
        key = (fieldname, prefix)
        if key in self._expanded:
            return self._expanded[key]
        if self.reader is None:
            return [], False
        # Term frequencies are read while walking the term list of each segment, not looked
        # up one by one afterwards (that costs a seek per term).
        # The segments' term lists are merged in order, so the scan limit cuts the same
        # alphabetical range in all of them.
        freq: dict[str, int] = {}
        truncated = self.deadline.expired()
        walks = [leaf.iter_prefix(fieldname, prefix) for leaf, _ in self.reader.leaf_readers()]
        for text, info in heapq.merge(*walks, key=itemgetter(0)) if not truncated else ():
            word = text.decode("utf-8") if isinstance(text, bytes) else text
            if word not in freq:
                if len(freq) >= PREFIX_SCAN or (len(freq) & 127 == 0 and self.deadline.expired()):
                    truncated = True
                    break
                freq[word] = 0
            freq[word] += info.doc_frequency()
        cap = min(MAX_PREFIX_TERMS, self._prefix_budget)
        found = sorted(freq)
        if len(found) > cap:
            found = sorted(found, key=lambda t: -freq[t])[:cap]
            truncated = True
        self._prefix_budget -= len(found)
        self._expanded[key] = (found, truncated)
        return found, truncated

    def prefix(self, word: str, positive: bool):
        terms = self.terms("exact", word)
        if not terms:
            return None, ""
        pre = terms[-1]
        forms, cut = self._expand("exact", pre)
        subs = [wq.Term("exact", f) for f in forms]
        folds: list[str] = []
        if _has_cyrillic(word) and not has_kazakh_letters(word):
            fterms = self.terms("fold", word)
            if fterms:
                folds, fcut = self._expand("fold", fterms[-1])
                cut = cut or fcut
                subs += [wq.Term("fold", f, boost=FOLD_BOOST) for f in folds]
        kept = max(len(forms), len(folds))
        timed_out = cut and not self.deadline.complete
        shown = f"exact:{pre}* ({len(forms) + len(folds)} terms"
        if timed_out:
            shown += ", cut short by the time budget)"
            self.notes.append(f"{pre}*: the time budget ran out while its words were read")
        elif cut:
            shown += f", cut to the {kept} most frequent)"
            self.notes.append(
                f"{pre}* matches more than {kept} index terms; the {kept} most "
                f"frequent were searched (at most {MAX_PREFIX_TERMS} a prefix, "
                f"{MAX_QUERY_PREFIX_TERMS} for all the prefixes of a query)"
            )
        else:
            shown += ")"
        if positive:
            self.marks.exact.update(forms)
            self.marks.folds.update(folds)
        reason = "time_budget" if timed_out else "too_many" if cut else None
        self._read(
            word, "prefix", prefix=pre, terms=len(forms) + len(folds), cut=cut, cut_reason=reason
        )
        if not subs:
            return wq.NullQuery, shown
        return (subs[0] if len(subs) == 1 else wq.Or(subs)), shown

    def field_word(self, word: Word):
        fieldname = word.field or "text"
        q, terms = self._field_clause(fieldname, word.text)
        if q is None:
            return None, ""
        self._read(word.text, f"in_{fieldname}", keys=terms)
        return q, _show(fieldname, terms)

    def phrase(self, words: list[str], positive: bool):
        stems = []
        for w in words:
            spelled = self.variants(w)[0][0]
            stems.extend(self.terms("text", spelled))
        if not stems:
            return None, ""
        self._read(" ".join(words), "phrase", words=words, keys=stems)
        if len(stems) == 1:
            if positive:
                self.marks.stems.add(stems[0])
            return wq.Term("text", stems[0]), _show("text", stems)
        if positive:
            self.marks.phrases.append(stems)
        q = wq.Phrase("text", stems)
        shown = 'text:"' + " ".join(stems) + '"'
        folded = [w for w in words if not has_kazakh_letters(w) and _has_cyrillic(w)]
        if folded and len(folded) == len(words):
            # Typed without Kazakh letters: the fold field has no positions, so all the
            # folded words in one paragraph stand in for the phrase.
            fterms = [t for w in words for t in self.terms("fold", w)]
            if fterms:
                if positive:
                    self.marks.folds.update(fterms)
                q = wq.Or([q, wq.And([wq.Term("fold", t) for t in fterms], boost=FOLD_BOOST)])
                shown = f"({shown} OR " + " AND ".join(f"fold:{t}" for t in fterms) + ")"
        return q, shown

    def node(self, node, positive: bool = True):
        """(whoosh query or None, rendering)."""
        if isinstance(node, Word):
            if node.field:
                return self.field_word(node)
            if node.mode == "exact":
                return self.exact(node.text, positive)
            if node.mode == "prefix":
                return self.prefix(node.text, positive)
            if node.mode == "variants":
                return self.name_variants(node.text, positive)
            return self.plain(node.text, positive)
        if isinstance(node, Phrase):
            return self.phrase(node.words, positive)
        if isinstance(node, DocFilter):
            self._read(node.doc_id, "in_document", doc_id=node.doc_id)
            return wq.Term("doc_id", node.doc_id), f"doc:{node.doc_id}"
        if isinstance(node, Not):
            before = len(self.understood)
            q, shown = self.node(node.child, positive=not positive)
            for entry in self.understood[before:]:
                entry["detail"] = {"as": entry["as"], **entry["detail"]}
                entry["as"] = "excluded"
            return (wq.Not(q) if q is not None else None), f"NOT {shown}"
        if isinstance(node, Or):
            return self.disj(node.children, positive)
        if isinstance(node, And):
            return self.conj(node.children, positive)[:2]
        raise QueryError("Unreadable query.", "unreadable")

    def disj(self, children: list, positive: bool = True):
        before = len(self.understood)
        parts = [self.node(k, positive) for k in children]
        for entry in self.understood[before:]:
            entry["either"] = True  # one of several alternatives (OR)
        parts = _unique([p for p in parts if p[0] is not None])
        pos = [p for p in parts if not isinstance(p[0], wq.Not)]
        if not pos:
            return None, ""
        # "a OR -b" has no clear meaning: the negations are dropped from an OR.
        if len(pos) == 1:
            return pos[0]
        return wq.Or([p[0] for p in pos]), "(" + " OR ".join(p[1] for p in pos) + ")"

    def conj(self, children: list, positive: bool = True):
        """An AND of clauses -> (strict query, rendering, positives, filters, negatives)."""
        children = self._drop_stop_words(children)
        pos, filters, neg = [], [], []
        for k in children:
            q, shown = self.node(k, positive)
            if q is None:
                continue
            if isinstance(q, wq.Not):
                neg.append((q.query, shown, k))
            elif isinstance(k, DocFilter) or (isinstance(k, Word) and k.field):
                filters.append((q, shown, k))
            else:
                pos.append((q, shown, k))
        # A clause typed twice counts once (its rendering says all it searches).
        pos, filters, neg = _unique(pos), _unique(filters), _unique(neg)
        required = [p[0] for p in pos] + [f[0] for f in filters]
        shown = " AND ".join([p[1] for p in pos] + [f[1] for f in filters] + [n[1] for n in neg])
        if not required:
            return None, shown, pos, filters, neg
        q = required[0] if len(required) == 1 else wq.And(required)
        if neg:
            q = wq.AndNot(q, neg[0][0] if len(neg) == 1 else wq.Or([n[0] for n in neg]))
        return q, shown, pos, filters, neg

    def _drop_stop_words(self, children: list) -> list:
        plain = [k for k in children if isinstance(k, Word) and k.mode == "plain" and not k.field]
        stops = [k for k in plain if _lower(k.text) in STOP_WORDS]
        if not stops or len(stops) == len(plain):
            return children
        self.notes.append("ignored: " + ", ".join(k.text for k in stops))
        for k in stops:
            question = _lower(k.text) in QUESTION_WORDS
            self._read(
                k.text, "ignored_stopword", reason="question_word" if question else "common_word"
            )
        return [k for k in children if not any(k is s for s in stops)]


def _unique(parts: list[tuple]) -> list[tuple]:
    """`(query, rendering, …)` tuples with repeated renderings left out, first kept."""
    seen: set[str] = set()
    out = []
    for p in parts:
        if p[1] not in seen:
            seen.add(p[1])
            out.append(p)
    return out


def _lower(word: str) -> str:
    return word.lower().replace("i", "і") if _has_cyrillic(word) else word.lower()


def _show(fieldname: str, terms: list[str]) -> str:
    if len(terms) == 1:
        return f"{fieldname}:{terms[0]}"
    return f'{fieldname}:"' + " ".join(terms) + '"'


def _without_related(q):
    """The query with its related-word (`root`) terms left out; None if nothing is left."""
    if isinstance(q, wq.Term):
        return None if q.fieldname == "root" else q
    if isinstance(q, wq.AndNot):
        a = _without_related(q.a)
        return None if a is None else wq.AndNot(a, q.b)
    if isinstance(q, (wq.Or, wq.And)):
        kids = [_without_related(k) for k in q.subqueries]
        kept = [k for k in kids if k is not None]
        if isinstance(q, wq.And) and len(kept) < len(kids):
            return None
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else type(q)(kept, boost=q.boost)
    return q


# How much finding a query word says: its self-information, -log P(a paragraph holds it) =
# log(N / df) nats, the rarest term's for a clause that stands for several.  Information of
# independent events adds up, so what a paragraph holds of the query is the sum over the
# words it holds: a word found in every paragraph says nothing, a rare one a lot.
INFO_FIELDS = ("text", "exact", "fold")
INFO_TERMS = 64


def _info(q, comp: Compiler) -> float:
    """The information of a clause: the self-information of its rarest term."""
    if comp.reader is None:
        return 1.0
    best = 0.0
    n = comp.reader.doc_count_all() or 1
    # (a prefix may stand for hundreds of terms: its first INFO_TERMS are enough)
    for fieldname, text in islice(q.iter_all_terms(), INFO_TERMS):
        df = comp.doc_frequency(fieldname, text) if fieldname in INFO_FIELDS else 0
        if df:
            best = max(best, math.log(n / df))
    return best


def compile_query(tree, schema, reader=None, deadline: Deadline = NEVER) -> Compiled:
    """Whoosh queries for a parsed query: strict, fallback and optional boost parts."""
    comp = Compiler(schema, reader, deadline)
    loose = None
    clauses: list[Clause] = []
    if isinstance(tree, And):
        strict, shown, pos, filters, neg = comp.conj(tree.children)
        clauses = [Clause(p[0], _label(p[2]), _info(p[0], comp)) for p in pos]
        if len(pos) >= 2:
            loose = wq.Or([p[0] for p in pos])
            req = [f[0] for f in filters]
            if req:
                loose = wq.And([loose] + req)
            if neg:
                loose = wq.AndNot(loose, wq.Or([n[0] for n in neg]))
    else:
        strict, shown = comp.node(tree)
        if isinstance(strict, wq.Not):
            strict = None
        if strict is not None:
            clauses = [Clause(strict, _label(tree), _info(strict, comp))]
    if strict is None:
        raise QueryError(
            "The query has no words to search for (a query of only excluded words finds nothing).",
            "only_excluded",
        )
    word_only = None
    if comp.marks.roots and len(clauses) == 1:
        word_only = _without_related(strict)
    boost, pairs = _boost_query(comp, schema)
    notes = list(comp.notes)
    if notes:
        shown = f"{shown}  [{'; '.join(notes)}]"
    return Compiled(
        strict=strict,
        loose=loose,
        boost=boost,
        understood_as=shown,
        marks=comp.marks,
        words=comp.words,
        notes=notes,
        pairs=pairs,
        understood=comp.understood,
        clauses=clauses,
        word_only=word_only,
    )


def _label(node) -> str:
    if isinstance(node, Word):
        return node.text
    if isinstance(node, Phrase):
        return " ".join(node.words)
    return "(…)"


def _boost_query(comp: Compiler, schema):
    """Optional scoring: the words in the title or headings, and the words close together."""
    subs = []
    stems: list[str] = []
    for w in comp.words:
        spelled = comp.variants(w)[0][0]
        stems.extend(comp.terms("text", spelled))
    uniq = list(dict.fromkeys(stems))
    names = schema.names()
    if "title" in names:
        subs += [wq.Term("title", s, boost=TITLE_BOOST) for s in uniq]
    if "section" in names:
        subs += [wq.Term("section", s, boost=SECTION_BOOST) for s in uniq]
    pairs = []
    if len(stems) >= 2:
        # Closeness counts in either order, so a pair typed twice ("a b a") counts once.
        seen: set[frozenset] = set()
        for a, b in zip(stems, stems[1:]):
            if a != b and frozenset((a, b)) not in seen:
                seen.add(frozenset((a, b)))
                pairs.append((a, b))
    if not subs:
        return None, pairs
    return (subs[0] if len(subs) == 1 else wq.Or(subs)), pairs
