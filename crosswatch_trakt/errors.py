"""One rooted exception hierarchy, and the HTTP status -> exception table.

Every error the adapter raises is a ``TraktError``. Messages are one clear sentence that
says what to do; they never carry a token, a secret or an Authorization header.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "AccountLimitExceeded",
    "AccountLocked",
    "AmbiguousWrite",
    "AuthError",
    "AuthorizationRequired",
    "ConfigError",
    "FeatureNotSupported",
    "Forbidden",
    "HostTreeError",
    "HttpError",
    "IncompleteRead",
    "InvalidInput",
    "RateLimited",
    "ServerError",
    "StateError",
    "TraktError",
    "TransportError",
    "UnsafeAnswer",
    "VipOnly",
    "error_for_status",
]


class TraktError(Exception):
    """The root of every error this package raises."""

    #: the ``ApplyResult`` reason code items get when this error stops their write
    reason = "http_error"


class ConfigError(TraktError, ValueError):
    """A configuration key has a bad value; the message names the key and the value."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"config key {key!r}: {message}")


class FeatureNotSupported(TraktError):
    """The host asked for a feature Trakt or this adapter does not support (playlists)."""


class HostTreeError(TraktError):
    """A CrossWatch tree cannot be switched over or back (its version or registry is unknown).

    Nothing was changed; the message names the file and what to do.
    """


class StateError(TraktError):
    """A state file could not be read or written."""


class InvalidInput(TraktError, TypeError):
    """The call's ``items`` is not a list of items (``None``, a string, a mapping, a number)."""


class AuthError(TraktError):
    """Authentication failed."""

    reason = "auth_required"


class AuthorizationRequired(AuthError):
    """The login is gone (revoked, refresh token used or expired): log in again."""


class HttpError(TraktError):
    """Trakt answered with an error status."""

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None) -> None:
        self.status = status
        self.url = url
        super().__init__(message)


class TransportError(HttpError):
    """The connection failed or timed out before an answer arrived."""


class UnsafeAnswer(HttpError):
    """An answer outside the adapter's bounds, so it was not read.

    Too large, nested too deeply, or a number out of range (``docs/troubleshooting.md``); the
    message names the endpoint and the bound. A write whose answer is unsafe raises
    ``AmbiguousWrite`` instead: its outcome is unknown and is settled by reading back.
    """


class Forbidden(HttpError):
    """403: a bad API key, a deleted app, or a Cloudflare block."""


class RateLimited(HttpError):
    """429 past the retry budget; ``retry_after`` says how long Trakt asked to wait."""

    reason = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)  # type: ignore[arg-type]


class AccountLimitExceeded(HttpError):
    """420: the write would pass the account's plan limit."""

    reason = "account_limit"

    def __init__(
        self,
        message: str,
        *,
        limit: int | None = None,
        vip: bool | None = None,
        upgrade_url: str | None = None,
        **kw: object,
    ) -> None:
        self.limit = limit
        self.vip = vip
        self.upgrade_url = upgrade_url
        super().__init__(message, **kw)  # type: ignore[arg-type]


class AccountLocked(HttpError):
    """423: the account is locked or deactivated; contact Trakt support."""

    reason = "account_locked"


class VipOnly(HttpError):
    """426: the call needs Trakt VIP."""

    reason = "vip_only"


class ServerError(HttpError):
    """5xx or a Cloudflare 52x that lasted past the retry budget."""


class IncompleteRead(TraktError):
    """A read could not be completed; no partial data is returned or cached."""


class AmbiguousWrite(HttpError):
    """A write was sent but its outcome is unknown (timeout, dropped connection, 5xx).

    ``may_still_apply`` says whether Trakt may still be working on the request. It is true
    when the client gave up waiting (a read timeout: a slow server can apply the write after
    any read-back has looked) and when the cause is unknown; false when Trakt has finished
    with the request: it answered an error status (a 5xx after the body was sent), or the
    connection was dropped after it was sent (closed or reset, or the answer broken off).
    Only a write that cannot still apply may be settled by reading back and resending what
    is missing.
    """

    reason = "ambiguous_write"

    def __init__(self, message: str, *, may_still_apply: bool = True, **kw: object) -> None:
        self.may_still_apply = may_still_apply
        super().__init__(message, **kw)  # type: ignore[arg-type]


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def error_for_status(status: int, headers: Mapping[str, str], url: str) -> HttpError:
    """Return the typed error for a final (non-retried) error status, with the headers' facts."""
    if status == 401:
        return HttpError("Trakt refused the access token (401).", status=status, url=url)
    if status == 403:
        return Forbidden(
            "Trakt refused the request (403): check the client id, that the app still "
            "exists, and that this network is not blocked by Cloudflare.",
            status=status,
            url=url,
        )
    if status == 420:
        limit = _header_int(headers, "X-Account-Limit")
        vip = headers.get("X-VIP-User")
        return AccountLimitExceeded(
            "Trakt refused the write: the account's plan limit"
            + (f" of {limit} items" if limit is not None else "")
            + " would be passed (420); remove items or upgrade to VIP.",
            limit=limit,
            vip=None if vip is None else vip.lower() == "true",
            upgrade_url=headers.get("X-Upgrade-URL"),
            status=status,
            url=url,
        )
    if status == 423:
        return AccountLocked(
            "The Trakt account is locked or deactivated (423); contact Trakt support.",
            status=status,
            url=url,
        )
    if status == 426:
        return VipOnly("This call needs Trakt VIP (426).", status=status, url=url)
    if status == 429:
        retry = _header_int(headers, "Retry-After")
        return RateLimited(
            "Trakt kept rate-limiting the adapter (429) past its retry budget; try again later.",
            retry_after=None if retry is None else float(retry),
            status=status,
            url=url,
        )
    if status >= 500:
        return ServerError(
            f"Trakt answered {status} past the retry budget; try again later.",
            status=status,
            url=url,
        )
    return HttpError(f"Trakt answered {status}.", status=status, url=url)
