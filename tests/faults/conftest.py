"""Fixtures of the fault matrix: a small account, small pages and chunks, a recording host."""

from __future__ import annotations

from typing import Any

import pluggy
import pytest

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.builders import generate_account

from .support import USER, Host


@pytest.fixture
def account(fake_trakt: FakeTrakt) -> FakeTrakt:
    """Fill ``alice`` with 25 watchlist items, 25 ratings and 40 plays (10 movie plays)."""
    generate_account(fake_trakt, USER, watchlist=25, ratings=25, plays=30, movie_plays=10, seed=7)
    return fake_trakt


@pytest.fixture
def host(pm: pluggy.PluginManager, account: FakeTrakt, host_context: HostContext) -> Host:
    """Return a host on pages and write chunks of 10: every read and write is multi-part."""
    config: dict[str, Any] = {**host_context.config, "page_size": 10, "write_chunk_size": 10}
    base = HostContext(
        config=config,
        state_dir=host_context.state_dir,
        clock=host_context.clock,
        run_id="run-1",
    )
    return Host(pm, account, base)
