"""The CrossWatch door's snapshot shapes: play keys numbered in one pass, oldest first."""

from __future__ import annotations

from typing import Any

from crosswatch_trakt.crosswatch.hostkeys import BuiltinKeys
from crosswatch_trakt.crosswatch.shapes import to_host_snapshot


def play(history_id: int, when: str = "2024-05-01T20:31:00.000Z") -> dict[str, Any]:
    """Return an adapter history item of The Matrix with ``history_id``, watched at ``when``."""
    return {
        "type": "movie",
        "title": "The Matrix",
        "year": 1999,
        "ids": {"tmdb": 603},
        "watched_at": when,
        "trakt_history_id": history_id,
    }


def test_repeated_plays_in_one_second_are_numbered_in_history_id_order() -> None:
    """Plays sharing a second get ~2, ~3 ... by history id; 20,000 of them all keep a key."""
    snapshot = {f"p{n}": play(n) for n in range(20_000, 0, -1)}
    keyed = to_host_snapshot(snapshot, "history", BuiltinKeys)
    assert len(keyed) == 20_000
    keys = list(keyed)
    assert keys[:3] == ["tmdb:603@1714595460", "tmdb:603@1714595460~2", "tmdb:603@1714595460~3"]
    assert [keyed[k]["_trakt_history_id"] for k in keys[:3]] == ["1", "2", "3"]
    assert keys[-1] == "tmdb:603@1714595460~20000"


def test_plays_at_other_times_keep_plain_event_keys() -> None:
    """Only plays that share a second are numbered; the rest are <key>@<epoch>, oldest first."""
    snapshot = {"a": play(2, "2024-05-02T20:31:00.000Z"), "b": play(1)}
    assert list(to_host_snapshot(snapshot, "history", BuiltinKeys)) == [
        "tmdb:603@1714595460",
        "tmdb:603@1714681860",
    ]
