"""The JSON twins of the pages, built by the same functions, and their OpenAPI description."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, jsonify, request

from webapp import data
from webapp.citation import MEDIA, STYLES, absolute_root, cite_paragraph
from webapp.concordance import run_term
from webapp.i18n import fast_gettext as _
from webapp.openapi import openapi_document
from webapp.params import (
    COMPLETE_LIMIT,
    MAX_COMPLETE_LIMIT,
    MAX_STATS_LIMIT,
    MAX_STATS_OFFSET,
    paragraph_arg,
    search_params,
)
from webapp.security import BadRequest, check_doc_id, int_arg, query_arg

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def search():
    p = search_params()
    if not p.q:
        raise BadRequest(_("The parameter q (the query) is required."))
    h = data.handle()
    return jsonify(data.run_search(h, p.q, p.limit, p.offset, p.doc, p.order, p.facets))


@bp.get("/api/term")
def term():
    w = query_arg("w").strip()
    if not w:
        raise BadRequest(_("The parameter w (a word) is required."))
    return jsonify(run_term(data.handle(), w))


@bp.get("/api/complete")
def complete():
    """Completions of the word being typed (the last word of `q`), for search as you type."""
    q = query_arg("q")
    limit = int_arg("limit", COMPLETE_LIMIT, 1, MAX_COMPLETE_LIMIT)
    return jsonify(data.run_complete(data.handle(), q, limit))


@bp.get("/api/doc/<doc_id>")
def document(doc_id: str):
    check_doc_id(doc_id)
    q = query_arg("q").strip()
    return jsonify(data.run_document(data.handle(), doc_id, q))


@bp.get("/api/cite")
def cite():
    """The citation as JSON; with `style`, the body is that citation as text (BibTeX, RIS
    and CSL-JSON as a download)."""
    doc_id = check_doc_id(request.args.get("doc", ""))  # not an id: simply not found
    n = paragraph_arg("n")
    if n < 1:
        raise BadRequest(_("n must be a paragraph number."))
    style = request.args.get("style")
    if style is not None and style not in STYLES:
        raise BadRequest(_("style must be one of: %(styles)s.", styles=", ".join(STYLES)))
    result = cite_paragraph(
        data.handle(), doc_id, n, absolute_root(), styles=(style,) if style else ()
    )
    if result is None:
        raise data.Missing(f"{doc_id}#p{n}")
    if not style:
        return jsonify(result)
    mimetype, extension = MEDIA[style]
    response = Response(result[style], content_type=mimetype)
    if extension:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{doc_id}-p{n}")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@bp.get("/api/stats")
def stats():
    """The index figures and a page of its documents (`title` filters, `offset`/`limit`)."""
    title = query_arg("title").strip()
    offset = int_arg("offset", 0, 0, MAX_STATS_OFFSET)
    limit = int_arg("limit", data.STATS_LIMIT, 1, MAX_STATS_LIMIT)
    return jsonify(data.stats(data.handle(), current_app.config["INDEX_DIR"], title, offset, limit))


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document(request.host_url))


@bp.get("/healthz")
def healthz():
    body, status = data.health(current_app.config["INDEX_DIR"])
    return jsonify(body), status
