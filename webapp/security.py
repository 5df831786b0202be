"""Headers, input limits and the one place where HTML from the index is trusted (<mark> only)."""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask import Flask, Response, abort, current_app, request
from markupsafe import Markup, escape
from werkzeug.exceptions import RequestEntityTooLarge

from indexer.search.query import MAX_QUERY_CHARS
from webapp.i18n import fast_gettext as _

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# The ids indexer/ingest/ids.py makes: file-name slugs (lower case) and JSON Lines record ids (case
# kept). Only ever looked up in the index's metadata, never joined to a path.
DOC_ID = re.compile(r"(?!\.+$)[A-Za-z0-9._-]{1,200}")
MAX_QUERY = MAX_QUERY_CHARS  # the engine's limits, defined once there
MAX_PARAGRAPH = 10_000_000
# The longest request line webapp/serve.py lets gunicorn take (its own maximum): a query of
# MAX_QUERY Kazakh letters is about 6 KB percent-encoded.
LIMIT_REQUEST_LINE = 8190
_INTEGER = re.compile(r"-?[0-9]{1,18}")

# The highlighter escapes all text and adds only <mark> and </mark>; anything else that looks
# like a tag means the contract broke, and then the text is shown escaped instead.
_TAG = re.compile(r"<[^>]*>?")
_ALLOWED_TAGS = {"<mark>", "</mark>"}


class BadRequest(Exception):
    """An input outside the limits: answered with 400 and this message."""


def valid_doc_id(doc_id: str | None) -> bool:
    return doc_id is not None and DOC_ID.fullmatch(doc_id) is not None


def check_doc_id(doc_id: str) -> str:
    """Document ids are only ever looked up in the index; anything else is simply not found."""
    if not valid_doc_id(doc_id):
        abort(404)
    return doc_id


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    # Plain decimal digits only: an empty value is given, and not a number (nor are " 5",
    # "+5", "1_0" or other scripts' digits, which int() would take).
    if not _INTEGER.fullmatch(raw) or not low <= (value := int(raw)) <= high:
        raise BadRequest(_range_message(name, low, high))
    return value


def _range_message(name: str, low: int, high: int) -> str:
    if name == "limit":
        return _(
            "The number of hits per page must be from %(low)s to %(high)s.", low=low, high=high
        )
    if name == "offset":
        return _("The offset must be from %(low)s to %(high)s.", low=low, high=high)
    return _(
        "%(name)s must be a whole number from %(low)s to %(high)s.", name=name, low=low, high=high
    )


def query_arg(name: str = "q") -> str:
    q = request.args.get(name, "")
    if len(q) > MAX_QUERY:
        raise BadRequest(_("The query is too long: at most %(max)s characters.", max=MAX_QUERY))
    return q


def highlight_is_safe(html: str) -> bool:
    """True when the only tags are <mark> and </mark> and no raw '<' remains."""
    return all(tag in _ALLOWED_TAGS for tag in _TAG.findall(html)) and ">" not in _TAG.sub("", html)


def safe_highlight(html: str | None, fallback: str = "") -> Markup:
    """The highlighter's HTML as Markup when it passes the check, else the escaped plain text."""
    if html and highlight_is_safe(html):
        return Markup(html)
    return escape(fallback if fallback else _TAG.sub("", html or ""))


def _strict_utf8(raw: str) -> bool:
    try:
        raw.encode("latin-1").decode("utf-8")
        return True
    except UnicodeError:
        return False


def reject_bad_encoding() -> None:
    """Invalid UTF-8 in the path or in %-escapes of the query string is a 400, not a 500."""
    env = request.environ
    if not _strict_utf8(env.get("PATH_INFO", "")):
        raise BadRequest(_("The address is not valid UTF-8."))
    qs = env.get("QUERY_STRING", "")
    if qs:
        try:
            unquote_to_bytes(qs.encode("latin-1").replace(b"+", b" ")).decode("utf-8")
        except UnicodeError:
            raise BadRequest(_("The address is not valid UTF-8.")) from None


def refuse_large_body() -> None:
    """A body over MAX_CONTENT_LENGTH, by its Content-Length, is refused before a byte of it
    is read (izde's routes take none). A chunked body has no length up front: Werkzeug stops
    reading it at the same limit, and the server drops what is left unread when the
    connection's time is up (webapp/serve.py)."""
    length = request.content_length
    if length is not None and length > current_app.config["MAX_CONTENT_LENGTH"]:
        raise RequestEntityTooLarge()


def add_headers(response: Response) -> Response:
    for key, value in HEADERS.items():
        response.headers.setdefault(key, value)
    if request.path.startswith("/api/") or request.path == "/healthz":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_security(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["DEBUG"] = False
    app.config["TRAP_HTTP_EXCEPTIONS"] = False
    app.before_request(refuse_large_body)
    app.before_request(reject_bad_encoding)
    app.after_request(add_headers)
