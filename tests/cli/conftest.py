"""Fixtures for the command tests: an isolated home, emulator credentials, and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from crosswatch_trakt.cli.main import main
from crosswatch_trakt.testing import FakeTrakt, VirtualClock


@attrs.frozen
class Ran:
    """One command run: its exit code and what it wrote."""

    code: int
    out: str
    err: str


Runner = Callable[..., Ran]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point HOME and the XDG folders at a temporary folder and clear the CLI's variables."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in (
        "XDG_CONFIG_HOME",
        "XDG_STATE_HOME",
        "CROSSWATCH_TRAKT_CONFIG",
        "CROSSWATCH_TRAKT_STATE_DIR",
        "CROSSWATCH_TRAKT_BASE_URL",
        "CROSSWATCH_TRAKT_AUTH_URL",
        "CROSSWATCH_TRAKT_CLIENT_ID",
        "CROSSWATCH_TRAKT_CLIENT_SECRET",
        "TRAKT_CLIENT_ID",
        "TRAKT_CLIENT_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    """Return the state folder the commands use."""
    return tmp_path / "state"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], trakt_clock: VirtualClock, state_dir: Path) -> Runner:
    """Return a runner of ``crosswatch-trakt`` on the virtual clock with a temporary state."""

    def run(*argv: str, clock: Any = None) -> Ran:
        capsys.readouterr()
        code = main(["--state-dir", str(state_dir), *argv], clock=clock or trakt_clock)
        captured = capsys.readouterr()
        return Ran(code, captured.out, captured.err)

    return run


@pytest.fixture
def emulator_env(fake_trakt: FakeTrakt, monkeypatch: pytest.MonkeyPatch) -> FakeTrakt:
    """Point the command at the emulator through the environment; device logins auto-approve."""
    fake_trakt.auto_approve = "alice"
    monkeypatch.setenv("TRAKT_CLIENT_ID", fake_trakt.client_id)
    monkeypatch.setenv("TRAKT_CLIENT_SECRET", fake_trakt.client_secret)
    monkeypatch.setenv("CROSSWATCH_TRAKT_BASE_URL", fake_trakt.base_url)
    return fake_trakt


@pytest.fixture
def logged_in(emulator_env: FakeTrakt, cli: Runner) -> FakeTrakt:
    """Log the command in to the emulator as ``alice`` and return the emulator."""
    assert cli("login").code == 0
    return emulator_env
