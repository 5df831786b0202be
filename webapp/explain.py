"""How a query was understood, told in the interface language.

The search gives `understood_as` (the engine's own notation, kept as is in the JSON) and
`understood`, one entry per part of the query: `{"word": as typed, "as": how it was read,
"detail": {…}}` (indexer.search.query.Compiler._read). A page shows only the sentences
made here, never the engine notation.
"""

from __future__ import annotations

from indexer.search.query import MAX_PREFIX_TERMS, MAX_QUERY_PREFIX_TERMS
from webapp.i18n import fast_gettext as _


def _all_forms(w: str, detail: dict) -> str:
    read_as = detail.get("read_as")
    shown = f"{w} → {read_as}" if read_as and read_as != w else w
    if detail.get("found") is False:
        return _("%(w)s: not in the documents", w=shown)
    related = detail.get("related")
    if related and related != detail.get("key"):
        return _("%(w)s (all forms and related words)", w=shown)
    if detail.get("without_kazakh_letters") and not read_as:
        return _("%(w)s (all forms, with or without Kazakh letters)", w=shown)
    return _("%(w)s (all forms)", w=shown)


def _prefix(w: str, detail: dict) -> str:
    shown = str(detail.get("prefix") or w.rstrip("*"))
    terms = detail.get("terms")
    if not terms:
        return _("%(w)s…: no word in the documents begins so", w=shown)
    if detail.get("cut_reason") == "time_budget":
        return _(
            "%(w)s… (cut short: the time ran out while the words that begin so were read; "
            "%(n)s of them searched)",
            w=shown,
            n=terms,
        )
    if detail.get("cut"):
        return _(
            "%(w)s… (cut: only the most frequent words that begin so, at most %(cap)s a "
            "prefix and %(total)s for the whole query)",
            w=shown,
            cap=MAX_PREFIX_TERMS,
            total=MAX_QUERY_PREFIX_TERMS,
        )
    return _("%(w)s… (%(n)s words that begin so)", w=shown, n=terms)


def _ignored(w: str, detail: dict) -> str:
    if detail.get("reason") == "question_word":
        return _("%(w)s: a question word, left out", w=w)
    return _("%(w)s: a common word, left out", w=w)


def describe(entry: dict) -> str:
    """One part of the query as a short phrase in the interface language."""
    how = str(entry.get("as") or "")
    w = str(entry.get("word") or "")
    raw = entry.get("detail")
    detail: dict = raw if isinstance(raw, dict) else {}
    if how == "excluded":
        return _("without %(w)s", w=w)
    if how == "all_forms":
        return _all_forms(w, detail)
    if how == "exact":
        if detail.get("found") is False:
            return _("%(w)s: not in the documents", w=w)
        return _("%(w)s (this form only)", w=w)
    if how == "prefix":
        return _prefix(w, detail)
    if how == "phrase":
        return _("“%(w)s” (these words in this order)", w=w)
    if how == "ignored_stopword":
        return _ignored(w, detail)
    if how == "in_title":
        return _("only documents with %(w)s in the title", w=w)
    if how == "in_section":
        return _("only sections with %(w)s", w=w)
    if how in ("in_document", "in_doc_id"):
        return _("only the document %(w)s", w=w)
    return w


def understood(result: dict) -> list[str]:
    """The parts of the query as the page shows them: left-out words last; empty when the
    search gives none."""
    entries = [e for e in result.get("understood") or [] if isinstance(e, dict)]
    entries.sort(key=lambda e: e.get("as") == "ignored_stopword")
    return [describe(e) for e in entries]
