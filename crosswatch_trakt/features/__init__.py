"""The Trakt features: watchlist, ratings and history (playlists are not supported)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosswatch_trakt.errors import FeatureNotSupported

if TYPE_CHECKING:
    from crosswatch_trakt.features.ledger import Feature
    from crosswatch_trakt.trakt.account import TraktAccount

SUPPORTED = ("watchlist", "ratings", "history")


def check_feature(name: str) -> None:
    """Raise ``FeatureNotSupported`` for playlists and unknown feature names."""
    if name == "playlists":
        raise FeatureNotSupported("Trakt playlists are not supported by crosswatch-trakt.")
    if name not in SUPPORTED:
        raise FeatureNotSupported(
            f"unknown feature {name!r}; crosswatch-trakt supports {', '.join(SUPPORTED)}."
        )


def build_feature(name: str, account: TraktAccount) -> Feature:
    """Return the feature ``name`` of ``account``; playlists and unknown names are refused."""
    check_feature(name)
    if name == "watchlist":
        from crosswatch_trakt.features.watchlist import WatchlistFeature

        return WatchlistFeature(account)
    if name == "ratings":
        from crosswatch_trakt.features.ratings import RatingsFeature

        return RatingsFeature(account)
    if name == "history":
        from crosswatch_trakt.features.history import HistoryFeature

        return HistoryFeature(account)
    raise AssertionError(f"check_feature let {name!r} through")  # pragma: no cover
