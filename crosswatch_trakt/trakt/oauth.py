"""The device-code login and logout, on the account's session and token manager.

``device_start`` asks the OAuth host for a code; ``device_poll`` polls once and maps Trakt's
answer to a state word: ``pending``, ``approved`` (the pair is stored: token file first,
then ``save_config``), ``denied``, ``expired``, ``slow_down`` (the interval grows by 5 s),
``already_used``, ``invalid_code``, ``invalid_client`` (a wrong client secret: Trakt answers
401 to every poll, so it is reported at once); ``error`` when Trakt did not answer (poll
again later).
No returned dict carries a token or the device code's secret parts beyond what the host
must send back.
"""

from __future__ import annotations

import threading
from typing import Any

import attrs

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.errors import AuthError, TransportError
from crosswatch_trakt.trakt.answers import is_json
from crosswatch_trakt.trakt.retry import slow_down
from crosswatch_trakt.trakt.session import TraktSession
from crosswatch_trakt.trakt.tokens import TokenManager, TokenSet

__all__ = ["POLL_STATES", "DeviceLogin"]

#: device-token status -> state word (``slow_down``: the retry policy says, ``retry.slow_down``)
POLL_STATES = {
    400: "pending",
    401: "invalid_client",
    404: "invalid_code",
    409: "already_used",
    410: "expired",
    418: "denied",
}
_MESSAGES = {
    "pending": "Waiting for the user to enter the code.",
    "invalid_code": "Trakt does not know this device code: start the login again.",
    "already_used": "This code was already used: start the login again.",
    "expired": "The code expired before it was approved: start the login again.",
    "denied": "The user denied the login.",
    "slow_down": "Polling too fast: waiting longer between polls.",
    "approved": "Logged in to Trakt.",
    "invalid_client": (
        "Trakt refused the client id or secret (invalid_client): check client_id and "
        "client_secret of the Trakt app."
    ),
}
SLOW_DOWN_STEP = 5


@attrs.define
class DeviceLogin:
    """Device-code login and logout for one account."""

    config: TraktConfig
    session: TraktSession = attrs.field(repr=False)
    tokens: TokenManager = attrs.field(repr=False)
    _intervals: dict[str, int] = attrs.field(factory=dict, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False)

    def start(self) -> dict[str, Any]:
        """Ask Trakt for a device code: ``device_code, user_code, verification_url, ...``.

        The state folder is checked first: a login whose tokens cannot be stored fails
        before the user is shown a code, not after approving it.
        """
        self.tokens.store.check_writable()
        response = self.session.oauth_post(
            "/oauth/device/code", {"client_id": self.config.client_id}
        )
        body = response.json() if is_json(response) else None
        if response.status_code != 200 or not isinstance(body, dict) or "device_code" not in body:
            raise AuthError(
                f"Trakt did not start the device login (HTTP {response.status_code}): "
                "check the client id."
            )
        interval = int(body.get("interval") or 5)
        with self._lock:
            self._intervals[str(body["device_code"])] = interval
        self.session.log("auth").info("auth.device_started", expires_in=body.get("expires_in"))
        return {
            "device_code": body["device_code"],
            "user_code": body.get("user_code"),
            "verification_url": body.get("verification_url"),
            "expires_in": body.get("expires_in"),
            "interval": interval,
        }

    def poll(self, device_code: str) -> dict[str, Any]:
        """Poll once; return ``{state, interval, message}`` (+ ``expires_at`` once approved)."""
        with self._lock:
            interval = self._intervals.get(device_code, 5)
        body = {
            "code": device_code,
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
        }
        try:
            response = self.session.oauth_post("/oauth/device/token", body)
        except TransportError as exc:
            return {"state": "error", "interval": interval, "message": str(exc)}
        status = response.status_code
        if status == 200 and is_json(response):
            pair = TokenSet.from_response(response.json(), self.session.clock.time())
            self.tokens.adopt(pair)
            self._finish(device_code)
            self.session.log("auth").info("auth.device_approved", expires_at=pair.expires_at)
            return self._answer("approved", interval, expires_at=pair.expires_at)
        state = "slow_down" if slow_down(response) else POLL_STATES.get(status)
        if state is None:
            return {
                "state": "error",
                "interval": interval,
                "message": f"Trakt answered {status} to the poll; try again shortly.",
            }
        if state == "slow_down":
            interval += SLOW_DOWN_STEP
            with self._lock:
                self._intervals[device_code] = interval
        elif state != "pending":
            self._finish(device_code)
        return self._answer(state, interval)

    def revoke(self) -> bool:
        """Log out: revoke the access token at Trakt and forget the stored pair locally.

        Returns whether Trakt confirmed the revocation; the local pair is forgotten either way.
        """
        pair = self.tokens.current()
        confirmed = False
        if pair is not None:
            body = {
                "token": pair.access_token,
                "client_id": self.config.client_id,
                "client_secret": self.config.client_secret,
            }
            try:
                confirmed = self.session.oauth_post("/oauth/revoke", body).status_code == 200
            except TransportError as exc:
                self.session.log("auth").warning("auth.revoke_failed", error=str(exc))
        self.tokens.forget()
        self.session.log("auth").info("auth.logged_out", confirmed=confirmed)
        return confirmed

    def _finish(self, device_code: str) -> None:
        with self._lock:
            self._intervals.pop(device_code, None)

    @staticmethod
    def _answer(state: str, interval: int, **extra: Any) -> dict[str, Any]:
        return {"state": state, "interval": interval, "message": _MESSAGES[state], **extra}
