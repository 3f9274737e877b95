"""The media models: ids, media references, and the entries of each feature.

Every model is a frozen, hashable attrs class. Models hold normalised data (see
``keys.normalize_ids``); building them from host dicts or Trakt JSON is ``mediaconv``'s
and ``convert``'s job, which turn bad input into a ``Problem`` (host side) or a
``ValueError`` (Trakt side) instead of half-built models.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Literal

import attrs

from crosswatch_trakt.hostspec import REASONS, UnresolvedEntry

__all__ = [
    "ID_NAMESPACES",
    "MEDIA_TYPES",
    "CollectionEntry",
    "Ids",
    "MediaRef",
    "MediaType",
    "Play",
    "Problem",
    "Rating",
    "WatchlistEntry",
    "with_minute",
]

MediaType = Literal["movie", "show", "season", "episode"]
MEDIA_TYPES: tuple[MediaType, ...] = ("movie", "show", "season", "episode")
#: The id namespaces with their own ``Ids`` field, in Trakt's order.
ID_NAMESPACES: tuple[str, ...] = ("trakt", "slug", "imdb", "tmdb", "tvdb")


def _frozen_map(value: Mapping[str, str | int] | None) -> Mapping[str, str | int]:
    return MappingProxyType(dict(sorted((value or {}).items())))


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _utc_required(value: datetime) -> datetime:
    result = _utc(value)
    assert result is not None
    return result


def with_minute(value: datetime) -> datetime:
    """Return ``value`` in UTC truncated to the minute (a naive value is taken as UTC)."""
    return _utc_required(value).replace(second=0, microsecond=0)


def _play_time(value: datetime | Literal["released"]) -> datetime | Literal["released"]:
    if isinstance(value, datetime):
        return with_minute(value)
    if value == "released":
        return value
    raise ValueError(f"watched_at must be a datetime or 'released', not {value!r}")


def _check_rating(_inst: Any, _attr: Any, value: Any) -> None:
    if type(value) is not int or not 1 <= value <= 10:
        raise ValueError(f"rating must be an integer from 1 to 10, not {value!r}")


@attrs.frozen
class Ids:
    """A media item's ids; ``other`` holds extra namespaces (``tvrage``, ``plex.guid``...).

    ``other`` is a read-only mapping; nested Trakt ids such as ``plex: {guid, slug}`` are
    kept flat as ``plex.guid`` and ``plex.slug``. It takes part in equality, not in the hash.
    """

    trakt: int | None = None
    slug: str | None = None
    imdb: str | None = None
    tmdb: int | None = None
    tvdb: int | None = None
    other: Mapping[str, str | int] = attrs.field(factory=dict, converter=_frozen_map, hash=False)

    def is_empty(self) -> bool:
        """Return True when no namespace has a value."""
        return not self.as_dict()

    def standard(self) -> dict[str, str | int]:
        """Return the non-null standard ids (trakt, slug, imdb, tmdb, tvdb) as a flat dict."""
        values = (self.trakt, self.slug, self.imdb, self.tmdb, self.tvdb)
        return {ns: v for ns, v in zip(ID_NAMESPACES, values, strict=True) if v is not None}

    def flat(self) -> dict[str, str | int]:
        """Return every non-null id as a flat dict (extra namespaces with dotted names)."""
        return {**self.standard(), **self.other}

    def as_dict(self) -> dict[str, Any]:
        """Return the non-null ids in Trakt's shape (dotted extra names nested again)."""
        result: dict[str, Any] = self.standard()
        for name, value in self.other.items():
            head, dot, tail = name.partition(".")
            if dot:
                sub = result.setdefault(head, {})
                if isinstance(sub, dict):
                    sub[tail] = value
            else:
                result[name] = value
        return result


@attrs.frozen
class MediaRef:
    """A movie, show, season or episode, by ids and what else is known about it.

    For seasons and episodes ``show_ids``/``show_title`` describe the show and ``season``/
    ``episode`` are the numbers; ``ids``/``title`` are the item's own.
    """

    type: MediaType
    ids: Ids = attrs.field(factory=Ids)
    title: str | None = None
    year: int | None = None
    show_ids: Ids | None = None
    show_title: str | None = None
    season: int | None = None
    episode: int | None = None


@attrs.frozen
class WatchlistEntry:
    """An item on the watchlist, with when it was listed and its notes."""

    media: MediaRef
    listed_at: datetime | None = attrs.field(default=None, converter=_utc)
    notes: str | None = None


@attrs.frozen
class Rating:
    """A rating: an integer from 1 to 10 (anything else raises ``ValueError``)."""

    media: MediaRef
    rating: int = attrs.field(validator=_check_rating)
    rated_at: datetime | None = attrs.field(default=None, converter=_utc)


@attrs.frozen
class Play:
    """One play: ``watched_at`` is UTC truncated to the minute, or the literal ``released``."""

    media: MediaRef
    watched_at: datetime | Literal["released"] = attrs.field(converter=_play_time)
    action: str | None = None
    history_id: int | None = None


@attrs.frozen
class CollectionEntry:
    """An item in the collection, with when it was collected (UTC)."""

    media: MediaRef
    collected_at: datetime = attrs.field(converter=_utc_required)


@attrs.frozen
class Problem:
    """A per-item failure: the item's key, the item as given, a ``REASONS`` code, a detail."""

    key: str
    item: Any
    reason: str = attrs.field(validator=attrs.validators.in_(REASONS))
    detail: str

    def as_unresolved(self) -> UnresolvedEntry:
        """Return the ``ApplyResult.unresolved`` entry for this problem."""
        return UnresolvedEntry(key=self.key, item=self.item, reason=self.reason, detail=self.detail)
