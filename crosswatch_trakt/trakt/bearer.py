"""The auth layer: the bearer token on every authed request, and one refresh after a 401.

``BearerAuth`` is given the token manager when it is built (nothing is wired afterwards).
Each request opens a ``Grant``: the access token to send (refreshed first when it is due)
and the request's one refresh: the first 401 refreshes the token and the request is sent
again once; a second 401 raises ``AuthorizationRequired``. The refresh itself is
single-flight across threads and processes: the token manager holds its lock and re-reads
the token file, so requests refused with the same stale token cause one refresh, not many.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import attrs
import requests

from crosswatch_trakt.errors import AuthorizationRequired

__all__ = ["BearerAuth", "Grant", "TokenProvider"]


class TokenProvider(Protocol):
    """What the auth layer needs of the token manager."""

    def access_token(self) -> str:
        """Return a usable access token, refreshing ahead of expiry."""

    def after_unauthorized(self, rejected: str) -> str:
        """Return a new access token after Trakt refused ``rejected`` (refresh at most once)."""

    def secrets(self) -> list[str | None]:
        """Return the secret values that must never be logged."""


@attrs.define
class Grant:
    """One request's credential: the token it sends and whether it was refreshed already."""

    tokens: TokenProvider | None = attrs.field(repr=False)
    token: str | None = attrs.field(repr=False)
    log: Any = attrs.field(repr=False)
    refreshed: bool = False

    def headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Return the request's extra headers with ``Authorization`` when it is authed."""
        headers = dict(extra or {})
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def unauthorized(self, response: requests.Response) -> bool:
        """Return whether to send again: a 401 to our token, refreshed the first time.

        Raises ``AuthorizationRequired`` when the refreshed token is refused too.
        """
        if response.status_code != 401 or self.token is None or self.tokens is None:
            return False
        if self.refreshed:
            raise AuthorizationRequired(
                "Trakt refused the access token even after a refresh: log in again."
            )
        self.log.info("http.unauthorized_refresh")
        self.refreshed, self.token = True, self.tokens.after_unauthorized(self.token)
        return True


@attrs.define
class BearerAuth:
    """Token injection and refresh-on-401 for the account's API requests."""

    tokens: TokenProvider | None = attrs.field(default=None, repr=False)

    def begin(self, authed: bool, log: Any) -> Grant:
        """Open the credential of one request (``authed=False``: no token is sent)."""
        if not authed:
            return Grant(self.tokens, None, log)
        if self.tokens is None:
            raise AuthorizationRequired("Not logged in to Trakt: run the device login first.")
        return Grant(self.tokens, self.tokens.access_token(), log)

    def secrets(self) -> list[str | None]:
        """Return the token manager's secret values (none without one)."""
        return self.tokens.secrets() if self.tokens is not None else []
