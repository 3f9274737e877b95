"""CrossWatch's own orchestrator runs a PLEX -> TRAKT pair through this package's OPS.

Opt-in (``tox -e crosswatch``): it needs a CrossWatch checkout in ``CROSSWATCH_SRC`` and its
requirements. CrossWatch's own registry, with every other provider module, gets one line
changed (``_mod_TRAKT`` points at ``crosswatch_trakt.crosswatch``) and its Plex line points
at a small fake Plex module; the Trakt side is the bundled
emulator on loopback, the adapter runs on the emulator's virtual clock.
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from crosswatch_trakt.testing.emulator.builders import demo_catalog

from . import fake_source

SRC = os.environ.get("CROSSWATCH_SRC", "")
pytestmark = pytest.mark.skipif(
    not SRC, reason="needs a CrossWatch checkout in CROSSWATCH_SRC (run: tox -e crosswatch)"
)
FEATURES = ("watchlist", "ratings", "history")


def _flat(ids: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in ids.items() if k in ("tmdb", "imdb", "tvdb") and v}


def build_library(fake: FakeTrakt, canonical: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """Return the fake Plex library: 4 watchlist movies, 3 ratings, 5 plays (a rewatch)."""
    movies, shows = demo_catalog(fake.catalog)
    breaking = shows[0]
    library: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in FEATURES}
    for movie in movies[2:6]:
        item = {"type": "movie", "title": movie.title, "year": movie.year, "ids": _flat(movie.ids)}
        library["watchlist"][canonical(item)] = item
    for movie, rating in ((movies[0], 9), (movies[1], 8)):
        item = {
            "type": "movie",
            "title": movie.title,
            "year": movie.year,
            "ids": _flat(movie.ids),
            "rating": rating,
            "rated_at": "2025-06-20T10:00:00Z",
        }
        library["ratings"][canonical(item)] = item
    show = {
        "type": "show",
        "title": breaking.title,
        "year": breaking.year,
        "ids": _flat(breaking.ids),
    }
    library["ratings"][canonical(show)] = {**show, "rating": 10, "rated_at": "2025-06-21T10:00:00Z"}
    plays = [(movies[0], "2025-01-05T20:31:00Z"), (movies[0], "2025-06-14T21:02:00Z")]
    plays += [(movies[1], "2025-02-11T19:45:00Z")]
    for movie, when in plays:
        item = {
            "type": "movie",
            "title": movie.title,
            "year": movie.year,
            "ids": _flat(movie.ids),
            "watched_at": when,
        }
        library["history"][f"{canonical(item)}@{_epoch(when)}"] = item
    for number, when in ((1, "2025-05-01T20:00:00Z"), (2, "2025-05-02T20:00:00Z")):
        episode = breaking.episode(1, number)
        item = {
            "type": "episode",
            "title": episode.title,
            "series_title": breaking.title,
            "season": 1,
            "episode": number,
            "ids": _flat(episode.ids),
            "show_ids": _flat(breaking.ids),
            "watched_at": when,
        }
        library["history"][f"{canonical(item)}@{_epoch(when)}"] = item
    return library


def _epoch(when: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp())


def host_config(fake: FakeTrakt, mode: str = "one-way", rewatches: bool = False) -> dict[str, Any]:
    """Return a CrossWatch app config with one PLEX -> TRAKT pair for the three features."""
    trakt = {**fake.provider_config("alice"), "timeout": 10, "max_retries": 5}
    switches = {"enable": True, "add": True, "remove": True}
    return {
        "trakt": trakt,
        "plex": {"account_token": "fake"},
        "runtime": {"snapshot_ttl_sec": 0, "apply_chunk_size": 100, "apply_chunk_pause_ms": 0},
        "sync": {
            "dry_run": False,
            "enable_add": True,
            "enable_remove": True,
            "include_observed_deletes": True,
            "allow_mass_delete": True,
        },
        "pairs": [
            {
                "id": "plex-trakt",
                "enabled": True,
                "source": "PLEX",
                "target": "TRAKT",
                "mode": mode,
                "feature": "multi",
                "features": {
                    **{name: dict(switches) for name in FEATURES},
                    "history": {**switches, "rewatches": rewatches},
                },
            }
        ],
    }


def run_pass(
    facade: Any, cfg: dict[str, Any], fake: FakeTrakt, run: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], int]:
    """Run the host once; return its summary, its events and the requests Trakt saw."""
    monkeypatch.setenv("CW_RUN_ID", run)
    fake.clear_log()
    lines: list[str] = []
    summary = facade.Orchestrator(config=cfg, on_progress=lines.append).run()
    events = []
    for line in lines:
        if line.startswith("{"):
            payload = json.loads(line)
            events.append((str(payload.pop("event", "")), payload))
    return summary, events, len(fake.log)


def _trakt_state(fake: FakeTrakt) -> tuple[set[str], set[str], list[str]]:
    user = fake.users["alice"]
    watchlist = {str(entry.media.title) for entry in user.watchlist.values()}
    ratings = {str(entry.media.title) for entry in user.ratings.values()}
    plays = sorted(f"{p.media.title}@{int(p.watched_at)}" for p in user.history.values())
    return watchlist, ratings, plays


def _bad_events(events: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    words = ("unaccounted", "blackbox", "unresolved", "error", "exception")
    return [(name, fields) for name, fields in events if any(w in name for w in words)]


@pytest.mark.parametrize("rewatches", [False, True], ids=["plain", "rewatches"])
def test_four_passes_one_way(
    host: Any, fake_trakt: FakeTrakt, monkeypatch: pytest.MonkeyPatch, rewatches: bool
) -> None:
    """Four passes: the plan written, nothing sent, exactly the dropped items removed, quiet.

    No pass leaves an item unaccounted, unresolved or in error.

    Without rewatches CrossWatch syncs one play per title (4); with them every play (5).
    """
    canonical = importlib.import_module("cw_platform.id_map").canonical_key
    library = build_library(fake_trakt, canonical)
    fake_source.OPS.library = library
    cfg = host_config(fake_trakt, rewatches=rewatches)

    summary_1, events, requests_1 = run_pass(host, cfg, fake_trakt, "run-1", monkeypatch)
    assert _bad_events(events) == []
    watchlist, ratings, plays = _trakt_state(fake_trakt)
    assert (len(watchlist), len(ratings), len(plays)) == (4, 3, 5 if rewatches else 4)

    _, events, requests_2 = run_pass(host, cfg, fake_trakt, "run-2", monkeypatch)
    assert _bad_events(events) == []
    assert fake_trakt.log_count(method="POST") == 0
    assert _trakt_state(fake_trakt) == (watchlist, ratings, plays)

    for feature in FEATURES:  # the source drops one item of each (a title watched once)
        key = next(
            k
            for k, v in library[feature].items()
            if v["title"] == "Inception" or (feature == "watchlist")
        )
        del library[feature][key]
    summary_3, events, requests_3 = run_pass(host, cfg, fake_trakt, "run-3", monkeypatch)
    assert _bad_events(events) == []
    after = _trakt_state(fake_trakt)
    assert (len(after[0]), len(after[1])) == (3, 2)
    assert len(set(plays) - set(after[2])) == 1
    assert set(after[2]) < set(plays)

    summary_4, events, requests_4 = run_pass(host, cfg, fake_trakt, "run-4", monkeypatch)
    assert _bad_events(events) == []
    assert fake_trakt.log_count(method="POST") == 0
    assert _trakt_state(fake_trakt) == after
    assert (summary_1["added"], summary_1["unresolved"], summary_1["errors"]) == (
        11 + rewatches,
        0,
        0,
    )
    assert (summary_3["removed"], summary_3["unresolved"], summary_3["errors"]) == (3, 0, 0)
    assert (summary_4["added"], summary_4["removed"], summary_4["unresolved"]) == (0, 0, 0)
    print(f"\nrequests per pass: {requests_1}, {requests_2}, {requests_3}, {requests_4}")
    # the floor (docs/decisions.md): one last_activities read a pass, plus one read of each
    # list written in the pass before (history's two types, the watchlist, ratings together)
    assert max(requests_2 - 5, requests_3 - 4, requests_4 - 4) <= 0


def test_two_way_pair_settles(
    host: Any, fake_trakt: FakeTrakt, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A two-way pair writes the source's items to Trakt once and then has nothing to do."""
    canonical = importlib.import_module("cw_platform.id_map").canonical_key
    fake_source.OPS.library = build_library(fake_trakt, canonical)
    cfg = host_config(fake_trakt, mode="two-way")

    summary_1, events, _ = run_pass(host, cfg, fake_trakt, "run-1", monkeypatch)
    assert _bad_events(events) == []
    assert (summary_1["unresolved"], summary_1["errors"]) == (0, 0)
    first = _trakt_state(fake_trakt)
    assert (len(first[0]), len(first[1])) == (4, 3)

    summary_2, events, _ = run_pass(host, cfg, fake_trakt, "run-2", monkeypatch)
    assert _bad_events(events) == []
    assert (summary_2["added"], summary_2["removed"], summary_2["unresolved"]) == (0, 0, 0)
    assert fake_trakt.log_count(method="POST") == 0
    assert _trakt_state(fake_trakt) == first


