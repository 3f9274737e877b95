"""The compact rows the history cache stores plays as (``ROW_FIELDS``), both ways.

A row is a JSON array of the play's history id, minute, action and key and its media
fields; ``check_row`` refuses a row a cache should not be trusted with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from crosswatch_trakt.media.keys import normal_values, normalize_ids, play_key
from crosswatch_trakt.media.models import MEDIA_TYPES, MediaRef, Play
from crosswatch_trakt.support.dates import format_datetime, parse_datetime

__all__ = ["ROW_FIELDS", "check_row", "play_row", "row_host", "row_play"]

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


def check_row(row: Any) -> None:
    """Raise ``ValueError`` unless ``row`` is a cached play as ``_play_row`` writes it."""
    if type(row) is not list or len(row) != len(ROW_FIELDS):
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
        and type(ids) is dict
        and (show_ids is None or type(show_ids) is dict)
        and (show_title is None or type(show_title) is str)
        and (season is None or type(season) is int)
        and (episode is None or type(episode) is int)
    ):
        raise ValueError(f"a cached play has a bad field: {row!r:.120}")
    if watched_at != "released" and not _stored_minute(watched_at):
        raise ValueError(f"a cached play has a bad watched_at: {watched_at!r:.40}")
    if not _stored_ids(ids) or (show_ids is not None and not _stored_ids(show_ids)):
        raise ValueError(f"a cached play has ids that are not normal: {row!r:.120}")


def _stored_ids(ids: dict[str, Any]) -> bool:
    """Return whether ``ids`` is what ``Ids.as_dict`` gives (so host items equal the plays')."""
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


def play_row(play: Play) -> list[Any]:
    """Return the compact row of ``play`` (``ROW_FIELDS``)."""
    media, at = play.media, play.watched_at
    return [
        play.history_id,
        at if isinstance(at, str) else format_datetime(at),
        play.action,
        play_key(media, at),
        media.type,
        media.title,
        media.year,
        media.ids.as_dict(),
        None if media.show_ids is None else media.show_ids.as_dict(),
        media.show_title,
        media.season,
        media.episode,
    ]


def row_play(row: list[Any]) -> Play:
    """Build the ``Play`` a compact row was written from (``_play_row``'s inverse)."""
    history_id, watched_at, action, _key, media_type, title, year = row[:7]
    ids, show_ids, show_title, season, episode = row[7:]
    media = MediaRef(
        media_type,
        normalize_ids(ids),
        title,
        year,
        None if show_ids is None else normalize_ids(show_ids, remember=True),
        show_title,
        season,
        episode,
    )
    at: datetime | Literal["released"] = (
        "released" if watched_at == "released" else parse_datetime(watched_at)
    )
    return Play(media, at, action, history_id)


def _copy_ids(ids: dict[str, Any]) -> dict[str, Any]:
    """Copy an ids dict (nested namespaces too) so a host item owns its own."""
    copy = dict(ids)
    for name, value in copy.items():
        if type(value) is dict:
            copy[name] = dict(value)
    return copy


def row_host(row: list[Any], *, own: bool = False) -> dict[str, Any]:
    """Return the host item of a compact row: ``hostitems.play_to_host`` of its play.

    ``own``: the row is dropped after this, so the host item takes its ids dicts instead of
    copies (one copy of the data, never two).
    """
    history_id, watched_at, action, _key, media_type, title, year, ids = row[:8]
    host: dict[str, Any] = {
        "type": media_type,
        "title": title,
        "year": year,
        "ids": ids if own else _copy_ids(ids),
    }
    if media_type in ("season", "episode"):
        show_ids = row[8]
        host["show_ids"] = show_ids if show_ids is None or own else _copy_ids(show_ids)
        host["show_title"] = row[9]
        host["season"] = row[10]
    if media_type == "episode":
        host["episode"] = row[11]
    host["watched_at"] = watched_at
    host["action"] = action
    host["trakt_history_id"] = history_id
    return host
