"""Everything a page shows comes from here, and so does its JSON twin under /api/.

Without an index the app still starts: the first request that needs one gets NoIndex, and
the page says what to run.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

from flask import current_app, g

from indexer.analysis.analyzers import stem_word
from indexer.config import env_int
from indexer.index.store import (
    IndexDamaged,
    IndexError_,
    IndexHandle,
    IndexMissing,
    index_stats,
    open_index,
)
from indexer.search import engine, views
from indexer.search.complete import completions
from indexer.search.engine import searcher, warm_caches
from indexer.text.collation import sort_key
from indexer.text.normalize import fold_kazakh, lower_kk, normalize_text
from indexer.text.translit import latin_to_cyrillic

log = logging.getLogger("izde.web")


class NoIndex(Exception):
    """No usable index: `kind` is "missing" or "damaged"; the message says what to run."""

    def __init__(self, kind: str, detail: str, index_dir: Path) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.index_dir = index_dir


class BadQuery(Exception):
    """The search module could not read the query (QueryError): a 400 with its message, and
    the error's `code` and `params` for saying it in the interface language."""

    def __init__(self, error: engine.QueryError) -> None:
        super().__init__(str(error))
        self.code: str = error.code
        self.params: dict = dict(error.params)


class Missing(Exception):
    """No such document or paragraph in the index: a 404."""


# Moving to a new generation means opening it and building its search caches: seconds for
# a large index (about 6 s at a million paragraphs). From this size on, that is done in a
# background thread while requests are still answered from the previous generation; below
# it, by the first request that sees the new one. $IZDE_BACKGROUND_SWITCH overrides.
BACKGROUND_SWITCH_PARAGRAPHS = env_int("IZDE_BACKGROUND_SWITCH", 200_000, 0)
SWITCH_WARM_SECONDS = 5.0  # frequent terms decoded before the new generation is served
SWITCH_INTERVAL = 0.0005  # seconds: the interpreter's switch interval while preparing


class IndexHolder:
    """The live index handle of one app, moved to the newest generation when CURRENT
    moves (checked on every request)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._handle: Any = None
        self._switching = False
        self._failed: tuple | None = None  # CURRENT's stamp when its generation would not open

    def current(self) -> Any:

        with self._lock:
            try:
                h = self._handle
                if h is None:
                    self._handle = open_index(self.index_dir)
                elif not self._switching and h.moved():
                    if h.paragraphs >= BACKGROUND_SWITCH_PARAGRAPHS:
                        stamp = h.current_stamp()
                        if stamp != self._failed:
                            self._switching = True
                            threading.Thread(
                                target=self._switch,
                                args=(h, stamp),
                                name="izde-switch",
                                daemon=True,
                            ).start()
                    else:
                        self._serve(h.refreshed())
            except IndexMissing as exc:
                self._handle = None
                raise NoIndex("missing", str(exc), self.index_dir) from None
            except IndexDamaged as exc:
                self._handle = None
                raise NoIndex("damaged", str(exc), self.index_dir) from None
            except IndexError_ as exc:
                self._handle = None
                raise NoIndex("damaged", str(exc), self.index_dir) from None
            return self._handle

    def _serve(self, new: Any) -> None:
        """Make `new` the live handle (under the lock)."""
        old, self._handle = self._handle, new
        if new is not old and hasattr(old, "close"):
            old.close()  # its idle pooled searchers; busy ones finish first

    def _switch(self, old: Any, stamp: tuple | None) -> None:
        """Open and warm the new generation, then serve it; requests get `old` meanwhile.
        A generation that does not open is logged, and the old one kept, until CURRENT
        moves again."""

        new = None
        # This thread is CPU-bound Python; the request threads give the interpreter up at
        # every read and then wait a whole switch interval for it: a shorter interval keeps
        # their answers quick meanwhile.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
        try:
            new = old.refreshed()
            if new is not old:
                warm_caches(new, SWITCH_WARM_SECONDS)
        except Exception as exc:  # noqa: BLE001 - the old generation is still good
            log.warning(
                "still serving %s: the new generation did not open: %s", old.generation, exc
            )
            if new is not None and new is not old:
                new.close()
            new = None
        finally:
            sys.setswitchinterval(interval)
        with self._lock:
            self._switching = False
            if new is None:
                self._failed = stamp
            elif self._handle is old:
                self._serve(new)
            else:
                new.close()


def holder() -> IndexHolder:
    return current_app.extensions["izde_index"]


def handle() -> Any:
    """This request's index handle (one refresh per request)."""
    if "izde_handle" not in g:
        g.izde_handle = holder().current()
    return g.izde_handle


