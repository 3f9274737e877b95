"""The history cache ``trakt_history.index.json`` and the gated, incremental read of plays.

Per type (``movies``, ``episodes``) the cache keeps every play, newest first, with the
``<type>.watched_at`` watermark it was read at. The rules (``docs/features/history.md``):

- unchanged watermark (and not stale): served from the cache, no request;
- changed: walk pages newest first until a page holds a history id already cached, plus
  the windows of plays this adapter added since (``pending``); the new plays are enough
  only when Trakt's ``X-Pagination-Item-Count`` equals cached + new and the cached plays
  seen are exactly the newest cached ones; otherwise, and at least every
  ``FULL_REWALK_SECONDS``, a full walk;
- any failed or short read raises ``IncompleteRead``; the cache is only ever replaced by a
  complete result.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import attrs

from crosswatch_trakt.convert import format_datetime, trakt_history_row
from crosswatch_trakt.errors import IncompleteRead
from crosswatch_trakt.hostspec import HostContext, Snapshot
from crosswatch_trakt.keys import aliases, play_keys, same_media
from crosswatch_trakt.mediaconv import play_to_host
from crosswatch_trakt.models import MediaRef, Play

if TYPE_CHECKING:
    from crosswatch_trakt.account import TraktAccount
    from crosswatch_trakt.http.session import TraktSession

__all__ = [
    "FULL_REWALK_SECONDS",
    "INDEX_FILE",
    "KINDS",
    "HistoryIndexDoc",
    "HistoryReader",
    "Kind",
    "KindCache",
    "PlayIndex",
    "kind_of",
    "play_matches",
    "read_windows",
]

INDEX_FILE = "trakt_history.index.json"
Kind = Literal["movies", "episodes"]
KINDS: tuple[Kind, ...] = ("movies", "episodes")
#: an incremental read is trusted for at most this long after the last full walk
FULL_REWALK_SECONDS = 7 * 86400.0
FEATURE = "history"


def kind_of(media: MediaRef) -> Kind:
    """Return the history type a play of ``media`` is listed under."""
    return "movies" if media.type == "movie" else "episodes"


def play_matches(play: Play, media: MediaRef, watched_at: datetime | str) -> bool:
    """Return whether ``play`` is of ``media`` at that minute (``released``: at any time)."""
    return (watched_at == "released" or play.watched_at == watched_at) and same_media(
        media, play.media
    )


def _order(play: Play) -> tuple[float, int]:
    at = play.watched_at
    return (at.timestamp() if isinstance(at, datetime) else 0.0, play.history_id or 0)


def newest_first(plays: Iterable[Play]) -> list[Play]:
    """Return ``plays`` in Trakt's order: newest ``watched_at`` first, then history id."""
    return sorted(plays, key=_order, reverse=True)


@attrs.define
class KindCache:
    """The plays of one type, newest first, and how and when they were read."""

    watermark: str | None = None
    plays: list[Play] = attrs.Factory(list)
    stale: bool = False
    full_read_at: float = 0.0
    #: plays this adapter added since the read (history ids unknown until read back)
    pending: list[Play] = attrs.Factory(list)


@attrs.define
class HistoryIndexDoc:
    """``trakt_history.index.json``: the cached plays per type."""

    SCHEMA: ClassVar[int] = 1
    movies: KindCache | None = None
    episodes: KindCache | None = None
    #: the account's ``browsing.watch_only_once`` as last read (for dry runs)
    watch_only_once: bool | None = None

    def kind(self, kind: Kind) -> KindCache | None:
        """Return the cache of ``kind``."""
        return self.movies if kind == "movies" else self.episodes

    def set_kind(self, kind: Kind, cache: KindCache) -> None:
        """Replace the cache of ``kind``."""
        if kind == "movies":
            self.movies = cache
        else:
            self.episodes = cache

    def plays(self) -> list[Play]:
        """Return every cached play (movies, then episodes)."""
        caches = [self.kind(kind) for kind in KINDS]
        return [play for cache in caches if cache is not None for play in cache.plays]

    def mark_written(self, kind: Kind, added: Sequence[Play] = ()) -> None:
        """Mark ``kind`` stale after a write; ``added`` plays are looked for on the next read."""
        cache = self.kind(kind)
        if cache is not None:
            cache.stale = True
            cache.pending.extend(added)

    def drop(self, history_ids: set[int]) -> None:
        """Forget the plays with these history ids (removed by this adapter)."""
        for kind in KINDS:
            cache = self.kind(kind)
            if cache is not None:
                cache.plays = [p for p in cache.plays if p.history_id not in history_ids]


