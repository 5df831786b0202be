"""The index errors the CLI and the web app turn into one-line messages, and how a path is
shown in them."""

from __future__ import annotations

import errno
import os
from pathlib import Path


class IndexError_(Exception):  # noqa: N801 - the underscore keeps clear of builtin IndexError
    """Base of the index errors; str(exc) is the whole message, fix included."""


class IndexMissing(IndexError_):
    pass


class IndexDamaged(IndexError_):
    pass


class IndexOutdated(IndexDamaged):
    """The index was written by another version of izde (another analysis or layout)."""


class IndexBusy(IndexError_):
    pass


class InputError(IndexError_):
    """A path given to `izde index` is missing or holds nothing to read: nothing changed."""


class StorageError(IndexError_):
    """Disk full, permission denied and the like while writing the index."""


def shown(path: str | os.PathLike[str]) -> str:
    """A path as text that can always be printed: bytes of a file name that are not UTF-8
    (kept by Python as lone surrogates) appear as `\\xNN` escapes."""
    return os.fspath(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def missing(index_dir: Path) -> IndexMissing:
    return IndexMissing(
        f"no index at {shown(index_dir)}; create it with: izde index corpus --index {index_dir}"
    )


def damaged(index_dir: Path, what: str) -> IndexDamaged:
    return IndexDamaged(
        f"index at {shown(index_dir)} is damaged ({what}); rebuild it with: "
        f"izde index --rebuild --index {shown(index_dir)}"
    )


def outdated(index_dir: Path, what: str) -> IndexOutdated:
    return IndexOutdated(
        f"index at {shown(index_dir)} was built by another version of izde ({what}); "
        f"rebuild it with: izde index --rebuild --index {shown(index_dir)}"
    )


# The fix to suggest for the errors users meet while an index is written.
_FIXES = {
    errno.ENOSPC: "free space on that disk, then run again",
    errno.EDQUOT: "free space within your disk quota, then run again",
    errno.EACCES: "give the user running izde write access to it, or choose another --index",
    errno.EPERM: "give the user running izde write access to it, or choose another --index",
    errno.EROFS: "the disk is read-only: choose another --index",
    errno.EMFILE: "raise the open-file limit (ulimit -n), then run again",
    errno.EIO: "the disk reported an input/output error: check it, then run again",
}


def storage_error(exc: OSError, index_dir: Path) -> StorageError:
    """One line naming the path, the problem and the fix; the live index is unchanged
    (a run only switches CURRENT after everything else is written)."""
    where = shown(exc.filename) if exc.filename else shown(index_dir)
    what = exc.strerror or type(exc).__name__
    fix = _FIXES.get(exc.errno or 0, "fix the cause, then run again")
    return StorageError(
        f"cannot write the index at {shown(index_dir)}: {what}: {where}; {fix} "
        f"(the index was not changed)"
    )
