"""The shared HTTP path: ``TraktSession``, its throttle, retry policy and pagination."""

from __future__ import annotations

from crosswatch_trakt.http.pagination import PageInfo
from crosswatch_trakt.http.retry import RetryPolicy
from crosswatch_trakt.http.session import TokenProvider, TraktSession
from crosswatch_trakt.http.throttle import RateLimitInfo, Throttle

__all__ = ["PageInfo", "RateLimitInfo", "RetryPolicy", "Throttle", "TokenProvider", "TraktSession"]
