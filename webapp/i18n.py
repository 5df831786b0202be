"""Interface language: Kazakh by default, English or Russian by choice, remembered in a cookie.

Every interface string is an English msgid translated in webapp/translations/*/messages.po.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, g, request
from flask_babel import Babel, get_translations

LANGUAGES: dict[str, str] = {"kk": "Қазақша", "en": "English", "ru": "Русский"}
DEFAULT_LANGUAGE = "kk"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).parent / "translations"

log = logging.getLogger("izde.web")


def select_language() -> str:
    """`?lang=xx` first (the switch), then the remembered cookie, then Kazakh."""
    wanted = request.args.get("lang", "")
    if wanted in LANGUAGES:
        g.lang_chosen = wanted
        return wanted
    remembered = request.cookies.get(COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    return DEFAULT_LANGUAGE


def remember_language(response: Response) -> Response:
    """Store a language chosen with ?lang= so the next pages keep it; pages vary by it."""
    if response.mimetype == "text/html":
        response.vary.add("Cookie")
        response.headers.setdefault("Content-Language", g.get("lang") or DEFAULT_LANGUAGE)
    chosen = getattr(g, "lang_chosen", None)
    if chosen is None:
        wanted = request.args.get("lang", "")
        chosen = wanted if wanted in LANGUAGES else None
    if chosen and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(
            COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True, path="/"
        )
    return response


def switch_links() -> list[dict]:
    """The current page's URL once per language (the query string kept, `lang` replaced)."""
    current = g.get("lang") or DEFAULT_LANGUAGE
    links = []
    for code, name in LANGUAGES.items():
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        args.append(("lang", code))
        links.append(
            {
                "code": code,
                "name": name,
                "current": code == current,
                "href": request.path + "?" + urlencode(args),
            }
        )
    return links


def compile_catalogs(directory: Path = TRANSLATIONS) -> None:
    """Compile messages.po to messages.mo where the .mo is missing or older.

    `make` does this too; doing it here as well means `izde serve` and the tests never show
    untranslated English because a build step was skipped.
    """
    for po in directory.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        try:
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with po.open("rb") as f:
                catalog = read_po(f, locale=po.parent.parent.name)
            tmp = mo.with_suffix(".mo.tmp")
            with tmp.open("wb") as f:
                write_mo(f, catalog)
            tmp.replace(mo)
        except OSError as exc:  # a read-only install: fall back to what is there
            log.warning("could not compile %s: %s", po, exc)


# This request's catalogue, set first thing in every request and cleared at its end:
# Flask-Babel's own lookup goes through several context proxies on every string.
_current: ContextVar = ContextVar("izde_translations", default=None)


def _translations():
    t = _current.get()
    return t if t is not None else get_translations()


def fast_gettext(string: str, **variables) -> str:
    text = _translations().ugettext(string)
    return text % variables if variables else text


def fast_ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


def init_i18n(app: Flask) -> None:
    compile_catalogs()
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_language)
    # Same catalogues, same newstyle semantics (autoescaped %-variables), cheaper lookups.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined] # the i18n extension
        lambda s: _translations().ugettext(s),
        lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
    )

    def _pick_language() -> None:
        g.lang = select_language()
        _current.set(get_translations())

    def _forget_language(_exc: BaseException | None = None) -> None:
        _current.set(None)

    # First of all before_request functions, so that even an early 400 is translated.
    app.before_request_funcs.setdefault(None, []).insert(0, _pick_language)
    app.teardown_request(_forget_language)

    app.after_request(remember_language)
    app.context_processor(lambda: {"language_links": switch_links})
