"""The change gate: one ``GET /sync/last_activities`` per account per run.

A run is one host sync pass, marked by ``HostContext.run_id``: the first feature that asks
reads the activities, every other feature of the same run gets the same answer. Without a
run id the answer is kept for ``ttl`` seconds of the account's clock (60 s by default).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import attrs

from crosswatch_trakt.errors import IncompleteRead
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.trakt.session import TraktSession

__all__ = ["MEMO_TTL_SECONDS", "ActivityGate", "RunMemo"]

MEMO_TTL_SECONDS = 60.0
PATH = "/sync/last_activities"
RATED_KINDS = ("movies", "shows", "seasons", "episodes")
WATCHED_KINDS = ("movies", "episodes")

T = TypeVar("T")


@attrs.define
class RunMemo(Generic[T]):
    """A value computed once per run id (or per ``ttl`` seconds without one); thread-safe."""

    clock: Clock = attrs.field(repr=False)
    ttl: float = MEMO_TTL_SECONDS
    _value: T | None = attrs.field(init=False, default=None, repr=False)
    _run: str | None = attrs.field(init=False, default=None)
    _at: float = attrs.field(init=False, default=float("-inf"))
    _valid: bool = attrs.field(init=False, default=False)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False)

    def get(self, run_id: str | None, compute: Callable[[], T]) -> T:
        """Return the memo for ``run_id``, computing it (once, under the lock) when stale."""
        with self._lock:
            now = self.clock.monotonic()
            fresh = self._valid and (
                self._run == run_id
                if run_id is not None
                else self._run is None and now - self._at < self.ttl
            )
            if not fresh:
                self._value = compute()
                self._run, self._at, self._valid = run_id, now, True
            return self._value  # type: ignore[return-value]

    def peek(self, run_id: str | None) -> T | None:
        """Return the memo if it is fresh for ``run_id``, else ``None`` (never computes)."""
        with self._lock:
            if run_id is not None and self._valid and self._run == run_id:
                return self._value
            return None

    def invalidate(self) -> None:
        """Forget the memo; the next ``get`` computes again."""
        with self._lock:
            self._valid = False


@attrs.define
class ActivityGate:
    """The account's last-activities memo and the watermarks features compare."""

    session: TraktSession = attrs.field(repr=False)
    clock: Clock = attrs.field(repr=False)
    ttl: float = MEMO_TTL_SECONDS
    _memo: RunMemo[dict[str, Any]] = attrs.field(init=False, repr=False)
    reads: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        self._memo = RunMemo(self.clock, self.ttl)

    def activities(
        self, run_id: str | None, *, retry_seconds: float | None = None
    ) -> dict[str, Any]:
        """Return the ``/sync/last_activities`` document of this run (read at most once)."""
        return self._memo.get(run_id, lambda: self._read(retry_seconds))

    def watermark(
        self, run_id: str | None, path: str, *, retry_seconds: float | None = None
    ) -> str | None:
        """Return the timestamp at a dotted ``path`` (``"watchlist.updated_at"``) or ``None``."""
        return _at(self.activities(run_id, retry_seconds=retry_seconds), path)

    def known_watermark(self, run_id: str | None, path: str) -> str | None:
        """Return the timestamp at ``path`` if this run's activities were read, else ``None``."""
        return _at(self._memo.peek(run_id), path)

    def watchlist(self, run_id: str | None) -> str | None:
        """Return ``watchlist.updated_at``."""
        return self.watermark(run_id, "watchlist.updated_at")

    def rated_at(self, run_id: str | None, kind: str) -> str | None:
        """Return ``<kind>.rated_at`` for ``movies``, ``shows``, ``seasons`` or ``episodes``."""
        if kind not in RATED_KINDS:
            raise ValueError(f"no rated_at for {kind!r}")
        return self.watermark(run_id, f"{kind}.rated_at")

    def watched_at(self, run_id: str | None, kind: str) -> str | None:
        """Return ``<kind>.watched_at`` for ``movies`` or ``episodes``."""
        if kind not in WATCHED_KINDS:
            raise ValueError(f"no watched_at for {kind!r}")
        return self.watermark(run_id, f"{kind}.watched_at")

    def invalidate(self) -> None:
        """Forget this run's activities (after our own writes, when a re-read is wanted)."""
        self._memo.invalidate()

    def _read(self, retry_seconds: float | None) -> dict[str, Any]:
        body = self.session.get_json(PATH, feature="activities", retry_seconds=retry_seconds)
        if not isinstance(body, dict):
            raise IncompleteRead("Trakt's last_activities answer was not an object.")
        self.reads += 1
        return body


def _at(document: Any, path: str) -> str | None:
    """Return the timestamp at a dotted ``path`` of an activities document, or ``None``."""
    node = document
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node if isinstance(node, str) else None
