"""A small CrossWatch sync module standing in for Plex: it serves a library the test sets.

CrossWatch's registry loads it like any provider module (``OPS``); it writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs


@attrs.define
class SourceOps:
    """A read-only source: ``library[feature]`` is what it holds, keyed by the host's keys."""

    library: dict[str, dict[str, dict[str, Any]]] = attrs.Factory(dict)

    def name(self) -> str:
        """Return the provider name."""
        return "PLEX"

    def label(self) -> str:
        """Return the display name."""
        return "Fake Plex"

    def features(self) -> Mapping[str, bool]:
        """Return the features it serves."""
        return {
            "watchlist": True,
            "ratings": True,
            "history": True,
            "progress": True,
            "playlists": False,
        }

    def capabilities(self) -> Mapping[str, Any]:
        """Return its capabilities: present-state indexes, ids provided."""
        return {
            "index_semantics": "present",
            "provides_ids": True,
            "observed_deletes": True,
            "history": {"event_history": True, "rewatches": {"read": True, "write": False}},
        }

    def is_configured(self, cfg: Mapping[str, Any]) -> bool:
        """Return that it is configured."""
        return True

    def health(self, cfg: Mapping[str, Any], **_: Any) -> dict[str, Any]:
        """Return a healthy status."""
        return {"ok": True, "status": "ok", "features": dict(self.features()), "api": {}}

    def build_index(self, cfg: Mapping[str, Any], *, feature: str) -> dict[str, dict[str, Any]]:
        """Return the library of ``feature``."""
        return {key: dict(item) for key, item in self.library.get(feature, {}).items()}

    def add(
        self, cfg: Mapping[str, Any], items: Iterable[Any], *, feature: str, dry_run: bool = False
    ) -> dict[str, Any]:
        """Refuse writes: the source is read-only in a one-way pair."""
        raise AssertionError(f"the source was asked to add {feature}")

    def remove(
        self, cfg: Mapping[str, Any], items: Iterable[Any], *, feature: str, dry_run: bool = False
    ) -> dict[str, Any]:
        """Refuse writes: the source is read-only in a one-way pair."""
        raise AssertionError(f"the source was asked to remove {feature}")


OPS = SourceOps()
