"""The keys CrossWatch computes for an item, so results are booked under the host's own keys.

Inside a running CrossWatch the host's functions are used (``cw_platform.id_map.canonical_key``
and ``cw_platform.history_events.history_event_key``). Anywhere else (tests, a host that is
not CrossWatch) ``BuiltinKeys`` follows the same documented rules (``docs/crosswatch.md``):

- ids are cleaned per namespace (numbers keep their digits, imdb is ``tt<digits>``, slugs are
  lower-cased; ``0``, ``none``, ``null``, ``unknown`` and empty values are dropped);
- the key is ``<namespace>:<id>`` of the first namespace in the host's priority order;
- a season is ``<show key>#season:<n>``, an episode ``<show key>#sNNeNN`` when the show's ids
  and the numbers are known;
- with no id at all, ``<type>|title:<title>|year:<year>``;
- a history play is ``<key>@<epoch seconds of watched_at>``.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

import attrs

from crosswatch_trakt.features.registry import spec_for

__all__ = ["ID_KEYS", "KEY_PRIORITY", "BuiltinKeys", "HostKeys", "epoch_of", "host_keys"]

#: the id namespaces the host reads, and the order in which one becomes the key
ID_KEYS = (
    "tmdb",
    "imdb",
    "tvdb",
    "trakt",
    "simkl",
    "mal",
    "anilist",
    "kitsu",
    "anidb",
    "plex",
    "jellyfin",
    "emby",
    "mdblist",
    "guid",
    "slug",
)
KEY_PRIORITY = (
    "tmdb",
    "imdb",
    "tvdb",
    "trakt",
    "mal",
    "anilist",
    "kitsu",
    "anidb",
    "simkl",
    "plex",
    "guid",
    "slug",
)
_NUMERIC = frozenset(
    {
        "tmdb",
        "tvdb",
        "trakt",
        "simkl",
        "mal",
        "anilist",
        "kitsu",
        "anidb",
        "plex",
        "jellyfin",
        "emby",
    }
)
_UNKNOWN = frozenset({"none", "null", "nan", "undefined", "unknown", "0", ""})
_TYPES = {
    "movie": "movie",
    "movies": "movie",
    "show": "show",
    "shows": "show",
    "series": "show",
    "tv": "show",
    "season": "season",
    "seasons": "season",
    "episode": "episode",
    "episodes": "episode",
}
_GUIDS = (
    (re.compile(r"com\.plexapp\.agents\.imdb://(tt\d+)", re.I), "imdb"),
    (re.compile(r"com\.plexapp\.agents\.themoviedb://(\d+)", re.I), "tmdb"),
    (re.compile(r"com\.plexapp\.agents\.thetvdb://(\d+)", re.I), "tvdb"),
    (re.compile(r"imdb://(?:title/)?(tt\d+)", re.I), "imdb"),
    (re.compile(r"tmdb://(?:(?:movie|show|tv)/)?(\d+)", re.I), "tmdb"),
    (re.compile(r"tvdb://(?:(?:series|show|tv)/)?(\d+)", re.I), "tvdb"),
)


def _clean_id(namespace: str, value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    if text.lower() in _UNKNOWN:
        return None
    if namespace in _NUMERIC:
        return "".join(ch for ch in text if ch.isdigit()) or None
    if namespace == "imdb":
        found = re.search(r"tt\d+", text.lower())
        if found:
            return found.group(0)
        digits = "".join(ch for ch in text if ch.isdigit())
        return f"tt{digits}" if digits else None
    if namespace in ("slug", "mdblist"):
        return text.lower()
    return text


def _ids(*sources: Mapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for source in sources:
        for namespace in ID_KEYS:
            value = _clean_id(namespace, source.get(namespace))
            if value:
                found[namespace] = value
    return found


def _guid_ids(guid: Any) -> dict[str, str]:
    text = "" if guid is None else str(guid).strip()
    found: dict[str, str] = {}
    for pattern, namespace in _GUIDS:
        match = pattern.search(text)
        if match:
            found[namespace] = _clean_id(namespace, match.group(1)) or ""
    if text.lower().startswith("plex://"):
        found["guid"] = text
    return {namespace: value for namespace, value in found.items() if value}


def _item_ids(item: Mapping[str, Any]) -> dict[str, str]:
    nested = item.get("ids")
    ids = nested if isinstance(nested, Mapping) else {}
    top = {namespace: item[namespace] for namespace in ID_KEYS if item.get(namespace) is not None}
    guid = item.get("guid") or ids.get("guid")
    return _ids(top, ids, _guid_ids(guid) if guid else {})


def _best(ids: Mapping[str, str]) -> str | None:
    for namespace in KEY_PRIORITY:
        if ids.get(namespace):
            return f"{namespace}:{ids[namespace]}".lower()
    return None


def _number(item: Mapping[str, Any], *names: str) -> int | None:
    for name in names:
        value = item.get(name)
        if value is not None:
            return int(value)
    return None


def _fragment(item: Mapping[str, Any], kind: str) -> str | None:
    try:
        season = _number(item, "season", "season_number")
        episode = _number(item, "episode", "episode_number")
    except (TypeError, ValueError):
        return None
    if season is None:
        return None
    if kind == "season":
        return f"#season:{season}"
    if episode is None:
        return None
    return f"#s{season:02d}e{episode:02d}"


def _kind(item: Mapping[str, Any]) -> str:
    raw = str(item.get("type") or "").strip().lower()
    return _TYPES.get(raw, raw or "movie")


def builtin_canonical_key(item: Mapping[str, Any]) -> str:
    """Return the host's canonical key of ``item`` by the documented rules."""
    kind = _kind(item)
    if kind in ("season", "episode"):
        show_ids = item.get("show_ids")
        show = _best(_ids(show_ids)) if isinstance(show_ids, Mapping) else None
        show = show or _best(_item_ids(item))
        fragment = _fragment(item, kind)
        if show and fragment:
            return f"{show}{fragment}".lower()
    best = _best(_item_ids(item))
    if best:
        return best
    title = "" if item.get("title") is None else str(item.get("title")).strip()
    if not title:
        return "unknown:"
    year = "" if item.get("year") is None else str(item.get("year")).strip()
    return f"{'show' if kind == 'anime' else kind}|title:{title.lower()}|year:{year}"


