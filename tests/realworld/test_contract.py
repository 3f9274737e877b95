"""Contract tests: recorded live-API answers, read by the adapter and matched by the emulator.

Each answer in ``answers.py`` is checked two ways: served on loopback, the adapter reads it
completely and keys it by the documented rules; and the emulator's answer to the same request
has the same shape (keys and value types; ``ids`` contents vary with the data's age).
"""

from __future__ import annotations

from typing import Any

import pluggy
import pytest
import requests

from crosswatch_trakt.errors import IncompleteRead
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.catalog import Episode, Movie
from crosswatch_trakt.testing.emulator.responses import PagingQuirks
from crosswatch_trakt.trakt.account import account_for

from . import answers as rec
from .canned import Listing, same_shape, shape
from .conftest import Serve


def index(pm: pluggy.PluginManager, feature: str, context: Any) -> dict[str, Any]:
    """Return the TRAKT snapshot of ``feature``."""
    snapshot: dict[str, Any] = pm.hook.index_snapshot(
        provider="TRAKT", feature=feature, context=context
    )
    return snapshot


# -- the adapter reads each recorded answer completely and keys it right ---------------------


def test_watchlist_rows_of_every_type(pm: pluggy.PluginManager, serve: Serve) -> None:
    """Movie, show, season and season-0 episode rows (null and empty ids) are all keyed."""
    _app, context = serve({"/sync/watchlist": Listing(rec.WATCHLIST)})
    snapshot = index(pm, "watchlist", context)
    assert set(snapshot) == rec.WATCHLIST_KEYS
    special = snapshot["show:tmdb:1396#s00e02"]
    assert special["ids"] == {"trakt": 62085, "tvdb": 1495521}  # null and "" dropped
    assert special["show_ids"]["tvrage"] == 18164


def test_history_rows_keep_64_bit_ids(pm: pluggy.PluginManager, serve: Serve) -> None:
    """History rows with ids past 2**53, year null and season 0 are read and keyed."""
    _app, context = serve(
        {
            "/sync/history/movies": Listing(rec.HISTORY_MOVIES),
            "/sync/history/episodes": Listing(rec.HISTORY_EPISODES),
        }
    )
    snapshot = index(pm, "history", context)
    assert set(snapshot) == rec.HISTORY_KEYS
    ids = {item["trakt_history_id"] for item in snapshot.values()}
    assert ids == {row["id"] for row in rec.HISTORY_MOVIES + rec.HISTORY_EPISODES}


def test_ratings_rows_without_type(pm: pluggy.PluginManager, serve: Serve) -> None:
    """2015 ratings rows carry no ``type``: read together, each is typed by its media object."""
    every = [row for rows in rec.RATINGS_2015.values() for row in rows]
    app, context = serve({"/sync/ratings/all": Listing(every, optional=True)})
    snapshot = index(pm, "ratings", context)
    assert set(snapshot) == rec.RATINGS_KEYS
    assert snapshot["show:tmdb:1396#s01"]["rating"] == 8
    reads = [(path, args) for path, args in app.requests if path.startswith("/sync/ratings/")]
    assert reads == [("/sync/ratings/all", {})]


def test_missing_page_counts_read_every_row(pm: pluggy.PluginManager, serve: Serve) -> None:
    """A 300-row watchlist answered without Page-Count and Item-Count (#198) is read whole."""
    rows = rec.synthetic_watchlist(300)
    app, context = serve({"/sync/watchlist": Listing(rows, headers=("Page", "Limit"))})
    assert len(index(pm, "watchlist", context)) == 300
    assert [args["page"] for path, args in app.requests if path == "/sync/watchlist"] == ["1", "2"]


@pytest.mark.parametrize("item_count", [593, 583 - 10])
def test_wrong_item_count_is_reported_not_fatal(
    pm: pluggy.PluginManager, serve: Serve, item_count: int
) -> None:
    """583 rows counted as 593 (#82) or as 573 are read whole; the mismatch is noted."""
    rows = rec.synthetic_watchlist(583)
    _app, context = serve({"/sync/watchlist": Listing(rows, item_count=item_count)})
    assert len(index(pm, "watchlist", context)) == 583
    noted = account_for(context).session.reads.state()
    assert noted["recent"] == [{"path": "/sync/watchlist", "rows": 583, "item_count": item_count}]


def test_count_past_the_last_full_page_is_not_fatal(pm: pluggy.PluginManager, serve: Serve) -> None:
    """500 rows counted as 510: the page past the count repeats the last (clamped), not fatal."""
    rows = rec.synthetic_watchlist(500)
    app, context = serve({"/sync/watchlist": Listing(rows, item_count=510, clamp=True)})
    assert len(index(pm, "watchlist", context)) == 500
    assert [args["page"] for path, args in app.requests if path == "/sync/watchlist"] == [
        "1",
        "2",
        "3",
    ]


