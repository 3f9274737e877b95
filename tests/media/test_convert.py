"""Host dicts <-> models (media.hostitems) and Trakt JSON rows -> models (media.traktrows)."""

from __future__ import annotations

import json
import string
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crosswatch_trakt.media.hostitems import (
    collection_to_host,
    fallback_key,
    host_to_collection,
    host_to_media,
    host_to_play,
    host_to_rating,
    host_to_watchlist,
    media_to_host,
    partition,
    play_to_host,
    rating_to_host,
    watchlist_to_host,
)
from crosswatch_trakt.media.keys import item_key
from crosswatch_trakt.media.models import (
    CollectionEntry,
    Ids,
    MediaRef,
    Play,
    Problem,
    Rating,
    WatchlistEntry,
)
from crosswatch_trakt.media.traktrows import (
    trakt_collection_rows,
    trakt_history_row,
    trakt_media,
    trakt_rating_row,
    trakt_watchlist_row,
)
from crosswatch_trakt.support import dates

UTC = timezone.utc
POS = st.integers(1, 10**8)
TOKEN = st.text(string.ascii_letters + string.digits + "-:/._", min_size=1, max_size=16)
TEXT = st.text(min_size=1, max_size=24).map(str.strip).filter(bool)
IDS = st.builds(
    Ids,
    trakt=st.none() | POS,
    slug=st.none() | st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True),
    imdb=st.none() | POS.map(lambda n: f"tt{n:07d}"),
    tmdb=st.none() | POS,
    tvdb=st.none() | POS,
    other=st.fixed_dictionaries(
        {}, optional={"tvrage": POS, "plex.guid": TOKEN.filter(lambda s: s != "0")}
    ),
)
MS = st.datetimes(datetime(1970, 1, 2), datetime(2100, 1, 1), timezones=st.just(UTC)).map(
    lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
)


@st.composite
def medias(
    draw: st.DrawFn,
    types: tuple[str, ...] = ("movie", "show", "season", "episode"),
    trakt_side: bool = False,
) -> MediaRef:
    media_type = draw(st.sampled_from(types))
    ids, title = draw(IDS), draw(st.none() | TEXT)
    if media_type in ("movie", "show"):
        media = MediaRef(media_type, ids, title, draw(st.none() | st.integers(1870, 2100)))  # type: ignore[arg-type]
    else:
        media = MediaRef(
            media_type,  # type: ignore[arg-type]
            ids,
            title,
            None if trakt_side else draw(st.none() | st.integers(1870, 2100)),
            draw(IDS) if trakt_side else draw(st.none() | IDS),
            draw(st.none() | TEXT),
            draw(st.integers(0, 60)),
            draw(st.integers(0, 999)) if media_type == "episode" else None,
        )
    return media if item_key(media) else draw(st.nothing())


ACTION = st.none() | st.sampled_from(["scrobble", "checkin", "watch"])
WATCHLIST = st.builds(WatchlistEntry, medias(), st.none() | MS, st.none() | TEXT)
RATINGS = st.builds(Rating, medias(), st.integers(1, 10), st.none() | MS)
COLLECTION = st.builds(CollectionEntry, medias(("movie", "episode")), MS)
PLAYS = st.builds(Play, medias(), MS, ACTION, st.none() | POS) | st.builds(
    Play, medias(("movie", "episode")), st.just("released"), ACTION, st.none() | POS
)


def _check(to_host: Any, from_host: Any, model: Any, **kw: Any) -> None:
    host = to_host(model)
    assert json.loads(json.dumps(host)) == host
    assert from_host(host, **kw) == model
    assert to_host(from_host(host, **kw)) == host


@given(medias())
def test_media_host_round_trip(media: MediaRef) -> None:
    """A MediaRef survives model -> host dict -> model, and the host dict is JSON-able."""
    _check(media_to_host, host_to_media, media)


@given(WATCHLIST)
def test_watchlist_host_round_trip(entry: WatchlistEntry) -> None:
    """A WatchlistEntry survives the host dict round trip with listed_at and notes."""
    _check(watchlist_to_host, host_to_watchlist, entry)


