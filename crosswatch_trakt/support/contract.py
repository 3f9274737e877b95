"""The values that cross the host contract: ``HostContext``, ``ApplyResult`` and its parts.

They live below every layer so the features, the Trakt client and the media model can
speak them; ``crosswatch_trakt.hostspec`` re-exports them under their public names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal, TypedDict, get_args

import attrs

from crosswatch_trakt.support.clock import Clock

__all__ = [
    "FEATURE_NAMES",
    "REASONS",
    "ApplyResult",
    "Feature",
    "HostContext",
    "HostItem",
    "ProgressEvent",
    "Snapshot",
    "UnresolvedEntry",
    "empty_result",
]

#: the features a host may name; which of them this adapter serves is ``features.registry``'s
#: to say (a test keeps every registry name in here)
Feature = Literal["watchlist", "ratings", "history", "progress", "playlists"]
FEATURE_NAMES: tuple[Feature, ...] = get_args(Feature)
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
    "invalid_progress": "A resume point needs a progress above 0 and below 100 percent.",
    "invalid_item": "The item is not a mapping or has an unknown or missing type.",
    "missing_ids": "The item has no usable ids (and no title and year where allowed).",
    "invalid_ids": "An id is not usable: too long, out of range, or a bad trakt_history_id.",
    "duplicate_input": "The same item came twice in one call; the detail names the twin kept.",
    "conflicting_ids": "The item's ids point at different items on Trakt.",
    "missing_watched_at": "A history play needs a watched_at.",
    "ambiguous_play": "Several plays on Trakt fit a remove without trakt_history_id; none removed.",
    "invalid_watched_at": "The watched_at could not be parsed as a date and time.",
    "rate_limited": "Trakt kept answering 429 past the retry budget.",
    "http_error": "Trakt answered an error or the connection failed; nothing was confirmed.",
    "ambiguous_write": "The write's outcome could not be established; nothing was confirmed.",
    "auth_required": "The login is no longer valid; log in again.",
    "cancelled": "The host cancelled the run before the item was sent.",
    "mismatch": "Trakt's answer did not account for the item.",
}


class _ProgressCounts(TypedDict):
    feature: str
    phase: str
    done: int
    total: int | None


class ProgressEvent(_ProgressCounts, total=False):
    """One progress report: ``feature``, ``phase`` (``read``/``write``), ``done``, ``total``.

    ``what`` (optional) names the part being read, e.g. ``movies`` of the ratings, so a host
    can tell a new part (whose pages count from 1 again) from the one before.
    """

    what: str


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
