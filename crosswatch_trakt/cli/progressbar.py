"""Progress: a status line on a terminal, one plain line per finished step elsewhere.

The host hands ``Progress.report`` to the adapter as ``HostContext.progress``. While a step
runs on a terminal, a ticker redraws one status line on stderr every half second, so a
pause, a retry or a slow answer shows as ``waiting N s`` instead of a frozen screen (why is
the warning above it: a 429, a refused connection; the line itself never guesses). The
line names the feature and the part read (``ratings movies read: page 2/8``); a write shows
the ETA of the whole command's writes when the command announced them (``overall``). In a
pipe or cron (or with ``--no-progress``) nothing is drawn: each finished outermost step is one
plain line; ``--quiet`` writes neither. Log records go through ``log``: the status line is
cleared, the record printed and the line drawn again, so the two never share a line.
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
    """A status line on ``stream`` (a terminal, ``draw``, not quiet); notes unless quiet."""

    stream: TextIO
    quiet: bool = False
    draw: bool = True
    enabled: bool = attrs.field(init=False)
    _label: str = attrs.field(init=False, default="")
    _detail: str = attrs.field(init=False, default="")
    _last_event: float = attrs.field(init=False, default=0.0)
    _started: dict[tuple[str, str], tuple[float, int]] = attrs.field(init=False, factory=dict)
    _width: int = attrs.field(init=False, default=0)
    _depth: int = attrs.field(init=False, default=0)
    _overall: tuple[int, int, float] | None = attrs.field(init=False, default=None)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False)

    def __attrs_post_init__(self) -> None:
        isatty = getattr(self.stream, "isatty", None)
        terminal = bool(isatty is not None and isatty())
        self.enabled = self.draw and not self.quiet and terminal

    def note(self, text: str) -> None:
        """Write an informational line to the stream unless quiet."""
        if self.quiet:
            return
        with self._lock:
            self._clear()
            self.stream.write(text + "\n")
            self.stream.flush()

    def log(self, text: str) -> None:
        """Write a log line, even when quiet: clear the status line, print, draw it again."""
        with self._lock:
            self._clear()
            self.stream.write(text + "\n")
            self.stream.flush()
            if self.enabled and self._depth:
                self._draw(time.monotonic())

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
        what = event.get("what", "")
        name = event["feature"] if what in ("", event["feature"]) else f"{event['feature']} {what}"
        start = self._started.setdefault((name, event["phase"]), (now, event["done"]))
        unit = "page" if event["phase"] == "read" else "item"
        detail = f"{name} {event['phase']}: {unit} {event['done']}"
        total = event["total"]
        if total:
            detail += f"/{total}"
            done_here = event["done"] - start[1]
            if done_here > 0 and event["done"] < total:
                detail += f", ETA {_span((now - start[0]) / done_here * (total - event['done']))}"
        if event["phase"] == "write" and self._overall is not None:
            detail += self._overall_eta(now, event["done"])
        with self._lock:
            self._detail, self._last_event = detail, now
            self._draw(now)

    def overall(self, total: int) -> None:
        """Announce the items the command's writes will send in all (for the overall ETA)."""
        self._overall = (total, 0, time.monotonic())

    def advance(self, items: int) -> None:
        """Count ``items`` of the announced writes as done (one apply call finished)."""
        if self._overall is not None:
            total, done, started = self._overall
            self._overall = (total, done + items, started)

    def _overall_eta(self, now: float, done_in_step: int) -> str:
        assert self._overall is not None
        total, base, started = self._overall
        done = base + done_in_step
        if done <= 0 or done >= total:
            return ""
        return f"; all writes {done}/{total}, ETA {_span((now - started) / done * (total - done))}"

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
    def step(self, label: str, *, done_note: bool = True) -> Iterator[None]:
        """Show ``label`` (and the latest progress) while the block runs, on a terminal.

        Steps nest: an inner step shows its label, and the outer one's comes back after it.
        An outermost step ends with ``label: done in N s`` unless ``done_note`` is false (the
        caller reports the step itself, as the demo does).
        """
        if not self.enabled:
            began = time.monotonic()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            if done_note and not self.quiet and self._depth == 0:
                self.note(f"{label}: done in {time.monotonic() - began:.1f} s")
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
        began = time.monotonic()
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
        if outermost and done_note:
            self.note(f"{label}: done in {time.monotonic() - began:.1f} s")

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(TICK_SECONDS):
            with self._lock:
                self._draw(time.monotonic())

    def _draw(self, now: float) -> None:
        parts = [self._label, self._detail]
        idle = now - self._last_event
        if idle >= WAIT_AFTER_SECONDS:
            parts.append(f"waiting {idle:.0f} s for Trakt")
        line = " | ".join(part for part in parts if part)
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def _clear(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _span(seconds: float) -> str:
    """Return ``42 s``, ``12 min`` or ``2.5 h``."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


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
