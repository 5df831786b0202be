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
layer answers 503 with Retry-After).  At most EXPENSIVE_WAITING expensive searches wait for
that lane; the next is refused at once, so that a burst of them never occupies the server's
request threads while ordinary searches queue behind them for a thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from indexer.config import env_float, env_int

DEFAULT_BUDGET = env_float("IZDE_QUERY_BUDGET", 2.0, 0.05, 30.0)  # seconds a search may take
MAX_BUDGET = 30.0  # the most a caller may ask for
SEARCH_CONCURRENCY = env_int("IZDE_SEARCH_CONCURRENCY", 1, 1, 64)
EXPENSIVE_CONCURRENCY = 1  # expensive searches running at once in one process
EXPENSIVE_WAITING = 1  # expensive searches that may wait for the lane; more are refused at once
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
_waiting_lock = threading.Lock()
_waiting = 0  # expensive searches waiting for their lane now


def _busy(expensive: bool) -> Busy:
    what = "expensive searches (prefixes, phrases)" if expensive else "searches"
    return Busy(
        f"The server is busy with other {what}; try again in {RETRY_AFTER} seconds.",
        RETRY_AFTER,
    )


def _acquire(lane: threading.BoundedSemaphore, deadline: Deadline | None) -> bool:
    if deadline is None or deadline.seconds == float("inf"):
        return lane.acquire()
    return lane.acquire(timeout=deadline.remaining())


def _acquire_expensive(deadline: Deadline | None) -> bool:
    """The expensive lane: at once if free, else wait only when few others already do."""
    global _waiting
    if _EXPENSIVE.acquire(blocking=False):
        return True
    with _waiting_lock:
        if _waiting >= EXPENSIVE_WAITING:
            return False
        _waiting += 1
    try:
        return _acquire(_EXPENSIVE, deadline)
    finally:
        with _waiting_lock:
            _waiting -= 1


@contextmanager
def turn(deadline: Deadline | None = None, expensive: bool = False) -> Iterator[None]:
    """Wait for this search's turn (its lane), within its budget, or raise Busy."""
    lane = _EXPENSIVE if expensive else _TURNS
    got = _acquire_expensive(deadline) if expensive else _acquire(lane, deadline)
    if not got:
        raise _busy(expensive)
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
