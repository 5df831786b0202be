"""izde's web front end: search pages and their JSON twins over one Whoosh index."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from flask import Flask, g, request

from webapp.data import IndexHolder

log = logging.getLogger("izde.web")


def create_app(config: dict | None = None) -> Flask:
    """The Flask app; `config["INDEX_DIR"]` is the index folder (default: izde's default)."""
    app = Flask(__name__)
    app.config.update(
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=64 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        TEMPLATES_AUTO_RELOAD=False,
    )
    if config:
        app.config.update(config)
    if not app.config.get("INDEX_DIR"):
        from indexer.config import default_index_dir

        app.config["INDEX_DIR"] = default_index_dir()
    app.config["INDEX_DIR"] = Path(app.config["INDEX_DIR"])
    app.json.ensure_ascii = False  # Kazakh stays readable in the JSON
    app.json.sort_keys = False

    from webapp.errors import init_errors
    from webapp.i18n import init_i18n
    from webapp.security import init_security

    init_security(app)
    init_i18n(app)
    init_errors(app)
    app.extensions["izde_index"] = IndexHolder(app.config["INDEX_DIR"])

    from webapp.api import bp as api_bp
    from webapp.pages import bp as pages_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(api_bp)

    @app.before_request
    def _start_timer() -> None:
        g.t0 = time.perf_counter()

    @app.after_request
    def _log_request(response):
        ms = (time.perf_counter() - g.get("t0", time.perf_counter())) * 1000
        # The query text stays out of the INFO log: what people search for is private.
        log.info("%s %s %s %.1fms", request.method, request.path, response.status_code, ms)
        if log.isEnabledFor(logging.DEBUG) and request.query_string:
            log.debug("query string: %s", request.query_string.decode("latin-1"))
        return response

    return app
