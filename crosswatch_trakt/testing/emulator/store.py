"""Per-user state: watchlist, ratings, history plays, collection, settings, activities."""

from __future__ import annotations

import itertools
from typing import Any

import attrs

from crosswatch_trakt.testing.emulator.catalog import (
    PLURAL,
    Episode,
    Media,
    MediaKey,
    Movie,
    Season,
    media_key,
    slugify,
)
from crosswatch_trakt.testing.emulator.timefmt import format_ts

#: History ids are 64-bit: the first one is just above 2**32.
FIRST_HISTORY_ID = 2**32 + 1_000

#: The areas and fields of ``GET /sync/last_activities`` as the live API sends them today
#: (``favorites`` replaced ``recommendations``; ``shows.dropped_at`` is new).
ACTIVITY_FIELDS: dict[str, tuple[str, ...]] = {
    "movies": (
        "watched_at",
        "collected_at",
        "rated_at",
        "watchlisted_at",
        "favorited_at",
        "commented_at",
        "paused_at",
        "hidden_at",
    ),
    "episodes": (
        "watched_at",
        "collected_at",
        "rated_at",
        "watchlisted_at",
        "commented_at",
        "paused_at",
    ),
    "shows": (
        "rated_at",
        "watchlisted_at",
        "favorited_at",
        "commented_at",
        "hidden_at",
        "dropped_at",
    ),
    "seasons": ("rated_at", "watchlisted_at", "commented_at", "hidden_at"),
    "comments": ("liked_at", "blocked_at"),
    "lists": ("liked_at", "updated_at", "commented_at"),
    "watchlist": ("updated_at",),
    "favorites": ("updated_at",),
    "collaborations": ("updated_at",),
    "account": ("settings_at", "followed_at", "following_at", "pending_at", "requested_at"),
    "saved_filters": ("updated_at",),
    "notes": ("updated_at",),
}


@attrs.define
class IdSequence:
    """Shared id counters: history ids (64-bit) and watchlist list-item ids."""

    _history: itertools.count[int] = attrs.field(
        factory=lambda: itertools.count(FIRST_HISTORY_ID), repr=False
    )
    _list_items: itertools.count[int] = attrs.field(
        factory=lambda: itertools.count(700_000_001), repr=False
    )
    _playback: itertools.count[int] = attrs.field(
        factory=lambda: itertools.count(13_000_001), repr=False
    )
    _lists: itertools.count[int] = attrs.field(
        factory=lambda: itertools.count(27_000_001), repr=False
    )

    def history(self) -> int:
        """Return the next history id."""
        return next(self._history)

    def list_item(self) -> int:
        """Return the next list-item id."""
        return next(self._list_items)

    def playback(self) -> int:
        """Return the next playback id (Trakt's playback ids are their own sequence)."""
        return next(self._playback)

    def personal_list(self) -> int:
        """Return the next personal list id."""
        return next(self._lists)


@attrs.define
class WatchlistEntry:
    """One watchlist row: list-item ``id``, ``listed_at`` (epoch) and ``notes``."""

    id: int
    media: Media
    listed_at: float
    notes: str | None = None


@attrs.define
class RatingEntry:
    """One rating: an integer 1-10 and ``rated_at`` (epoch)."""

    media: Media
    rating: int
    rated_at: float


@attrs.define
class Play:
    """One history play of a movie or an episode (``watched_at`` epoch, to the minute)."""

    id: int
    media: Movie | Episode
    watched_at: float
    action: str = "watch"


@attrs.define
class CollectionEntry:
    """One collected movie or episode."""

    media: Movie | Episode
    collected_at: float
    updated_at: float
    metadata: dict[str, Any] = attrs.field(factory=dict)


@attrs.define
class Settings:
    """The account settings ``GET /users/settings`` reports."""

    vip: bool = False
    watchlist_limit: int | None = 250
    watch_only_once: bool = False
    list_count: int = 2
    list_item_count: int = 100
    collection_limit: int | None = None
    timezone: str = "UTC"
    #: whether ``/users/settings`` carries ``limits`` (some accounts' answers do not; the
    #: limits are enforced either way)
    reports_limits: bool = True


@attrs.define
class PlaybackEntry:
    """One resume point: playback ``id``, ``progress`` (percent) and ``paused_at`` (epoch)."""

    id: int
    media: Movie | Episode
    progress: float
    paused_at: float


