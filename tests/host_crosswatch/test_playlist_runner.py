"""CrossWatch's own playlist runner spreads a 600-movie Plex playlist over free Trakt lists.

Opt-in (``tox -e crosswatch``), like ``test_orchestrator``: CrossWatch's registry points
TRAKT at this package and PLEX at ``fake_source`` (a read-only playlist of 600 movies).
The setup goes through CrossWatch's playlist service as its UI does: a PLEX endpoint, three
TRAKT endpoints whose lists it creates (``create_playlist``), and a mapping with the
built-in "TraktFree" ruleset (250 items a list, 1000 in all, at most 5 lists), which adds
the managed two-way pair. Each run is CrossWatch's orchestrator running that pair, which
hands the mapping to ``cw_platform.playlists_runner``; the account is a free one (5 lists of
250 items in ``/users/settings``) on the bundled emulator.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from typing import Any

import pytest

from crosswatch_trakt.testing import FakeTrakt

from . import fake_source

SRC = os.environ.get("CROSSWATCH_SRC", "")
pytestmark = pytest.mark.skipif(
    not SRC, reason="needs a CrossWatch checkout in CROSSWATCH_SRC (run: tox -e crosswatch)"
)
SIZE = 600
PLAYLIST = "big-movies"
TRAKT_FREE = "trakt_free_account"


def source_playlist(fake: FakeTrakt, size: int = SIZE) -> list[dict[str, Any]]:
    """Return ``size`` catalogue movies as Plex lists them (string tmdb and imdb ids)."""
    items = []
    for n in range(size):
        ids = {"tmdb": 900_000 + n, "imdb": f"tt{7_000_000 + n}"}
        movie = fake.catalog.add_movie(f"Long Film {n}", 1950 + n % 70, ids)
        flat = {k: str(movie.ids[k]) for k in ("tmdb", "imdb")}
        items.append({"type": "movie", "title": movie.title, "year": movie.year, "ids": flat})
    return items


def free_config(fake: FakeTrakt) -> dict[str, Any]:
    """Return a CrossWatch app config with the Trakt login and no pair yet."""
    trakt = {**fake.provider_config("alice"), "timeout": 10, "max_retries": 5}
    return {
        "trakt": trakt,
        "plex": {"account_token": "fake"},
        "runtime": {"snapshot_ttl_sec": 0, "apply_chunk_size": 100, "apply_chunk_pause_ms": 0},
        "sync": {"dry_run": False, "enable_add": True, "enable_remove": True},
        "pairs": [],
    }


def set_up_mapping(cfg: dict[str, Any]) -> tuple[str, list[str]]:
    """Configure the mapping through CrossWatch's playlist service; return it and its lists."""
    service = importlib.import_module("services.playlists")
    source = service.upsert_endpoint(
        cfg, {"name": "Plex Big", "provider": "PLEX", "playlist_id": PLAYLIST}
    )
    assert source["ok"], source
    targets = []
    for n in (1, 2, 3):
        made = service.upsert_endpoint(
            cfg,
            {
                "name": f"Trakt {n}",
                "provider": "TRAKT",
                "create": True,
                "create_name": f"Big movies {n}",
                "media_type": "movie",
            },
        )
        assert made["ok"], made
        targets.append(made["endpoint"])
    mapping = service.upsert_mapping(
        cfg,
        {
            "name": "Big2Trakt",
            "source_endpoint": source["endpoint"]["id"],
            "target_endpoints": [t["id"] for t in targets],
            "ruleset_id": TRAKT_FREE,
        },
    )
    assert mapping["ok"], mapping
    assert [p["mode"] for p in cfg["pairs"]] == ["two-way"]  # TraktFree is bidirectional
    return mapping["mapping"]["id"], [str(t["playlist_id"]) for t in targets]


def run_sync(
    facade: Any,
    cfg: dict[str, Any],
    fake: FakeTrakt,
    mapping_id: str,
    run: str,
    mp: pytest.MonkeyPatch,
) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, dict[str, Any]]], int]:
    """Run the orchestrator once; return its summary, the runner's result, events, requests."""
    mp.setenv("CW_RUN_ID", run)  # what CrossWatch's sync API sets for each run
    fake.clear_log()
    lines: list[str] = []
    summary = facade.Orchestrator(config=cfg, on_progress=lines.append).run()
    events = []
    for line in lines:
        if line.startswith("{"):
            payload = json.loads(line)
            events.append((str(payload.pop("event", "")), payload))
    runner = importlib.import_module("cw_platform.playlists_runner")
    result = runner.load_result(runner.resolve_mapping_by_id(cfg, mapping_id))
    assert result is not None, "the runner stored no result"
    return summary, result, events, len(fake.log)


def trakt_lists(fake: FakeTrakt, list_ids: list[str]) -> list[list[int]]:
    """Return the tmdb ids each of the mapping's Trakt lists holds, in list order."""
    lists = fake.users["alice"].lists
    return [[int(e.media.ids["tmdb"]) for e in lists[int(lid)].items] for lid in list_ids]


