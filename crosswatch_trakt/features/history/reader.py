"""The history cache ``trakt_history.index.json`` and the gated, incremental read of plays.

Per type (``movies``, ``episodes``) the cache keeps every play, newest first, with the
``<type>.watched_at`` watermark it was read at. The rules (``docs/features/history.md``):

- unchanged watermark (and not stale): served from the cache, no request;
- changed: walk pages newest first until a page holds a history id already cached, plus
  the windows of plays this adapter added since (``pending``); the new plays are enough
  only when Trakt's ``X-Pagination-Item-Count`` equals cached + new and the cached plays
  seen are exactly the newest cached ones; otherwise, and at least every
  ``FULL_REWALK_SECONDS``, a full walk. When the last full walk found the item count
  wrong (trakt/trakt-api#82) or the answer carries none, counts prove nothing: full walk;
- any failed or short read raises ``IncompleteRead``; the cache is only ever replaced by a
  complete result.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from crosswatch_trakt.errors import IncompleteRead
from crosswatch_trakt.features.history.cache import (
    FULL_REWALK_SECONDS,
    INDEX_FILE,
    KINDS,
    HistoryIndexDoc,
    Kind,
    KindCache,
    kind_of,
    newest_first,
)
from crosswatch_trakt.features.history.compact import Shared, compact_rows
from crosswatch_trakt.features.history.rows import Row
from crosswatch_trakt.media.models import Play
from crosswatch_trakt.media.traktrows import endpoint_type, trakt_history_row
from crosswatch_trakt.support.contract import HostContext
from crosswatch_trakt.support.dates import format_datetime
from crosswatch_trakt.trakt.pagination import ListChanged

if TYPE_CHECKING:
    from crosswatch_trakt.trakt.account import TraktAccount
    from crosswatch_trakt.trakt.session import TraktSession

__all__ = [
    "HistoryReader",
    "parse_rows",
    "read_compact",
    "read_span",
    "read_windows",
    "window_params",
    "windows",
]

FEATURE = "history"


def parse_rows(rows: Iterable[Any], media_type: str | None = None) -> list[Play]:
    """Turn ``GET /sync/history`` rows into plays; a malformed row fails the read.

    ``media_type`` is the type the path names (``/sync/history/movies``: ``movie``), for
    rows that come without a ``type``.
    """
    plays: list[Play] = []
    for row in rows:
        try:
            plays.append(trakt_history_row(row, media_type))
        except ValueError as exc:
            raise IncompleteRead(f"Trakt sent a history row that cannot be read: {exc}") from exc
    return plays


def read_compact(
    rows: Iterable[Any], media_type: str | None = None, shared: Shared | None = None
) -> list[Row]:
    """Turn ``GET /sync/history`` rows into the cache's compact rows (``compact.compact_rows``).

    What a full walk keeps of each page as it arrives: no ``Play``, and the page's JSON is
    dropped; a malformed row fails the read as in ``parse_rows``. ``shared``: what the
    rows of the whole walk share (titles, shows' ids; kept by the caller for the walk).
    """
    try:
        return compact_rows(rows, media_type, shared)
    except ValueError as exc:
        raise IncompleteRead(f"Trakt sent a history row that cannot be read: {exc}") from exc


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


def window_params(start: datetime, end: datetime) -> dict[str, str]:
    """Return ``start_at``/``end_at`` of the minutes from ``start`` to ``end``, both included.

    ``watched_at`` is stored to the minute, so the window runs to the end's 59th second.
    """
    return {
        "start_at": format_datetime(start),
        "end_at": format_datetime(end + timedelta(seconds=59)),
    }


def read_windows(
    session: TraktSession, kind: Kind, plays: Sequence[Play], cached: Sequence[Play]
) -> list[Play]:
    """Read back every play of ``kind`` in the minutes of ``plays`` (complete, or raise)."""
    found: list[Play] = []
    for start, end in windows(plays, cached, session.config.page_size):
        params = {} if start is None else window_params(start, end)
        found += session.paginate(
            f"/sync/history/{kind}", feature=FEATURE, params=params, convert=_parser(kind)
        )
    return found


def read_span(session: TraktSession, kinds: Sequence[Kind], plays: Sequence[Play]) -> list[Play]:
    """Read every play of ``kinds`` from the first to the last minute of ``plays``.

    One walk: ``/sync/history/{kind}`` for one kind, ``/sync/history`` for both. Every play
    must have a date (``released`` has none: the caller reads the whole index instead).
    Complete, or ``IncompleteRead``.
    """
    minutes = [p.watched_at for p in plays if isinstance(p.watched_at, datetime)]
    if len(minutes) != len(plays):
        raise ValueError("read_span needs plays with a watched_at date")
    if not minutes or not kinds:
        return []
    path = f"/sync/history/{kinds[0]}" if len(kinds) == 1 else "/sync/history"
    media_type = endpoint_type(kinds[0]) if len(kinds) == 1 else None
    found: list[Play] = session.paginate(
        path,
        feature=FEATURE,
        params=window_params(min(minutes), max(minutes)),
        convert=lambda rows: parse_rows(rows, media_type),
    )
    wanted = set(kinds)
    return [p for p in found if kind_of(p.media) in wanted]


def _parser(kind: Kind) -> Callable[[list[Any]], list[Play]]:
    """Return ``parse_rows`` for the rows of ``/sync/history/{kind}``."""
    media_type = endpoint_type(kind)
    return lambda rows: parse_rows(rows, media_type)


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

    def fresh(self, context: HostContext, kinds: Sequence[Kind] = KINDS) -> HistoryIndexDoc:
        """Return the cache with ``kinds`` brought up to date for this run (gate, then read).

        The other kinds stay as cached (a windowed add reads its cold kinds itself).
        """
        doc = self.cached()
        changed = False
        for kind in kinds:
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
            try:
                plays = self._incremental(kind, cache)
            except ListChanged:
                # another writer changed the list under the walk: the full walk below
                # proves itself (and restarts once if it changes again)
                self.account.log(FEATURE).info("index.incremental_restart", kind=kind)
                plays = None
            if plays is not None:
                self.sources[kind] = "incremental"
                return KindCache(mark, plays, full_read_at=cache.full_read_at)
        session = self.account.session
        noted = session.reads.total
        media_type = endpoint_type(kind)
        shared = Shared()
        rows: list[Row] = session.paginate(
            f"/sync/history/{kind}",
            feature=FEATURE,
            progress=context.progress,
            convert=lambda page: read_compact(page, media_type, shared),
        )
        self.sources[kind] = "full"
        # a count that disagreed with the rows walked cannot prove a later incremental read
        exact = session.reads.total == noted
        return KindCache.of_rows(mark, rows, full_read_at=now, counts_exact=exact)

    def _incremental(self, kind: Kind, cache: KindCache) -> list[Play] | None:
        if not cache.counts_exact:
            return None  # Trakt's item count for this list is off: only a full walk is proof
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
        media_type = endpoint_type(kind)
        for rows, info in pages:
            plays = parse_rows(rows, media_type)
            prefix += plays
            total = info.item_count
            if any(p.history_id in known for p in plays):
                return prefix, total, False
        return prefix, total, True
