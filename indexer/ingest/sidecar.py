"""The one sidecar convention: `<file name>.meta.json` next to a file, whose keys (title, url,
date, lang, id, description, author/authors, publisher) win over what the file itself says.
`author` and `authors` may be a string (several names separated by ';') or a list of names."""

from __future__ import annotations

import json
from pathlib import Path

from indexer.ingest.model import SkipFile

SIDECAR_SUFFIX = ".meta.json"
SIDECAR_KEYS = {"title", "url", "date", "lang", "id", "description", "publisher"}
AUTHOR_KEYS = ("author", "authors")


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _names(value: object) -> list[str]:
    """Author names from a string ('A; B') or a list of strings."""
    items = value if isinstance(value, list) else str(value).split(";")
    return [" ".join(str(v).split()) for v in items if v is not None and str(v).strip()]


def read_sidecar(path: Path) -> dict:
    """Metadata from `<file>.meta.json` ({} when absent). A broken sidecar skips the file.

    Values are strings, except `authors` (a list of names; from `author` or `authors`).
    """
    side = sidecar_path(path)
    try:
        if not side.exists():
            return {}
    except OSError as exc:  # e.g. a folder we may not enter: the file is unreadable too
        raise SkipFile(f"unreadable ({exc.strerror or exc})") from None
    try:
        data = json.loads(side.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise SkipFile(f"bad sidecar {side.name}: {exc}") from None
    if not isinstance(data, dict):
        raise SkipFile(f"bad sidecar {side.name}: not a JSON object")
    out: dict = {
        k: (str(v) if v is not None else None) for k, v in data.items() if k in SIDECAR_KEYS
    }
    for key in AUTHOR_KEYS:
        if data.get(key):
            out["authors"] = _names(data[key])
            break
    return out
