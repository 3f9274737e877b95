"""Exit codes of ``crosswatch-trakt`` and the mapping from errors and results to them.

``0`` success, ``1`` partial (some items unresolved), ``2`` usage error, ``3`` login
required, ``4`` Trakt refused (plan limit, locked account, VIP only), ``5`` any other
Trakt or network error. See ``docs/cli.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from crosswatch_trakt.errors import (
    AccountLimitExceeded,
    AccountLocked,
    AuthError,
    ConfigError,
    FeatureNotSupported,
    HostTreeError,
    HttpError,
    InvalidInput,
    StateError,
    TraktError,
    VipOnly,
)

if TYPE_CHECKING:
    from crosswatch_trakt.hostspec import ApplyResult

__all__ = [
    "LOGIN_REQUIRED",
    "OK",
    "PARTIAL",
    "REFUSED",
    "TRAKT_ERROR",
    "USAGE",
    "CliError",
    "code_for_error",
    "code_for_results",
]

OK = 0
PARTIAL = 1
USAGE = 2
LOGIN_REQUIRED = 3
REFUSED = 4
TRAKT_ERROR = 5

#: unresolved reasons that mean Trakt refused the write for the account as a whole
REFUSAL_REASONS = frozenset({"account_limit", "account_locked", "vip_only"})


#: the reason code ``--json`` reports for a failure with this exit code, unless more is known
REASONS_BY_CODE = {
    PARTIAL: "partial",
    USAGE: "usage",
    LOGIN_REQUIRED: "auth_required",
    REFUSED: "refused",
    TRAKT_ERROR: "trakt_error",
}


class CliError(Exception):
    """A failure the command reports as one sentence and an exit code (never a traceback).

    ``reason`` is the machine-readable code ``--json`` reports (``usage``, ``auth_required``,
    ``removal_not_confirmed``, an adapter error's reason, ...).
    """

    def __init__(self, message: str, code: int, reason: str | None = None) -> None:
        self.code = code
        self.reason = reason or REASONS_BY_CODE.get(code, "error")
        super().__init__(message)


def code_for_error(error: TraktError) -> int:
    """Return the exit code for an adapter error."""
    if isinstance(
        error, (ConfigError, FeatureNotSupported, HostTreeError, InvalidInput, StateError)
    ):
        return USAGE
    if isinstance(error, AuthError) or (isinstance(error, HttpError) and error.status == 401):
        return LOGIN_REQUIRED
    if isinstance(error, (AccountLimitExceeded, AccountLocked, VipOnly)):
        return REFUSED
    return TRAKT_ERROR


def code_for_results(results: Iterable[ApplyResult]) -> int:
    """Return the exit code for apply results: login required, refused, partial or success."""
    reasons = {entry["reason"] for result in results for entry in result["unresolved"]}
    if "auth_required" in reasons:
        return LOGIN_REQUIRED
    if reasons & REFUSAL_REASONS:
        return REFUSED
    return PARTIAL if reasons else OK
