"""Request pacing: one bucket for reads and one for writes, each with a window budget.

A bucket spaces request starts ``1 / per_sec`` apart; the write bucket also spaces each
start from the previous write's answer (``Bucket.answered``): ``1 / per_sec`` plus
``write_margin_seconds`` after it. A write reaches Trakt no later than its answer comes
back and the next one no sooner than it starts, so two writes reach Trakt at least a second
apart however late the first one left or travelled. A bucket keeps at most ``window_limit``
request starts in any ``window_seconds`` (a sliding window, at least as strict as Trakt's
fixed one; the read bucket's is also claimed in a record every process of the account and
app shares, ``trakt.shared_budget``), honours what ``X-Ratelimit`` reports (a smaller
limit, a longer period, ``remaining`` until ``until``) and can be paused as a whole after a
429. Pure logic on an injected clock (the shared record aside).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from typing import Any

import attrs

from crosswatch_trakt.config import RateLimitConfig
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.support.dates import parse_datetime
from crosswatch_trakt.trakt.boundary import header_json
from crosswatch_trakt.trakt.shared_budget import SharedWindow

__all__ = ["Bucket", "RateLimitInfo", "Throttle"]

#: ``X-Ratelimit`` names that count against the read bucket; every other name is a write.
READ_NAMES = frozenset({"AUTHED_API_GET_LIMIT", "UNAUTHED_API_GET_LIMIT"})
#: most extra seconds a start stays in the sliding window (skew, in-flight time); 1 % of it
WINDOW_GUARD = 0.5


@attrs.frozen
class RateLimitInfo:
    """One parsed ``X-Ratelimit`` header (every field optional but ``name``)."""

    name: str
    period: float | None = None
    limit: int | None = None
    remaining: int | None = None
    until: float | None = None

    @classmethod
    def parse(cls, value: str | None) -> RateLimitInfo | None:
        """Parse the JSON header value; ``None`` when absent, unreadable or out of bounds.

        The value is read within the answer boundary (``boundary.header_json``: length,
        nesting, finite numbers), so a nested or ``1e999`` header is ignored, never an error.
        """
        raw = header_json(value)
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            return None
        until: float | None = None
        if isinstance(raw.get("until"), str):
            try:
                until = parse_datetime(raw["until"]).timestamp()
            except ValueError:
                until = None
        return cls(
            name=raw["name"],
            period=_number(raw.get("period")),
            limit=_integer(raw.get("limit")),
            remaining=_integer(raw.get("remaining")),
            until=until,
        )


#: the largest limit, remaining count or period (seconds) an ``X-Ratelimit`` is believed with
HEADER_MAX = 10**9


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if 0 < value <= HEADER_MAX else None


def _integer(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if 0 <= value <= HEADER_MAX else None


@attrs.define
class Bucket:
    """Pacing, a sliding window budget and a pause for one kind of request."""

    name: str
    clock: Clock = attrs.field(repr=False)
    per_sec: float
    window_limit: int | None = None
    window_seconds: float = 300.0
    #: seconds past ``1 / per_sec`` the next start keeps from an answer (``None``: starts only)
    answer_margin: float | None = None
    #: the window every process of the account and app shares (reads; ``None``: this one's only)
    shared: SharedWindow | None = attrs.field(default=None, repr=False)
    _config_limit: int | None = attrs.field(init=False)
    _config_seconds: float = attrs.field(init=False)
    _next_at: float = attrs.field(init=False, default=-math.inf)
    _paused_until: float = attrs.field(init=False, default=-math.inf)
    _starts: deque[float] = attrs.field(init=False, factory=deque, repr=False)
    _server_remaining: int | None = attrs.field(init=False, default=None)
    _server_reset: float = attrs.field(init=False, default=-math.inf)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False)
    requests: int = attrs.field(init=False, default=0)
    waited: float = attrs.field(init=False, default=0.0)

    def __attrs_post_init__(self) -> None:
        self._config_limit = self.window_limit
        self._config_seconds = self.window_seconds

    def acquire(self) -> float:
        """Wait until a request may start, count it, and return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock.monotonic()
                delay = self._earliest(now) - now
                if delay <= 0 and self.shared is not None and self.window_limit is not None:
                    delay = self.shared.claim(
                        self.window_limit, self.window_seconds + self._guard()
                    )
                if delay <= 0:
                    self._record(now)
                    self.waited += waited
                    return waited
            self.clock.sleep(delay)
            waited += delay

    def answered(self) -> None:
        """Note that the request last started was answered (or failed) now.

        With ``answer_margin`` set the next request starts no sooner than ``1 / per_sec``
        plus the margin from now; without it this does nothing (reads are spaced by starts).
        """
        if self.answer_margin is None:
            return
        with self._lock:
            gap = 1.0 / self.per_sec + self.answer_margin
            self._next_at = max(self._next_at, self.clock.monotonic() + gap)

    def pause(self, seconds: float) -> None:
        """Hold every request of this bucket for ``seconds`` from now."""
        with self._lock:
            until = self.clock.monotonic() + max(0.0, seconds)
            self._paused_until = max(self._paused_until, until)
            if self.shared is not None:
                self.shared.pause(seconds)

    def observe(self, info: RateLimitInfo) -> None:
        """Adapt to an ``X-Ratelimit`` report: never looser than the configuration."""
        with self._lock:
            now = self.clock.monotonic()
            if info.limit is not None and info.limit > 0 and info.period is not None:
                limit, period = info.limit, info.period
                if self._config_limit is not None:
                    limit = min(limit, self._config_limit)
                    period = max(period, self._config_seconds)
                self.window_limit, self.window_seconds = limit, period
            if info.remaining is not None:
                period = info.period or self.window_seconds
                if info.until is not None:
                    # ``until`` comes in whole seconds (rounded up); the window holds this
                    # request, so it resets at most one period from now: never wait longer.
                    reset = now + min(max(0.0, info.until - self.clock.time()), period)
                else:
                    reset = now + period
                self._server_remaining, self._server_reset = info.remaining, reset

    def state(self) -> dict[str, Any]:
        """Return the bucket's budget as plain data (for ``provider_health``)."""
        with self._lock:
            now = self.clock.monotonic()
            self._prune(now)
            used = len(self._starts)
            server = self._server_remaining if now < self._server_reset else None
            left = None if self.window_limit is None else max(0, self.window_limit - used)
            if server is not None:
                left = server if left is None else min(left, server)
            return {
                "per_sec": self.per_sec,
                "window_limit": self.window_limit,
                "window_seconds": self.window_seconds,
                "used_in_window": used,
                "remaining": left,
                "server_remaining": server,
                "paused_for": round(max(0.0, self._paused_until - now), 3),
                "requests": self.requests,
                "waited_seconds": round(self.waited, 3),
            }

    def _guard(self) -> float:
        return min(WINDOW_GUARD, self.window_seconds / 100)

    def _prune(self, now: float) -> None:
        horizon = now - self.window_seconds - self._guard()
        while self._starts and self._starts[0] <= horizon:
            self._starts.popleft()

    def _earliest(self, now: float) -> float:
        slot = max(now, self._next_at, self._paused_until)
        self._prune(now)
        if self.window_limit is not None and len(self._starts) >= self.window_limit:
            oldest_to_leave = self._starts[len(self._starts) - self.window_limit]
            slot = max(slot, oldest_to_leave + self.window_seconds + self._guard())
        if self._server_remaining is not None:
            if now >= self._server_reset:
                self._server_remaining = None
            elif self._server_remaining <= 0:
                slot = max(slot, self._server_reset + self._guard())
        return slot

    def _record(self, now: float) -> None:
        self._next_at = now + 1.0 / self.per_sec
        self._starts.append(now)
        self.requests += 1
        if self._server_remaining is not None:
            self._server_remaining -= 1


