"""The Trakt emulator: an in-process Trakt API for tests, the benchmark and the demo.

``FakeTrakt`` serves the API and OAuth on one loopback URL; ``VirtualClock`` and
``ScaledClock`` drive its time; ``Fault`` scripts failures. See ``docs/emulator.md``.

The names are imported on first use (PEP 562), so importing a submodule such as the pytest
plugin, which pytest loads in every run of an environment this package is installed in,
does not load the emulator and its web server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crosswatch_trakt.support.lazy import lazy_names

if TYPE_CHECKING:
    from crosswatch_trakt.testing.emulator.catalog import Catalog, Episode, Movie, Season, Show
    from crosswatch_trakt.testing.emulator.fake import FakeTrakt, LoggedRequest
    from crosswatch_trakt.testing.emulator.faults import Fault
    from crosswatch_trakt.testing.emulator.store import Settings, UserState
    from crosswatch_trakt.testing.emulator.virtual_clock import ScaledClock, VirtualClock

__all__ = [
    "Catalog",
    "Episode",
    "FakeTrakt",
    "Fault",
    "LoggedRequest",
    "Movie",
    "ScaledClock",
    "Season",
    "Settings",
    "Show",
    "UserState",
    "VirtualClock",
]

_EMULATOR = "crosswatch_trakt.testing.emulator."
#: each public name and the module that defines it
_HOMES = {
    "Catalog": "catalog",
    "Episode": "catalog",
    "Movie": "catalog",
    "Season": "catalog",
    "Show": "catalog",
    "FakeTrakt": "fake",
    "LoggedRequest": "fake",
    "Fault": "faults",
    "Settings": "store",
    "UserState": "store",
    "ScaledClock": "virtual_clock",
    "VirtualClock": "virtual_clock",
}


__getattr__, __dir__ = lazy_names(__name__, _EMULATOR, _HOMES, __all__)
