"""crosswatch-trakt: the Trakt adapter for the CrossWatch media-sync engine.

Hosts load the plugin through the ``crosswatch`` entry point and talk to it through the
hooks in ``crosswatch_trakt.hostspec``; this facade names what a host or a test needs.
"""

from crosswatch_trakt._version import __version__
from crosswatch_trakt.config import PairOptions, TraktConfig
from crosswatch_trakt.errors import (
    AccountLimitExceeded,
    AccountLocked,
    AuthorizationRequired,
    ConfigError,
    FeatureNotSupported,
    IncompleteRead,
    RateLimited,
    TraktError,
    VipOnly,
)
from crosswatch_trakt.hostspec import REASONS, ApplyResult, HostContext

__all__ = [
    "REASONS",
    "AccountLimitExceeded",
    "AccountLocked",
    "ApplyResult",
    "AuthorizationRequired",
    "ConfigError",
    "FeatureNotSupported",
    "HostContext",
    "IncompleteRead",
    "PairOptions",
    "RateLimited",
    "TraktConfig",
    "TraktError",
    "VipOnly",
    "__version__",
]
