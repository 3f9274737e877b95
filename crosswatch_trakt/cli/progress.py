"""Progress on a terminal: pages, items, ETA and waits; silent in pipes or with ``--quiet``.

The host hands ``Progress.report`` to the adapter as ``HostContext.progress``. While a step
runs on a terminal, a ticker redraws one status line on stderr every half second, so a
rate-limit pause or a slow answer shows as ``waiting N s`` instead of a frozen screen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

import attrs

from crosswatch_trakt.cli.render import Out
from crosswatch_trakt.hostspec import ProgressEvent

__all__ = ["Progress"]

TICK_SECONDS = 0.5
#: a step with no progress event for this long shows "waiting"
WAIT_AFTER_SECONDS = 2.0


@attrs.define
class Progress:
    """Status lines on ``stream`` when it is a terminal and not quiet; notes unless quiet."""

    stream: TextIO
    quiet: bool = False
    enabled: bool = attrs.field(init=False)
    _label: str = attrs.field(init=False, default="")
    _detail: str = attrs.field(init=False, default="")
    _last_event: float = attrs.field(init=False, default=0.0)
    _started: dict[tuple[str, str], tuple[float, int]] = attrs.field(init=False, factory=dict)
    _width: int = attrs.field(init=False, default=0)
    _depth: int = attrs.field(init=False, default=0)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False)

    def __attrs_post_init__(self) -> None:
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = not self.quiet and bool(isatty is not None and isatty())

    def note(self, text: str) -> None:
        """Write an informational line to the stream unless quiet."""
        if self.quiet:
            return
        with self._lock:
            self._clear()
            self.stream.write(text + "\n")
            self.stream.flush()

    def ask(self, text: str) -> None:
        """Write a question (no newline) to the stream, even when quiet: an answer is awaited."""
        with self._lock:
            self._clear()
            self.stream.write(text)
            self.stream.flush()

    def report(self, event: ProgressEvent) -> None:
        """Take one ``ProgressEvent`` from the adapter (the ``HostContext.progress`` callback)."""
        if not self.enabled:
            return
        now = time.monotonic()
        key = (event["feature"], event["phase"])
        start = self._started.setdefault(key, (now, event["done"]))
        unit = "page" if event["phase"] == "read" else "item"
        detail = f"{event['feature']} {event['phase']}: {unit} {event['done']}"
        total = event["total"]
        if total:
            detail += f"/{total}"
            done_here = event["done"] - start[1]
            if done_here > 0 and event["done"] < total:
                eta = (now - start[0]) / done_here * (total - event["done"])
                detail += f", ETA {eta:.0f} s"
        with self._lock:
            self._detail, self._last_event = detail, now
            self._draw(now)

    def guard(self, stream: TextIO) -> Out:
        """Return ``stream``, wrapped so each write first clears the status line (terminal)."""
        return _Guarded(self, stream) if self.enabled else stream

    def write_clear(self, stream: TextIO, text: str) -> int:
        """Clear the status line, then write ``text`` to ``stream`` (for ``guard``)."""
        with self._lock:
            self._clear()
            written = stream.write(text)
            stream.flush()
            return written

    @contextmanager
    def step(self, label: str) -> Iterator[None]:
        """Show ``label`` (and the latest progress) while the block runs, on a terminal.

        Steps nest: an inner step shows its label, and the outer one's comes back after it.
        """
        if not self.enabled:
            yield
            return
        with self._lock:
            previous = self._label
            self._label, self._detail, self._last_event = label, "", time.monotonic()
            self._depth += 1
            outermost = self._depth == 1
            self._draw(self._last_event)
        stop = threading.Event()
        ticker = threading.Thread(target=self._tick, args=(stop,), daemon=True)
        if outermost:
            ticker.start()
        try:
            yield
        finally:
            if outermost:
                stop.set()
                ticker.join()
            with self._lock:
                self._depth -= 1
                self._label, self._detail = previous, ""
                self._clear()

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(TICK_SECONDS):
            with self._lock:
                self._draw(time.monotonic())

    def _draw(self, now: float) -> None:
        parts = [self._label, self._detail]
        idle = now - self._last_event
        if idle >= WAIT_AFTER_SECONDS:
            parts.append(f"waiting {idle:.0f} s (rate limit or slow answer)")
        line = " | ".join(part for part in parts if part)
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def _clear(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


class _Guarded:
    """A text stream whose writes clear the progress line first."""

    def __init__(self, progress: Progress, stream: TextIO) -> None:
        self._progress = progress
        self._stream = stream

    def write(self, text: str) -> int:
        """Clear the status line and write ``text``."""
        return self._progress.write_clear(self._stream, text)

    def flush(self) -> None:
        """Flush the stream."""
        self._stream.flush()

    def isatty(self) -> bool:
        """Return whether the stream is a terminal."""
        return self._stream.isatty()
