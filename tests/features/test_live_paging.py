"""The paging shapes the live API sends (issue 14): no read comes back short, none fails forever."""

from __future__ import annotations

from typing import Any

import pluggy
import pytest

from crosswatch_trakt.errors import IncompleteRead
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.testing.emulator.builders import generate_account
from crosswatch_trakt.testing.emulator.responses import PagingQuirks
from crosswatch_trakt.trakt.account import account_for


def index(pm: pluggy.PluginManager, feature: str, context: HostContext) -> dict[str, Any]:
    """Return the TRAKT snapshot of ``feature``."""
    snapshot: dict[str, Any] = pm.hook.index_snapshot(
        provider="TRAKT", feature=feature, context=context
    )
    return snapshot


def again(context: HostContext, run: str) -> HostContext:
    """Return ``context`` for a new run."""
    return HostContext(
        config=context.config, state_dir=context.state_dir, clock=context.clock, run_id=run
    )


@pytest.fixture
def account_300_600(fake_trakt: FakeTrakt) -> FakeTrakt:
    """Give alice 300 watchlist items, 600 episode plays and 300 movie plays."""
    generate_account(fake_trakt, "alice", watchlist=300, ratings=0, plays=600, movie_plays=300)
    return fake_trakt


def test_missing_page_counts_never_truncate(
    pm: pluggy.PluginManager, account_300_600: FakeTrakt, host_context: HostContext
) -> None:
    """Without Page-Count and Item-Count (#198) every watchlist item and play is read."""
    fake = account_300_600
    fake.paging = PagingQuirks(drop_counts=True)
    assert len(index(pm, "watchlist", host_context)) == 300
    history = index(pm, "history", host_context)
    assert len(history) == 900
    assert {i["trakt_history_id"] for i in history.values()} == set(fake.users["alice"].history)
    # full pages go on: 300 = 250 + 50 (the short page ends it); 600 = 250 + 250 + 100
    assert fake.log_count(path="/sync/watchlist") == 2
    assert fake.log_count(path="/sync/history/episodes") == 3


