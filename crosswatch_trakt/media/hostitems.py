"""Host item dicts <-> models.

``host_to_*`` never raise for bad input: they return the model or a ``Problem`` with a
``hostspec.REASONS`` code (``invalid_item``, ``missing_ids``, ``invalid_rating``,
``missing_watched_at``, ``invalid_watched_at``). A problem's key is, in order: the
``key=`` the caller passes (the host's own key for the item, which is what the host must
get back), the item's canonical key, ``invalid:#<index>`` when ``index=`` is given, else
``invalid:<12 hex digits of the sha1 of the item's canonical JSON>``.

``*_to_host`` give JSON-able dicts in the host's shape with every id
(``{type, title, year, ids, show_ids, show_title, season, episode, ...}``; the show
fields only for seasons and episodes). Host -> model -> host is lossless for
normalised input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal, TypeVar

from crosswatch_trakt.media.keys import item_key, normalize_ids
from crosswatch_trakt.media.models import (
    MEDIA_TYPES,
    CollectionEntry,
    Ids,
    MediaRef,
    Play,
    Problem,
    Rating,
    WatchlistEntry,
)
from crosswatch_trakt.support.dates import format_datetime, parse_datetime

__all__ = [
    "collection_to_host",
    "fallback_key",
    "history_id_of",
    "host_item_key",
    "host_to_collection",
    "host_to_media",
    "host_to_play",
    "host_to_rating",
    "host_to_watchlist",
    "media_to_host",
    "partition",
    "play_to_host",
    "rating_to_host",
    "watchlist_to_host",
]

T = TypeVar("T")
#: the largest id accepted (Trakt's ids are 64-bit); larger ones are ``invalid_ids``
MAX_ID = 2**63 - 1
MAX_DIGITS = len(str(MAX_ID))
#: the longest id text accepted (slugs, guids); longer is ``invalid_ids``
MAX_ID_TEXT = 256


class _Bad(Exception):
    """An item field is unusable: carries the reason code and the detail."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def fallback_key(item: Any, index: int | None = None) -> str:
    """Return the stable key of an item without a canonical one (``invalid:#3`` or a hash)."""
    if index is not None:
        return f"invalid:#{index}"
    try:
        text = json.dumps(item, sort_keys=True, default=repr)
    except (TypeError, ValueError):
        text = repr(item)
    return "invalid:" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:12]


def partition(results: Iterable[T | Problem]) -> tuple[list[T], list[Problem]]:
    """Split ``host_to_*`` results into the models and the problems, each in input order."""
    good: list[T] = []
    bad: list[Problem] = []
    for result in results:
        if isinstance(result, Problem):
            bad.append(result)
        else:
            good.append(result)
    return good, bad


def history_id_of(item: Mapping[str, Any]) -> int | None:
    """Return the item's ``trakt_history_id`` (absent: ``None``); ``ValueError`` if it is bad."""
    value = item.get("trakt_history_id")
    if value is None or value == "":
        return None
    if isinstance(value, str) and _digits(value.strip()) and len(value.strip()) <= MAX_DIGITS:
        value = int(value.strip())
    if type(value) is int and 0 < value <= MAX_ID:
        return value
    shown = "a number out of range" if _oversized(value) else f"{value!r:.40}"
    raise ValueError(f"trakt_history_id must be a positive whole number, not {shown}")


def _digits(text: str) -> bool:
    return text.isascii() and text.isdecimal()


