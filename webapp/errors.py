"""Error answers: an HTML page for people, JSON under /api/ — never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.search.budget import Busy
from webapp.data import BadQuery, Missing, NoIndex
from webapp.i18n import fast_gettext as _
from webapp.query_errors import reason
from webapp.security import BadRequest

log = logging.getLogger("izde.web")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        404: _("Not found"),
        405: _("Method not allowed"),
        413: _("Request too large"),
        500: _("Something went wrong"),
        503: _("No index yet"),
    }


def error_response(status: int, message: str = "", title: str = "", **extra):
    title = title or _titles().get(status) or _("Error")
    if wants_json():
        body = {"error": title, "status": status, "message": message}
        body.update(extra)
        return jsonify(body), status
    extra.setdefault("q", _kept_query())
    return render_template(
        "error.html", status=status, title=title, message=message, **extra
    ), status


def _kept_query() -> str:
    """The query stays in the search box of an error page (escaped like any other text)."""
    q = request.args.get("q", "")
    return q if len(q) <= 1000 else ""


def init_errors(app: Flask) -> None:
    @app.errorhandler(BadRequest)
    def _bad_request(exc: BadRequest):
        return error_response(400, str(exc))

    @app.errorhandler(BadQuery)
    def _bad_query(exc: BadQuery):
        why = reason(exc.code, exc.params, str(exc))
        extra = {"code": exc.code} if exc.code and wants_json() else {}
        return error_response(
            400, _("The query could not be read: %(reason)s", reason=why), **extra
        )

    @app.errorhandler(Missing)
    def _missing(exc: Missing):
        return error_response(404, _("There is no such document or paragraph in the index."))

    @app.errorhandler(NoIndex)
    def _no_index(exc: NoIndex):
        command = f"izde index corpus --index {exc.index_dir}"
        if exc.kind == "damaged":
            command = f"izde index --rebuild corpus --index {exc.index_dir}"
            message = _("The index is damaged. Rebuild it with this command:")
        else:
            message = _("There is no index yet. Create it with this command:")
        if wants_json():
            return error_response(503, message, command=command, detail=exc.detail)
        title = _titles()[503] if exc.kind == "missing" else _("The index is damaged")
        return render_template(
            "error.html", status=503, title=title, message=message, command=command, q=_kept_query()
        ), 503

    @app.errorhandler(Busy)
    def _busy(exc: Busy):
        # Expensive searches take turns (indexer.search.budget): this one's did not come
        # within its time budget.
        message = _(
            "The server is busy with other searches. Try again in %(seconds)s seconds.",
            seconds=exc.retry_after,
        )
        response = app.make_response(error_response(503, message, title=_("Busy")))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        status = exc.code or 500
        message = ""
        if status == 404:
            message = _("The page you asked for does not exist.")
        elif status == 405:
            message = _("This address only answers GET requests.")
        elif status == 413:
            message = _(
                "The request is too large: at most %(kb)s KB.",
                kb=app.config["MAX_CONTENT_LENGTH"] // 1024,
            )
        elif status == 400:
            message = _("The request could not be understood.")
        response = app.make_response(error_response(status, message))
        for key, value in exc.get_headers():
            if key.lower() == "allow":  # the methods a 405's address answers (RFC 9110)
                response.headers["Allow"] = value
        return response

    @app.errorhandler(Exception)
    def _crash(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http(exc)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, _("The server hit an error. It has been logged."))
