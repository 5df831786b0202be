"""Stable anchors: which paragraph an old citation `/p/<doc>/<n>?h=<fingerprint>` means now.

Each document's entry in docs.json keeps its paragraphs' fingerprints (`fps`, 12 hex digits
of the normalised text) and the fingerprint lists of its previous versions (`history`,
newest first, HISTORY_CAP of them)."""

from __future__ import annotations

import re

from indexer.index.generations import IndexHandle

HISTORY_CAP = 10  # previous fingerprint lists kept per document
# A fingerprint cut short (a link shortened by hand or by a mail client) still resolves when
# this many leading hex digits or more name one paragraph text of the document.
MIN_FP_PREFIX = 6
_HEX = re.compile(r"^[0-9a-f]+$")


def resolve_fingerprint(
    handle: IndexHandle, doc_id: str, n: int, h: str | None = None
) -> int | None:
    """Current number of the paragraph an old citation `/p/<doc>/<n>?h=<fp>` meant.

    With a fingerprint `h` (or a prefix of it of at least MIN_FP_PREFIX hex digits that only
    one paragraph text of the document has): the paragraph of the current version with that
    fingerprint; when several have it, the one nearest to `n` (the lower on a tie); None when
    no paragraph has that text any more, or the prefix is too short or ambiguous.

    Without `h` (an old anchor that carries only a number), the rule is: take the most recent
    previous version of the document in which paragraph `n` existed (docs.json "history",
    newest first). If its paragraph `n` has the same fingerprint as the current paragraph `n`,
    or no previous version had `n`, the number still means the same text: return `n` (None if
    the document is now shorter). Otherwise paragraph `n` changed in that edit: find the old
    paragraph's text in the current version (nearest to `n`) and return its number; when that
    text is gone, return `n` if it exists (the paragraph was edited in place), else None.
    Links made by izde always carry `h`, so this guess only serves bare old anchors.
    """
    meta = handle.docs.get(doc_id)
    if meta is None:
        return None
    fps: list[str] = meta.get("fps", [])
    if h:
        full = _complete(fps, h.lower())
        return _nearest(fps, full, n) if full else None
    if n < 1:
        return None
    current = fps[n - 1] if n <= len(fps) else None
    for old in meta.get("history", []):
        if n <= len(old):
            if old[n - 1] == current:
                return n
            moved = _nearest(fps, old[n - 1], n)
            if moved is not None:
                return moved
            break
    return n if current is not None else None


def _complete(fps: list[str], h: str) -> str | None:
    """The one fingerprint of `fps` that `h` is or begins, else None."""
    if h in fps:
        return h
    if len(h) < MIN_FP_PREFIX or not _HEX.match(h):
        return None
    found = {fp for fp in fps if fp.startswith(h)}
    return found.pop() if len(found) == 1 else None


def _nearest(fps: list[str], h: str, n: int) -> int | None:
    best = None
    for i, fp in enumerate(fps, 1):
        if fp == h and (best is None or abs(i - n) < abs(best - n)):
            best = i
    return best
