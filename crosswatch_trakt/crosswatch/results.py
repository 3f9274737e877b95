"""A feature's ``Booked`` result, booked under the keys CrossWatch computes for the items it sent.

The features key items in the adapter's own scheme (``movie:tmdb:603``,
``...@2024-05-01T20:31Z#2``); CrossWatch counts an item only under a key it computes itself
(``tmdb:603``, ``tmdb:603@1714595460``, or the ``_cw_event_key`` it put on the item). The
ledger keeps which key each input item was booked under (``Booked.inputs``, by position),
so each item's outcome is read off by its position, never by parsing the item again, and
every key the host may book it under is listed in that outcome's bucket. An item the
feature did not account for is reported ``mismatch``, never confirmed. A dry run confirms no
key (as CrossWatch expects); what it would write is listed under ``dry_run_keys``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from crosswatch_trakt.crosswatch.hostkeys import HostKeys
from crosswatch_trakt.features.spec import Booked
from crosswatch_trakt.support.contract import UnresolvedEntry

__all__ = ["book"]


def book(sent: Sequence[Any], booked: Booked, feature: str, keys: HostKeys) -> dict[str, Any]:
    """Return the host's result for ``sent`` from the feature's ``booked`` result for them."""
    result = booked.result
    confirmed: list[str] = []
    skipped: list[str] = []
    unresolved: list[dict[str, Any]] = []
    reason_counts: dict[str, int] = defaultdict(int)
    counts = {"confirmed": 0, "skipped": 0}
    for item, (bucket, reason, detail) in zip(sent, booked.outcomes(len(sent)), strict=True):
        host = keys.accounting_keys(item, feature) if isinstance(item, Mapping) else []
        if bucket in counts:
            counts[bucket] += 1
            target = confirmed if bucket == "confirmed" else skipped
            target.extend(key for key in host if key not in target)
            continue
        reason_counts[reason] += 1
        unresolved.append(_unresolved(item, host, reason, detail))
    if result["dry_run"]:  # CrossWatch's convention: a dry run confirms no key
        planned, confirmed = confirmed, []
    else:
        planned = []
    return {
        "ok": result["ok"],
        "count": counts["confirmed"],
        "confirmed": counts["confirmed"],
        "confirmed_keys": confirmed,
        "skipped": counts["skipped"],
        "skipped_keys": skipped,
        "unresolved": unresolved,
        "unresolved_keys": [entry["key"] for entry in unresolved if entry["key"]],
        "reason_counts": dict(reason_counts),
        "errors": 0,
        "dry_run": result["dry_run"],
        "dry_run_keys": planned,
        "stats": result["stats"],
    }


def _unresolved(item: Any, host: list[str], reason: str, detail: str) -> dict[str, Any]:
    entry = UnresolvedEntry(key=host[0] if host else "", item=item, reason=reason, detail=detail)
    return {**entry, "hint": reason}
