"""``login``, ``logout`` and ``status`` against the emulator."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from tests.cli.conftest import Runner


def test_login_stores_tokens_owner_only(
    emulator_env: FakeTrakt, cli: Runner, state_dir: Path
) -> None:
    """Login shows the code and URL, and stores the tokens with mode 0600, never printing them."""
    ran = cli("login")
    assert ran.code == 0
    assert f"{emulator_env.base_url}/oauth/activate" in ran.out  # the emulator's own page
    tokens = state_dir / "trakt_tokens.json"
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    secret = json.loads(tokens.read_text())["access_token"]
    assert secret not in ran.out + ran.err


def test_login_waits_through_pending_polls(emulator_env: FakeTrakt, cli: Runner) -> None:
    """A login approved only after a few polls succeeds, pacing polls on the clock."""
    emulator_env.auto_approve = None

    class ApprovingClock(VirtualClock):
        """A virtual clock that approves every pending device login on its third sleep."""

        def sleep(self, seconds: float) -> None:
            super().sleep(seconds)
            if len(self.slept) == 3:
                for device in emulator_env.tokens.devices.values():
                    emulator_env.approve_device(device.user_code, "alice")

    clock = ApprovingClock()
    emulator_env.clock = clock
    assert cli("login", clock=clock).code == 0
    assert emulator_env.log_count("POST", "/oauth/device/token") == 3


def test_login_denied_is_login_required(emulator_env: FakeTrakt, cli: Runner) -> None:
    """A denied device login exits 3 with one sentence and no traceback."""
    emulator_env.auto_approve = None

    class DenyingClock(VirtualClock):
        """A virtual clock that denies every pending device login when slept."""

        def sleep(self, seconds: float) -> None:
            super().sleep(seconds)
            for device in emulator_env.tokens.devices.values():
                if device.status == "pending":
                    emulator_env.deny_device(device.user_code)

    clock = DenyingClock()
    emulator_env.clock = clock
    ran = cli("login", clock=clock)
    assert ran.code == 3
    assert "denied" in ran.err
    assert "Traceback" not in ran.err


def test_status_reports_account_limits_and_activities(logged_in: FakeTrakt, cli: Runner) -> None:
    """Status shows the account, the watchlist usage against the plan limit and activities."""
    ran = cli("status")
    assert ran.code == 0
    assert "Trakt account: alice (VIP: no)" in ran.out
    assert "watchlist 0/250 items" in ran.out
    assert "Last activities:" in ran.out


def test_status_json(logged_in: FakeTrakt, cli: Runner) -> None:
    """``status --json`` prints the health report with usage and last activities."""
    ran = cli("status", "--json")
    report = json.loads(ran.out)
    assert report["account"] == "alice"
    assert report["usage"] == {"watchlist": 0}
    assert "all" in report["last_activities"]


def test_logout_revokes_and_deletes(logged_in: FakeTrakt, cli: Runner, state_dir: Path) -> None:
    """Logout revokes the token at Trakt and deletes the token file; status then exits 3."""
    ran = cli("logout")
    assert ran.code == 0
    assert "Trakt revoked the token" in ran.out
    assert not (state_dir / "trakt_tokens.json").exists()
    assert logged_in.log_count("POST", "/oauth/revoke", 200) == 1
    assert all(token.revoked for token in logged_in.tokens.of_user("alice") if token.username)
    assert cli("status").code == 3


def test_status_reports_a_locked_account(logged_in: FakeTrakt, cli: Runner) -> None:
    """Status on a locked account reports it as degraded and exits 4 (Trakt refused)."""
    logged_in.lock_account("alice")
    ran = cli("status")
    assert ran.code == 4
    assert "Status: degraded" in ran.out
    assert "locked" in ran.out
