"""The history cache document ``trakt_history.index.json`` and the in-memory play index.

Per type (``movies``, ``episodes``) the cache keeps every play, newest first, as compact rows
(``ROW_FIELDS``, each with its key), with the ``<type>.watched_at`` watermark it was read at,
``stale``, ``full_read_at`` and the ``pending`` plays this adapter added since. An unchanged
index is served straight from the rows; plays are rebuilt only when a write needs them.
``PlayIndex`` finds plays by item and minute. Reading Trakt is ``reader``'s job.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, ClassVar, Literal

import attrs

from crosswatch_trakt.features.history.rows import (
    ROW_FIELDS,
    Row,
    check_row,
    play_row,
    row_host,
    row_play,
)
from crosswatch_trakt.media.hostitems import play_to_host
from crosswatch_trakt.media.keys import (
    aliases,
    item_key,
    play_key,
    play_keys,
    rank_keys,
    same_media,
    title_token,
)
from crosswatch_trakt.media.models import MediaRef, Play
from crosswatch_trakt.media.payloads import sent_by_title
from crosswatch_trakt.support.contract import Snapshot
from crosswatch_trakt.support.converter import register_hooks, structure, unstructure

__all__ = [
    "FULL_REWALK_SECONDS",
    "INDEX_FILE",
    "KINDS",
    "ROW_FIELDS",
    "HistoryIndexDoc",
    "Kind",
    "KindCache",
    "PlayIndex",
    "kind_of",
    "newest_first",
    "play_matches",
]

INDEX_FILE = "trakt_history.index.json"
Kind = Literal["movies", "episodes"]
KINDS: tuple[Kind, ...] = ("movies", "episodes")
#: an incremental read is trusted for at most this long after the last full walk
FULL_REWALK_SECONDS = 7 * 86400.0


def kind_of(media: MediaRef) -> Kind:
    """Return the history type a play of ``media`` is listed under."""
    return "movies" if media.type == "movie" else "episodes"


def play_matches(play: Play, media: MediaRef, watched_at: datetime | str) -> bool:
    """Return whether ``play`` is of ``media`` at that minute (``released``: at any time).

    A ``media`` Trakt gets by title + year is matched by its title and year.
    """
    if watched_at != "released" and play.watched_at != watched_at:
        return False
    if sent_by_title(media):
        return title_token(media) == title_token(play.media)
    return same_media(media, play.media)


def _order(play: Play) -> tuple[float, int]:
    at = play.watched_at
    return (at.timestamp() if isinstance(at, datetime) else 0.0, play.history_id or 0)


def newest_first(plays: Iterable[Play]) -> list[Play]:
    """Return ``plays`` in Trakt's order: newest ``watched_at`` first, then history id."""
    return sorted(plays, key=_order, reverse=True)


