"""A feature's ``ApplyResult`` booked under the keys CrossWatch computes for the items it sent.

The features key items in the adapter's own scheme (``movie:tmdb:603``,
``...@2024-05-01T20:31Z#2``); CrossWatch counts an item only under a key it computes itself
(``tmdb:603``, ``tmdb:603@1714595460``, or the ``_cw_event_key`` it put on the item). So each
input item is matched to its outcome (by the item itself for unresolved entries, else by the
adapter's key for it, a same-minute repeat ``#n`` taking the n-th outcome of that key), and
every key the host may book it under is listed in that outcome's bucket. An item the feature
did not account for is reported ``mismatch``, never confirmed. A dry run confirms no key (as
CrossWatch expects); what it would write is listed under ``dry_run_keys``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from crosswatch_trakt.crosswatch.hostkeys import HostKeys
from crosswatch_trakt.media.hostitems import host_to_media
from crosswatch_trakt.media.keys import item_key, play_key
from crosswatch_trakt.media.models import MediaRef
from crosswatch_trakt.support.contract import ApplyResult, UnresolvedEntry
from crosswatch_trakt.support.dates import parse_datetime

__all__ = ["Outcome", "book", "our_base_key"]


@attrs.frozen
class Outcome:
    """What happened to one input item: ``confirmed``, ``skipped`` or ``unresolved``."""

    bucket: str
    reason: str = ""
    detail: str = ""


def our_base_key(key: str) -> str:
    """Return an adapter key without its same-minute repeat suffix (``#2``) after the ``@``."""
    head, at, tail = key.partition("@")
    return f"{head}{at}{tail.split('#', 1)[0]}" if at else key


def _our_key(item: Any, feature: str) -> str | None:
    if not isinstance(item, Mapping):
        return None
    media = host_to_media(item)
    if not isinstance(media, MediaRef):
        return None
    if feature == "history" and item.get("watched_at") not in (None, ""):
        try:
            return play_key(media, parse_datetime(str(item["watched_at"])))
        except ValueError:
            return item_key(media)
    return item_key(media)


def _outcomes(result: ApplyResult) -> dict[str, list[Outcome]]:
    by_key: dict[str, list[Outcome]] = defaultdict(list)
    for key in result["confirmed_keys"]:
        by_key[our_base_key(key)].append(Outcome("confirmed"))
    for key in result["skipped_keys"]:
        by_key[our_base_key(key)].append(Outcome("skipped"))
    for entry in result["unresolved"]:
        outcome = Outcome("unresolved", entry["reason"], entry["detail"])
        by_key[our_base_key(entry["key"])].append(outcome)
    return by_key


def _match(
    sent: Sequence[Any], converted: Sequence[Any], result: ApplyResult, feature: str
) -> list[Outcome]:
    by_item = {id(entry["item"]): entry for entry in result["unresolved"]}
    by_key = _outcomes(result)
    taken: dict[str, int] = defaultdict(int)
    last: dict[str, Outcome] = {}
    outcomes: list[Outcome] = []
    for ours in converted:
        entry = by_item.get(id(ours))
        if entry is not None:
            outcomes.append(Outcome("unresolved", entry["reason"], entry["detail"]))
            continue
        key = _our_key(ours, feature)
        found = by_key.get(key, []) if key is not None else []
        if key is not None and taken[key] < len(found):
            outcome = found[taken[key]]
            taken[key] += 1
        elif key is not None and key in last:
            outcome = last[key]  # a repeat of a key booked once (duplicate input)
        else:
            outcome = Outcome("unresolved", "mismatch", "The adapter did not account for it.")
        if key is not None:
            last[key] = outcome
        outcomes.append(outcome)
    return outcomes


def book(
    sent: Sequence[Any],
    converted: Sequence[Any],
    result: ApplyResult,
    feature: str,
    keys: HostKeys,
) -> dict[str, Any]:
    """Return the host's result for ``sent`` from a feature's ``result`` for ``converted``."""
    confirmed: list[str] = []
    skipped: list[str] = []
    unresolved: list[dict[str, Any]] = []
    reason_counts: dict[str, int] = defaultdict(int)
    counts = {"confirmed": 0, "skipped": 0}
    for item, outcome in zip(sent, _match(sent, converted, result, feature), strict=True):
        host = keys.accounting_keys(item, feature) if isinstance(item, Mapping) else []
        if outcome.bucket in counts:
            counts[outcome.bucket] += 1
            target = confirmed if outcome.bucket == "confirmed" else skipped
            target.extend(key for key in host if key not in target)
            continue
        reason_counts[outcome.reason] += 1
        unresolved.append(_unresolved(item, host, outcome))
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


def _unresolved(item: Any, host: list[str], outcome: Outcome) -> dict[str, Any]:
    entry = UnresolvedEntry(
        key=host[0] if host else "", item=item, reason=outcome.reason, detail=outcome.detail
    )
    return {**entry, "hint": outcome.reason}
