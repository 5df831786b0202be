"""The word page (`term_view`) and the document page (`document_view`), and their CLI text.

Built on the search engine's handle access and caches (indexer.search.engine); the shapes
of the dicts are the contract in docs/design.md.
"""

from __future__ import annotations

import html
import re
import time
from collections import Counter

from indexer.search.concordance import concordance, link_query, postings, resolve_word
from indexer.search.engine import (
    NotFound,
    QueryError,
    _cache,
    _docs,
    _paragraph_links,
    _ranker,
    _run_for,
    _searcher,
    term_docnums,
)
from indexer.search.highlight import highlight
from indexer.search.query import compile_query, in_range, parse
from indexer.search.ranker import slots_of_bits

__all__ = [
    "QueryError",
    "NotFound",
    "term_view",
    "document_view",
    "format_term_text",
    "TERM_DOCUMENTS",
    "MAX_TERM_DOCUMENTS",
]

TERM_LINES = 20  # concordance lines on the word page (the concordance page has them all)
# Documents listed per page of the word page's per-document table (a common word is in
# most documents: listing them all made /term 194 KB at 10K paragraphs), and at most.
TERM_DOCUMENTS, MAX_TERM_DOCUMENTS = 50, 1_000
TOP_DOCUMENTS = 10  # documents with the most occurrences, whatever the page (for a chart)
CONTEXT = 60  # characters of context beside each of them
PER_WORDS = 10_000  # frequencies are given per this many words
_YEAR = re.compile(r"(?<!\d)([12]\d{3})(?!\d)")


# -- term view ---------------------------------------------------------------------------------


def _doc_words(handle, searcher, lay) -> dict[str, int]:
    """Words per document (cached per generation): the `words` metadata when the store has
    it, else the paragraphs' `text` field lengths, which Whoosh keeps to within about 3%
    (one byte per paragraph), counting the parts of a hyphenated word as words too."""
    cache = _cache(handle)
    got = cache.get("doc_words")
    if got is None:
        reader = searcher.reader()
        got = {}
        for docnum, doc_id in enumerate(lay.doc_id_of):
            if not reader.is_deleted(docnum):
                got[doc_id] = got.get(doc_id, 0) + reader.doc_field_length(docnum, "text", 0)
        for doc_id, meta in _docs(handle).items():
            if isinstance(meta.get("words"), int):
                got[doc_id] = meta["words"]
        cache["doc_words"] = got
    return got


def _year(meta: dict) -> int | None:
    m = _YEAR.search(str(meta.get("date") or ""))
    return int(m.group(1)) if m else None


def _per(count: int, words: int) -> float | None:
    return round(count * PER_WORDS / words, 2) if words else None


def _frequency(handle, per_para: dict[int, int], lay, words: dict[str, int]):
    """Per document (most occurrences first) and per year of the documents' dates."""
    docs = _docs(handle)
    count: Counter = Counter()
    paras: Counter = Counter()
    for d, n in per_para.items():
        count[lay.doc_id_of[d]] += n
        paras[lay.doc_id_of[d]] += 1
    documents = []
    for doc_id, n in sorted(count.items(), key=lambda kv: (-kv[1], kv[0])):
        meta = docs.get(doc_id, {})
        documents.append(
            {
                "doc_id": doc_id,
                "title": meta.get("title", ""),
                "count": n,
                "paragraphs": paras[doc_id],
                "words": words.get(doc_id, 0),
                "per_10k": _per(n, words.get(doc_id, 0)),
                "year": _year(meta),
            }
        )
    years: dict[int, dict] = {}
    for doc_id, meta in docs.items():  # every dated document counts toward its year's words
        y = _year(meta)
        if y is not None:
            row = years.setdefault(y, {"year": y, "count": 0, "documents": 0, "words": 0})
            row["words"] += words.get(doc_id, 0)
            if count[doc_id]:
                row["count"] += count[doc_id]
                row["documents"] += 1
    by_year = [dict(r, per_10k=_per(r["count"], r["words"])) for _, r in sorted(years.items())]
    return documents, by_year


def _check_page(offset: int, limit: int) -> None:
    if offset < 0:
        raise QueryError("offset must not be negative.", "negative", name="offset")
    in_range(limit, "limit", 1, MAX_TERM_DOCUMENTS)


