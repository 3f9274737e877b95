"""Fixtures for the contract tests: the recorded answers served on loopback, the adapter on them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import VirtualClock
from crosswatch_trakt.testing.emulator.server import start_server

from .answers import LAST_ACTIVITIES
from .canned import Canned

Serve = Callable[[dict[str, Any]], tuple[Canned, HostContext]]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """Return a function that serves recorded answers and gives the adapter's context on them."""
    servers: list[Any] = []

    def start(answers: dict[str, Any]) -> tuple[Canned, HostContext]:
        app = Canned({"/sync/last_activities": LAST_ACTIVITIES, **answers})
        server = start_server(app)
        servers.append(server)
        clock = VirtualClock()
        config = {
            "client_id": "recorded-client",
            "client_secret": "recorded-secret",
            "access_token": "recorded-access",
            "refresh_token": "recorded-refresh",
            "expires_at": clock.time() + 86400,
            "base_url": server.base_url,
            "auth_url": server.base_url,
        }
        state = tmp_path / f"state-{len(servers)}"
        return app, HostContext(config=config, state_dir=state, clock=clock, run_id="run-1")

    yield start
    for server in servers:
        server.stop()
