"""The Trakt emulator: an in-process Trakt API for tests, the benchmark and the demo.

``FakeTrakt`` serves the API and OAuth on one loopback URL; ``VirtualClock`` and
``ScaledClock`` drive its time; ``Fault`` scripts failures. See ``docs/emulator.md``.
"""

from __future__ import annotations

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
