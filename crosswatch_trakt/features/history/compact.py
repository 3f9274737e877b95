"""Trakt history rows straight into the cache's compact rows, page by page (issue 27).

A full walk keeps each page as compact rows (``rows.ROW_FIELDS``) and nothing else: no
``Play`` is built and the page's JSON is dropped. A well-formed movie or episode row takes a
fast path that builds the row from the JSON values; anything else (ids that need cleaning, an
odd field, no ids) takes the general path, ``play_row(trakt_history_row(row))``, which gives
the same row or raises the same error (``tests/features/test_compact_rows.py``).

What the rows of one walk share is kept in its ``Shared``: equal titles are one string, and a
show's ids (sent again with each of its episodes) are checked once: an episode whose show ids
equal, value and type, ids already seen takes their key and five values. A row is a tuple
(``rows.Row``), which the garbage collector leaves alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from crosswatch_trakt.features.history.rows import Row, play_row
from crosswatch_trakt.media.keys import NormalValues, normal_values
from crosswatch_trakt.media.traktrows import movie_parts, trakt_history_row
from crosswatch_trakt.support.dates import trakt_datetime, utc_minute_text

__all__ = ["Shared", "compact_row", "compact_rows"]

#: Trakt's actions, so every play of one action shares the string
_ACTIONS = {"watch": "watch", "scrobble": "scrobble", "checkin": "checkin"}
#: the types a numeric id equal to a normal one may have and still be that normal id
_EXACT = frozenset({int, type(None)})


@attrs.define
class Shared:
    """What the compact rows of one walk share: equal titles, and the shows' checked ids.

    ``shows`` maps a show's Trakt id to its raw ids as first seen, its best key part and its
    five id values (``rows.ids_field``).
    """

    texts: dict[str, str] = attrs.Factory(dict)
    shows: dict[int, tuple[dict[str, Any], str, NormalValues]] = attrs.Factory(dict)

    def text(self, text: Any) -> str | None:
        """Return ``text`` if a string (the one already kept when equal), else None."""
        return self.texts.setdefault(text, text) if type(text) is str else None

    def show(self, raw: Any) -> tuple[str, NormalValues] | None:
        """Return the best key part and id values of a show's normal ids; None otherwise.

        Ids equal to ones already seen are taken from ``shows`` when their numbers are
        exact ints too (``1399.0`` equals ``1399`` but is not a normal id).
        """
        if type(raw) is not dict:
            return None
        trakt = raw.get("trakt")
        seen = self.shows.get(trakt) if type(trakt) is int else None
        if (
            seen is not None
            and seen[0] == raw
            and type(raw.get("tmdb")) in _EXACT
            and type(raw.get("tvdb")) in _EXACT
        ):
            return seen[1], seen[2]
        values = normal_values(raw)
        best = None if values is None else _best(values)
        if values is None or best is None:
            return None
        if type(trakt) is int:
            self.shows[trakt] = (raw, best, values)
        return best, values


def compact_rows(
    rows: Iterable[Any], media_type: str | None = None, shared: Shared | None = None
) -> list[Row]:
    """Return the compact row of each history row (``ValueError`` for a malformed one).

    ``shared``: what the rows share (between the pages of a walk when the caller keeps it).
    """
    memo = Shared() if shared is None else shared
    out: list[Row] = []
    for row in rows:  # compact_row, inlined: this runs 100,000 times in a maxed walk
        fast = _fast(row, memo) if type(row) is dict else None
        out.append(fast if fast is not None else play_row(trakt_history_row(row, media_type)))
    return out


def compact_row(row: Any, media_type: str | None = None, shared: Shared | None = None) -> Row:
    """Return ``play_row(trakt_history_row(row, media_type))``, faster for what Trakt sends.

    ``shared``: what the rows of one walk share (``Shared``).
    """
    if type(row) is dict:
        fast = _fast(row, Shared() if shared is None else shared)
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


def _minute(value: Any) -> str | None:
    """Return the UTC minute (``2024-05-01T20:31``) of Trakt's own date-time text, else None.

    Trakt's shape (``2024-05-01T20:31:07.000Z``, year 1000 on) is its own first 16
    characters once Python reads it as a date-time; anything else takes the general way.
    """
    if (
        type(value) is str
        and len(value) == 24
        and value[4:20:3] == "--T::."  # the separators at 4, 7, 10, 13, 16 and 19
        and value[23] == "Z"
        and value[0] != "0"
        and value[11:13] < "24"  # a parser reading 24:00 as the next midnight: the general way
    ):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return None
        return value[:16]
    return utc_minute_text(trakt_datetime(value))


def _fast(row: dict[str, Any], shared: Shared) -> tuple[Any, ...] | None:
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
        data, show = row.get("episode"), row.get("show")
        if type(data) is not dict or type(show) is not dict:
            return None
        shown = shared.show(show.get("ids"))
        if shown is None:
            return None  # no usable show ids (the episode's own key): the general path
        own = normal_values(data.get("ids"))
        season, number = data.get("season"), data.get("number")
        if own is None or type(season) is not int or type(number) is not int:
            return None
        if season < 0 or number < 0:
            return None
        texts, title, show_title = shared.texts, data.get("title"), show.get("title")
        return (
            history_id,
            stamp,
            action,
            "show:%s#s%02de%02d@%sZ" % (shown[0], season, number, minute),  # noqa: UP031
            "episode",
            texts.setdefault(title, title) if type(title) is str else None,
            None,
            own,
            shown[1],
            texts.setdefault(show_title, show_title) if type(show_title) is str else None,
            season,
            number,
        )
    if media_type != "movie":
        return None
    movie = movie_parts(row)
    if movie is None:
        return None
    year = movie[0].get("year")
    return (
        history_id,
        stamp,
        action,
        f"movie:{_best(movie[1])}@{minute}Z",
        "movie",
        shared.text(movie[0].get("title")),
        year if type(year) is int else None,
        movie[1],
        None,
        None,
        None,
        None,
    )
