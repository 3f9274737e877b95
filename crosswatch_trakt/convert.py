"""The one private cattrs converter, date-times, and Trakt JSON rows -> models.

Every structure error is re-raised as one of our own errors by the caller's choice
(``ConfigError``, ``StateError``) or turned into a per-item problem with a reason code.
The models (``Ids`` in Trakt's shape, ``Play`` with ``released``) have hooks here, so
state documents can hold them. Host dicts are converted in ``mediaconv``, request
bodies are built in ``bodies``. Malformed Trakt rows raise ``ValueError`` (callers turn
it into ``IncompleteRead`` or similar).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Literal, TypeVar, cast

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from crosswatch_trakt.keys import item_key, normalize_ids
from crosswatch_trakt.models import (
    MEDIA_TYPES,
    CollectionEntry,
    Ids,
    MediaRef,
    MediaType,
    Play,
    Rating,
    WatchlistEntry,
    with_minute,
)

__all__ = [
    "error_messages",
    "format_datetime",
    "parse_datetime",
    "structure",
    "trakt_collection_rows",
    "trakt_history_row",
    "trakt_media",
    "trakt_rating_row",
    "trakt_watchlist_row",
    "unstructure",
    "with_minute",
]

T = TypeVar("T")

_converter = cattrs.Converter(forbid_extra_keys=False)


def parse_datetime(value: str) -> datetime:
    """Parse an ISO-8601 date-time (``Z``, offsets, with or without milliseconds) to aware UTC.

    A naive value is taken as UTC. Raises ``ValueError`` when it is not a date-time.
    """
    if not isinstance(value, str) or "T" not in value:
        raise ValueError(f"not an ISO-8601 date-time: {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def format_datetime(value: datetime) -> str:
    """Render an aware date-time as Trakt does: UTC, milliseconds, ``Z``."""
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _structure_datetime(value: Any, _type: type) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc)
    return parse_datetime(value)


def _strict_bool(value: Any, _type: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _strict_int(value: Any, _type: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _strict_float(value: Any, _type: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def _strict_str(value: Any, _type: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _structure_play_time(value: Any, _type: Any) -> datetime | Literal["released"]:
    return "released" if value == "released" else _structure_datetime(value, datetime)


def _unstructure_play_time(value: datetime | Literal["released"]) -> str:
    return value if isinstance(value, str) else format_datetime(value)


_converter.register_structure_hook(datetime, _structure_datetime)
_converter.register_unstructure_hook(datetime, format_datetime)
_converter.register_structure_hook(Ids, lambda value, _type: normalize_ids(value))
_converter.register_unstructure_hook(Ids, Ids.as_dict)
_converter.register_structure_hook(
    Play,
    make_dict_structure_fn(Play, _converter, watched_at=override(struct_hook=_structure_play_time)),
)
_converter.register_unstructure_hook(
    Play,
    make_dict_unstructure_fn(
        Play, _converter, watched_at=override(unstruct_hook=_unstructure_play_time)
    ),
)
# No silent coercion: "yes" is not True, 7.5 is not 7, 8 is not "8".
_converter.register_structure_hook(bool, _strict_bool)
_converter.register_structure_hook(int, _strict_int)
_converter.register_structure_hook(float, _strict_float)
_converter.register_structure_hook(str, _strict_str)


def structure(data: Any, cls: type[T]) -> T:
    """Structure ``data`` into ``cls``; raises ``cattrs`` errors for the caller to translate."""
    return _converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """Unstructure an attrs object (or containers of them) to JSON-able data."""
    return _converter.unstructure(obj)


def error_messages(exc: BaseException) -> list[str]:
    """Turn a cattrs structure error into readable ``message @ $.path`` lines."""
    if isinstance(exc, cattrs.BaseValidationError):
        return cattrs.transform_error(exc)
    return [str(exc)]


# Trakt JSON -> models.


def _object(value: Any, what: str) -> Mapping[str, Any]:
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
    return normalize_ids(_object(obj.get("ids") or {}, f"{what} ids"))


def _when(row: Mapping[str, Any], name: str) -> datetime | None:
    value = row.get(name)
    return None if value is None else parse_datetime(value)


def trakt_media(media_type: str, obj: Any, show: Mapping[str, Any] | None = None) -> MediaRef:
    """Build a ``MediaRef`` from a Trakt movie/show object or season/episode + show objects."""
    data = _object(obj, media_type)
    show_data = _object(show, "show") if show is not None else None
    show_ids = _ids(show_data, "show") if show_data is not None else None
    show_title = _text(show_data.get("title")) if show_data is not None else None
    if media_type in ("movie", "show"):
        media = MediaRef(
            type=cast(MediaType, media_type),
            ids=_ids(data, media_type),
            title=_text(data.get("title")),
            year=_int(data.get("year")),
        )
    elif media_type == "season":
        media = MediaRef(
            type="season",
            ids=_ids(data, "season"),
            title=_text(data.get("title")),
            show_ids=show_ids,
            show_title=show_title,
            season=_number(data, "number", "season"),
        )
    elif media_type == "episode":
        media = MediaRef(
            type="episode",
            ids=_ids(data, "episode"),
            title=_text(data.get("title")),
            show_ids=show_ids,
            show_title=show_title,
            season=_number(data, "season", "episode"),
            episode=_number(data, "number", "episode"),
        )
    else:
        raise ValueError(f"unknown Trakt media type: {media_type!r:.40}")
    if item_key(media) is None:
        raise ValueError(f"Trakt {media_type} has no usable ids: {obj!r:.120}")
    return media


def _row_media(row: Any) -> tuple[Mapping[str, Any], MediaRef]:
    data = _object(row, "row")
    media_type = data.get("type")
    if media_type not in MEDIA_TYPES:
        raise ValueError(f"Trakt row has an unknown type: {media_type!r:.40}")
    return data, trakt_media(media_type, data.get(media_type), data.get("show"))


def trakt_watchlist_row(row: Any) -> WatchlistEntry:
    """Build a ``WatchlistEntry`` from a ``GET /sync/watchlist`` row."""
    data, media = _row_media(row)
    return WatchlistEntry(media, _when(data, "listed_at"), _text(data.get("notes")))


def trakt_rating_row(row: Any) -> Rating:
    """Build a ``Rating`` from a ``GET /sync/ratings`` row (a rating outside 1-10 raises)."""
    data, media = _row_media(row)
    rating = data.get("rating")
    if type(rating) is not int:
        raise ValueError(f"Trakt rating row has no integer rating: {rating!r:.40}")
    return Rating(media, rating, _when(data, "rated_at"))


def trakt_history_row(row: Any) -> Play:
    """Build a ``Play`` from a ``GET /sync/history`` row (history id, watched_at, action)."""
    data, media = _row_media(row)
    watched_at = _when(data, "watched_at")
    if watched_at is None:
        raise ValueError(f"Trakt history row has no watched_at: {row!r:.120}")
    history_id = _int(data.get("id"))
    if history_id is None:
        raise ValueError(f"Trakt history row has no id: {row!r:.120}")
    return Play(media, watched_at, _text(data.get("action")), history_id)


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
