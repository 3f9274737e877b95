"""The change gate: one last_activities read per account per run, and its watermarks."""

from __future__ import annotations

import threading

import pytest

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from crosswatch_trakt.trakt.account import AccountRegistry, TraktAccount

ACTIVITIES = "/sync/last_activities"


@pytest.fixture
def account(host_context: HostContext) -> TraktAccount:
    """Return a fresh account on the emulator."""
    return AccountRegistry().account_for(host_context)


def test_one_read_per_run(fake_trakt: FakeTrakt, account: TraktAccount) -> None:
    """Every watermark of one run comes from a single GET /sync/last_activities."""
    gate = account.activities
    assert gate.watchlist("run-1") is not None
    for kind in ("movies", "shows", "seasons", "episodes"):
        assert gate.rated_at("run-1", kind) is not None
    for kind in ("movies", "episodes"):
        assert gate.watched_at("run-1", kind) is not None
    assert fake_trakt.log_count(path=ACTIVITIES) == 1
    gate.watchlist("run-2")
    assert fake_trakt.log_count(path=ACTIVITIES) == 2


def test_concurrent_features_share_the_read(fake_trakt: FakeTrakt, account: TraktAccount) -> None:
    """Features asking at the same time in one run still cause one read."""
    threads = [
        threading.Thread(target=account.activities.watchlist, args=("run-1",)) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake_trakt.log_count(path=ACTIVITIES) == 1


def test_without_run_id_the_memo_lasts_60_seconds(
    fake_trakt: FakeTrakt, account: TraktAccount, trakt_clock: VirtualClock
) -> None:
    """With no run id, the answer is reused for 60 s of the account clock, then re-read."""
    account.activities.watchlist(None)
    trakt_clock.advance(30)
    account.activities.watchlist(None)
    assert fake_trakt.log_count(path=ACTIVITIES) == 1
    trakt_clock.advance(31)
    account.activities.watchlist(None)
    assert fake_trakt.log_count(path=ACTIVITIES) == 2


def test_watermark_moves_after_a_change(
    fake_trakt: FakeTrakt, account: TraktAccount, trakt_clock: VirtualClock
) -> None:
    """After invalidate(), a watchlist change shows as a newer watchlist.updated_at."""
    before = account.activities.watchlist("run-1")
    trakt_clock.advance(120)
    movie = fake_trakt.catalog.add_movie("Heat", 1995, {"tmdb": 949})
    fake_trakt.watchlist_add("alice", movie)
    assert account.activities.watchlist("run-1") == before
    account.activities.invalidate()
    after = account.activities.watchlist("run-1")
    assert after is not None
    assert before is not None
    assert after > before


def test_unknown_paths_and_kinds(account: TraktAccount) -> None:
    """A missing watermark is None; a kind without that watermark is a ValueError."""
    assert account.activities.watermark("run-1", "nothing.here") is None
    with pytest.raises(ValueError, match="watched_at"):
        account.activities.watched_at("run-1", "shows")
    with pytest.raises(ValueError, match="rated_at"):
        account.activities.rated_at("run-1", "lists")
