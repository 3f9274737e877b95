"""Suite-wide fixtures: a plugin manager loaded like a host's, and a clean account registry."""

from __future__ import annotations

from collections.abc import Iterator

import pluggy
import pytest

from crosswatch_trakt import hostspec
from crosswatch_trakt.trakt.account import REGISTRY


@pytest.fixture(autouse=True)
def _fresh_accounts() -> Iterator[None]:
    """Forget cached accounts after each test, as a restarted host would."""
    yield
    REGISTRY.clear()


@pytest.fixture
def pm() -> pluggy.PluginManager:
    """Return a plugin manager that loaded the plugin through its entry point."""
    manager = pluggy.PluginManager(hostspec.PROJECT_NAME)
    manager.add_hookspecs(hostspec)
    manager.load_setuptools_entrypoints(hostspec.PROJECT_NAME)
    return manager
