"""The one-writer lock: flock on <index>/write.lock, held for a whole `izde index` run.

The lock belongs to the open file, so it dies with the process and never goes stale."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import signal
import time
from pathlib import Path

from indexer.index.errors import IndexBusy, shown
from indexer.index.layout import LOCK_FILE
from indexer.index.lifetime import die_with_parent

_held_lock_fds: set[int] = set()


def _after_fork_in_child() -> None:
    """Whoosh's multiprocessing writer forks helpers. They must not keep the writer lock
    alive (flock belongs to the open file, shared across fork) and must die with the parent,
    or a killed `izde index` would leave the index busy until they exit."""
    if not _held_lock_fds:
        return
    parent = os.getppid()
    for fd in list(_held_lock_fds):
        with contextlib.suppress(OSError):
            os.close(fd)
    _held_lock_fds.clear()
    if not die_with_parent(signal.SIGKILL, parent):
        os._exit(1)


os.register_at_fork(after_in_child=_after_fork_in_child)


class WriteLock:
    """`with WriteLock(index_dir, wait):` holds the lock, waiting up to `wait` seconds for
    another writer; raises IndexBusy naming that writer's pid."""

    def __init__(self, index_dir: Path, wait: float):
        self.path = index_dir / LOCK_FILE
        self.wait = wait
        self.fd: int | None = None

    def __enter__(self) -> WriteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + max(0.0, self.wait)
        while not self._try(fd):
            if time.monotonic() >= deadline:
                holder = self._holder(fd)
                os.close(fd)
                raise IndexBusy(
                    f"index busy: another `izde index` (pid {holder}) is updating "
                    f"{shown(self.path.parent)}; wait for it or retry with --wait SECONDS"
                )
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())) or 0.01)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        _held_lock_fds.add(fd)
        return self

    @staticmethod
    def _try(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                os.close(fd)
                raise
            return False

    @staticmethod
    def _holder(fd: int) -> str:
        try:
            return os.pread(fd, 32, 0).decode().strip() or "?"
        except OSError:
            return "?"

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            _held_lock_fds.discard(self.fd)
            with contextlib.suppress(OSError):
                os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
