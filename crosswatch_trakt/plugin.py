"""The ``@hookimpl`` functions: thin routes that find the account and delegate.

Every hook returns ``None`` when ``provider`` is not ``TRAKT``, so pluggy's ``firstresult``
hooks reach the right plugin.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crosswatch_trakt import _version
from crosswatch_trakt.features.health import health
from crosswatch_trakt.features.playlists import PlaylistsFeature, playlists_of
from crosswatch_trakt.features.registry import REGISTRY, build_feature, check_feature, served
from crosswatch_trakt.features.spec import TraktFeature
from crosswatch_trakt.hostspec import ApplyResult, HostContext, HostItem, Snapshot, hookimpl
from crosswatch_trakt.trakt.account import account_for

PROVIDER = "TRAKT"


def _ours(provider: str) -> bool:
    return provider.upper() == PROVIDER


def _feature(name: str, context: HostContext) -> TraktFeature:
    check_feature(name)  # refuse names the registry does not hold before config or network
    return build_feature(name, account_for(context))


@hookimpl
def provider_capabilities() -> dict[str, Any]:
    """Return the TRAKT manifest."""
    return {
        "name": PROVIDER,
        "label": "Trakt",
        "version": _version.__version__,
        "features": served(),
        "capabilities": {
            "index_semantics": "present",
            **{name: dict(spec.capabilities) for name, spec in REGISTRY.items()},
            "provides_ids": True,
        },
    }


@hookimpl
def index_snapshot(provider: str, feature: str, context: HostContext) -> Snapshot | None:
    """Return the complete present state of ``feature`` on Trakt."""
    if not _ours(provider):
        return None
    return _feature(feature, context).index(context)


@hookimpl
def apply_adds(
    provider: str, feature: str, items: Sequence[HostItem], context: HostContext, dry_run: bool
) -> ApplyResult | None:
    """Add ``items`` to ``feature`` on Trakt."""
    if not _ours(provider):
        return None
    return _feature(feature, context).add(items, context, dry_run)


@hookimpl
def apply_removes(
    provider: str, feature: str, items: Sequence[HostItem], context: HostContext, dry_run: bool
) -> ApplyResult | None:
    """Remove ``items`` from ``feature`` on Trakt."""
    if not _ours(provider):
        return None
    return _feature(feature, context).remove(items, context, dry_run)


@hookimpl
def provider_health(provider: str, context: HostContext) -> dict[str, Any] | None:
    """Return the account's health."""
    if not _ours(provider):
        return None
    return health(account_for(context), context.run_id)


@hookimpl
def provider_auth_start(provider: str, context: HostContext) -> dict[str, Any] | None:
    """Start a device-code login."""
    if not _ours(provider):
        return None
    return account_for(context).device_start()


@hookimpl
def provider_auth_poll(
    provider: str, context: HostContext, device_code: str
) -> dict[str, Any] | None:
    """Poll a device-code login."""
    if not _ours(provider):
        return None
    return account_for(context).device_poll(device_code)


def _lists(context: HostContext) -> PlaylistsFeature:
    return playlists_of(account_for(context))


@hookimpl
def playlist_resources(provider: str, context: HostContext) -> dict[str, Any] | None:
    """Return the account's personal lists and the plan's list limits."""
    if not _ours(provider):
        return None
    return _lists(context).resources(context)


@hookimpl
def playlist_snapshot(
    provider: str, playlist_id: str, context: HostContext
) -> dict[str, Any] | None:
    """Return one personal list, read completely."""
    if not _ours(provider):
        return None
    return _lists(context).snapshot(playlist_id, context)


@hookimpl
def playlist_create(
    provider: str, name: str, context: HostContext, dry_run: bool
) -> dict[str, Any] | None:
    """Create a personal list within the plan's list count."""
    if not _ours(provider):
        return None
    return _lists(context).create_list(name, context, dry_run)


@hookimpl
def playlist_add(
    provider: str,
    playlist_id: str,
    items: Sequence[HostItem],
    context: HostContext,
    dry_run: bool,
) -> ApplyResult | None:
    """Add ``items`` to a personal list."""
    if not _ours(provider):
        return None
    return _lists(context).add_items(playlist_id, items, context, dry_run).result


@hookimpl
def playlist_remove(
    provider: str,
    playlist_id: str,
    items: Sequence[HostItem],
    context: HostContext,
    dry_run: bool,
) -> ApplyResult | None:
    """Remove ``items`` from a personal list."""
    if not _ours(provider):
        return None
    return _lists(context).remove_items(playlist_id, items, context, dry_run).result


@hookimpl
def playlist_reorder(
    provider: str,
    playlist_id: str,
    ordered_keys: Sequence[str],
    context: HostContext,
    dry_run: bool,
) -> dict[str, Any] | None:
    """Reorder a personal list."""
    if not _ours(provider):
        return None
    return _lists(context).reorder_items(playlist_id, ordered_keys, context, dry_run)
