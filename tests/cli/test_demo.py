"""The offline demo, end to end against the bundled emulator."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from crosswatch_trakt.cli.commands_demo import run_demo
from crosswatch_trakt.cli.main import main
from crosswatch_trakt.cli.progressbar import Progress


def test_demo_command_succeeds_and_tells_the_story(capsys: pytest.CaptureFixture[str]) -> None:
    """`crosswatch-trakt demo` exits 0 and prints every step with its request cost."""
    code = main(["demo"])
    out = capsys.readouterr().out
    assert code == 0
    for step in ("1. Log in", "2. Snapshot", "3. Plan", "4. Apply", "5. Verify", "6. Second"):
        assert step in out
    assert "watchlist: 2 to add, 1 to remove, 5 unchanged" in out
    assert "ratings: 3 to add, 1 to change, 0 to remove, 7 unchanged" in out
    assert "history: 3 to add, 0 to remove, 3 unchanged" in out
    assert "invalid_rating: 1" in out
    assert "Trakt matches the plan" in out
    assert "the unchanged pass cost 1 request (GET 1)" in out


def test_demo_leaves_nothing_in_the_users_cache_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The throwaway emulator's shared GET budget stays in the demo's own temp folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert main(["demo", "-q"]) == 0
    assert not (tmp_path / "cache").exists()


def test_demo_second_pass_costs_only_the_change_gate() -> None:
    """The unchanged second pass makes exactly one request: GET /sync/last_activities."""
    report = run_demo(io.StringIO(), Progress(io.StringIO(), quiet=True))
    assert report.verified
    assert report.step("second_pass").paths == ("GET /sync/last_activities",)
    assert report.step("login").paths == ("POST /oauth/device/code", "POST /oauth/device/token")
    assert report.step("plan").requests == 0
    assert report.step("apply").methods.get("POST", 0) >= 4


def test_demo_prints_no_token() -> None:
    """The demo's output never carries an access or refresh token."""
    out = io.StringIO()
    run_demo(out, Progress(io.StringIO(), quiet=True))
    text = out.getvalue().lower()
    assert "access_token" not in text
    assert "refresh_token" not in text
    assert "bearer" not in text


def test_demo_refuses_flags_it_cannot_honour(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``demo --state-dir`` or ``--base-url`` is a usage error naming the flags, not ignored."""
    code = main(["--state-dir", str(tmp_path), "demo", "--base-url", "http://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--base-url, --state-dir" in err
    assert not list(tmp_path.iterdir())
