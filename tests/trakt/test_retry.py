"""Unit tests of the retry policy: backoff with jitter, the total-time cap, Retry-After."""

from __future__ import annotations

import pytest

from crosswatch_trakt.testing import VirtualClock
from crosswatch_trakt.trakt.retry import RetryPolicy, retry_after_seconds


def test_backoff_grows_exponentially_with_jitter() -> None:
    """Delays double per attempt and stay between half and all of the nominal delay."""
    clock = VirtualClock()
    low = RetryPolicy(clock, random=lambda: 0.0).begin()
    high = RetryPolicy(clock, random=lambda: 1.0).begin()
    assert [low.next_delay() for _ in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert [high.next_delay() for _ in range(4)] == [1.0, 2.0, 4.0, 8.0]


def test_backoff_is_capped() -> None:
    """No single delay exceeds max_delay."""
    budget = RetryPolicy(VirtualClock(), total_seconds=10_000, random=lambda: 1.0).begin()
    delays = [budget.next_delay() for _ in range(12)]
    assert max(d for d in delays if d is not None) == 60.0


def test_budget_is_spent_at_the_total_cap() -> None:
    """Once waiting would pass the total-time cap, the budget answers None."""
    clock = VirtualClock()
    budget = RetryPolicy(clock, total_seconds=10, random=lambda: 1.0).begin()
    waited = 0.0
    while (delay := budget.next_delay()) is not None:
        clock.sleep(delay)
        waited += delay
    assert waited <= 10
    assert budget.attempts >= 3


def test_at_least_honours_retry_after() -> None:
    """A Retry-After longer than the backoff is the delay; past the cap it is refused."""
    clock = VirtualClock()
    budget = RetryPolicy(clock, total_seconds=100).begin()
    assert budget.next_delay(at_least=42.0) == 42.0
    assert budget.next_delay(at_least=500.0) is None


def test_shorter_cap_for_one_request() -> None:
    """begin(total_seconds) can shorten the cap, never lengthen it."""
    clock = VirtualClock()
    policy = RetryPolicy(clock, total_seconds=100)
    assert policy.begin(5).deadline == pytest.approx(clock.monotonic() + 5)
    assert policy.begin(1000).deadline == pytest.approx(clock.monotonic() + 100)


def test_retry_after_parsing() -> None:
    """Retry-After is read as delta-seconds or an HTTP date; garbage is None."""
    assert retry_after_seconds({"Retry-After": "12"}, 0.0) == 12.0
    assert retry_after_seconds({}, 0.0) is None
    assert retry_after_seconds({"Retry-After": "soon"}, 0.0) is None
    date = "Thu, 01 Jan 2026 00:01:00 GMT"
    assert retry_after_seconds({"Retry-After": date}, 1767225600.0) == 60.0
