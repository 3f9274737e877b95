"""``state``, ``logout --purge`` and the held-back memory's size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.builders import seed_demo
from tests.cli.conftest import Runner

UNKNOWN = [{"type": "movie", "title": "Nowhere", "year": 1901, "ids": {"tmdb": 999999}}]
WEEK = 7 * 86400


@pytest.fixture
def held(logged_in: FakeTrakt, cli: Runner, tmp_path: Path) -> Path:
    """Import a watchlist item Trakt does not know, so it is held back; return the file."""
    seed_demo(logged_in, "alice")
    path = tmp_path / "unknown.json"
    path.write_text(json.dumps(UNKNOWN))
    assert cli("import", str(path), "--features", "watchlist").code == 1
    return path


def test_state_shows_files_watermarks_and_holds(held: Path, cli: Runner) -> None:
    """``state`` lists the files with sizes, the watermarks and each hold's reason and end."""
    ran = cli("state")
    assert ran.code == 0
    assert "trakt_tokens.json" in ran.out
    assert "trakt_watchlist.unresolved.json" in ran.out
    assert "Watermarks of watchlist: watchlist 20" in ran.out
    assert "movie:tmdb:999999  not_found (1 tries), held until 2026-01-08" in ran.out
    assert json.loads(cli("state", "--json").out) == json.loads(cli("state", "show", "--json").out)
    report = json.loads(cli("state", "show", "--json").out)
    (hold,) = report["holds"]
    assert hold["reason"] == "not_found"
    assert hold["expires_at"] == hold["last_tried"] + WEEK


def test_clear_holds_lets_the_item_be_sent_again(
    held: Path, cli: Runner, logged_in: FakeTrakt
) -> None:
    """A held item is not sent again; after ``state clear-holds`` it is."""
    again = cli("import", str(held), "--features", "watchlist")
    assert "previously_not_found: 1" in again.out
    assert "state clear-holds" in again.out
    logged_in.clear_log()
    assert cli("import", str(held), "--features", "watchlist").code == 1
    assert logged_in.log_count("POST", "/sync/watchlist") == 0
    cleared = cli("state", "clear-holds", "--feature", "watchlist")
    assert "Cleared 1 held-back watchlist item(s)" in cleared.out
    assert cli("import", str(held), "--features", "watchlist").code == 1
    assert logged_in.log_count("POST", "/sync/watchlist") == 1


def test_reset_keeps_the_login(held: Path, cli: Runner, state_dir: Path) -> None:
    """``state reset`` deletes caches and holds; the tokens stay and commands still work."""
    ran = cli("state", "reset")
    assert ran.code == 0
    names = {path.name for path in state_dir.iterdir() if not path.name.endswith(".lock")}
    assert names == {"trakt_tokens.json"}
    assert cli("snapshot", "watchlist").code == 0


def test_logout_purge_removes_cached_personal_data(
    held: Path, cli: Runner, state_dir: Path
) -> None:
    """``logout --purge`` leaves no cache, hold or token file behind."""
    ran = cli("logout", "--purge")
    assert ran.code == 0
    assert "Purged" in ran.out
    assert not [path for path in state_dir.iterdir() if path.name.startswith("trakt_")]


def test_logout_when_not_logged_in(emulator_env: FakeTrakt, cli: Runner) -> None:
    """Logging out without a login says so, sends nothing and succeeds."""
    ran = cli("logout")
    assert ran.code == 0
    assert "Not logged in" in ran.out
    assert "did not confirm" not in ran.out
    assert emulator_env.log_count("POST", "/oauth/revoke") == 0


def test_a_huge_title_keeps_the_hold_file_small(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path, state_dir: Path
) -> None:
    """A 1 MB title held back costs the hold file a digest, not the title (twice)."""
    path = tmp_path / "huge.json"
    path.write_text(json.dumps([{"type": "movie", "title": "A" * 1_000_000, "year": 2000}]))
    assert cli("import", str(path), "--features", "watchlist").code == 1
    hold = state_dir / "trakt_watchlist.unresolved.json"
    assert hold.stat().st_size < 2000
    again = cli("import", str(path), "--features", "watchlist")
    assert "previously_not_found: 1" in again.out


def test_reset_removes_the_remembered_title_items(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path, state_dir: Path
) -> None:
    """``state reset`` also deletes the title-to-item memory (it names what the user has)."""
    seed_demo(logged_in, "alice")
    path = tmp_path / "titled.json"
    path.write_text(json.dumps([{"type": "movie", "title": "Parasite", "year": 2019}]))
    assert cli("import", str(path), "--features", "watchlist").code == 0
    assert cli("import", str(path), "--features", "watchlist").code == 0
    assert (state_dir / "trakt_watchlist.resolved.json").exists()
    assert cli("state", "reset").code == 0
    names = {p.name for p in state_dir.iterdir() if not p.name.endswith(".lock")}
    assert names == {"trakt_tokens.json"}


def test_an_unreadable_state_file_is_a_clean_error(cli: Runner, state_dir: Path) -> None:
    """A hold file that cannot be read makes ``state`` exit 2 with a sentence, no traceback."""
    (state_dir / "trakt_watchlist.unresolved.json").mkdir(parents=True)
    ran = cli("state")
    assert ran.code == 2
    assert "trakt_watchlist.unresolved.json" in ran.err
    assert "Traceback" not in ran.err


def test_state_warns_about_a_world_writable_folder(
    held: Path, cli: Runner, state_dir: Path
) -> None:
    """``state`` warns about a folder anyone may write, with the chmod that fixes it."""
    state_dir.chmod(0o777)
    ran = cli("state")
    assert ran.code == 0
    assert "may be changed by other users" in ran.err
    assert f"chmod go-w {state_dir}" in ran.err
    state_dir.chmod(0o700)
    assert "may be changed by other users" not in cli("state").err


def test_cache_served_run_warns_about_a_world_writable_folder(
    held: Path, cli: Runner, state_dir: Path
) -> None:
    """A run served from the caches (nothing written) warns about the folder as a write does."""
    assert cli("export", "--features", "watchlist").code == 0
    state_dir.chmod(0o777)
    ran = cli("export", "--features", "watchlist")
    assert ran.code == 0
    assert "may be changed by other users" in ran.err
