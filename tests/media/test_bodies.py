"""Trakt request bodies (flat and nested) and mapping not_found echoes back to the input."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from crosswatch_trakt.media.models import (
    CollectionEntry,
    Ids,
    MediaRef,
    Play,
    Rating,
    WatchlistEntry,
)
from crosswatch_trakt.media.payloads import (
    BODY_KEYS,
    match_not_found,
    request_body,
    request_item,
    sent_by_title,
)

UTC = timezone.utc
WHEN = datetime(2024, 5, 1, 20, 31, 59, tzinfo=UTC)
BB = Ids(trakt=1388, tvdb=81189)
MATRIX = MediaRef("movie", Ids(trakt=481, slug="the-matrix", imdb="tt0133093", tmdb=603, tvdb=9))


def ep(season: int, number: int, show: Ids = BB, ids: Ids | None = None) -> MediaRef:
    return MediaRef("episode", ids or Ids(), show_ids=show, season=season, episode=number)


def test_request_item_fields() -> None:
    """request_item gives each model's per-item fields: notes, rating, watched_at, collected_at."""
    assert request_item(MATRIX) == (MATRIX, {})
    assert request_item(WatchlistEntry(MATRIX, None, "n"))[1] == {"notes": "n"}
    assert request_item(Rating(MATRIX, 8, WHEN))[1] == {"rating": 8, "rated_at": WHEN}
    assert request_item(Play(MATRIX, WHEN))[1] == {"watched_at": WHEN.replace(second=0)}
    assert request_item(CollectionEntry(MATRIX, WHEN))[1] == {"collected_at": WHEN}


def test_flat_body() -> None:
    """Items with ids go flat, with all standard ids (no tvdb for movies) and formatted dates."""
    show = MediaRef("show", Ids(tvdb=81189, other={"tvrage": 1}))
    body = request_body([request_item(Rating(MATRIX, 9, WHEN)), (show, {"rating": 8})])
    assert body.json == {
        "movies": [
            {
                "ids": {"trakt": 481, "slug": "the-matrix", "imdb": "tt0133093", "tmdb": 603},
                "rating": 9,
                "rated_at": "2024-05-01T20:31:59.000Z",
            }
        ],
        "shows": [{"ids": {"tvdb": 81189}, "rating": 8}],
        "seasons": [],
        "episodes": [],
    }
    assert body.sent_indexes() == {0, 1}
    assert body.unplaced == ()


def test_title_year_and_own_ids() -> None:
    """Movies without ids go by title and year; seasons and episodes with own ids go flat."""
    items: list[tuple[MediaRef, dict[str, Any]]] = [
        (MediaRef("movie", title="Heat", year=1995), {"watched_at": "released"}),
        (MediaRef("show", title="Lost"), {}),
        (ep(1, 2, ids=Ids(tvdb=349232)), {"watched_at": WHEN}),
        (MediaRef("season", Ids(tmdb=3572), show_ids=BB, season=1), {"extra": None}),
    ]
    body = request_body(items)
    assert body.json["movies"] == [{"title": "Heat", "year": 1995, "watched_at": "released"}]
    assert body.json["shows"] == [{"title": "Lost"}]
    assert body.json["episodes"] == [
        {"ids": {"tvdb": 349232}, "watched_at": "2024-05-01T20:31:59.000Z"}
    ]
    assert body.json["seasons"] == [{"ids": {"tmdb": 3572}}]


def test_nested_body_merges_one_show() -> None:
    """Seasons and episodes without own ids nest under their show; one show object per show."""
    other = Ids(tmdb=1399)
    items: list[tuple[MediaRef, dict[str, Any]]] = [
        (ep(1, 1), {"watched_at": WHEN}),
        (ep(1, 2), {"watched_at": WHEN}),
        (ep(2, 1), {}),
        (ep(1, 1, show=other), {}),
        (MediaRef("season", show_ids=BB, season=3), {"rating": 7}),
        (ep(1, 1), {"watched_at": datetime(2024, 6, 1, tzinfo=UTC)}),
    ]
    body = request_body(items)
    stamp = "2024-05-01T20:31:59.000Z"
    assert body.json["shows"] == [
        {
            "ids": {"trakt": 1388, "tvdb": 81189},
            "seasons": [
                {
                    "number": 1,
                    "episodes": [
                        {"number": 1, "watched_at": stamp},
                        {"number": 2, "watched_at": stamp},
                        {"number": 1, "watched_at": "2024-06-01T00:00:00.000Z"},
                    ],
                },
                {"number": 2, "episodes": [{"number": 1}]},
                {"number": 3, "rating": 7},
            ],
        },
        {"ids": {"tmdb": 1399}, "seasons": [{"number": 1, "episodes": [{"number": 1}]}]},
    ]
    assert body.json["episodes"] == body.json["seasons"] == body.json["movies"] == []
    assert body.sent_indexes() == set(range(6))


def test_unplaced() -> None:
    """Items that cannot be sent are listed as unplaced; nest=False refuses number fallback."""
    items: list[tuple[MediaRef, dict[str, Any]]] = [
        (MediaRef("movie"), {}),
        (MediaRef("episode", title="Pilot", season=1, episode=1), {}),
        (MediaRef("episode", show_ids=BB, season=1), {}),
        (ep(1, 1), {}),
    ]
    assert request_body(items).unplaced == (0, 1, 2)
    flat_only = request_body(items, nest=False)
    assert flat_only.unplaced == (0, 1, 2, 3)
    assert flat_only.json == {key: [] for key in BODY_KEYS}