def _bad_events(events: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    words = ("unaccounted", "unresolved", "error", "exception", "capacity")
    return [(name, fields) for name, fields in events if any(w in name for w in words)]


def _booked_clean(result: dict[str, Any]) -> None:
    assert result["ok"] is True, result.get("error")
    assert (result["unresolved_count"], result["unresolved"]) == (0, [])
    assert (result["capacity_error"], result["overflow_count"]) == (False, 0)
    assert result["duplicates"] == []


def test_traktfree_spreads_syncs_quietly_and_removes(
    host: Any, fake_trakt: FakeTrakt, monkeypatch: pytest.MonkeyPatch
) -> None:
    """600 movies fill lists of 250, 250 and 100; a rerun sends nothing; drops are removed."""
    monkeypatch.setenv("CW_RUN_ID", "setup")
    settings = fake_trakt.users["alice"].settings
    settings.list_count, settings.list_item_count = 5, 250
    playlist = source_playlist(fake_trakt)
    fake_source.OPS.playlists = {PLAYLIST: playlist}
    cfg = free_config(fake_trakt)
    mapping_id, list_ids = set_up_mapping(cfg)
    assert fake_trakt.log_count(method="POST", path="/users/me/lists") == 3
    wanted = [int(item["ids"]["tmdb"]) for item in playlist]

    summary_1, result_1, events, requests_1 = run_sync(
        host, cfg, fake_trakt, mapping_id, "run-1", monkeypatch
    )
    assert _bad_events(events) == []
    _booked_clean(result_1)
    assert (summary_1["added"], summary_1["removed"], summary_1["errors"]) == (SIZE, 0, 0)
    assert result_1["added"] == SIZE
    assert [t["planned_additions"] for t in result_1["per_target"]] == [250, 250, 100]
    held = trakt_lists(fake_trakt, list_ids)
    assert [len(ids) for ids in held] == [250, 250, 100]
    assert [len(set(ids)) for ids in held] == [250, 250, 100]  # no duplicate on a list
    assert [i for ids in held for i in ids] == wanted  # first fit, in the source's order
    assert result_1["managed_count"] == SIZE

    summary_2, result_2, events, requests_2 = run_sync(
        host, cfg, fake_trakt, mapping_id, "run-2", monkeypatch
    )
    assert _bad_events(events) == []
    _booked_clean(result_2)
    assert fake_trakt.log_count(method="POST") == 0
    assert (summary_2["added"], summary_2["removed"], summary_2["errors"]) == (0, 0, 0)
    assert (result_2["planned_additions"], result_2["planned_removals"]) == (0, 0)
    assert trakt_lists(fake_trakt, list_ids) == held

    dropped = {int(item["ids"]["tmdb"]) for item in playlist[::40]}  # 15, over all 3 lists
    fake_source.OPS.playlists = {
        PLAYLIST: [item for item in playlist if int(item["ids"]["tmdb"]) not in dropped]
    }
    summary_3, result_3, events, requests_3 = run_sync(
        host, cfg, fake_trakt, mapping_id, "run-3", monkeypatch
    )
    assert _bad_events(events) == []
    _booked_clean(result_3)
    assert (summary_3["added"], summary_3["removed"], summary_3["errors"]) == (0, 15, 0)
    assert fake_trakt.log_count(method="POST", path=re.compile(r".*/items/remove")) == 3
    assert fake_trakt.log_count(method="POST") == 3  # one remove per list, nothing added
    after = trakt_lists(fake_trakt, list_ids)
    assert after == [[i for i in ids if i not in dropped] for ids in held]
    assert [len(ids) for ids in after] == [243, 244, 98]
    assert result_3["managed_count"] == SIZE - 15

    summary_4, result_4, events, requests_4 = run_sync(
        host, cfg, fake_trakt, mapping_id, "run-4", monkeypatch
    )
    assert _bad_events(events) == []
    _booked_clean(result_4)
    assert fake_trakt.log_count(method="POST") == 0
    assert (summary_4["added"], summary_4["removed"]) == (0, 0)
    assert trakt_lists(fake_trakt, list_ids) == after
    print(f"\nplaylist requests per run: {requests_1}, {requests_2}, {requests_3}, {requests_4}")


def test_traktfree_blocks_a_playlist_its_lists_cannot_hold(
    host: Any, fake_trakt: FakeTrakt, monkeypatch: pytest.MonkeyPatch
) -> None:
    """800 movies for three lists of 250: the runner reports the overflow and writes nothing."""
    monkeypatch.setenv("CW_RUN_ID", "setup")
    settings = fake_trakt.users["alice"].settings
    settings.list_count, settings.list_item_count = 5, 250
    fake_source.OPS.playlists = {PLAYLIST: source_playlist(fake_trakt, 800)}
    cfg = free_config(fake_trakt)
    mapping_id, list_ids = set_up_mapping(cfg)

    summary, result, events, _ = run_sync(host, cfg, fake_trakt, mapping_id, "run-1", monkeypatch)
    assert fake_trakt.log_count(method="POST") == 0
    assert (result["ok"], result["error"], result["capacity_error"]) == (
        False,
        "capacity exceeded",
        True,
    )
    assert (result["total_capacity"], result["overflow_count"]) == (750, 50)
    assert [name for name, _ in events if name == "playlist:capacity"] == ["playlist:capacity"]
    assert (summary["added"], summary["errors"]) == (0, 1)
    assert trakt_lists(fake_trakt, list_ids) == [[], [], []]
