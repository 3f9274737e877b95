"""Items in CrossWatch's shape, both ways.

Snapshots go out keyed by the host's own keys, with flat string ids, ``series_title`` and, on
history plays, ``_trakt_history_id``; history plays are keyed ``<key>@<epoch seconds>``
(``~2``, ``~3`` for further plays in the same second) and handed over oldest first. Items the
host sends are turned into the adapter's host items (nested ids as they are, ``show_title``,
``trakt_history_id``) before a feature sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crosswatch_trakt.crosswatch.hostkeys import HostKeys, epoch_of
from crosswatch_trakt.support.contract import HostItem, Snapshot

__all__ = ["from_host", "to_host", "to_host_snapshot"]

#: fields of the adapter's items the host has no use for, or gets under another name
_RENAMED = {"show_title": "series_title", "trakt_history_id": "_trakt_history_id"}


def _flat_ids(ids: Any) -> dict[str, str]:
    if not isinstance(ids, Mapping):
        return {}
    flat: dict[str, str] = {}
    for namespace, value in ids.items():
        if "." in str(namespace) or value is None or isinstance(value, (bool, Mapping, list)):
            continue  # nested (``plex.guid``): the host would mangle it into digits
        text = str(value).strip()
        if text:
            flat[str(namespace)] = text
    return flat


def to_host(item: Mapping[str, Any]) -> HostItem:
    """Return one snapshot item in the host's shape (flat string ids, host field names)."""
    out: HostItem = {}
    for field, value in item.items():
        if field in ("ids", "show_ids"):
            flat = _flat_ids(value)
            if flat or field == "ids":
                out[field] = flat
        elif field in _RENAMED:
            if value is not None:
                out[_RENAMED[field]] = str(value) if field == "trakt_history_id" else value
        elif value is not None:
            out[field] = value
    if out.get("type") in ("season", "episode") and out.get("series_title"):
        out.setdefault("show_title", out["series_title"])
    return out


def to_host_snapshot(snapshot: Snapshot, feature: str, keys: HostKeys) -> Snapshot:
    """Re-key and re-shape a feature's snapshot for the host (history: oldest play first)."""
    items = [to_host(item) for item in snapshot.values()]
    if feature != "history":
        return {keys.key(item): item for item in items}
    items.sort(key=lambda item: (epoch_of(item.get("watched_at")) or 0, _history_id(item)))
    out: Snapshot = {}
    for item in items:
        base = keys.event_key(item) or f"{keys.key(item)}@id:{item.get('_trakt_history_id')}"
        key, repeat = base, 1
        while key in out:
            repeat += 1
            key = f"{base}~{repeat}"
        out[key] = item
    return out


def _history_id(item: Mapping[str, Any]) -> int:
    raw = str(item.get("_trakt_history_id") or "")
    return int(raw) if raw.isdigit() else 0


def from_host(item: Any) -> Any:
    """Return the adapter's host item for one item CrossWatch sent (anything else unchanged)."""
    if not isinstance(item, Mapping):
        return item
    out = dict(item)
    if out.get("show_title") is None and out.get("series_title") is not None:
        out["show_title"] = out["series_title"]
    if out.get("trakt_history_id") is None and out.get("_trakt_history_id") not in (None, ""):
        raw = str(out["_trakt_history_id"]).strip()
        out["trakt_history_id"] = int(raw) if raw.isdigit() else raw
    return out