@given(RATINGS)
def test_rating_host_round_trip(rating: Rating) -> None:
    """A Rating survives the host dict round trip with rated_at to the millisecond."""
    _check(rating_to_host, host_to_rating, rating)


@given(PLAYS)
def test_play_host_round_trip(play: Play) -> None:
    """A Play survives the host dict round trip with history id, action and watched_at."""
    _check(play_to_host, host_to_play, play, allow_released=True)


@given(COLLECTION)
def test_collection_host_round_trip(entry: CollectionEntry) -> None:
    """A CollectionEntry survives the host dict round trip with collected_at."""
    _check(collection_to_host, host_to_collection, entry)


def _trakt(media: MediaRef) -> dict[str, Any]:
    ids = {"trakt": None, "slug": None, "imdb": None, "tmdb": None, **media.ids.as_dict()}
    row: dict[str, Any] = {"type": media.type}
    if media.type in ("movie", "show"):
        row[media.type] = {"title": media.title, "year": media.year, "ids": ids}
        return row
    assert media.show_ids is not None
    row["show"] = {"title": media.show_title, "year": 2008, "ids": media.show_ids.as_dict()}
    if media.type == "season":
        row["season"] = {"number": media.season, "title": media.title, "ids": ids}
    else:
        row["episode"] = {"season": media.season, "number": media.episode, "title": media.title}
        row["episode"]["ids"] = ids
    return row


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else dates.format_datetime(value)


@given(st.builds(WatchlistEntry, medias(trakt_side=True), st.none() | MS, st.none() | TEXT))
def test_trakt_watchlist_row(entry: WatchlistEntry) -> None:
    """A Trakt watchlist row reads back as the entry it describes."""
    row = {**_trakt(entry.media), "rank": 1, "id": 5, "listed_at": _stamp(entry.listed_at)}
    assert trakt_watchlist_row({**row, "notes": entry.notes}) == entry


@given(st.builds(Rating, medias(trakt_side=True), st.integers(1, 10), MS))
def test_trakt_rating_row(rating: Rating) -> None:
    """A Trakt ratings row reads back as the rating it describes."""
    row = {**_trakt(rating.media), "rating": rating.rating, "rated_at": _stamp(rating.rated_at)}
    assert trakt_rating_row(row) == rating


@given(st.builds(Play, medias(("movie", "episode"), True), MS, ACTION, st.integers(1, 2**63)))
def test_trakt_history_row(play: Play) -> None:
    """A Trakt history row reads back as the play it describes, history id included."""
    assert isinstance(play.watched_at, datetime)
    row = {**_trakt(play.media), "id": play.history_id, "action": play.action}
    assert trakt_history_row({**row, "watched_at": _stamp(play.watched_at)}) == play


def test_trakt_media_shapes() -> None:
    """Trakt movie, season+show and episode+show objects become MediaRefs with show ids."""
    show = {"title": "Breaking Bad", "year": 2008, "ids": {"trakt": 1388, "tvdb": 81189}}
    season = trakt_media("season", {"number": 1, "ids": {"tvdb": 30272}}, show)
    assert item_key(season) == "show:tvdb:81189#s01"
    assert season.show_title == "Breaking Bad"
    episode = trakt_media("episode", {"season": 1, "number": 2, "ids": {"tvdb": 349232}}, show)
    assert (episode.season, episode.episode, episode.ids.tvdb) == (1, 2, 349232)
    movie = trakt_media("movie", {"ids": {"tmdb": 603, "plex": {"guid": "g", "slug": None}}})
    assert movie.ids == Ids(tmdb=603, other={"plex.guid": "g"})


