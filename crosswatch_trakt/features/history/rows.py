"""The compact rows the history cache stores plays as (``ROW_FIELDS``), both ways.

A row is a JSON array of the play's history id, minute, action and key and its media
fields; ``check_row`` refuses a row a cache should not be trusted with.

Ids (``ids``, ``show_ids``) come in one of two forms: the five values ``[trakt, slug, imdb,
tmdb, tvdb]`` of ids that are normal and have no other namespace (``keys.normal_values``),
or an object of any ids (``Ids.as_dict``). A walk builds its rows as tuples with the five
values: a tuple of plain values is left alone by Python's garbage collector, so 100,000 of
them cost its full collections nothing (issue 27). Loaded from disk a row is a list; either
is read the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, TypeAlias

from crosswatch_trakt.media.keys import (
    NormalValues,
    normal_values,
    normalize_ids,
    play_key,
    remembered_ids,
)
from crosswatch_trakt.media.models import MEDIA_TYPES, Ids, MediaRef, Play, normal_ids
from crosswatch_trakt.support.dates import format_datetime, parse_datetime

__all__ = [
    "ROW_FIELDS",
    "Row",
    "check_row",
    "ids_field",
    "play_row",
    "row_host",
    "row_play",
    "values_dict",
]

ROW_FIELDS = (
    "history_id",
    "watched_at",
    "action",
    "key",
    "type",
    "title",
    "year",
    "ids",
    "show_ids",
    "show_title",
    "season",
    "episode",
)

#: a compact row: a tuple as a walk builds it, a list as loaded from disk
Row: TypeAlias = Sequence[Any]


def check_row(row: Any) -> None:
    """Raise ``ValueError`` unless ``row`` is a cached play as ``play_row`` writes it."""
    if type(row) not in (list, tuple) or len(row) != len(ROW_FIELDS):
        raise ValueError(f"a cached play must be a list of {len(ROW_FIELDS)}: {row!r:.80}")
    history_id, watched_at, action, key, media_type, title, year = row[:7]
    ids, show_ids, show_title, season, episode = row[7:]
    if not (
        (history_id is None or type(history_id) is int)
        and type(watched_at) is str
        and (action is None or type(action) is str)
        and type(key) is str
        and media_type in MEDIA_TYPES
        and (title is None or type(title) is str)
        and (year is None or type(year) is int)
        and type(ids) in (dict, list, tuple)
        and (show_ids is None or type(show_ids) in (dict, list, tuple))
        and (show_title is None or type(show_title) is str)
        and (season is None or type(season) is int)
        and (episode is None or type(episode) is int)
    ):
        raise ValueError(f"a cached play has a bad field: {row!r:.120}")
    if watched_at != "released" and not _stored_minute(watched_at):
        raise ValueError(f"a cached play has a bad watched_at: {watched_at!r:.40}")
    if not _stored_ids(ids) or (show_ids is not None and not _stored_ids(show_ids)):
        raise ValueError(f"a cached play has ids that are not normal: {row!r:.120}")


def ids_field(ids: Ids) -> NormalValues | dict[str, Any]:
    """Return a row's form of ``ids``: its five values, or ``as_dict`` when it has others."""
    if ids.other:
        return ids.as_dict()
    return (ids.trakt, ids.slug, ids.imdb, ids.tmdb, ids.tvdb)


def values_dict(values: Sequence[Any]) -> dict[str, Any]:
    """Return ``Ids.as_dict`` of a row's five id values (the non-null ones, in that order)."""
    trakt, slug, imdb, tmdb, tvdb = values
    result: dict[str, Any] = {}
    if trakt is not None:
        result["trakt"] = trakt
    if slug is not None:
        result["slug"] = slug
    if imdb is not None:
        result["imdb"] = imdb
    if tmdb is not None:
        result["tmdb"] = tmdb
    if tvdb is not None:
        result["tvdb"] = tvdb
    return result


def _field_ids(field: Any, *, remember: bool = False) -> Ids:
    """Return the ``Ids`` of a row's ids field (either form)."""
    if type(field) is dict:
        return normalize_ids(field, remember=remember)
    values = tuple(field)
    return remembered_ids(values) if remember else normal_ids(*values)


def _stored_ids(ids: Any) -> bool:
    """Return whether a row's ids field is what ``ids_field`` gives (host items equal plays')."""
    if type(ids) is not dict:  # five values: normal (exact types) is all there is to check
        return len(ids) == 5 and normal_values(values_dict(ids)) is not None
    values = normal_values(ids)
    if values is not None and len(ids) == len(values) - values.count(None):
        return True  # standard namespaces only, every one normal and not null
    return normalize_ids(ids).as_dict() == ids


def _stored_minute(text: str) -> bool:
    """Return whether ``text`` is ``format_datetime`` of a UTC minute (year 1000 on)."""
    if len(text) != 24 or not text.endswith(":00.000Z") or text[0] == "0":
        return False
    try:
        return parse_datetime(text).year >= 1000
    except ValueError:
        return False


def play_row(play: Play) -> tuple[Any, ...]:
    """Return the compact row of ``play`` (``ROW_FIELDS``)."""
    media, at = play.media, play.watched_at
    return (
        play.history_id,
        at if isinstance(at, str) else format_datetime(at),
        play.action,
        play_key(media, at),
        media.type,
        media.title,
        media.year,
        ids_field(media.ids),
        None if media.show_ids is None else ids_field(media.show_ids),
        media.show_title,
        media.season,
        media.episode,
    )


def row_play(row: Row) -> Play:
    """Build the ``Play`` a compact row was written from (``play_row``'s inverse)."""
    history_id, watched_at, action, _key, media_type, title, year = row[:7]
    ids, show_ids, show_title, season, episode = row[7:]
    media = MediaRef(
        media_type,
        _field_ids(ids),
        title,
        year,
        None if show_ids is None else _field_ids(show_ids, remember=True),
        show_title,
        season,
        episode,
    )
    at: datetime | Literal["released"] = (
        "released" if watched_at == "released" else parse_datetime(watched_at)
    )
    return Play(media, at, action, history_id)


def _host_ids(field: Any, own: bool) -> dict[str, Any]:
    """Return a host item's ids from a row's field: its own dict, never one shared."""
    if type(field) is not dict:
        return values_dict(field)
    if own:
        return field  # the row is dropped after this: its dict becomes the host item's
    copy = dict(field)
    for name, value in copy.items():
        if type(value) is dict:
            copy[name] = dict(value)
    return copy


def row_host(row: Row, *, own: bool = False) -> dict[str, Any]:
    """Return the host item of a compact row: ``hostitems.play_to_host`` of its play.

    ``own``: the row is dropped after this, so the host item takes its ids dicts instead of
    copies (one copy of the data, never two).
    """
    history_id, watched_at, action, _key, media_type, title, year, ids, show_ids = row[:9]
    ids = values_dict(ids) if type(ids) is not dict else _host_ids(ids, own)
    if media_type != "season" and media_type != "episode":
        return {
            "type": media_type,
            "title": title,
            "year": year,
            "ids": ids,
            "watched_at": watched_at,
            "action": action,
            "trakt_history_id": history_id,
        }
    if show_ids is not None:
        show_ids = values_dict(show_ids) if type(show_ids) is not dict else _host_ids(show_ids, own)
    host = {
        "type": media_type,
        "title": title,
        "year": year,
        "ids": ids,
        "show_ids": show_ids,
        "show_title": row[9],
        "season": row[10],
        "episode": row[11],
        "watched_at": watched_at,
        "action": action,
        "trakt_history_id": history_id,
    }
    if media_type == "season":
        del host["episode"]
    return host
