"""Where the adapter's log records go while a command runs: stderr, and ``--log-file``.

On stderr a record goes through the progress display (the status line is cleared, the record
printed, the line drawn again), so a warning never glues onto it. At the default verbosity a
warning is a sentence (``messages``), each one once per command; ``-v`` shows the events with
their fields (``-vv``: debug too). ``--log-file FILE`` appends every event at info level
(``-vv``: debug) with a date, whatever stderr shows. This is the one place the package's
logging is configured (``LogView.configured``), and only for the command's run.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any, TextIO

import attrs
import structlog

from crosswatch_trakt.cli.messages import sentence
from crosswatch_trakt.cli.progressbar import Progress

__all__ = ["LogView"]

EventDict = MutableMapping[str, Any]
_PREFIX = re.compile(r"^\[TRAKT:(?P<feature>[^\]]*)\] ")
#: fields that say where and when, not what: left out of an event's identity and its line
_FRAME = frozenset({"timestamp", "level", "provider", "event"})
_LEVELS = {"debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40, "critical": 50}


@attrs.define
class LogView:
    """Renders the adapter's records for stderr (through ``progress``) and a log file."""

    progress: Progress
    verbose: int = 0
    quiet: bool = False
    file: TextIO | None = None
    _seen: set[str] = attrs.field(init=False, factory=set)

    @property
    def stderr_level(self) -> int:
        """Return the least level shown on stderr."""
        if self.verbose > 1:
            return logging.DEBUG
        if self.verbose:
            return logging.INFO
        return logging.ERROR if self.quiet else logging.WARNING

    @property
    def file_level(self) -> int:
        """Return the least level written to the log file (info; ``-vv``: debug)."""
        return logging.DEBUG if self.verbose > 1 else logging.INFO

    def least_level(self) -> int:
        """Return the least level any destination takes."""
        return min(self.stderr_level, self.file_level) if self.file else self.stderr_level

    @contextmanager
    def configured(self) -> Iterator[None]:
        """Configure structlog to hand every record to this view while the block runs."""
        saved = structlog.get_config()
        structlog.configure(
            processors=[structlog.processors.add_log_level, _hand_over],
            wrapper_class=structlog.make_filtering_bound_logger(self.least_level()),
            logger_factory=lambda *args: _ViewLogger(self),
            cache_logger_on_first_use=False,
        )
        try:
            yield
        finally:
            structlog.configure(**saved)

    def emit(self, record: EventDict) -> None:
        """Show ``record`` on stderr and write it to the log file, each as its level allows."""
        level = _LEVELS.get(str(record.get("level", "info")), logging.INFO)
        raw = str(record.get("event", ""))
        match = _PREFIX.match(raw)
        feature = match.group("feature") if match else str(record.get("feature") or "")
        event = raw[match.end() :] if match else raw
        fields = {k: v for k, v in record.items() if k not in _FRAME}
        if self.file is not None and level >= self.file_level:
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            self.file.write(f"{stamp} {_event_line(record, feature, event, fields)}\n")
            self.file.flush()
        if level < self.stderr_level:
            return
        if self.verbose:
            text = f"{dt.datetime.now():%H:%M:%S} " + _event_line(record, feature, event, fields)
        else:
            kind = "error" if level >= logging.ERROR else "warning"
            text = f"{kind}: {sentence(event, feature, fields)}"
        identity = text if not self.verbose else repr((event, feature, sorted(fields.items())))
        if level >= logging.WARNING:
            if identity in self._seen:
                return
            self._seen.add(identity)
        self.progress.log(text)


def _event_line(record: EventDict, feature: str, event: str, fields: dict[str, Any]) -> str:
    shown = {k: v for k, v in fields.items() if not (k == "feature" and v == feature)}
    pairs = " ".join(f"{key}={value!r}" for key, value in sorted(shown.items()))
    level = str(record.get("level", "info"))
    return f"[{level:<7}] [TRAKT:{feature}] {event}" + (f" {pairs}" if pairs else "")


def _hand_over(logger: Any, method: str, event_dict: EventDict) -> Any:
    """Pass the record itself (the last processor) to the logger (``_ViewLogger``)."""
    return (event_dict,), {}


@attrs.frozen
class _ViewLogger:
    """A structlog logger whose every level method hands the record to the view."""

    view: LogView

    def _emit(self, record: EventDict) -> None:
        self.view.emit(record)

    msg = debug = info = warning = warn = error = critical = exception = fatal = log = _emit
