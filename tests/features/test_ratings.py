"""The ratings feature end to end through the hooks, against the emulator over HTTP."""

from __future__ import annotations

from typing import Any

import attrs
import pluggy
import pytest

from crosswatch_trakt.features.items import rows_to_parts
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.media.hostitems import rating_to_host
from crosswatch_trakt.media.traktrows import trakt_rating_row
from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.testing.emulator.catalog import Movie, Show


@pytest.fixture
def library(fake_trakt: FakeTrakt) -> tuple[list[Movie], Show]:
    """Return three movies and a two-season show in the emulator's catalogue."""
    movies = [
        fake_trakt.catalog.add_movie(f"Film {i}", 2001, {"tmdb": 200 + i, "imdb": f"tt{7000 + i}"})
        for i in range(3)
    ]
    show = fake_trakt.catalog.add_show("A Show", 2010, {"tvdb": 81189}, seasons={1: 3, 2: 2})
    return movies, show


def movie(m: Movie, rating: Any = None, **extra: Any) -> dict[str, Any]:
    """Return a host movie item, with a rating when given."""
    item: dict[str, Any] = {"type": "movie", "title": m.title, "year": m.year}
    item["ids"] = {"tmdb": m.ids["tmdb"]}
    if rating is not None:
        item["rating"] = rating
    return {**item, **extra}


def call(pm: pluggy.PluginManager, hook: str, context: HostContext, **kw: Any) -> Any:
    """Call a ratings hook for TRAKT."""
    return getattr(pm.hook, hook)(provider="TRAKT", feature="ratings", context=context, **kw)


def test_all_four_types_read(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    library: tuple[list[Movie], Show],
) -> None:
    """Movie, show, season and episode ratings are all read, seasons and episodes under the show."""
    movies, show = library
    fake_trakt.rate("alice", movies[0], 9, "2025-01-02T03:04:05Z")
    fake_trakt.rate("alice", show, 8)
    fake_trakt.rate("alice", show.seasons[1], 7)
    fake_trakt.rate("alice", show.episode(2, 1), 6)
    snapshot = call(pm, "index_snapshot", host_context)
    assert snapshot["movie:tmdb:200"]["rating"] == 9
    assert snapshot["movie:tmdb:200"]["rated_at"].startswith("2025-01-02T03:04:05")
    assert snapshot["show:tvdb:81189"]["rating"] == 8
    assert snapshot["show:tvdb:81189#s01"]["rating"] == 7
    assert snapshot["show:tvdb:81189#s02e01"]["rating"] == 6
    assert len(snapshot) == 4


def test_gated_per_type(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    library: tuple[list[Movie], Show],
) -> None:
    """Changing one movie rating re-reads only the movies type; unchanged costs one request."""
    movies, show = library
    fake_trakt.rate("alice", movies[0], 5)
    fake_trakt.rate("alice", show.episode(1, 1), 6)
    call(pm, "index_snapshot", host_context)
    fake_trakt.clear_log()
    call(pm, "index_snapshot", attrs.evolve(host_context, run_id="run-2"))
    assert [r.path for r in fake_trakt.log] == ["/sync/last_activities"]
    fake_trakt.rate("alice", movies[1], 4)
    fake_trakt.clear_log()
    snapshot = call(pm, "index_snapshot", attrs.evolve(host_context, run_id="run-3"))
    assert [r.path for r in fake_trakt.log] == ["/sync/last_activities", "/sync/ratings/movies"]
    assert snapshot["movie:tmdb:201"]["rating"] == 4
    assert snapshot["show:tvdb:81189#s01e01"]["rating"] == 6


