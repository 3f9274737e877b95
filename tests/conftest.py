"""Suite-wide fixtures: a plugin manager loaded like a host's, and a clean account registry.

Hypothesis runs without its timing checks (no per-example deadline, no "input generation is
slow" health check): speed is the benchmark's to measure, and a busy CI machine must not turn
a correct property red.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator

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
def _budget_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the shared GET budget's records (the user's cache folder) in a temp folder.

    Its own ``MonkeyPatch``, so a test's ``monkeypatch.undo()`` leaves it in place.
    """
    cache = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        patch.setenv("XDG_RUNTIME_DIR", str(cache / "run"))
        yield


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


#: serve a ``BaseHTTPRequestHandler`` class on loopback; return its base URL
Standin = Callable[[type[http.server.BaseHTTPRequestHandler]], str]


@pytest.fixture
def standin() -> Iterator[Standin]:
    """Serve tiny independent stand-ins (not the emulator) on loopback; stop them afterwards."""
    running: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def serve(handler: type[http.server.BaseHTTPRequestHandler]) -> str:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
        thread.start()
        running.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
