"""The media models: ids, media references, and the entries of each feature.

Every model is a frozen, hashable attrs class. Models hold normalised data (see
``keys.normalize_ids``); building them from host dicts or Trakt JSON is ``hostitems``'s
and ``traktrows``'s job, which turn bad input into a ``Problem`` (host side) or a
``ValueError`` (Trakt side) instead of half-built models.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Literal

import attrs

from crosswatch_trakt.support.contract import REASONS, UnresolvedEntry
from crosswatch_trakt.support.dates import as_utc as _utc
from crosswatch_trakt.support.dates import as_utc_required as _utc_required
from crosswatch_trakt.support.dates import utc_minute_text, with_minute

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
    "normal_ids",
    "normal_play",
    "utc_minute_text",
    "with_minute",
]

MediaType = Literal["movie", "show", "season", "episode"]
MEDIA_TYPES: tuple[MediaType, ...] = ("movie", "show", "season", "episode")
#: The id namespaces with their own ``Ids`` field, in Trakt's order.
ID_NAMESPACES: tuple[str, ...] = ("trakt", "slug", "imdb", "tmdb", "tvdb")


#: the one shared empty ``Ids.other`` (read-only, so sharing it is safe)
_EMPTY_MAP: Mapping[str, str | int] = MappingProxyType({})
_UTC = timezone.utc


def _frozen_map(value: Mapping[str, str | int] | None) -> Mapping[str, str | int]:
    if not value:
        return _EMPTY_MAP
    return MappingProxyType(dict(sorted(value.items())))


def _play_time(value: datetime | Literal["released"]) -> datetime | Literal["released"]:
    if type(value) is datetime and value.tzinfo is _UTC and not value.second | value.microsecond:
        return value
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
        result: dict[str, str | int] = {}
        # unrolled in ID_NAMESPACES order (this is on every hot path)
        if self.trakt is not None:
            result["trakt"] = self.trakt
        if self.slug is not None:
            result["slug"] = self.slug
        if self.imdb is not None:
            result["imdb"] = self.imdb
        if self.tmdb is not None:
            result["tmdb"] = self.tmdb
        if self.tvdb is not None:
            result["tvdb"] = self.tvdb
        return result

    def flat(self) -> dict[str, str | int]:
        """Return every non-null id as a flat dict (extra namespaces with dotted names)."""
        result = self.standard()
        if self.other:
            result.update(self.other)
        return result

    def as_dict(self) -> dict[str, Any]:
        """Return the non-null ids in Trakt's shape (dotted extra names nested again)."""
        result: dict[str, Any] = self.standard()
        if not self.other:
            return result
        for name, value in self.other.items():
            head, dot, tail = name.partition(".")
            if dot:
                sub = result.setdefault(head, {})
                if isinstance(sub, dict):
                    sub[tail] = value
            else:
                result[name] = value
        return result


_SET_IDS = tuple(Ids.__dict__[name].__set__ for name in (*ID_NAMESPACES, "other"))


def normal_ids(
    trakt: int | None, slug: str | None, imdb: str | None, tmdb: int | None, tvdb: int | None
) -> Ids:
    """Return ``Ids(trakt, slug, imdb, tmdb, tvdb)`` of values known to be normal, built faster.

    For ``keys.normalize_ids``'s fast path: no converter runs (``other`` is the shared empty
    mapping ``Ids`` would get), the result equals the one the constructor gives.
    """
    ids: Ids = object.__new__(Ids)
    set_trakt, set_slug, set_imdb, set_tmdb, set_tvdb, set_other = _SET_IDS
    set_trakt(ids, trakt)
    set_slug(ids, slug)
    set_imdb(ids, imdb)
    set_tmdb(ids, tmdb)
    set_tvdb(ids, tvdb)
    set_other(ids, _EMPTY_MAP)
    return ids


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


_SET_PLAY = tuple(Play.__dict__[name].__set__ for name in ("media", "watched_at", "action"))
_SET_HISTORY_ID = Play.__dict__["history_id"].__set__


def normal_play(
    media: MediaRef, watched_at: datetime, action: str | None, history_id: int | None
) -> Play:
    """Return ``Play(media, watched_at, action, history_id)`` for a UTC ``watched_at``, faster.

    ``watched_at`` must be a ``datetime`` in ``timezone.utc`` (seconds are dropped here, as
    the converter would); the result equals the one the constructor gives.
    """
    if watched_at.second or watched_at.microsecond:
        watched_at = watched_at.replace(second=0, microsecond=0)
    play: Play = object.__new__(Play)
    set_media, set_watched_at, set_action = _SET_PLAY
    set_media(play, media)
    set_watched_at(play, watched_at)
    set_action(play, action)
    _SET_HISTORY_ID(play, history_id)
    return play


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
