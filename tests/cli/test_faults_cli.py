"""The command under the faults of issue 16: bad state folders, full disks, wrong secrets."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crosswatch_trakt.support import locks
from crosswatch_trakt.support.state import StateStore
from crosswatch_trakt.testing import FakeTrakt, Fault
from tests.cli.conftest import Runner


def test_login_into_an_uncreatable_folder_fails_before_the_code(
    emulator_env: FakeTrakt, cli: Runner, state_dir: Path
) -> None:
    """login checks the state folder first: exit 2, one sentence, no code shown, no request."""
    state_dir.write_text("a file where the state folder should be")
    ran = cli("login")
    assert ran.code == 2
    assert "enter the code" not in ran.out
    assert str(state_dir) in ran.err
    assert "Traceback" not in ran.err
    assert emulator_env.log_count(method="POST", path="/oauth/device/code") == 0


def test_full_disk_is_a_clean_state_error(
    logged_in: FakeTrakt, cli: Runner, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while saving the cache ends the command with exit 2 and the fix, no traceback."""

    def full(self: StateStore, path: Path, payload: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(StateStore, "_write_file", full)
    ran = cli("snapshot", "watchlist")
    assert ran.code == 2
    assert "free space" in ran.err
    assert str(state_dir) in ran.err
    assert "Traceback" not in ran.err


def test_wrong_client_secret_stops_login_at_once(
    emulator_env: FakeTrakt, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a wrong client secret login stops at the first poll and names invalid_client."""
    monkeypatch.setenv("TRAKT_CLIENT_SECRET", "not-the-secret")
    ran = cli("login")
    assert ran.code == 3
    assert "invalid_client" in ran.err
    assert "not-the-secret" not in ran.out + ran.err
    assert emulator_env.log_count(method="POST", path="/oauth/device/token") == 1


def test_world_writable_config_file_warns(
    emulator_env: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """A config file anyone may write gets a warning with the chmod that fixes it."""
    config = tmp_path / "trakt.toml"
    config.write_text("")
    config.chmod(0o666)
    ran = cli("--config", str(config), "status")
    assert "may be changed by other users" in ran.err
    assert f"chmod go-w {config}" in ran.err


def test_lone_surrogate_survives_import_and_export(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """A title with a lone surrogate is imported and exported without a crash."""
    movie = logged_in.catalog.add_movie("Broken", 2001, {"tmdb": 880_001})
    items = [{"type": "movie", "title": "Broken \ud83c", "year": 2001, "ids": {"tmdb": 880_001}}]
    path = tmp_path / "watchlist.json"
    path.write_text(json.dumps(items))  # ASCII JSON: the surrogate is the escape \\ud83c
    ran = cli("import", str(path), "--features", "watchlist", "-v")
    assert ran.code == 0, ran.err
    assert len(logged_in.users["alice"].watchlist) == 1
    backup = tmp_path / "backup.json"
    exported = cli("export", "--features", "watchlist", "--out", str(backup))
    assert exported.code == 0, exported.err
    (saved,) = json.loads(backup.read_text())["features"]["watchlist"]
    assert saved["ids"]["tmdb"] == movie.ids["tmdb"]


DRIVER = """
import sys
from crosswatch_trakt.cli.main import main
from crosswatch_trakt.testing import VirtualClock
sys.exit(main(sys.argv[2:], clock=VirtualClock(start=float(sys.argv[1]))))
"""


def test_two_import_processes_leave_no_duplicate(
    logged_in: FakeTrakt, state_dir: Path, tmp_path: Path
) -> None:
    """Issue 16's repro: two import processes of the same 300 plays add each play once.

    One run confirms the plays, the other books them skipped (it re-read after waiting);
    before the writer lock both said "300 confirmed" and the account doubled.
    """
    fake = logged_in
    movies = [fake.catalog.add_movie(f"Twice {i}", 2001, {"tmdb": 890_000 + i}) for i in range(300)]
    plays = [
        {
            "type": "movie",
            "title": m.title,
            "year": 2001,
            "ids": {"tmdb": m.ids["tmdb"]},
            "watched_at": f"2025-11-{1 + i // 600:02d}T{8 + i % 600 // 60:02d}:{i % 60:02d}:00Z",
        }
        for i, m in enumerate(movies)
    ]
    path = tmp_path / "plays.json"
    path.write_text(json.dumps({"history": plays}))
    before = len(fake.users["alice"].history)
    argv = ["--state-dir", str(state_dir), "import", str(path), "--json"]
    command = [sys.executable, "-c", DRIVER, str(fake.clock.time()), *argv]
    # hold the history lock while both start, so both plan 300 adds and then wait for it
    with locks.writer_lock(state_dir, "history", wait_seconds=1):
        outs = [(tmp_path / f"out-{n}.json").open("w") for n in range(2)]
        runs = [
            subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, text=True) for out in outs
        ]
        for run in runs:
            assert run.stderr is not None
            seen = ""
            while "is writing the Trakt history; waiting" not in seen:
                line = run.stderr.readline()
                assert line, f"the run ended before waiting: {seen}"
                seen += line
            assert f"pid {os.getpid()}" in seen
    reports = []
    for n, run in enumerate(runs):
        _, err = run.communicate(timeout=300)
        outs[n].close()
        assert run.returncode == 0, err
        report = json.loads((tmp_path / f"out-{n}.json").read_text())
        reports.append(report["features"]["history"])
    assert all(r["plan"]["add"] == 300 for r in reports)  # both saw the plays missing
    assert len(fake.users["alice"].history) == before + 300
    confirmed = sorted(len(r["adds"]["confirmed_keys"]) for r in reports)
    skipped = sorted(len(r["adds"]["skipped_keys"]) for r in reports)
    assert confirmed == [0, 300]
    assert skipped == [0, 300]


def test_lone_surrogate_in_a_reported_title_does_not_crash_the_output(
    logged_in: FakeTrakt, state_dir: Path, tmp_path: Path
) -> None:
    """An unresolved item's title with a lone surrogate is printed escaped, not a traceback."""
    path = tmp_path / "watchlist.json"
    path.write_text(json.dumps([{"type": "movie", "title": "Broken \ud83c"}]))
    argv = ["--state-dir", str(state_dir), "import", str(path), "--features", "watchlist"]
    ran = subprocess.run(
        [sys.executable, "-c", DRIVER, str(logged_in.clock.time()), *argv],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},  # strict, as on a UTF-8 terminal
        timeout=120,
        check=False,
    )
    assert b"Traceback" not in ran.stderr, ran.stderr.decode()
    assert ran.returncode == 1
    assert b"not_found" in ran.stdout
    assert b"\\ud83c" in ran.stdout  # the title, with its lone surrogate escaped


@pytest.mark.parametrize("hostile", ["nested", "number", "ratelimit_nested"])
def test_hostile_answer_is_one_sentence_not_a_traceback(
    logged_in: FakeTrakt, cli: Runner, hostile: str
) -> None:
    """A nested or 1e999 answer ends the command with exit 5 and one sentence, never a traceback."""
    logged_in.faults.add(
        Fault(method="GET", path="/sync/watchlist", kind="hostile", hostile=hostile)
    )
    ran = cli("snapshot", "watchlist")
    assert "Traceback" not in ran.err
    assert "RecursionError" not in ran.err
    assert ran.code == (0 if hostile.startswith("ratelimit") else 5)
    if ran.code:
        assert "/sync/watchlist" in ran.err
