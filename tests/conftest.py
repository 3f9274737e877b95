"""Suite-wide fixtures: a plugin manager loaded like a host's, and a clean account registry.

Hypothesis runs without its timing checks (no per-example deadline, no "input generation is
slow" health check): speed is the benchmark's to measure, and a busy CI machine must not turn
a correct property red.
"""

from __future__ import annotations

from collections.abc import Iterator

import pluggy
import pytest
from hypothesis import HealthCheck, settings

from crosswatch_trakt import hostspec
from crosswatch_trakt.trakt.account import REGISTRY

settings.register_profile(
    "crosswatch-trakt", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("crosswatch-trakt")


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
