"""The analysis chain, defined once, and the way it runs fast.

`chain_steps(field)` is the definition: the named filters of `indexer.analysis.tokenizer`
and `indexer.analysis.filters` that follow the tokenizer, in order, for one field (or for
all keys at once, `field=None`). ``explicit_analyzer(field)`` composes them as Whoosh
filters, one generator per step.

`ChainFilter(steps)` runs the same filter objects, not a copy of their code. Whoosh calls
each filter as a generator on every token, which costs time per token and step; but every
step depends only on the raw token and its paragraph's facts (`filters.ParagraphFacts`: language,
all capitals, Latin alphabet), never on the tokens around it. So `ChainFilter` runs the
steps once per distinct raw token (and paragraph facts and mode) on a one-token stream,
records what comes out (one token, or the whole and the parts of a compound, with their
keys and offsets relative to the raw token), and replays that record for every later
occurrence. The analyzers are ``KazakhTokenizer() | ChainFilter(chain_steps(field))``; a
test runs both forms on real text and random strings to show they agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from whoosh.analysis import Filter, Token

from indexer.analysis.filters import (
    AbbreviationFilter,
    FieldFilter,
    FoldFilter,
    InvisibleCharFilter,
    KazakhLowercaseFilter,
    KazakhStemFilter,
    LanguageFilter,
    LookalikeFilter,
    NFCFilter,
    NumberFilter,
    ParagraphFacts,
    PunctuationFilter,
    RootFilter,
    TransliterationFilter,
    _Step,
    paragraph_of,
)
from indexer.analysis.tokenizer import ALL, SPLIT_CHARS, CompoundFilter, KazakhTokenizer

__all__ = ["chain_steps", "explicit_analyzer", "ChainFilter", "Plans", "CACHE_LIMIT"]

#: Raw tokens remembered per cache (per chain, paragraph facts and mode); a full cache is
#: emptied, which bounds memory on million-paragraph corpora.
CACHE_LIMIT = 200_000

# Which key filters each field needs (all of them for `None`: every key on every token).
_KEY_STEPS = {
    "text": (KazakhStemFilter,),
    "exact": (),
    "fold": (FoldFilter,),
    "root": (RootFilter,),
    None: (FoldFilter, RootFilter, KazakhStemFilter),
}


def chain_steps(field: str | None = "text") -> list[Filter]:
    """The filters after the tokenizer for one field's analyzer, in order; `field=None`:
    every key, and every token with its `scope` (what `paragraph_terms` indexes from)."""
    steps: list[Filter] = [
        CompoundFilter(),
        NFCFilter(),
        InvisibleCharFilter(),
        PunctuationFilter(),
        LookalikeFilter(),
        AbbreviationFilter(),
        KazakhLowercaseFilter(),
        NumberFilter(),
        LanguageFilter(),
        TransliterationFilter(),
    ]
    steps.extend(cls() for cls in _KEY_STEPS[field])
    if field is not None:
        steps.append(FieldFilter(field))
    return steps


def explicit_analyzer(field: str | None = "text"):
    """The chain as plain Whoosh composition: the tokenizer and one generator per step."""
    out = KazakhTokenizer()
    for step in chain_steps(field):
        out = out | step
    return out


# A record of one output token: its key attributes, in this order.
_KEYS = ("text", "norm", "exact", "lang", "nostem", "root", "fold")


class Plans(dict):
    """raw token -> what the chain makes of it, for one chain, paragraph and mode. A value
    is the tuple of `_KEYS` for a word that stays one token over its whole span, else a
    list ``[entries, extra]``: entries ``(pos offset, start, end, part, scope, keys)`` and
    the positions the raw token takes beyond one."""

    def __init__(self, steps: tuple, para: ParagraphFacts, mode: str) -> None:
        super().__init__()
        self.steps, self.para, self.mode = steps, para, mode
        self.stages = _stages(steps)

    def __missing__(self, raw: str):
        if len(self) >= CACHE_LIMIT:
            self.clear()
        plan = self[raw] = self.make(raw)
        return plan

    def make(self, raw: str):
        """Run the steps on `raw` alone. A compound is followed by a one-digit sentinel
        token, whose position tells how many positions the compound took."""
        t = Token(positions=True, chars=True, mode=self.mode, removestops=False)
        t.para, t.tokenized, t.part, t.scope = self.para, True, "", ALL
        compound = not (raw.isalnum() or SPLIT_CHARS.isdisjoint(raw))
        seen = {"sentinel": False}

        def source() -> Iterator[Token]:
            t.text, t.pos, t.startchar, t.endchar = raw, 0, 0, len(raw)
            yield t
            if compound:
                seen["sentinel"] = True
                t.text, t.pos, t.startchar, t.endchar = "0", 1, 0, 1
                yield t

        stream: Iterable[Token] = source()
        for stage in self.stages:
            stream = stage(stream)
        entries = []
        extra = 0
        for out in stream:
            if seen["sentinel"]:
                extra = out.pos - 1
                break
            keys = tuple(getattr(out, k, None) for k in _KEYS)
            entries.append((out.pos, out.startchar, out.endchar, out.part, out.scope, keys))
        if len(entries) == 1 and extra == 0:
            pos, start, end, part, scope, keys = entries[0]
            if (pos, start, end, part, scope) == (0, 0, len(raw), "", ALL):
                return keys
        return [entries, extra]


def _stages(steps: tuple) -> list:
    """The steps as stream stages: a run of one-token steps (`filters._Step`) becomes one
    stage that calls each step's `apply` in turn, which is what the steps' own `__call__`
    does, with one generator instead of one per step."""
    stages: list = []
    run: list = []

    def applying(applies: tuple):
        def stage(tokens: Iterable[Token]) -> Iterator[Token]:
            for t in tokens:
                para = paragraph_of(t)
                for apply in applies:
                    apply(t, para)
                yield t

        return stage

    for step in steps:
        if isinstance(step, _Step):
            run.append(step.apply)
            continue
        if run:
            stages.append(applying(tuple(run)))
            run = []
        stages.append(step)
    if run:
        stages.append(applying(tuple(run)))
    return stages


_PLANS: dict[tuple, Plans] = {}


def plans_for(steps: tuple, signature: str, para: ParagraphFacts, mode: str) -> Plans:
    """The shared plan cache of one chain (`signature`: equal chains share it), paragraph
    and mode."""
    key = (signature, para, mode)
    plans = _PLANS.get(key)
    if plans is None:
        plans = _PLANS[key] = Plans(steps, para, mode)
    return plans


def clear_plans() -> None:
    """Forget every plan (benchmarks start cold with it)."""
    _PLANS.clear()


class ChainFilter(Filter):
    """The steps that follow the tokenizer, run once per distinct raw token and replayed
    (module docstring). Gives exactly the tokens of the steps composed one by one.

    >>> from indexer.analysis.tokenizer import KazakhTokenizer
    >>> ana = KazakhTokenizer() | ChainFilter(chain_steps("text"))
    >>> [(t.text, t.pos) for t in ana("Салт-дәстүрлерін сақтау", positions=True)][1:]
    [('салт', 0), ('дәстүр', 1), ('сақта', 2)]
    """

    def __init__(self, steps: Sequence[Filter]) -> None:
        self.steps = tuple(steps)
        self._signature = repr(self.steps)

    # Only the steps are the filter's state: pickled, compared and shown.
    def __getstate__(self) -> dict:
        return {"steps": self.steps}

    def __setstate__(self, state: dict) -> None:
        self.steps = tuple(state["steps"])
        self._signature = repr(self.steps)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChainFilter) and other.steps == self.steps

    __hash__ = None  # type: ignore[assignment]  # equal by value, mutable: unhashable, as Whoosh filters

    def __repr__(self) -> str:
        return f"ChainFilter(steps={self.steps!r})"

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        plans = None
        shift = 0
        for t in tokens:
            if plans is None:
                plans = plans_for(self.steps, self._signature, paragraph_of(t), t.mode)
                positions, chars = t.positions, t.chars
            if not t.tokenized:
                yield from self._live(t)
                continue
            plan = plans[t.text]
            if plan.__class__ is tuple:
                if shift:
                    t.pos += shift
                t.text, t.norm, t.exact, t.lang, t.nostem, t.root, t.fold = plan
                yield t
                continue
            entries, extra = plan
            pos0 = t.pos + shift if positions else 0
            char0 = t.startchar if chars else 0
            for pos, start, end, part, scope, keys in entries:
                if positions:
                    t.pos = pos0 + pos
                if chars:
                    t.startchar, t.endchar = char0 + start, char0 + end
                t.part, t.scope = part, scope
                t.text, t.norm, t.exact, t.lang, t.nostem, t.root, t.fold = keys
                yield t
            t.part, t.scope = "", ALL
            if positions:
                shift += extra

    def _live(self, t: Token) -> Iterator[Token]:
        """An untokenised value (Whoosh's `tokenize=False`) through the steps, uncached."""
        stream: Iterable[Token] = iter([t])
        for step in self.steps:
            stream = step(stream)
        yield from stream