@attrs.define
class PersonalList:
    """One personal list: its ids, name, privacy and its items in rank order."""

    id: int
    slug: str
    name: str
    privacy: str
    created_at: float
    updated_at: float
    items: list[WatchlistEntry] = attrs.field(factory=list)


@attrs.define
class UserState:
    """Everything one Trakt user has; mutate it through the methods so activities move.

    Not locked itself: ``FakeTrakt`` holds its lock around every use.
    """

    username: str
    created_at: float
    settings: Settings = attrs.field(factory=Settings)
    watchlist: dict[MediaKey, WatchlistEntry] = attrs.field(factory=dict)
    ratings: dict[MediaKey, RatingEntry] = attrs.field(factory=dict)
    history: dict[int, Play] = attrs.field(factory=dict)
    collection: dict[MediaKey, CollectionEntry] = attrs.field(factory=dict)
    #: resume points by playback id (one per item: a new pause replaces the old one)
    playback: dict[int, PlaybackEntry] = attrs.field(factory=dict)
    #: personal lists by list id (``endpoints_lists``)
    lists: dict[int, PersonalList] = attrs.field(factory=dict)
    activities: dict[str, dict[str, float]] = attrs.field(factory=dict)
    locked: bool = False
    #: sorted history reads, kept until the history changes (a long walk sorts once)
    _views: dict[Any, list[Play]] = attrs.field(factory=dict, repr=False)
    _views_of: int = attrs.field(default=-1, repr=False)
    _history_changes: int = attrs.field(default=0, repr=False)

    def history_view(self, view: Any) -> list[Play] | None:
        """Return the plays a history read ``view`` sorted last time, if history is unchanged."""
        if self._views_of != self._history_version():
            self._views.clear()
            self._views_of = self._history_version()
        return self._views.get(view)

    def keep_history_view(self, view: Any, plays: list[Play]) -> None:
        """Remember the sorted plays of a history read ``view`` (a few at most)."""
        if len(self._views) >= 8:
            self._views.clear()
        self._views[view] = plays

    def _history_version(self) -> int:
        return hash((len(self.history), self._history_changes))

    def __attrs_post_init__(self) -> None:
        for area, fields in ACTIVITY_FIELDS.items():
            self.activities.setdefault(area, dict.fromkeys(fields, self.created_at))

    @property
    def last_activities(self) -> dict[str, Any]:
        """Return the ``GET /sync/last_activities`` document (``all`` is the newest)."""
        doc: dict[str, Any] = {
            area: {name: format_ts(value) for name, value in fields.items()}
            for area, fields in self.activities.items()
        }
        newest = max(value for fields in self.activities.values() for value in fields.values())
        return {"all": format_ts(newest), **doc}

    def touch(self, area: str, field: str, now: float) -> None:
        """Move one activity timestamp to ``now`` (never backwards)."""
        fields = self.activities.setdefault(area, {})
        fields[field] = max(fields.get(field, now), now)

    def _touch_watchlist(self, media: Media, now: float) -> None:
        self.touch(PLURAL[media.type], "watchlisted_at", now)
        self.touch("watchlist", "updated_at", now)

    # watchlist
    def watchlist_put(
        self,
        media: Media,
        now: float,
        ids: IdSequence,
        listed_at: float | None = None,
        notes: str | None = None,
    ) -> bool:
        """Add ``media`` to the watchlist; return ``False`` if it was already there."""
        key = media_key(media)
        if key in self.watchlist:
            return False
        at = now if listed_at is None else listed_at
        self.watchlist[key] = WatchlistEntry(ids.list_item(), media, at, notes)
        self._touch_watchlist(media, now)
        return True

    def watchlist_delete(self, media: Media, now: float, *, touch: bool = True) -> bool:
        """Remove ``media`` from the watchlist; return ``False`` if it was not there.

        ``touch=False`` leaves the watchlist's activity stamps where they are.
        """
        if self.watchlist.pop(media_key(media), None) is None:
            return False
        if touch:
            self._touch_watchlist(media, now)
        return True

    # ratings
    def rating_put(self, media: Media, rating: int, rated_at: float, now: float) -> None:
        """Rate ``media`` (re-rating replaces)."""
        self.ratings[media_key(media)] = RatingEntry(media, rating, rated_at)
        self.touch(PLURAL[media.type], "rated_at", now)

    def rating_delete(self, media: Media, now: float) -> bool:
        """Remove the rating of ``media``; return ``False`` if it had none."""
        if self.ratings.pop(media_key(media), None) is None:
            return False
        self.touch(PLURAL[media.type], "rated_at", now)
        return True

    # personal lists
    def list_create(self, name: str, privacy: str, ids: IdSequence, now: float) -> PersonalList:
        """Create an empty personal list with a slug of its own; move ``lists.updated_at``."""
        base = slugify(name, None) or "list"
        taken = {plist.slug for plist in self.lists.values()}
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        plist = PersonalList(ids.personal_list(), slug, name, privacy, now, now)
        self.lists[plist.id] = plist
        self.touch("lists", "updated_at", now)
        return plist

    # playback (resume points)
    def playback_put(
        self, media: Movie | Episode, progress: float, playback_id: int, now: float
    ) -> PlaybackEntry:
        """Save a resume point of ``media``; it replaces the item's earlier one, if any."""
        for old in [e.id for e in self.playback.values() if e.media is media]:
            del self.playback[old]
        entry = PlaybackEntry(playback_id, media, progress, now)
        self.playback[playback_id] = entry
        self.touch(PLURAL[media.type], "paused_at", now)
        return entry

    def playback_delete(self, playback_id: int, now: float) -> bool:
        """Remove a resume point by its id; return ``False`` if there is none."""
        entry = self.playback.pop(playback_id, None)
        if entry is None:
            return False
        self.touch(PLURAL[entry.media.type], "paused_at", now)
        return True

    # history
    def play_add(
        self,
        media: Movie | Episode,
        watched_at: float,
        action: str,
        play_id: int,
        now: float,
        *,
        quiet: bool = False,
    ) -> Play:
        """Record one play (never deduplicated) and drop the item from the watchlist.

        A show or season leaves the watchlist with any of its episodes. ``quiet``: the
        watchlist's activity stamps do not move when an item leaves it this way.
        """
        play = Play(play_id, media, watched_at, action)
        self.history[play_id] = play
        self._history_changes += 1
        self.touch(PLURAL[media.type], "watched_at", now)
        leaving: list[Media] = [media]
        if isinstance(media, Episode):
            leaving.append(media.show)
            season = media.show.seasons.get(media.season)
            if season is not None:
                leaving.append(season)
        for item in leaving:
            self.watchlist_delete(item, now, touch=not quiet)
        return play

    def plays_of(self, media: Media) -> list[Play]:
        """Return every play of ``media`` (a show or season: of its episodes)."""
        key = media_key(media)
        if isinstance(media, Season):
            return [
                p
                for p in self.history.values()
                if isinstance(p.media, Episode)
                and p.media.show is media.show
                and p.media.season == media.number
            ]
        if media.type == "show":
            return [
                p
                for p in self.history.values()
                if isinstance(p.media, Episode) and p.media.show is media
            ]
        return [p for p in self.history.values() if media_key(p.media) == key]

    def play_delete(self, play_id: int, now: float) -> Play | None:
        """Delete one play by history id; return it, or ``None`` if unknown."""
        play = self.history.pop(play_id, None)
        self._history_changes += 1
        if play is not None:
            self.touch(PLURAL[play.media.type], "watched_at", now)
        return play

    # collection
    def collect_put(
        self, media: Movie | Episode, collected_at: float, metadata: dict[str, Any], now: float
    ) -> str:
        """Collect ``media``; return ``added``, ``updated`` or ``existing``."""
        key = media_key(media)
        entry = self.collection.get(key)
        if entry is None:
            self.collection[key] = CollectionEntry(media, collected_at, now, dict(metadata))
            self.touch(PLURAL[media.type], "collected_at", now)
            return "added"
        merged = {**entry.metadata, **metadata}
        if entry.collected_at == collected_at and merged == entry.metadata:
            return "existing"
        entry.collected_at, entry.metadata, entry.updated_at = collected_at, merged, now
        self.touch(PLURAL[media.type], "collected_at", now)
        return "updated"

    def collect_delete(self, media: Movie | Episode, now: float) -> bool:
        """Remove ``media`` from the collection; return ``False`` if it was not there."""
        if self.collection.pop(media_key(media), None) is None:
            return False
        self.touch(PLURAL[media.type], "collected_at", now)
        return True
