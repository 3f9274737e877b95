"""Per-user rate limits: a GET budget per window and a write rate, on the emulator clock."""

from __future__ import annotations

import json
import math

import attrs

from crosswatch_trakt.testing.emulator.timefmt import format_ts_seconds

GET_LIMIT = "AUTHED_API_GET_LIMIT"
POST_LIMIT = "AUTHED_API_POST_LIMIT"


@attrs.frozen
class Verdict:
    """The outcome of one request against a bucket: allowed or not, and the headers."""

    allowed: bool
    name: str
    period: float
    limit: int
    remaining: int
    until: float
    now: float

    def header(self) -> str:
        """Return the ``X-Ratelimit`` JSON header value."""
        period: float | int = int(self.period) if self.period == int(self.period) else self.period
        return json.dumps(
            {
                "name": self.name,
                "period": period,
                "limit": self.limit,
                "remaining": self.remaining,
                "until": format_ts_seconds(math.ceil(self.until)),
            },
            separators=(",", ":"),
        )

    def retry_after(self) -> int:
        """Return the whole seconds until the window resets (at least 1)."""
        return max(1, math.ceil(self.until - self.now))


@attrs.define
class Bucket:
    """A fixed window that opens at the first request: ``limit`` requests per ``period``."""

    name: str
    limit: int
    period: float
    window_start: float | None = None
    used: int = 0

    def take(self, now: float) -> Verdict:
        """Count one request at ``now`` if the window has room; say whether it may run."""
        if self.window_start is None or now >= self.window_start + self.period:
            self.window_start, self.used = now, 0
        until = self.window_start + self.period
        if self.used >= self.limit:
            return Verdict(False, self.name, self.period, self.limit, 0, until, now)
        self.used += 1
        return Verdict(True, self.name, self.period, self.limit, self.limit - self.used, until, now)


@attrs.define
class RateLimiter:
    """The buckets of every user: GETs ``get_limit`` per ``get_period``, writes per second."""

    get_limit: int = 500
    get_period: float = 300.0
    post_per_sec: float = 1.0
    _buckets: dict[tuple[str, str], Bucket] = attrs.field(factory=dict, repr=False)

    def bucket(self, username: str, method: str) -> Bucket:
        """Return the bucket a ``method`` request of ``username`` counts against."""
        name = GET_LIMIT if method in ("GET", "HEAD") else POST_LIMIT
        key = (username, name)
        if key not in self._buckets:
            if name == GET_LIMIT:
                self._buckets[key] = Bucket(name, self.get_limit, self.get_period)
            elif self.post_per_sec >= 1:
                self._buckets[key] = Bucket(name, int(self.post_per_sec), 1.0)
            else:
                self._buckets[key] = Bucket(name, 1, 1.0 / self.post_per_sec)
        return self._buckets[key]

    def take(self, username: str, method: str, now: float) -> Verdict:
        """Count one request of ``username``; the verdict says whether it may run."""
        return self.bucket(username, method).take(now)
