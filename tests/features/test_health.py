"""provider_health: account facts, plan limits, the rate budget and a status word."""

from __future__ import annotations

from typing import Any

from crosswatch_trakt.features.health import health
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.trakt.account import AccountRegistry


def _account(context: HostContext, **config: Any) -> Any:
    merged = {**context.config, **config}
    changed = HostContext(config=merged, state_dir=context.state_dir, clock=context.clock)
    return AccountRegistry().account_for(changed)


def test_healthy_account(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """A valid login reports ok, the username, VIP, token expiry, plan limits and the budget."""
    account = AccountRegistry().account_for(host_context)
    report = health(account, "run-1")
    assert report["status"] == "ok"
    assert report["account"] == "alice"
    assert report["vip"] is False
    assert report["token_expires_at"] == host_context.config["expires_at"]
    assert report["limits"]["watchlist"]["item_count"] == 250
    assert report["rate_limit"]["read"]["requests"] == 2  # activities, then settings
    health(account, "run-1")
    assert fake_trakt.log_count(path="/users/settings") == 1


def test_revoked_login_is_auth_required(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """A revoked login reports auth_required with a message to log in, and does not raise."""
    fake_trakt.revoke_tokens("alice")
    report = health(AccountRegistry().account_for(host_context), "run-1")
    assert report["status"] == "auth_required"
    assert "log in" in report["message"]


def test_no_login_is_auth_required(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """Without tokens, health says auth_required and makes no request."""
    account = _account(host_context, access_token=None, refresh_token=None, expires_at=None)
    assert health(account, "run-1")["status"] == "auth_required"
    assert fake_trakt.log_count() == 0


def test_trakt_down(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """Persistent 503s report down with a message, not an exception."""
    fake_trakt.faults.add(Fault(path="/users/settings", status=503, times=None))
    report = health(AccountRegistry().account_for(host_context), "run-1")
    assert report["status"] == "down"
    assert "503" in report["message"]


def test_rate_limited_is_degraded(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """A 429 longer than the health check waits reports degraded."""
    fake_trakt.faults.add(Fault(path="/users/settings", status=429, retry_after=600, times=None))
    report = health(AccountRegistry().account_for(host_context), "run-1")
    assert report["status"] == "degraded"


def test_locked_account_is_degraded(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """A locked account (423) reports degraded with Trakt's reason."""
    fake_trakt.lock_account("alice")
    report = health(AccountRegistry().account_for(host_context), "run-1")
    assert report["status"] == "degraded"
    assert "locked" in report["message"]