# -- the functions shared by pages and API ------------------------------------------------


def run_search(
    h: Any, q: str, limit: int, offset: int, doc: str | None, order: str, facets: int | None = None
) -> dict:

    try:
        return engine.search(
            h,
            q,
            limit=limit,
            offset=offset,
            doc=doc,
            order=order,
            facets=engine.FACETS if facets is None else facets,
        )
    except engine.QueryError as exc:
        raise BadQuery(exc) from None


def run_complete(h: Any, q: str, limit: int) -> dict:

    return completions(h, q, limit)


def run_document(h: Any, doc_id: str, q: str | None) -> dict:

    if doc_id not in h.docs:
        raise Missing(doc_id)
    try:
        return views.document_view(h, doc_id, q or None)
    except engine.NotFound:
        raise Missing(doc_id) from None
    except engine.QueryError as exc:
        raise BadQuery(exc) from None


def resolve(h: Any, doc_id: str, n: int, fp: str | None) -> int | None:

    if doc_id not in h.docs:
        return None
    try:
        return engine.resolve_paragraph(h, doc_id, n, fp or None)
    except engine.NotFound:
        return None


def paragraph_fields(h: Any, doc_id: str, n: int) -> dict | None:
    """The stored fields of one paragraph (section, page, fp, kind, text), by its anchor."""

    with searcher(h) as s:
        fields = s.document(anchor=f"{doc_id}#p{n}")
    return dict(fields) if fields else None


def fingerprint(h: Any, doc_id: str, n: int) -> str:
    """The paragraph's fingerprint for permanent URLs, from the per-document metadata."""
    fps = (h.docs.get(doc_id) or {}).get("fps") or []
    if 1 <= n <= len(fps):
        return fps[n - 1] or ""
    return ""


def generation_dir(h: Any, index_dir: Path) -> Path:
    gen = h.generation
    name = f"gen-{gen:06d}" if isinstance(gen, int) else str(gen)
    return index_dir / name


def counts(h: Any) -> tuple[int, int]:
    docs = h.docs
    if isinstance(getattr(h, "paragraphs", None), int):
        return len(docs), h.paragraphs
    paragraphs = 0
    for meta in docs.values():
        value = meta.get("paragraphs", 0)
        paragraphs += value if isinstance(value, int) else len(value or [])
    return len(docs), paragraphs


def health(index_dir: Path) -> tuple[dict, int]:
    try:
        h = handle()
    except NoIndex as exc:
        return {
            "status": "no index" if exc.kind == "missing" else "damaged index",
            "documents": 0,
            "paragraphs": 0,
            "generation": None,
            "age_seconds": None,
            "detail": exc.detail,
        }, 503
    documents, paragraphs = counts(h)
    where = getattr(h, "path", None) or generation_dir(h, index_dir)
    if not where.exists():
        where = index_dir / "CURRENT"
    try:
        age = round(time.time() - where.stat().st_mtime, 1)
    except OSError:
        age = None
    return {
        "status": "ok",
        "documents": documents,
        "paragraphs": paragraphs,
        "generation": h.generation,
        "age_seconds": age,
    }, 200


STATS_LIMIT = 100  # documents listed on one page of /stats


def _doc_row(doc_id: str, meta: dict) -> dict:
    paragraphs = meta.get("paragraphs")
    return {
        "doc_id": doc_id,
        "title": meta.get("title") or doc_id,
        "paragraphs": paragraphs if isinstance(paragraphs, int) else len(paragraphs or []),
        "format": meta.get("format"),
        "lang": meta.get("lang"),
        "url": meta.get("url"),
        "date": meta.get("date"),
    }


_sorted_cache: dict[tuple, list[tuple[str, str]]] = {}
_LEADING_MARKS = re.compile(r"^[\W_]+")  # quotes and brackets before a title's first word


