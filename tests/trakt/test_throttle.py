"""Unit tests of the read/write pacing, the window budget, X-Ratelimit and 429 pauses."""

from __future__ import annotations

import itertools
import json

import pytest

from crosswatch_trakt.config import RateLimitConfig
from crosswatch_trakt.testing import VirtualClock
from crosswatch_trakt.testing.emulator.timefmt import format_ts_seconds
from crosswatch_trakt.trakt.throttle import Bucket, RateLimitInfo, Throttle


def _starts(clock: VirtualClock, bucket: Bucket, n: int) -> list[float]:
    times = []
    for _ in range(n):
        bucket.acquire()
        times.append(clock.monotonic())
    return times


def test_reads_are_spaced_by_get_per_sec() -> None:
    """Reads start at least 1 / get_per_sec apart."""
    clock = VirtualClock()
    throttle = Throttle.from_config(RateLimitConfig(), clock)
    times = _starts(clock, throttle.read, 10)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) == pytest.approx(1 / 3.33)


def test_reads_and_writes_have_separate_buckets() -> None:
    """A write waits only for the previous write, not for reads."""
    clock = VirtualClock()
    throttle = Throttle.from_config(RateLimitConfig(), clock)
    throttle.read.acquire()
    assert throttle.write.acquire() == 0.0
    assert throttle.write.acquire() == pytest.approx(1.0)
    assert throttle.bucket("GET") is throttle.read
    assert throttle.bucket("DELETE") is throttle.write


def test_window_budget_holds() -> None:
    """No more than window_limit reads start in any window, however fast the pacing."""
    clock = VirtualClock()
    bucket = Bucket("read", clock, per_sec=1000.0, window_limit=5, window_seconds=10.0)
    times = _starts(clock, bucket, 12)
    for i in range(len(times) - 5):
        assert times[i + 5] - times[i] >= 10.0


def test_ratelimit_header_tightens_but_never_loosens() -> None:
    """X-Ratelimit can lower the window limit below the configuration, never raise it."""
    clock = VirtualClock()
    throttle = Throttle.from_config(RateLimitConfig(get_window_limit=1000), clock)
    header = {"name": "AUTHED_API_GET_LIMIT", "period": 300, "limit": 500, "remaining": 499}
    throttle.observe("GET", json.dumps(header))
    assert throttle.read.window_limit == 500
    throttle.observe("GET", json.dumps({**header, "limit": 5000, "period": 60}))
    assert throttle.read.window_limit == 1000
    assert throttle.read.window_seconds == 300.0


def test_remaining_zero_waits_until_reset() -> None:
    """With the server's remaining budget at zero, the next read waits for ``until``."""
    clock = VirtualClock()
    throttle = Throttle.from_config(RateLimitConfig(), clock)
    until = format_ts_seconds(clock.time() + 120)
    header = {"name": "AUTHED_API_GET_LIMIT", "period": 300, "limit": 1000, "remaining": 0}
    throttle.observe("GET", json.dumps({**header, "until": until}))
    assert throttle.read.acquire() >= 120.0
    assert throttle.read.acquire() == pytest.approx(1 / 3.33)


def test_whole_second_until_never_holds_longer_than_a_period() -> None:
    """A write whose ``until`` is rounded up to the next whole second waits one period at most."""
    clock = VirtualClock(start=1767225600.4)
    throttle = Throttle.from_config(RateLimitConfig(), clock)
    throttle.write.acquire()
    until = format_ts_seconds(1767225602.0)  # 1.6 s away: the emulator rounds up too
    header = {"name": "AUTHED_API_POST_LIMIT", "period": 1, "limit": 1, "remaining": 0}
    throttle.observe("POST", json.dumps({**header, "until": until}))
    assert throttle.write.acquire() == pytest.approx(1.0 + 0.01)


def test_post_header_goes_to_the_write_bucket() -> None:
    """An AUTHED_API_POST_LIMIT header adapts the write bucket, even on a GET answer."""
    clock = VirtualClock()
    throttle = Throttle.from_config(RateLimitConfig(), clock)
    info = throttle.observe(
        "GET", '{"name":"AUTHED_API_POST_LIMIT","period":1,"limit":1,"remaining":0}'
    )
    assert info is not None
    assert throttle.write.window_limit == 1
    assert throttle.read.window_limit == 500


def test_pause_holds_the_whole_bucket() -> None:
    """A pause delays every request of its bucket but not the other bucket."""
    clock = VirtualClock()
    throttle = Throttle.from_config(RateLimitConfig(), clock)
    throttle.pause("GET", 30.0)
    assert throttle.write.acquire() == 0.0
    assert throttle.read.acquire() == pytest.approx(30.0)
    throttle.pause("GET", 300.0, everything=True)
    assert throttle.state()["write"]["paused_for"] == pytest.approx(300.0)
    assert throttle.write.acquire() == pytest.approx(300.0)


@pytest.mark.parametrize("value", [None, "", "not json", "[]", '{"limit": 5}', '{"name": 3}'])
def test_unreadable_ratelimit_headers_are_ignored(value: str | None) -> None:
    """A missing or malformed X-Ratelimit header parses to None."""
    assert RateLimitInfo.parse(value) is None


def test_state_reports_the_budget() -> None:
    """state() reports requests, the window use and the remaining budget."""
    clock = VirtualClock()
    throttle = Throttle.from_config(RateLimitConfig(get_window_limit=10), clock)
    for _ in range(3):
        throttle.read.acquire()
    read = throttle.state()["read"]
    assert (read["requests"], read["used_in_window"], read["remaining"]) == (3, 3, 7)


def test_writes_are_spaced_from_the_previous_answer() -> None:
    """A write starts 1 / post_per_sec plus the margin after the previous write's answer."""
    clock = VirtualClock()
    throttle = Throttle.from_config(RateLimitConfig(write_margin_seconds=0.25), clock)
    throttle.write.acquire()
    clock.sleep(0.4)  # the first write leaves late, travels and is answered 0.4 s after its start
    throttle.write.answered()
    answered_at = clock.monotonic()
    throttle.write.acquire()
    assert clock.monotonic() - answered_at == pytest.approx(1.25)


def test_a_quick_answer_keeps_the_spacing_from_starts() -> None:
    """An answer that comes at once never lets a write start sooner than 1 / post_per_sec."""
    clock = VirtualClock()
    throttle = Throttle.from_config(RateLimitConfig(write_margin_seconds=0.0), clock)
    throttle.write.acquire()
    throttle.write.answered()
    assert throttle.write.acquire() == pytest.approx(1.0)


def test_reads_are_not_spaced_from_answers() -> None:
    """Only the write bucket waits for answers: a slow read does not delay the next read."""
    clock = VirtualClock()
    throttle = Throttle.from_config(RateLimitConfig(), clock)
    throttle.read.acquire()
    clock.sleep(2.0)
    throttle.read.answered()
    assert throttle.read.acquire() == 0.0
