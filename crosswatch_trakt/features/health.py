"""``provider_health``: account, VIP, token expiry, plan limits, rate budget, a status word.

Status words: ``ok``; ``auth_required`` (no login, or Trakt refused it); ``degraded`` (Trakt
answers but something limits the adapter: rate limiting, a paused bucket, a locked account,
an unexpected answer); ``down`` (no answer, 5xx past the retries, a Cloudflare/API-key
block). ``health`` never raises for auth or network problems: it reports them.
"""

from __future__ import annotations

from typing import Any

from crosswatch_trakt.errors import (
    AccountLocked,
    AuthError,
    Forbidden,
    HttpError,
    IncompleteRead,
    RateLimited,
    ServerError,
    TransportError,
)
from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["HEALTH_RETRY_SECONDS", "health"]

#: how long a health check keeps retrying a failing read (it should answer quickly)
HEALTH_RETRY_SECONDS = 20.0


def _status_of(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, AuthError):
        return "auth_required", str(exc)
    if isinstance(exc, (TransportError, ServerError, Forbidden)):
        return "down", str(exc)
    if isinstance(exc, (RateLimited, AccountLocked, HttpError, IncompleteRead)):
        return "degraded", str(exc)
    raise exc


def health(account: TraktAccount, run_id: str | None) -> dict[str, Any]:
    """Return the health report of ``account``; auth and network problems become a status."""
    pair = account.tokens.current()
    report: dict[str, Any] = {
        "provider": "TRAKT",
        "status": "ok",
        "message": "Trakt answers and the login is valid.",
        "account": None,
        "vip": None,
        "token_expires_at": pair.expires_at if pair is not None else None,
        "limits": None,
        "rate_limit": account.session.rate_state(),
        "reads": account.session.reads.state(),
    }
    if pair is None:
        report.update(status="auth_required", message="Not logged in to Trakt: log in.")
        return report
    try:
        settings = account.settings(run_id, retry_seconds=HEALTH_RETRY_SECONDS)
    except (AuthError, HttpError, IncompleteRead) as exc:
        status, message = _status_of(exc)
        report.update(
            status=status,
            message=message,
            reason=exc.reason,
            rate_limit=account.session.rate_state(),
        )
        return report
    user_node = settings.get("user")
    user: dict[str, Any] = user_node if isinstance(user_node, dict) else {}
    report["account"] = user.get("username") or user.get("name")
    report["vip"] = bool(user.get("vip")) or bool(user.get("vip_ep"))
    report["limits"] = settings.get("limits")
    current = account.tokens.current()
    report["token_expires_at"] = current.expires_at if current is not None else None
    rate = account.session.rate_state()
    report["rate_limit"] = rate
    paused = max(rate["read"]["paused_for"], rate["write"]["paused_for"])
    if paused > 0:
        report.update(
            status="degraded",
            message=f"Trakt rate-limited the adapter; requests wait {paused:.0f} s.",
        )
    return report
