"""The Trakt client: ``TraktSession`` over the request pipeline (auth, pacing, retry, transport)."""

from __future__ import annotations

from crosswatch_trakt.trakt.bearer import TokenProvider
from crosswatch_trakt.trakt.pagination import PageInfo
from crosswatch_trakt.trakt.retry import RetryPolicy
from crosswatch_trakt.trakt.session import TraktSession
from crosswatch_trakt.trakt.throttle import RateLimitInfo, Throttle

__all__ = ["PageInfo", "RateLimitInfo", "RetryPolicy", "Throttle", "TokenProvider", "TraktSession"]
