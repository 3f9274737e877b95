"""Writing ``export --out``: a regular file atomically, anything else written through.

A regular file (or a new name) is written to a temp file in its folder and renamed over it,
mode 0600. A symlink is followed and its target written in place (created with mode 0600
when the link dangles); a FIFO, a device or
another special file is opened and written, never replaced by a regular file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from crosswatch_trakt.support.atomic import write_atomically

__all__ = ["write_out"]


def write_out(path: Path, text: str) -> str:
    """Write ``text`` to ``path``; return how: ``atomically`` or ``through``."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is None or stat.S_ISREG(mode):
        write_atomically(path, text)
        return "atomically"
    # follows a symlink (a dangling one's target is created private, 0600, like a regular
    # file); keeps a FIFO or a device
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return "through"
