"""Date helpers of the stand-in: Trakt's UTC ISO-8601 with milliseconds and ``Z``."""

from __future__ import annotations

from datetime import datetime, timezone


class BadDate(ValueError):
    """A date in a request that the stand-in cannot read (answered 422)."""


def render(seconds: float) -> str:
    """Return ``seconds`` since the epoch as ``2014-09-01T09:10:11.000Z``."""
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse(value: object) -> float:
    """Return the epoch seconds of an ISO-8601 date; naive dates are taken as UTC."""
    if not isinstance(value, str) or not value:
        raise BadDate(repr(value))
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise BadDate(value) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()
