"""Final answers: 420 in the middle of a batch, 423, and Cloudflare's HTML 403."""

from __future__ import annotations

import pytest

from crosswatch_trakt.errors import AccountLocked, Forbidden
from crosswatch_trakt.testing import Fault
from crosswatch_trakt.testing.bench.bench_scenarios import host_item

from .support import Host, cache_text, movies, play_items, reasons, truth

PASS = Fault(method="POST", kind="delay", seconds=0.0)  # lets the first write through


def test_420_mid_batch_stops_that_feature(host: Host) -> None:
    """A 420 on the second chunk keeps chunk one, fails the rest account_limit, sends no more."""
    fake = host.fake
    fake.faults.add(PASS)
    fake.faults.add(Fault(method="POST", path="/sync/watchlist", status=420))
    films = movies(fake, 30)
    before = truth(fake, "watchlist")
    result = host.apply("add", "watchlist", [host_item(m) for m in films])
    assert len(result["confirmed_keys"]) == 10
    assert list(reasons(result).values()) == ["account_limit"] * 20
    assert fake.log_count(method="POST", path="/sync/watchlist") == 2
    assert truth(fake, "watchlist") == before + 10
    assert len(host.index("watchlist", "run-1")) == before + 10
    host.complete("watchlist", "run-2")
    host.check()


def test_423_locks_writes_and_reads(host: Host) -> None:
    """A 423 mid-batch keeps what landed, fails the rest account_locked; reads raise, no cache."""
    fake = host.fake
    fake.faults.add(PASS)
    fake.faults.add(Fault(method="POST", path="/sync/history", kind="lock"))
    before = truth(fake, "history")
    result = host.apply("add", "history", play_items(movies(fake, 30)))
    assert len(result["confirmed_keys"]) == 10
    assert list(reasons(result).values()) == ["account_locked"] * 20
    assert truth(fake, "history") == before + 10
    fake.lock_account("alice")
    with pytest.raises(AccountLocked):
        host.index("watchlist", "run-2")
    assert cache_text(host.base, "watchlist") is None
    fake.lock_account("alice", locked=False)
    host.complete("history", "run-3")
    host.check()


def test_403_html_block_is_final(host: Host) -> None:
    """Cloudflare's HTML 403 is final and never parsed: reads raise, writes are http_error."""
    fake = host.fake
    fake.faults.add(Fault(method="GET", path="/sync/ratings/all", status=403, html=True))
    with pytest.raises(Forbidden) as caught:
        host.index("ratings")
    assert "<html" not in str(caught.value).lower()
    assert fake.log_count(path="/sync/ratings/all") == 1
    assert cache_text(host.base, "ratings") is None
    fake.faults.add(Fault(method="POST", path="/sync/ratings", status=403, html=True, times=None))
    films = movies(fake, 5)
    result = host.apply("add", "ratings", [{**host_item(m), "rating": 6} for m in films], "run-2")
    assert set(reasons(result).values()) == {"http_error"}
    assert fake.log_count(method="POST", path="/sync/ratings") == 1
    host.complete("ratings", "run-3")
    host.check()
