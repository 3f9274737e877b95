"""A package's public names imported on first use (PEP 562), for light facades.

``crosswatch_trakt`` and ``crosswatch_trakt.testing`` name what a host or a test needs
without importing it: the command line's ``--help`` and pytest's plugin load stay cheap.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, prefix: str, homes: Mapping[str, str], public: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``package``'s ``__getattr__`` and ``__dir__``.

    ``homes`` maps each lazy name to the module that defines it, below ``prefix``
    (``crosswatch_trakt.``); ``public`` is the package's ``__all__``.
    """

    def getattr_(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(prefix + homes[name]), name)

    def dir_() -> list[str]:
        return sorted({*vars(sys.modules[package]), *public})

    return getattr_, dir_
