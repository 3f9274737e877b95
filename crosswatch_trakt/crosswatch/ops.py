"""``TraktOps``: the object CrossWatch loads as a sync provider's ``OPS``.

It runs the same features, the same account and the same state as the pluggy hooks; only
the language differs (see ``docs/crosswatch.md``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from crosswatch_trakt import _version
from crosswatch_trakt.crosswatch import hostconfig, playlists, results, shapes
from crosswatch_trakt.crosswatch.hostkeys import HostKeys, host_keys
from crosswatch_trakt.features.health import health
from crosswatch_trakt.features.registry import REGISTRY, build_feature, check_feature, served
from crosswatch_trakt.features.spec import Op
from crosswatch_trakt.support.clock import Clock, SystemClock
from crosswatch_trakt.support.contract import HostContext, Snapshot
from crosswatch_trakt.trakt.account import account_for

__all__ = ["CAPABILITIES", "FEATURES", "TraktOps"]

#: every feature the host may name, and whether it is served (the registry's)
FEATURES: Mapping[str, bool] = served()
#: the manifest facts of ``provider_capabilities``, in the words CrossWatch's planner reads
CAPABILITIES: Mapping[str, Any] = {
    "bidirectional": True,
    "provides_ids": True,
    "index_semantics": "present",
    **{name: on and dict(REGISTRY[name].host_capabilities) for name, on in served().items()},
}
#: the adapter's health words -> CrossWatch's
_STATUS = {"ok": "ok", "degraded": "degraded", "down": "down", "auth_required": "auth_failed"}

#: the HTTP status CrossWatch's run log shows for the health read, by status word
_API_STATUS = {"ok": 200, "auth_failed": 401}

Environ = Callable[[], Mapping[str, str]]


@attrs.define
class TraktOps:
    """CrossWatch's provider interface over the adapter's features."""

    environ: Environ = attrs.field(default=lambda: os.environ, repr=False)
    clock: Clock = attrs.field(factory=SystemClock, repr=False)
    keys: Callable[[], HostKeys] = attrs.field(default=host_keys, repr=False)

    def name(self) -> str:
        """Return the provider name the host registers: ``TRAKT``."""
        return "TRAKT"

    def label(self) -> str:
        """Return the provider's display name."""
        return "Trakt"

    def version(self) -> str:
        """Return this package's version."""
        return _version.__version__

    def manifest(self) -> dict[str, Any]:
        """Return the manifest CrossWatch's providers list and analyzer read (``get_manifest``)."""
        return {
            "name": self.name(),
            "label": self.label(),
            "version": self.version(),
            "type": "sync",
            "bidirectional": True,
            "vendor": "crosswatch-trakt",
            "description": "Trakt through the crosswatch-trakt package (complete reads, "
            "exactly-once writes).",
            "features": self.features(),
            "requires": [],
            "capabilities": self.capabilities(),
        }

    def features(self) -> Mapping[str, bool]:
        """Return which features this provider serves (the registry's)."""
        return dict(FEATURES)

    def capabilities(self) -> Mapping[str, Any]:
        """Return the capabilities the host's planner reads."""
        return dict(CAPABILITIES)

    def is_configured(self, cfg: Mapping[str, Any]) -> bool:
        """Return whether the ``trakt`` section has a client id and a login."""
        section = cfg.get("trakt") if isinstance(cfg, Mapping) else None
        if not isinstance(section, Mapping):
            return False
        login = section.get("access_token") or section.get("refresh_token")
        return bool(str(section.get("client_id") or "").strip() and str(login or "").strip())

    def _context(self, cfg: Mapping[str, Any]) -> HostContext:
        return hostconfig.context_for(cfg, self.environ(), self.clock)

    def build_index(self, cfg: Mapping[str, Any], *, feature: str) -> Snapshot:
        """Return the complete present state of ``feature``, keyed as the host keys it."""
        if not FEATURES.get(feature, False):
            return {}
        context = self._context(cfg)
        snapshot = build_feature(feature, account_for(context)).index(context)
        return shapes.to_host_snapshot(snapshot, feature, self.keys())

    def add(
        self,
        cfg: Mapping[str, Any],
        items: Iterable[Mapping[str, Any]],
        *,
        feature: str,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Add ``items``; every item is booked under the key the host computes for it."""
        return self._apply("add", cfg, items, feature, dry_run)

    def remove(
        self,
        cfg: Mapping[str, Any],
        items: Iterable[Mapping[str, Any]],
        *,
        feature: str,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Remove ``items``; every item is booked under the key the host computes for it."""
        return self._apply("remove", cfg, items, feature, dry_run)

    def _apply(
        self,
        op: Op,
        cfg: Mapping[str, Any],
        items: Iterable[Mapping[str, Any]],
        feature: str,
        dry_run: bool,
    ) -> dict[str, Any]:
        check_feature(feature)
        sent = list(items or [])
        converted = [shapes.from_host(item) for item in sent]
        context = self._context(cfg)
        target = build_feature(feature, account_for(context))
        booked = target.apply(op, converted, context, dry_run)
        return results.book(sent, booked, feature, self.keys(), op == "add")

    # CrossWatch's playlist contract (``cw_platform.playlists``): see ``crosswatch.playlists``

    def list_playlist_resources(
        self, cfg: Mapping[str, Any], *, instance: str | None = None
    ) -> list[Any]:
        """Return the watchlist and the personal lists as the host's playlist resources."""
        return playlists.door(self, cfg, instance).resources()

    def get_playlist_snapshot(
        self, cfg: Mapping[str, Any], playlist_id: str, *, instance: str | None = None
    ) -> Any:
        """Return a playlist's complete snapshot, items keyed as the host keys them."""
        return playlists.door(self, cfg, instance).snapshot(playlist_id)

    def create_playlist(
        self,
        cfg: Mapping[str, Any],
        name: str,
        *,
        media_type: str | None = None,
        instance: str | None = None,
        dry_run: bool = False,
    ) -> Any:
        """Create a personal list (any media type); past the plan's list count: an error."""
        return playlists.door(self, cfg, instance).create(name, dry_run)

    def add_playlist_items(
        self,
        cfg: Mapping[str, Any],
        playlist_id: str,
        items: Iterable[Mapping[str, Any]],
        *,
        instance: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Add items to a playlist; every item is booked under the host's keys."""
        return playlists.door(self, cfg, instance).write("add", playlist_id, items, dry_run)

    def remove_playlist_items(
        self,
        cfg: Mapping[str, Any],
        playlist_id: str,
        items: Iterable[Mapping[str, Any]],
        *,
        instance: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Remove items from a playlist; every item is booked under the host's keys."""
        return playlists.door(self, cfg, instance).write("remove", playlist_id, items, dry_run)

    def reorder_playlist_items(
        self,
        cfg: Mapping[str, Any],
        playlist_id: str,
        ordered_keys: Sequence[str],
        *,
        instance: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Put a list's items in the order of the host's keys (the watchlist: unsupported)."""
        return playlists.door(self, cfg, instance).reorder(playlist_id, list(ordered_keys), dry_run)

    def health(
        self, cfg: Mapping[str, Any], emit: Callable[..., Any] | None = None
    ) -> dict[str, Any]:
        """Return the host's health shape; ``auth_failed`` when the login is dead.

        ``emit`` is accepted as CrossWatch passes it; the host emits the health event itself.
        """
        started = self.clock.monotonic()
        if not self.is_configured(cfg):
            report: dict[str, Any] = {"status": "auth_required", "message": "Not logged in."}
        else:
            context = self._context(cfg)
            report = health(account_for(context), context.run_id)
        status = _STATUS.get(report["status"], "down")
        usable = status in ("ok", "degraded")
        details = {key: value for key, value in report.items() if key != "status"}
        if status != "ok":
            details["reason"] = f"{report['status']}: {report.get('message', '')}".strip()
        rates = report.get("rate_limit") or {}
        paused = max((bucket.get("paused_for") or 0) for bucket in rates.values()) if rates else 0
        if paused:
            details["retry_after_s"] = int(paused + 0.999)
        read = rates.get("read") or {}
        return {
            "ok": usable,
            "status": status,
            "latency_ms": int((self.clock.monotonic() - started) * 1000),
            "features": {name: on and usable for name, on in FEATURES.items()},
            "details": details,
            # what CrossWatch's run log and write pacing read (``api:hit``, ``rate_remaining``)
            "api": {
                "last_activities": {"status": _API_STATUS.get(status), "retry_after": None},
                "rate_limit": {
                    "limit": read.get("window_limit"),
                    "remaining": read.get("remaining"),
                    "reset": None,
                },
            },
        }
