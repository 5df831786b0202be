"""A ready citation of one paragraph: plain text, BibTeX and CSL-JSON, with the permanent URL.

The permanent URL carries the paragraph in its path and its fingerprint in the query
(`/p/<doc id>/<n>?h=<fp>`), so it still leads to the same text after the document changes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

from webapp.i18n import fast_gettext as _

SECTION_SEPARATOR = " › "


def permanent_path(doc_id: str, n: int, fp: str = "") -> str:
    path = f"/p/{quote(doc_id, safe='')}/{int(n)}"
    return f"{path}?h={quote(fp, safe='')}" if fp else path


def _bibtex_escape(value: str) -> str:
    out = []
    for ch in value:
        if ch in "{}":
            out.append("\\" + ch)
        elif ch == "\\":
            out.append("\\textbackslash{}")
        elif ch in "%&$#_":
            out.append("\\" + ch)
        elif ch == "~":
            out.append("\\textasciitilde{}")
        elif ch == "^":
            out.append("\\textasciicircum{}")
        elif ch in "\r\n\t":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _section_text(section: Any) -> str:
    if isinstance(section, (list, tuple)):
        return SECTION_SEPARATOR.join(str(s) for s in section if s)
    return str(section or "")


def build_citation(
    *,
    doc_id: str,
    title: str,
    n: int,
    base_url: str,
    fp: str = "",
    section: Any = "",
    page: int | None = None,
    doc_url: str | None = None,
    date: str | None = None,
    today: dt.date | None = None,
) -> dict:
    """Citation of paragraph `n` of a document; `base_url` is scheme://host/ of the request."""
    today = today or dt.date.today()
    url = base_url.rstrip("/") + permanent_path(doc_id, n, fp)
    section_text = _section_text(section)
    where = [section_text] if section_text else []
    where.append(_("paragraph %(n)s", n=n))
    if page:
        where.append(_("page %(page)s", page=page))
    accessed = _("accessed %(date)s", date=today.isoformat())
    plain = (
        _("“%(title)s”", title=title)
        + ". "
        + ", ".join(where)
        + ". "
        + url
        + " ("
        + accessed
        + ")."
    )

    key = re.sub(r"[^A-Za-z0-9]+", "_", f"{doc_id}_p{n}").strip("_") or "izde"
    note = _bibtex_escape(", ".join(where))
    lines = [
        f"@misc{{{key},",
        f"  title = {{{_bibtex_escape(title)}}},",
        f"  note = {{{note}}},",
        f"  howpublished = {{\\url{{{url}}}}},",
        f"  url = {{{url}}},",
        f"  urldate = {{{today.isoformat()}}},",
    ]
    if date and re.match(r"\d{4}", date):
        lines.append(f"  year = {{{date[:4]}}},")
    lines.append("}")
    bibtex = "\n".join(lines)

    csl: dict[str, Any] = {
        "id": f"{doc_id}#p{n}",
        "type": "document",
        "title": title,
        "URL": url,
        "section": section_text or None,
        "locator": str(n),
        "label": "paragraph",
        "accessed": {"date-parts": [[today.year, today.month, today.day]]},
    }
    if page:
        csl["page"] = str(page)
    if doc_url:
        csl["source"] = doc_url
    if date and re.match(r"\d{4}", date):
        csl["issued"] = {"raw": date}

    return {
        "doc_id": doc_id,
        "paragraph": n,
        "anchor": f"{doc_id}#p{n}",
        "title": title,
        "section": section_text,
        "page": page,
        "fp": fp,
        "url": url,
        "text": plain,
        "bibtex": bibtex,
        "csl": csl,
    }


def cite_paragraph(h: Any, doc_id: str, n: int, base_url: str) -> dict | None:
    """Look the paragraph up in the index and build its citation; None when there is none."""
    from webapp.data import fingerprint, paragraph_fields

    meta = h.docs.get(doc_id)
    if meta is None:
        return None
    fields = paragraph_fields(h, doc_id, n)
    if fields is None:
        return None
    fp = fields.get("fp") or fingerprint(h, doc_id, n)
    return build_citation(
        doc_id=doc_id,
        title=meta.get("title") or doc_id,
        n=n,
        base_url=base_url,
        fp=fp,
        section=fields.get("section") or "",
        page=fields.get("page"),
        doc_url=meta.get("url"),
        date=meta.get("date"),
    )
