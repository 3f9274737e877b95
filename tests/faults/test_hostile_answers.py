"""Hostile answers from the emulator: typed errors naming the endpoint, never a traceback.

Deep nesting, numbers out of range, gzip bombs and endless bodies in pages, write answers and
token answers; ``X-Ratelimit`` headers that are nested or hold ``1e999``.
"""

from __future__ import annotations

import pytest

from crosswatch_trakt.errors import AuthError, IncompleteRead, TraktError, UnsafeAnswer
from crosswatch_trakt.testing import FakeTrakt, Fault

from .support import Host, movies, play_items, rating_items, reasons

SMALL = {"max_answer_bytes": 1024 * 1024}


@pytest.mark.parametrize("hostile", ["nested", "number"])
def test_hostile_page_is_a_typed_error_naming_the_endpoint(host: Host, hostile: str) -> None:
    """A watchlist page nested 10,000 deep or holding 1e999 fails the index with a typed error."""
    host.fake.faults.add(
        Fault(method="GET", path="/sync/watchlist", kind="hostile", hostile=hostile, page=2)
    )
    with pytest.raises(IncompleteRead) as caught:
        host.index("watchlist")
    assert "/sync/watchlist" in str(caught.value)
    assert isinstance(caught.value.__cause__, UnsafeAnswer)
    assert host.complete("watchlist", "run-2")


@pytest.mark.parametrize("hostile", ["bomb", "endless"])
def test_oversized_page_stops_at_the_size_bound(host: Host, hostile: str) -> None:
    """A gzip bomb or an endless body is given up on at max_answer_bytes, with a typed error."""
    host.fake.faults.add(
        Fault(method="GET", path="/sync/watchlist", kind="hostile", hostile=hostile, size=2**26)
    )
    with pytest.raises(IncompleteRead) as caught:
        host.index("watchlist", config=SMALL)
    assert "max_answer_bytes (1,048,576 bytes)" in str(caught.value)
    assert "/sync/watchlist" in str(caught.value)
    assert host.fake.log_count(method="GET", path="/sync/watchlist") == 1


def test_gigabyte_bomb_under_the_default_bound(host: Host) -> None:
    """A 1 GiB gzip bomb is refused at the default 64 MiB bound (the read ends, nothing kept)."""
    host.fake.faults.add(
        Fault(method="GET", path="/sync/watchlist", kind="hostile", hostile="bomb")
    )
    with pytest.raises(IncompleteRead, match="67,108,864 bytes"):
        host.index("watchlist")


@pytest.mark.parametrize("hostile", ["nested", "number", "endless"])
def test_hostile_history_write_answer_is_settled_by_reading_back(host: Host, hostile: str) -> None:
    """A play write applied but answered with a hostile body is read back, never resent."""
    items = play_items(movies(host.fake, 3))
    host.fake.faults.add(
        Fault(method="POST", path="/sync/history", kind="hostile", hostile=hostile)
    )
    result = host.apply("add", "history", items, config=SMALL)
    assert result["count"] == 3
    assert result["stats"]["ambiguous_writes"] == 1
    assert host.fake.log_count(method="POST", path="/sync/history") == 1
    host.check()


def test_hostile_watchlist_write_answer_is_sent_once_more(host: Host) -> None:
    """A watchlist add answered with a nested body is an upsert: sent once more, then confirmed."""
    items = rating_items(movies(host.fake, 2))
    for item in items:
        item.pop("rating")
    host.fake.faults.add(
        Fault(method="POST", path="/sync/watchlist", kind="hostile", hostile="nested")
    )
    result = host.apply("add", "watchlist", items)
    assert result["count"] == 2
    assert host.fake.log_count(method="POST", path="/sync/watchlist") == 2


def test_hostile_answers_every_time_leave_items_unresolved(host: Host) -> None:
    """A ratings write whose every answer is hostile ends ambiguous_write, not a traceback."""
    items = rating_items(movies(host.fake, 2))
    host.fake.faults.add(
        Fault(method="POST", path="/sync/ratings", kind="hostile", hostile="number", times=None)
    )
    result = host.apply("add", "ratings", items)
    assert set(reasons(result).values()) == {"ambiguous_write"}
    assert "1e999" in result["unresolved"][0]["detail"]


@pytest.mark.parametrize("hostile", ["ratelimit_nested", "ratelimit_number"])
def test_hostile_ratelimit_header_is_ignored(host: Host, hostile: str) -> None:
    """An X-Ratelimit header nested 10,000 deep or holding 1e999 is ignored; the read completes."""
    host.fake.faults.add(
        Fault(method="GET", path="/sync/watchlist", kind="hostile", hostile=hostile, times=None)
    )
    assert host.complete("watchlist", "run-1")


def test_hostile_token_answer_is_an_auth_error(host: Host, fake_trakt: FakeTrakt) -> None:
    """A refresh answered with a nested body is an AuthError for an expired login, no traceback."""
    host.fake.faults.add(
        Fault(method="POST", path="/oauth/token", kind="hostile", hostile="nested")
    )
    with pytest.raises(AuthError, match="not read"):
        host.index("watchlist", config={"expires_at": fake_trakt.clock.time() - 1})
    assert fake_trakt.log_count(method="POST", path="/oauth/token") == 1


def test_typed_errors_are_trakt_errors() -> None:
    """The boundary's error is part of the one rooted hierarchy, an HttpError with its path."""
    error = UnsafeAnswer("x", status=200, url="/sync/watchlist")
    assert isinstance(error, TraktError)
    assert error.url == "/sync/watchlist"


def test_runaway_page_count_ends_within_a_read_budget(host: Host) -> None:
    """A page count of 1,000,000 over empty pages ends the walk within requests bounded by rows."""
    host.fake.faults.add(
        Fault(method="GET", path="/sync/watchlist", kind="hostile", hostile="runaway", times=None)
    )
    with pytest.raises(IncompleteRead, match="stopped bringing the rows") as caught:
        host.index("watchlist")
    assert "1,000,000 pages" in str(caught.value)
    rows = len(host.fake.users["alice"].watchlist)
    requests = host.fake.log_count(method="GET", path="/sync/watchlist")
    assert requests <= 2 + 2 * -(-rows // 10)
    assert not (host.base.state_dir / "trakt_watchlist.shadow.json").exists()


def test_ten_thousand_copies_of_one_item_are_booked_once_each(host: Host) -> None:
    """10,000 copies of one watchlist item: one sent and confirmed, 9,999 duplicate_input."""
    (movie,) = movies(host.fake, 1)
    item = rating_items([movie])[0]
    item.pop("rating")
    items = [dict(item) for _ in range(10_000)]
    result = host.apply("add", "watchlist", items)
    assert result["count"] == 1
    assert set(reasons(result).values()) == {"duplicate_input"}
    assert result["stats"]["duplicate_input"] == 9_999
    assert host.fake.log_count(method="POST", path="/sync/watchlist") == 1
