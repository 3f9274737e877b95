"""The shared HTTP path: ``TraktSession``, its throttle, retry policy and pagination."""

from __future__ import annotations

from crosswatch_trakt.trakt.pagination import PageInfo
from crosswatch_trakt.trakt.retry import RetryPolicy
from crosswatch_trakt.trakt.session import TokenProvider, TraktSession
from crosswatch_trakt.trakt.throttle import RateLimitInfo, Throttle

__all__ = ["PageInfo", "RateLimitInfo", "RetryPolicy", "Throttle", "TokenProvider", "TraktSession"]