def _oversized(value: Any) -> bool:
    """Return whether an id value is too big to be an id (and would break a whole batch)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not -MAX_ID <= value <= MAX_ID
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("tt")
        return len(value) > MAX_ID_TEXT or (_digits(text) and len(text) > MAX_DIGITS)
    if isinstance(value, Mapping):
        return any(_oversized(v) for v in value.values())
    return False


def _count(item: Mapping[str, Any], name: str) -> int | None:
    value = item.get(name)
    if isinstance(value, str) and _digits(value.strip()) and len(value.strip()) <= MAX_DIGITS:
        value = int(value)
    if value is None or (type(value) is int and value >= 0):
        return value
    raise _Bad("invalid_item", f"{name} must be a whole number, not {value!r:.40}")


def _ids(item: Mapping[str, Any], name: str) -> Ids | None:
    value = item.get(name)
    if value is not None and not isinstance(value, Mapping):
        raise _Bad("invalid_item", f"{name} must be a mapping, not {type(value).__name__}")
    if value is None:
        return None
    for namespace, one in value.items():
        if _oversized(one):
            detail = f"{name}.{namespace!s:.20} is not a usable id (too long or out of range)"
            raise _Bad("invalid_ids", detail)
    return normalize_ids(value)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _media(item: Any) -> MediaRef:
    if not isinstance(item, Mapping):
        raise _Bad("invalid_item", f"an item must be a mapping, not {type(item).__name__}")
    raw_type = item.get("type")
    media_type = raw_type.strip().lower() if isinstance(raw_type, str) else raw_type
    if media_type not in MEDIA_TYPES:
        raise _Bad("invalid_item", f"unknown or missing type: {raw_type!r:.40}")
    year = _count(item, "year") if item.get("year") not in ("", 0) else None
    numbered = media_type in ("season", "episode")
    media = MediaRef(
        type=media_type,
        ids=_ids(item, "ids") or Ids(),
        title=_text(item.get("title")),
        year=year,
        show_ids=_ids(item, "show_ids") if numbered else None,
        show_title=_text(item.get("show_title")) if numbered else None,
        season=_count(item, "season") if numbered else None,
        episode=_count(item, "episode") if media_type == "episode" else None,
    )
    if item_key(media) is None:
        raise _Bad("missing_ids", f"{media_type} has no usable ids (nor title to key it by)")
    return media


def _when(item: Mapping[str, Any], name: str, reason: str = "invalid_item") -> datetime | None:
    value = item.get(name)
    if value is None or isinstance(value, datetime):
        return value
    try:
        return parse_datetime(value)
    except ValueError:
        raise _Bad(reason, f"{name} is not a date and time: {value!r:.40}") from None


def _problem(item: Any, bad: _Bad, key: str | None, index: int | None) -> Problem:
    if key is None:
        try:
            key = item_key(_media(item))
        except _Bad:
            key = None
    return Problem(key or fallback_key(item, index), item, bad.reason, bad.detail)


def host_to_media(
    item: Any, *, key: str | None = None, index: int | None = None
) -> MediaRef | Problem:
    """Convert a host item to a ``MediaRef``, or a ``Problem`` (invalid_item, missing_ids)."""
    try:
        return _media(item)
    except _Bad as bad:
        return _problem(item, bad, key, index)


def host_to_watchlist(
    item: Any, *, key: str | None = None, index: int | None = None
) -> WatchlistEntry | Problem:
    """Convert a host item to a ``WatchlistEntry`` (``listed_at``, ``notes`` optional)."""
    try:
        media = _media(item)
        return WatchlistEntry(media, _when(item, "listed_at"), _text(item.get("notes")))
    except _Bad as bad:
        return _problem(item, bad, key, index)


def host_to_rating(
    item: Any, *, key: str | None = None, index: int | None = None
) -> Rating | Problem:
    """Convert a host item to a ``Rating``; anything but an int 1-10 is ``invalid_rating``."""
    try:
        media = _media(item)
        rating = item.get("rating")
        if type(rating) is not int or not 1 <= rating <= 10:
            raise _Bad("invalid_rating", f"rating must be an integer 1-10, not {rating!r:.40}")
        return Rating(media, rating, _when(item, "rated_at"))
    except _Bad as bad:
        return _problem(item, bad, key, index)


def _watched_at(item: Mapping[str, Any], media: MediaRef, allow_released: bool) -> Any:
    value = item.get("watched_at")
    released_ok = allow_released and media.type in ("movie", "episode")
    if value in (None, ""):
        if released_ok:
            return "released"
        raise _Bad("missing_watched_at", "a history play needs a watched_at")
    if value == "released":
        if released_ok:
            return value
        raise _Bad(
            "invalid_watched_at", f"watched_at 'released' is not allowed for this {media.type}"
        )
    return _when(item, "watched_at", "invalid_watched_at")


def host_to_play(
    item: Any,
    *,
    allow_released: bool = False,
    key: str | None = None,
    index: int | None = None,
) -> Play | Problem:
    """Convert a host item to a ``Play`` (watched_at to the minute, UTC; future times accepted)."""
    try:
        media = _media(item)
        watched_at = _watched_at(item, media, allow_released)
        try:
            history_id = history_id_of(item)
        except ValueError as exc:
            raise _Bad("invalid_ids", str(exc)) from None
        return Play(media, watched_at, _text(item.get("action")), history_id)
    except _Bad as bad:
        return _problem(item, bad, key, index)


def host_to_collection(
    item: Any, *, key: str | None = None, index: int | None = None
) -> CollectionEntry | Problem:
    """Convert a host item to a ``CollectionEntry``; ``collected_at`` is required."""
    try:
        media = _media(item)
        collected_at = _when(item, "collected_at")
        if collected_at is None:
            raise _Bad("invalid_item", "a collection entry needs a collected_at")
        return CollectionEntry(media, collected_at)
    except _Bad as bad:
        return _problem(item, bad, key, index)


def _stamp(value: datetime | Literal["released"] | None) -> str | None:
    return format_datetime(value) if isinstance(value, datetime) else value


def media_to_host(media: MediaRef) -> dict[str, Any]:
    """Convert a ``MediaRef`` to a host item dict with every id."""
    host: dict[str, Any] = {
        "type": media.type,
        "title": media.title,
        "year": media.year,
        "ids": media.ids.as_dict(),
    }
    if media.type in ("season", "episode"):
        host["show_ids"] = None if media.show_ids is None else media.show_ids.as_dict()
        host["show_title"] = media.show_title
        host["season"] = media.season
    if media.type == "episode":
        host["episode"] = media.episode
    return host


def watchlist_to_host(entry: WatchlistEntry) -> dict[str, Any]:
    """Convert a ``WatchlistEntry`` to a host item dict (``listed_at``, ``notes``)."""
    return {
        **media_to_host(entry.media),
        "listed_at": _stamp(entry.listed_at),
        "notes": entry.notes,
    }


def rating_to_host(rating: Rating) -> dict[str, Any]:
    """Convert a ``Rating`` to a host item dict (``rating``, ``rated_at``)."""
    return {
        **media_to_host(rating.media),
        "rating": rating.rating,
        "rated_at": _stamp(rating.rated_at),
    }


def play_to_host(play: Play) -> dict[str, Any]:
    """Convert a ``Play`` to a host item dict (``watched_at``, ``action``, ``trakt_history_id``)."""
    media = play.media
    watched_at = play.watched_at
    stamp = format_datetime(watched_at) if isinstance(watched_at, datetime) else watched_at
    # media_to_host's fields and then the play's, built in one go (this is the hot path)
    if media.type == "episode":
        show_ids = media.show_ids
        return {
            "type": "episode",
            "title": media.title,
            "year": media.year,
            "ids": media.ids.as_dict(),
            "show_ids": None if show_ids is None else show_ids.as_dict(),
            "show_title": media.show_title,
            "season": media.season,
            "episode": media.episode,
            "watched_at": stamp,
            "action": play.action,
            "trakt_history_id": play.history_id,
        }
    host = media_to_host(media)
    host["watched_at"] = stamp
    host["action"] = play.action
    host["trakt_history_id"] = play.history_id
    return host


def collection_to_host(entry: CollectionEntry) -> dict[str, Any]:
    """Convert a ``CollectionEntry`` to a host item dict (``collected_at``)."""
    return {**media_to_host(entry.media), "collected_at": _stamp(entry.collected_at)}


def host_item_key(item: Mapping[str, Any]) -> str | None:
    """Return the canonical key of a host item dict, or None when it is not keyable."""
    media = host_to_media(item)
    return item_key(media) if isinstance(media, MediaRef) else None
