"""History: every play exactly once, removes that hit the right play, optional collections.

``index`` serves ``{play key: host item}`` from ``trakt_history.index.json`` behind the
``movies.watched_at`` / ``episodes.watched_at`` gate (``reader``). ``add`` checks
each play against this run's index (a play already there at that minute is skipped),
honours ``watch_only_once``, the unresolved memory and the number fallback, then writes
through ``AddWriter`` (which settles ambiguous writes by reading back). ``remove`` targets
single plays by history id. See ``docs/features/history.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from crosswatch_trakt.config import HistoryOptions, PairOptions
from crosswatch_trakt.features.engine import FeatureBase
from crosswatch_trakt.features.history.cache import (
    INDEX_FILE,
    KINDS,
    HistoryIndexDoc,
    Kind,
    PlayIndex,
    kind_of,
)
from crosswatch_trakt.features.history.collection import add_collections
from crosswatch_trakt.features.history.identity import RESOLVED, learn_landed, resolve_entries
from crosswatch_trakt.features.history.parse import (
    earliest,
    fallback,
    hold_back,
    parse_adds,
    parse_removes,
    remove_targets,
    skip_present,
)
from crosswatch_trakt.features.history.reader import HistoryReader, read_span
from crosswatch_trakt.features.history.window import needed_kinds, window_kinds
from crosswatch_trakt.features.history.write import AddWriter, PlayIn, RemoveWriter
from crosswatch_trakt.features.items import reports_reads
from crosswatch_trakt.features.ledger import Ledger
from crosswatch_trakt.features.locking import serialised
from crosswatch_trakt.features.resolved import ResolvedMemory
from crosswatch_trakt.features.spec import Booked, FeatureSpec, Op, StateFiles
from crosswatch_trakt.features.unresolved import UnresolvedMemory
from crosswatch_trakt.features.watchlist import after_plays as watchlist_after_plays
from crosswatch_trakt.features.writer import WriteRun
from crosswatch_trakt.media.keys import item_key
from crosswatch_trakt.media.models import Play
from crosswatch_trakt.support.contract import HostContext, HostItem, Snapshot
from crosswatch_trakt.trakt.retry import RateAllowance

__all__ = ["SPEC", "UNRESOLVED", "HistoryFeature"]

UNRESOLVED = "trakt_history.unresolved.json"


def landed_entries(writer: AddWriter) -> list[PlayIn]:
    """Return the plays of ``writer`` that are (or may be) on Trakt now."""
    return [*writer.confirmed, *writer.uncertain]


@attrs.define
class HistoryFeature(FeatureBase):
    """The Trakt history feature of one account: its own engine for plays."""

    def index(self, context: HostContext) -> Snapshot:
        """Return every play on Trakt as ``{play key: host item}`` (complete, or raise)."""
        reader = HistoryReader(self.account)
        doc = reader.fresh(context)
        snapshot = doc.snapshot(consume=True)  # the rows become the host items
        self._log().info("index.done", plays=len(snapshot), **reader.sources)
        return snapshot

    @serialised
    @reports_reads
    def apply(
        self, op: Op, items: Sequence[HostItem], context: HostContext, dry_run: bool
    ) -> Booked:
        """Add plays, or remove them by history id; every item is booked once."""
        options = PairOptions.from_pair(context.pair).history
        ledger = Ledger(dry_run=dry_run)
        (self._add if op == "add" else self._remove)(items, context, options, ledger)
        booked = ledger.booked()
        self._log().info(f"apply.{op}s.done", **ledger.counts(), dry_run=dry_run)
        return booked

    def _add(
        self,
        items: Sequence[HostItem],
        context: HostContext,
        options: HistoryOptions,
        ledger: Ledger,
    ) -> None:
        """Add plays; each ends confirmed, skipped (already there) or unresolved."""
        dry_run = ledger.dry_run
        entries = parse_adds(items, ledger, allow_released=options.allow_released)
        if not entries:
            return
        reader = HistoryReader(self.account)
        doc, index, windowed = self._add_index(reader, entries, context, options, ledger)
        resolved = ResolvedMemory.for_account(self.account, RESOLVED)
        todo = resolve_entries(entries, index, resolved, ledger)
        todo = skip_present(todo, index, ledger)
        memory = UnresolvedMemory.for_account(self.account, UNRESOLVED)
        todo = hold_back(todo, memory, ledger)
        todo = fallback(todo, options, ledger)
        # last, so a pass with nothing left to send does not read /users/settings
        whole = _Whole(reader, context, doc, windowed, index)
        todo = self._watch_only_once(todo, whole, doc, reader, context, ledger, dry_run)
        if dry_run:
            for entry in todo:
                ledger.confirm(entry.key)
            ledger.bump("would_add", len(todo))
            self._collect([e.play for e in todo], index, options, ledger, dry_run=True)
            return
        writer = AddWriter(
            WriteRun(self.account, self.name, context),
            ledger,
            index=index,
            nest=options.number_fallback,
            not_found=lambda e: memory.remember(e.key, e.play.media, "not_found", "not matched"),
        )
        try:
            writer.write(todo)
        finally:
            landed = [e.play for e in (*writer.confirmed, *writer.uncertain)]
            for kind in writer.written:
                doc.mark_written(kind, [p for p in landed if kind_of(p.media) == kind])
            if writer.written:
                reader.save(doc)
            for entry in writer.confirmed:
                memory.forget(entry.key)
            memory.save()
            resolved.save()
            watchlist_after_plays(self.account, [play.media for play in landed])
        learn_landed(self.account, landed_entries(writer), index, resolved, ledger)
        resolved.save()
        ledger.bump("added", len(writer.confirmed))
        self._collect(
            [e.play for e in writer.confirmed],
            index,
            options,
            ledger,
            dry_run=False,
            allowance=writer.run.allowance,
        )

    def _remove(
        self,
        items: Sequence[HostItem],
        context: HostContext,
        options: HistoryOptions,
        ledger: Ledger,
    ) -> None:
        """Remove plays by history id; removing every play of an item needs an explicit option."""
        dry_run = ledger.dry_run
        found, whole = parse_removes(items, ledger)
        if not found and not whole:
            return
        reader = HistoryReader(self.account)
        doc = self._doc(reader, context, ledger, dry_run)
        index = PlayIndex.of(doc.plays())
        resolved = ResolvedMemory.for_account(self.account, RESOLVED)
        targets, by_key = remove_targets(found, whole, index, ledger, options, resolved)
        if dry_run:
            for key in by_key:
                (ledger.confirm if targets.get(key) else ledger.skip)(key)
            ledger.bump("would_remove_plays", sum(len(t) for t in targets.values()))
            return
        resolved.save()
        live = {key: hids for key, hids in targets.items() if hids}
        for key in by_key:
            if key not in live:
                ledger.skip(key)
        remover = RemoveWriter(WriteRun(self.account, self.name, context), ledger)
        try:
            remover.remove(live, by_key)
        finally:
            doc.drop({h for h, (s, _) in remover.outcome.items() if s in ("deleted", "gone")})
            if remover.uncertain:
                for kind in KINDS:
                    doc.mark_written(kind)
            if remover.outcome:
                reader.save(doc)
        removed = {h for h, (state, _) in remover.outcome.items() if state == "deleted"}
        ledger.bump("plays_removed", len(removed))
        whole_keys = {w.key for w in whole if w.history_id is None}
        by_item = sum(len(removed & set(live[k])) for k in live if k in whole_keys)
        if whole_keys:
            ledger.bump("plays_removed_by_item", by_item)

    # -- helpers -----------------------------------------------------------------------

    def _add_index(
        self,
        reader: HistoryReader,
        entries: Sequence[PlayIn],
        context: HostContext,
        options: HistoryOptions,
        ledger: Ledger,
    ) -> tuple[HistoryIndexDoc, PlayIndex, list[Kind]]:
        """Return the cache, the index an add checks against, and the kinds read in a window.

        A kind with no cache is read in the window of the plays sent where that answers
        (``window``); the other kinds the plays are of are brought up to date as before.
        """
        if ledger.dry_run:
            doc = self._doc(reader, context, ledger, True)
            return doc, PlayIndex.of(doc.plays()), []
        windowed = window_kinds(entries, reader.cached(), options)
        if not windowed:
            # only the kinds the plays are of: a movie add never waits on the episode walk
            ledger.stats["index"] = "fresh"
            doc = reader.fresh(context, needed_kinds(entries))
            return doc, PlayIndex.of(doc.plays()), []
        full = [kind for kind in needed_kinds(entries) if kind not in windowed]
        doc = reader.fresh(context, full)
        mine = [e.play for e in entries if kind_of(e.play.media) in windowed]
        plays = read_span(self.account.session, windowed, mine)
        ledger.stats["index"] = "window"
        ledger.stats["window"] = {"kinds": list(windowed), "plays_read": len(plays)}
        caches = [doc.kind(kind) for kind in full]
        known = [play for cache in caches if cache is not None for play in cache.plays]
        return doc, PlayIndex.of([*known, *plays]), windowed

    def _doc(
        self, reader: HistoryReader, context: HostContext, ledger: Ledger, dry_run: bool
    ) -> HistoryIndexDoc:
        """Return this run's index; a dry run uses the cache as it is (no request)."""
        if not dry_run:
            ledger.stats["index"] = "fresh"
            return reader.fresh(context)
        doc = reader.cached()
        complete = all(doc.kind(kind) is not None for kind in KINDS)
        ledger.stats["index"] = "cached" if complete else "missing"
        return doc

    def _watch_only_once(
        self,
        todo: list[PlayIn],
        whole: _Whole,
        doc: HistoryIndexDoc,
        reader: HistoryReader,
        context: HostContext,
        ledger: Ledger,
        dry_run: bool,
    ) -> list[PlayIn]:
        """With ``watch_only_once`` keep one play per item: none if Trakt has one already."""
        if not todo:
            return todo
        if dry_run:
            flag = bool(doc.watch_only_once)
        else:
            browsing = self.account.settings(context.run_id).get("browsing")
            flag = isinstance(browsing, Mapping) and browsing.get("watch_only_once") is True
            if doc.watch_only_once is not flag:
                doc.watch_only_once = flag
                reader.save(doc)
        if not flag:
            return todo
        index = whole.index()
        kept: dict[str, PlayIn] = {}
        collapsed: list[PlayIn] = []
        for entry in sorted(todo, key=earliest):
            key = item_key(entry.play.media) or entry.key
            if key in kept or index.of_media(entry.play.media):
                collapsed.append(entry)
            else:
                kept[key] = entry
        for entry in collapsed:
            ledger.skip(entry.key)
        ledger.stats["watch_only_once"] = {"collapsed": len(collapsed)}
        chosen = set(map(id, kept.values()))
        return [entry for entry in todo if id(entry) in chosen]

    def _collect(
        self,
        plays: list[Play],
        index: PlayIndex,
        options: HistoryOptions,
        ledger: Ledger,
        *,
        dry_run: bool,
        allowance: RateAllowance | None = None,
    ) -> None:
        toggles = options.add_collections
        stats = add_collections(
            self.account,
            plays,
            toggles,
            earlier=index.plays,
            dry_run=dry_run,
            allowance=allowance,
        )
        if stats is not None:
            ledger.stats["collection"] = stats


