"""The Trakt features: watchlist, ratings and history (playlists are not supported)."""

from __future__ import annotations

SUPPORTED = ("watchlist", "ratings", "history")
