"""crosswatch-trakt: the Trakt adapter for the CrossWatch media-sync engine.

Hosts load the plugin through the ``crosswatch`` entry point and talk to it through the
hooks in ``crosswatch_trakt.hostspec``; this facade names what a host or a test needs.

The names are imported on first use (PEP 562): importing a submodule, such as the command
line for its ``--help``, does not load the adapter, its HTTP client and its logging.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosswatch_trakt._version import __version__
from crosswatch_trakt.support.lazy import lazy_names

if TYPE_CHECKING:
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

#: each public name and the module that defines it
_HOMES = {
    "PairOptions": "config",
    "TraktConfig": "config",
    "AccountLimitExceeded": "errors",
    "AccountLocked": "errors",
    "AuthorizationRequired": "errors",
    "ConfigError": "errors",
    "FeatureNotSupported": "errors",
    "IncompleteRead": "errors",
    "RateLimited": "errors",
    "TraktError": "errors",
    "VipOnly": "errors",
    "REASONS": "hostspec",
    "ApplyResult": "hostspec",
    "HostContext": "hostspec",
}


__getattr__, __dir__ = lazy_names(__name__, f"{__name__}.", _HOMES, __all__)
