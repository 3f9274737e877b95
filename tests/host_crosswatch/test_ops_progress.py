"""Progress through CrossWatch's door: the built-in module's item fields, booked by host key."""

from __future__ import annotations

from typing import Any

from crosswatch_trakt.crosswatch.hostkeys import BuiltinKeys as KEYS
from crosswatch_trakt.crosswatch.ops import TraktOps
from crosswatch_trakt.testing import FakeTrakt


def test_progress_is_served(ops: TraktOps) -> None:
    """CrossWatch's features list says progress is served, with its capabilities."""
    assert ops.features()["progress"] is True
    caps = ops.capabilities()["progress"]
    assert caps["types"] == {"movies": True, "shows": False, "seasons": False, "episodes": True}
    assert caps["completion_policy"]["progress_write"] == {"mode": "none"}


def test_progress_index_has_the_fields_crosswatch_reads(
    ops: TraktOps, cw_cfg: dict[str, Any]
) -> None:
    """Each resume point carries milliseconds, percent, time and ``_trakt_playback_id``."""
    snapshot = ops.build_index(cw_cfg, feature="progress")
    dune = snapshot["tmdb:438631"]
    assert dune["progress_percent"] == 12.5
    assert dune["progress_ms"] == round(dune["duration_ms"] * 0.125)
    assert dune["_trakt_playback_id"].isdigit()
    assert dune["progress_at"].endswith("Z")
    (episode,) = [item for item in snapshot.values() if item["type"] == "episode"]
    assert episode["series_title"] == "Breaking Bad"


def test_progress_add_and_remove_are_booked_under_host_keys(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt, cw_env: dict[str, str]
) -> None:
    """An add in CrossWatch's fields (ms) and a remove by its index item book the host's keys."""
    inception = {
        "type": "movie",
        "title": "Inception",
        "year": 2010,
        "ids": {"tmdb": "27205"},
        "progress_ms": 2_400_000,
        "duration_ms": 8_880_000,
    }
    added = ops.add(cw_cfg, [inception], feature="progress")
    assert added["confirmed_keys"] == [KEYS.key(inception)]
    cw_env["CW_RUN_ID"] = "run-2"
    snapshot = ops.build_index(cw_cfg, feature="progress")
    assert round(snapshot["tmdb:27205"]["progress_percent"], 1) == 27.0
    dune = snapshot["tmdb:438631"]
    removed = ops.remove(cw_cfg, [dune], feature="progress")
    assert removed["confirmed_keys"] == [KEYS.key(dune)]
    assert fake_trakt.log_count("DELETE") == 1
