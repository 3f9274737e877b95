"""Writer locks: one writer per account and feature at a time, across processes.

Two runs writing one feature of one account (two ``import`` commands, a CLI run beside the
host's sync) would both read the account, both find the same items missing and both send
them: every play twice. ``writer_lock`` serialises them: it is held from the read that
decides what to send to the last state save, so the second writer waits, then reads the
account its predecessor left and sends only what is still missing.

The lock is an advisory ``fcntl.flock`` on ``.<feature>.writer.lock`` in the state folder
(which is per account). Waiting is bounded: the holder's pid is named in a warning while
waiting, and after ``wait_seconds`` a ``StateError`` says who holds it. The wait is measured
in real time, not on the injected clock: it waits for another process (or thread) doing
real work, and a virtual clock would either never move or run out at once.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from crosswatch_trakt.errors import StateError
from crosswatch_trakt.support.log import get_logger
from crosswatch_trakt.support.state import FILE_MODE, state_error

__all__ = ["POLL_SECONDS", "lock_path", "writer_lock"]

#: how often a waiting writer tries the lock again (real seconds)
POLL_SECONDS = 0.05


def lock_path(root: Path, feature: str) -> Path:
    """Return the writer lock file of ``feature`` in the state folder ``root``."""
    return root / f".trakt_{feature}.writer.lock"


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return "unknown"
    return text if text.isdigit() else "unknown"


@contextlib.contextmanager
def writer_lock(root: Path, feature: str, *, wait_seconds: float) -> Iterator[None]:
    """Hold the writer lock of ``feature`` in ``root``; wait at most ``wait_seconds`` for it."""
    path = lock_path(root, feature)
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as exc:
        raise state_error("open the writer lock", path, exc) from exc
    try:
        if not _try_lock(fd):
            _wait(fd, path, feature, wait_seconds)
        _note_holder(fd, path)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _wait(fd: int, path: Path, feature: str, wait_seconds: float) -> None:
    log = get_logger("state")
    holder = _holder(path)
    log.warning(
        "state.writer_waiting",
        feature=feature,
        holder_pid=holder,
        lock=str(path),
        wait_seconds=wait_seconds,
        message=f"another run (pid {holder}) is writing the Trakt {feature}; waiting for it",
    )
    started = time.monotonic()
    while not _try_lock(fd):
        if time.monotonic() - started >= wait_seconds:
            raise StateError(
                f"another run (pid {_holder(path)}) is still writing the Trakt {feature} of "
                f"this account after {wait_seconds:.0f} s (lock {path}); let it finish and run "
                "again, or raise writer_lock_wait_seconds"
            )
        time.sleep(POLL_SECONDS)
    log.info("state.writer_acquired", feature=feature, waited=time.monotonic() - started)


def _note_holder(fd: int, path: Path) -> None:
    """Write our pid into the lock file so a waiting run can name us."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
    except OSError as exc:
        raise state_error("write the writer lock", path, exc) from exc
