"""CrossWatch's playlist contract (``cw_platform.playlists``) over the playlists feature.

CrossWatch drives playlists through six ``OPS`` methods and wants its own model objects
back: ``PlaylistResource`` (a list), ``PlaylistSnapshot`` of ``PlaylistItem`` (keyed by its
canonical key), and plain result dicts (``ok``, ``count``, ``confirmed_keys``,
``unresolved``, ``capacity``). Inside a running CrossWatch its classes are used; anywhere
else ``Resource``/``Item``/``ListSnapshot`` stand in with the same fields. The watchlist is a
playlist too (``__watchlist__``), read and written through the watchlist feature; it cannot be
reordered. Each call's instance picks the state folder and the login.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from crosswatch_trakt.crosswatch import hostconfig, results, shapes
from crosswatch_trakt.errors import TraktError
from crosswatch_trakt.features.playlists import PlaylistsFeature, playlists_of
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.support.contract import HostContext
from crosswatch_trakt.trakt.account import account_for

__all__ = ["WATCHLIST_ID", "Item", "ListSnapshot", "PlaylistRefused", "Resource", "door"]

WATCHLIST_ID = "__watchlist__"
_WATCHLIST_NAMES = {WATCHLIST_ID, "watchlist", "trakt:watchlist"}
MEDIA_TYPES = ("movies", "shows", "seasons", "episodes")
_KEPT = ("type", "title", "year", "ids", "show_ids", "season", "episode", "series_title")
NAME = "playlists"


class TraktOps(Protocol):
    """What the door uses of ``crosswatch.ops.TraktOps`` (named so, to stay out of a cycle)."""

    environ: Any
    clock: Clock
    keys: Any

    def build_index(self, cfg: Mapping[str, Any], *, feature: str) -> dict[str, Any]:
        """Return a feature's index in the host's keys."""

    def add(
        self,
        cfg: Mapping[str, Any],
        items: Iterable[Mapping[str, Any]],
        *,
        feature: str,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Add items to a feature."""

    def remove(
        self,
        cfg: Mapping[str, Any],
        items: Iterable[Mapping[str, Any]],
        *,
        feature: str,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Remove items from a feature."""


class PlaylistRefused(TraktError):
    """Trakt (or its plan limits) refused a new list; ``reason`` says why."""

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


@attrs.define
class Resource:
    """A playlist as ``cw_platform.playlists.PlaylistResource`` describes one."""

    provider: str
    id: str
    name: str = ""
    instance: str = "default"
    kind: str = "regular"
    can_read: bool = True
    can_add: bool = False
    can_remove: bool = False
    can_reorder: bool = False
    media_types: tuple[str, ...] = ()
    extra: dict[str, Any] = attrs.Factory(dict)

    @property
    def is_smart(self) -> bool:
        """Return whether the playlist is a smart one (a Trakt list never is)."""
        return self.kind == "smart"


@attrs.define
class Item:
    """One playlist item as ``cw_platform.playlists.PlaylistItem`` describes one."""

    key: str
    item: dict[str, Any] = attrs.Factory(dict)
    playlist_item_id: str | None = None
    position: int | None = None
    provider_media_id: str | None = None


@attrs.define
class ListSnapshot:
    """A playlist's items in order, as ``cw_platform.playlists.PlaylistSnapshot``."""

    resource: Any
    items: list[Any] = attrs.Factory(list)
    checkpoint: str | None = None

    def ordered_keys(self) -> list[str]:
        """Return the items' keys in order."""
        return [item.key for item in self.items if item.key]


def _model() -> tuple[Any, Any, Any]:
    """Return the host's (resource, item, snapshot) classes, else the stand-ins."""
    if "cw_platform" in sys.modules:
        try:
            host = importlib.import_module("cw_platform.playlists")
        except ImportError:
            host = None
        if host is not None:
            return host.PlaylistResource, host.PlaylistItem, host.PlaylistSnapshot
    return Resource, Item, ListSnapshot


def _is_watchlist(playlist_id: Any) -> bool:
    return str(playlist_id or "").strip().lower() in _WATCHLIST_NAMES


@attrs.frozen
class PlaylistDoor:
    """One call's way in: the OPS object (keys, clock, environment) and the instance."""

    ops: TraktOps
    cfg: Mapping[str, Any] = attrs.field(repr=False)
    instance: str

    @property
    def context(self) -> HostContext:
        """Return the call's context, its state folder and login those of ``instance``."""
        env = {**self.ops.environ(), "CW_PAIR_SRC": "TRAKT", "CW_PAIR_SRC_INSTANCE": self.instance}
        return hostconfig.context_for(self.cfg, env, self.ops.clock)

    def feature(self, context: HostContext) -> PlaylistsFeature:
        """Return the playlists feature of this instance's account."""
        return playlists_of(account_for(context))

    def resource(self, row: Mapping[str, Any] | None) -> Any:
        """Return the host's resource for a list (``None``: the watchlist)."""
        cls = _model()[0]
        if row is None:
            return cls(
                provider="TRAKT",
                id=WATCHLIST_ID,
                name="Watchlist",
                instance=self.instance,
                can_add=True,
                can_remove=True,
                can_reorder=False,
                media_types=MEDIA_TYPES,
                extra={"builtin": "watchlist"},
            )
        extra = {"slug": row.get("slug"), "item_count": row.get("item_count")}
        return cls(
            provider="TRAKT",
            id=row["id"],
            name=row["name"],
            instance=self.instance,
            can_add=True,
            can_remove=True,
            can_reorder=True,
            media_types=MEDIA_TYPES,
            extra=extra,
        )

    def resources(self) -> list[Any]:
        """Return the watchlist and every personal list, with the plan's limits in ``extra``."""
        context = self.context
        found = self.feature(context).resources(context)
        lists = [self.resource(row) for row in found["lists"]]
        for resource in lists:
            resource.extra["limits"] = found["limits"]
        return [self.resource(None), *lists]

    def _find(self, context: HostContext, playlist_id: str) -> Mapping[str, Any]:
        wanted = str(playlist_id).strip()
        for row in self.feature(context).resources(context)["lists"]:
            if wanted in (row["id"], row.get("slug"), row["name"]):
                return dict(row)
        return {"id": wanted, "name": wanted}

    def snapshot(self, playlist_id: str) -> Any:
        """Return the playlist's snapshot, items keyed as the host keys them, in order."""
        context = self.context
        _resource, item_cls, snapshot_cls = _model()
        keys = self.ops.keys()
        if _is_watchlist(playlist_id):
            index = self.ops.build_index(self.cfg, feature="watchlist")
            items = [
                item_cls(key=key, item=_minimal(item), position=n)
                for n, (key, item) in enumerate(index.items())
            ]
            return snapshot_cls(resource=self.resource(None), items=items)
        row = self._find(context, playlist_id)
        found = self.feature(context).snapshot(row["id"], context)["items"]
        items = []
        for n, item in enumerate(found.values()):
            host = shapes.to_host(item)
            items.append(
                item_cls(
                    key=keys.key(host),
                    item=_minimal(host),
                    playlist_item_id=str(item["trakt_list_item_id"]),
                    position=item.get("rank") if item.get("rank") is not None else n,
                    provider_media_id=host.get("ids", {}).get("trakt"),
                )
            )
        return snapshot_cls(resource=self.resource(row), items=items)

    def create(self, name: str, dry_run: bool) -> Any:
        """Create a list; a refusal (the plan's list count) raises ``PlaylistRefused``."""
        context = self.context
        made = self.feature(context).create_list(name, context, dry_run)
        if not made["ok"]:
            raise PlaylistRefused(
                f"Trakt refused the list {name!r}: {made['detail']}", made["reason"]
            )
        return self.resource(made["list"])

    def write(
        self, op: str, playlist_id: str, items: Iterable[Mapping[str, Any]], dry_run: bool
    ) -> dict[str, Any]:
        """Add or remove items; each is booked under the key the host sent it as."""
        sent = list(items or [])
        if _is_watchlist(playlist_id):
            if op == "add":
                return self.ops.add(self.cfg, sent, feature="watchlist", dry_run=dry_run)
            return self.ops.remove(self.cfg, sent, feature="watchlist", dry_run=dry_run)
        context = self.context
        feature = self.feature(context)
        lid = self._find(context, playlist_id)["id"]
        converted = [shapes.from_host(item) for item in sent]
        write = feature.add_items if op == "add" else feature.remove_items
        booked = write(lid, converted, context, dry_run)
        answer = results.book(sent, booked, NAME, self.ops.keys(), op == "add")
        if answer["reason_counts"].get("account_limit"):
            answer["capacity"] = "list_item_count"
        return answer

    def reorder(
        self, playlist_id: str, ordered_keys: Sequence[str], dry_run: bool
    ) -> dict[str, Any]:
        """Reorder a list by the host's keys; the watchlist cannot be reordered."""
        if _is_watchlist(playlist_id):
            return {"ok": True, "count": 0, "reordered": 0, "unsupported": True}
        context = self.context
        feature = self.feature(context)
        lid = self._find(context, playlist_id)["id"]
        keys = self.ops.keys()
        ours = {
            keys.key(shapes.to_host(item)): key
            for key, item in feature.snapshot(lid, context)["items"].items()
        }
        wanted = [ours.get(str(key).strip().lower(), f"unknown:{key}") for key in ordered_keys]
        done = feature.reorder_items(lid, wanted, context, dry_run)
        done["unknown_keys"] = [key[len("unknown:") :] for key in done["unknown_keys"]]
        return {**done, "reordered": done["count"]}


def _minimal(item: Mapping[str, Any]) -> dict[str, Any]:
    return {field: item[field] for field in _KEPT if item.get(field) is not None}


def door(ops: TraktOps, cfg: Mapping[str, Any], instance: str | None) -> PlaylistDoor:
    """Return the playlist door of one call (``instance``: CrossWatch's, default ``default``)."""
    return PlaylistDoor(ops, cfg, str(instance or "").strip() or "default")