@pytest.mark.parametrize(
    "row",
    [
        None,
        [],
        {"type": "person", "person": {}},
        {"type": "movie"},
        {"type": "movie", "movie": {"ids": {}}},
        {"type": "movie", "movie": {"ids": []}},
        {"type": "episode", "episode": {"number": 1, "ids": {"trakt": 1}}, "show": {}},
        {"type": "season", "season": {"number": "1", "ids": {"trakt": 1}}, "show": {}},
    ],
)
def test_malformed_trakt_rows_raise(row: Any) -> None:
    """A malformed Trakt row raises ValueError with a message, never a half-built model."""
    with pytest.raises(ValueError, match="Trakt"):
        trakt_watchlist_row(row)


def test_malformed_trakt_fields_raise() -> None:
    """Bad ratings, dates and history ids in Trakt rows raise ValueError."""
    movie = {"type": "movie", "movie": {"ids": {"trakt": 1}}}
    with pytest.raises(ValueError, match="rating"):
        trakt_rating_row({**movie, "rating": 8.5})
    with pytest.raises(ValueError):
        trakt_watchlist_row({**movie, "listed_at": "yesterday"})
    with pytest.raises(ValueError, match="no id"):
        trakt_history_row({**movie, "watched_at": "2024-01-01T00:00:00.000Z"})
    with pytest.raises(ValueError, match="watched_at"):
        trakt_history_row({**movie, "id": 1})


def test_trakt_collection_rows() -> None:
    """Collection rows give one entry per movie, or per collected episode of a show."""
    movie = {"collected_at": "2024-01-01T10:00:00.000Z", "movie": {"ids": {"trakt": 1}}}
    assert trakt_collection_rows(movie)[0].media.ids.trakt == 1
    show = {
        "show": {"title": "BB", "ids": {"tvdb": 81189}},
        "seasons": [
            {
                "number": 1,
                "episodes": [
                    {"number": 1, "collected_at": "2024-01-01T10:00:00.000Z"},
                    {"number": 2, "collected_at": "2024-01-02T10:00:00Z"},
                ],
            }
        ],
    }
    entries = trakt_collection_rows(show)
    assert [item_key(e.media) for e in entries] == [
        "show:tvdb:81189#s01e01",
        "show:tvdb:81189#s01e02",
    ]
    assert entries[1].collected_at == datetime(2024, 1, 2, 10, tzinfo=UTC)
    with pytest.raises(ValueError, match="collected_at"):
        trakt_collection_rows({"movie": {"ids": {"trakt": 1}}})


MOVIE = {"type": "movie", "title": "The Matrix", "year": 1999, "ids": {"tmdb": 603}}


@pytest.mark.parametrize(
    ("convert_fn", "item", "reason"),
    [
        (host_to_media, None, "invalid_item"),
        (host_to_media, ["movie"], "invalid_item"),
        (host_to_media, {"type": "film", "ids": {"tmdb": 1}}, "invalid_item"),
        (host_to_media, {"ids": {"tmdb": 1}}, "invalid_item"),
        (host_to_media, {"type": "movie", "ids": [603]}, "invalid_item"),
        (host_to_media, {"type": "episode", "ids": {"tvdb": 1}, "season": "one"}, "invalid_item"),
        (host_to_media, {"type": "episode", "ids": {"tvdb": 1}, "episode": -1}, "invalid_item"),
        (host_to_media, {"type": "movie", "year": 1999}, "missing_ids"),
        (host_to_media, {"type": "movie", "ids": {"tmdb": 0, "imdb": ""}}, "missing_ids"),
        (host_to_media, {"type": "episode", "title": "Pilot", "season": 1}, "missing_ids"),
        (host_to_rating, {**MOVIE, "rating": 8.0}, "invalid_rating"),
        (host_to_rating, {**MOVIE, "rating": 7.5}, "invalid_rating"),
        (host_to_rating, {**MOVIE, "rating": True}, "invalid_rating"),
        (host_to_rating, {**MOVIE, "rating": "8"}, "invalid_rating"),
        (host_to_rating, {**MOVIE, "rating": None}, "invalid_rating"),
        (host_to_rating, {**MOVIE, "rating": 0}, "invalid_rating"),
        (host_to_rating, {**MOVIE, "rating": 11}, "invalid_rating"),
        (host_to_rating, {**MOVIE, "rating": 8, "rated_at": "soon"}, "invalid_item"),
        (host_to_play, MOVIE, "missing_watched_at"),
        (host_to_play, {**MOVIE, "watched_at": None}, "missing_watched_at"),
        (host_to_play, {**MOVIE, "watched_at": "2024-05-01"}, "invalid_watched_at"),
        (host_to_play, {**MOVIE, "watched_at": "last night"}, "invalid_watched_at"),
        (host_to_play, {**MOVIE, "watched_at": 1714595460}, "invalid_watched_at"),
        (host_to_play, {**MOVIE, "watched_at": "released"}, "invalid_watched_at"),
        (host_to_play, {"type": "movie", "watched_at": "2024-05-01T20:31Z"}, "missing_ids"),
        (host_to_watchlist, {**MOVIE, "listed_at": "2024-13-01T00:00Z"}, "invalid_item"),
        (host_to_collection, MOVIE, "invalid_item"),
    ],
)
def test_invalid_host_items(convert_fn: Any, item: Any, reason: str) -> None:
    """Each kind of bad host input gives a Problem with its reason code, never an exception."""
    problem = convert_fn(item)
    assert isinstance(problem, Problem)
    assert problem.reason == reason
    assert problem.item is item
    assert problem.detail


