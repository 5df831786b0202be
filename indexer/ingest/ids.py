"""Readable, file-system-safe document ids derived from file names.

Rules (documented in the report and relied on by anchors `<doc id>#p<n>`):
- The id is built from the file's path relative to the folder given to `izde index`
  (a file given directly: its name alone).
- The last extension is dropped, and so is a language suffix before it
  (`nur-otan-strategy-2009-2012.kk.txt` -> `nur-otan-strategy-2009-2012`, language "kk").
- Cyrillic (Russian and Kazakh letters) is transliterated to ASCII, everything is lower-cased,
  any run of characters outside [a-z0-9._-] becomes one '-', and leading/trailing '.', '-', '_'
  are removed, so an id can never be '', '.', '..' or contain '/'.
- Sub-folders are kept, joined with '--' (`reports/2020/plan.txt` -> `reports--2020--plan`),
  so `a/b.txt` and `a-b.txt` do not collide.
- An id is at most MAX_ID (200) characters, the longest the web pages accept: a longer slug
  keeps its first characters and ends with a hash of the whole (`shorten`), so it stays
  unique and the same on every run.
- Collisions (`plan.txt` and `plan.md`) are settled by `assign_ids`: an id already given to the
  same source earlier is kept (anchors stay stable), new sources are taken in sorted order and
  get the extension appended (`plan-md`), then a counter (`plan-2`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

MAX_ID = 200
ID_ROOM = 20  # left for collision suffixes (`-md`, `-2`) under MAX_ID

# Language codes recognised as a file-name suffix: `name.kk.txt`.
LANG_SUFFIXES = {"kk", "ru", "en", "kz", "tr", "de", "fr", "zh", "uz", "ky"}
_LANG_ALIASES = {"kz": "kk"}

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
# Record ids in JSON Lines are kept unchanged when they are this safe (case is kept).
SAFE_RECORD_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")

_CYR = {
    "а": "a",
    "ә": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ғ": "g",
    "д": "d",
    "е": "e",
    "ё": "yo",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "қ": "q",
    "л": "l",
    "м": "m",
    "н": "n",
    "ң": "ng",
    "о": "o",
    "ө": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ұ": "u",
    "ү": "u",
    "ф": "f",
    "х": "kh",
    "һ": "h",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "і": "i",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "є": "ye",
    "ї": "yi",
}


def transliterate(text: str) -> str:
    """Cyrillic (Kazakh and Russian letters) to plain ASCII; other letters lose diacritics."""
    out = []
    for ch in text.lower():
        if ch in _CYR:
            out.append(_CYR[ch])
        else:
            # é -> e; characters without an ASCII base are dropped by slugify later.
            out.append(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode() or ch)
    return "".join(out)


def slugify(text: str, fallback: str = "doc") -> str:
    """Lower-case ASCII slug restricted to [a-z0-9._-]."""
    s = transliterate(text)
    s = re.sub(r"[^a-z0-9._-]+", "-", s)
    s = re.sub(r"-{2,}", "-", s)
    s = re.sub(r"\.{2,}", ".", s)
    s = s.strip(".-_")
    return s or fallback


def split_name(name: str) -> tuple[str, str, str | None]:
    """`plan.kk.txt` -> ("plan", ".txt", "kk"): stem, extension, language suffix."""
    p = Path(name)
    ext = p.suffix.lower()
    stem = p.name[: len(p.name) - len(p.suffix)] if p.suffix else p.name
    lang = None
    inner = Path(stem).suffix
    if inner and inner[1:].lower() in LANG_SUFFIXES and len(stem) > len(inner):
        lang = _LANG_ALIASES.get(inner[1:].lower(), inner[1:].lower())
        stem = stem[: -len(inner)]
    return stem, ext, lang


def shorten(slug: str, limit: int = MAX_ID) -> str:
    """`slug` itself when it fits in `limit` characters, else its head and a 12-digit hash."""
    if len(slug) <= limit:
        return slug
    digest = hashlib.blake2b(slug.encode("utf-8"), digest_size=6).hexdigest()
    return slug[: limit - len(digest) - 1].rstrip(".-_") + "-" + digest


def base_id(rel_path: Path | str) -> str:
    """The id a file would get without collisions (see the module docstring)."""
    rel = Path(rel_path)
    stem, _ext, _lang = split_name(rel.name)
    parts = [slugify(p, fallback="dir") for p in rel.parts[:-1] if p not in ("", ".", "..", "/")]
    parts.append(slugify(stem))
    return shorten("--".join(parts), MAX_ID - ID_ROOM)


def language_from_name(name: str) -> str | None:
    return split_name(name)[2]


def is_valid_id(doc_id: str) -> bool:
    return bool(ID_RE.match(doc_id)) and ".." not in doc_id


def record_id(raw: object) -> str:
    """A JSON Lines record id: kept unchanged when safe, else slugified."""
    s = str(raw).strip()
    if SAFE_RECORD_ID_RE.match(s) and ".." not in s:
        return s
    return shorten(slugify(s, fallback="record"))


def assign_ids(rel_paths: dict[str, Path], taken: dict[str, str]) -> dict[str, str]:
    """Ids for sources (key -> path relative to its root), deterministic and collision-free.

    `taken` maps ids already in the index to the source key that owns them. A source that
    already owns an id keeps it when its base id is unchanged; new sources are handled in
    sorted order, so the same set of files always yields the same ids.
    """
    owner = dict(taken)  # id -> source key
    by_source = {src: i for i, src in taken.items()}
    result: dict[str, str] = {}
    for key in sorted(rel_paths):
        rel = rel_paths[key]
        want = base_id(rel)
        old = by_source.get(key)
        if old is not None and (old == want or old.startswith(want + "-")):
            result[key] = old
            continue
        candidates = [want]
        ext = rel.suffix.lower().lstrip(".")
        if ext:
            candidates.append(f"{want}-{slugify(ext)}")
        i = 2
        while True:
            cand = next((c for c in candidates if owner.get(c) in (None, key)), None)
            if cand is not None:
                break
            candidates = [f"{want}-{i}"]
            i += 1
        owner[cand] = key
        result[key] = cand
    return result
