"""The host contract: hook specifications, ``HostContext`` and the ``ApplyResult`` shape.

CrossWatch's core does not publish a spec module, so this project ships the contract it
implements. A host loads it like this::

    pm = pluggy.PluginManager("crosswatch")
    pm.add_hookspecs(hostspec)
    pm.load_setuptools_entrypoints("crosswatch")

Every provider plugin answers every hook and returns ``None`` when ``provider`` is not its
own, so the ``firstresult`` hooks find the right plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypedDict

import attrs
import pluggy

from crosswatch_trakt.clock import Clock

PROJECT_NAME = "crosswatch"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

Feature = Literal["watchlist", "ratings", "history", "playlists"]
HostItem = dict[str, Any]
Snapshot = dict[str, HostItem]

#: Machine-readable reasons an item ends up in ``ApplyResult.unresolved``.
REASONS: Mapping[str, str] = {
    "not_found": "Trakt did not match the item's ids (or title and year).",
    "previously_not_found": "Trakt did not match it on an earlier run; it waits out a back-off.",
    "account_limit": "The account's plan limit would be passed (HTTP 420).",
    "account_locked": "The Trakt account is locked or deactivated (HTTP 423).",
    "vip_only": "The write needs Trakt VIP (HTTP 426).",
    "invalid_rating": "The rating is not an integer from 1 to 10.",
    "invalid_item": "The item is not a mapping or has an unknown or missing type.",
    "missing_ids": "The item has no usable ids (and no title and year where allowed).",
    "conflicting_ids": "The item's ids point at different items on Trakt.",
    "missing_watched_at": "A history play needs a watched_at.",
    "invalid_watched_at": "The watched_at could not be parsed as a date and time.",
    "rate_limited": "Trakt kept answering 429 past the retry budget.",
    "http_error": "Trakt answered an error or the connection failed; nothing was confirmed.",
    "ambiguous_write": "The write's outcome could not be established; nothing was confirmed.",
    "auth_required": "The login is no longer valid; log in again.",
    "cancelled": "The host cancelled the run before the item was sent.",
    "mismatch": "Trakt's answer did not account for the item.",
}


class ProgressEvent(TypedDict):
    """One progress report: ``feature``, ``phase`` (``read``/``write``), ``done``, ``total``."""

    feature: str
    phase: str
    done: int
    total: int | None


class UnresolvedEntry(TypedDict):
    """One item that was not written, with a reason code from ``REASONS``."""

    key: str
    item: Any
    reason: str
    detail: str


class ApplyResult(TypedDict):
    """The answer of ``apply_adds`` and ``apply_removes``.

    The accounting rule: every input item's key is in exactly one of ``confirmed_keys``,
    ``skipped_keys`` and ``unresolved``.
    """

    ok: bool
    count: int
    confirmed_keys: list[str]
    skipped_keys: list[str]
    unresolved: list[UnresolvedEntry]
    dry_run: bool
    stats: dict[str, Any]


@attrs.frozen
class HostContext:
    """What the host hands the plugin with every call.

    ``config`` is the provider's config mapping (CrossWatch's ``trakt`` section);
    ``state_dir`` is a folder per Trakt account; ``pair`` the sync pair (id, mode and
    ``features`` options); ``save_config`` receives rotated tokens; ``progress`` receives
    ``ProgressEvent`` dicts; ``cancelled`` is polled between chunks; ``run_id`` marks one
    host sync pass (one last-activities read per account per run id); ``clock`` is for
    tests and the benchmark.
    """

    config: Mapping[str, Any] = attrs.field(repr=False)
    state_dir: Path = attrs.field(converter=Path)
    pair: Mapping[str, Any] | None = None
    save_config: Callable[[Mapping[str, Any]], None] | None = attrs.field(default=None, repr=False)
    progress: Callable[[ProgressEvent], None] | None = attrs.field(default=None, repr=False)
    cancelled: Callable[[], bool] | None = attrs.field(default=None, repr=False)
    run_id: str | None = None
    clock: Clock | None = attrs.field(default=None, repr=False)


# The hook specifications a CrossWatch provider plugin implements.


@hookspec(firstresult=True)
def provider_capabilities() -> dict[str, Any] | None:
    """Return this plugin's manifest (name, label, version, features, capabilities)."""


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


def empty_result(*, dry_run: bool) -> ApplyResult:
    """Return an ``ApplyResult`` with nothing in it."""
    return ApplyResult(
        ok=True,
        count=0,
        confirmed_keys=[],
        skipped_keys=[],
        unresolved=[],
        dry_run=dry_run,
        stats={},
    )
