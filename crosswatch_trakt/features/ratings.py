"""Ratings: integers 1-10 for movies, shows, seasons and episodes, gated per type.

The index lives in ``trakt_ratings.index.json``, one section per type with the
``{type}.rated_at`` watermark it was read at; only the types whose watermark moved are
re-read. Upserts send ``rated_at`` so dates survive, and skip items whose rating on Trakt is
already the same. See ``docs/features/ratings.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from crosswatch_trakt.features.items import (
    AliasIndex,
    MediaOnly,
    Parsed,
    dry_run_result,
    host_to_media_only,
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
from crosswatch_trakt.media.hostitems import host_to_rating, rating_to_host
from crosswatch_trakt.media.models import MediaRef, Rating
from crosswatch_trakt.media.traktrows import endpoint_type, trakt_rating_row
from crosswatch_trakt.support.contract import ApplyResult, HostContext, HostItem, Snapshot
from crosswatch_trakt.support.log import get_logger
from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["RATING_TYPES", "RatingsCache", "RatingsFeature", "TypeSection"]

CACHE = "trakt_ratings.index.json"
UNRESOLVED = "trakt_ratings.unresolved.json"
RESOLVED = "trakt_ratings.resolved.json"
RATING_TYPES = ("movies", "shows", "seasons", "episodes")


@attrs.define
class TypeSection:
    """The ratings of one type, with the ``{type}.rated_at`` watermark they were read at."""

    watermark: str | None = None
    items: dict[str, dict[str, Any]] = attrs.Factory(dict)
    stale: bool = False


@attrs.define
class RatingsCache:
    """The ratings index: one section per type."""

    SCHEMA: ClassVar[int] = 1
    #: checked by its digest on load; rebuilt from Trakt when it does not match
    CACHE: ClassVar[bool] = True
    types: dict[str, TypeSection] = attrs.Factory(dict)

    def all_items(self) -> dict[str, dict[str, Any]]:
        """Return every rating of every type as one snapshot."""
        return {
            k: v for t in RATING_TYPES for k, v in self.types.get(t, TypeSection()).items.items()
        }


@attrs.define
class RatingsFeature:
    """The Trakt ratings feature of one account."""

    name: ClassVar[str] = "ratings"
    account: TraktAccount

    def index(self, context: HostContext) -> Snapshot:
        """Return every rating; only the types whose ``rated_at`` moved are re-read."""
        return self._fresh(context).all_items()

    @serialised
    @reports_reads
    def add(self, items: Sequence[HostItem], context: HostContext, dry_run: bool) -> ApplyResult:
        """Rate ``items`` (upsert); unchanged ratings are skipped, not re-sent."""
        ledger = Ledger(dry_run=dry_run)
        parsed = parse_items(items, host_to_rating, ledger)
        if not parsed:
            return ledger.result()
        cache = self._cached() if dry_run else self._fresh(context)
        present, snapshot = AliasIndex.of(cache.all_items()), cache.all_items()
        memory = UnresolvedMemory.for_account(self.account, UNRESOLVED)
        resolved = ResolvedMemory.for_account(self.account, RESOLVED)
        todo: list[Parsed[Rating]] = []
        replaces: dict[str, str] = {}
        for entry in parsed:
            usable, found = locate(present, entry, ledger, resolved)
            if not usable:
                continue
            if found is not None:
                replaces[entry.key] = found
            if found is not None and snapshot[found].get("rating") == entry.value.rating:
                ledger.skip(entry.key)
            elif (held := memory.held_back(entry.key, entry.value.media)) is not None:
                ledger.fail(entry.key, entry.item, "previously_not_found", held.describe())
            else:
                todo.append(entry)
        if dry_run:
            return dry_run_result(ledger, todo, "would_rate")
        writer: ChunkWriter[Rating] = ChunkWriter(self.account, self.name, context, ledger)
        written = writer.write(todo, "/sync/ratings", _rating_fields, memory.remember_entry)
        memory.forget_all(entry.key for entry in written)
        memory.save()
        resolved.save()
        for entry in written:
            section = cache.types.setdefault(_kind(entry.value.media), TypeSection())
            section.items.pop(replaces.get(entry.key, entry.key), None)
            section.items[entry.key] = rating_to_host(entry.value)
        self._after_write(cache, todo if writer.sent else [])
        get_logger(self.name).info("apply.adds.done", **ledger.counts())
        return ledger.result()

    @serialised
    @reports_reads
    def remove(self, items: Sequence[HostItem], context: HostContext, dry_run: bool) -> ApplyResult:
        """Remove the ratings of ``items``; items not rated on Trakt are skipped."""
        ledger = Ledger(dry_run=dry_run)
        parsed = parse_items(items, host_to_media_only, ledger)
        if not parsed:
            return ledger.result()
        cache = self._cached() if dry_run else self._fresh(context)
        resolved = ResolvedMemory.for_account(self.account, RESOLVED)
        todo, targets = present_only(parsed, AliasIndex.of(cache.all_items()), ledger, resolved)
        if dry_run:
            return dry_run_result(ledger, todo, "would_remove")
        resolved.save()
        writer: ChunkWriter[MediaOnly] = ChunkWriter(self.account, self.name, context, ledger)
        written = writer.write(todo, "/sync/ratings/remove", no_fields)
        for entry in written:
            cache.types.setdefault(_kind(entry.value.media), TypeSection()).items.pop(
                targets[entry.key], None
            )
        self._after_write(cache, todo if writer.sent else [])
        get_logger(self.name).info("apply.removes.done", **ledger.counts())
        return ledger.result()

    # -- reading ---------------------------------------------------------------------

    def _cached(self) -> RatingsCache:
        return self.account.store.load(CACHE, RatingsCache) or RatingsCache()

    def _fresh(self, context: HostContext) -> RatingsCache:
        cache = self._cached()
        reread: list[str] = []
        for kind in RATING_TYPES:
            mark = self.account.activities.rated_at(context.run_id, kind)
            section = cache.types.get(kind)
            if section is not None and not section.stale and mark and section.watermark == mark:
                continue
            # "pagination optional" (trakt/trakt-api#919): one request for every row; the
            # walk still follows pagination headers if Trakt ever sends them
            rows = self.account.session.paginate(
                f"/sync/ratings/{kind}", feature=self.name, progress=context.progress, unpaged=True
            )
            parse = functools.partial(trakt_rating_row, media_type=endpoint_type(kind))
            items = rows_to_snapshot(rows, parse, rating_to_host, f"{kind} rating")
            cache.types[kind] = TypeSection(watermark=mark, items=items)
            reread.append(kind)
        if reread:
            self.account.store.save(CACHE, cache)
        get_logger(self.name).info(
            "index.done", count=len(cache.all_items()), reread=",".join(reread) or "none"
        )
        return cache

    def _after_write(self, cache: RatingsCache, sent: Sequence[Parsed[Any]]) -> None:
        """Save the cache with confirmed writes in it; the types sent are re-read next time."""
        if not sent:
            return
        for kind in {_kind(entry.value.media) for entry in sent}:
            cache.types.setdefault(kind, TypeSection()).stale = True
        self.account.store.save(CACHE, cache)
        self.account.activities.invalidate()


def _kind(media: MediaRef) -> str:
    return media.type + "s"


def _rating_fields(rating: Rating) -> dict[str, Any]:
    fields: dict[str, Any] = {"rating": rating.rating}
    if rating.rated_at is not None:
        fields["rated_at"] = rating.rated_at
    return fields
