"""The HTML pages. Each gets its data from the same function as its /api/ twin."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from indexer.index.schema import SECTION_SEPARATOR
from indexer.search.engine import MAX_OFFSET
from webapp import data, explain
from webapp.citation import absolute_root, build_citation, cite_paragraph, permanent_path
from webapp.concordance import run_term, term_page
from webapp.i18n import fast_gettext as _
from webapp.params import (
    DEFAULT_FACETS,
    DEFAULT_LIMIT,
    MAX_FACETS,
    MAX_STATS_OFFSET,
    highlight_arg,
    paragraph_arg,
    search_params,
)
from webapp.security import (
    MAX_QUERY,
    check_doc_id,
    int_arg,
    query_arg,
    safe_highlight,
)

bp = Blueprint("pages", __name__)

PAGE_STYLES = ("gost", "apa")  # the citation styles a page shows and copies (plain is `text`)


def section_list(section: Any) -> list[str]:
    if isinstance(section, (list, tuple)):
        return [str(s) for s in section if s]
    if not section:
        return []
    return [s for s in str(section).split(SECTION_SEPARATOR) if s]


def search_url(**args: Any) -> str:
    clean = {k: v for k, v in args.items() if v not in (None, "", 0) or k == "q"}
    return url_for("pages.search") + "?" + urlencode(clean)


def doc_link(doc_id: str, n: int | None = None, q: str = "") -> str:
    args: dict[str, Any] = {}
    if q:
        args["q"] = q
    if n:
        args["hl"] = n
    url = url_for("pages.document", doc_id=doc_id)
    if args:
        url += "?" + urlencode(args)
    return url + (f"#p{n}" if n else "")


def pages_window(
    total: int, limit: int, offset: int, width: int = 2, limit_offset: int = MAX_OFFSET
) -> list[dict]:
    """Page links around the current one, with the first and the last always present."""
    count = (total + limit - 1) // limit if total else 0
    count = min(count, limit_offset // limit + 1)  # no link to an offset the app refuses
    current = offset // limit
    shown = sorted({0, count - 1, *range(max(0, current - width), min(count, current + width + 1))})
    out: list[dict] = []
    last = -1
    for i in shown:
        if i < 0:
            continue
        if last >= 0 and i - last > 1:
            out.append({"gap": True})
        out.append({"number": i + 1, "offset": i * limit, "current": i == current})
        last = i
    return out


def _in_app(path: str | None, prefix: str) -> str | None:
    """A path from the index modules, used only when it is a plain in-app path."""
    if path and path.startswith(prefix) and "//" not in path and "\\" not in path:
        return path
    return None


def text_lang(meta: dict | None) -> str:
    """The language of a document's text: its declared one, else Kazakh (the corpus's)."""
    return str((meta or {}).get("lang") or "kk")


def _citation(h: Any, doc_id: str, title: str, n: int, fp: str, section: Any, page: Any) -> dict:
    return build_citation(
        doc_id=doc_id,
        title=title,
        n=n,
        base_url=absolute_root(),
        fp=fp,
        section=section,
        page=page,
        meta=h.docs.get(doc_id) or {},
        styles=PAGE_STYLES,
    )


def _hit_view(hit: dict, q: str) -> dict:
    doc_id = hit.get("doc_id", "")
    n = int(hit.get("paragraph") or 0)
    h = data.handle()
    fp = data.fingerprint(h, doc_id, n)
    title = hit.get("doc_title") or doc_id
    section = hit.get("section") or ""
    # The in-context link is search's `url` plus `hl`, so the page marks the paragraph even
    # where :target does not apply (e.g. after reloading without the fragment).
    return {
        "doc_id": doc_id,
        "title": title,
        "n": n,
        "page": hit.get("page"),
        "section": section_list(section),
        "kind": hit.get("kind") or "paragraph",
        "anchor": hit.get("anchor") or f"{doc_id}#p{n}",
        "html": safe_highlight(hit.get("highlight"), hit.get("text") or ""),
        "link": doc_link(doc_id, n, q),
        "permalink": _in_app(hit.get("permalink"), "/p/") or permanent_path(doc_id, n, fp),
        "cite": _citation(h, doc_id, title, n, fp, section, hit.get("page")),
        # Only a hit the engine says lacks some words is labelled so.
        "partial": hit.get("matched_all") is False,
        "lang": text_lang(h.docs.get(doc_id)),
    }


def totals(result: dict) -> dict:
    """The one total of a search, and how many of its hits hold every word and some.

    `total_all`/`total_some` come from the search when it counts them apart; without them
    only the total is known."""
    total = int(result.get("total") or 0)
    every = result.get("total_all")
    some = result.get("total_some")
    if isinstance(every, int) and not isinstance(some, int):
        some = total - every
    if not isinstance(every, int) and isinstance(some, int):
        every = total - some
    split = isinstance(every, int) and isinstance(some, int) and bool(some)
    if isinstance(every, int):
        none_has_all = total > 0 and every == 0
    else:
        none_has_all = bool(result.get("partial"))
    return {
        "total": total,
        "all": every if split else None,
        "some": some if split else None,
        "none_has_all": none_has_all,
        "at_least": bool(result.get("total_is_lower_bound")) or result.get("complete") is False,
    }


def _facets_view(result: dict, p: Any) -> tuple[list[dict], dict | None]:
    """The documents with most hits, as links; identical titles told apart by their date,
    source or id; and a link to all of them when only the top are listed."""
    h = data.handle()
    order = p.order if p.order != "relevance" else None
    facets = []
    for doc_id, count in (result.get("facets") or {}).items():
        meta = h.docs.get(doc_id) or {}
        facets.append(
            {
                "doc_id": doc_id,
                "count": count,
                "title": meta.get("title") or doc_id,
                "meta": meta,
                "lang": text_lang(meta),
                "href": search_url(q=p.q, doc=doc_id, order=order),
                "current": doc_id == p.doc,
            }
        )
    seen = Counter(f["title"] for f in facets)
    for f in facets:
        if seen[f["title"]] > 1:
            f["detail"] = f["meta"].get("date") or f["doc_id"]
    more = None
    in_all = int(result.get("facet_documents") or len(facets))
    if in_all > len(facets) and p.facets < MAX_FACETS:
        more = {
            "count": in_all,
            "href": search_url(
                q=p.q,
                doc=p.doc,
                order=order,
                limit=p.limit if p.limit != DEFAULT_LIMIT else None,
                offset=p.offset,
                facets=MAX_FACETS,
            ),
        }
    return facets, more


def _too_long_query():
    """A query over the limit: the page keeps the text in the box and says the limit."""
    raw = request.args.get("q", "")
    message = _("The query is too long: at most %(max)s characters.", max=MAX_QUERY)
    return render_template(
        "search.html",
        q=raw,
        too_long={"message": message, "length": len(raw), "max": MAX_QUERY},
        result=None,
        examples=[],
        search_url=search_url,
    ), 400


@bp.get("/")
@bp.get("/search")
def search():
    if len(request.args.get("q", "")) > MAX_QUERY:
        return _too_long_query()
    p = search_params()
    h = data.handle()
    if not p.q:
        return render_template(
            "search.html",
            q="",
            result=None,
            examples=data.example_queries(h),
            home=True,
            search_url=search_url,
        )
    result = data.run_search(h, p.q, p.limit, p.offset, p.doc, p.order, p.facets)
    hits = [_hit_view(hit, p.q) for hit in result.get("hits", [])]
    facets, facets_more = _facets_view(result, p)
    count = totals(result)
    base = {
        "q": p.q,
        "doc": p.doc,
        "order": p.order if p.order != "relevance" else None,
        "limit": p.limit if p.limit != DEFAULT_LIMIT else None,
        "facets": p.facets if p.facets != DEFAULT_FACETS else None,
    }
    one_word = re.fullmatch(r"[^\W\d_](?:[\w'’-]*\w)?", p.q) is not None
    return render_template(
        "search.html",
        q=p.q,
        term_href=url_for("pages.term") + "?" + urlencode({"w": p.q}) if one_word else None,
        params=p,
        result=result,
        understood=explain.understood(result),
        hits=hits,
        facets=facets,
        facets_more=facets_more,
        count=count,
        total=count["total"],
        search_url=search_url,
        api_href=url_for("api.search")
        + "?"
        + urlencode({k: v for k, v in {**base, "limit": p.limit, "offset": p.offset}.items() if v}),
        all_docs_href=search_url(q=p.q, order=base["order"]),
        order_href={
            o: search_url(q=p.q, doc=p.doc, order=o if o != "relevance" else None)
            for o in ("relevance", "document")
        },
        **_paging(count["total"], p, base),
    )


def _paging(total: int, p: Any, base: dict) -> dict:
    paging = pages_window(total, p.limit, p.offset)
    for item in paging:
        if not item.get("gap"):
            item["href"] = search_url(**base, offset=item["offset"])
    prev_href = search_url(**base, offset=max(0, p.offset - p.limit)) if p.offset > 0 else None
    has_next = p.offset + p.limit < total and p.offset + p.limit <= MAX_OFFSET
    next_href = search_url(**base, offset=p.offset + p.limit) if has_next else None
    return {"paging": paging, "prev_href": prev_href, "next_href": next_href}


@bp.get("/help")
def help_page():
    return render_template("help.html", q="")


TOC_MIN_HEADINGS = 3  # a document with fewer headings is short enough to read without one
TOC_TEXT = 120  # characters of a heading shown in the table of contents


def table_of_contents(paragraphs: list[dict]) -> list[dict]:
    """The headings of a long document, each with its depth and paragraph anchor."""
    headings = [p for p in paragraphs if p["kind"] == "heading"]
    if len(headings) < TOC_MIN_HEADINGS:
        return []
    out = []
    for p in headings:
        text = " ".join(p["text"].split())
        if len(text) > TOC_TEXT:
            text = text[: TOC_TEXT - 1].rsplit(" ", 1)[0] + "…"
        out.append({"n": p["n"], "text": text, "depth": min(len(p["section"]), 3)})
    return out


def format_name(fmt: str | None) -> str:
    """A document format as readers call it, in the interface language."""
    names = {
        "text": _("plain text"),
        "markdown": "Markdown",
        "html": "HTML",
        "docx": "DOCX",
        "pdf": "PDF",
        "jsonl": "JSON Lines",
    }
    return names.get(fmt or "", fmt or "")


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    check_doc_id(doc_id)
    q = query_arg("q").strip()
    hl = highlight_arg()
    h = data.handle()
    view = data.run_document(h, doc_id, q)
    meta = h.docs.get(doc_id) or {}
    title = view.get("title") or meta.get("title") or doc_id
    paragraphs = []
    for para in view.get("paragraphs", []):
        n = int(para.get("n") or para.get("paragraph") or 0)
        section = section_list(para.get("section"))
        html_src = para.get("highlight")
        is_hit = (
            bool(para.get("hit"))
            if "hit" in para
            else bool(q and html_src and "<mark>" in html_src)
        )
        kind = para.get("kind") or "paragraph"
        fp = para.get("fp") or data.fingerprint(h, doc_id, n)
        paragraphs.append(
            {
                "n": n,
                "kind": kind,
                "level": min(2 + len(section), 4),
                "section": section,
                "page": para.get("page"),
                "hit": is_hit,
                "html": safe_highlight(html_src, para.get("text") or "") if html_src else None,
                "text": para.get("text") or "",
                "target": hl == n,
                "permalink": _in_app(para.get("permalink"), "/p/") or permanent_path(doc_id, n, fp),
            }
        )
    hit_numbers = [p["n"] for p in paragraphs if p["hit"]]
    for i, n in enumerate(hit_numbers):
        para = next(p for p in paragraphs if p["n"] == n)
        para["prev_hit"] = hit_numbers[i - 1] if i > 0 else None
        para["next_hit"] = hit_numbers[i + 1] if i + 1 < len(hit_numbers) else None
    api_href = url_for("api.document", doc_id=doc_id) + (("?" + urlencode({"q": q})) if q else "")
    back_href = search_url(q=q) if q else url_for("pages.search")
    return render_template(
        "doc.html",
        toc=table_of_contents(paragraphs),
        text_lang=text_lang(meta),
        format_name=format_name(meta.get("format")),
        api_href=api_href,
        back_href=back_href,
        doc_id=doc_id,
        title=title,
        meta=meta,
        view=view,
        paragraphs=paragraphs,
        q=q,
        hl=hl,
        hit_count=len(hit_numbers),
        first_hit=hit_numbers[0] if hit_numbers else None,
    )


@bp.get("/p/<doc_id>/<int:n>")
def permanent(doc_id: str, n: int):
    """An old or permanent citation: the paragraph's current place in the document view."""
    check_doc_id(doc_id)
    fp = request.args.get("h") or None
    if fp is not None and len(fp) > 200:
        fp = None
    current = data.resolve(data.handle(), doc_id, n, fp)
    if current is None:
        raise data.Missing(f"{doc_id}#p{n}")
    target = url_for("pages.document", doc_id=doc_id, hl=current) + f"#p{current}"
    return redirect(target, code=302)


