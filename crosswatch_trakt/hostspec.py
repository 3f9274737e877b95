"""The host contract: hook specifications, ``HostContext`` and the ``ApplyResult`` shape.

CrossWatch's core does not publish a spec module, so this project ships the contract it
implements. A host loads it like this::

    pm = pluggy.PluginManager("crosswatch")
    pm.add_hookspecs(hostspec)
    pm.load_setuptools_entrypoints("crosswatch")

Every provider plugin answers every hook and returns ``None`` when ``provider`` is not its
own, so the ``firstresult`` hooks find the right plugin. ``provider_capabilities`` takes no
``provider``: it returns every plugin's manifest, one list entry each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pluggy

from crosswatch_trakt.support.contract import (
    REASONS,
    ApplyResult,
    Feature,
    HostContext,
    HostItem,
    ProgressEvent,
    Snapshot,
    UnresolvedEntry,
    empty_result,
)

PROJECT_NAME = "crosswatch"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = [
    "PROJECT_NAME",
    "REASONS",
    "ApplyResult",
    "Feature",
    "HostContext",
    "HostItem",
    "ProgressEvent",
    "Snapshot",
    "UnresolvedEntry",
    "apply_adds",
    "apply_removes",
    "empty_result",
    "hookimpl",
    "hookspec",
    "index_snapshot",
    "playlist_add",
    "playlist_create",
    "playlist_remove",
    "playlist_reorder",
    "playlist_resources",
    "playlist_snapshot",
    "provider_auth_poll",
    "provider_auth_start",
    "provider_capabilities",
    "provider_health",
]


# The hook specifications a CrossWatch provider plugin implements.


@hookspec
def provider_capabilities() -> dict[str, Any] | None:
    """Return this plugin's manifest (name, label, version, features, capabilities).

    Not ``firstresult``: the hook takes no ``provider``, so the host gets a list with every
    installed plugin's manifest and picks each provider by its ``name``.
    """


@hookspec(firstresult=True)
def index_snapshot(provider: str, feature: Feature, context: HostContext) -> Snapshot | None:
    """Return the complete present state of ``feature`` as ``{key: item}``, or raise."""


@hookspec(firstresult=True)
def apply_adds(
    provider: str,
    feature: Feature,
    items: Sequence[HostItem],
    context: HostContext,
    dry_run: bool,
) -> ApplyResult | None:
    """Add ``items`` to ``feature`` on the provider and account for every one."""


@hookspec(firstresult=True)
def apply_removes(
    provider: str,
    feature: Feature,
    items: Sequence[HostItem],
    context: HostContext,
    dry_run: bool,
) -> ApplyResult | None:
    """Remove ``items`` from ``feature`` on the provider and account for every one."""


@hookspec(firstresult=True)
def provider_health(provider: str, context: HostContext) -> dict[str, Any] | None:
    """Return account, token expiry, plan limits, rate-limit state and a status word."""


@hookspec(firstresult=True)
def provider_auth_start(provider: str, context: HostContext) -> dict[str, Any] | None:
    """Start a device-code login; return the user code, URL, interval and expiry."""


@hookspec(firstresult=True)
def provider_auth_poll(
    provider: str, context: HostContext, device_code: str
) -> dict[str, Any] | None:
    """Poll a device-code login once; return its state (pending, approved, ...)."""


# Playlists: a provider's own lists, each named by its id (Trakt: the personal lists).


@hookspec(firstresult=True)
def playlist_resources(provider: str, context: HostContext) -> dict[str, Any] | None:
    """Return ``{lists: [{id, name, slug, privacy, item_count, updated_at}], limits}``.

    ``limits`` is ``{count, item_count, assumed}``: how many lists the plan allows and how
    many items each may hold (``None``: not known), so a host can spread a large playlist.
    """


@hookspec(firstresult=True)
def playlist_snapshot(
    provider: str, playlist_id: str, context: HostContext
) -> dict[str, Any] | None:
    """Return ``{list_id, items: {key: item}, size}``: the list read completely, in order."""


@hookspec(firstresult=True)
def playlist_create(
    provider: str, name: str, context: HostContext, dry_run: bool
) -> dict[str, Any] | None:
    """Create a list; return ``{ok, list}`` or ``{ok: False, reason, detail, limits}``."""


@hookspec(firstresult=True)
def playlist_add(
    provider: str,
    playlist_id: str,
    items: Sequence[HostItem],
    context: HostContext,
    dry_run: bool,
) -> ApplyResult | None:
    """Add ``items`` to a list and account for every one (on it already: skipped)."""


@hookspec(firstresult=True)
def playlist_remove(
    provider: str,
    playlist_id: str,
    items: Sequence[HostItem],
    context: HostContext,
    dry_run: bool,
) -> ApplyResult | None:
    """Remove ``items`` from a list and account for every one (not on it: skipped)."""


@hookspec(firstresult=True)
def playlist_reorder(
    provider: str,
    playlist_id: str,
    ordered_keys: Sequence[str],
    context: HostContext,
    dry_run: bool,
) -> dict[str, Any] | None:
    """Put the items of ``ordered_keys`` (snapshot keys) first, in that order."""
