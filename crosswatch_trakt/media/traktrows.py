"""Trakt JSON rows -> models: watchlist, ratings, history and collection rows.

Malformed rows raise ``ValueError`` (callers turn it into ``IncompleteRead``). A
well-formed history row takes a fast path that builds the play without the converter;
anything unusual falls back to the general path, which gives the same result or error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from crosswatch_trakt.media.keys import (
    NormalValues,
    has_item_key,
    normal_values,
    normalize_ids,
    remembered_ids,
)
from crosswatch_trakt.media.models import (
    MEDIA_TYPES,
    CollectionEntry,
    Ids,
    MediaRef,
    MediaType,
    Play,
    Rating,
    WatchlistEntry,
    normal_ids,
    normal_play,
)
from crosswatch_trakt.support.dates import parse_datetime, trakt_datetime

__all__ = [
    "ENDPOINT_TYPES",
    "EpisodeParts",
    "endpoint_type",
    "episode_parts",
    "movie_parts",
    "trakt_collection_rows",
    "trakt_history_row",
    "trakt_media",
    "trakt_rating_row",
    "trakt_watchlist_row",
]


def _object(value: Any, what: str) -> Mapping[str, Any]:
    if type(value) is dict:
        return value
    if not isinstance(value, Mapping):
        raise ValueError(f"Trakt {what} is not an object: {value!r:.120}")
    return value


def _number(obj: Mapping[str, Any], name: str, what: str) -> int:
    value = obj.get(name)
    if type(value) is not int or value < 0:
        raise ValueError(f"Trakt {what} has no valid {name!r}: {value!r:.40}")
    return value


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if type(value) is int else None


def _ids(obj: Mapping[str, Any], what: str) -> Ids:
    raw = obj.get("ids") or {}
    return normalize_ids(raw if type(raw) is dict else _object(raw, f"{what} ids"))


def _show_ids(show: Mapping[str, Any]) -> Ids:
    raw = show.get("ids") or {}
    if type(raw) is not dict:
        raw = _object(raw, "show ids")
    return normalize_ids(raw, remember=True)  # the same show comes with each of its episodes


def _when(row: Mapping[str, Any], name: str) -> datetime | None:
    value = row.get(name)
    return None if value is None else parse_datetime(value)


def trakt_media(media_type: str, obj: Any, show: Mapping[str, Any] | None = None) -> MediaRef:
    """Build a ``MediaRef`` from a Trakt movie/show object or season/episode + show objects."""
    data = _object(obj, media_type)
    show_data = _object(show, "show") if show is not None else None
    show_ids = _show_ids(show_data) if show_data is not None else None
    show_title = _text(show_data.get("title")) if show_data is not None else None
    # positional, in MediaRef's order: type, ids, title, year, show_ids, show_title, season,
    # episode (the checks run in the same order as before, so the first error is the same)
    if media_type == "episode":
        media = MediaRef(
            "episode",
            _ids(data, "episode"),
            _text(data.get("title")),
            None,
            show_ids,
            show_title,
            _number(data, "season", "episode"),
            _number(data, "number", "episode"),
        )
    elif media_type == "movie" or media_type == "show":
        media = MediaRef(
            cast(MediaType, media_type),
            _ids(data, media_type),
            _text(data.get("title")),
            _int(data.get("year")),
        )
    elif media_type == "season":
        media = MediaRef(
            "season",
            _ids(data, "season"),
            _text(data.get("title")),
            None,
            show_ids,
            show_title,
            _number(data, "number", "season"),
        )
    else:
        raise ValueError(f"unknown Trakt media type: {media_type!r:.40}")
    if not has_item_key(media):
        raise ValueError(f"Trakt {media_type} has no usable ids: {obj!r:.120}")
    return media


#: the singular media type of an endpoint's ``{type}`` segment (``/sync/ratings/movies``)
ENDPOINT_TYPES: dict[str, MediaType] = {
    "movies": "movie",
    "shows": "show",
    "seasons": "season",
    "episodes": "episode",
}


def endpoint_type(segment: str | None) -> MediaType | None:
    """Return the media type an endpoint's ``{type}`` segment names (``None``: all types)."""
    return ENDPOINT_TYPES.get(segment or "")


def _row_type(data: Mapping[str, Any], default: str | None) -> Any:
    """Return the row's ``type``; a row without one takes the endpoint's, else its object's.

    Rows recorded from the live API (``/sync/ratings/{type}`` in 2015) come without
    ``type``; the path they came from names it. Without a path type, the one media object
    the row holds names it (``episode`` or ``season`` rows carry their ``show`` too).
    """
    media_type = data.get("type")
    if media_type is not None:
        return media_type
    if default is not None:
        return default
    for candidate in ("episode", "season", "movie", "show"):
        if isinstance(data.get(candidate), Mapping):
            return candidate
    return None


def _row_media(row: Any, default: str | None = None) -> tuple[Mapping[str, Any], MediaRef]:
    data = _object(row, "row")
    media_type = _row_type(data, default)
    if media_type not in MEDIA_TYPES:
        raise ValueError(f"Trakt row has an unknown type: {media_type!r:.40}")
    return data, trakt_media(media_type, data.get(media_type), data.get("show"))


def trakt_watchlist_row(row: Any, media_type: str | None = None) -> WatchlistEntry:
    """Build a ``WatchlistEntry`` from a ``GET /sync/watchlist`` row (typed by ``media_type``)."""
    data, media = _row_media(row, media_type)
    return WatchlistEntry(media, _when(data, "listed_at"), _text(data.get("notes")))


