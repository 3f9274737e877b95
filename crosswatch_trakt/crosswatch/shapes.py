"""Items in CrossWatch's shape, both ways.

Snapshots go out keyed by the host's own keys, with flat string ids, ``series_title`` and
Trakt's row ids as ``_trakt_history_id`` and ``_trakt_playback_id`` (strings); history plays
are keyed ``<key>@<epoch seconds>`` (``~2``, ``~3`` for further plays in the same second) and
handed over oldest first. Items the host sends are turned into the adapter's host items
(nested ids as they are, ``show_title``, ``trakt_history_id``, ``trakt_playback_id``) before
a feature sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crosswatch_trakt.crosswatch.hostkeys import HostKeys, epoch_of
from crosswatch_trakt.features.registry import spec_for
from crosswatch_trakt.support.contract import HostItem, Snapshot

__all__ = ["from_host", "to_host", "to_host_snapshot"]

#: fields of the adapter's items the host gets under another name; besides these, every
#: ``trakt_<what>_id`` (a history or playback id) goes out as ``_trakt_<what>_id``, a string
_RENAMED = {"show_title": "series_title"}


def _host_name(field: str) -> str | None:
    """Return the host's name of a Trakt row id field (``trakt_history_id``), else ``None``."""
    if field.startswith("trakt_") and field.endswith("_id"):
        return "_" + field
    return None


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
                out[_RENAMED[field]] = value
        elif (renamed := _host_name(field)) is not None:
            if value is not None:
                out[renamed] = str(value)
        elif value is not None:
            out[field] = value
    if out.get("type") in ("season", "episode") and out.get("series_title"):
        out.setdefault("show_title", out["series_title"])
    return out


def to_host_snapshot(snapshot: Snapshot, feature: str, keys: HostKeys) -> Snapshot:
    """Re-key and re-shape a feature's snapshot for the host (history: oldest play first)."""
    items = [to_host(item) for item in snapshot.values()]
    if not spec_for(feature).per_play:
        return {keys.key(item): item for item in items}
    items.sort(key=lambda item: (epoch_of(item.get("watched_at")) or 0, _history_id(item)))
    out: Snapshot = {}
    repeats: dict[str, int] = {}  # per base key, how many plays it has so far (linear time)
    for item in items:
        base = keys.event_key(item) or f"{keys.key(item)}@id:{item.get('_trakt_history_id')}"
        repeat = repeats.get(base, 0) + 1
        key = base if repeat == 1 else f"{base}~{repeat}"
        while key in out:  # a base that itself ends in ~N (never from Trakt's rows)
            repeat += 1
            key = f"{base}~{repeat}"
        repeats[base] = repeat
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
    for field, value in item.items():
        ours = field[1:] if isinstance(field, str) else ""
        if _host_name(ours) is None or out.get(ours) is not None or value in (None, ""):
            continue
        raw = str(value).strip()
        out[ours] = int(raw) if raw.isdigit() else raw
    return out
