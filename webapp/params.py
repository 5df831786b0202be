"""Reading request parameters once, the same way for a page and its JSON twin."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

from indexer.search import complete
from indexer.search.engine import FACETS, MAX_FACETS, MAX_LIMIT, MAX_OFFSET, ORDERS
from webapp.i18n import fast_gettext as _
from webapp.security import (
    MAX_PARAGRAPH,
    BadRequest,
    int_arg,
    query_arg,
    valid_doc_id,
)

DEFAULT_LIMIT = 10
DEFAULT_FACETS = FACETS  # documents listed in the per-document counts
MAX_STATS_LIMIT = 1_000  # documents on one page of /api/stats
MAX_STATS_OFFSET = 10_000_000
COMPLETE_LIMIT, MAX_COMPLETE_LIMIT = complete.DEFAULT_LIMIT, complete.MAX_LIMIT  # /api/complete


@dataclass
class SearchParams:
    q: str
    limit: int
    offset: int
    doc: str | None
    order: str
    facets: int = DEFAULT_FACETS


def search_params() -> SearchParams:
    q = query_arg("q")
    limit = int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = int_arg("offset", 0, 0, MAX_OFFSET)
    # Given means given: an empty doc= or order= is an error, not "no filter" (the search
    # form leaves out a filter it does not set).
    doc = request.args.get("doc")
    if doc is not None and not valid_doc_id(doc):
        raise BadRequest(_("doc must be a document id."))
    order = request.args.get("order", "relevance")
    if order not in ORDERS:
        raise BadRequest(_("order must be relevance or document."))
    facets = int_arg("facets", DEFAULT_FACETS, 0, MAX_FACETS)
    return SearchParams(
        q=q.strip(), limit=limit, offset=offset, doc=doc, order=order, facets=facets
    )


def paragraph_arg(name: str = "n") -> int:
    return int_arg(name, 0, 1, MAX_PARAGRAPH) if request.args.get(name) else 0


def highlight_arg() -> int | None:
    raw = request.args.get("hl")
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        return None  # only a visual mark: a bad value is ignored, not an error
    return value if 1 <= value <= MAX_PARAGRAPH else None
