"""Mark the matched forms of a paragraph: `<mark>` around them, all other text HTML-escaped.

The paragraph is run through the index's own analyzers (the schema's `text`, `fold` and
`exact` analyzers), so a token is marked exactly when one of the forms the index holds for
it is a positive term of the query: дағдарыстан is marked for the query дағдарыс because
its stem is.  Offsets come from the analyzer, so marks always sit on the original text.
A token met only through a related word (the `root` field: мемлекеттік for мемлекет) gets
a lighter mark, `<mark class="rel">`.
"""

from __future__ import annotations

from html import escape

from indexer.analysis.analyzers import KazakhAnalyzer, KeysAnalyzer, fold_token
from indexer.analysis.tokenizer import EXACT, WORDS
from indexer.search.query import MatchTerms

SNIPPET_OVER = 400  # paragraphs longer than this get a snippet
SNIPPET_CONTEXT = 70  # characters of context kept on each side of a mark
SNIPPET_HEAD = 300  # a long paragraph with nothing marked shows its start


def _field_tokens(schema, fieldname: str, text: str) -> dict[int, tuple[int, str, int]]:
    """startchar -> (endchar, term, position) for one field's analyzer."""
    if fieldname not in schema:
        return {}
    out: dict[int, tuple[int, str, int]] = {}
    for t in schema[fieldname].analyzer(text, chars=True, positions=True, mode="index"):
        if t.startchar not in out:
            out[t.startchar] = (t.endchar, t.text, t.pos)
    return out


_OURS = KazakhAnalyzer()


def _schema_is_ours(schema) -> bool:
    """True when the index's analyzers are this code's (then one analysis pass serves all)."""
    try:
        return (
            "text" in schema
            and "fold" in schema
            and "exact" in schema
            and schema["text"].analyzer == _OURS
        )
    except Exception:  # noqa: BLE001 - an analyzer without __eq__: take the slow path
        return False


def tokens(schema, text: str, need_fold: bool = True) -> list[dict]:
    """Tokens of a paragraph in order: start, end, stem, fold, exact."""
    if _schema_is_ours(schema):
        # One pass of the index's own `text` analyzer: it leaves the normalised surface form
        # on each token (`norm`, the `exact` field's term) and the fold is a cached function
        # of it, so the two other analyzers need not run.
        out = []
        for t in schema["text"].analyzer(text, chars=True, positions=True, mode="index"):
            norm = getattr(t, "norm", t.text)
            out.append(
                {
                    "start": t.startchar,
                    "end": t.endchar,
                    "pos": t.pos,
                    "stem": t.text,
                    "fold": (fold_token(norm, t.lang, t.nostem) if need_fold else None),
                    "exact": norm,
                }
            )
        return out
    stems = _field_tokens(schema, "text", text)
    folds = _field_tokens(schema, "fold", text)
    exacts = _field_tokens(schema, "exact", text)
    out = []
    for start in sorted(set(stems) | set(folds) | set(exacts)):
        ends = [d[start][0] for d in (stems, exacts, folds) if start in d]
        out.append(
            {
                "start": start,
                "end": ends[0],
                "pos": stems.get(start, (0, None, -1))[2],
                "stem": stems.get(start, (0, None))[1],
                "fold": folds.get(start, (0, None))[1],
                "exact": exacts.get(start, (0, None))[1],
            }
        )
    return out


REL = "rel"  # the class of a related word's mark

_KEYS = KeysAnalyzer()


def match_spans(schema, text: str, marks: MatchTerms) -> list[tuple[int, int, str]]:
    """Character spans to mark (start, end, class: "" or REL), in order, not overlapping."""
    if marks.empty() or not text:
        return []
    if _schema_is_ours(schema):
        spans = _spans_one_pass(text, marks, "root" in schema)
    else:
        spans = _spans_per_field(schema, text, marks)
    return _merge(spans)


def _spans_one_pass(text: str, marks: MatchTerms, related: bool) -> list[tuple[int, int, str]]:
    """Spans from one pass of `KeysAnalyzer`, the index's own chain with every key on each
    token (word key, root, exact form, fold): no per-word re-analysis, no token records
    except for phrases.  A token of `exact` scope (a form with its clitic) is matched by its
    exact form only; the others by every key."""
    stems, folds, exact = marks.stems, marks.folds, marks.exact
    roots = marks.roots if related else frozenset()
    spans: list[tuple[int, int, str]] = []
    rel: list[tuple[int, int, str]] = []
    words: list[dict] = []
    for t in _KEYS(text, chars=True, positions=True, mode="index"):
        scope = t.scope
        if scope != WORDS and t.exact in exact:
            spans.append((t.startchar, t.endchar, ""))
            continue
        if scope == EXACT:
            continue
        if t.text in stems or (folds and t.fold in folds):
            spans.append((t.startchar, t.endchar, ""))
        elif roots and t.root in roots:
            rel.append((t.startchar, t.endchar, REL))
        if marks.phrases:
            words.append({"start": t.startchar, "end": t.endchar, "pos": t.pos, "stem": t.text})
    if marks.phrases:
        spans += _phrase_spans(words, marks.phrases)
    if rel:
        # (a related mark only where the word's own forms left none)
        own = {s for s, _e, _c in spans}
        spans += [r for r in rel if r[0] not in own]
    return spans