@bp.get("/term")
def term():
    w = query_arg("w").strip()
    view = run_term(data.handle(), w) if w else None
    return render_template("term.html", w=w, q="", view=term_page(view) if view else None)


@bp.get("/stats")
def stats():
    """The index figures and its documents, a page at a time, filtered by title."""
    title = query_arg("title").strip()
    offset = int_arg("offset", 0, 0, MAX_STATS_OFFSET)
    limit = data.STATS_LIMIT
    info = data.stats(data.handle(), current_app.config["INDEX_DIR"], title, offset, limit)
    total = info["document_total"]
    paging = pages_window(total, limit, offset, limit_offset=MAX_STATS_OFFSET)
    base = url_for("pages.stats")

    def href(at: int) -> str:
        args = {k: v for k, v in {"title": title, "offset": at}.items() if v}
        return base + ("?" + urlencode(args) if args else "")

    for item in paging:
        if not item.get("gap"):
            item["href"] = href(item["offset"])
    return render_template(
        "stats.html",
        info=info,
        q="",
        title_filter=title,
        paging=paging,
        prev_href=href(max(0, offset - limit)) if offset > 0 else None,
        next_href=href(offset + limit) if offset + limit < total else None,
        first=offset + 1,
    )


@bp.get("/cite")
def cite():
    """The citation of one paragraph as a page (the /api/cite twin), for links without JS."""
    doc_id = request.args.get("doc", "")
    check_doc_id(doc_id)
    n = paragraph_arg("n")
    h = data.handle()
    result = cite_paragraph(h, doc_id, n, absolute_root(), styles=PAGE_STYLES) if n else None
    if result is None:
        raise data.Missing(f"{doc_id}#p{n}")
    return render_template("cite.html", c=result, q="", text_lang=text_lang(h.docs.get(doc_id)))
