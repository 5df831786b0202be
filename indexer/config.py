"""Where things live by default, so `izde index` and `izde serve` meet without flags."""

from __future__ import annotations

import os
from pathlib import Path


def default_index_dir() -> Path:
    """$IZDE_INDEX, else ./var/index under the current folder."""
    return Path(os.environ.get("IZDE_INDEX") or Path.cwd() / "var" / "index")
