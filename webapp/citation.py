"""Citations of one paragraph in the styles scholars use: plain, ГОСТ 7.1 / ГОСТ Р 7.0.5,
APA 7, BibTeX, RIS and CSL-JSON, all with the paragraph's permanent URL.

The permanent URL carries the paragraph in its path and its fingerprint in the query
(`/p/<doc id>/<n>?h=<fp>`), so it still leads to the same text after the document changes.
Authors, publisher and date come from the document's metadata (`authors` or `author`,
`publisher`, `date`); without an author a citation starts with the title, as ГОСТ and APA do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from flask import request

from indexer.index.schema import SECTION_SEPARATOR
from webapp.data import fingerprint, paragraph_fields
from webapp.i18n import fast_gettext as _

STYLES = ("plain", "gost", "apa", "bibtex", "ris", "csl")

# style -> (content type, file extension for a download or None to show inline)
MEDIA: dict[str, tuple[str, str | None]] = {
    "plain": ("text/plain; charset=utf-8", None),
    "gost": ("text/plain; charset=utf-8", None),
    "apa": ("text/plain; charset=utf-8", None),
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "csl": ("application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


def absolute_root() -> str:
    """scheme://host/ that absolute links (citations) start with, for this request."""
    return request.host_url


def permanent_path(doc_id: str, n: int, fp: str = "") -> str:
    path = f"/p/{quote(doc_id, safe='')}/{int(n)}"
    return f"{path}?h={quote(fp, safe='')}" if fp else path


@dataclass
class Source:
    """What a citation says about one paragraph."""

    doc_id: str
    title: str
    n: int
    url: str
    section: str = ""
    page: int | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str = ""
    date: str = ""  # as the document gives it: "2009", "2009-05-12"
    doc_url: str | None = None
    accessed: dt.date = field(default_factory=dt.date.today)

    @property
    def year(self) -> str:
        m = re.match(r"\d{4}", self.date or "")
        return m.group(0) if m else ""


def _authors(meta: dict) -> list[str]:
    value = meta.get("authors") or meta.get("author") or []
    if isinstance(value, str):
        value = [a for a in re.split(r"\s*;\s*", value) if a]
    return [str(a).strip() for a in value if str(a).strip()]


def _section_text(section: Any) -> str:
    if isinstance(section, (list, tuple)):
        return SECTION_SEPARATOR.join(str(s) for s in section if s)
    return str(section or "")


def _where(src: Source) -> list[str]:
    """Section, paragraph and page, in the interface language."""
    where = [src.section] if src.section else []
    where.append(_("paragraph %(n)s", n=src.n))
    if src.page:
        where.append(_("page %(page)s", page=src.page))
    return where


# -- the styles ---------------------------------------------------------------------------


def plain_text(src: Source) -> str:
    who = ", ".join(src.authors) + ". " if src.authors else ""
    accessed = _("accessed %(date)s", date=src.accessed.isoformat())
    return (
        who
        + _("“%(title)s”", title=src.title)
        + ". "
        + ", ".join(_where(src))
        + ". "
        + src.url
        + f" ({accessed})."
    )


def gost(src: Source) -> str:
    """ГОСТ Р 7.0.5-2008 for an electronic resource: the heading (first author), the title
    with its medium, the rest of the authors after a slash, the publication area, the
    location, then «URL:» and the access date in the interface language. Areas are
    separated by ". – "."""
    medium = _("Electronic resource")
    title = f"{src.title.rstrip(' .')} [{medium}]"
    if src.authors:
        title = src.authors[0].rstrip(".") + ". " + title
    if len(src.authors) > 1:
        title += " / " + ", ".join(src.authors)
    areas = [title]
    published = ", ".join(x for x in (src.publisher, src.year) if x)
    if published:
        areas.append(published)
    areas.append(", ".join(_where(src)))
    accessed = _("accessed %(date)s", date=src.accessed.strftime("%d.%m.%Y"))
    areas.append(f"URL: {src.url} ({accessed})")
    return ". – ".join(a.rstrip(".") for a in areas) + "."


def apa(src: Source) -> str:
    """APA 7 reference for a web document. Names stay as the metadata gives them (Kazakh
    and Russian metadata put the family name first, as APA does). Without an author the
    title moves to the author position; without a date, (n.d.)."""
    year = src.year or "n.d."
    title = src.title.rstrip(" .")
    if src.authors:
        names = src.authors
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1]
        head = f"{who.rstrip('.')}. ({year}). {title}."
    else:
        head = f"{title}. ({year})."
    if src.publisher and src.publisher not in src.authors:
        head += f" {src.publisher.rstrip('.')}."
    return f"{head} {src.url}"


def bibtex_escape(value: str) -> str:
    """Text safe inside a braced BibTeX field. Braces become \\textbraceleft{} and
    \\textbraceright{}: BibTeX counts every brace, escaped or not, so `\\{` alone would leave
    the entry (and the rest of the .bib file) unbalanced."""
    out = []
    for ch in value:
        if ch == "{":
            out.append("\\textbraceleft{}")
        elif ch == "}":
            out.append("\\textbraceright{}")
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


