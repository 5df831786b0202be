"""A search result as text for the terminal (`izde search` without --json)."""

from __future__ import annotations

import html
import re

_MARK = re.compile(r'<mark(?: class="rel")?>(.*?)</mark>', re.S)


def plain(html_text: str, color: bool) -> str:
    """Highlight HTML as terminal text: marks in bold (colour) or [brackets]."""
    if color:
        s = _MARK.sub(lambda m: f"\x1b[1m{m.group(1)}\x1b[0m", html_text)
    else:
        s = _MARK.sub(lambda m: f"[{m.group(1)}]", html_text)
    return html.unescape(s)


def _headline(result: dict) -> list[str]:
    total = result["total"]
    at_least = "at least " if result.get("total_is_lower_bound") else ""
    lines = [
        f"{at_least}{total} hits for {result['query']!r} "
        f"(understood as {result['understood_as']}), {result['took_ms']} ms"
    ]
    if result.get("total_related"):
        lines.append(
            f"{result['total_all']} with the word itself, "
            f"{result['total_related']} with related words only"
        )
    elif result.get("total_some"):
        if result["total_all"]:
            lines.append(
                f"{result['total_all']} with every word, {result['total_some']} with some "
                "(listed after those with every word)"
            )
        else:
            lines.append("No paragraph has all the words; these have some of them.")
    if not result.get("complete", True):
        lines.append(
            "The search stopped at its time limit: these are the hits found so far, "
            "and the total is a lower bound."
        )
    if result.get("suggestion"):
        lines.append(f"Did you mean: {result['suggestion']}")
    return lines


def format_text(result: dict, color: bool = False) -> str:
    """A readable listing of a search result."""
    lines = _headline(result)
    shown = len(result["hits"])
    if shown:
        lines.append(f"showing {result['offset'] + 1}-{result['offset'] + shown}")
    for i, hit in enumerate(result["hits"], start=result["offset"] + 1):
        where = hit["doc_title"] or hit["doc_id"]
        if hit["section"]:
            where += " › " + hit["section"]
        page = f", p. {hit['page']}" if hit.get("page") else ""
        label = ""
        if hit.get("related"):
            label = " [related word]"
        elif hit.get("matched_all") is False:
            label = " [some words]"
        lines.append("")
        lines.append(f"{i}. {where} — {hit['anchor']}{page} ({hit['score']}){label}")
        lines.append("   " + plain(hit["highlight"], color))
    if result.get("facets"):
        lines.append("")
        more = result.get("facet_documents", 0) - len(result["facets"])
        lines.append(
            "by document: "
            + ", ".join(f"{d} ({c})" for d, c in result["facets"].items())
            + (f", and {more} more documents" if more > 0 else "")
        )
    return "\n".join(lines)


__all__ = ["format_text", "plain"]
