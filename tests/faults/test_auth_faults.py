"""The login under fire: 401 mid-run, a refused refresh, a rate-limited refresh."""

from __future__ import annotations

import pytest

from crosswatch_trakt.errors import AuthorizationRequired
from crosswatch_trakt.testing import Fault, VirtualClock

from .support import Host, cache_text, movies, no_duplicate_plays, play_items, reasons, truth


def test_401_mid_run_refreshes_once_and_keeps_the_new_pair(host: Host) -> None:
    """A token expired mid-read and mid-write is refreshed, stored, and the work done once."""
    fake = host.fake
    fake.faults.add(Fault(method="GET", path="/sync/watchlist", kind="expire_token", page=2))
    assert len(host.index("watchlist")) == truth(fake, "watchlist")
    assert len(host.saved) == 1
    fake.faults.add(Fault(method="POST", path="/sync/history", kind="expire_token"))
    before = truth(fake, "history")
    result = host.apply("add", "history", play_items(movies(fake, 15)))
    assert len(result["confirmed_keys"]) == 15
    assert truth(fake, "history") == before + 15
    assert len(host.saved) == 2
    assert fake.log_count(method="POST", path="/oauth/token") == 2
    host.complete("history", "run-2")
    host.check()


def test_refresh_invalid_grant_fails_cleanly(host: Host, trakt_clock: VirtualClock) -> None:
    """A revoked login fails reads with AuthorizationRequired and writes as auth_required."""
    fake = host.fake
    fake.faults.add(Fault(method="GET", path="/sync/history/episodes", kind="revoke_token", page=2))
    with pytest.raises(AuthorizationRequired) as caught:
        host.index("history")
    assert "log in" in str(caught.value)
    assert cache_text(host.base, "history") is None
    before = truth(fake, "history")
    with pytest.raises(AuthorizationRequired):  # an add cannot even read what is there
        host.apply("add", "history", play_items(movies(fake, 5)), run="run-2")
    assert truth(fake, "history") == before
    assert host.saved == []  # nothing was overwritten or cleared
    assert not (host.base.state_dir / "trakt_tokens.json").exists()
    trakt_clock.advance(60)
    fresh = fake.issue_tokens("alice")  # the user logs in again
    host.base = host.context(
        config={
            "access_token": fresh["access_token"],
            "refresh_token": fresh["refresh_token"],
            "expires_at": fresh["created_at"] + fresh["expires_in"],
            "token_created_at": fresh["created_at"],
        },
    )
    fake.faults.add(Fault(method="POST", path="/sync/history", kind="revoke_token"))
    result = host.apply("add", "history", play_items(movies(fake, 25, start=5)), run="run-3")
    assert list(reasons(result).values()) == ["auth_required"] * 25
    assert truth(fake, "history") == before
    assert fake.log_count(method="POST", path="/sync/history") == 1  # later chunks not sent
    no_duplicate_plays(fake)


def test_refresh_answered_429_is_waited_out(host: Host) -> None:
    """A refresh that gets 429 is retried after Retry-After; the new pair is stored exactly once."""
    fake = host.fake
    fake.expire_tokens("alice")
    fake.faults.add(Fault(method="POST", path="/oauth/token", status=429, retry_after=2))
    assert len(host.index("ratings")) == truth(fake, "ratings")
    assert fake.log_count(method="POST", path="/oauth/token", status=429) == 1
    assert fake.log_count(method="POST", path="/oauth/token", status=200) == 1
    assert len(host.saved) == 1
    host.check()
