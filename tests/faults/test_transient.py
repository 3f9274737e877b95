"""Transient failures: 5xx and Cloudflare 52x bursts, timeouts, dropped connections."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from crosswatch_trakt.errors import TraktError
from crosswatch_trakt.testing import FakeTrakt, Fault

from .support import (
    Host,
    RequestWaiter,
    cache_text,
    keys_of,
    movies,
    play_items,
    rating_items,
    reasons,
    truth,
)

TRANSIENT = [500, 502, 503, 504, 520, 521, 522]


@pytest.mark.parametrize("status", TRANSIENT)
def test_burst_on_reads_and_writes(host: Host, status: int) -> None:
    """A burst of ``status`` on a page and on a write ends with everything done exactly once."""
    fake = host.fake
    fake.faults.add(Fault(method="GET", path="/sync/history/episodes", status=status, times=3))
    fake.faults.add(Fault(method="POST", path="/sync/history", status=status, times=2))
    fake.faults.add(Fault(method="POST", path="/sync/ratings", status=status, times=1))
    assert len(host.index("history")) == truth(fake, "history")
    films = movies(fake, 12)
    before = truth(fake, "history")
    plays = host.apply("add", "history", play_items(films))
    if status == 504:  # a gateway timeout: Trakt may still apply it, so nothing is resent now
        assert list(reasons(plays).values()) == ["ambiguous_write"] * 12
        fake.faults.clear()
        fake.faults.add(Fault(method="POST", path="/sync/ratings", status=status, times=1))
        plays = host.apply("add", "history", play_items(films), run="run-1b")
    assert len(plays["confirmed_keys"]) == 12
    assert truth(fake, "history") == before + 12
    rated = host.apply("add", "ratings", rating_items(films))
    assert len(rated["confirmed_keys"]) == 12
    fake.faults.add(Fault(method="POST", path="/sync/ratings", status=status, times=2))
    again = host.apply("add", "ratings", rating_items(films, rating=3), run="run-2")
    assert len(again["confirmed_keys"]) == 2  # the second chunk
    assert list(reasons(again).values()) == ["ambiguous_write"] * 10
    host.complete("history", "run-3")
    host.complete("ratings", "run-3")
    host.check()


@pytest.mark.parametrize("status", [503, 521])
def test_endless_burst_fails_the_read_and_keeps_the_cache(host: Host, status: int) -> None:
    """A page that fails past the retry budget raises; the cached index stays as it was."""
    fake = host.fake
    host.index("watchlist")
    before = cache_text(host.base, "watchlist")
    fake.watchlist_add("alice", movies(fake, 1)[0])
    fake.faults.add(Fault(method="GET", path="/sync/watchlist", status=status, page=2, times=None))
    with pytest.raises(TraktError):
        host.index("watchlist", "run-2")
    assert cache_text(host.base, "watchlist") == before
    fake.faults.clear()
    host.complete("watchlist", "run-3")
    host.check()


def test_timeouts_on_reads_and_writes(host: Host) -> None:
    """Timed-out reads are retried and a timed-out play is read back, never sent twice."""
    fake = host.fake
    tiny: dict[str, Any] = {"config": {"timeout": 0.05}}
    fake.faults.add(
        Fault(method="GET", path="/sync/history/episodes", kind="delay", seconds=0.2, page=2)
    )
    assert len(host.index("history", **tiny)) == truth(fake, "history")
    fake.faults.add(Fault(method="POST", path="/sync/watchlist", kind="delay", seconds=0.2))
    films = movies(fake, 5)
    added = host.apply("add", "watchlist", rating_items(films), **tiny)
    assert sorted(added["confirmed_keys"]) == sorted(f"movie:tmdb:{m.ids['tmdb']}" for m in films)
    host.complete("watchlist", "run-2")
    host.check()


def test_timed_out_play_is_not_duplicated(host: Host, monkeypatch: pytest.MonkeyPatch) -> None:
    """A play write that times out and lands late is never resent, and the next run skips it."""
    fake = host.fake
    fake.rate_limits = False  # the late write must not meet the emulator's 1 write/s window
    waiter = RequestWaiter(monkeypatch, fake)
    fake.faults.add(Fault(method="POST", path="/sync/history", kind="delay", seconds=0.3))
    items = play_items(movies(fake, 5))
    before = truth(fake, "history")
    posts = fake.log_count(method="POST", path="/sync/history")
    result = host.apply("add", "history", items, config={"timeout": 0.05})
    assert len(result["confirmed_keys"]) + len(result["unresolved"]) == 5
    assert set(reasons(result).values()) <= {"ambiguous_write"}
    with waiter.cond:
        assert waiter.cond.wait_for(lambda: late_write_logged(fake), 10.0)
    assert fake.log_count(method="POST", path="/sync/history") == posts + 1
    host.check()
    assert truth(fake, "history") == before + 5
    again = host.apply("add", "history", items, run="run-2")
    assert sorted(again["skipped_keys"]) == sorted(keys_of_plays(items))
    assert fake.log_count(method="POST", path="/sync/history") == posts + 1
    assert truth(fake, "history") == before + 5
    host.complete("history", "run-3")
    host.check()


def test_timed_out_play_that_never_landed_is_sent_once_next_run(
    host: Host, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A timed-out play write that Trakt never applied is left unresolved, then sent once."""
    fake = host.fake
    lost = LostAnswer(monkeypatch)
    items = play_items(movies(fake, 5))
    before = truth(fake, "history")
    result = host.apply("add", "history", items)
    assert lost.fired == 1
    assert list(reasons(result).values()) == ["ambiguous_write"] * 5
    assert truth(fake, "history") == before
    again = host.apply("add", "history", items, run="run-2")
    assert sorted(again["confirmed_keys"]) == sorted(keys_of_plays(items))
    assert fake.log_count(method="POST", path="/sync/history") == 1
    assert truth(fake, "history") == before + 5
    host.complete("history", "run-3")
    host.check()


