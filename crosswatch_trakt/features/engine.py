"""The engine of the present-state features (watchlist, ratings), run from their ``FeatureSpec``.

``index`` serves the feature's cached index part by part: a part whose ``last_activities``
stamp has not moved since it was read comes from the state file, any other is read again
from its endpoint (``spec.index.reads``). ``add`` books items already on Trakt (and, for
ratings, with the same value) as skipped, holds back items Trakt did not find on an earlier
run, keeps within the account's limit, then writes the rest through ``ChunkWriter``;
``remove`` skips items that are not there and writes the rest. After a write the parts it
touched are marked stale, so the next read takes them from Trakt again. History has its own
engine (``features.history``): its exactly-once plays need more than an upsert.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from crosswatch_trakt.features.items import (
    AliasIndex,
    Parsed,
    dry_run_book,
    locate,
    parse_items,
    present_only,
    reports_reads,
    rows_to_parts,
    rows_to_snapshot,
)
from crosswatch_trakt.features.ledger import Ledger
from crosswatch_trakt.features.locking import serialised
from crosswatch_trakt.features.resolved import ResolvedMemory
from crosswatch_trakt.features.spec import (
    Booked,
    FeatureSpec,
    IndexDoc,
    IndexSpec,
    Op,
    Part,
    PartRead,
    UpsertSpec,
)
from crosswatch_trakt.features.unresolved import UnresolvedMemory
from crosswatch_trakt.features.writer import WriteRun
from crosswatch_trakt.support.contract import ApplyResult, HostContext, HostItem, Snapshot
from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["FeatureBase", "UpsertFeature"]


@attrs.define
class FeatureBase:
    """What every feature engine shares: its spec, its account, ``add`` and ``remove``."""

    spec: FeatureSpec
    account: TraktAccount

    @property
    def name(self) -> str:
        """The feature's name (its spec's)."""
        return self.spec.name

    def apply(
        self, op: Op, items: Sequence[HostItem], context: HostContext, dry_run: bool
    ) -> Booked:
        """Add or remove ``items`` (each engine's own)."""
        raise NotImplementedError  # pragma: no cover

    def add(self, items: Sequence[HostItem], context: HostContext, dry_run: bool) -> ApplyResult:
        """Add ``items``; every item ends confirmed, skipped or unresolved."""
        return self.apply("add", items, context, dry_run).result

    def remove(self, items: Sequence[HostItem], context: HostContext, dry_run: bool) -> ApplyResult:
        """Remove ``items``; every item ends confirmed, skipped or unresolved."""
        return self.apply("remove", items, context, dry_run).result

    def _log(self) -> Any:
        return self.account.log(self.name)


@attrs.define
class UpsertFeature(FeatureBase):
    """A present-state feature whose writes are upserts: the watchlist and the ratings."""

    @property
    def _index(self) -> IndexSpec:
        assert self.spec.index is not None, f"{self.name} declares no index"
        return self.spec.index

    @property
    def _upsert(self) -> UpsertSpec:
        assert self.spec.upsert is not None, f"{self.name} declares no writes"
        return self.spec.upsert

    def index(self, context: HostContext) -> Snapshot:
        """Return the complete present state; only the parts whose stamp moved are re-read."""
        return self._fresh(context).all_items()

    @serialised
    @reports_reads
    def apply(
        self, op: Op, items: Sequence[HostItem], context: HostContext, dry_run: bool
    ) -> Booked:
        """Add or remove ``items``; every item ends confirmed, skipped or unresolved."""
        ledger = Ledger(dry_run=dry_run)
        spec = self._upsert
        parsed = parse_items(items, spec.parse_add if op == "add" else spec.parse_remove, ledger)
        if parsed:
            doc = self._cached() if dry_run else self._fresh(context)
            (self._add if op == "add" else self._remove)(parsed, doc, context, ledger)
            self._log().info(f"apply.{op}s.done", **ledger.counts())
        return ledger.booked()

    # -- writing ---------------------------------------------------------------------

    def _add(
        self, parsed: list[Parsed[Any]], doc: IndexDoc, context: HostContext, ledger: Ledger
    ) -> None:
        spec, files = self._upsert, self.spec.files
        snapshot = doc.all_items()
        present = AliasIndex.of(snapshot)
        memory = UnresolvedMemory.for_account(self.account, files.unresolved)
        resolved = ResolvedMemory.for_account(self.account, files.resolved)
        todo: list[Parsed[Any]] = []
        replaces: dict[str, str] = {}
        for entry in parsed:
            usable, found = locate(present, entry, ledger, resolved)
            if not usable:
                continue
            if found is not None:
                replaces[entry.key] = found
            if found is not None and spec.unchanged(entry.value, snapshot[found]):
                ledger.skip(entry.key)
            elif (held := memory.held_back(entry.key, entry.value.media)) is not None:
                ledger.fail(entry.key, entry.item, "previously_not_found", held.describe())
            else:
                todo.append(entry)
        if ledger.dry_run:
            dry_run_book(ledger, todo, spec.would_add)
            return
        run = WriteRun(self.account, self.name, context)
        todo = self._within_limit(todo, len(snapshot), run, ledger)
        written = spec.writes.add(run, ledger, todo, memory.remember_entry)
        memory.forget_all(entry.key for entry in written.entries)
        memory.save()
        resolved.save()
        for entry in written.entries:
            part = self._part(doc, entry)
            part.items.pop(replaces.get(entry.key, entry.key), None)
            part.items[entry.key] = self._index.to_host(entry.value)
        self._after_write(doc, todo if written.sent else [])

    def _remove(
        self, parsed: list[Parsed[Any]], doc: IndexDoc, context: HostContext, ledger: Ledger
    ) -> None:
        resolved = ResolvedMemory.for_account(self.account, self.spec.files.resolved)
        snapshot = doc.all_items()
        todo, targets = present_only(parsed, AliasIndex.of(snapshot), ledger, resolved)
        if ledger.dry_run:
            dry_run_book(ledger, todo, "would_remove")
            return
        resolved.save()
        present = {key: snapshot[target] for key, target in targets.items()}
        run = WriteRun(self.account, self.name, context)
        written = self._upsert.writes.remove(run, ledger, todo, present)
        for entry in written.entries:
            self._part(doc, entry).items.pop(targets[entry.key], None)
        self._after_write(doc, todo if written.sent else [])

    def _within_limit(
        self, todo: list[Parsed[Any]], used: int, run: WriteRun, ledger: Ledger
    ) -> list[Parsed[Any]]:
        limit_of = self._upsert.limit
        if limit_of is None or not todo or run.stopped is not None:
            return todo  # no limit, nothing to send, or the writer fails them with the stop
        limit = limit_of(self.account, run.context.run_id, False)
        if limit is not None and limit - used < len(todo):
            # about to refuse items: the kept settings may predate a plan change, read them
            limit = limit_of(self.account, run.context.run_id, True)
        if limit is None:
            return todo
        room = max(0, limit - used)
        detail = f"the account's {self.name} limit is {limit} items and {used} are used"
        for entry in todo[room:]:
            ledger.fail(entry.key, entry.item, "account_limit", detail)
        return todo[:room]

    def _part(self, doc: IndexDoc, entry: Parsed[Any]) -> Part:
        name = self._index.part_of(entry.value.media)
        part = doc.part(name)
        if part is None:
            part = Part()
            doc.put(name, part)
        return part

    def _after_write(self, doc: IndexDoc, sent: Sequence[Parsed[Any]]) -> None:
        """Save the index with confirmed writes in it; the parts sent are re-read next time.

        The run's activities stay: a stale part is re-read whatever its stamp says, and the
        other parts' stamps did not move by this write.
        """
        if not sent:
            return
        for entry in sent:
            self._part(doc, entry).stale = True
        self.account.store.save(self.spec.files.index, doc)

    # -- reading ---------------------------------------------------------------------

    def _rows(self, read: PartRead, context: HostContext) -> list[Any]:
        return self.account.session.paginate(
            read.path,
            feature=self.name,
            params=read.params,
            progress=context.progress,
            unpaged=read.unpaged,
        )

    def _cached(self) -> IndexDoc:
        index = self._index
        loaded: IndexDoc | None = self.account.store.load(self.spec.files.index, index.doc_type)
        return loaded if loaded is not None else index.doc()

    def _fresh(self, context: HostContext) -> IndexDoc:
        """Return the index with every part whose stamp moved (or that is stale) read again.

        Each part is read after this run's activities, so it holds every change up to its
        stamp. When two or more parts are due and the spec has a ``together`` read, that one
        request replaces them and refreshes every part (the same proof holds for each).
        """
        index = self._index
        doc = self._cached()
        marks = {
            r.part: self.account.activities.watermark(context.run_id, r.stamp) for r in index.reads
        }
        due = [read for read in index.reads if not _current(doc.part(read.part), marks[read.part])]
        together = index.together
        if together is not None and len(due) >= 2:
            rows = self._rows(together, context)
            parts = rows_to_parts(rows, together.row, index.to_host, together.what, index.part_of)
            for read in index.reads:
                doc.put(read.part, Part(watermark=marks[read.part], items=parts.get(read.part, {})))
            due = list(index.reads)
        else:
            for read in due:
                items = rows_to_snapshot(
                    self._rows(read, context), read.row, index.to_host, read.what
                )
                doc.put(read.part, Part(watermark=marks[read.part], items=items))
        reread = [read.part for read in due]
        if reread:
            self.account.store.save(self.spec.files.index, doc)
        self._log().info("index.done", count=_size(doc, index), reread=",".join(reread) or "none")
        return doc


def _current(part: Part | None, mark: str | None) -> bool:
    """Return whether a cached part may be served: read at this stamp, and not stale."""
    return part is not None and not part.stale and bool(mark) and part.watermark == mark


def _size(doc: IndexDoc, index: IndexSpec) -> int:
    """Return how many items the parts of ``doc`` hold (without merging them)."""
    parts = (doc.part(read.part) for read in index.reads)
    return sum(len(part.items) for part in parts if part is not None)
