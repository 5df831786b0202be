"""What a search memoises for one index generation: its ranker (layout and decoded postings,
hundreds of MB on a large index) and small per-generation tables.

The memo lives on the index handle (`handle.caches`, a dict the store gives every handle),
so a generation's caches go when its handle goes.
"""

from __future__ import annotations

import threading
from pathlib import Path

from indexer.index.store import open_index
from indexer.search.ranker import Ranker, Run

_LOCK = threading.Lock()


def generation_cache(handle) -> dict:
    """The handle's per-generation memo."""
    return handle.caches


# A ranker built and warmed in the process that forks the web workers, before forking:
# every worker then starts with it (shared copy-on-write pages).  Keyed by the generation's
# folder, since each worker opens its own handle of that generation.
_PREPARED: dict[str, Ranker] = {}


def _generation_key(handle) -> str | None:
    path = getattr(handle, "path", None)
    return str(Path(path).resolve()) if path is not None else None


def ranker_for(handle, searcher) -> Ranker:
    """The generation's ranker (layout and caches), made once per handle."""
    cache = generation_cache(handle)
    r = cache.get("ranker")
    if r is None:
        with _LOCK:
            r = cache.get("ranker")
            if r is None:
                r = _PREPARED.get(_generation_key(handle) or "")
                if r is None:
                    _PREPARED.clear()  # the index moved on: let that one go
                    r = Ranker(searcher)
                cache["ranker"] = r
    return r


def run_for(handle, searcher) -> Run:
    """One search's view of the generation's ranker."""
    return ranker_for(handle, searcher).run(searcher)


def warm_caches(handle, seconds: float = 10.0) -> int:
    """Prepare a generation for searching (layout, decoded postings of its most frequent
    terms) within about `seconds`; returns how many terms were loaded.  It takes no turn: a
    server prepares a new generation beside the searches it still answers from the
    previous one."""
    opener = getattr(handle, "searcher", None) or handle.ix.searcher
    with opener() as s:
        return ranker_for(handle, s).warm(s, seconds)


def prepare_for_workers(index_dir, seconds: float) -> int:
    """In the process that forks the web workers: build and warm the live generation's
    ranker once, for every worker to start with.  The index itself is closed again (each
    worker opens its own).  Returns how many terms were loaded."""
    handle = open_index(Path(index_dir))
    try:
        n = warm_caches(handle, seconds)
        made = generation_cache(handle).get("ranker")
        key = _generation_key(handle)
        _PREPARED.clear()
        if made is not None and key is not None:
            _PREPARED[key] = made
    finally:
        handle.close()
    return n


__all__ = ["generation_cache", "ranker_for", "run_for", "warm_caches", "prepare_for_workers"]