def term_view(handle, w: str, offset: int = 0, limit: int = TERM_DOCUMENTS) -> dict:
    """One word across the corpus: its forms and related words with counts, how often it
    occurs per document (per 10,000 words) and per year, and its first concordance lines.

    `documents` is one page of the documents holding the word, most occurrences first
    (`offset`, `limit`); `document_count` counts them all, `top_documents` are the first
    TOP_DOCUMENTS of them on every page."""
    _check_page(offset, limit)
    t0 = time.perf_counter()
    with _searcher(handle) as s:
        word = resolve_word(handle, s, w)
        lay = _ranker(handle, s).layout
        per_para = postings(s.reader(), "text", word.keys)
        words = _doc_words(handle, s, lay)
    documents, by_year = _frequency(handle, per_para, lay, words)
    total = sum(per_para.values())
    kwic = concordance(handle, w, limit=TERM_LINES, width=CONTEXT) if total else None
    return {
        "word": w,
        "keys": list(word.keys),
        "stem": word.keys[0] if word.keys else "",
        "understood_as": " OR ".join(f"text:{k}" for k in word.keys),
        "total": total,
        "paragraphs": len(per_para),
        "document_count": len(documents),
        "corpus_words": sum(words.values()),
        "per_10k": _per(total, sum(words.values())),
        "forms": [{"form": f["form"], "count": f["count"]} for f in word.forms],
        "related": word.related,
        "link_query": link_query(word),
        "documents": documents[offset : offset + limit],
        "documents_offset": offset,
        "documents_limit": limit,
        "top_documents": documents[:TOP_DOCUMENTS],
        "years": by_year if any(r["count"] for r in by_year) else [],
        "lines": kwic["lines"] if kwic else [],
        "lines_shown": len(kwic["lines"]) if kwic else 0,
        "truncated": kwic is not None and total > len(kwic["lines"]),
        "took_ms": round((time.perf_counter() - t0) * 1000, 1),
    }


# -- document view ----------------------------------------------------------------------------


def _doc_docnums(reader, doc_id: str) -> list[int]:
    return sorted(term_docnums(reader, "doc_id", doc_id))


def document_view(handle, doc_id: str, q: str | None = None) -> dict:
    """A document's metadata and all its paragraphs; with `q`, highlights and hit numbers."""
    docs = _docs(handle)
    with _searcher(handle) as s:
        reader = s.reader()
        docnums = _doc_docnums(reader, doc_id)
        if not docnums and doc_id not in docs:
            raise NotFound(f"No document {doc_id!r}.")
        comp, hit_docnums = None, set()
        if q and q.strip():
            comp = compile_query(parse(q), s.schema, reader)
            run = _run_for(handle, s)
            mine = run.layout.doc_bits(doc_id)
            run.within = mine
            docnum_of = run.layout.docnum_of
            for part in (comp.strict, comp.loose):
                if part is None:
                    continue
                hit_docnums = {docnum_of[x] for x in slots_of_bits(run.bits(part) & mine)}
                if hit_docnums:
                    break
        paras = []
        for docnum in docnums:
            f = s.stored_fields(docnum)
            n, text = f.get("n", 0), f.get("text", "")
            p = {
                "n": n,
                "kind": f.get("kind", "paragraph"),
                "section": f.get("section", ""),
                "page": f.get("page"),
                "text": text,
                "fp": f.get("fp", ""),
            }
            p.update(_paragraph_links(doc_id, n, f.get("fp", ""), None))
            if comp is not None:
                hit = docnum in hit_docnums
                p["hit"] = hit
                p["highlight"] = (
                    highlight(s.schema, text, comp.marks, full=True)
                    if hit
                    else html.escape(text, quote=False)
                )
            paras.append(p)
            title = f.get("title", "")
        paras.sort(key=lambda p: p["n"])
    meta = dict(docs.get(doc_id, {}))
    meta.pop("fps", None)
    if not meta.get("title") and docnums:
        meta["title"] = title
    out = {"doc_id": doc_id, **meta, "paragraphs": paras, "query": q}
    if comp is not None:
        out["hits"] = [p["n"] for p in paras if p.get("hit")]
        out["understood_as"] = comp.understood_as
    return out


def format_term_text(result: dict) -> str:
    """A readable word view: forms, related words, documents, years, first lines."""
    keys = ", ".join(result["keys"]) or "-"
    lines = [
        f"{result['word']} (key {keys}): {result['total']} occurrences in "
        f"{result['paragraphs']} paragraphs of {result['document_count']} documents"
    ]
    if result["forms"]:
        lines.append("forms: " + ", ".join(f"{f['form']} {f['count']}" for f in result["forms"]))
    if result["related"]:
        lines.append(
            "related words: " + ", ".join(f"{r['form']} {r['count']}" for r in result["related"])
        )
    for d in result["documents"]:
        per = f", {d['per_10k']} per 10,000 words" if d["per_10k"] is not None else ""
        lines.append(f"  {d['doc_id']}: {d['count']}{per}")
    first, shown = result["documents_offset"], len(result["documents"])
    if shown < result["document_count"]:
        lines.append(
            f"  (documents {first + 1 if shown else 0}-{first + shown} of "
            f"{result['document_count']} shown)"
        )
    for y in result["years"]:
        lines.append(f"  {y['year']}: {y['count']} in {y['documents']} documents")
    lines.append("")
    for ln in result["lines"]:
        left = ln["left"].replace("\n", " ")[-CONTEXT:]
        right = ln["right"].replace("\n", " ")
        lines.append(f"{left:>{CONTEXT}} [{ln['match']}] {right}   {ln['anchor']}")
    if result.get("truncated"):
        lines.append(f"… first {result['lines_shown']} lines shown; all: izde concordance WORD")
    return "\n".join(lines)
