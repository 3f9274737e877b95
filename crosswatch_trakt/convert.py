"""The one private cattrs converter and date-times.

Every structure error is re-raised as one of our own errors by the caller's choice
(``ConfigError``, ``StateError``) or turned into a per-item problem with a reason code.
The models (``Ids`` in Trakt's shape, ``Play`` with ``released``) have hooks here, so
state documents can hold them. Trakt rows are read in ``traktrows``, host dicts are
converted in ``mediaconv``, request bodies are built in ``bodies``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Literal, TypeVar

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from crosswatch_trakt.keys import (
    normalize_ids,
)
from crosswatch_trakt.models import (
    Ids,
    Play,
    utc_minute_text,
    with_minute,
)

__all__ = [
    "error_messages",
    "format_datetime",
    "parse_datetime",
    "register_hooks",
    "structure",
    "trakt_datetime",
    "unstructure",
    "with_minute",
]

T = TypeVar("T")

_converter = cattrs.Converter(forbid_extra_keys=False)
_UTC = timezone.utc


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


def _structure_datetime(value: Any, _type: type) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc)
    return parse_datetime(value)


def _strict_bool(value: Any, _type: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


def _strict_int(value: Any, _type: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _strict_float(value: Any, _type: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def _strict_str(value: Any, _type: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _structure_play_time(value: Any, _type: Any) -> datetime | Literal["released"]:
    return "released" if value == "released" else _structure_datetime(value, datetime)


def _unstructure_play_time(value: datetime | Literal["released"]) -> str:
    return value if isinstance(value, str) else format_datetime(value)


_converter.register_structure_hook(datetime, _structure_datetime)
_converter.register_unstructure_hook(datetime, format_datetime)
_converter.register_structure_hook(Ids, lambda value, _type: normalize_ids(value))
_converter.register_unstructure_hook(Ids, Ids.as_dict)
_converter.register_structure_hook(
    Play,
    make_dict_structure_fn(Play, _converter, watched_at=override(struct_hook=_structure_play_time)),
)
_converter.register_unstructure_hook(
    Play,
    make_dict_unstructure_fn(
        Play, _converter, watched_at=override(unstruct_hook=_unstructure_play_time)
    ),
)
# No silent coercion: "yes" is not True, 7.5 is not 7, 8 is not "8".
_converter.register_structure_hook(bool, _strict_bool)
_converter.register_structure_hook(int, _strict_int)
_converter.register_structure_hook(float, _strict_float)
_converter.register_structure_hook(str, _strict_str)


def register_hooks(
    cls: type[T], structure_hook: Callable[[Any], T], unstructure_hook: Callable[[T], Any]
) -> None:
    """Give ``cls`` its own structure and unstructure hooks (a document's compact layout)."""
    _converter.register_structure_hook(cls, lambda value, _type: structure_hook(value))
    _converter.register_unstructure_hook(cls, unstructure_hook)


def structure(data: Any, cls: type[T]) -> T:
    """Structure ``data`` into ``cls``; raises ``cattrs`` errors for the caller to translate."""
    return _converter.structure(data, cls)


def unstructure(obj: Any) -> Any:
    """Unstructure an attrs object (or containers of them) to JSON-able data."""
    return _converter.unstructure(obj)


def error_messages(exc: BaseException) -> list[str]:
    """Turn a cattrs structure error into readable ``message @ $.path`` lines."""
    if isinstance(exc, cattrs.BaseValidationError):
        return cattrs.transform_error(exc)
    return [str(exc)]


# Trakt JSON -> models.
