"""``snapshot``, ``export`` and ``import`` against the emulator."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from crosswatch_trakt.cli.backup import FORMAT
from crosswatch_trakt.features.registry import feature_names
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.builders import generate_account, seed_demo
from tests.cli.conftest import Runner

FEATURES = feature_names()


@pytest.fixture
def seeded(logged_in: FakeTrakt) -> FakeTrakt:
    """Return the logged-in emulator with alice's demo library."""
    seed_demo(logged_in, "alice")
    return logged_in


def _snapshot(cli: Runner, feature: str) -> dict[str, Any]:
    ran = cli("snapshot", feature, "--json")
    assert ran.code == 0, ran.err
    result: dict[str, Any] = json.loads(ran.out)
    return result


def _comparable(feature: str, snapshot: dict[str, Any]) -> dict[str, Any]:
    """Drop what Trakt assigns anew on a restore: list and pause times, history and playback ids."""
    volatile = {
        "watchlist": ("listed_at",),
        "history": ("trakt_history_id",),
        "progress": ("progress_at", "trakt_playback_id"),
    }.get(feature, ())
    return {
        key: {k: v for k, v in item.items() if k not in volatile} for key, item in snapshot.items()
    }


def test_snapshot_table(seeded: FakeTrakt, cli: Runner) -> None:
    """``snapshot ratings`` prints a table with one row per rating and a count."""
    ran = cli("snapshot", "ratings")
    assert ran.code == 0
    assert "movie:tmdb:603" in ran.out
    assert "The Matrix (1999)" in ran.out
    assert "9/10" in ran.out
    assert ran.out.rstrip().endswith("8 ratings item(s)")


def test_export_writes_versioned_backup(seeded: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """``export --out`` writes format, version and every feature's items, owner-readable only."""
    path = tmp_path / "backup.json"
    ran = cli("export", "--out", str(path))
    assert ran.code == 0
    assert "6 watchlist, 8 ratings, 14 history" in ran.out
    document = json.loads(path.read_text())
    assert document["format"] == FORMAT
    assert document["version"] == 1
    assert set(document["features"]) == set(FEATURES)
    assert len(document["features"]["history"]) == 14
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_export_to_stdout(seeded: FakeTrakt, cli: Runner) -> None:
    """``export`` without ``--out`` prints the JSON document on stdout."""
    ran = cli("export")
    assert json.loads(ran.out)["format"] == FORMAT


def test_export_import_round_trip_restores_a_wiped_account(
    seeded: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """Export, wipe the account, import: every feature is back exactly as it was."""
    before = {feature: _snapshot(cli, feature) for feature in FEATURES}
    path = tmp_path / "backup.json"
    assert cli("export", "--out", str(path)).code == 0
    seeded.add_user("alice")  # a fresh, empty account (the tokens stay valid)
    assert all(_snapshot(cli, feature) == {} for feature in FEATURES)
    ran = cli("import", str(path))
    assert ran.code == 0, ran.out + ran.err
    assert "watchlist: 6 to add, 0 to remove, 0 unchanged" in ran.out
    assert "adds: 14 confirmed" in ran.out
    for feature in FEATURES:
        after = _snapshot(cli, feature)
        assert _comparable(feature, after) == _comparable(feature, before[feature]), feature
    again = cli("import", str(path))
    assert again.code == 0
    assert "history: 0 to add, 0 to remove, 14 unchanged" in again.out


def test_dry_run_writes_nothing(seeded: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """``import --dry-run`` prints the plan and accounting but sends no POST at all."""
    path = tmp_path / "backup.json"
    assert cli("export", "--out", str(path)).code == 0
    seeded.add_user("alice")
    seeded.clear_log()
    ran = cli("import", str(path), "--dry-run", "--remove-missing")
    assert ran.code == 0
    assert "[dry run] watchlist: 6 to add" in ran.out
    assert "adds: 6 would be written" in ran.out
    assert seeded.log_count("POST") == 0
    assert _snapshot(cli, "watchlist") == {}


def test_remove_missing_and_feature_selection(
    seeded: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """A snapshot file for one feature, with --remove-missing, removes what it lacks."""
    watchlist = _snapshot(cli, "watchlist")
    keep = dict(sorted(watchlist.items())[:2])
    path = tmp_path / "watchlist.json"
    path.write_text(json.dumps(keep))
    ran = cli("import", str(path), "--features", "watchlist", "--remove-missing", "--yes")
    assert ran.code == 0
    assert "watchlist: 0 to add, 4 to remove, 2 unchanged" in ran.out
    assert set(_snapshot(cli, "watchlist")) == set(keep)


def test_changed_rating_is_rewritten(seeded: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """A rating that differs from Trakt's is planned as a change and written."""
    path = tmp_path / "ratings.json"
    item = {"type": "movie", "title": "The Matrix", "year": 1999, "ids": {"imdb": "tt0133093"}}
    path.write_text(json.dumps([{**item, "rating": 4, "rated_at": "2025-09-01T10:00:00Z"}]))
    ran = cli("import", str(path), "--features", "ratings")
    assert ran.code == 0
    assert "ratings: 0 to add, 1 to change" in ran.out
    assert _snapshot(cli, "ratings")["movie:tmdb:603"]["rating"] == 4


def test_history_remove_missing_removes_single_plays(
    seeded: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """Removing plays the file lacks deletes exactly those plays, by history id."""
    history = _snapshot(cli, "history")
    matrix = sorted(key for key in history if key.startswith("movie:tmdb:603@"))
    assert len(matrix) == 2
    keep = {key: item for key, item in history.items() if key != matrix[0]}
    path = tmp_path / "history.json"
    path.write_text(json.dumps(keep))
    ran = cli("import", str(path), "--features", "history", "--remove-missing")
    assert ran.code == 0, ran.out
    assert "history: 0 to add, 1 to remove, 13 unchanged" in ran.out
    assert set(_snapshot(cli, "history")) == set(keep)


def test_a_large_import_is_dense_and_draws_no_429(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """Restoring 3,000 plays, 400 ratings and 200 watchlist items: one write each, no 429."""
    generate_account(logged_in, "alice", watchlist=200, ratings=400, plays=2400, movie_plays=600)
    logged_in.write_seconds_per_entry = 0.0005  # Trakt takes its time with large bodies
    path = tmp_path / "backup.json"
    assert cli("export", "--out", str(path)).code == 0
    plays = len(json.loads(path.read_text())["features"]["history"])
    assert plays > 2000
    logged_in.add_user("alice")  # a fresh, empty account (the tokens stay valid)
    logged_in.clear_log()
    ran = cli("import", str(path))
    assert ran.code == 0, ran.out + ran.err
    assert f"adds: {plays} confirmed" in ran.out
    assert logged_in.log_count(status=429) == 0
    assert logged_in.log_count("POST", "/sync/history") == -(-plays // 2000)
    assert logged_in.log_count("POST", "/sync/ratings") == 1
    assert logged_in.log_count("POST", "/sync/watchlist") == 1