def _sorted_documents(h: Any) -> list[tuple[str, str]]:
    """(doc id, title folded for matching), in Kazakh alphabetical order of the titles;
    kept per generation."""

    key = (id(getattr(h, "ix", h)), h.generation)
    got = _sorted_cache.get(key)
    if got is None:

        def order(item: tuple[str, dict]) -> tuple:
            title = item[1].get("title") or item[0]
            return sort_key(_LEADING_MARKS.sub("", title)), item[0]

        got = [(d, _folded(m.get("title") or d)) for d, m in sorted(h.docs.items(), key=order)]
        _sorted_cache.clear()
        _sorted_cache[key] = got
    return got


def _folded(text: str) -> str:
    """Text as a filter compares it: case, look-alikes and Kazakh letters folded."""

    return fold_kazakh(lower_kk(normalize_text(text)))


def _title_needles(title: str) -> list[str]:
    """A typed title filter, and its Cyrillic reading when typed in Latin letters."""

    needles = [_folded(title)]
    words = title.split()
    cyr = [latin_to_cyrillic(w) for w in words]
    if words and all(cyr):
        needles.append(_folded(" ".join(c for c in cyr if c)))
    return needles


def stats(
    h: Any, index_dir: Path, title: str = "", offset: int = 0, limit: int = STATS_LIMIT
) -> dict:
    """Index figures plus one page of the documents (id, title, paragraphs) in title
    order; `title` keeps the documents whose title or id contains it (spelled as search
    reads words: case, Kazakh letters and Latin typing aside)."""
    data: dict[str, Any] = {}
    try:
        data.update(index_stats(index_dir, h if isinstance(h, IndexHandle) else None))
    except Exception:  # noqa: BLE001 - the figures below are enough without it
        pass
    documents, paragraphs = counts(h)
    data.setdefault("documents", documents)
    data.setdefault("paragraphs", paragraphs)
    data["generation"] = h.generation
    rows = _sorted_documents(h)
    title = title.strip()
    if title:
        needles = _title_needles(title)
        rows = [r for r in rows if any(n in r[1] or n in r[0].lower() for n in needles)]
    data["title_filter"] = title
    data["document_total"] = len(rows)
    data["offset"] = offset
    data["limit"] = limit
    data["document_list"] = [
        _doc_row(doc_id, h.docs.get(doc_id) or {}) for doc_id, _t in rows[offset : offset + limit]
    ]
    return data


# -- example queries for the empty search page ---------------------------------------------

FALLBACK_EXAMPLES = ["дағдарыс", "партия", "қоғам"]
_STOP_WORDS = (
    "және мен бен пен үшін бұл осы ол сол оның бар жоқ деп еді болып болады болса болу "
    "болған тиіс қажет арқылы дейін кейін сияқты ретінде бойынша туралы барлық әр бір біз "
    "біздің олар оларды оған оны да де та те ма ме ба бе па пе не немесе әрі тек ғана жаңа "
    "жылы жылдары жылға жыл сондай қатар сонымен тұр тағы ішінде"
)
_STOP = frozenset(_STOP_WORDS.split())
_KAZAKH_WORD = re.compile(r"[а-яәғқңөұүһіё]{5,}")
_examples_cache: dict[tuple, list[str]] = {}


def example_queries(h: Any, n: int = 5) -> list[str]:
    """A few frequent content words of the corpus (surface forms), cached per generation."""
    key = (id(h.ix) if hasattr(h, "ix") else 0, h.generation)
    if key in _examples_cache:
        return _examples_cache[key]
    words: list[str] = []
    try:
        stems: set[str] = set()
        with searcher(h) as s:
            reader = s.reader()
            for _freq, term in reader.most_frequent_terms("exact", number=300):
                word = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                if word in _STOP or not _KAZAKH_WORD.fullmatch(word):
                    continue
                stem = stem_word(word)
                if stem in stems:  # one form of each word: партия, not партия and партияның
                    continue
                stems.add(stem)
                words.append(word)
                if len(words) >= n:
                    break
    except Exception:  # noqa: BLE001 - examples are a nicety; fall back to known words
        words = []
    result = words if len(words) >= 2 else FALLBACK_EXAMPLES
    _examples_cache.clear()
    _examples_cache[key] = result
    return result
