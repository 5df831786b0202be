"""izde's web front end: search pages and their JSON twins over one Whoosh index."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from flask import Flask, g, request
from flask.json.provider import DefaultJSONProvider
from flask_compress import Compress

from indexer.config import default_index_dir
from webapp.api import bp as api_bp
from webapp.concordance import bp as concordance_bp
from webapp.data import IndexHolder
from webapp.errors import init_errors
from webapp.hosts import init_hosts
from webapp.i18n import init_i18n
from webapp.pages import bp as pages_bp
from webapp.security import init_security

log = logging.getLogger("izde.web")


def create_app(config: dict | None = None) -> Flask:
    """The Flask app. `config` may set `INDEX_DIR` (the index folder; default: izde's
    default), and what webapp/hosts.py reads: `BASE_URL` (the address absolute links use),
    `ALLOWED_HOSTS` (other Host values answered) and `BIND_HOST` (the address served)."""
    app = Flask(__name__)
    app.config.update(
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=64 * 1024,  # webapp/security.py refuses more before reading it
        SESSION_COOKIE_HTTPONLY=True,
        TEMPLATES_AUTO_RELOAD=False,
        # Pages, JSON and the static files go compressed (a long document page is 140 KB of
        # HTML); the concordance's TSV export is not listed, so it streams untouched, row by row.
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
        ],
    )
    if config:
        app.config.update(config)
    if not app.config.get("INDEX_DIR"):
        app.config["INDEX_DIR"] = default_index_dir()
    app.config["INDEX_DIR"] = Path(app.config["INDEX_DIR"])
    if isinstance(app.json, DefaultJSONProvider):  # (always: Flask's own)
        app.json.ensure_ascii = False  # Kazakh stays readable in the JSON
        app.json.sort_keys = False

    @app.before_request
    def _start_timer() -> None:
        g.t0 = time.perf_counter()

    # First registered, so its after_request runs last, on the finished response.
    Compress(app)
    init_hosts(app)  # next: a refused Host is answered before anything else runs
    init_security(app)
    init_i18n(app)
    init_errors(app)
    app.extensions["izde_index"] = IndexHolder(app.config["INDEX_DIR"])

    app.register_blueprint(pages_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(concordance_bp)

    @app.after_request
    def _log_request(response):
        ms = (time.perf_counter() - g.get("t0", time.perf_counter())) * 1000
        # The query text stays out of the INFO log: what people search for is private.
        log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, ms)
        if log.isEnabledFor(logging.DEBUG) and request.query_string:
            log.debug("query string: %s", request.query_string.decode("latin-1"))
        return response

    return app
