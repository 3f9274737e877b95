"""Clocks: the system clock, and the protocol tests and the benchmark implement."""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable

import attrs


@runtime_checkable
class Clock(Protocol):
    """What the adapter needs of time: the wall clock, a monotonic clock and sleeping."""

    def time(self) -> float:
        """Return the wall-clock time in epoch seconds."""

    def monotonic(self) -> float:
        """Return a monotonic time in seconds, for pacing and retry budgets."""

    def sleep(self, seconds: float) -> None:
        """Wait for ``seconds``."""


@attrs.frozen
class SystemClock:
    """The real clock: ``time.time``, ``time.monotonic`` and ``time.sleep``."""

    def time(self) -> float:
        """Return the wall-clock time in epoch seconds."""
        return time.time()

    def monotonic(self) -> float:
        """Return ``time.monotonic()``."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Sleep for ``seconds`` of real time (never below zero)."""
        if seconds > 0:
            time.sleep(seconds)
