"""Fault injection: scripted answers for requests that match a method, path and page.

A ``Fault``'s ``path`` is matched exactly when it is a ``str`` and with ``fullmatch`` when it
is a compiled ``re.Pattern``; ``None`` matches every path. Faults are tried in the order they
were added; the first one that matches and has uses left fires and uses one of its ``times``.
"""

from __future__ import annotations

import re
import threading
from typing import Literal

import attrs

FaultKind = Literal[
    "status",
    "delay",
    "drop",
    "apply_then_status",
    "apply_then_drop",
    "lock",
    "expire_token",
    "revoke_token",
]
KINDS: tuple[str, ...] = (
    "status",
    "delay",
    "drop",
    "apply_then_status",
    "apply_then_drop",
    "lock",
    "expire_token",
    "revoke_token",
)

CLOUDFLARE_HTML = """<!DOCTYPE html>
<html lang="en-US"><head><title>{title} | api.trakt.tv | Cloudflare</title></head>
<body><div id="cf-wrapper"><h1>{title}</h1>
<p>Error code {status}. Ray ID: 8f0c1d2e3a4b5c6d &bull; Performance &amp; security by
Cloudflare</p></div></body></html>
"""


def cloudflare_page(status: int) -> str:
    """Return a Cloudflare-style HTML error page for ``status``."""
    titles = {403: "Attention Required!", 429: "Too Many Requests"}
    return CLOUDFLARE_HTML.format(title=titles.get(status, "Error"), status=status)


@attrs.frozen
class Fault:
    """One scripted fault.

    ``kind``: ``status`` (answer ``status`` without handling; ``html`` gives a Cloudflare
    page; for 429 ``retry_after`` (``None`` omits the header) and ``ratelimit_header``),
    ``delay`` (wait ``seconds`` of real time, then handle normally), ``drop`` (close the
    connection without an answer, nothing applied), ``apply_then_status`` (handle, then
    answer ``status`` instead), ``apply_then_drop`` (handle, then close the connection),
    ``lock`` (423 with ``X-Account-Locked``), ``expire_token`` / ``revoke_token`` (expire or
    revoke the request's bearer token, then handle: the request gets 401).
    ``times``: how often it fires (``None``: always). ``page``: match only that page.
    """

    method: str | None = None
    path: str | re.Pattern[str] | None = None
    kind: FaultKind = "status"
    status: int = 503
    times: int | None = 1
    page: int | None = None
    html: bool = False
    retry_after: float | None = 1
    ratelimit_header: bool = True
    seconds: float = 0.0
    body: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")

    def matches(self, method: str, path: str, page: int) -> bool:
        """Return whether this fault applies to a request."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.page is not None and self.page != page:
            return False
        if self.path is None:
            return True
        if isinstance(self.path, str):
            return self.path == path
        return self.path.fullmatch(path) is not None


@attrs.define
class _Slot:
    fault: Fault
    left: int | None


@attrs.define
class Faults:
    """The scripted faults of one emulator; thread-safe."""

    _slots: list[_Slot] = attrs.field(factory=list, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False)
    fired: list[Fault] = attrs.field(factory=list)

    def add(self, fault: Fault) -> Fault:
        """Script ``fault`` (after those already added) and return it."""
        with self._lock:
            self._slots.append(_Slot(fault, fault.times))
        return fault

    def clear(self) -> None:
        """Remove every scripted fault."""
        with self._lock:
            self._slots.clear()

    def remaining(self, fault: Fault) -> int | None:
        """Return how often ``fault`` may still fire (``None``: unlimited, 0: spent)."""
        with self._lock:
            for slot in self._slots:
                if slot.fault is fault:
                    return slot.left
        return 0

    def take(self, method: str, path: str, page: int) -> Fault | None:
        """Return the first matching fault with uses left, using one of them."""
        with self._lock:
            for slot in self._slots:
                if slot.left is not None and slot.left <= 0:
                    continue
                if slot.fault.matches(method, path, page):
                    if slot.left is not None:
                        slot.left -= 1
                    self.fired.append(slot.fault)
                    return slot.fault
        return None
