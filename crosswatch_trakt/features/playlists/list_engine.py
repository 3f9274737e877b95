"""``PlaylistsFeature``: a Trakt account's personal lists as host-neutral playlists.

Each operation names one list (its Trakt id or slug). ``add_items`` and ``remove_items``
read the list completely first: an item already on it is skipped (a remove of an item not on
it too), items past the plan's ``limits.list.item_count`` are ``account_limit`` without a
request, and the rest are written by ``features.writer.SyncWrites`` through the one write
loop (adaptive chunks; a 420 fails what is left with ``account_limit``); every item is
booked in a ``Ledger``. ``create_list`` keeps within ``limits.list.count``; ``reorder_items``
sends one ``rank`` of list-item ids. Each list's last read is cached (``trakt_playlists.index
.json``) so that a dry run needs no request. A list's writes are stopped by a 420 for the
rest of the run without stopping the other lists.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from crosswatch_trakt.config import WriteChunks
from crosswatch_trakt.errors import AmbiguousWrite, FeatureNotSupported, InvalidInput, TraktError
from crosswatch_trakt.features.chunks import Chunks, ChunkSizer
from crosswatch_trakt.features.engine import FeatureBase
from crosswatch_trakt.features.items import (
    AliasIndex,
    Parsed,
    as_items,
    dry_run_book,
    host_to_media_only,
    locate,
    parse_items,
    present_only,
)
from crosswatch_trakt.features.ledger import Ledger
from crosswatch_trakt.features.playlists.lists_read import (
    LISTS_PATH,
    ListLimits,
    items_path,
    limits_of,
    list_resource,
    read_items,
    read_lists,
)
from crosswatch_trakt.features.spec import Booked, Op, Part, PartsIndex
from crosswatch_trakt.features.writer import SyncWrites, WriteRun
from crosswatch_trakt.media.hostitems import host_to_watchlist, media_to_host
from crosswatch_trakt.support.contract import HostContext, HostItem, Snapshot

__all__ = ["ListsCache", "PlaylistsFeature"]

#: what a generic ``apply_adds``/``apply_removes`` of ``playlists`` is told
PER_LIST = (
    "playlists are written list by list: use the playlist hooks (playlist_add, "
    "playlist_remove, ...) or CrossWatch's add_playlist_items"
)


@attrs.define
class ListsCache(PartsIndex):
    """The last complete read of each list, one part per list id (for dry runs).

    ``watermark`` and ``names`` are those of the last complete read of every list (``index``).
    """

    watermark: str | None = None
    names: dict[str, str] | None = None

    def all_items(self) -> dict[str, dict[str, Any]]:
        """Return every cached item, keyed ``<list id>/<item key>``."""
        return {f"{lid}/{k}": v for lid, part in self.types.items() for k, v in part.items.items()}


def _clean_id(list_id: Any) -> str:
    text = str(list_id or "").strip()
    if not text or "/" in text or "?" in text:
        raise InvalidInput(f"a list id must be a Trakt list id or slug, not {list_id!r:.40}")
    return text


@attrs.define
class PlaylistsFeature(FeatureBase):
    """The personal lists of one account (see the module docstring)."""

    # -- the generic feature contract -------------------------------------------------

    def index(self, context: HostContext) -> Snapshot:
        """Return every item on every list, keyed ``<list id>/<item key>``, with its list.

        Gated by ``lists.updated_at``: when it has not moved since the last complete read,
        the cached read is served without a further request.
        """
        mark = self.account.activities.watermark(context.run_id, "lists.updated_at")
        doc = self._doc()
        stale = any(part.stale for part in doc.types.values())
        if not (mark and doc.watermark == mark and doc.names is not None and not stale):
            fresh = ListsCache(watermark=mark, names={})
            for resource in read_lists(self.account, self.name):
                contents = read_items(self.account, resource["id"], self.name, context.progress)
                fresh.put(resource["id"], Part(items=contents.snapshot()))
                fresh.names = {**(fresh.names or {}), resource["id"]: resource["name"]}
            self.account.store.save(self.spec.files.index, fresh)
            doc = fresh
        names = doc.names or {}
        return {
            f"{lid}/{key}": {**item, "list_id": lid, "list_name": names.get(lid, lid)}
            for lid, part in doc.types.items()
            if lid in names
            for key, item in part.items.items()
        }

    def apply(
        self, op: Op, items: Sequence[HostItem], context: HostContext, dry_run: bool
    ) -> Booked:
        """Refuse: a playlist write names its list (``add_items``, ``remove_items``)."""
        raise FeatureNotSupported(PER_LIST)

    def limits(self, context: HostContext, *, fresh: bool = False) -> ListLimits:
        """Return the plan's list limits (``/users/settings``; ``fresh``: as read in this run)."""
        return limits_of(self.account.settings(context.run_id, fresh=fresh))

    def resources(self, context: HostContext) -> dict[str, Any]:
        """Return ``{lists: [...], limits: {count, item_count, assumed}}``."""
        lists = read_lists(self.account, self.name)
        # the host plans its lists by these limits: as read now (a plan change, a VIP lapse,
        # need not move account.settings_at, so a kept copy is not proof)
        return {"lists": lists, "limits": self.limits(context, fresh=True).as_dict()}

    def snapshot(self, list_id: str, context: HostContext) -> dict[str, Any]:
        """Return the list's items ``{key: item}`` in Trakt's order, read completely."""
        lid = _clean_id(list_id)
        items, size = self._present(lid, context, dry_run=False)
        return {"list_id": lid, "items": items, "size": size}

    def create_list(
        self, name: str, context: HostContext, dry_run: bool, privacy: str = "private"
    ) -> dict[str, Any]:
        """Create a list ``name`` within ``limits.list.count``; say what happened."""
        title = str(name or "").strip()
        if not title:
            raise InvalidInput("a list needs a name")
        if dry_run:
            return {"ok": True, "dry_run": True, "list": {"id": "", "name": title}}
        before = read_lists(self.account, self.name)
        limits = self.limits(context)
        if limits.count is not None and len(before) >= limits.count:
            limits = self.limits(context, fresh=True)  # before refusing: not a kept copy
        if limits.count is not None and len(before) >= limits.count:
            detail = f"the account may have {limits.count} lists and has {len(before)}"
            return _refused("account_limit", detail, limits)
        run = WriteRun(self.account, self.name, context)

        def attempt() -> dict[str, Any]:
            try:
                answer = run.post(LISTS_PATH, {"name": title, "privacy": privacy})
            except AmbiguousWrite:  # never resent: read back whether it was made
                known = {resource["id"] for resource in before}
                made = [
                    r
                    for r in read_lists(self.account, self.name)
                    if r["id"] not in known and r["name"] == title
                ]
                if len(made) != 1:
                    raise
                return made[0]
            resource = list_resource(answer)
            if resource is None:
                raise AmbiguousWrite("Trakt's answer to the new list carried no list id.")
            return resource

        done = _write_once(run, attempt)
        if isinstance(done, tuple):
            return _refused(*done, limits)
        return {"ok": True, "dry_run": False, "created": True, "list": done}

    # -- items --------------------------------------------------------------------------

    def add_items(
        self, list_id: str, items: Sequence[HostItem], context: HostContext, dry_run: bool
    ) -> Booked:
        """Add ``items`` to the list; every item ends confirmed, skipped or unresolved."""
        lid = _clean_id(list_id)
        ledger = Ledger(dry_run=dry_run)
        parsed = parse_items(as_items(items), host_to_watchlist, ledger)
        if not parsed:
            return ledger.booked()
        snapshot, size = self._present(lid, context, dry_run)
        present = AliasIndex.of(snapshot)
        todo: list[Parsed[Any]] = []
        for entry in parsed:
            usable, found = locate(present, entry, ledger)
            if not usable:
                continue
            if found is not None:
                ledger.skip(entry.key)  # on the list already
            else:
                todo.append(entry)
        if dry_run:
            dry_run_book(ledger, todo, "would_add")
            return ledger.booked()
        run = self._run(lid, context)
        todo = self._within_limit(todo, size, run, context, ledger)
        written = SyncWrites(items_path(lid)).add(run, ledger, todo, _not_remembered)
        self._log().info("apply.adds.done", list_id=lid, **ledger.counts())
        self._update(lid, snapshot, add=written.entries, sent=written.sent)
        return ledger.booked()

    def remove_items(
        self, list_id: str, items: Sequence[HostItem], context: HostContext, dry_run: bool
    ) -> Booked:
        """Remove ``items`` from the list; an item not on it is skipped."""
        lid = _clean_id(list_id)
        ledger = Ledger(dry_run=dry_run)
        parsed = parse_items(as_items(items), host_to_media_only, ledger)
        if not parsed:
            return ledger.booked()
        snapshot, _size = self._present(lid, context, dry_run)
        todo, targets = present_only(parsed, AliasIndex.of(snapshot), ledger)
        if dry_run:
            dry_run_book(ledger, todo, "would_remove")
            return ledger.booked()
        run = self._run(lid, context)
        written = SyncWrites(items_path(lid)).remove(run, ledger, todo, {})
        self._log().info("apply.removes.done", list_id=lid, **ledger.counts())
        gone = [targets[entry.key] for entry in written.entries]
        self._update(lid, snapshot, remove=gone, sent=written.sent)
        return ledger.booked()

    def reorder_items(
        self, list_id: str, ordered_keys: Sequence[str], context: HostContext, dry_run: bool
    ) -> dict[str, Any]:
        """Put the items of ``ordered_keys`` first, in that order; the rest keep theirs."""
        lid = _clean_id(list_id)
        snapshot, _size = self._present(lid, context, dry_run)
        ids = {key: item.get("trakt_list_item_id") for key, item in snapshot.items()}
        wanted = list(dict.fromkeys(str(key) for key in ordered_keys))
        unknown = [key for key in wanted if key not in ids]
        named = [key for key in wanted if key in ids]
        order = named + [key for key in snapshot if key not in set(named)]
        result: dict[str, Any] = {
            "ok": True,
            "dry_run": dry_run,
            "count": 0,
            "unknown_keys": unknown,
        }
        if order == list(snapshot):
            return {**result, "unchanged": True}
        if dry_run:
            return {**result, "would_reorder": len(order)}
        rank = [ids[key] for key in order]
        run = self._run(lid, context)
        done = _write_once(
            run, lambda: dict(run.post(items_path(lid) + "/reorder", {"rank": rank}))
        )
        if isinstance(done, tuple):
            return {**result, "ok": False, "reason": done[0], "detail": done[1]}
        updated = done.get("updated")
        skipped = done.get("skipped_ids")
        self._update(lid, {key: snapshot[key] for key in order}, sent=True)
        return {
            **result,
            "count": updated if type(updated) is int else len(rank),
            "skipped_ids": skipped if isinstance(skipped, list) else [],
        }

    # -- helpers ------------------------------------------------------------------------

    def _run(self, lid: str, context: HostContext) -> WriteRun:
        """Return the writes of one list (a 420 stops this list's writes, not the others')."""
        return WriteRun(self.account, f"{self.name}:{lid}", context)

    def _within_limit(
        self,
        todo: list[Parsed[Any]],
        size: int,
        run: WriteRun,
        context: HostContext,
        ledger: Ledger,
    ) -> list[Parsed[Any]]:
        if not todo or run.stopped is not None:
            return todo  # nothing to send, or the writer fails them with the stop
        limit = self.limits(context).item_count
        if limit is not None and limit - size < len(todo):
            limit = self.limits(context, fresh=True).item_count  # before refusing
        if limit is None:
            return todo
        room = max(0, limit - size)
        detail = f"a list may hold {limit} items and this one holds {size}"
        for entry in todo[room:]:
            ledger.fail(entry.key, entry.item, "account_limit", detail)
        return todo[:room]

    def _present(
        self, lid: str, context: HostContext, dry_run: bool
    ) -> tuple[dict[str, HostItem], int]:
        """Return the list's items and its size: read now, or the cached read for a dry run."""
        if dry_run:
            part = self._doc().part(lid)
            items = dict(part.items) if part is not None else {}
            return items, len(items)
        contents = read_items(self.account, lid, self.name, context.progress)
        snapshot = contents.snapshot()
        self._cache(lid, snapshot)
        return snapshot, contents.size

    def _doc(self) -> ListsCache:
        loaded = self.account.store.load(self.spec.files.index, ListsCache)
        return loaded if loaded is not None else ListsCache()

    def _cache(self, lid: str, snapshot: dict[str, HostItem], stale: bool = False) -> None:
        doc = self._doc()
        if stale:
            doc.watermark = None  # a write: the next index reads every list again
        doc.put(lid, Part(items=dict(snapshot), stale=stale))
        self.account.store.save(self.spec.files.index, doc)

    def _update(
        self,
        lid: str,
        snapshot: dict[str, HostItem],
        *,
        add: Sequence[Parsed[Any]] = (),
        remove: Sequence[str] = (),
        sent: bool,
    ) -> None:
        """Cache what the list holds after a write (marked stale: read again before use)."""
        if not sent:
            return
        gone = set(remove)
        items = {key: item for key, item in snapshot.items() if key not in gone}
        items.update((entry.key, media_to_host(entry.value.media)) for entry in add)
        self._cache(lid, items, stale=True)
        self.account.activities.invalidate()