def test_exact_multiple_without_counts_ends_on_the_empty_page(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """500 rows without page counts: two full pages, then an empty page proves the end."""
    generate_account(fake_trakt, "alice", watchlist=500, ratings=0, plays=0, movie_plays=0)
    fake_trakt.paging = PagingQuirks(drop_counts=True)
    assert len(index(pm, "watchlist", host_context)) == 500
    pages = [e.query["page"] for e in fake_trakt.log if e.path == "/sync/watchlist"]
    assert pages == ["1", "2", "3"]


def test_inexact_item_count_is_reported_not_fatal(
    pm: pluggy.PluginManager, account_300_600: FakeTrakt, host_context: HostContext
) -> None:
    """An item count 10 too high (#82) returns every row, and health reports the mismatch."""
    fake = account_300_600
    fake.paging = PagingQuirks(item_count_offset=10, paths=frozenset({"/sync/history/episodes"}))
    assert len(index(pm, "history", host_context)) == 900
    health = pm.hook.provider_health(provider="TRAKT", context=host_context)
    assert health["status"] == "ok"
    assert health["reads"]["count_mismatches"] == 1
    assert health["reads"]["recent"] == [
        {"path": "/sync/history/episodes", "rows": 600, "item_count": 610}
    ]


def test_inexact_counts_force_full_walks_and_stay_exact(
    pm: pluggy.PluginManager, account_300_600: FakeTrakt, host_context: HostContext
) -> None:
    """A count one short hides a deep new play from counting: the type is re-read in full."""
    fake = account_300_600
    fake.paging = PagingQuirks(item_count_offset=-1, paths=frozenset({"/sync/history/movies"}))
    index(pm, "history", host_context)
    movie = next(p.media for p in fake.users["alice"].history.values() if p.media.type == "movie")
    fake.add_play("alice", movie, "2020-02-02T10:00:00Z")  # deep in the list, not on top
    fake.clear_log()
    snapshot = index(pm, "history", again(host_context, "run-2"))
    assert len(snapshot) == 901
    assert {i["trakt_history_id"] for i in snapshot.values()} == set(fake.users["alice"].history)
    assert fake.log_count(path="/sync/history/movies") == 2  # a full walk: 300 rows, 2 pages


def test_filtered_rows_inside_the_walk_are_walked_past(
    pm: pluggy.PluginManager, account_300_600: FakeTrakt, host_context: HostContext
) -> None:
    """Pages short of the limit before the page count (rows filtered) do not end the walk."""
    fake = account_300_600
    fake.paging = PagingQuirks(filter_every=100, paths=frozenset({"/sync/history/episodes"}))
    history = index(pm, "history", host_context)
    assert len(history) == 900 - 6  # 6 of 600 rows are never served
    assert fake.log_count(path="/sync/history/episodes") == 3
    assert account_for(host_context).session.reads.total == 1


def test_inexact_count_reaches_the_apply_result(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """An apply whose read met a wrong item count says so in stats, and still writes."""
    generate_account(fake_trakt, "alice", watchlist=20, ratings=0, plays=0, movie_plays=0)
    fake_trakt.paging = PagingQuirks(item_count_offset=5)
    movie = fake_trakt.catalog.add_movie("Count Me", 2001, {"tmdb": 9_100_001})
    item = {"type": "movie", "title": "Count Me", "year": 2001, "ids": {"tmdb": 9_100_001}}
    result = pm.hook.apply_adds(
        provider="TRAKT", feature="watchlist", items=[item], context=host_context, dry_run=False
    )
    assert result["confirmed_keys"] == ["movie:tmdb:9100001"]
    assert result["stats"]["read_count_mismatches"] == [
        {"path": "/sync/watchlist", "rows": 20, "item_count": 25}
    ]
    assert ("movie", movie.trakt) in fake_trakt.users["alice"].watchlist


def test_ratings_are_one_request_per_type(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Ratings are read unpaged (#919): a cold read is one /sync/ratings/all, a moved type one."""
    generate_account(fake_trakt, "alice", watchlist=0, ratings=1200, plays=0, movie_plays=0)
    snapshot = index(pm, "ratings", host_context)
    assert len(snapshot) == 1200
    (cold,) = [e for e in fake_trakt.log if e.path.startswith("/sync/ratings")]
    assert (cold.path, cold.query) == ("/sync/ratings/all", {})
    fake_trakt.clear_log()
    fake_trakt.users["alice"].touch("movies", "rated_at", fake_trakt.clock.time() + 60)
    assert len(index(pm, "ratings", again(host_context, "run-2"))) == 1200
    (moved,) = [e for e in fake_trakt.log if e.path.startswith("/sync/ratings")]
    assert (moved.path, moved.query) == ("/sync/ratings/movies", {})


def test_unpaged_read_follows_pagination_when_it_comes(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """If Trakt ever pages the ratings read, the walk follows its headers: pages, never rows."""
    generate_account(fake_trakt, "alice", watchlist=0, ratings=1200, plays=0, movie_plays=0)
    fake_trakt.paging = PagingQuirks(unpaged_limit=500)
    assert len(index(pm, "ratings", host_context)) == 1200
    asked = [
        (e.query.get("page"), e.query.get("limit"))
        for e in fake_trakt.log
        if e.path == "/sync/ratings/all"
    ]
    # rows 0-499 came unpaged; 500-1199 follow at the 250 a paged request may ask for
    assert asked == [(None, None), ("3", "250"), ("4", "250"), ("5", "250")]


@pytest.mark.parametrize("feature", ["watchlist", "ratings", "history"])
def test_rows_without_type_take_it_from_the_endpoint(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext, feature: str
) -> None:
    """Rows that come without ``type`` (2015 answers) are read, typed by their endpoint."""
    generate_account(fake_trakt, "alice", watchlist=40, ratings=60, plays=50, movie_plays=30)
    expected = len(index(pm, feature, host_context))
    fake_trakt.paging = PagingQuirks(drop_type=True)
    snapshot = index(pm, feature, again(host_context, "run-2"))
    assert expected > 0
    assert len(snapshot) == expected


def test_a_cut_page_still_fails_the_read(
    pm: pluggy.PluginManager, account_300_600: FakeTrakt, host_context: HostContext
) -> None:
    """A page answered with an empty body (cut) fails the read instead of ending it."""
    fake = account_300_600
    fake.paging = PagingQuirks(drop_counts=True)
    fake.faults.add(
        Fault(method="GET", path="/sync/watchlist", kind="apply_then_status", status=200, page=2)
    )
    with pytest.raises(IncompleteRead):
        index(pm, "watchlist", host_context)
