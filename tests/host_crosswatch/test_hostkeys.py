"""The host's key rules: the built-in copy of the rules, and the same answers as CrossWatch's."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswatch_trakt.crosswatch.hostkeys import BuiltinKeys, epoch_of, host_keys

SHOW = {"tvdb": "81189", "tmdb": "1396"}


@pytest.mark.parametrize(
    ("item", "key"),
    [
        ({"type": "movie", "ids": {"tmdb": "603", "imdb": "tt0133093"}}, "tmdb:603"),
        ({"type": "movie", "ids": {"imdb": "0133093", "tmdb": "0"}}, "imdb:tt0133093"),
        ({"type": "movie", "ids": {"trakt": 12, "slug": "The-Matrix"}}, "trakt:12"),
        ({"type": "movies", "ids": {"slug": "The-Matrix"}}, "slug:the-matrix"),
        ({"type": "show", "ids": {"tvdb": "81189"}}, "tvdb:81189"),
        ({"type": "season", "show_ids": SHOW, "season": 1}, "tmdb:1396#season:1"),
        (
            {
                "type": "episode",
                "ids": {"tvdb": "349232"},
                "show_ids": SHOW,
                "season": 1,
                "episode": 2,
            },
            "tmdb:1396#s01e02",
        ),
        ({"type": "episode", "ids": {"tvdb": "349232"}}, "tvdb:349232"),
        (
            {"type": "movie", "title": "The Matrix", "year": 1999, "ids": {}},
            "movie|title:the matrix|year:1999",
        ),
        (
            {"type": "movie", "guid": "com.plexapp.agents.imdb://tt0133093?lang=en"},
            "imdb:tt0133093",
        ),
        ({"type": "movie"}, "unknown:"),
    ],
)
def test_builtin_rules(item: dict[str, Any], key: str) -> None:
    """The built-in key function follows the documented rules for each shape of item."""
    assert BuiltinKeys.key(item) == key


def test_event_and_booking_keys() -> None:
    """A play is booked under its _cw_event_key in rewatch mode, else under its plain key."""
    play = {"type": "movie", "ids": {"tmdb": "603"}, "watched_at": "2024-05-01T20:31:00.000Z"}
    assert BuiltinKeys.event_key(play) == "tmdb:603@1714595460"
    assert BuiltinKeys.booking_key(play, "history") == "tmdb:603"
    tagged = {**play, "_cw_event_key": "TMDB:603@1714595400"}
    assert BuiltinKeys.booking_key(tagged, "history") == "tmdb:603@1714595400"
    assert BuiltinKeys.booking_key(tagged, "watchlist") == "tmdb:603"


@pytest.mark.parametrize(
    ("value", "epoch"),
    [("2024-05-01T20:31:00Z", 1714595460), ("1714595460", 1714595460), (0, None), ("x", None)],
)
def test_epoch_of(value: Any, epoch: int | None) -> None:
    """watched_at becomes epoch seconds from ISO text or digits; nonsense gives None."""
    assert epoch_of(value) == epoch


def test_builtin_outside_crosswatch() -> None:
    """Outside a running CrossWatch the built-in rules are used."""
    if "cw_platform" in sys.modules:
        pytest.skip("a CrossWatch is loaded in this process")
    assert host_keys().source == "built-in"


_ids = st.fixed_dictionaries(
    {},
    optional={
        "tmdb": st.one_of(st.integers(0, 10**7).map(str), st.just("none"), st.just("")),
        "imdb": st.one_of(st.integers(1, 10**7).map(lambda n: f"tt{n:07d}"), st.just("0")),
        "tvdb": st.integers(0, 10**6).map(str),
        "trakt": st.integers(1, 10**6),
        "slug": st.text("abcXYZ-", min_size=1, max_size=8),
        "plex": st.integers(1, 10**6).map(str),
    },
)
_items = st.fixed_dictionaries(
    {"type": st.sampled_from(["movie", "show", "season", "episode", "movies", "episodes"])},
    optional={
        "ids": _ids,
        "show_ids": _ids,
        "season": st.integers(0, 30),
        "episode": st.integers(0, 300),
        "title": st.text(min_size=0, max_size=12),
        "year": st.one_of(st.none(), st.integers(1900, 2030)),
    },
)


@pytest.mark.skipif(
    not os.environ.get("CROSSWATCH_SRC"),
    reason="needs a CrossWatch checkout in CROSSWATCH_SRC (run: tox -e crosswatch)",
)
@settings(max_examples=400, deadline=None)
@given(item=_items)
def test_builtin_agrees_with_crosswatch(item: dict[str, Any]) -> None:
    """For any item, the built-in rules give CrossWatch's own canonical_key."""
    src = os.environ["CROSSWATCH_SRC"]
    if src not in sys.path:
        sys.path.insert(0, src)
    id_map = importlib.import_module("cw_platform.id_map")
    assert BuiltinKeys.key(item) == id_map.canonical_key(item)


def test_one_key_order_for_trakt_ids() -> None:
    """The adapter's key order is CrossWatch's order restricted to Trakt's namespaces."""
    from crosswatch_trakt.crosswatch.hostkeys import KEY_PRIORITY as HOST_ORDER
    from crosswatch_trakt.media.keys import KEY_PRIORITY as OUR_ORDER

    assert tuple(name for name in HOST_ORDER if name in OUR_ORDER) == OUR_ORDER