def _refused(reason: str, detail: str, limits: ListLimits) -> dict[str, Any]:
    return {
        "ok": False,
        "dry_run": False,
        "created": False,
        "list": None,
        "reason": reason,
        "detail": detail,
        "limits": limits.as_dict(),
    }


def _write_once(
    run: WriteRun, attempt: Callable[[], dict[str, Any]]
) -> dict[str, Any] | tuple[str, str]:
    """Send one write through the one write loop; return its answer or ``(reason, detail)``.

    A run stopped for this list or the host's cancel fails it unsent; a final Trakt error
    (420, 423, 426, a lost login) stops the list's writes for the run.
    """
    sizer = ChunkSizer(WriteChunks(flat=1, nested=1, floor=1))
    queue: Chunks[int] = Chunks.of([0], sizer, lambda _: False)
    outcome: list[dict[str, Any] | tuple[str, str]] = []

    def send(chunk: list[int], sends: int) -> None:
        try:
            outcome.append(attempt())
        except TraktError as exc:
            run.stop_if_fatal(exc)
            outcome.append((exc.reason, str(exc)))

    def fail(chunk: list[int], reason: str, detail: str) -> None:
        outcome.append((reason, detail))

    run.drive(queue, send, fail)
    return outcome[0]


def _not_remembered(entry: Parsed[Any]) -> None:
    """List items Trakt did not find are reported, not held back (no memory per list)."""