def _spans_per_field(schema, text: str, marks: MatchTerms) -> list[tuple[int, int, str]]:
    """Spans for an index whose analyzers are not this code's: each field's analyzer in turn
    (related words are not marked)."""
    toks = tokens(schema, text, need_fold=bool(marks.folds))
    spans = []
    for t in toks:
        if t["stem"] in marks.stems or t["fold"] in marks.folds or t["exact"] in marks.exact:
            spans.append((t["start"], t["end"], ""))
    if marks.phrases:
        spans += _phrase_spans(toks, marks.phrases)
    return spans


def _phrase_spans(toks: list[dict], phrases: list) -> list[tuple[int, int, str]]:
    """Phrases by token position, as the index matched them (compound parts share
    positions with their whole)."""
    spans = []
    at: dict[int, list[dict]] = {}
    for t in toks:
        if t["stem"] is not None and t["pos"] is not None and t["pos"] >= 0:
            at.setdefault(t["pos"], []).append(t)
    for phrase in phrases:
        k = len(phrase)
        for p in sorted(at):
            run = []
            for i, stem in enumerate(phrase):
                hit = next((t for t in at.get(p + i, ()) if t["stem"] == stem), None)
                if hit is None:
                    break
                run.append(hit)
            if len(run) == k:
                spans.append((run[0]["start"], run[-1]["end"], ""))
    return spans


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans made one (a word's own mark wins over a related one)."""
    spans.sort()
    out: list[list] = []
    for s, e, c in spans:
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
            if not c:
                out[-1][2] = ""
        else:
            out.append([s, e, c])
    return [(s, e, c) for s, e, c in out]


def render(text: str, spans: list, start: int = 0, end: int | None = None) -> str:
    """text[start:end] escaped, with the spans inside it wrapped in <mark> (a span's third
    item, when given and not empty, is the mark's class)."""
    end = len(text) if end is None else end
    out, pos = [], start
    for span in spans:
        s, e = span[0], span[1]
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        cls = span[2] if len(span) > 2 else ""
        open_tag = f'<mark class="{cls}">' if cls else "<mark>"
        out.append(escape(text[pos:s], quote=False))
        out.append(open_tag + escape(text[s:e], quote=False) + "</mark>")
        pos = e
    out.append(escape(text[pos:end], quote=False))
    return "".join(out)


def _word_boundary_left(text: str, i: int) -> int:
    if i <= 0:
        return 0
    j = text.rfind(" ", 0, i)
    return 0 if j < 0 or i - j > 20 else j + 1


def _word_boundary_right(text: str, i: int) -> int:
    if i >= len(text):
        return len(text)
    j = text.find(" ", i)
    return len(text) if j < 0 or j - i > 20 else j


def snippet(text: str, spans: list, context: int = SNIPPET_CONTEXT) -> str:
    """Fragments around every mark, joined by "…"; every mark is kept."""
    if not spans:
        cut = _word_boundary_right(text, SNIPPET_HEAD) if len(text) > SNIPPET_HEAD else len(text)
        return escape(text[:cut], quote=False) + ("…" if cut < len(text) else "")
    windows: list[list[int]] = []
    for span in spans:
        s, e = span[0], span[1]
        a = _word_boundary_left(text, s - context)
        b = _word_boundary_right(text, e + context)
        if windows and a <= windows[-1][1] + 10:
            windows[-1][1] = max(windows[-1][1], b)
        else:
            windows.append([a, b])
    parts = []
    for a, b in windows:
        frag = render(text, spans, a, b).strip()
        parts.append(("…" if a > 0 else "") + frag)
    out = " ".join(parts)
    if windows[-1][1] < len(text):
        out += "…"
    return out


def highlight(schema, text: str, marks: MatchTerms, full: bool = False) -> str:
    """The paragraph as safe HTML with matches marked; a snippet when long unless `full`."""
    spans = match_spans(schema, text, marks)
    if full or len(text) <= SNIPPET_OVER:
        return render(text, spans)
    return snippet(text, spans)
