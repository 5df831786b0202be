"""The JSON twins of the pages, built by the same functions, and their OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from webapp import data
from webapp.citation import cite_paragraph
from webapp.i18n import fast_gettext as _
from webapp.openapi import openapi_document
from webapp.params import paragraph_arg, search_params
from webapp.security import BadRequest, check_doc_id, query_arg

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
    return jsonify(data.run_term(data.handle(), w))


@bp.get("/api/doc/<doc_id>")
def document(doc_id: str):
    check_doc_id(doc_id)
    q = query_arg("q").strip()
    return jsonify(data.run_document(data.handle(), doc_id, q))


@bp.get("/api/cite")
def cite():
    doc_id = check_doc_id(request.args.get("doc", ""))  # not an id: simply not found
    n = paragraph_arg("n")
    if n < 1:
        raise BadRequest(_("n must be a paragraph number."))
    result = cite_paragraph(data.handle(), doc_id, n, request.host_url)
    if result is None:
        raise data.Missing(f"{doc_id}#p{n}")
    return jsonify(result)


@bp.get("/api/stats")
def stats():
    return jsonify(data.stats(data.handle(), current_app.config["INDEX_DIR"]))


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document(request.host_url))


@bp.get("/healthz")
def healthz():
    body, status = data.health(current_app.config["INDEX_DIR"])
    return jsonify(body), status