@attrs.define
class _Whole:
    """The index of every play of the kinds an add is about, read on demand.

    After a windowed read (``window``) only ``watch_only_once`` needs every play of an item:
    the windowed kinds are then read in full into ``doc`` (and so cached).
    """

    reader: HistoryReader
    context: HostContext
    doc: HistoryIndexDoc
    windowed: list[Kind]
    current: PlayIndex

    def index(self) -> PlayIndex:
        """Return the index of every play (the current one when nothing was windowed)."""
        if self.windowed:
            full = self.reader.fresh(self.context, self.windowed)
            for kind in self.windowed:
                cache = full.kind(kind)
                if cache is not None:
                    self.doc.set_kind(kind, cache)
            self.windowed = []
            self.current = PlayIndex.of(self.doc.plays())
        return self.current


SPEC = FeatureSpec(
    name="history",
    summary="plays of movies and episodes, each with its watched_at, exactly once",
    files=StateFiles(index=INDEX_FILE, unresolved=UNRESOLVED, resolved=RESOLVED),
    engine=HistoryFeature,
    capabilities={"watched_at": True, "multiple_plays": True, "removes": True},
    host_capabilities={
        "types": {"movies": True, "shows": False, "seasons": False, "episodes": True},
        "watched_at": True,
        "multiple_plays": True,
        "upsert": True,
        "remove": True,
        "from_date": True,
        "event_history": True,
        "rewatches": {"read": True, "write": True, "account_gate": False},
    },
    per_play=True,
    detail=lambda item: f"watched {item.get('watched_at')}",
)
