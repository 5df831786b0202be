"""The concordance page and its JSON twin (/concordance, /api/concordance, with a TSV
export), and what the word page (/term) shows of the same data.

Both the page and the API call `run_concordance`, so they cannot disagree; the export
streams every line from `indexer.search.concordance.iter_tsv`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for

from indexer.search import concordance as kwic
from indexer.search import views
from webapp import data
from webapp.i18n import fast_gettext as _
from webapp.security import BadRequest, int_arg, query_arg, valid_doc_id

bp = Blueprint("concordance", __name__)

PAGE_LIMIT = 50  # lines per page on /concordance (the API's default is kwic.DEFAULT_LIMIT)
MAX_OFFSET = 2**31 - 1  # paging reaches every occurrence; this only bounds the number
CHART_BARS = 10  # documents in the word page's bar chart
CHART_WIDTH, CHART_BAR, CHART_GAP, CHART_LABEL = 480, 18, 6, 200  # its geometry in px
TRIM = 50  # characters of context shown beside the match on the pages


@dataclass
class KwicParams:
    w: str
    forms: list[str]
    doc: str | None
    sort: str
    offset: int
    limit: int
    width: int
    fmt: str


def kwic_params(default_limit: int) -> KwicParams:
    """The request's concordance parameters, read the same way for page, API and export."""
    w = " ".join(query_arg("w").split())
    if len(w.split()) > kwic.MAX_PHRASE:
        raise BadRequest(_("Give one word or a phrase of at most %(n)s words.", n=kwic.MAX_PHRASE))
    forms = [f.strip() for f in request.args.getlist("form") if f.strip()][:200]
    doc = request.args.get("doc")  # given means given: an empty doc= is an error (params.py)
    if doc is not None and not valid_doc_id(doc):
        raise BadRequest(_("doc must be a document id."))
    sort = request.args.get("sort", "doc")
    if sort not in kwic.SORTS:
        raise BadRequest(_("sort must be one of: doc, left, right, form."))
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "tsv"):
        raise BadRequest(_("format must be json or tsv."))
    return KwicParams(
        w=w,
        forms=forms,
        doc=doc,
        sort=sort,
        offset=int_arg("offset", 0, 0, MAX_OFFSET),
        limit=int_arg("limit", default_limit, 1, kwic.MAX_LIMIT),
        width=int_arg("width", kwic.DEFAULT_WIDTH, kwic.MIN_WIDTH, kwic.MAX_WIDTH),
        fmt=fmt,
    )


def run_concordance(h: Any, p: KwicParams) -> dict:
    try:
        return kwic.concordance(h, p.w, p.forms or None, p.doc, p.sort, p.offset, p.limit, p.width)
    except kwic.QueryError as exc:
        raise data.BadQuery(exc) from None


def _tsv_response(h: Any, p: KwicParams) -> Response:
    """Every line as TSV, streamed: each chunk of paragraphs takes its own search turn."""
    try:
        rows = kwic.iter_tsv(h, p.w, forms=p.forms or None, doc=p.doc, sort=p.sort, width=p.width)
    except kwic.QueryError as exc:
        raise data.BadQuery(exc) from None
    name = f"concordance-{p.w}.tsv"
    disposition = f"attachment; filename=\"concordance.tsv\"; filename*=UTF-8''{quote(name)}"
    return Response(
        (row.encode("utf-8") for row in rows),
        mimetype="text/tab-separated-values",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
        content_type="text/tab-separated-values; charset=utf-8",
    )


@bp.get("/api/concordance")
def api_concordance():
    p = kwic_params(kwic.DEFAULT_LIMIT)
    if not p.w:
        raise BadRequest(_("The parameter w (a word) is required."))
    h = data.handle()
    if p.fmt == "tsv":
        return _tsv_response(h, p)
    return jsonify(run_concordance(h, p))


def trim_left(text: str, width: int = TRIM) -> str:
    """Context cut at a word boundary, with an ellipsis where it was cut."""
    text = " ".join(text.split()) if "\n" in text else text
    if len(text) <= width:
        return text
    cut = text[-width:]
    return "…" + (cut[cut.index(" ") :] if " " in cut else cut)


def trim_right(text: str, width: int = TRIM) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    if len(text) <= width:
        return text
    cut = text[:width]
    return (cut[: cut.rindex(" ")] if " " in cut else cut) + " …"


def doc_href(doc_id: str, n: int, q: str) -> str:
    """The paragraph in its document, the word marked (the same link as a search hit's)."""
    args = urlencode({"q": q, "hl": n})
    return url_for("pages.document", doc_id=doc_id) + f"?{args}#p{n}"


def line_view(line: dict, q: str, langs: dict) -> dict:
    return {
        **line,
        "left_short": trim_left(line["left"]),
        "right_short": trim_right(line["right"]),
        "link": doc_href(line["doc_id"], line["paragraph"], q),
        "title": line.get("doc_title") or line["doc_id"],
        "lang": (langs.get(line["doc_id"]) or {}).get("lang") or "kk",
    }


