"""Scripting the command: JSON results, stdin, any encoding, pipes and special ``--out``s."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from crosswatch_trakt.cli.backup import FORMAT
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.builders import generate_account, seed_demo
from tests.cli.conftest import Runner

WATCHLIST = [{"type": "movie", "title": "Inception", "year": 2010, "ids": {"tmdb": 27205}}]


@pytest.fixture
def seeded(logged_in: FakeTrakt) -> FakeTrakt:
    """Return the logged-in emulator with alice's demo library."""
    seed_demo(logged_in, "alice")
    return logged_in


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_import_reads_stdin(
    seeded: FakeTrakt, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``import -`` reads the items from standard input."""
    _stdin(monkeypatch, json.dumps(WATCHLIST).encode())
    ran = cli("import", "-", "--features", "watchlist")
    assert ran.code == 0, ran.err
    assert "adds: 1 confirmed" in ran.out
    _stdin(monkeypatch, b"[]")
    unnamed = cli("import", "-")
    assert unnamed.code == 2
    assert "The standard input holds items of no named feature" in unnamed.err


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
def test_import_reads_any_json_encoding(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path, encoding: str
) -> None:
    """A BOM-marked UTF-8 file and UTF-16/32 files (with or without BOM) are read."""
    path = tmp_path / "items.json"
    path.write_bytes(json.dumps(WATCHLIST, ensure_ascii=False).encode(encoding))
    ran = cli("import", str(path), "--features", "watchlist", "--dry-run")
    assert ran.code == 0, ran.err
    assert "watchlist: 1 to add" in ran.out


def test_undecodable_file_is_a_usage_error(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """Bytes that are no Unicode text at all exit 2 with one sentence."""
    path = tmp_path / "latin1.json"
    path.write_bytes('["café"]'.encode("latin-1"))
    ran = cli("import", str(path), "--features", "watchlist")
    assert ran.code == 2
    assert "not text in UTF-8" in ran.err


def test_import_json_result(seeded: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """``import --json`` prints the plan, the apply results and the exit code as JSON only."""
    path = tmp_path / "ratings.json"
    path.write_text(json.dumps([{**WATCHLIST[0], "rating": 11}, {**WATCHLIST[0], "rating": 9}]))
    ran = cli("import", str(path), "--features", "ratings", "--json")
    report = json.loads(ran.out)
    assert ran.code == report["exit_code"] == 1
    ratings = report["features"]["ratings"]
    assert ratings["plan"] == {"add": 0, "change": 2, "remove": 0, "unchanged": 0}
    # the second item repeats the first one's key: reported, not dropped (issue 16)
    reasons = [entry["reason"] for entry in ratings["adds"]["unresolved"]]
    assert reasons == ["invalid_rating", "duplicate_input"]


def test_export_features_and_json(seeded: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """``export --features`` limits the backup; ``--json`` reports the written file."""
    path = tmp_path / "backup.json"
    ran = cli("export", "--features", "ratings", "--out", str(path), "--json")
    assert ran.code == 0
    assert json.loads(ran.out)["counts"] == {"ratings": 8}
    assert json.loads(ran.out)["written"] == "atomically"
    assert list(json.loads(path.read_text())["features"]) == ["ratings"]


def test_export_fresh_reads_trakt_again(seeded: FakeTrakt, cli: Runner, state_dir: Path) -> None:
    """``--fresh`` deletes the cache so the watchlist is read from Trakt, not the state."""
    assert cli("snapshot", "watchlist").code == 0
    seeded.clear_log()
    assert cli("snapshot", "watchlist").code == 0
    assert seeded.log_count("GET", "/sync/watchlist") == 0
    assert cli("export", "--features", "watchlist", "--fresh").code == 0
    assert seeded.log_count("GET", "/sync/watchlist") == 1


def test_export_through_a_symlink_keeps_it(seeded: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """``--out`` a symlink writes its target and leaves the link in place."""
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert cli("export", "--out", str(link)).code == 0
    assert link.is_symlink()
    assert json.loads(target.read_text())["format"] == FORMAT


def test_export_into_a_fifo_writes_through(seeded: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """``--out`` a FIFO is written to, not replaced by a regular file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_bytes()))
    reader.start()
    ran = cli("export", "--out", str(fifo))
    reader.join(timeout=30)
    assert ran.code == 0, ran.err
    assert fifo.is_fifo()
    assert json.loads(read[0])["format"] == FORMAT


def test_export_to_a_full_device_fails_cleanly(
    seeded: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """A device that cannot take the data is a one-sentence error, and stays a device."""
    full = Path("/dev/full")
    if not os.access(full, os.W_OK):
        pytest.skip("/dev/full is not writable here")
    ran = cli("export", "--out", str(full))
    assert ran.code == 2
    assert "No space left on device" in ran.err
    assert full.is_char_device()


def test_closed_pipe_exits_141(logged_in: FakeTrakt, state_dir: Path, tmp_path: Path) -> None:
    """``export | head -c 100``: the command stops with 141 and reports nothing as exported.

    The backup (about 400 KB) is written in pieces, so the command is still writing when
    ``head`` goes away.
    """
    generate_account(logged_in, "alice", watchlist=50, ratings=100, plays=700, movie_plays=50)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-m", "crosswatch_trakt.cli", "--state-dir", str(state_dir)]
    script = f"{' '.join(command)} export | head -c 100 >/dev/null; echo ${{PIPESTATUS[0]}}"
    done = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "141", done.stderr
    assert "Exported" not in done.stderr
