"""The feature registry: every feature the adapter serves, by name, in one place.

Each entry is a feature module's ``SPEC`` (``features.spec.FeatureSpec``). The front doors,
the command line and the state folder read the names, files and capabilities from here;
adding a feature is its module plus one line below. ``support.contract.Feature`` is the
contract's vocabulary (the names a host may ask for) as a typing ``Literal``; a test keeps
every name here in it. ``served()`` maps that vocabulary to what is served.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from crosswatch_trakt.errors import FeatureNotSupported
from crosswatch_trakt.features import history, playlists, progress, ratings, watchlist
from crosswatch_trakt.features.spec import FeatureSpec, TraktFeature
from crosswatch_trakt.support.contract import FEATURE_NAMES

if TYPE_CHECKING:
    from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["REGISTRY", "build_feature", "check_feature", "feature_names", "served", "spec_for"]

REGISTRY: Mapping[str, FeatureSpec] = {
    spec.name: spec
    for spec in (
        watchlist.SPEC,
        ratings.SPEC,
        history.SPEC,
        progress.SPEC,
        playlists.SPEC,
    )
}


def served() -> dict[str, bool]:
    """Return every feature name of the host contract, and whether this adapter serves it."""
    return {name: name in REGISTRY for name in FEATURE_NAMES}


def feature_names() -> tuple[str, ...]:
    """Return the names of the features served, in registry order."""
    return tuple(REGISTRY)


def spec_for(name: str) -> FeatureSpec:
    """Return the spec of the feature ``name``; ``FeatureNotSupported`` for any other name."""
    spec = REGISTRY.get(name) if isinstance(name, str) else None
    if spec is None:
        raise FeatureNotSupported(
            f"feature {name!r} is not supported; crosswatch-trakt supports {', '.join(REGISTRY)}."
        )
    return spec


def check_feature(name: str) -> None:
    """Raise ``FeatureNotSupported`` for a name the registry does not hold."""
    spec_for(name)


def build_feature(name: str, account: TraktAccount) -> TraktFeature:
    """Return the feature ``name`` of ``account``; other names are refused."""
    return spec_for(name).open(account)