def test_a_page_that_repeats_without_counts_fails(pm: pluggy.PluginManager, serve: Serve) -> None:
    """Without counts, a full page answered again for the next page raises instead of looping."""
    rows = rec.synthetic_watchlist(250)
    _app, context = serve({"/sync/watchlist": Listing(rows, headers=("Page", "Limit"), clamp=True)})
    with pytest.raises(IncompleteRead):
        index(pm, "watchlist", context)


# -- the emulator answers the same requests in the same shape --------------------------------


@pytest.fixture
def seeded(fake_trakt: FakeTrakt) -> FakeTrakt:
    """Put the recorded answers' items into the emulator, in the recorded order."""
    cat = fake_trakt.catalog
    tron = cat.add_movie("TRON: Legacy", 2010, {"tmdb": 20526, "imdb": "tt1104001"})
    knight = cat.add_movie("The Dark Knight", None, {"tmdb": 155, "imdb": "tt0468569"})
    bb = cat.add_show("Breaking Bad", 2008, {"tvdb": 81189, "tmdb": 1396}, {0: 2, 1: 7})
    parks = cat.add_show("Parks and Recreation", None, {"tvdb": 84912}, {2: 1})
    special, zoo = bb.episode(0, 2), parks.episode(2, 1)
    plays: list[tuple[Movie | Episode, str]] = [
        (knight, "2014-03-31T09:28:53Z"),
        (tron, "2013-03-31T09:28:00Z"),
        (zoo, "2014-03-31T09:28:53Z"),
        (special, "2014-03-30T08:00:00Z"),
    ]
    for media, at in plays:
        fake_trakt.add_play("alice", media, at)
    for item in (tron, bb, bb.seasons[1], special):  # after the plays, which take items off
        fake_trakt.watchlist_add("alice", item, "2014-09-01T09:10:11Z")
    for rated, rating in ((tron, 10), (bb, 9), (bb.seasons[1], 8), (special, 7)):
        fake_trakt.rate("alice", rated, rating, "2014-09-01T09:10:11Z")
    return fake_trakt


def get(fake: FakeTrakt, tokens: dict[str, Any], path: str, **params: Any) -> requests.Response:
    """GET ``path`` from the emulator as alice."""
    headers = fake.headers(tokens["access_token"])
    return requests.get(fake.base_url + path, headers=headers, params=params, timeout=5)


def paging_headers(response: requests.Response) -> set[str]:
    """Return the names of the ``X-Pagination-*`` headers of an answer."""
    return {name for name in response.headers if name.startswith("X-Pagination-")}


def test_emulator_last_activities_shape(seeded: FakeTrakt, trakt_tokens: dict[str, Any]) -> None:
    """The emulator's last_activities has exactly today's areas and fields."""
    emulated = get(seeded, trakt_tokens, "/sync/last_activities").json()
    assert same_shape(shape(rec.LAST_ACTIVITIES), shape(emulated)) == []


def test_emulator_watchlist_shape(seeded: FakeTrakt, trakt_tokens: dict[str, Any]) -> None:
    """The emulator's watchlist rows and headers are shaped like the recorded ones."""
    answer = get(seeded, trakt_tokens, "/sync/watchlist", page=1, limit=250)
    assert same_shape(shape(rec.WATCHLIST), shape(answer.json())) == []
    assert paging_headers(answer) == {f"X-Pagination-{k}" for k in Listing([]).headers}


def test_emulator_history_shape(seeded: FakeTrakt, trakt_tokens: dict[str, Any]) -> None:
    """The emulator's history rows per type are shaped like the recorded ones."""
    for path, recorded in (
        ("/sync/history/movies", rec.HISTORY_MOVIES),
        ("/sync/history/episodes", rec.HISTORY_EPISODES),
    ):
        emulated = get(seeded, trakt_tokens, path, page=1, limit=250).json()
        assert same_shape(shape(recorded), shape(emulated)) == [], path


def test_emulator_ratings_without_type_shape(
    seeded: FakeTrakt, trakt_tokens: dict[str, Any]
) -> None:
    """With ``drop_type`` the emulator's unpaged ratings reads match the 2015 answers."""
    seeded.paging = PagingQuirks(drop_type=True)
    for kind, recorded in rec.RATINGS_2015.items():
        answer = get(seeded, trakt_tokens, f"/sync/ratings/{kind}")
        assert same_shape(shape(recorded), shape(answer.json())) == [], kind


def test_emulator_missing_counts_shape(seeded: FakeTrakt, trakt_tokens: dict[str, Any]) -> None:
    """With ``drop_counts`` the emulator sends the two headers the cached answer (#198) has."""
    seeded.paging = PagingQuirks(drop_counts=True)
    answer = get(seeded, trakt_tokens, "/sync/watchlist", page=1, limit=250)
    assert paging_headers(answer) == {"X-Pagination-Page", "X-Pagination-Limit"}
