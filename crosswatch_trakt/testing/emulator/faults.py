"""Fault injection: scripted answers for requests that match a method, path and page.

A ``Fault``'s ``path`` is matched exactly when it is a ``str`` and with ``fullmatch`` when it
is a compiled ``re.Pattern``; ``None`` matches every path. Faults are tried in the order they
were added; the first one that matches and has uses left fires and uses one of its ``times``.

Body size: ``over`` makes a fault match only write bodies of more than that many entries
(``body_entries``: a show nested with 30 episodes counts 30), and ``per_entry`` lengthens a
``delay`` by that many seconds per entry, so a test can make Trakt refuse or answer slowly
the bodies that are too large for it, and watch the adapter's chunks shrink.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from typing import Any

import attrs

from crosswatch_trakt.testing.emulator.fault_kinds import KINDS, FaultKind
from crosswatch_trakt.testing.emulator.hostile import HOSTILE

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
    revoke the request's bearer token, then handle: the request gets 401), ``hostile``
    (handle, then bend the answer as ``hostile`` names: ``emulator.hostile``; ``size`` is
    what a ``bomb`` inflates to).
    ``times``: how often it fires (``None``: always). ``page``: match only that page.
    ``over``: match only bodies of more than ``over`` entries (``body_entries``).
    ``per_entry``: a ``delay`` waits ``seconds`` plus this many seconds per body entry.
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
    over: int | None = None
    per_entry: float = 0.0
    hostile: str = "nested"
    size: int = 2**30

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if self.hostile not in HOSTILE:
            raise ValueError(f"unknown hostile answer {self.hostile!r}")

    def matches(self, method: str, path: str, page: int, entries: int = 0) -> bool:
        """Return whether this fault applies to a request (``entries``: its body's size)."""
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.page is not None and self.page != page:
            return False
        if self.over is not None and entries <= self.over:
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

    def take(self, method: str, path: str, page: int, entries: int = 0) -> Fault | None:
        """Return the first matching fault with uses left, using one of them."""
        with self._lock:
            for slot in self._slots:
                if slot.left is not None and slot.left <= 0:
                    continue
                if slot.fault.matches(method, path, page, entries):
                    if slot.left is not None:
                        slot.left -= 1
                    self.fired.append(slot.fault)
                    return slot.fault
        return None


def _nested_entries(node: Mapping[str, Any]) -> int:
    """Return the entries of a show or season object: its nested ones, or itself."""
    seasons, episodes = node.get("seasons"), node.get("episodes")
    if isinstance(seasons, list) and seasons:
        return sum(_nested_entries(s) if isinstance(s, Mapping) else 1 for s in seasons)
    if isinstance(episodes, list) and episodes:
        return len(episodes)
    return 1


def body_entries(data: bytes | str) -> int:
    """Return how many items a ``/sync/*`` write body carries (0 when it is not one).

    Movies and episodes count one each; a show or season counts its nested seasons and
    episodes (one if it has none); a history remove by id counts its ``ids``.
    """
    try:
        body = json.loads(data or "null")
    except ValueError:
        return 0
    if not isinstance(body, Mapping):
        return 0
    total = 0
    for key in ("movies", "episodes", "ids"):
        value = body.get(key)
        total += len(value) if isinstance(value, list) else 0
    for key in ("shows", "seasons"):
        value = body.get(key)
        if isinstance(value, list):
            total += sum(_nested_entries(n) if isinstance(n, Mapping) else 1 for n in value)
    return total