def _url(endpoint: str, p: KwicParams, **change: Any) -> str:
    args: list[tuple[str, Any]] = [("w", p.w)]
    args += [("form", f) for f in change.pop("forms", p.forms)]
    values = {"doc": p.doc, "sort": p.sort, "offset": p.offset, "limit": p.limit}
    values.update(change)
    defaults = {"sort": "doc", "offset": 0, "limit": PAGE_LIMIT}
    args += [(k, v) for k, v in values.items() if v not in (None, "") and defaults.get(k) != v]
    return url_for(endpoint) + "?" + urlencode(args)


def _pager(p: KwicParams, total: int) -> dict:
    last = max(0, (total - 1) // p.limit * p.limit)
    return {
        "first": _url("concordance.page", p, offset=0) if p.offset > 0 else None,
        "prev": _url("concordance.page", p, offset=max(0, p.offset - p.limit))
        if p.offset > 0
        else None,
        "next": _url("concordance.page", p, offset=p.offset + p.limit)
        if p.offset + p.limit < total
        else None,
        "last": _url("concordance.page", p, offset=last) if p.offset < last else None,
        "from": p.offset + 1 if total else 0,
        "to": min(total, p.offset + p.limit),
    }


@bp.get("/concordance")
def page():
    p = kwic_params(PAGE_LIMIT)
    h = data.handle()
    if p.w and p.fmt == "tsv":
        return _tsv_response(h, p)
    result = run_concordance(h, p) if p.w else None
    lines = []
    if result is not None:
        lines = [line_view(line, result["link_query"], h.docs) for line in result["lines"]]
    api = _url("concordance.api_concordance", p, limit=p.limit, offset=p.offset)
    return render_template(
        "concordance.html",
        q="",
        w=p.w,
        p=p,
        result=result,
        lines=lines,
        pager=_pager(p, result["total"]) if result else None,
        sorts=[
            ("doc", _("document order")),
            ("right", _("right context")),
            ("left", _("left context")),
            ("form", _("form")),
        ],
        doc_order_href=_url("concordance.page", p, sort="doc", offset=0),
        tsv_href=_url("concordance.api_concordance", p, format="tsv", offset=0, limit=None),
        api_href=api,
        term_href=url_for("pages.term", w=p.w) if p.w else None,
    )


@bp.get("/forms/search")
def search_forms():
    """The word page's form, "search these forms": a search for the ticked forms as exact
    terms (a plain form cannot build the query itself without JavaScript)."""
    w = query_arg("w").strip()
    forms = [f.strip() for f in request.args.getlist("form") if f.strip()][:64]
    q = " OR ".join("=" + f for f in forms) if forms else w
    return redirect(url_for("pages.search") + "?" + urlencode({"q": q}), code=303)


# -- the word page ---------------------------------------------------------------------------


def _chart(documents: list[dict]) -> dict | None:
    """Geometry of the bar chart of the documents with the most occurrences (an inline SVG
    drawn by the template: no script, no external file, nothing the CSP blocks)."""
    top = documents[:CHART_BARS]
    if not top:
        return None
    most = max(d["count"] for d in top) or 1
    span = CHART_WIDTH - CHART_LABEL - 60
    bars = []
    for i, d in enumerate(top):
        title = d.get("title") or d["doc_id"]
        bars.append(
            {
                "y": i * (CHART_BAR + CHART_GAP),
                "width": max(1, round(d["count"] * span / most)),
                "count": d["count"],
                "label": title if len(title) <= 26 else title[:25] + "…",
                "title": title,
            }
        )
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": len(bars) * (CHART_BAR + CHART_GAP),
        "label_width": CHART_LABEL,
        "bar": CHART_BAR,
    }


def run_term(h: Any, w: str) -> dict:
    """The word view for /term and /api/term alike: the request's `offset` and `limit`
    choose the page of the per-document table (as on /stats)."""
    offset = int_arg("offset", 0, 0, MAX_OFFSET)
    limit = int_arg("limit", views.TERM_DOCUMENTS, 1, views.MAX_TERM_DOCUMENTS)
    try:
        return views.term_view(h, w, offset, limit)
    except views.QueryError as exc:
        raise data.BadQuery(exc) from None


def _term_pager(view: dict) -> dict | None:
    """Links to the other pages of the per-document table (None: it fits on one)."""
    total, at, size = view["document_count"], view["documents_offset"], view["documents_limit"]
    if total <= size and at == 0:
        return None

    def href(offset: int) -> str:
        args = {"w": view["word"], "offset": offset or None}
        if size != views.TERM_DOCUMENTS:
            args["limit"] = size
        return url_for("pages.term", **args) + "#docs-h"

    return {
        "prev": href(max(0, at - size)) if at > 0 else None,
        "next": href(at + size) if at + size < total else None,
        "from": at + 1 if view["documents"] else 0,
        "to": at + len(view["documents"]),
        "total": total,
    }


def term_page(view: dict) -> dict:
    """The word view with what the page adds: links, shortened contexts, the chart of the
    documents with the most occurrences, links to the other pages of documents."""
    h = data.handle()
    q = view.get("link_query") or view["word"]
    lines = [line_view(line, q, h.docs) for line in view["lines"]]
    return {
        **view,
        "lines": lines,
        "chart": _chart(view["top_documents"]),
        "documents_pager": _term_pager(view),
        "concordance_href": url_for("concordance.page", w=view["word"]),
        "search_href": url_for("pages.search", q=q),
    }
