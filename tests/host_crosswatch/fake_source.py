"""A small CrossWatch sync module standing in for Plex: it serves a library the test sets.

CrossWatch's registry loads it like any provider module (``OPS``); it writes nothing. It
also serves CrossWatch's playlist contract (the six methods of ``_PLAYLIST_METHODS`` in
``cw_platform.playlists``) over ``playlists``, answering in the host's own model classes
(imported when called, so only inside a running CrossWatch).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs


@attrs.define
class SourceOps:
    """A read-only source: ``library[feature]`` is what it holds, keyed by the host's keys."""

    library: dict[str, dict[str, dict[str, Any]]] = attrs.Factory(dict)
    #: playlist id -> its items (host items: type, title, year, ids) in order
    playlists: dict[str, list[dict[str, Any]]] = attrs.Factory(dict)

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
            "playlists": True,
        }

    def capabilities(self) -> Mapping[str, Any]:
        """Return its capabilities: present-state indexes, ids provided."""
        return {
            "index_semantics": "present",
            "provides_ids": True,
            "observed_deletes": True,
            "history": {"event_history": True, "rewatches": {"read": True, "write": False}},
            "playlists": {
                "read": True,
                "create": False,
                "add": True,
                "remove": True,
                "reorder": False,
                "smart": False,
                "media_types": ["movie"],
            },
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

    # CrossWatch's playlist contract: reads served, every write refused

    def list_playlist_resources(
        self, cfg: Mapping[str, Any], *, instance: str | None = None
    ) -> list[Any]:
        """Return one resource per playlist.

        It says add and remove, as a Plex playlist does (CrossWatch's bidirectional rulesets
        refuse a source that cannot); a write still fails the test.
        """
        return [self._resource(pid, instance) for pid in self.playlists]

    def get_playlist_snapshot(
        self, cfg: Mapping[str, Any], playlist_id: str, *, instance: str | None = None
    ) -> Any:
        """Return the playlist's items in order, keyed by the host's canonical key."""
        model = _host_model()
        items = [
            model.PlaylistItem.from_media(item, position=n, provider_media_id=str(n + 1))
            for n, item in enumerate(self.playlists[playlist_id])
        ]
        return model.PlaylistSnapshot(resource=self._resource(playlist_id, instance), items=items)

    def create_playlist(
        self,
        cfg: Mapping[str, Any],
        name: str,
        *,
        media_type: str | None = None,
        instance: str | None = None,
        dry_run: bool = False,
    ) -> Any:
        """Refuse: the source's playlists are the test's."""
        raise AssertionError(f"the source was asked to create playlist {name!r}")

    def add_playlist_items(
        self,
        cfg: Mapping[str, Any],
        playlist_id: str,
        items: Sequence[Mapping[str, Any]],
        *,
        instance: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Refuse: nothing is written back to the source."""
        raise AssertionError(f"the source was asked to add {len(items)} items to {playlist_id}")

    def remove_playlist_items(
        self,
        cfg: Mapping[str, Any],
        playlist_id: str,
        items: Sequence[Mapping[str, Any]],
        *,
        instance: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Refuse: nothing is removed from the source."""
        raise AssertionError(f"the source was asked to remove {len(items)} items of {playlist_id}")

    def reorder_playlist_items(
        self,
        cfg: Mapping[str, Any],
        playlist_id: str,
        ordered_keys: Sequence[str],
        *,
        instance: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Refuse: the source is never reordered."""
        raise AssertionError(f"the source was asked to reorder {playlist_id}")

    def _resource(self, playlist_id: str, instance: str | None) -> Any:
        return _host_model().PlaylistResource(
            provider="PLEX",
            id=playlist_id,
            name=playlist_id,
            instance=instance or "default",
            can_add=True,
            can_remove=True,
            can_reorder=False,
            media_types=("movie",),
        )


def _host_model() -> Any:
    """Return CrossWatch's playlist module (its model classes): the runner checks them."""
    return importlib.import_module("cw_platform.playlists")


OPS = SourceOps()
