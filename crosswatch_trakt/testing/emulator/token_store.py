"""The emulator's server-side OAuth state: access/refresh token pairs and device codes."""

from __future__ import annotations

import secrets
from typing import Any

import attrs


@attrs.define
class Token:
    """One issued token pair. Refreshing or revoking voids both halves."""

    access_token: str = attrs.field(repr=False)
    refresh_token: str = attrs.field(repr=False)
    username: str
    created_at: int
    expires_in: int
    expires_at: float
    revoked: bool = False

    def valid(self, now: float) -> bool:
        """Return whether the access token is usable at ``now``."""
        return not self.revoked and now < self.expires_at

    def response(self) -> dict[str, Any]:
        """Return Trakt's token response document."""
        return {
            "access_token": self.access_token,
            "token_type": "bearer",
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
            "scope": "public",
            "created_at": self.created_at,
        }


@attrs.define
class DeviceCode:
    """One device-flow login: ``pending`` until approved or denied, then ``used``."""

    device_code: str = attrs.field(repr=False)
    user_code: str
    created_at: float
    expires_in: int = 600
    interval: int = 5
    status: str = "pending"
    username: str | None = None
    last_poll: float | None = None

    def expired(self, now: float) -> bool:
        """Return whether the code has expired at ``now``."""
        return now >= self.created_at + self.expires_in


@attrs.define
class AuthorizationCode:
    """One code from ``/oauth/authorize``: single use, for one redirect URI, 10 minutes."""

    code: str = attrs.field(repr=False)
    username: str
    redirect_uri: str
    created_at: float
    expires_in: int = 600
    used: bool = False

    def usable(self, now: float, redirect_uri: object) -> bool:
        """Return whether the code may be exchanged at ``now`` for ``redirect_uri``."""
        fresh = now < self.created_at + self.expires_in
        return fresh and not self.used and redirect_uri == self.redirect_uri


@attrs.define
class TokenStore:
    """All token pairs and device codes, by their secrets."""

    by_access: dict[str, Token] = attrs.field(factory=dict, repr=False)
    by_refresh: dict[str, Token] = attrs.field(factory=dict, repr=False)
    devices: dict[str, DeviceCode] = attrs.field(factory=dict, repr=False)
    codes: dict[str, AuthorizationCode] = attrs.field(factory=dict, repr=False)

    def new_code(self, username: str, redirect_uri: str, now: float) -> AuthorizationCode:
        """Create an authorization code, as approving ``/oauth/authorize`` would."""
        code = AuthorizationCode(secrets.token_hex(16), username, redirect_uri, now)
        self.codes[code.code] = code
        return code

    def issue(self, username: str, now: float, lifetime: int) -> Token:
        """Create a new token pair for ``username``."""
        created = int(now)
        token = Token(
            access_token=secrets.token_hex(32),
            refresh_token=secrets.token_hex(32),
            username=username,
            created_at=created,
            expires_in=lifetime,
            expires_at=float(created + lifetime),
        )
        self.by_access[token.access_token] = token
        self.by_refresh[token.refresh_token] = token
        return token

    def of_user(self, username: str) -> list[Token]:
        """Return every live (not revoked) token pair of ``username``."""
        return [t for t in self.by_access.values() if t.username == username and not t.revoked]

    def revoke(self, token: Token) -> None:
        """Void both halves of ``token``."""
        token.revoked = True
        self.by_refresh.pop(token.refresh_token, None)

    def new_device(self, now: float, expires_in: int, interval: int) -> DeviceCode:
        """Create a pending device code with an 8-character user code."""
        user_code = secrets.token_hex(4).upper()
        device = DeviceCode(secrets.token_hex(20), user_code, now, expires_in, interval)
        self.devices[device.device_code] = device
        return device

    def device_by_user_code(self, user_code: str) -> DeviceCode:
        """Return the device login with ``user_code`` (``KeyError`` if unknown)."""
        for device in self.devices.values():
            if device.user_code == user_code:
                return device
        raise KeyError(user_code)