def _mixed() -> list[tuple[MediaRef, dict[str, Any]]]:
    return [
        (MATRIX, {"watched_at": WHEN}),  # 0
        (MATRIX, {"watched_at": datetime(2024, 6, 1, tzinfo=UTC)}),  # 1
        (MediaRef("movie", title="Heat", year=1995), {}),  # 2
        (ep(1, 1), {"watched_at": WHEN}),  # 3
        (ep(1, 2), {"watched_at": WHEN}),  # 4
        (ep(2, 1), {}),  # 5
        (MediaRef("season", show_ids=BB, season=3), {}),  # 6
        (ep(1, 1, show=Ids(tmdb=1399)), {}),  # 7
        (ep(4, 4, ids=Ids(tvdb=5)), {}),  # 8
    ]


def test_not_found_exact_echo() -> None:
    """Echoes equal to what was sent map back to exactly those input items."""
    body = request_body(_mixed())
    not_found = copy.deepcopy(
        {
            "movies": [body.json["movies"][1], body.json["movies"][2]],
            "shows": [body.json["shows"][1]],
            "seasons": [],
            "episodes": [body.json["episodes"][0]],
        }
    )
    assert match_not_found(body, not_found) == {1, 2, 7, 8}
    assert (
        match_not_found(body, {"movies": [], "shows": [], "seasons": [], "episodes": []}) == set()
    )


def test_not_found_nested_parts() -> None:
    """A show echoed with some seasons/episodes flags only those; a bare show flags all of it."""
    body = request_body(_mixed())
    stamp = "2024-05-01T20:31:59.000Z"
    partial = {
        "ids": {"trakt": 1388, "tvdb": 81189},
        "seasons": [{"number": 1, "episodes": [{"number": 2, "watched_at": stamp}]}, {"number": 3}],
    }
    assert match_not_found(body, {"shows": [partial]}) == {4, 6}
    bare = {"ids": {"trakt": 1388, "tvdb": 81189}}
    assert match_not_found(body, {"shows": [bare]}) == {3, 4, 5, 6}


def test_not_found_loose_echo() -> None:
    """An echo that differs from what was sent but has its ids flags every item with them."""
    body = request_body(_mixed())
    echo = {"ids": dict(body.json["movies"][0]["ids"]), "watched_at": "2024-05-01T20:31:59Z"}
    assert match_not_found(body, {"movies": [echo]}) == {0, 1}


def test_not_found_garbage_ignored() -> None:
    """Unknown categories, non-objects and echoes matching nothing flag nothing."""
    body = request_body(_mixed())
    assert match_not_found(body, None) == set()
    assert (
        match_not_found(body, {"movies": "x", "people": [{}], "episodes": [1, {"ids": {}}]})
        == set()
    )
    assert match_not_found(body, {"movies": [{"ids": {"tmdb": 1}}]}) == set()


def _subset(data: st.DataObject, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not objects:
        return []
    return data.draw(st.lists(st.sampled_from(objects), unique_by=id))


TRIPLES = st.lists(st.tuples(st.integers(1, 3), st.integers(0, 3), st.integers(1, 4)), max_size=12)


@given(TRIPLES, st.data())
def test_not_found_echo_of_any_subset(triples: list[tuple[int, int, int]], data: Any) -> None:
    """Echoing any subset of the sent movies and whole shows flags exactly the items in them."""
    episodes: list[tuple[MediaRef, dict[str, Any]]] = [
        (ep(s, e, show=Ids(tvdb=show)), {}) for show, s, e in triples
    ]
    movies = [(MediaRef("movie", Ids(tmdb=show * 100 + s)), {"n": e}) for show, s, e in triples]
    body = request_body([*episodes, *movies])
    echoed_shows = _subset(data, body.json["shows"])
    echoed_movies = copy.deepcopy(_subset(data, body.json["movies"]))
    shown = [show["ids"] for show in echoed_shows]
    expected = {i for i, (media, _) in enumerate(episodes) if media.show_ids.as_dict() in shown}  # type: ignore[union-attr]
    expected |= {
        len(episodes) + i
        for i, (media, extra) in enumerate(movies)
        if {"ids": media.ids.as_dict(), **extra} in echoed_movies
    }
    assert match_not_found(body, {"shows": echoed_shows, "movies": echoed_movies}) == expected


def test_sent_by_title_when_trakt_knows_no_id_of_the_item() -> None:
    """Movies with only ids Trakt lacks (plex, a movie's tvdb) go by title; the rest by ids."""
    plex = Ids(other={"plex": "336102"})
    assert sent_by_title(MediaRef("movie", plex, title="The Matrix", year=1999))
    assert sent_by_title(MediaRef("movie", Ids(tvdb=5), title="The Matrix", year=1999))
    assert not sent_by_title(MediaRef("movie", Ids(tmdb=603), title="The Matrix", year=1999))
    assert not sent_by_title(MediaRef("movie", plex))  # no title: not sent at all
    assert not sent_by_title(MediaRef("show", Ids(tvdb=81189), title="Lost"))
    episode = MediaRef("episode", show_ids=Ids(tvdb=81189), season=1, episode=2)
    assert not sent_by_title(episode)
