"""Helpers for the emulator tests: a plain ``requests`` client for the fake's API."""

from __future__ import annotations

from typing import Any

import pytest

from crosswatch_trakt.testing import FakeTrakt, VirtualClock

from .client import Api


@pytest.fixture
def api(fake_trakt: FakeTrakt, trakt_clock: VirtualClock, trakt_tokens: dict[str, Any]) -> Api:
    """Return a client authorised as ``alice``."""
    return Api(fake_trakt, trakt_clock, trakt_tokens["access_token"])


@pytest.fixture
def matrix(fake_trakt: FakeTrakt) -> Any:
    """Return The Matrix, added to the catalogue."""
    return fake_trakt.catalog.add_movie(
        title="The Matrix",
        year=1999,
        ids={"trakt": 481, "slug": "the-matrix-1999", "imdb": "tt0133093", "tmdb": 603},
        released=922838400.0,
    )


@pytest.fixture
def breaking_bad(fake_trakt: FakeTrakt) -> Any:
    """Return Breaking Bad (seasons 1-2) in the catalogue."""
    return fake_trakt.catalog.add_show(
        title="Breaking Bad",
        year=2008,
        ids={"trakt": 1388, "tvdb": 81189, "imdb": "tt0903747", "tmdb": 1396},
        seasons={1: 7, 2: 13},
    )
