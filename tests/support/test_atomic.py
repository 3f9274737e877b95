"""``write_atomically``: a whole new file or the old one, never half of either."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from crosswatch_trakt.support.atomic import write_atomically


def test_replaces_the_file_with_the_mode(tmp_path: Path) -> None:
    """The new text replaces the old in one go, with the mode asked for."""
    path = tmp_path / "doc.json"
    path.write_text("old")
    write_atomically(path, "new", 0o600)
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    """Text that cannot be encoded leaves the old file and no temp file behind."""
    path = tmp_path / "doc.json"
    path.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(path, "\ud83c")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]
