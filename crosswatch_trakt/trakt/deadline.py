"""The deadline of one request: connect and the whole answer, even from a trickling server.

``requests``' ``timeout`` bounds each socket read, not the request: a server that sends its
headers and then one byte every few seconds keeps a read alive forever. ``fetch`` sends with
each read bounded by ``min(timeout, deadline)``, then reads the body under a ``Watchdog``: a
timer that shuts the socket down when the deadline passes, so the blocked read ends and the
request fails as ``Stalled`` (a ``requests.Timeout``: a GET is retried, a write is ambiguous).

``describe`` says in words why a request got no answer: refused, timed out or stalled.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import attrs
import requests
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

__all__ = ["Stalled", "Watchdog", "describe", "fetch"]


class Stalled(requests.Timeout):
    """The answer did not complete within the request deadline (the server trickled)."""

    def __init__(self, host: str, seconds: float) -> None:
        self.host = host
        self.seconds = seconds
        super().__init__(f"{host} stalled: the answer did not complete within {seconds:g} s")


@attrs.define
class Watchdog:
    """Shut a response's socket down once ``seconds`` (real time) have passed."""

    seconds: float
    fired: bool = False
    _timer: threading.Timer | None = attrs.field(default=None, repr=False)

    def arm(self, response: requests.Response) -> None:
        """Start the timer for ``response``'s body."""
        raw: Any = response.raw

        def fire() -> None:
            self.fired = True
            # the read may have finished or released the connection meanwhile: nothing to stop
            with contextlib.suppress(ValueError, RuntimeError, OSError):
                raw.shutdown()

        self._timer = threading.Timer(max(self.seconds, 0.0), fire)
        self._timer.daemon = True
        self._timer.start()

    def disarm(self) -> None:
        """Stop the timer (the body arrived in time, or the request failed otherwise)."""
        if self._timer is not None:
            self._timer.cancel()


def fetch(
    http: requests.Session,
    method: str,
    url: str,
    *,
    host: str,
    timeout: float,
    deadline: float,
    **kwargs: Any,
) -> requests.Response:
    """Send one request and read its whole answer within ``deadline`` seconds, or raise."""
    started = time.monotonic()
    per_read = min(timeout, deadline)
    response = http.request(
        method, url, timeout=per_read, stream=True, allow_redirects=False, **kwargs
    )
    dog = Watchdog(deadline - (time.monotonic() - started))
    dog.arm(response)
    try:
        response.content  # noqa: B018 - reads the body under the watchdog
    except requests.RequestException:
        if dog.fired:
            response.close()
            raise Stalled(host, deadline) from None
        raise
    finally:
        dog.disarm()
    if dog.fired:  # the last byte and the shutdown crossed: the answer is whole, keep it
        response.close()
    return response


def describe(exc: requests.RequestException, host: str) -> str:
    """Return why a request to ``host`` got no answer: refused, timed out, stalled or other."""
    if isinstance(exc, Stalled):
        return str(exc)
    reason: Any = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    if isinstance(reason, NameResolutionError):
        return f"{host} could not be found (DNS)"
    if isinstance(exc, requests.ConnectTimeout):
        return f"{host} did not accept the connection in time (timed out)"
    if isinstance(reason, NewConnectionError):
        if "refused" in str(reason).lower():
            return f"{host} refused the connection (is the server down?)"
        return f"{host} could not be reached"
    if isinstance(exc, requests.Timeout):
        return f"{host} did not answer in time (timed out)"
    return f"the connection to {host} broke off ({type(exc).__name__})"
