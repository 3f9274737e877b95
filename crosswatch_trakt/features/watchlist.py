"""The watchlist: a complete, gated snapshot, and adds and removes that account for every item.

The snapshot lives in ``trakt_watchlist.shadow.json`` with the ``watchlist.updated_at``
watermark it was read at. Writes go in chunks through the session's write pacing; Trakt's
``not_found`` echoes map back to the exact input items; plan limits come from
``/users/settings``. See ``docs/features/watchlist.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from crosswatch_trakt.features.items import (
    AliasIndex,
    Parsed,
    dry_run_result,
    locate,
    no_fields,
    parse_items,
    present_only,
    reports_reads,
    rows_to_snapshot,
)
from crosswatch_trakt.features.ledger import Ledger
from crosswatch_trakt.features.locking import serialised
from crosswatch_trakt.features.resolved import ResolvedMemory
from crosswatch_trakt.features.unresolved import UnresolvedMemory
from crosswatch_trakt.features.writer import ChunkWriter
from crosswatch_trakt.media.hostitems import host_to_watchlist, watchlist_to_host
from crosswatch_trakt.media.models import WatchlistEntry
from crosswatch_trakt.media.traktrows import trakt_watchlist_row
from crosswatch_trakt.support.contract import ApplyResult, HostContext, HostItem, Snapshot
from crosswatch_trakt.support.log import get_logger
from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["WatchlistFeature", "WatchlistShadow"]

SHADOW = "trakt_watchlist.shadow.json"
UNRESOLVED = "trakt_watchlist.unresolved.json"
RESOLVED = "trakt_watchlist.resolved.json"
WATERMARK = "watchlist.updated_at"


@attrs.define
class WatchlistShadow:
    """The last complete watchlist read, with the watermark it was read at."""

    SCHEMA: ClassVar[int] = 1
    #: checked by its digest on load; rebuilt from Trakt when it does not match
    CACHE: ClassVar[bool] = True
    watermark: str | None = None
    items: dict[str, dict[str, Any]] = attrs.Factory(dict)
    stale: bool = False


@attrs.define
class WatchlistFeature:
    """The Trakt watchlist feature of one account."""

    name: ClassVar[str] = "watchlist"
    account: TraktAccount

    def index(self, context: HostContext) -> Snapshot:
        """Return the complete watchlist, from the shadow when the watermark has not moved."""
        return dict(self._fresh(context).items)

    @serialised
    @reports_reads
    def add(self, items: Sequence[HostItem], context: HostContext, dry_run: bool) -> ApplyResult:
        """Add ``items`` to the watchlist; every item ends confirmed, skipped or unresolved."""
        ledger = Ledger(dry_run=dry_run)
        parsed = parse_items(items, host_to_watchlist, ledger)
        if not parsed:
            return ledger.result()
        shadow = self._cached(context) if dry_run else self._fresh(context)
        present = AliasIndex.of(shadow.items)
        memory = UnresolvedMemory.for_account(self.account, UNRESOLVED)
        resolved = ResolvedMemory.for_account(self.account, RESOLVED)
        todo: list[Parsed[WatchlistEntry]] = []
        for entry in parsed:
            usable, found = locate(present, entry, ledger, resolved)
            if not usable:
                continue
            if found is not None:
                ledger.skip(entry.key)
            elif (held := memory.held_back(entry.key, entry.value.media)) is not None:
                ledger.fail(entry.key, entry.item, "previously_not_found", held.describe())
            else:
                todo.append(entry)
        if dry_run:
            return dry_run_result(ledger, todo, "would_add")
        todo = self._within_plan_limit(todo, len(shadow.items), context, ledger)
        writer: ChunkWriter[WatchlistEntry] = ChunkWriter(self.account, self.name, context, ledger)
        written = writer.write(todo, "/sync/watchlist", no_fields, memory.remember_entry)
        memory.forget_all(entry.key for entry in written)
        for entry in written:
            shadow.items[entry.key] = watchlist_to_host(entry.value)
        self._after_write(shadow, writer.sent > 0)
        memory.save()
        resolved.save()
        self._log().info("apply.adds.done", **ledger.counts())
        return ledger.result()

    @serialised
    @reports_reads
    def remove(self, items: Sequence[HostItem], context: HostContext, dry_run: bool) -> ApplyResult:
        """Remove ``items`` from the watchlist; items not on it are skipped without a request."""
        ledger = Ledger(dry_run=dry_run)
        parsed = parse_items(items, host_to_watchlist, ledger)
        if not parsed:
            return ledger.result()
        shadow = self._cached(context) if dry_run else self._fresh(context)
        resolved = ResolvedMemory.for_account(self.account, RESOLVED)
        todo, targets = present_only(parsed, AliasIndex.of(shadow.items), ledger, resolved)
        if dry_run:
            return dry_run_result(ledger, todo, "would_remove")
        resolved.save()
        writer: ChunkWriter[WatchlistEntry] = ChunkWriter(self.account, self.name, context, ledger)
        written = writer.write(todo, "/sync/watchlist/remove", no_fields)
        for entry in written:
            shadow.items.pop(targets[entry.key], None)
        self._after_write(shadow, writer.sent > 0)
        self._log().info("apply.removes.done", **ledger.counts())
        return ledger.result()

    # -- reading ---------------------------------------------------------------------

    def _fresh(self, context: HostContext) -> WatchlistShadow:
        mark = self.account.activities.watermark(context.run_id, WATERMARK)
        shadow = self.account.store.load(SHADOW, WatchlistShadow)
        if (
            shadow is not None
            and not shadow.stale
            and mark is not None
            and shadow.watermark == mark
        ):
            self._log().info("index.cached", count=len(shadow.items))
            return shadow
        rows = self.account.session.paginate(
            "/sync/watchlist", feature=self.name, progress=context.progress
        )
        items = rows_to_snapshot(rows, trakt_watchlist_row, watchlist_to_host, "watchlist")
        fresh = WatchlistShadow(watermark=mark, items=items)
        self.account.store.save(SHADOW, fresh)
        self._log().info("index.done", count=len(fresh.items), rows=len(rows))
        return fresh

    def _cached(self, context: HostContext) -> WatchlistShadow:
        return self.account.store.load(SHADOW, WatchlistShadow) or WatchlistShadow(stale=True)

    # -- writing ---------------------------------------------------------------------

    def _within_plan_limit(
        self,
        todo: list[Parsed[WatchlistEntry]],
        used: int,
        context: HostContext,
        ledger: Ledger,
    ) -> list[Parsed[WatchlistEntry]]:
        if not todo or self.account.stops.stopped(self.name, context.run_id) is not None:
            return todo  # nothing to send, or the writer fails them with the stop's reason
        limit = self.account.watchlist_limit(context.run_id)
        if limit is None:
            return todo
        room = max(0, limit - used)
        for entry in todo[room:]:
            ledger.fail(
                entry.key,
                entry.item,
                "account_limit",
                f"the account's watchlist limit is {limit} items and {used} are used",
            )
        return todo[:room]

    def _after_write(self, shadow: WatchlistShadow, changed: bool) -> None:
        """Keep the shadow true: our own writes are in it, and it is re-read next time."""
        if changed:
            shadow.stale = True
            self.account.store.save(SHADOW, shadow)
            self.account.activities.invalidate()

    def _log(self) -> Any:
        return get_logger(self.name)
