"""`izde serve`: the web app under waitress, a production WSGI server, on loopback by default."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from waitress import create_server

from webapp import create_app

log = logging.getLogger("izde.web")


def make_server(index_dir: Path | str, host: str = "127.0.0.1", port: int = 8000,
                threads: int = 8):
    """A bound (not yet running) waitress server for the app over `index_dir`; port 0 = any."""
    app = create_app({"INDEX_DIR": Path(index_dir)})
    # waitress' own size limits stay at their defaults: a query that fits in them reaches the
    # app, which answers with its own clear 400 (and its security headers).
    server = create_server(app, host=host, port=port, threads=threads, ident="izde",
                           expose_tracebacks=False, clear_untrusted_proxy_headers=True)
    server.izde_app = app
    return server


def configure_logging() -> None:
    """One line per request at INFO; IZDE_LOG_LEVEL=DEBUG adds query strings (private: off)."""
    level = getattr(logging, os.environ.get("IZDE_LOG_LEVEL", "INFO").upper(), logging.INFO)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("izde.web").setLevel(level)


def warm_up(app) -> None:
    """Open the index and run one search before the first visitor does (stemmer tables,
    Whoosh readers): the first page then comes as fast as the others."""
    from webapp import data

    try:
        # The view itself, not a request: nothing reaches the request log.
        with app.test_request_context("/search", query_string={"q": "дағдарыс"}):
            data.handle()
            app.view_functions["pages.search"]()
    except Exception as exc:  # noqa: BLE001 - no index yet is fine: pages say what to do
        log.info("no warm-up: %s", exc)


def serve(index_dir: Path | str, host: str = "127.0.0.1", port: int = 8000,
          threads: int = 8) -> None:
    configure_logging()
    server = make_server(index_dir, host=host, port=port, threads=threads)
    warm_up(server.izde_app)
    log.info("izde serving %s at http://%s:%s/", index_dir, server.effective_host,
             server.effective_port)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
