"""Trakt's date format: UTC ISO-8601 with milliseconds and ``Z``; lenient parsing."""

from __future__ import annotations

import datetime as dt
import re

UTC = dt.timezone.utc
_FRACTION = re.compile(r"(\.\d+)")


def format_ts(epoch: float) -> str:
    """Render epoch seconds as ``2014-09-01T09:10:11.000Z``."""
    stamp = dt.datetime.fromtimestamp(epoch, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def format_ts_seconds(epoch: float) -> str:
    """Render epoch seconds as ``2021-05-31T13:51:28Z`` (the ``X-Ratelimit`` ``until``)."""
    return dt.datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(value: object) -> float | None:
    """Parse an ISO date or date-time (with or without ms, ``Z`` or an offset) to epoch.

    Returns ``None`` when ``value`` is not a parsable string. Naive values are UTC.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python 3.10's fromisoformat wants 3 or 6 fraction digits: normalise to 6.
    text = _FRACTION.sub(lambda m: "." + (m.group(1)[1:] + "000000")[:6], text, count=1)
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def to_epoch(value: float | int | str | dt.datetime | None, default: float) -> float:
    """Coerce a helper argument (epoch, ISO string, datetime or ``None``) to epoch seconds."""
    if value is None:
        return default
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()
    if isinstance(value, str):
        parsed = parse_ts(value)
        if parsed is None:
            raise ValueError(f"not an ISO date-time: {value!r}")
        return parsed
    return float(value)


def to_minute(epoch: float) -> float:
    """Truncate epoch seconds to the minute (Trakt stores ``watched_at`` that way)."""
    return float(int(epoch // 60) * 60)
