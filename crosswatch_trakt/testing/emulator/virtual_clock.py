"""Clocks for the emulator: a virtual clock tests control, and real time scaled by a factor."""

from __future__ import annotations

import threading
import time

import attrs

#: 2026-01-01T00:00:00Z, the default start of a ``VirtualClock``.
DEFAULT_START = 1767225600.0


@attrs.define
class VirtualClock:
    """A clock that only moves when told to: ``sleep`` and ``advance`` return at once.

    Implements the ``crosswatch_trakt.support.clock.Clock`` protocol. Thread-safe.
    """

    start: float = DEFAULT_START
    _now: float = attrs.field(init=False)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False)
    slept: list[float] = attrs.field(init=False, factory=list, repr=False)

    def __attrs_post_init__(self) -> None:
        self._now = float(self.start)

    def time(self) -> float:
        """Return the virtual wall-clock time in epoch seconds."""
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        """Return the virtual monotonic time (the same virtual seconds as ``time``)."""
        return self.time()

    def sleep(self, seconds: float) -> None:
        """Advance virtual time by ``seconds`` at once and remember the sleep in ``slept``."""
        with self._lock:
            self.slept.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move virtual time forward by ``seconds`` (negative values are ignored)."""
        if seconds > 0:
            with self._lock:
                self._now += seconds

    def set(self, epoch: float) -> None:
        """Jump to ``epoch`` (forward only)."""
        with self._lock:
            self._now = max(self._now, float(epoch))


@attrs.define
class ScaledClock:
    """Real time run ``factor`` times faster: ``sleep(s)`` really sleeps ``s / factor``.

    ``time()`` starts at ``start`` (default: the real time now) and runs ``factor`` times
    faster than the wall clock. For the benchmark; implements the ``Clock`` protocol.
    """

    factor: float = 50.0
    start: float | None = None
    _origin_real: float = attrs.field(init=False, factory=time.monotonic, repr=False)
    _origin_epoch: float = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.factor <= 0:
            raise ValueError("factor must be positive")
        self._origin_epoch = time.time() if self.start is None else float(self.start)

    def _elapsed(self) -> float:
        return (time.monotonic() - self._origin_real) * self.factor

    def time(self) -> float:
        """Return the scaled wall-clock time in epoch seconds."""
        return self._origin_epoch + self._elapsed()

    def monotonic(self) -> float:
        """Return the scaled monotonic time in seconds."""
        return self._elapsed()

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of scaled time, that is ``seconds / factor`` of real time."""
        if seconds > 0:
            time.sleep(seconds / self.factor)

    def advance(self, seconds: float) -> None:
        """Move the scaled clock forward by ``seconds`` without sleeping."""
        if seconds > 0:
            self._origin_epoch += seconds
