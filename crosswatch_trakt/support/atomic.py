"""Writing a file atomically: a temp file in the same folder, fsynced, renamed over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(path: Path, text: str | Iterable[str], mode: int = 0o600) -> None:
    """Replace ``path`` with ``text`` (UTF-8, ``mode``) in one rename; nothing half-written.

    ``text`` may come in pieces (written as they come, so it is never whole in memory).

    The temp file is removed when anything fails, and the folder is fsynced after the rename
    so the new name survives a crash. ``OSError`` is raised for the caller to explain.
    """
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for piece in (text,) if isinstance(text, str) else text:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