def test_rotated_tokens_reach_crosswatchs_config(
    host: Any,
    fake_trakt: FakeTrakt,
    monkeypatch: pytest.MonkeyPatch,
    trakt_clock: VirtualClock,
) -> None:
    """A refresh during a run writes the new pair into CrossWatch's own config file."""
    config_base = importlib.import_module("cw_platform.config_base")
    canonical = importlib.import_module("cw_platform.id_map").canonical_key
    fake_source.OPS.library = build_library(fake_trakt, canonical)
    cfg = host_config(fake_trakt)
    old = cfg["trakt"]["refresh_token"]
    cfg["trakt"]["expires_at"] = int(trakt_clock.time()) + 10  # inside the refresh margin
    config_base.save_config({"trakt": dict(cfg["trakt"])})

    summary, _, _ = run_pass(host, cfg, fake_trakt, "run-1", monkeypatch)
    assert summary["errors"] == 0
    assert fake_trakt.log_count(path="/oauth/token", status=200) == 1
    stored = config_base.load_config()["trakt"]
    assert stored["refresh_token"] != old
    state = Path(os.environ["CONFIG_BASE"]) / ".cw_state" / "crosswatch_trakt" / "default"
    assert stored["refresh_token"] in (state / "trakt_tokens.json").read_text()
    assert stored["expires_at"] > trakt_clock.time()


