"""Why a query cannot be searched, said in the interface language.

The engine's QueryError carries a stable `code` and its `params` beside an English message;
the English stays for the CLI and the JSON API's machine-readable side, and is what a page
shows for a code this table does not know yet (never a blank reason).
"""

from __future__ import annotations

from collections.abc import Callable

from webapp.i18n import fast_gettext as _

_REASONS: dict[str, Callable[[dict], str]] = {
    "not_text": lambda p: _("The query must be text."),
    "too_long": lambda p: _("The query is too long (%(chars)s characters; at most %(max)s).", **p),
    "no_words": lambda p: _("The query has no words to search for."),
    "only_excluded": lambda p: _(
        "The query has no words to search for (a query of only excluded words finds nothing)."
    ),
    "too_many_words": lambda p: _("The query has too many words (at most %(max)s).", **p),
    "phrase_too_long": lambda p: _("A phrase may have at most %(max)s words.", **p),
    "unreadable": lambda p: _("The search does not understand this form of query."),
    "one_word": lambda p: _("Give one word."),
    "word_or_phrase": lambda p: _("Give one word or a phrase of at most %(max)s words.", **p),
    "not_whole_number": lambda p: _("%(name)s must be a whole number.", **p),
    "out_of_range": lambda p: _("%(name)s must be a whole number from %(low)s to %(high)s.", **p),
    "negative": lambda p: _("%(name)s must not be negative.", **p),
    "budget": lambda p: _(
        "budget must be a number of seconds, more than 0 and at most %(high)s.", **p
    ),
    "choice": lambda p: _("%(name)s must be one of: %(choices)s.", **p),
}


def reason(code: str, params: dict, english: str) -> str:
    """The reason for `code` in the interface language; `english` when the code is unknown."""
    make = _REASONS.get(code)
    if make is None:
        return english
    try:
        return make(params)
    except (KeyError, TypeError, ValueError):
        # the engine's params and this table disagree: its own words rather than none
        return english