@attrs.define
class PlayIndex:
    """The plays of a cache, findable by any alias of their media, and their host keys."""

    plays: list[Play]
    keys: list[str]
    by_alias: dict[str, list[Play]] = attrs.Factory(dict)
    by_id: dict[int, tuple[str, Play]] = attrs.Factory(dict)
    by_key: dict[str, Play] = attrs.Factory(dict)

    @classmethod
    def of(cls, plays: Sequence[Play]) -> PlayIndex:
        """Index ``plays``; keys follow ``keys.play_keys`` (the same-minute rule)."""
        index = cls(list(plays), play_keys(plays))
        for key, play in zip(index.keys, index.plays, strict=True):
            index.by_key[key] = play
            for alias in aliases(play.media):
                index.by_alias.setdefault(alias, []).append(play)
            if play.history_id is not None:
                index.by_id[play.history_id] = (key, play)
        return index

    def snapshot(self) -> Snapshot:
        """Return ``{play key: host item}``."""
        return {key: play_to_host(p) for key, p in zip(self.keys, self.plays, strict=True)}

    def of_media(self, media: MediaRef) -> list[Play]:
        """Return every play of ``media``, oldest first (then by history id)."""
        found: dict[int, Play] = {}
        for alias in aliases(media):
            for play in self.by_alias.get(alias, ()):
                if play.history_id is not None and same_media(media, play.media):
                    found[play.history_id] = play
        return sorted(found.values(), key=_order)

    def at(self, media: MediaRef, watched_at: datetime | str) -> list[Play]:
        """Return the plays of ``media`` at that minute (``released``: all), by history id."""
        plays = [p for p in self.of_media(media) if play_matches(p, media, watched_at)]
        return sorted(plays, key=lambda p: p.history_id or 0)


def parse_rows(rows: Iterable[Any]) -> list[Play]:
    """Turn ``GET /sync/history`` rows into plays; a malformed row fails the read."""
    plays: list[Play] = []
    for row in rows:
        try:
            plays.append(trakt_history_row(row))
        except ValueError as exc:
            raise IncompleteRead(f"Trakt sent a history row that cannot be read: {exc}") from exc
    return plays


def windows(plays: Sequence[Play], cached: Sequence[Play], page_size: int) -> list[tuple[Any, Any]]:
    """Return the time windows covering ``plays``; near windows are merged when cheaper.

    Two windows merge when fewer than a page of cached plays lie between them (one extra
    page at most instead of one extra request). ``released`` plays need the whole type.
    """
    if any(not isinstance(p.watched_at, datetime) for p in plays):
        return [(None, None)]
    minutes = sorted({p.watched_at for p in plays if isinstance(p.watched_at, datetime)})
    if not minutes:
        return []
    times = sorted(p.watched_at.timestamp() for p in cached if isinstance(p.watched_at, datetime))
    spans: list[list[datetime]] = [[minutes[0], minutes[0]]]
    for minute in minutes[1:]:
        between = bisect.bisect_left(times, minute.timestamp()) - bisect.bisect_right(
            times, spans[-1][1].timestamp()
        )
        if between < page_size:
            spans[-1][1] = minute
        else:
            spans.append([minute, minute])
    return [(start, end) for start, end in spans]


