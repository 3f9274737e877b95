"""The feature registry: names written once, files and capabilities read from the specs."""

from __future__ import annotations

import pytest

from crosswatch_trakt.crosswatch.ops import CAPABILITIES, FEATURES
from crosswatch_trakt.errors import FeatureNotSupported
from crosswatch_trakt.features.registry import REGISTRY, feature_names, served, spec_for
from crosswatch_trakt.plugin import provider_capabilities
from crosswatch_trakt.support.contract import FEATURE_NAMES


def test_every_registered_name_is_in_the_contract_vocabulary() -> None:
    """Each registry entry is named by its spec and is a name of the contract's ``Feature``."""
    assert feature_names()
    for name, spec in REGISTRY.items():
        assert spec.name == name
        assert name in FEATURE_NAMES


def test_state_files_are_unique_per_feature() -> None:
    """No two features (and no two roles of one feature) share a state file."""
    files = [name for spec in REGISTRY.values() for name in spec.files.all()]
    assert len(files) == len(set(files))


def test_both_front_doors_read_the_registry() -> None:
    """The pluggy manifest and CrossWatch's features list say what the registry serves."""
    assert provider_capabilities()["features"] == served() == dict(FEATURES)
    assert {name for name, on in served().items() if on} == set(REGISTRY)
    for name, spec in REGISTRY.items():
        assert provider_capabilities()["capabilities"][name] == dict(spec.capabilities)
        assert CAPABILITIES[name] == dict(spec.host_capabilities)


@pytest.mark.parametrize("name", ["bogus", "", "WATCHLIST", "collection"])
def test_names_outside_the_registry_are_refused(name: str) -> None:
    """A name the registry does not hold is a ``FeatureNotSupported`` naming what is served."""
    with pytest.raises(FeatureNotSupported, match="supports watchlist"):
        spec_for(name)
