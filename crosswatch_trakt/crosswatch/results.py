"""A feature's ``Booked`` result, booked under the one key CrossWatch sent each item as.

The features key items in the adapter's own scheme (``movie:tmdb:603``,
``...@2024-05-01T20:31Z#2``); CrossWatch counts an item under the key its planner attempted
it as (``tmdb:603``, or the ``_cw_event_key`` a rewatch-mode play carries). The ledger keeps
which key each input item was booked under (``Booked.inputs``, by position), so each item's
outcome is read off by its position, never by parsing the item again, and each item is
listed under exactly one key: CrossWatch derives its summary counts from the lengths of
these lists, so one key per item makes every count equal items. An item the feature did not
account for is reported ``mismatch``, never confirmed.

A dry run lists no key at all: CrossWatch treats key lists as exact books, records every
sent item that is in none of them as unaccounted, and records ``unresolved`` entries as
failures even in a dry run. So a dry run reports counts only (what it would confirm and
skip), and the items it would leave unresolved under ``dry_run_unresolved``, with the keys it
would write under ``dry_run_keys``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from crosswatch_trakt.crosswatch.hostkeys import HostKeys
from crosswatch_trakt.features.spec import Booked
from crosswatch_trakt.support.contract import UnresolvedEntry

__all__ = ["book"]


def book(
    sent: Sequence[Any], booked: Booked, feature: str, keys: HostKeys, adding: bool
) -> dict[str, Any]:
    """Return the host's result for ``sent`` from the feature's ``booked`` result for them.

    For adds, ``presence_confirmed_keys`` lists the items now on Trakt (written or already
    there); CrossWatch keeps only those in its baseline.
    """
    result = booked.result
    lists: dict[str, list[str]] = {"confirmed": [], "skipped": []}
    unresolved: list[dict[str, Any]] = []
    reason_counts: dict[str, int] = defaultdict(int)
    counts = {"confirmed": 0, "skipped": 0}
    for item, (bucket, reason, detail) in zip(sent, booked.outcomes(len(sent)), strict=True):
        key = keys.booking_key(item, feature) if isinstance(item, Mapping) else ""
        if bucket in counts:
            counts[bucket] += 1
            if key and key not in lists[bucket]:
                lists[bucket].append(key)
            continue
        reason_counts[reason] += 1
        unresolved.append(_unresolved(item, key, reason, detail))
    present = [*lists["confirmed"], *(k for k in lists["skipped"] if k not in lists["confirmed"])]
    out: dict[str, Any] = {
        "ok": result["ok"],
        "count": counts["confirmed"],
        "confirmed": counts["confirmed"],
        "confirmed_keys": lists["confirmed"],
        "skipped": counts["skipped"],
        "skipped_keys": lists["skipped"],
        "unresolved": unresolved,
        "unresolved_keys": [entry["key"] for entry in unresolved if entry["key"]],
        "reason_counts": dict(reason_counts),
        "errors": 0,
        "dry_run": result["dry_run"],
        "stats": result["stats"],
    }
    if adding:
        out["presence_confirmed_keys"] = present
    if not result["dry_run"]:
        return out
    return {
        **out,
        "confirmed_keys": [],
        "skipped_keys": [],
        "presence_confirmed_keys": [],
        "unresolved": [],
        "unresolved_keys": [],
        "dry_run_keys": lists["confirmed"],
        "dry_run_unresolved": unresolved,
    }


def _unresolved(item: Any, key: str, reason: str, detail: str) -> dict[str, Any]:
    entry = UnresolvedEntry(key=key, item=item, reason=reason, detail=detail)
    return {**entry, "hint": reason}
