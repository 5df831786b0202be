"""Everything a page shows comes from here, and so does its JSON twin under /api/.

The index modules are imported where they are used, so the web app starts (and says what to
do) even before an index exists.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

from flask import current_app, g

log = logging.getLogger("izde.web")


class NoIndex(Exception):
    """No usable index: `kind` is "missing" or "damaged"; the message says what to run."""

    def __init__(self, kind: str, detail: str, index_dir: Path) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.index_dir = index_dir


class BadQuery(Exception):
    """The search module could not read the query (QueryError): a 400 with its message."""


class Missing(Exception):
    """No such document or paragraph in the index: a 404."""


# Moving to a new generation means opening it and building its search caches: seconds for
# a large index (about 6 s at a million paragraphs). From this size on, that is done in a
# background thread while requests are still answered from the previous generation; below
# it, by the first request that sees the new one. $IZDE_BACKGROUND_SWITCH overrides.
BACKGROUND_SWITCH_PARAGRAPHS = int(os.environ.get("IZDE_BACKGROUND_SWITCH", "") or 200_000)
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
        from indexer.index.store import IndexDamaged, IndexError_, IndexMissing, open_index

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
        from indexer.search.engine import warm_caches

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
    from indexer.search import engine as S

    try:
        return S.search(
            h,
            q,
            limit=limit,
            offset=offset,
            doc=doc,
            order=order,
            facets=S.FACETS if facets is None else facets,
        )
    except S.QueryError as exc:
        raise BadQuery(str(exc)) from None


def run_term(h: Any, w: str) -> dict:
    from indexer.search import engine as S

    try:
        return S.term_view(h, w)
    except S.QueryError as exc:
        raise BadQuery(str(exc)) from None


def run_document(h: Any, doc_id: str, q: str | None) -> dict:
    from indexer.search import engine as S

    if doc_id not in h.docs:
        raise Missing(doc_id)
    try:
        return S.document_view(h, doc_id, q or None)
    except S.NotFound:
        raise Missing(doc_id) from None
    except S.QueryError as exc:
        raise BadQuery(str(exc)) from None


def resolve(h: Any, doc_id: str, n: int, fp: str | None) -> int | None:
    from indexer.search import engine as S

    if doc_id not in h.docs:
        return None
    try:
        return S.resolve_paragraph(h, doc_id, n, fp or None)
    except S.NotFound:
        return None


def paragraph_fields(h: Any, doc_id: str, n: int) -> dict | None:
    """The stored fields of one paragraph (section, page, fp, kind, text), by its anchor."""
    from indexer.search.engine import searcher

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


def stats(h: Any, index_dir: Path) -> dict:
    """Index figures plus the list of documents (id, title, paragraphs)."""
    data: dict[str, Any] = {}
    try:
        from indexer.index.store import IndexHandle, index_stats

        data.update(index_stats(index_dir, h if isinstance(h, IndexHandle) else None))
    except Exception:  # noqa: BLE001 - the figures below are enough without it
        pass
    documents, paragraphs = counts(h)
    data.setdefault("documents", documents)
    data.setdefault("paragraphs", paragraphs)
    data["generation"] = h.generation
    data["document_list"] = [
        {
            "doc_id": doc_id,
            "title": meta.get("title") or doc_id,
            "paragraphs": meta.get("paragraphs")
            if isinstance(meta.get("paragraphs"), int)
            else len(meta.get("paragraphs") or []),
            "format": meta.get("format"),
            "lang": meta.get("lang"),
            "url": meta.get("url"),
            "date": meta.get("date"),
        }
        for doc_id, meta in sorted(h.docs.items(), key=lambda kv: kv[1].get("title") or kv[0])
    ]
    return data


# -- example queries for the empty search page ---------------------------------------------

FALLBACK_EXAMPLES = ["дағдарыс", "партия", "қоғам"]
_STOP = set(
    ["және", "мен", "бен", "пен", "үшін", "бұл", "осы", "ол", "сол", "оның", "бар", "жоқ", "деп", "еді", "болып", "болады", "болса", "болу", "болған", "тиіс", "қажет", "арқылы", "дейін", "кейін", "сияқты", "ретінде", "бойынша", "туралы", "барлық", "әр", "бір", "біз", "біздің", "олар", "оларды", "оған", "оны", "да", "де", "та", "те", "ма", "ме", "ба", "бе", "па", "пе", "не", "немесе", "әрі", "тек", "ғана", "жаңа", "жылы", "жылдары", "жылға", "жыл", "сондай", "қатар", "сонымен", "тұр", "тағы", "және", "де", "оның", "ішінде"]
)
_KAZAKH_WORD = re.compile(r"[а-яәғқңөұүһіё]{5,}")
_examples_cache: dict[tuple, list[str]] = {}


def example_queries(h: Any, n: int = 5) -> list[str]:
    """A few frequent content words of the corpus (surface forms), cached per generation."""
    key = (id(h.ix) if hasattr(h, "ix") else 0, h.generation)
    if key in _examples_cache:
        return _examples_cache[key]
    words: list[str] = []
    try:
        from indexer.analysis.analyzers import stem_word
        from indexer.search.engine import searcher

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
