"""Where things live by default, so `izde index` and `izde serve` meet without flags, and the
one way settings are read from environment variables ($IZDE_...).

`env_int` and `env_float` give the default when the variable is unset or blank, the value
when it is a number within its bounds, and otherwise raise ConfigError, whose one-line
message names the variable and the form expected (the CLI prints it without a traceback).
A mistyped setting is reported, never silently replaced by the default.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

__all__ = ["ConfigError", "default_index_dir", "env_float", "env_int"]


class ConfigError(ValueError):
    """An environment variable holds a value that cannot be used; the message says which and
    what it should be."""


def default_index_dir() -> Path:
    """$IZDE_INDEX, else ./var/index under the current folder."""
    return Path(os.environ.get("IZDE_INDEX") or Path.cwd() / "var" / "index")


def _raw(name: str) -> str:
    return os.environ.get(name, "").strip()


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f" from {low:g} to {high:g}"
    if low is not None:
        return f" of at least {low:g}"
    if high is not None:
        return f" of at most {high:g}"
    return ""


def _bad(name: str, raw: str, kind: str, low: float | None, high: float | None) -> ConfigError:
    return ConfigError(f"${name} is {raw!r}; it must be {kind}{_bounds(low, high)}.")


def env_int(name: str, default: int, low: int | None = None, high: int | None = None) -> int:
    """The whole number in $`name` (`default` when unset or blank), within [low, high]."""
    raw = _raw(name)
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise _bad(name, raw, "a whole number", low, high) from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise _bad(name, raw, "a whole number", low, high)
    return value


def env_float(
    name: str, default: float, low: float | None = None, high: float | None = None
) -> float:
    """The number in $`name` (`default` when unset or blank), within [low, high]."""
    raw = _raw(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise _bad(name, raw, "a number", low, high) from None
    if not math.isfinite(value):
        raise _bad(name, raw, "a finite number", low, high)
    if (low is not None and value < low) or (high is not None and value > high):
        raise _bad(name, raw, "a number", low, high)
    return value
