"""The adapter at the live API's limits: 500 GETs per 300 s, edge 429s without headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from crosswatch_trakt.trakt.account import AccountRegistry, TraktAccount


@pytest.fixture
def edge_fake(trakt_clock: VirtualClock) -> Iterator[FakeTrakt]:
    """Serve an emulator that limits like Trakt's edge: 500/300, no X-Ratelimit, 5-min block."""
    fake = FakeTrakt(clock=trakt_clock, edge_rate_limits=True)
    fake.add_user("alice")
    with fake.serve():
        yield fake


def _account(fake: FakeTrakt, clock: VirtualClock, tmp_path: Path, **config: Any) -> TraktAccount:
    context = HostContext(
        config={**fake.provider_config("alice"), **config}, state_dir=tmp_path, clock=clock
    )
    return AccountRegistry().account_for(context)


def test_default_window_never_trips_the_edge(
    edge_fake: FakeTrakt, trakt_clock: VirtualClock, tmp_path: Path
) -> None:
    """1,100 reads at the default 500/300 window, with no X-Ratelimit to learn from: no 429."""
    account = _account(edge_fake, trakt_clock, tmp_path)
    for _ in range(1100):
        account.session.get_json("/sync/last_activities", feature="test")
    assert edge_fake.log_count(status=429) == 0
    assert account.session.rate_state()["read"]["window_limit"] == 500


def test_html_429_pauses_everything_for_its_retry_after(
    edge_fake: FakeTrakt, trakt_clock: VirtualClock, tmp_path: Path
) -> None:
    """A client set looser than the edge gets one HTML 429, waits 300 s, then carries on."""
    account = _account(edge_fake, trakt_clock, tmp_path, rate_limit={"get_window_limit": 1000})
    start = trakt_clock.monotonic()
    for _ in range(600):
        account.session.get_json("/sync/last_activities", feature="test")
    assert edge_fake.log_count(status=429) == 1
    assert edge_fake.log_count(status=200) == 600
    assert trakt_clock.monotonic() - start >= 300
    times = [e.time for e in edge_fake.log]
    blocked = next(i for i, e in enumerate(edge_fake.log) if e.status == 429)
    assert times[blocked + 1] - times[blocked] >= 300  # nothing sent into the block


def test_two_state_folders_of_one_login_share_the_window(
    edge_fake: FakeTrakt, trakt_clock: VirtualClock, tmp_path: Path
) -> None:
    """Two runs of one login from two state folders, back to back: 700 reads, no 429."""
    first = _account(edge_fake, trakt_clock, tmp_path / "one")
    second = _account(edge_fake, trakt_clock, tmp_path / "two")
    for _ in range(350):
        first.session.get_json("/sync/last_activities", feature="test")
    for _ in range(350):
        second.session.get_json("/sync/last_activities", feature="test")
    assert edge_fake.log_count(status=429) == 0
    assert edge_fake.log_count(status=200) == 700
