"""The retry policy: which answers are transient, and exponential backoff with jitter.

A ``RetryBudget`` is opened per logical request. Each retry asks it for a delay; it says
``None`` (give up) once the total-time cap (``config.retry_total_seconds``) or the attempt
cap would be passed. Retries after no answer at all (refused, timed out, stalled) have their
own, shorter cap (``config.unreachable_retry_seconds``): a host that is down fails in about a
minute, while 429s and 5xx may still be waited out for the whole budget. The random source
is injectable so tests are deterministic.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime

import attrs

from crosswatch_trakt.support.clock import Clock

__all__ = [
    "HTML_429_PAUSE",
    "RETRY_STATUSES",
    "RetryBudget",
    "RetryPolicy",
    "retry_after_seconds",
]

#: statuses a GET is retried on (writes: only 429, see ``TraktSession.post_json``)
RETRY_STATUSES = frozenset({429, 500, 501, 502, 503, 504, 520, 521, 522})
#: the cool-down after a 429 that names no ``Retry-After`` (Cloudflare's HTML 429)
HTML_429_PAUSE = 300.0


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """Return ``Retry-After`` in seconds (delta-seconds or an HTTP date), or ``None``."""
    raw = headers.get("Retry-After")
    if raw is None or not raw.strip():
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        return _date_delta(raw, now)


def _date_delta(raw: str, now: float) -> float | None:
    try:
        return max(0.0, parsedate_to_datetime(raw).timestamp() - now)
    except (TypeError, ValueError):
        return None


@attrs.define
class RetryPolicy:
    """Backoff parameters: ``base * 2**n`` capped at ``max_delay``, half of it jittered."""

    clock: Clock = attrs.field(repr=False)
    total_seconds: float = 600.0
    transport_seconds: float = 60.0
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_attempts: int = 30
    random: Callable[[], float] = attrs.field(default=random.random, repr=False)

    def begin(self, total_seconds: float | None = None) -> RetryBudget:
        """Open a budget for one logical request (optionally with a shorter cap)."""
        cap = (
            self.total_seconds if total_seconds is None else min(total_seconds, self.total_seconds)
        )
        now = self.clock.monotonic()
        return RetryBudget(self, deadline=now + cap, started=now)


@attrs.define
class RetryBudget:
    """The retries left for one logical request."""

    policy: RetryPolicy
    deadline: float
    started: float = 0.0
    attempts: int = 0
    waited: float = 0.0

    def backoff(self) -> float:
        """Return the next exponential delay with "equal jitter" (between d/2 and d)."""
        policy = self.policy
        delay = min(policy.max_delay, policy.base_delay * 2.0 ** min(self.attempts, 30))
        jitter: float = policy.random()
        return delay / 2 + jitter * delay / 2

    def elapsed(self) -> float:
        """Return the clock seconds since the budget was opened."""
        return self.policy.clock.monotonic() - self.started

    def next_delay(self, at_least: float = 0.0, *, transport: bool = False) -> float | None:
        """Count a retry; return how long to wait first, or ``None`` when the budget is spent.

        ``transport``: the request got no answer at all, so the shorter unreachable cap counts.
        """
        delay = max(self.backoff(), at_least)
        self.attempts += 1
        if self.attempts > self.policy.max_attempts:
            return None
        if self.policy.clock.monotonic() + delay > self.deadline:
            return None
        if transport and self.elapsed() + delay > self.policy.transport_seconds:
            return None
        self.waited += delay
        return delay