def epoch_of(value: Any) -> int | None:
    """Return epoch seconds of a ``watched_at`` (ISO text, digits or a number), or None."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value > 0 else None
    text = str(value).strip()
    if text.isdigit():
        return int(text) or None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(parsed.timestamp())


@attrs.frozen
class HostKeys:
    """The host's key functions: the canonical key and where it came from."""

    canonical: Callable[[Mapping[str, Any]], str] = attrs.field(repr=False)
    source: str

    def key(self, item: Mapping[str, Any]) -> str:
        """Return the host's canonical key of ``item`` (lower case, never empty)."""
        return str(self.canonical(item) or "").strip().lower() or "unknown:"

    def event_key(self, item: Mapping[str, Any]) -> str | None:
        """Return ``<key>@<epoch>`` of a history item, or None when it has no ``watched_at``."""
        epoch = epoch_of(item.get("watched_at"))
        return None if epoch is None else f"{self.key(item)}@{epoch}"

    def booking_key(self, item: Mapping[str, Any], feature: str) -> str:
        """Return the one key the host books ``item`` under: the key its planner sent it as.

        A play sent in rewatch (event) mode carries ``_cw_event_key``, the key the host
        attempted it under; every other item is attempted under its canonical key. One key
        per item, so that counts the host derives from key lists equal items.
        """
        if spec_for(feature).per_play:
            event = str(item.get("_cw_event_key") or "").strip().lower()
            if event:
                return event
        return self.key(item)


BuiltinKeys = HostKeys(builtin_canonical_key, "built-in")


def host_keys() -> HostKeys:
    """Return the running CrossWatch's key function, else the built-in one."""
    if "cw_platform" not in sys.modules:
        return BuiltinKeys
    try:
        id_map = importlib.import_module("cw_platform.id_map")
    except ImportError:
        return BuiltinKeys
    canonical = getattr(id_map, "canonical_key", None)
    return HostKeys(canonical, "crosswatch") if callable(canonical) else BuiltinKeys
