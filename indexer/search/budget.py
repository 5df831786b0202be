"""Per-query time budget and turns: how long one search may take, and who runs when.

Every search gets a `Deadline` (IZDE_QUERY_BUDGET seconds, 2 by default; the `budget`
argument of `search()` overrides it).  Time spent waiting for a turn counts.  The loops
that can run long (prefix expansion, OR-ing many terms, checking phrase positions, adding
up scores) ask `deadline.expired()` and stop early: the search then answers with what it has,
marked incomplete, and its total is a lower bound.

Searches are CPU-bound Python: running several at once in one process gains nothing under
the GIL (more worker processes use more cores), and each Whoosh searcher open at the same
time keeps its own readers and caches.  So searches take turns, SEARCH_CONCURRENCY at a
time ($IZDE_SEARCH_CONCURRENCY, 1 by default), which also serves a short search queued
behind a long one sooner than sharing the CPU would.  Expensive searches (prefixes and
phrases) take turns in a lane of their own, one at a time, so a burst of them cannot hold
up ordinary searches; one that cannot get its turn within its budget raises `Busy` (the web
layer answers 503 with Retry-After).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


def _env_number(name: str, default: float, minimum: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        return default
    return value if value >= minimum else default


DEFAULT_BUDGET = _env_number("IZDE_QUERY_BUDGET", 2.0, 0.05)  # seconds a search may take
MAX_BUDGET = 30.0  # the most a caller may ask for
SEARCH_CONCURRENCY = int(_env_number("IZDE_SEARCH_CONCURRENCY", 1, 1))
EXPENSIVE_CONCURRENCY = 1  # expensive searches running at once in one process
RETRY_AFTER = 2  # seconds a refused caller is told to wait

TIME_BUDGET = "time_budget"  # the reason given when a search stopped at its deadline


class Busy(RuntimeError):
    """No turn came within the search's time budget (HTTP 503 with Retry-After)."""

    def __init__(self, message: str, retry_after: int = RETRY_AFTER) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Deadline:
    """When a search must stop; `expired()` is cheap enough to ask inside loops."""

    __slots__ = ("start", "end", "seconds", "reason")

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = DEFAULT_BUDGET if seconds is None else float(seconds)
        self.start = time.monotonic()
        self.end = self.start + self.seconds
        self.reason: str | None = None  # why the search is incomplete (None: it is not)

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        """True once the budget is spent; the search is then marked incomplete."""
        if self.reason is not None:
            return True
        if time.monotonic() >= self.end:
            self.reason = TIME_BUDGET
            return True
        return False

    @property
    def complete(self) -> bool:
        return self.reason is None


class _Never(Deadline):
    """No budget: for callers that must see everything (views, tests of exactness)."""

    def __init__(self) -> None:
        super().__init__(float("inf"))

    def expired(self) -> bool:
        return False


NEVER = _Never()

_TURNS = threading.BoundedSemaphore(SEARCH_CONCURRENCY)
_EXPENSIVE = threading.BoundedSemaphore(EXPENSIVE_CONCURRENCY)


@contextmanager
def turn(deadline: Deadline | None = None, expensive: bool = False) -> Iterator[None]:
    """Wait for this search's turn (its lane), within its budget, or raise Busy."""
    lane = _EXPENSIVE if expensive else _TURNS
    if deadline is None or deadline.seconds == float("inf"):
        got = lane.acquire()
    else:
        got = lane.acquire(timeout=deadline.remaining())
    if not got:
        what = "expensive searches (prefixes, phrases)" if expensive else "searches"
        raise Busy(
            f"The server is busy with other {what}; try again in {RETRY_AFTER} seconds.",
            RETRY_AFTER,
        )
    try:
        yield
    finally:
        lane.release()


__all__ = [
    "Busy",
    "Deadline",
    "NEVER",
    "DEFAULT_BUDGET",
    "MAX_BUDGET",
    "SEARCH_CONCURRENCY",
    "TIME_BUDGET",
    "turn",
]
