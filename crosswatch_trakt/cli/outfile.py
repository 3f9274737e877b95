"""Writing ``export --out``: a regular file atomically, anything else written through.

A regular file (or a new name) is written to a temp file in its folder and renamed over it,
mode 0600. A symlink is followed and its target written in place; a FIFO, a device or
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
    with open(path, "w", encoding="utf-8") as handle:  # follows a symlink; keeps a FIFO/device
        handle.write(text)
    return "through"
