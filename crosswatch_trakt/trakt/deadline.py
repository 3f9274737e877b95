"""The deadline of one request: connect and the whole answer, even from a trickling server.

``requests``' ``timeout`` bounds each socket read, not the request: a server that sends its
status line, headers or body one byte every few seconds keeps a read alive forever. ``fetch``
sends with each read bounded by ``min(timeout, deadline)`` and runs the whole request under a
``Watchdog``: a timer that shuts the connection's socket down when the deadline passes, so
the blocked read ends and the request fails as ``Stalled`` (a ``requests.Timeout``: a GET is
retried, a write is ambiguous). The connection is handed to the watchdog by the pool classes
``install`` puts into the session's pool manager, before the request is sent on it.

``describe`` says in words why a request got no answer: refused, timed out or stalled.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

import attrs
import requests
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from crosswatch_trakt.trakt.boundary import read_body

__all__ = ["Stalled", "Watchdog", "describe", "fetch", "install", "refused"]

#: the watchdog of the request this thread is making (set by ``fetch``)
_ACTIVE = threading.local()


class Stalled(requests.Timeout):
    """The answer did not complete within the request deadline (the server trickled)."""

    def __init__(self, host: str, seconds: float) -> None:
        self.host = host
        self.seconds = seconds
        super().__init__(f"{host} stalled: the answer did not complete within {seconds:g} s")


@attrs.define
class Watchdog:
    """Shut the watched socket down once ``seconds`` (real time) have passed."""

    seconds: float
    fired: bool = False
    _conn: Any = attrs.field(default=None, repr=False)
    _timer: threading.Timer | None = attrs.field(default=None, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False)

    def arm(self) -> None:
        """Start the timer."""
        self._timer = threading.Timer(max(self.seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, conn: Any) -> None:
        """Watch ``conn`` (the connection the request goes on); shut it at once if late."""
        with self._lock:
            self._conn = conn
            late = self.fired
        if late:
            _shut(conn)

    def disarm(self) -> None:
        """Stop the timer (the answer arrived in time, or the request failed otherwise)."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._conn = None

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            conn = self._conn
        _shut(conn)


def _shut(conn: Any) -> None:
    """Shut the socket of ``conn`` (connected by now, or not yet: then nothing to stop)."""
    sock = getattr(conn, "sock", None)
    if isinstance(sock, socket.socket):
        # the socket may be closed already (the answer completed meanwhile): nothing to stop
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class _Pool(HTTPConnectionPool):
    """A pool that hands each request's connection to this thread's active watchdog."""

    def _make_request(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
        _hand_over(conn)
        return super()._make_request(conn, *args, **kwargs)


class _TLSPool(HTTPSConnectionPool):
    """The HTTPS twin of ``_Pool``."""

    def _make_request(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
        _hand_over(conn)
        return super()._make_request(conn, *args, **kwargs)


def _hand_over(conn: Any) -> None:
    dog = getattr(_ACTIVE, "dog", None)
    if dog is not None:
        dog.watch(conn)


def install(http: requests.Session) -> None:
    """Make ``http``'s pools use connections the request deadline can stop."""
    for adapter in http.adapters.values():
        manager = getattr(adapter, "poolmanager", None)
        if manager is not None:
            manager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}


def fetch(
    http: requests.Session,
    method: str,
    url: str,
    *,
    host: str,
    timeout: float,
    deadline: float,
    max_bytes: int,
    **kwargs: Any,
) -> requests.Response:
    """Send one request and read its whole answer within ``deadline`` seconds, or raise.

    The body is read within ``max_bytes`` (``boundary.read_body``: ``Violation`` past it).
    """
    dog = Watchdog(deadline)
    _ACTIVE.dog = dog
    dog.arm()
    try:
        response = http.request(
            method,
            url,
            timeout=min(timeout, deadline),
            stream=True,
            allow_redirects=False,
            **kwargs,
        )
        read_body(response, max_bytes)  # under the watchdog
    except requests.RequestException:
        if dog.fired:
            raise Stalled(host, deadline) from None
        raise
    finally:
        _ACTIVE.dog = None
        dog.disarm()
    return response


def refused(exc: requests.RequestException) -> bool:
    """Return whether the host refused the connection (nothing listens at that address)."""
    reason: Any = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    if not isinstance(reason, NewConnectionError):
        return False
    return isinstance(reason.__cause__, ConnectionRefusedError) or "refused" in str(reason).lower()


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
    if refused(exc):
        return f"{host} refused the connection (is the server down, or the address wrong?)"
    if isinstance(reason, NewConnectionError):
        return f"{host} could not be reached"
    if isinstance(exc, requests.Timeout):
        return f"{host} did not answer in time (timed out)"
    return f"the connection to {host} broke off ({type(exc).__name__})"
