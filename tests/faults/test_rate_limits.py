"""429s: with Retry-After and X-Ratelimit, and Cloudflare's bare HTML page."""

from __future__ import annotations

import pytest

from crosswatch_trakt.errors import TraktError
from crosswatch_trakt.testing import Fault, VirtualClock

from .support import Host, movies, play_items, truth


def test_429_with_retry_after_on_a_read_page_and_a_write(
    host: Host, trakt_clock: VirtualClock
) -> None:
    """A 429 on a page and on a write is waited out as Retry-After says, then completes once."""
    fake = host.fake
    fake.faults.add(Fault(method="GET", path="/sync/watchlist", status=429, retry_after=7, page=2))
    fake.faults.add(Fault(method="POST", path="/sync/history", status=429, retry_after=3))
    assert len(host.index("watchlist")) == truth(fake, "watchlist")
    items = play_items(movies(fake, 15))
    before = truth(fake, "history")
    result = host.apply("add", "history", items)
    assert len(result["confirmed_keys"]) == 15
    assert truth(fake, "history") == before + 15
    assert fake.log_count(status=429) == 2
    assert max(trakt_clock.slept) >= 7
    host.complete("history", "run-2")
    host.check()


def test_html_429_without_headers_pauses_everything(host: Host, trakt_clock: VirtualClock) -> None:
    """Cloudflare's HTML 429 (no headers) is a global cool-down, never parsed, then a full read."""
    fake = host.fake
    fake.faults.add(
        Fault(
            method="GET",
            path="/sync/history/episodes",
            status=429,
            html=True,
            retry_after=None,
            page=2,
        )
    )
    snapshot = host.index("history")
    assert len(snapshot) == truth(fake, "history")
    assert max(trakt_clock.slept) >= 300
    assert fake.log_count(status=429) == 1
    host.check()


def test_429_past_the_retry_budget_returns_no_partial_index(host: Host) -> None:
    """A 429 that never ends fails the read: nothing partial is returned or cached."""
    fake = host.fake
    fake.faults.add(
        Fault(method="GET", path="/sync/watchlist", status=429, retry_after=60, page=2, times=None)
    )
    with pytest.raises(TraktError):
        host.index("watchlist")
    assert not (host.base.state_dir / "trakt_watchlist.shadow.json").exists()
    host.check()
