"""The media models: invariants, normalisation on construction and the converter hooks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from crosswatch_trakt.hostspec import REASONS
from crosswatch_trakt.media.models import (
    CollectionEntry,
    Ids,
    MediaRef,
    Play,
    Problem,
    Rating,
    WatchlistEntry,
    with_minute,
)
from crosswatch_trakt.support import converter as convert

UTC = timezone.utc
CEST = timezone(timedelta(hours=2))
MOVIE = MediaRef("movie", Ids(tmdb=603), title="The Matrix", year=1999)


def test_ids_empty_and_as_dict() -> None:
    """Ids report emptiness and render only non-null ids, nested extras in Trakt's shape."""
    assert Ids().is_empty()
    ids = Ids(trakt=1, imdb="tt1", other={"plex.guid": "g", "plex.slug": "s", "tvrage": 9})
    assert not ids.is_empty()
    assert ids.as_dict() == {
        "trakt": 1,
        "imdb": "tt1",
        "plex": {"guid": "g", "slug": "s"},
        "tvrage": 9,
    }
    assert ids.flat() == {
        "trakt": 1,
        "imdb": "tt1",
        "plex.guid": "g",
        "plex.slug": "s",
        "tvrage": 9,
    }
    assert Ids(other={"tvrage": 9}).standard() == {}


def test_ids_other_is_read_only_and_compared() -> None:
    """The extra-ids mapping cannot be changed, takes part in equality and keeps Ids hashable."""
    raw = {"tvrage": 9}
    ids = Ids(tmdb=1, other=raw)
    raw["tvrage"] = 10
    assert ids.other == {"tvrage": 9}
    with pytest.raises(TypeError):
        ids.other["x"] = 1  # type: ignore[index]
    assert ids != Ids(tmdb=1)
    assert hash(ids) == hash(Ids(tmdb=1, other={"tvrage": 9}))
    assert len({MediaRef("movie", ids), MediaRef("movie", Ids(tmdb=1, other={"tvrage": 9}))}) == 1
    assert "tvrage" in repr(ids)


def test_models_are_frozen() -> None:
    """Every model is immutable."""
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        MOVIE.title = "x"  # type: ignore[misc]


def test_with_minute() -> None:
    """with_minute converts to UTC and drops seconds and microseconds; naive is UTC."""
    assert with_minute(datetime(2024, 5, 1, 22, 31, 59, 999, tzinfo=CEST)) == datetime(
        2024, 5, 1, 20, 31, tzinfo=UTC
    )
    assert with_minute(datetime(2024, 5, 1, 3, 44, 55)).tzinfo is UTC


def test_play_watched_at_to_the_minute() -> None:
    """A play's watched_at is stored in UTC to the minute, or as the literal 'released'."""
    play = Play(MOVIE, datetime(2024, 5, 1, 22, 31, 59, tzinfo=CEST), "watch", 7)
    assert play.watched_at == datetime(2024, 5, 1, 20, 31, tzinfo=UTC)
    assert Play(MOVIE, "released").watched_at == "released"
    with pytest.raises(ValueError, match="watched_at"):
        Play(MOVIE, "unknown")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, 11, -1, 8.0, 7.5, True, "8", None])
def test_rating_must_be_int_1_to_10(bad: Any) -> None:
    """A Rating refuses anything but an integer from 1 to 10 (no rounding, no bools)."""
    with pytest.raises(ValueError, match="rating"):
        Rating(MOVIE, bad)


@pytest.mark.parametrize("good", [1, 5, 10])
def test_rating_accepts_1_to_10(good: int) -> None:
    """A Rating keeps any integer from 1 to 10 as given."""
    assert Rating(MOVIE, good).rating == good


def test_dates_become_utc() -> None:
    """listed_at, rated_at and collected_at are stored as aware UTC date-times."""
    local = datetime(2024, 5, 1, 22, 0, 1, tzinfo=CEST)
    expected = datetime(2024, 5, 1, 20, 0, 1, tzinfo=UTC)
    assert WatchlistEntry(MOVIE, local).listed_at == expected
    assert Rating(MOVIE, 8, local).rated_at == expected
    assert CollectionEntry(MOVIE, local).collected_at == expected
    assert CollectionEntry(MOVIE, datetime(2024, 5, 1)).collected_at.tzinfo is UTC
    assert WatchlistEntry(MOVIE).listed_at is None


def test_problem_reason_checked() -> None:
    """A Problem only takes a reason code from hostspec.REASONS and renders as unresolved."""
    problem = Problem("movie:tmdb:603", {"x": 1}, "invalid_rating", "rating 11")
    assert problem.as_unresolved() == {
        "key": "movie:tmdb:603",
        "item": {"x": 1},
        "reason": "invalid_rating",
        "detail": "rating 11",
    }
    assert {"invalid_item", "missing_ids", "missing_watched_at", "invalid_watched_at"} <= set(
        REASONS
    )
    with pytest.raises(ValueError, match="reason"):
        Problem("k", None, "no_such_reason", "")


@pytest.mark.parametrize(
    "obj",
    [
        Ids(trakt=1, other={"plex.guid": "g"}),
        MediaRef("episode", Ids(tvdb=3), "Pilot", None, Ids(tvdb=81189), "Breaking Bad", 1, 1),
        WatchlistEntry(MOVIE, datetime(2024, 1, 1, tzinfo=UTC), "note"),
        Rating(MOVIE, 9, datetime(2024, 1, 1, 0, 0, 0, 123000, tzinfo=UTC)),
        Play(MOVIE, datetime(2024, 1, 1, 1, 2, tzinfo=UTC), "scrobble", 2**40),
        Play(MOVIE, "released"),
        CollectionEntry(MOVIE, datetime(2024, 1, 1, tzinfo=UTC)),
    ],
)
def test_converter_round_trip(obj: Any) -> None:
    """The one converter stores every model as JSON-able data and reads it back equal."""
    data = convert.unstructure(obj)
    assert convert.structure(data, type(obj)) == obj


def test_converter_ids_shape() -> None:
    """The converter stores Ids in Trakt's shape and normalises them when reading."""
    assert convert.unstructure(Ids(tmdb=603, other={"plex.guid": "g"})) == {
        "tmdb": 603,
        "plex": {"guid": "g"},
    }
    assert convert.structure({"imdb": "0133093", "tvdb": 0}, Ids) == Ids(imdb="tt0133093")
