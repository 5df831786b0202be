"""Every size and depth limit of the readers, defined once.

- A file larger than `max_file_bytes()` (50 MB, `IZDE_MAX_FILE_MB` overrides) is skipped
  before it is read.
- A zip container (DOCX) may expand to at most `ZIP_EXPANSION` times that limit in all its
  members together; checked from the zip directory and again while the members stream.
- HTML may nest elements at most `MAX_NESTING_DEPTH` deep; checked before parsing.
- A paragraph longer than `MAX_PARAGRAPH_CHARS` characters is split (see `paragraphs`).
"""

from __future__ import annotations

from indexer.config import env_float

MAX_FILE_BYTES = 50 * 1024 * 1024
ZIP_EXPANSION = 8
MAX_NESTING_DEPTH = 256  # as libxml2; the HTML walk recurses two frames a level
MAX_PARAGRAPH_CHARS = 20_000


def max_file_bytes() -> int:
    """The per-file size limit in bytes (`IZDE_MAX_FILE_MB`, else 50 MB)."""
    return int(env_float("IZDE_MAX_FILE_MB", MAX_FILE_BYTES / 1048576, 0.001) * 1048576)


def megabytes(n: int) -> str:
    return f"{n / 1048576:.1f} MB"