def trakt_rating_row(row: Any, media_type: str | None = None) -> Rating:
    """Build a ``Rating`` from a ``GET /sync/ratings`` row (a rating outside 1-10 raises).

    ``media_type`` is the type the path names (``/sync/ratings/movies``: ``movie``), used
    when the row has no ``type`` of its own.
    """
    data, media = _row_media(row, media_type)
    rating = data.get("rating")
    if type(rating) is not int:
        raise ValueError(f"Trakt rating row has no integer rating: {rating!r:.40}")
    return Rating(media, rating, _when(data, "rated_at"))


def trakt_history_row(row: Any, media_type: str | None = None) -> Play:
    """Build a ``Play`` from a ``GET /sync/history`` row (history id, watched_at, action).

    ``media_type`` is the type the path names, used when the row has no ``type``.
    """
    if type(row) is dict:
        play = _history_row_fast(row)
        if play is not None:
            return play
    return _history_row(row, media_type)


def _history_row(row: Any, media_type: str | None = None) -> Play:
    """Build the play of any row with every check (``trakt_history_row``'s general path)."""
    data, media = _row_media(row, media_type)
    watched_at = _when(data, "watched_at")
    if watched_at is None:
        raise ValueError(f"Trakt history row has no watched_at: {row!r:.120}")
    history_id = _int(data.get("id"))
    if history_id is None:
        raise ValueError(f"Trakt history row has no id: {row!r:.120}")
    return Play(media, watched_at, _text(data.get("action")), history_id)


_NO_IDS = (None, None, None, None, None)

#: a well-formed episode row's parts: episode and show objects, their id values, the numbers
EpisodeParts = tuple[dict[str, Any], dict[str, Any], NormalValues, NormalValues, int, int]


def movie_parts(row: dict[str, Any]) -> tuple[dict[str, Any], NormalValues] | None:
    """Return the movie object and id values of a movie row with normal ids (not all null)."""
    data = row.get("movie")
    if type(data) is not dict or row.get("show") is not None:
        return None
    ids = normal_values(data.get("ids"))
    if ids is None or ids == _NO_IDS:
        return None
    return data, ids


def episode_parts(row: dict[str, Any]) -> EpisodeParts | None:
    """Return the parts of an episode row whose ids are normal and numbers valid, else None."""
    data, show = row.get("episode"), row.get("show")
    if type(data) is not dict or type(show) is not dict:
        return None
    ids, show_ids = normal_values(data.get("ids")), normal_values(show.get("ids"))
    season, number = data.get("season"), data.get("number")
    if (
        ids is None
        or show_ids is None
        or type(season) is not int
        or type(number) is not int
        or season < 0
        or number < 0
    ):
        return None
    return data, show, ids, show_ids, season, number


def _history_row_fast(row: dict[str, Any]) -> Play | None:
    """``trakt_history_row`` of a well-formed movie or episode row; None for anything else.

    The general path's steps without its checks of what JSON rows always are (dicts of
    dicts) and with the trusted constructors; any surprise (a missing or odd field, ids that
    need cleaning, no ids) returns None, and the general path gives the result or raises the
    error. A show's ids come with each of its episodes: equal ones share one ``Ids``.
    """
    media_type = row.get("type")
    if media_type == "episode":
        parts = episode_parts(row)
        if parts is None:
            return None
        data, show, ids, show_ids, season, number = parts
        title, show_title = data.get("title"), show.get("title")
        if ids == _NO_IDS and show_ids == _NO_IDS:
            return None
        media = MediaRef(
            "episode",
            normal_ids(*ids),
            title if isinstance(title, str) else None,
            None,
            remembered_ids(show_ids),
            show_title if isinstance(show_title, str) else None,
            season,
            number,
        )
    elif media_type == "movie":
        movie = movie_parts(row)
        if movie is None:
            return None  # no ids: the general path keys it by title or raises
        title, year = movie[0].get("title"), movie[0].get("year")
        ids = movie[1]
        media = MediaRef(
            "movie",
            normal_ids(*ids),
            title if isinstance(title, str) else None,
            year if type(year) is int else None,
        )
    else:
        return None
    watched_at, history_id = row.get("watched_at"), row.get("id")
    if type(history_id) is not int:
        return None
    when = trakt_datetime(watched_at)
    if when is None:
        return None
    action = row.get("action")
    return normal_play(media, when, action if isinstance(action, str) else None, history_id)


def trakt_collection_rows(row: Any) -> list[CollectionEntry]:
    """Build the entries of a ``GET /sync/collection/{movies|shows}`` row (shows: per episode)."""
    data = _object(row, "collection row")
    if "movie" in data:
        collected = _when(data, "collected_at")
        if collected is None:
            raise ValueError(f"Trakt collection row has no collected_at: {row!r:.120}")
        return [CollectionEntry(trakt_media("movie", data["movie"]), collected)]
    show = _object(data.get("show"), "collection row show")
    entries: list[CollectionEntry] = []
    for season in data.get("seasons") or []:
        season_data = _object(season, "collection season")
        for episode in season_data.get("episodes") or []:
            episode_data = _object(episode, "collection episode")
            collected = _when(episode_data, "collected_at")
            if collected is None:
                raise ValueError(f"Trakt collection episode has no collected_at: {episode!r:.80}")
            number = _number(episode_data, "number", "collection episode")
            season_no = _number(season_data, "number", "collection season")
            obj = {"season": season_no, "number": number, "ids": episode_data.get("ids")}
            entries.append(CollectionEntry(trakt_media("episode", obj, show), collected))
    return entries
