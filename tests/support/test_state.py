"""StateStore: atomic writes, 0600 files, corrupt files moved aside, the cross-process lock."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path
from typing import ClassVar

import attrs
import pytest

from crosswatch_trakt.support.state import StateStore


@attrs.define
class Doc:
    """A test document."""

    SCHEMA: ClassVar[int] = 3
    items: list[str] = attrs.Factory(list)
    count: int = 0


def test_round_trip_and_mode(tmp_path: Path) -> None:
    """A saved document loads back equal, its file has mode 0600 and carries the schema."""
    store = StateStore(tmp_path / "state")
    store.save("doc.json", Doc(items=["a", "b"], count=2))
    assert store.load("doc.json", Doc) == Doc(items=["a", "b"], count=2)
    path = store.path("doc.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["schema"] == 3


def test_missing_file_is_none(tmp_path: Path) -> None:
    """A file that does not exist loads as None, with no problem reported."""
    store = StateStore(tmp_path)
    assert store.load("nothing.json", Doc) is None
    assert store.problems == []


def test_crash_between_write_and_rename_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash after the temp file is written but before the rename leaves the old file intact."""
    store = StateStore(tmp_path)
    store.save("doc.json", Doc(items=["old"], count=1))

    def crash(src: str, dst: str) -> None:
        raise KeyboardInterrupt("simulated crash")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        store.save("doc.json", Doc(items=["new"], count=2))
    monkeypatch.undo()
    assert store.load("doc.json", Doc) == Doc(items=["old"], count=1)
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema": 99, "items": []}', "schema 99"),
        ('{"schema": 3, "items": 5, "count": "x"}', "does not match"),
        ("[1, 2]", "schema None"),
    ],
)
def test_corrupt_file_moved_aside(tmp_path: Path, content: str, reason: str) -> None:
    """A corrupt or unknown-schema file is moved aside, reported, and loads as None."""
    store = StateStore(tmp_path)
    store.path("doc.json").write_text(content)
    assert store.load("doc.json", Doc) is None
    assert not store.path("doc.json").exists()
    (problem,) = store.problems
    assert reason in problem.reason
    assert Path(problem.moved_to).read_text() == content
    assert ".corrupt-" in problem.moved_to


def test_lock_serialises_writers(tmp_path: Path) -> None:
    """Two stores on one folder never hold the same lock at once."""
    first, second = StateStore(tmp_path), StateStore(tmp_path)
    inside: list[str] = []
    overlaps: list[bool] = []

    def worker(store: StateStore, name: str) -> None:
        for _ in range(50):
            with store.lock("doc.json"):
                inside.append(name)
                overlaps.append(len(inside) > 1)
                inside.remove(name)

    threads = [
        threading.Thread(target=worker, args=(s, n)) for s, n in ((first, "a"), (second, "b"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(overlaps) == 100
    assert not any(overlaps)


def test_document_pieces_are_the_one_json_text() -> None:
    """A document written in pieces is byte for byte ``json.dumps`` plus its digest."""
    from crosswatch_trakt.support.state import DIGEST_KEY, SLICE, _digest, _document

    rows = [
        [n, "2024-05-01T20:31:00.000Z", {"tmdb": n, "slug": f"é-{n}"}] for n in range(2 * SLICE + 7)
    ]
    data = {"schema": 2, "movies": {"plays": rows, "pending": [], "w": None}, 3: {}, "s": "\u2603"}
    for ascii_only in (False, True):
        text = json.dumps(data, ensure_ascii=ascii_only, separators=(",", ":"))
        whole = f'{text[:-1]}{DIGEST_KEY}{_digest(text)}"}}'
        assert "".join(_document(data, ensure_ascii=ascii_only)) == whole