def test_problem_keys() -> None:
    """A problem carries the host's key, else the item's key, else a stable fallback."""
    bad_rating = {**MOVIE, "rating": 11}
    assert host_to_rating(bad_rating).key == "movie:tmdb:603"  # type: ignore[union-attr]
    assert host_to_rating(bad_rating, key="host-key").key == "host-key"  # type: ignore[union-attr]
    assert host_to_media({"type": "x"}, index=4).key == "invalid:#4"  # type: ignore[union-attr]
    first = host_to_media({"type": "x", "b": 1, "a": 2}).key  # type: ignore[union-attr]
    assert first == host_to_media({"a": 2, "b": 1, "type": "x"}).key  # type: ignore[union-attr]
    assert first.startswith("invalid:")
    assert len(first) == len("invalid:") + 12
    assert fallback_key({1: object()}).startswith("invalid:")


def test_released_only_when_allowed() -> None:
    """A missing watched_at becomes 'released' only when allowed and for movies and episodes."""
    play = host_to_play(MOVIE, allow_released=True)
    assert isinstance(play, Play)
    assert play.watched_at == "released"
    show = {"type": "show", "ids": {"tvdb": 81189}}
    assert host_to_play(show, allow_released=True).reason == "missing_watched_at"  # type: ignore[union-attr]


def test_play_offsets_and_minutes() -> None:
    """watched_at with an offset converts to UTC and truncates to the minute; future is kept."""
    play = host_to_play({**MOVIE, "watched_at": "2024-05-01T22:31:59.999+02:00"})
    assert isinstance(play, Play)
    assert play.watched_at == datetime(2024, 5, 1, 20, 31, tzinfo=UTC)
    assert play_to_host(play)["watched_at"] == "2024-05-01T20:31:00.000Z"
    future = host_to_play({**MOVIE, "watched_at": "2999-01-01T00:00:00Z", "trakt_history_id": "9"})
    assert isinstance(future, Play)
    assert future.history_id == 9


def test_host_leniency() -> None:
    """Types are matched case-insensitively, numbers may be digit strings, titles are stripped."""
    media = host_to_media(
        {
            "type": " Episode",
            "ids": {},
            "show_ids": {"tvdb": "81189"},
            "season": "1",
            "episode": 2,
            "title": "  Pilot ",
            "year": "",
        }
    )
    assert media == MediaRef("episode", Ids(), "Pilot", None, Ids(tvdb=81189), None, 1, 2)


def test_partition() -> None:
    """partition splits conversion results into models and problems, in input order."""
    results = [host_to_media(item, index=i) for i, item in enumerate([MOVIE, None, MOVIE])]
    good, bad = partition(results)
    assert len(good) == 2
    assert [p.key for p in bad] == ["invalid:#1"]