@attrs.define
class Throttle:
    """The read and write buckets of one Trakt account."""

    read: Bucket
    write: Bucket

    @classmethod
    def from_config(
        cls, config: RateLimitConfig, clock: Clock, shared: SharedWindow | None = None
    ) -> Throttle:
        """Build both buckets from ``config.rate_limit`` on ``clock``; reads share ``shared``."""
        return cls(
            read=Bucket(
                "read",
                clock,
                per_sec=config.get_per_sec,
                window_limit=config.get_window_limit,
                window_seconds=config.get_window_seconds,
                shared=shared,
            ),
            write=Bucket(
                "write",
                clock,
                per_sec=config.post_per_sec,
                answer_margin=config.write_margin_seconds,
            ),
        )

    def bucket(self, method: str) -> Bucket:
        """Return the bucket a request with ``method`` counts against."""
        return self.read if method.upper() in ("GET", "HEAD") else self.write

    def observe(self, method: str, header: str | None) -> RateLimitInfo | None:
        """Feed an ``X-Ratelimit`` header to the bucket it names (or the method's bucket)."""
        info = RateLimitInfo.parse(header)
        if info is None:
            return None
        if info.name in READ_NAMES:
            self.read.observe(info)
        elif info.name.startswith("AUTHED_API_") or info.name.startswith("UNAUTHED_API_"):
            self.write.observe(info)
        else:
            self.bucket(method).observe(info)
        return info

    def pause(self, method: str, seconds: float, *, everything: bool = False) -> None:
        """Pause the method's bucket (or both, for a Cloudflare cool-down) for ``seconds``."""
        if everything:
            self.read.pause(seconds)
            self.write.pause(seconds)
        else:
            self.bucket(method).pause(seconds)

    def state(self) -> dict[str, Any]:
        """Return both buckets' budgets."""
        return {"read": self.read.state(), "write": self.write.state()}
