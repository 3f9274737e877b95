"""OAuth against the emulator: refresh with rotation, the refresh lock, device login, logout."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import structlog

from crosswatch_trakt import errors
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault, VirtualClock
from crosswatch_trakt.testing.emulator.builders import generate_account
from crosswatch_trakt.trakt.account import AccountRegistry, TraktAccount
from crosswatch_trakt.trakt.tokens import TOKENS_FILE, TokenSet

ACTIVITIES = "/sync/last_activities"


def _context(base: HostContext, **changes: Any) -> HostContext:
    fields = {
        "config": base.config,
        "state_dir": base.state_dir,
        "clock": base.clock,
        "run_id": base.run_id,
        "save_config": base.save_config,
    }
    fields.update(changes)
    return HostContext(**fields)


@pytest.fixture
def saved(host_context: HostContext) -> list[dict[str, Any]]:
    """Collect what the plugin hands to save_config."""
    return []


@pytest.fixture
def account(host_context: HostContext, saved: list[dict[str, Any]]) -> TraktAccount:
    """Return a fresh account whose save_config appends to ``saved``."""
    context = _context(host_context, save_config=lambda values: saved.append(dict(values)))
    return AccountRegistry().account_for(context)


def test_401_mid_walk_refreshes_once_and_the_walk_finishes(
    fake_trakt: FakeTrakt, account: TraktAccount
) -> None:
    """An access token that dies at page 3 gets exactly one refresh; all rows come back."""
    generate_account(fake_trakt, "alice", watchlist=1000, ratings=0, plays=0, movie_plays=0)
    fake_trakt.faults.add(Fault(method="GET", path="/sync/watchlist", kind="expire_token", page=3))
    rows = account.session.paginate("/sync/watchlist", feature="watchlist")
    assert len(rows) == 1000
    assert fake_trakt.log_count(path="/oauth/token") == 1
    assert fake_trakt.log_count(path="/sync/watchlist", status=401) == 1


def test_rotated_pair_is_on_disk_and_saved_before_it_is_used(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """When save_config sees the new pair, the file already holds it and no request used it."""
    seen: list[tuple[str, str, int]] = []
    path = Path(host_context.state_dir) / TOKENS_FILE

    def save_config(values: Mapping[str, Any]) -> None:
        on_disk = json.loads(path.read_text())
        assert on_disk["refresh_token"] == values["refresh_token"]
        assert on_disk["access_token"] == values["access_token"]
        seen.append((fake_trakt.log[-1].path, str(values["refresh_token"]), path.stat().st_mode))

    account = AccountRegistry().account_for(_context(host_context, save_config=save_config))
    old_refresh = account.config.refresh_token
    fake_trakt.faults.add(Fault(method="GET", path=ACTIVITIES, kind="expire_token"))
    account.session.get_json(ACTIVITIES, feature="test")
    assert len(seen) == 1
    last_path, new_refresh, mode = seen[0]
    assert last_path == "/oauth/token"
    assert new_refresh != old_refresh
    assert stat.S_IMODE(mode) == 0o600
    assert fake_trakt.log[-1].path == ACTIVITIES
    assert fake_trakt.log[-1].status == 200


def test_refresh_ahead_of_expiry(
    fake_trakt: FakeTrakt, account: TraktAccount, trakt_clock: VirtualClock
) -> None:
    """Within refresh_margin_seconds of created_at + expires_in, the pair is rotated first."""
    pair = account.tokens.current()
    assert pair is not None
    assert pair.expires_at is not None
    trakt_clock.set(pair.expires_at - account.config.refresh_margin_seconds + 1)
    account.session.get_json(ACTIVITIES, feature="test")
    assert [e.path for e in fake_trakt.log] == ["/oauth/token", ACTIVITIES]
    new = account.tokens.current()
    assert new is not None
    assert new.created_at is not None
    assert new.expires_at == new.created_at + fake_trakt.token_lifetime


def test_invalid_grant_requires_a_new_login(fake_trakt: FakeTrakt, account: TraktAccount) -> None:
    """A revoked login ends in AuthorizationRequired after one refresh attempt, no loop."""
    fake_trakt.revoke_tokens("alice")
    with pytest.raises(errors.AuthorizationRequired, match="log in"):
        account.session.get_json(ACTIVITIES, feature="test")
    assert fake_trakt.log_count(path="/oauth/token") == 1
    assert fake_trakt.log_count(path="/oauth/token", status=400) == 1


def test_invalid_grant_as_401_also_requires_a_new_login(
    fake_trakt: FakeTrakt, account: TraktAccount
) -> None:
    """The older 401 answer to a refresh means the same: log in again."""
    fake_trakt.expire_tokens("alice")
    fake_trakt.faults.add(Fault(path="/oauth/token", status=401, body='{"error":"invalid_grant"}'))
    with pytest.raises(errors.AuthorizationRequired):
        account.session.get_json(ACTIVITIES, feature="test")
    assert fake_trakt.log_count(path="/oauth/token") == 1


def test_refresh_failures_back_off(fake_trakt: FakeTrakt, account: TraktAccount) -> None:
    """A 503 and a 429 from the token endpoint are retried with backoff; one pair results."""
    fake_trakt.expire_tokens("alice")
    fake_trakt.faults.add(Fault(path="/oauth/token", status=503))
    fake_trakt.faults.add(Fault(path="/oauth/token", status=429, retry_after=3))
    account.session.get_json(ACTIVITIES, feature="test")
    assert fake_trakt.log_count(path="/oauth/token") == 3
    assert fake_trakt.log_count(path="/oauth/token", status=200) == 1
    assert account.tokens.refreshes == 1


def test_failed_early_refresh_keeps_the_valid_token(
    fake_trakt: FakeTrakt, account: TraktAccount, trakt_clock: VirtualClock
) -> None:
    """If the ahead-of-expiry refresh fails, the still-valid token is used and retried later."""
    pair = account.tokens.current()
    assert pair is not None
    assert pair.expires_at is not None
    trakt_clock.set(pair.expires_at - 600)
    fake_trakt.faults.add(Fault(path="/oauth/token", status=503, times=None))
    account.session.get_json(ACTIVITIES, feature="test")
    attempts = fake_trakt.log_count(path="/oauth/token")
    account.session.get_json(ACTIVITIES, feature="test")
    assert fake_trakt.log_count(path="/oauth/token") == attempts
    assert fake_trakt.log_count(path=ACTIVITIES, status=200) == 2


def test_two_processes_do_not_refresh_concurrently(
    fake_trakt: FakeTrakt, host_context: HostContext, trakt_clock: VirtualClock
) -> None:
    """Two accounts with separate stores on one state_dir refresh once between them."""
    accounts = [AccountRegistry().account_for(host_context) for _ in range(4)]
    assert len({id(a.store) for a in accounts}) == 4
    pair = accounts[0].tokens.current()
    assert pair is not None
    assert pair.expires_at is not None
    trakt_clock.set(pair.expires_at + 1)
    barrier = threading.Barrier(len(accounts))
    failures: list[BaseException] = []

    def work(account: TraktAccount) -> None:
        barrier.wait()
        try:
            account.session.get_json(ACTIVITIES, feature="test")
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(a,)) for a in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert fake_trakt.log_count(path="/oauth/token") == 1
    tokens = {a.tokens.current().access_token for a in accounts}  # type: ignore[union-attr]
    assert len(tokens) == 1


def test_token_file_takes_precedence_when_newer(
    fake_trakt: FakeTrakt, host_context: HostContext, trakt_clock: VirtualClock
) -> None:
    """A newer pair in trakt_tokens.json wins over older host-config tokens, and vice versa."""
    first = AccountRegistry().account_for(host_context)
    trakt_clock.advance(60)
    first.tokens.refresh()
    rotated = first.tokens.current()
    assert rotated is not None
    second = AccountRegistry().account_for(host_context)
    assert second.tokens.current() == rotated
    trakt_clock.advance(60)
    fresh = fake_trakt.issue_tokens("alice")
    config = {
        **host_context.config,
        "access_token": fresh["access_token"],
        "refresh_token": fresh["refresh_token"],
        "expires_at": fresh["created_at"] + fresh["expires_in"],
        "token_created_at": fresh["created_at"],
    }
    third = AccountRegistry().account_for(_context(host_context, config=config))
    current = third.tokens.current()
    assert current is not None
    assert current.access_token == fresh["access_token"]


def test_not_logged_in(host_context: HostContext, trakt_config: dict[str, Any]) -> None:
    """Without any token an authed call says to log in, and makes no request."""
    config = {k: v for k, v in trakt_config.items() if "token" not in k and k != "expires_at"}
    account = AccountRegistry().account_for(_context(host_context, config=config))
    with pytest.raises(errors.AuthorizationRequired, match="log"):
        account.session.get_json(ACTIVITIES, feature="test")


def test_device_login_completes(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    trakt_config: dict[str, Any],
    trakt_clock: VirtualClock,
) -> None:
    """device_start then device_poll: pending, approved; the pair is stored and works."""
    saved: list[dict[str, Any]] = []
    config = {k: v for k, v in trakt_config.items() if "token" not in k and k != "expires_at"}
    context = _context(host_context, config=config, save_config=saved.append)
    account = AccountRegistry().account_for(context)
    started = account.device_start()
    assert set(started) == {
        "device_code",
        "user_code",
        "verification_url",
        "expires_in",
        "interval",
    }
    assert account.device_poll(started["device_code"])["state"] == "pending"
    fake_trakt.approve_device(started["user_code"], "alice")
    trakt_clock.advance(started["interval"])
    answer = account.device_poll(started["device_code"])
    assert answer["state"] == "approved"
    assert "access_token" not in answer
    assert saved
    assert saved[-1]["access_token"]
    assert (Path(host_context.state_dir) / TOKENS_FILE).exists()
    assert (
        account.session.get_json("/users/settings", feature="test")["user"]["username"] == "alice"
    )
    trakt_clock.advance(started["interval"])
    assert account.device_poll(started["device_code"])["state"] == "already_used"


def test_device_poll_states(
    fake_trakt: FakeTrakt, account: TraktAccount, trakt_clock: VirtualClock
) -> None:
    """Denied, slow down, expired and unknown codes map to their state words."""
    denied = account.device_start()
    fake_trakt.deny_device(denied["user_code"])
    assert account.device_poll(denied["device_code"])["state"] == "denied"
    slow = account.device_start()
    assert account.device_poll(slow["device_code"])["state"] == "pending"
    answer = account.device_poll(slow["device_code"])
    assert answer["state"] == "slow_down"
    assert answer["interval"] == slow["interval"] + 5
    trakt_clock.advance(slow["expires_in"] + 1)
    assert account.device_poll(slow["device_code"])["state"] == "expired"
    assert account.device_poll("no-such-code")["state"] == "invalid_code"


def test_logout_revokes_and_forgets(
    fake_trakt: FakeTrakt,
    account: TraktAccount,
    saved: list[dict[str, Any]],
    host_context: HostContext,
) -> None:
    """revoke() voids the token at Trakt, deletes the token file and clears the host config."""
    account.tokens.refresh()
    assert (Path(host_context.state_dir) / TOKENS_FILE).exists()
    assert account.revoke() is True
    assert not (Path(host_context.state_dir) / TOKENS_FILE).exists()
    assert saved[-1]["access_token"] is None
    assert fake_trakt.log_count(path="/oauth/revoke", status=200) == 1
    with pytest.raises(errors.AuthorizationRequired):
        account.session.get_json(ACTIVITIES, feature="test")


def test_secrets_stay_out_of_reprs_and_logs(
    fake_trakt: FakeTrakt, account: TraktAccount, trakt_config: dict[str, Any]
) -> None:
    """Tokens and the client secret appear in no repr and no log line during a refresh."""
    fake_trakt.faults.add(Fault(method="GET", path=ACTIVITIES, kind="expire_token"))
    with structlog.testing.capture_logs() as logs:
        account.session.get_json(ACTIVITIES, feature="test")
    pair = account.tokens.current()
    assert pair is not None
    secrets = [
        pair.access_token,
        pair.refresh_token,
        trakt_config["access_token"],
        trakt_config["refresh_token"],
        trakt_config["client_secret"],
    ]
    text = repr(logs) + repr(account) + repr(pair) + repr(account.tokens) + repr(account.session)
    assert logs
    for secret in secrets:
        assert secret
        assert secret not in text


def test_token_document_schema() -> None:
    """The token document has schema 1 and derives expiry from created_at + expires_in."""
    pair = TokenSet.from_response(
        {"access_token": "a" * 8, "refresh_token": "r" * 8, "created_at": 100, "expires_in": 50},
        now=0.0,
    )
    assert TokenSet.SCHEMA == 1
    assert pair.expires_at == 150
    with pytest.raises(errors.AuthError):
        TokenSet.from_response({"error": "x"}, now=0.0)


CHILD = """
import json, sys
from crosswatch_trakt.trakt.account import TraktAccount
from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.testing import VirtualClock
config, state_dir, start = json.loads(sys.argv[1]), sys.argv[2], float(sys.argv[3])
clock = VirtualClock(start)
account = TraktAccount.create(TraktConfig.from_mapping(config), state_dir, clock=clock)
account.session.get_json("/sync/last_activities", feature="child")
print("ok", account.tokens.refreshes)
"""


def test_two_real_processes_refresh_once(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    trakt_config: dict[str, Any],
    trakt_clock: VirtualClock,
) -> None:
    """Two OS processes sharing state_dir with an expired token make one refresh between them."""
    import subprocess
    import sys

    trakt_clock.set(trakt_config["expires_at"] + 10)
    args = [json.dumps(trakt_config), str(host_context.state_dir), str(trakt_clock.time())]
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=60)[0] for child in children]
    assert [child.returncode for child in children] == [0, 0]
    assert sorted(out.strip().splitlines()[-1] for out in outputs) == ["ok 0", "ok 1"]
    assert fake_trakt.log_count(path="/oauth/token") == 1
