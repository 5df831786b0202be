"""The HTML pages. Each gets its data from the same function as its /api/ twin."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from webapp import data
from webapp.citation import build_citation, cite_paragraph, permanent_path
from webapp.params import DEFAULT_FACETS, DEFAULT_LIMIT, MAX_FACETS, highlight_arg, search_params
from webapp.security import MAX_OFFSET, check_doc_id, query_arg, safe_highlight

bp = Blueprint("pages", __name__)

SECTION_SEPARATOR = " › "


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
    args = {}
    if q:
        args["q"] = q
    if n:
        args["hl"] = n
    url = url_for("pages.document", doc_id=doc_id)
    if args:
        url += "?" + urlencode(args)
    return url + (f"#p{n}" if n else "")


def pages_window(total: int, limit: int, offset: int, width: int = 2) -> list[dict]:
    """Page links around the current one, with the first and the last always present."""
    count = (total + limit - 1) // limit if total else 0
    count = min(count, MAX_OFFSET // limit + 1)  # no link to an offset the app refuses
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


def _hit_view(hit: dict, q: str) -> dict:
    doc_id = hit.get("doc_id", "")
    n = int(hit.get("paragraph") or 0)
    h = data.handle()
    fp = data.fingerprint(h, doc_id, n)
    title = hit.get("doc_title") or doc_id
    citation = build_citation(
        doc_id=doc_id,
        title=title,
        n=n,
        base_url=request.host_url,
        fp=fp,
        section=hit.get("section") or "",
        page=hit.get("page"),
        doc_url=(h.docs.get(doc_id) or {}).get("url"),
        date=(h.docs.get(doc_id) or {}).get("date"),
    )
    # The in-context link is search's `url` plus `hl`, so the page marks the paragraph even
    # where :target does not apply (e.g. after reloading without the fragment).
    link = doc_link(doc_id, n, q)
    return {
        "doc_id": doc_id,
        "title": title,
        "n": n,
        "page": hit.get("page"),
        "section": section_list(hit.get("section")),
        "kind": hit.get("kind") or "paragraph",
        "anchor": hit.get("anchor") or f"{doc_id}#p{n}",
        "html": safe_highlight(hit.get("highlight"), hit.get("text") or ""),
        "link": link,
        "permalink": _in_app(hit.get("permalink"), "/p/") or permanent_path(doc_id, n, fp),
        "cite": citation,
    }


@bp.get("/")
@bp.get("/search")
def search():
    p = search_params()
    result = None
    hits: list[dict] = []
    facets: list[dict] = []
    examples: list[str] = []
    h = data.handle()
    facets_more = None
    wanted_facets = p.facets if p.facets != DEFAULT_FACETS else None
    if p.q:
        result = data.run_search(h, p.q, p.limit, p.offset, p.doc, p.order, p.facets)
        hits = [_hit_view(hit, p.q) for hit in result.get("hits", [])]
        # The search lists the documents with most hits (`facets` of them) and counts all.
        for doc_id, count in (result.get("facets") or {}).items():
            facets.append(
                {
                    "doc_id": doc_id,
                    "count": count,
                    "title": (h.docs.get(doc_id) or {}).get("title") or doc_id,
                    "href": search_url(
                        q=p.q, doc=doc_id, order=p.order if p.order != "relevance" else None
                    ),
                    "current": doc_id == p.doc,
                }
            )
        in_all = int(result.get("facet_documents") or len(facets))
        if in_all > len(facets) and p.facets < MAX_FACETS:
            facets_more = {
                "count": in_all,
                "href": search_url(
                    q=p.q,
                    doc=p.doc,
                    order=p.order if p.order != "relevance" else None,
                    limit=p.limit if p.limit != DEFAULT_LIMIT else None,
                    offset=p.offset,
                    facets=MAX_FACETS,
                ),
            }
    else:
        examples = data.example_queries(h)
    total = int(result.get("total", 0)) if result else 0
    paging = pages_window(total, p.limit, p.offset) if result else []
    base = {
        "q": p.q,
        "doc": p.doc,
        "order": p.order if p.order != "relevance" else None,
        "limit": p.limit if p.limit != DEFAULT_LIMIT else None,
        "facets": wanted_facets,
    }
    prev_href = (
        search_url(**base, offset=max(0, p.offset - p.limit)) if result and p.offset > 0 else None
    )
    next_href = (
        search_url(**base, offset=p.offset + p.limit)
        if result and p.offset + p.limit < total and p.offset + p.limit <= MAX_OFFSET
        else None
    )
    for item in paging:
        if not item.get("gap"):
            item["href"] = search_url(**base, offset=item["offset"])
    one_word = bool(result) and re.fullmatch(r"[^\W\d_](?:[\w'’-]*\w)?", p.q) is not None
    term_href = url_for("pages.term") + "?" + urlencode({"w": p.q}) if one_word else None
    return render_template(
        "search.html",
        q=p.q,
        term_href=term_href,
        params=p,
        result=result,
        hits=hits,
        facets=facets,
        facets_more=facets_more,
        examples=examples,
        total=total,
        paging=paging,
        prev_href=prev_href,
        next_href=next_href,
        search_url=search_url,
        api_href=url_for("api.search")
        + "?"
        + urlencode(
            {
                k: v
                for k, v in {
                    "q": p.q,
                    "limit": p.limit,
                    "offset": p.offset,
                    "doc": p.doc,
                    "order": p.order,
                    "facets": wanted_facets,
                }.items()
                if v is not None
            }
        ),
        all_docs_href=search_url(q=p.q, order=base["order"]),
        order_href={
            o: search_url(q=p.q, doc=p.doc, order=o if o != "relevance" else None)
            for o in ("relevance", "document")
        },
    )


@bp.get("/help")
def help_page():
    return render_template("help.html", q="")


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
                "cite": build_citation(
                    doc_id=doc_id,
                    title=title,
                    n=n,
                    base_url=request.host_url,
                    fp=fp,
                    section=section,
                    page=para.get("page"),
                    doc_url=meta.get("url"),
                    date=meta.get("date"),
                ),
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
    view = data.run_term(data.handle(), w) if w else None
    return render_template("term.html", w=w, q="", view=normalize_term(view) if view else None)


@bp.get("/stats")
def stats():
    info = data.stats(data.handle(), current_app.config["INDEX_DIR"])
    return render_template("stats.html", info=info, q="")


@bp.get("/cite")
def cite():
    """The citation of one paragraph as a page (the /api/cite twin), for links without JS."""
    from webapp.params import paragraph_arg

    doc_id = request.args.get("doc", "")
    check_doc_id(doc_id)
    n = paragraph_arg("n")
    result = cite_paragraph(data.handle(), doc_id, n, request.host_url) if n else None
    if result is None:
        raise data.Missing(f"{doc_id}#p{n}")
    return render_template("cite.html", c=result, q="")


def _trim_left(text: str, width: int = 50) -> str:
    """A concordance context cut at a word boundary, with an ellipsis where it was cut."""
    if len(text) < width or " " not in text:
        return text
    return "…" + text[text.index(" ") :]


def _trim_right(text: str, width: int = 50) -> str:
    if len(text) < width or " " not in text:
        return text
    return text[: text.rindex(" ")] + " …"


def normalize_term(view: dict) -> dict:
    """The term view's parts in one shape for the template, whatever container they came in."""
    forms = view.get("forms") or []
    if isinstance(forms, dict):
        forms = [{"form": k, "count": v} for k, v in forms.items()]
    docs = view.get("documents") or view.get("per_document") or view.get("docs") or []
    if isinstance(docs, dict):
        docs = [
            {
                "doc_id": k,
                "count": v if isinstance(v, int) else v.get("count", 0),
                "title": (v.get("title") if isinstance(v, dict) else None),
            }
            for k, v in docs.items()
        ]
    h = data.handle()
    for d in docs:
        d.setdefault("title", None)
        d["title"] = (
            d.get("title")
            or d.get("doc_title")
            or (h.docs.get(d.get("doc_id"), {}) or {}).get("title")
            or d.get("doc_id")
        )
    lines = view.get("concordance") or view.get("lines") or []
    out_lines = []
    for line in lines:
        doc_id = line.get("doc_id", "")
        n = int(line.get("paragraph") or line.get("n") or 0)
        link = doc_link(doc_id, n, view.get("word") or view.get("w") or "")
        out_lines.append(
            {
                "left": _trim_left(line.get("left", "")),
                "form": line.get("form", ""),
                "right": _trim_right(line.get("right", "")),
                "doc_id": doc_id,
                "n": n,
                "link": link,
                "title": line.get("doc_title")
                or (h.docs.get(doc_id, {}) or {}).get("title")
                or doc_id,
            }
        )
    return {
        "word": view.get("word") or view.get("w") or view.get("query"),
        "stem": view.get("stem"),
        "total": view.get("total"),
        "forms": sorted(forms, key=lambda f: -int(f.get("count", 0))),
        "documents": docs,
        "lines": out_lines,
        "raw": view,
    }