def read_windows(
    session: TraktSession, kind: Kind, plays: Sequence[Play], cached: Sequence[Play]
) -> list[Play]:
    """Read back every play of ``kind`` in the minutes of ``plays`` (complete, or raise)."""
    found: list[Play] = []
    for start, end in windows(plays, cached, session.config.page_size):
        params: dict[str, str] = {}
        if start is not None:
            params["start_at"] = format_datetime(start)
            params["end_at"] = format_datetime(end + timedelta(seconds=59))
        found += parse_rows(
            session.paginate(f"/sync/history/{kind}", feature=FEATURE, params=params)
        )
    return found


@attrs.define
class HistoryReader:
    """Serve the plays of one account: from the cache when the gate allows, else read."""

    account: TraktAccount
    sources: dict[str, str] = attrs.Factory(dict)

    def cached(self) -> HistoryIndexDoc:
        """Return the cache as it is on disk (no request); empty when there is none."""
        return self.account.store.load(INDEX_FILE, HistoryIndexDoc) or HistoryIndexDoc()

    def save(self, doc: HistoryIndexDoc) -> None:
        """Write the cache."""
        self.account.store.save(INDEX_FILE, doc)

    def fresh(self, context: HostContext) -> HistoryIndexDoc:
        """Return the cache brought up to date for this run (gate, then incremental or full)."""
        doc = self.cached()
        changed = False
        for kind in KINDS:
            mark = self.account.activities.watched_at(context.run_id, kind)
            cache = doc.kind(kind)
            if (
                cache is not None
                and not cache.stale
                and mark is not None
                and cache.watermark == mark
            ):
                self.sources[kind] = "cache"
                continue
            doc.set_kind(kind, self._read(kind, cache, mark, context))
            changed = True
        if changed:
            self.save(doc)
        return doc

    def _read(
        self, kind: Kind, cache: KindCache | None, mark: str | None, context: HostContext
    ) -> KindCache:
        now = self.account.clock.time()
        if cache is not None and now - cache.full_read_at < FULL_REWALK_SECONDS:
            plays = self._incremental(kind, cache)
            if plays is not None:
                self.sources[kind] = "incremental"
                return KindCache(mark, plays, full_read_at=cache.full_read_at)
        rows = self.account.session.paginate(
            f"/sync/history/{kind}", feature=FEATURE, progress=context.progress
        )
        self.sources[kind] = "full"
        return KindCache(mark, parse_rows(rows), full_read_at=now)

    def _incremental(self, kind: Kind, cache: KindCache) -> list[Play] | None:
        known = {p.history_id for p in cache.plays}
        prefix, total, complete = self._top(kind, known)
        if complete:
            return prefix if total is not None and len(prefix) == total else None
        if total is None:
            return None
        new = {p.history_id: p for p in prefix if p.history_id not in known}
        if cache.pending:
            session = self.account.session
            for play in read_windows(session, kind, cache.pending, cache.plays):
                if play.history_id not in known:
                    new.setdefault(play.history_id, play)
        seen = {p.history_id for p in prefix if p.history_id in known}
        head = {p.history_id for p in cache.plays[: len(seen)]}
        if seen != head or total != len(cache.plays) + len(new):
            return None
        return newest_first([*cache.plays, *new.values()])

    def _top(self, kind: Kind, known: set[int | None]) -> tuple[list[Play], int | None, bool]:
        """Walk pages newest first until one holds a known play: (plays, total, walked all)."""
        prefix: list[Play] = []
        total: int | None = None
        pages = self.account.session.paginate_pages(f"/sync/history/{kind}", feature=FEATURE)
        for rows, info in pages:
            plays = parse_rows(rows)
            prefix += plays
            total = info.item_count if info.item_count >= 0 else None
            if any(p.history_id in known for p in plays):
                return prefix, total, False
        return prefix, total, True
