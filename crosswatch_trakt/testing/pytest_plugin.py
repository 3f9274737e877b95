"""Pytest fixtures for the Trakt emulator (registered as the ``crosswatch_trakt`` plugin).

``trakt_clock``, ``fake_trakt`` (serving, with user ``alice``), ``trakt_tokens``,
``trakt_config``, ``host_context``, ``trakt_cassette``; plus the ``cassette`` marker.

Installing the package registers this plugin in every pytest run of that environment, so it
stays out of the way: importing it imports neither the emulator nor vcrpy, only a fixture that
is used loads what it needs, and a fixture whose optional dependency is missing fails the test
that asked for it in one sentence (``trakt_cassette`` needs vcrpy, from the ``test`` extra).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest

if TYPE_CHECKING:
    from crosswatch_trakt.hostspec import HostContext
    from crosswatch_trakt.testing.emulator.fake import FakeTrakt
    from crosswatch_trakt.testing.emulator.virtual_clock import VirtualClock

REPLAY_CONFIG: dict[str, Any] = {
    "client_id": "replay-client-id",
    "client_secret": "replay-client-secret",
    "access_token": "replay-access-token",
    "refresh_token": "replay-refresh-token",
    "base_url": "https://api.trakt.tv",
    "auth_url": "https://auth.trakt.tv",
    "timeout": 5,
}
#: the optional dependencies of the fixtures: import name -> (distribution, where it comes from)
OPTIONAL = {"vcr": ("vcrpy", "pip install 'crosswatch-trakt[test]'")}


def require(module: str, fixture: str) -> None:
    """Fail the test that uses ``fixture``, in one sentence, when ``module`` cannot be imported."""
    package, install = OPTIONAL[module]
    try:
        importlib.import_module(module)
    except ImportError as exc:
        pytest.fail(
            f"the {fixture} fixture needs {package}, which is not installed here ({exc}): "
            f"{install}",
            pytrace=False,
        )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``cassette`` marker."""
    config.addinivalue_line(
        "markers", "cassette: replays recorded HTTP from cassettes/ (record: see docs/cassettes.md)"
    )


@pytest.fixture
def trakt_clock() -> VirtualClock:
    """Return a virtual clock starting at 2026-01-01T00:00:00Z."""
    from crosswatch_trakt.testing.emulator.virtual_clock import VirtualClock

    return VirtualClock()


@pytest.fixture
def fake_trakt(trakt_clock: VirtualClock) -> Iterator[FakeTrakt]:
    """Yield a serving ``FakeTrakt`` on the virtual clock, with user ``alice``."""
    from crosswatch_trakt.testing.emulator.fake import FakeTrakt

    fake = FakeTrakt(clock=trakt_clock)
    fake.add_user("alice")
    with fake.serve():
        yield fake


@pytest.fixture
def trakt_tokens(fake_trakt: FakeTrakt) -> dict[str, Any]:
    """Return a token response issued to ``alice``."""
    return fake_trakt.issue_tokens("alice")


@pytest.fixture
def trakt_config(fake_trakt: FakeTrakt, trakt_tokens: dict[str, Any]) -> dict[str, Any]:
    """Return the provider config mapping pointing at the emulator, authorised as ``alice``."""
    return {**fake_trakt.provider_config(tokens=trakt_tokens), "timeout": 5}


@pytest.fixture
def host_context(
    trakt_config: dict[str, Any], trakt_clock: VirtualClock, tmp_path: Path
) -> HostContext:
    """Return a ``HostContext`` for the emulator with a temporary ``state_dir``."""
    from crosswatch_trakt.hostspec import HostContext

    return HostContext(
        config=trakt_config, state_dir=tmp_path / "state", clock=trakt_clock, run_id="run-1"
    )


@attrs.frozen
class CassetteSession:
    """What a cassette test gets: a config and context for the target, and the mode.

    ``fake`` is the emulator when recording against it (seeded with ``seed_demo`` for
    ``alice``), else ``None``. ``path`` is the cassette file.
    """

    config: dict[str, Any] = attrs.field(repr=False)
    host_context: HostContext
    recording: bool
    path: Path
    fake: FakeTrakt | None = None


@pytest.fixture
def trakt_cassette(
    request: pytest.FixtureRequest, trakt_clock: VirtualClock, tmp_path: Path
) -> Iterator[CassetteSession]:
    """Replay ``cassettes/<module>/<test>.yaml``, or record it (see ``docs/cassettes.md``)."""
    require("vcr", "trakt_cassette")
    from crosswatch_trakt.hostspec import HostContext
    from crosswatch_trakt.testing import cassettes
    from crosswatch_trakt.testing.emulator.builders import seed_demo
    from crosswatch_trakt.testing.emulator.fake import FakeTrakt

    root = Path(str(request.config.rootpath)) / "cassettes"
    path = cassettes.cassette_path(root, request.node.module.__name__, request.node.name)
    record = cassettes.recording()
    if not record and not path.exists():
        pytest.fail(
            f"missing cassette {path}: record it with {cassettes.RECORD_ENV}=1 pytest -m cassette"
        )
    real = cassettes.real_credentials() if record else None
    fake: FakeTrakt | None = None
    with contextlib.ExitStack() as stack:
        if real is not None:
            config = {
                **REPLAY_CONFIG,
                "client_id": real["TRAKT_CLIENT_ID"],
                "client_secret": real["TRAKT_CLIENT_SECRET"],
                "access_token": real["TRAKT_ACCESS_TOKEN"],
                "expires_at": trakt_clock.time() + 86400,
            }
        elif record:
            fake = FakeTrakt(clock=trakt_clock)
            seed_demo(fake, "alice")
            stack.enter_context(fake.serve())
            config = {**REPLAY_CONFIG, **fake.provider_config("alice")}
        else:
            config = {**REPLAY_CONFIG, "expires_at": trakt_clock.time() + 7 * 86400}
        recorder = cassettes.make_vcr(path.parent, "all" if record else "none")
        stack.enter_context(recorder.use_cassette(path.name))
        context = HostContext(
            config=config, state_dir=tmp_path / "state", clock=trakt_clock, run_id="run-1"
        )
        yield CassetteSession(config, context, record, path, fake)