def late_write_logged(fake: FakeTrakt) -> bool:
    """Return whether the emulator has logged a play write sent before the first read-back."""
    with fake.lock:
        log = list(fake.log)
    back = [e.time for e in log if e.method == "GET" and "start_at" in e.query]
    first = min(back, default=float("inf"))
    return any(e.method == "POST" and e.path == "/sync/history" and e.time < first for e in log)


def keys_of_plays(items: list[dict[str, Any]]) -> list[str]:
    """Return the play keys (``<item key>@<minute>``) of one-play-per-minute host items."""
    return [
        f"{key}@{item['watched_at'][:16]}Z" for key, item in zip(keys_of(items), items, strict=True)
    ]


class LostAnswer:
    """Make the first ``POST /sync/history`` time out on the client without reaching Trakt."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.fired = 0
        original = requests.Session.request

        def request(session: requests.Session, method: str, url: str, **kw: Any) -> Any:
            if method == "POST" and url.endswith("/sync/history") and not self.fired:
                self.fired += 1
                raise requests.ReadTimeout("read timed out (test: the request was lost)")
            return original(session, method, url, **kw)

        monkeypatch.setattr(requests.Session, "request", request)


def test_dropped_connection_on_a_read_page(host: Host) -> None:
    """A connection dropped on a read (ratings' one request, history's third page) is retried."""
    fake = host.fake
    fake.faults.add(Fault(method="GET", path="/sync/ratings/all", kind="drop"))
    fake.faults.add(Fault(method="GET", path="/sync/history/episodes", kind="drop", page=3))
    assert len(host.index("ratings")) == truth(fake, "ratings")
    assert len(host.index("history")) == truth(fake, "history")
    assert fake.log_count(status=0) == 2
    host.check()


def test_connections_dropped_every_time_fail_without_a_cache(host: Host) -> None:
    """A page that is always dropped fails the read and writes no cache."""
    fake = host.fake
    fake.faults.add(
        Fault(method="GET", path="/sync/history/movies", kind="drop", page=1, times=None)
    )
    with pytest.raises(TraktError):
        host.index("history")
    assert cache_text(host.base, "history") is None
    host.check()
