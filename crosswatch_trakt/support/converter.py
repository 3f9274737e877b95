"""The one private cattrs converter, built here and nowhere else.

Every structure error is re-raised as one of our own errors by the caller's choice
(``ConfigError``, ``StateError``) or turned into a per-item problem with a reason code.
Types with a layout of their own register it here through ``register_hooks`` and
``register_field_hooks`` (the media model does so for ``Ids`` and ``Play`` when
``crosswatch_trakt.media`` is imported), so state documents can hold them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from crosswatch_trakt.support.dates import format_datetime, parse_datetime

__all__ = [
    "error_messages",
    "register_field_hooks",
    "register_hooks",
    "structure",
    "structure_datetime",
    "unstructure",
]

T = TypeVar("T")

_converter = cattrs.Converter(forbid_extra_keys=False)


def structure_datetime(value: Any, _type: Any = datetime) -> datetime:
    """Structure a ``datetime`` or an ISO-8601 string into an aware UTC ``datetime``."""
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


_converter.register_structure_hook(datetime, structure_datetime)
_converter.register_unstructure_hook(datetime, format_datetime)
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


def register_field_hooks(
    cls: type[Any],
    **fields: tuple[Callable[[Any, Any], Any], Callable[[Any], Any]],
) -> None:
    """Give the attrs class ``cls`` per-field ``(structure, unstructure)`` hooks."""
    structure_overrides: dict[str, Any] = {
        name: override(struct_hook=hooks[0]) for name, hooks in fields.items()
    }
    unstructure_overrides: dict[str, Any] = {
        name: override(unstruct_hook=hooks[1]) for name, hooks in fields.items()
    }
    _converter.register_structure_hook(
        cls, make_dict_structure_fn(cls, _converter, **structure_overrides)
    )
    _converter.register_unstructure_hook(
        cls, make_dict_unstructure_fn(cls, _converter, **unstructure_overrides)
    )


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
