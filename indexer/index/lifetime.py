"""Child processes that end with their parent (Linux: prctl PR_SET_PDEATHSIG).

Used by the index writer's helper processes and by `izde serve`'s workers, so that a killed
`izde index` or `izde serve` leaves nothing running that holds the index or the port.
"""

from __future__ import annotations

import ctypes
import os

_PR_SET_PDEATHSIG = 1


def _load_prctl():
    # Loaded at import, not in the child: the call after fork must be quick.
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return None


_prctl = _load_prctl()


def die_with_parent(sig: int, parent: int) -> bool:
    """Have the kernel send `sig` to this process when its parent ends. False when
    `parent` is already gone: a parent killed before the call sends no signal."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    return os.getppid() == parent