def progress_library(fake: FakeTrakt, canonical: Any) -> dict[str, dict[str, Any]]:
    """Return the fake Plex's resume points: two movies, in Plex's fields (milliseconds)."""
    movies, _shows = demo_catalog(fake.catalog)
    points: dict[str, dict[str, Any]] = {}
    for movie, done in ((movies[2], 1_800_000), (movies[3], 3_600_000)):
        item = {
            "type": "movie",
            "title": movie.title,
            "year": movie.year,
            "ids": _flat(movie.ids),
            "progress_ms": done,
            "duration_ms": 7_200_000,
            "progress_at": "2026-01-01T00:00:00Z",
        }
        points[canonical(item)] = item
    return points


def test_progress_pair_writes_resume_points_once(
    host: Any, fake_trakt: FakeTrakt, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CrossWatch's progress sync writes each resume point once, then has nothing to send."""
    canonical = importlib.import_module("cw_platform.id_map").canonical_key
    fake_source.OPS.library = {"progress": progress_library(fake_trakt, canonical)}
    cfg = host_config(fake_trakt)
    switches = {"enable": True, "add": True, "remove": True}
    cfg["pairs"][0]["features"] = {"progress": switches}

    summary_1, events, _ = run_pass(host, cfg, fake_trakt, "run-1", monkeypatch)
    assert _bad_events(events) == []
    points = sorted(round(e.progress, 1) for e in fake_trakt.users["alice"].playback.values())
    assert points == [25.0, 50.0]
    assert fake_trakt.log_count(method="POST", path="/scrobble/pause") == 2

    summary_2, events, _ = run_pass(host, cfg, fake_trakt, "run-2", monkeypatch)
    assert _bad_events(events) == []
    assert fake_trakt.log_count(method="POST") == 0
    assert (summary_2["added"], summary_2["removed"], summary_2["unresolved"]) == (0, 0, 0)
    print(f"\nprogress pass 1: {summary_1['added']} added")