def bibtex(src: Source) -> str:
    key = re.sub(r"[^A-Za-z0-9]+", "_", f"{src.doc_id}_p{src.n}").strip("_") or "izde"
    fields = []
    if src.authors:
        # Each name in braces: taken whole, never split into "first von last" parts.
        names = " and ".join("{" + bibtex_escape(a) + "}" for a in src.authors)
        fields.append(("author", names))
    fields.append(("title", bibtex_escape(src.title)))
    if src.publisher:
        fields.append(("publisher", bibtex_escape(src.publisher)))
    if src.year:
        fields.append(("year", src.year))
    fields += [
        ("note", bibtex_escape(", ".join(_where(src)))),
        ("howpublished", f"\\url{{{src.url}}}"),
        ("url", src.url),
        ("urldate", src.accessed.isoformat()),
    ]
    return "\n".join([f"@misc{{{key},", *(f"  {k} = {{{v}}}," for k, v in fields), "}"])


def _ris_value(value: str) -> str:
    return re.sub(r"[\r\n]+", " ", value).strip()


def ris(src: Source) -> str:
    """RIS: one `TAG  - value` per line, from `TY  -` to `ER  -` (CRLF, as the spec says)."""
    lines = [("TY", "ELEC")]
    lines += [("AU", a) for a in src.authors]
    lines.append(("TI", src.title))
    if src.publisher:
        lines.append(("PB", src.publisher))
    if src.year:
        lines.append(("PY", src.year))
    if src.date:
        lines.append(("DA", src.date.replace("-", "/")))
    lines += [
        ("N1", ", ".join(_where(src))),
        ("UR", src.url),
        ("Y2", src.accessed.strftime("%Y/%m/%d")),
        ("ID", f"{src.doc_id}#p{src.n}"),
    ]
    body = "".join(f"{tag}  - {_ris_value(str(v))}\r\n" for tag, v in lines)
    return body + "ER  - \r\n"


def csl(src: Source) -> dict:
    item: dict[str, Any] = {
        "id": f"{src.doc_id}#p{src.n}",
        "type": "document",
        "title": src.title,
        "URL": src.url,
        "section": src.section or None,
        "locator": str(src.n),
        "label": "paragraph",
        "accessed": {"date-parts": [[src.accessed.year, src.accessed.month, src.accessed.day]]},
    }
    if src.authors:
        item["author"] = [{"literal": a} for a in src.authors]
    if src.publisher:
        item["publisher"] = src.publisher
    if src.page:
        item["page"] = str(src.page)
    if src.doc_url:
        item["source"] = src.doc_url
    if src.year:
        item["issued"] = {"raw": src.date}
    return item


def render(src: Source, style: str) -> str:
    """The citation in one of STYLES, as the text a download or a copy gives."""
    if style == "csl":
        return json.dumps([csl(src)], ensure_ascii=False, indent=2)
    return {"plain": plain_text, "gost": gost, "apa": apa, "bibtex": bibtex, "ris": ris}[style](src)


# -- building ------------------------------------------------------------------------------


def build_citation(
    *,
    doc_id: str,
    title: str,
    n: int,
    base_url: str,
    fp: str = "",
    section: Any = "",
    page: int | None = None,
    meta: dict | None = None,
    today: dt.date | None = None,
    styles: tuple[str, ...] = (),
) -> dict:
    """Citation of paragraph `n` of a document; `base_url` is scheme://host/ of the request,
    `meta` the document's metadata (authors, publisher, date, url). The dict is /api/cite's
    JSON; `styles` adds those styles' text under their names (for the pages)."""
    meta = meta or {}
    src = Source(
        doc_id=doc_id,
        title=title,
        n=n,
        url=base_url.rstrip("/") + permanent_path(doc_id, n, fp),
        section=_section_text(section),
        page=page,
        authors=_authors(meta),
        publisher=str(meta.get("publisher") or ""),
        date=str(meta.get("date") or ""),
        doc_url=meta.get("url"),
        accessed=today or dt.date.today(),
    )
    out = {
        "doc_id": doc_id,
        "paragraph": n,
        "anchor": f"{doc_id}#p{n}",
        "title": title,
        "section": src.section,
        "page": page,
        "fp": fp,
        "url": src.url,
        "text": plain_text(src),
        "bibtex": bibtex(src),
        "csl": csl(src),
    }
    for style in styles:
        out[style] = render(src, style)
    return out


def cite_paragraph(
    h: Any, doc_id: str, n: int, base_url: str, styles: tuple[str, ...] = ()
) -> dict | None:
    """Look the paragraph up in the index and build its citation; None when there is none."""
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
        meta=meta,
        styles=styles,
    )