#: a cached play on disk, in this order (see ``docs/state-files.md``)
@attrs.define
class KindCache:
    """The plays of one type, newest first, and how and when they were read.

    Loaded from disk, the plays stay in their compact rows (``ROW_FIELDS``) until ``plays``
    is first asked for: serving an unchanged index needs only the rows (``entries``).
    """

    watermark: str | None = None
    _plays: list[Play] | None = attrs.field(factory=list, alias="plays")
    stale: bool = False
    full_read_at: float = 0.0
    #: plays this adapter added since the read (history ids unknown until read back)
    pending: list[Play] = attrs.Factory(list)
    #: whether the last full walk's rows matched Trakt's item count (else: no incremental)
    counts_exact: bool = True
    #: the rows the plays were loaded from, until they are built (``plays``)
    _rows: list[Row] | None = attrs.field(default=None, eq=False, repr=False, init=False)

    @property
    def plays(self) -> list[Play]:
        """Return the plays (built from the loaded rows on first use)."""
        if self._plays is None:
            self._plays = [row_play(row) for row in self._rows or ()]
            self._rows = None
        return self._plays

    @plays.setter
    def plays(self, plays: list[Play]) -> None:
        self._plays = plays
        self._rows = None

    @classmethod
    def of_rows(
        cls,
        watermark: str | None,
        rows: list[Row],
        *,
        full_read_at: float,
        counts_exact: bool = True,
    ) -> KindCache:
        """Return a cache of compact rows (``ROW_FIELDS``, newest first) as a walk read them."""
        cache = cls(watermark, None, False, full_read_at, [], counts_exact)
        cache._rows = rows
        return cache

    def entries(self) -> tuple[list[str], list[int | None], list[dict[str, Any]]]:
        """Return each play's ``keys.play_key``, history id and host item (rows as loaded)."""
        if self._rows is None:
            plays = self.plays
            bases = [play_key(p.media, p.watched_at) for p in plays]
            return bases, [p.history_id for p in plays], [play_to_host(p) for p in plays]
        rows = self._rows
        return [r[3] for r in rows], [r[0] for r in rows], [row_host(r) for r in rows]

    def move_into(self, snapshot: Snapshot) -> None:
        """Put ``{play key: host item}`` of every play into ``snapshot``, emptying the cache.

        The keys are ranked first, while only the rows are held; then each row is dropped as
        its host item is built, the host item taking the row's ids (one copy at a time).
        """
        if self._rows is None:
            bases, history_ids, items = self.entries()
            snapshot.update(zip(rank_keys(bases, history_ids), items, strict=True))
            self._plays = []
            return
        rows = self._rows
        keys = rank_keys([r[3] for r in rows], [r[0] for r in rows])
        self._rows, self._plays = None, []
        rows.reverse()  # popped from the end: oldest last, so newest first as read
        for key in keys:
            snapshot[key] = row_host(rows.pop(), own=True)

    def to_json(self) -> dict[str, Any]:
        """Return the cache as stored (the plays as compact rows)."""
        rows = self._rows if self._rows is not None else [play_row(p) for p in self.plays]
        return {
            "watermark": self.watermark,
            "stale": self.stale,
            "full_read_at": self.full_read_at,
            "pending": unstructure(self.pending),
            "counts_exact": self.counts_exact,
            "plays": rows,
        }

    @classmethod
    def from_json(cls, data: Any) -> KindCache:
        """Read a stored cache; ``ValueError``/``TypeError`` when it is not one."""
        if not isinstance(data, dict):
            raise TypeError(f"a history cache must be an object, not {type(data).__name__}")
        watermark, stale = data.get("watermark"), data.get("stale", False)
        full_read_at = data.get("full_read_at", 0.0)
        if watermark is not None and not isinstance(watermark, str):
            raise TypeError(f"watermark must be a string, not {watermark!r:.40}")
        if type(stale) is not bool:
            raise TypeError(f"stale must be true or false, not {stale!r:.40}")
        if type(full_read_at) not in (int, float):
            raise TypeError(f"full_read_at must be a number, not {full_read_at!r:.40}")
        counts_exact = data.get("counts_exact", True)
        if type(counts_exact) is not bool:
            raise TypeError(f"counts_exact must be true or false, not {counts_exact!r:.40}")
        rows = data.get("plays", [])
        if not isinstance(rows, list):
            raise TypeError("plays must be a list")
        for row in rows:
            check_row(row)
        cache = cls(
            watermark,
            None,
            stale,
            float(full_read_at),
            structure(data.get("pending", []), list[Play]),
            counts_exact,
        )
        cache._rows = rows
        return cache


@attrs.define
class HistoryIndexDoc:
    """``trakt_history.index.json``: the cached plays per type."""

    #: 2: plays in compact rows with their keys (1: plays as attrs models)
    SCHEMA: ClassVar[int] = 2
    #: checked by its digest on load; rebuilt from Trakt when it does not match
    CACHE: ClassVar[bool] = True
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

    def snapshot(self, *, consume: bool = False) -> Snapshot:
        """Return ``{play key: host item}`` of every cached play, as ``PlayIndex.snapshot``.

        ``consume``: the rows become the host items one by one (``KindCache.move_into``) and
        the document is empty afterwards: for a caller that drops it.
        """
        if consume:
            snapshot: Snapshot = {}
            for kind in KINDS:  # the kinds' keys never meet (movie: / show:, episode:)
                cache = self.kind(kind)
                if cache is not None:
                    cache.move_into(snapshot)
            return snapshot
        bases: list[str] = []
        history_ids: list[int | None] = []
        items: list[dict[str, Any]] = []
        for kind in KINDS:
            cache = self.kind(kind)
            if cache is not None:
                kind_bases, kind_ids, kind_items = cache.entries()
                bases += kind_bases
                history_ids += kind_ids
                items += kind_items
        return dict(zip(rank_keys(bases, history_ids), items, strict=True))

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
    _by_title: dict[str, list[Play]] | None = None

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

    def items_of(self, plays: Iterable[Play]) -> dict[str, MediaRef]:
        """Return the distinct Trakt items of ``plays`` by key (``{item key: media}``)."""
        items: dict[str, MediaRef] = {}
        for play in plays:
            media = play.media
            trakt = media.ids.trakt
            key = f"{media.type}:trakt:{trakt}" if trakt is not None else item_key(media)
            items.setdefault(key or "", media)
        return items

    def titled(self, token: str) -> list[Play]:
        """Return the plays whose item's title token (``keys.title_token``) is ``token``."""
        if self._by_title is None:
            self._by_title = {}
            for play in self.plays:
                own = title_token(play.media)
                if own is not None:
                    self._by_title.setdefault(own, []).append(play)
        return self._by_title.get(token, [])

    def at(self, media: MediaRef, watched_at: datetime | str) -> list[Play]:
        """Return the plays of ``media`` at that minute (``released``: all), by history id."""
        plays = [p for p in self.of_media(media) if play_matches(p, media, watched_at)]
        return sorted(plays, key=lambda p: p.history_id or 0)


register_hooks(KindCache, KindCache.from_json, KindCache.to_json)
