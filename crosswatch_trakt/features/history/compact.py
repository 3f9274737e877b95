"""Trakt history rows straight into the cache's compact rows, page by page (issue 27).

A full walk keeps each page as compact rows (``rows.ROW_FIELDS``) and nothing else: no
``Play`` is built and the page's JSON is dropped. A well-formed movie or episode row takes a
fast path that builds the row from the JSON values; anything else (ids that need cleaning, an
odd field, no ids) takes the general path, ``play_row(trakt_history_row(row))``, which gives
the same row or raises the same error (``tests/features/test_compact_rows.py``). Equal titles
within a walk and equal actions share one string.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crosswatch_trakt.features.history.rows import play_row
from crosswatch_trakt.media.traktrows import episode_parts, movie_parts, trakt_history_row
from crosswatch_trakt.support.dates import trakt_datetime, utc_minute_text

__all__ = ["compact_row", "compact_rows"]

#: Trakt's actions, so every play of one action shares the string
_ACTIONS = {"watch": "watch", "scrobble": "scrobble", "checkin": "checkin"}


def compact_rows(
    rows: Iterable[Any], media_type: str | None = None, texts: dict[str, str] | None = None
) -> list[list[Any]]:
    """Return the compact row of each history row (``ValueError`` for a malformed one).

    ``texts`` shares equal titles (between the pages of a walk when the caller keeps it).
    """
    shared: dict[str, str] = {} if texts is None else texts
    return [compact_row(row, media_type, shared) for row in rows]


def compact_row(
    row: Any, media_type: str | None = None, texts: dict[str, str] | None = None
) -> list[Any]:
    """Return ``play_row(trakt_history_row(row, media_type))``, faster for what Trakt sends.

    ``texts`` shares equal titles between the rows of one call.
    """
    if type(row) is dict:
        fast = _fast(row, {} if texts is None else texts)
        if fast is not None:
            return fast
    return play_row(trakt_history_row(row, media_type))


def _best(values: tuple[Any, ...]) -> str | None:
    """``keys._best`` of normal id values (tmdb > imdb > tvdb > trakt > slug)."""
    trakt, slug, imdb, tmdb, tvdb = values
    if tmdb is not None:
        return f"tmdb:{tmdb}"
    if imdb is not None:
        return f"imdb:{imdb}"
    if tvdb is not None:
        return f"tvdb:{tvdb}"
    if trakt is not None:
        return f"trakt:{trakt}"
    return None if slug is None else f"slug:{slug}"


def _ids(values: tuple[Any, ...], raw: dict[str, Any]) -> dict[str, Any]:
    """``Ids.as_dict`` of normal id values (``raw`` itself when it holds just those)."""
    if len(raw) + values.count(None) == 5:
        return raw  # no null and no other name: kept as sent
    trakt, slug, imdb, tmdb, tvdb = values
    ids: dict[str, Any] = {}
    if trakt is not None:
        ids["trakt"] = trakt
    if slug is not None:
        ids["slug"] = slug
    if imdb is not None:
        ids["imdb"] = imdb
    if tmdb is not None:
        ids["tmdb"] = tmdb
    if tvdb is not None:
        ids["tvdb"] = tvdb
    return ids


def _shared(text: Any, texts: dict[str, str]) -> str | None:
    """Return ``text`` if a string (the one already in ``texts`` when equal), else None."""
    return texts.setdefault(text, text) if type(text) is str else None


def _minute(watched_at: Any) -> str | None:
    """Return the UTC minute (``2024-05-01T20:31``) of Trakt's own date-time text, else None."""
    return utc_minute_text(trakt_datetime(watched_at))


def _fast(row: dict[str, Any], texts: dict[str, str]) -> list[Any] | None:
    """Return the compact row of a well-formed movie or episode row; None for anything else."""
    history_id = row.get("id")
    if type(history_id) is not int:
        return None
    minute = _minute(row.get("watched_at"))
    if minute is None:
        return None
    stamp = minute + ":00.000Z"
    action = row.get("action")
    action = _ACTIONS.get(action, action) if type(action) is str else None
    media_type = row.get("type")
    if media_type == "episode":
        parts = episode_parts(row)
        if parts is None:
            return None
        data, show, own, show_values, season, number = parts
        best = _best(show_values)
        if best is None:
            return None  # no show ids: the episode's own key, by the general path
        title, show_title = data.get("title"), show.get("title")
        return [
            history_id,
            stamp,
            action,
            f"show:{best}#s{season:02d}e{number:02d}@{minute}Z",
            "episode",
            _shared(title, texts),
            None,
            _ids(own, data["ids"]),
            _ids(show_values, show["ids"]),
            _shared(show_title, texts),
            season,
            number,
        ]
    if media_type != "movie":
        return None
    movie = movie_parts(row)
    if movie is None:
        return None
    year = movie[0].get("year")
    return [
        history_id,
        stamp,
        action,
        f"movie:{_best(movie[1])}@{minute}Z",
        "movie",
        _shared(movie[0].get("title"), texts),
        year if type(year) is int else None,
        _ids(movie[1], movie[0]["ids"]),
        None,
        None,
        None,
        None,
    ]
