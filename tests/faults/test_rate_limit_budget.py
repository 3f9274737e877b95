"""One 429 policy: Retry-After followed, a persistent 429 ends the call within its allowance.

And a refused connection is named as such at once and given up on within 15 s, never called
rate limiting. Against the emulator and against a tiny stand-in that is not the emulator.
"""

from __future__ import annotations

import http.server
import socket
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import structlog

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.errors import RateLimited, TransportError
from crosswatch_trakt.testing import Fault, VirtualClock
from crosswatch_trakt.trakt.account import TraktAccount
from crosswatch_trakt.trakt.retry import RateAllowance, RetryPolicy
from tests.conftest import Standin

from .support import Host, movies, rating_items, reasons


def test_retry_after_is_followed_without_growing_backoff(
    host: Host, trakt_clock: VirtualClock
) -> None:
    """Eight 429s with Retry-After: 2 are each waited about 2 s, never the backoff's 60 s."""
    items = rating_items(movies(host.fake, 5))
    host.fake.faults.add(
        Fault(method="POST", path="/sync/ratings", status=429, retry_after=2, times=8)
    )
    trakt_clock.slept.clear()
    result = host.apply("add", "ratings", items)
    assert result["count"] == 5
    assert host.fake.log_count(method="POST", path="/sync/ratings", status=429) == 8
    assert max(trakt_clock.slept) <= 2.5


def test_persistent_429_ends_the_whole_call_within_two_minutes(
    host: Host, trakt_clock: VirtualClock
) -> None:
    """650 ratings under a 429 that never ends: one chunk waits, the rest are not started over."""
    items = rating_items(movies(host.fake, 650))
    host.fake.faults.add(
        Fault(method="POST", path="/sync/ratings", status=429, retry_after=2, times=None)
    )
    started = trakt_clock.monotonic()
    result = host.apply("add", "ratings", items)
    assert trakt_clock.monotonic() - started <= 125
    assert set(reasons(result).values()) == {"rate_limited"}
    assert result["count"] == 0
    posts = host.fake.log_count(method="POST", path="/sync/ratings")
    assert posts <= 1 + 120 / 2  # one chunk's tries at most: no other chunk was sent
    assert "429" in result["unresolved"][-1]["detail"]


def test_allowance_is_shared_by_the_requests_of_a_call() -> None:
    """Two requests drawing on one allowance: the second finds it spent by the first."""
    clock = VirtualClock()
    policy = RetryPolicy(clock, rate_limit_seconds=10)
    allowance = policy.allowance()
    assert allowance.take(6)
    assert not allowance.take(6)
    assert allowance.seconds == 0
    assert not RateAllowance(1).take(2)


def test_longer_retry_after_than_the_allowance_gives_up_at_once(
    host: Host, trakt_clock: VirtualClock
) -> None:
    """A Retry-After of 10 minutes is not waited: the items are rate_limited at once."""
    items = rating_items(movies(host.fake, 3))
    host.fake.faults.add(
        Fault(method="POST", path="/sync/ratings", status=429, retry_after=600, times=None)
    )
    trakt_clock.slept.clear()
    result = host.apply("add", "ratings", items)
    assert set(reasons(result).values()) == {"rate_limited"}
    assert sum(trakt_clock.slept) < 5


def _free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


def _account(base: str, tmp_path: Path, **extra: Any) -> tuple[TraktAccount, VirtualClock]:
    clock = VirtualClock()
    config = TraktConfig.from_mapping(
        {"client_id": "cid", "access_token": "token", "base_url": base, **extra}
    )
    return TraktAccount.create(config, tmp_path, clock=clock, random=lambda: 1.0), clock


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_refused_connection_is_named_at_once_and_given_up_within_15_s(
    tmp_path: Path, method: str
) -> None:
    """Nothing listening: the first retry warns 'refused', and the call ends within 15 s."""
    port = _free_port()
    account, clock = _account(f"http://127.0.0.1:{port}", tmp_path)
    session = account.session
    if method == "GET":
        call = partial(session.get_json, "/users/settings", feature="account")
    else:
        call = partial(session.post_json, "/sync/ratings", {"movies": []}, feature="ratings")
    with structlog.testing.capture_logs() as logs, pytest.raises(TransportError) as raised:
        call()
    message = str(raised.value)
    assert f"127.0.0.1:{port} refused the connection" in message
    assert "rate" not in message.lower()
    assert sum(clock.slept) <= 15
    first = logs[0]
    assert (first["log_level"], first["cause"], first["attempt"]) == ("warning", "refused", 1)
    assert not any("rate" in str(entry.get("cause")) for entry in logs)


def test_refused_budget_is_configurable(tmp_path: Path) -> None:
    """refused_retry_seconds bounds the retries of a refused connection."""
    account, clock = _account(f"http://127.0.0.1:{_free_port()}", tmp_path, refused_retry_seconds=3)
    with pytest.raises(TransportError):
        account.session.get_json("/users/settings", feature="account")
    assert sum(clock.slept) <= 3
    assert TraktConfig(client_id="cid").refused_retry_seconds == 15


class _Always429(http.server.BaseHTTPRequestHandler):
    """A stand-in that answers every request 429 with Retry-After: 2 and counts them."""

    protocol_version = "HTTP/1.1"
    count = 0

    def do_POST(self) -> None:
        """Answer a write 429."""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).count += 1
        body = b'{"error":"rate_limited"}'
        self.send_response(429)
        self.send_header("Retry-After", "2")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Print nothing."""


def test_standin_persistent_429_gives_up_within_the_allowance(
    standin: Standin, tmp_path: Path
) -> None:
    """Against a server that is not the emulator, 429s are waited 2 s each and end in 120 s."""
    _Always429.count = 0
    account, clock = _account(standin(_Always429), tmp_path, max_retries=100)
    allowance = account.session.pipeline.retry.allowance()
    with pytest.raises(RateLimited) as raised:
        account.session.post_json("/sync/ratings", {}, feature="ratings", allowance=allowance)
    assert raised.value.retry_after == 2
    assert sum(clock.slept) <= 125
    assert max(clock.slept) <= 2.5
    assert _Always429.count == 1 + 120 // 2
    with pytest.raises(RateLimited):  # the call's allowance is spent: no more waiting
        account.session.post_json("/sync/ratings", {}, feature="ratings", allowance=allowance)
    assert _Always429.count == 2 + 120 // 2