def test_zero_ratings_are_cached(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """An account with no ratings is cached as such: the next run reads only the gate."""
    assert call(pm, "index_snapshot", host_context) == {}
    fake_trakt.clear_log()
    assert call(pm, "index_snapshot", attrs.evolve(host_context, run_id="run-2")) == {}
    assert len(fake_trakt.log) == 1


def test_upsert_skip_invalid_and_not_found(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    library: tuple[list[Movie], Show],
) -> None:
    """New and changed ratings are written, equal ones skipped, bad ones and unknowns unresolved."""
    movies, show = library
    fake_trakt.rate("alice", movies[0], 7)
    fake_trakt.rate("alice", movies[1], 3)
    episode = {"type": "episode", "show_ids": {"tvdb": 81189}, "season": 1, "episode": 2}
    items = [
        movie(movies[0], 7),
        movie(movies[1], 8, rated_at="2024-02-03T04:05:06Z"),
        {**episode, "rating": 10},
        {"type": "movie", "ids": {"tmdb": 999_999}, "rating": 5},
        movie(movies[2], 7.5),
        {"type": "show", "ids": {"tvdb": 81189}, "rating": "8"},
        {"type": "season", "show_ids": {"tvdb": 81189}, "season": 2, "rating": True},
        {"type": "movie", "ids": {"imdb": "tt1"}, "rating": 0},
        {"type": "movie", "ids": {"imdb": "tt2"}, "rating": 11},
    ]
    result = call(pm, "apply_adds", host_context, items=items, dry_run=False)
    assert result["skipped_keys"] == ["movie:tmdb:200"]
    assert sorted(result["confirmed_keys"]) == ["movie:tmdb:201", "show:tvdb:81189#s01e02"]
    reasons = sorted(e["reason"] for e in result["unresolved"])
    assert reasons == ["invalid_rating"] * 5 + ["not_found"]
    ratings = fake_trakt.users["alice"].ratings
    assert ratings[("movie", movies[1].trakt)].rating == 8
    assert ratings[("movie", movies[1].trakt)].rated_at == 1706933106.0
    assert ratings[("episode", show.episode(1, 2).trakt)].rating == 10
    assert ("movie", movies[2].trakt) not in ratings


def test_removes(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    library: tuple[list[Movie], Show],
) -> None:
    """Removes delete rated items and skip unrated ones without sending them."""
    movies, _ = library
    fake_trakt.rate("alice", movies[0], 7)
    result = call(
        pm, "apply_removes", host_context, items=[movie(movies[0]), movie(movies[1])], dry_run=False
    )
    assert result["confirmed_keys"] == ["movie:tmdb:200"]
    assert result["skipped_keys"] == ["movie:tmdb:201"]
    assert fake_trakt.users["alice"].ratings == {}
    assert call(pm, "index_snapshot", attrs.evolve(host_context, run_id="run-2")) == {}


def test_failed_chunk_is_unresolved(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    library: tuple[list[Movie], Show],
) -> None:
    """A chunk that keeps failing with 503 reports its items unresolved, never confirmed."""
    movies, _ = library
    fake_trakt.faults.add(
        Fault(method="POST", path="/sync/ratings", kind="status", status=503, times=100)
    )
    result = call(
        pm, "apply_adds", host_context, items=[movie(m, 6) for m in movies], dry_run=False
    )
    assert result["confirmed_keys"] == []
    assert len(result["unresolved"]) == 3
    assert {e["reason"] for e in result["unresolved"]} <= {"http_error", "ambiguous_write"}
    assert fake_trakt.users["alice"].ratings == {}


def test_dry_run(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    library: tuple[list[Movie], Show],
) -> None:
    """A dry run books what would be rated and writes nothing."""
    movies, _ = library
    result = call(pm, "apply_adds", host_context, items=[movie(movies[0], 6)], dry_run=True)
    assert result["confirmed_keys"] == ["movie:tmdb:200"]
    assert result["dry_run"] is True
    assert fake_trakt.log_count(method="POST") == 0


def test_not_found_is_held_back(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A rating Trakt did not find is not re-sent on the next run while its back-off runs."""
    unknown = {"type": "movie", "ids": {"tmdb": 999_999}, "rating": 5}
    first = call(pm, "apply_adds", host_context, items=[unknown], dry_run=False)
    assert first["unresolved"][0]["reason"] == "not_found"
    posts = fake_trakt.log_count(method="POST", path="/sync/ratings")
    context = attrs.evolve(host_context, run_id="run-2")
    second = call(pm, "apply_adds", context, items=[unknown], dry_run=False)
    assert second["unresolved"][0]["reason"] == "previously_not_found"
    assert fake_trakt.log_count(method="POST", path="/sync/ratings") == posts


def test_rows_are_consumed_in_order_and_the_first_of_a_key_kept() -> None:
    """The rows of a read are dropped as their items are built; a repeated item keeps its first."""

    def row(rating: int, tmdb: int) -> dict[str, Any]:
        movie = {"title": "Film", "year": 2001, "ids": {"tmdb": tmdb}}
        return {
            "rated_at": "2024-05-01T20:31:07.000Z",
            "rating": rating,
            "type": "movie",
            "movie": movie,
        }

    rows = [row(7, 1), row(3, 2), row(9, 1)]
    parts = rows_to_parts(rows, trakt_rating_row, rating_to_host, "rating", lambda media: "movies")
    assert rows == []
    assert [item["rating"] for item in parts["movies"].values()] == [7, 3]
