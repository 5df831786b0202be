"""Every field's terms of one paragraph from one tokenisation.

At index time a paragraph goes into `text` (the word key, with positions), `root`, `exact`
and `fold`, and the title and section of its document into `title` and `section`. Running
each field's analyzer as a Whoosh generator chain would tokenise the paragraph once per
field. `paragraph_terms` walks the tokenizer's pattern once and takes, for each raw token,
the plan of the all-keys chain (`chain_steps(None)`, see `indexer.analysis.chain`): the
same plans the analyzers replay, so the terms are by construction the ones each field's
analyzer makes (tests/test_schema_fields.py checks it against Whoosh's own `TEXT.index`).
"""

from __future__ import annotations

from indexer.analysis.chain import chain_steps, plans_for
from indexer.analysis.filters import ParagraphFacts
from indexer.analysis.tokenizer import EXACT, WORDS, token_pattern

__all__ = ["ParagraphTerms", "paragraph_terms"]

_ALL_KEYS = tuple(chain_steps(None))
_SIGNATURE = repr(_ALL_KEYS)


class ParagraphTerms(tuple):
    """`stems`: {word key: [positions]} (the `text` field); `exact`, `folds`, `roots`:
    {key: count} (the `exact`, `fold` and `root` fields)."""

    __slots__ = ()

    def __new__(cls, stems: dict, exact: dict, folds: dict, roots: dict):
        return tuple.__new__(cls, (stems, exact, folds, roots))

    stems = property(lambda self: self[0])
    exact = property(lambda self: self[1])
    folds = property(lambda self: self[2])
    roots = property(lambda self: self[3])


def _add(counts: dict, key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def paragraph_terms(value: str, para_lang: str = "") -> ParagraphTerms:
    """The index-mode terms of `value` for every field that reads a paragraph."""
    plans = plans_for(_ALL_KEYS, _SIGNATURE, ParagraphFacts.of(value, para_lang), "index")
    stems: dict[str, list[int]] = {}
    exact: dict[str, int] = {}
    folds: dict[str, int] = {}
    roots: dict[str, int] = {}
    sget = stems.get
    pos = 0
    for m in token_pattern(value).finditer(value):
        plan = plans[m.group()]
        if plan.__class__ is tuple:
            # (text, norm, exact, lang, nostem, root, fold): see chain._KEYS
            s, _, e, _, _, r, f = plan
            lst = sget(s)
            if lst is None:
                stems[s] = [pos]
            else:
                lst.append(pos)
            exact[e] = exact.get(e, 0) + 1
            roots[r] = roots.get(r, 0) + 1
            folds[f] = folds.get(f, 0) + 1
            pos += 1
            continue
        entries, extra = plan
        for off, _, _, _, scope, keys in entries:
            if scope != WORDS:
                _add(exact, keys[2])
            if scope != EXACT:
                stems.setdefault(keys[0], []).append(pos + off)
                _add(roots, keys[5])
                _add(folds, keys[6])
        pos += 1 + extra
    return ParagraphTerms(stems, exact, folds, roots)
