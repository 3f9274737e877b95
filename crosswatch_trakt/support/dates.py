"""Date-times as Trakt writes them: parsing, UTC, minutes, and Trakt's ``.000Z`` format."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

__all__ = [
    "as_utc",
    "as_utc_required",
    "format_datetime",
    "parse_datetime",
    "trakt_datetime",
    "utc_minute_text",
    "with_minute",
]

_UTC = timezone.utc


def as_utc(value: datetime | None) -> datetime | None:
    """Return ``value`` in UTC (a naive value is taken as UTC); None stays None."""
    if value is None:
        return None
    if value.tzinfo is _UTC:  # astimezone(UTC) would return the value itself
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def as_utc_required(value: datetime) -> datetime:
    """Return ``value`` in UTC (a naive value is taken as UTC)."""
    result = as_utc(value)
    assert result is not None
    return result


def with_minute(value: datetime) -> datetime:
    """Return ``value`` in UTC truncated to the minute (a naive value is taken as UTC)."""
    if type(value) is datetime and value.tzinfo is _UTC and not value.second | value.microsecond:
        return value  # already UTC, to the minute (what ``replace`` would give, equal)
    return as_utc_required(value).replace(second=0, microsecond=0)


#: ``YYYY-MM-DD`` by proleptic ordinal, filled as days are seen (bounded), and every ``HH:MM``
_DAYS: dict[int, str] = {}
_DAYS_SIZE = 40_000
_HHMM = tuple(f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in range(60))


def utc_minute_text(value: object) -> str | None:
    """Return ``YYYY-MM-DDTHH:MM`` of a UTC ``datetime`` (year 1000 on), else None; days cached.

    It is what ``strftime("%Y-%m-%dT%H:%M")`` gives, for the date-times in plays and keys.
    """
    if type(value) is not datetime or value.tzinfo is not _UTC or value.year < 1000:
        return None
    ordinal = value.toordinal()
    day = _DAYS.get(ordinal)
    if day is None:
        if len(_DAYS) >= _DAYS_SIZE:
            _DAYS.clear()
        day = _DAYS[ordinal] = value.strftime("%Y-%m-%d")
    return f"{day}T{_HHMM[value.hour * 60 + value.minute]}"


def parse_datetime(value: str) -> datetime:
    """Parse an ISO-8601 date-time (``Z``, offsets, with or without milliseconds) to aware UTC.

    A naive value is taken as UTC. Raises ``ValueError`` when it is not a date-time.
    """
    parsed = trakt_datetime(value)
    return parsed if parsed is not None else _parse_datetime(value)


def trakt_datetime(value: Any) -> datetime | None:
    """Parse Trakt's own ``2024-05-01T20:31:07.000Z`` quickly; None for anything else."""
    if type(value) is str and len(value) == 24 and value[10] == "T" and value[23] == "Z":
        try:
            parsed = datetime.fromisoformat(value)  # reads the ``Z`` from Python 3.11 on
        except ValueError:
            return None
        if parsed.tzinfo is _UTC:
            return parsed
    return None


def _parse_datetime(value: str) -> datetime:
    """Parse any ISO-8601 date-time (the general path of ``parse_datetime``)."""
    if not isinstance(value, str) or "T" not in value:
        raise ValueError(f"not an ISO-8601 date-time: {value!r}")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def format_datetime(value: datetime) -> str:
    """Render an aware date-time as Trakt does: UTC, milliseconds, ``Z``."""
    minute = utc_minute_text(value)  # the same as below, only faster
    if minute is not None:
        if not value.second | value.microsecond:
            return minute + ":00.000Z"
        return f"{minute}:{value.second:02d}.{value.microsecond // 1000:03d}Z"
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
