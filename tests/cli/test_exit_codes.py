"""Exit codes: usage error, login required, partial, Trakt refused, other errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosswatch_trakt.cli.main import main
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.builders import seed_demo
from tests.cli.conftest import Runner

MATRIX = {"type": "movie", "title": "The Matrix", "year": 1999, "ids": {"tmdb": 603}}


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Running without a command prints the help and exits 2."""
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().err


def test_bad_argument_is_a_usage_error(cli: Runner) -> None:
    """An unknown feature name is rejected by the parser with exit code 2."""
    ran = cli("snapshot", "collections")
    assert ran.code == 2
    assert "invalid choice" in ran.err


def test_missing_client_id_is_a_usage_error(cli: Runner) -> None:
    """Without a client id the command says where to set it and exits 2."""
    ran = cli("snapshot", "watchlist")
    assert ran.code == 2
    assert "TRAKT_CLIENT_ID" in ran.err
    assert "Traceback" not in ran.err


def test_missing_config_file_is_a_usage_error(cli: Runner, tmp_path: Path) -> None:
    """An explicit --config that does not exist exits 2."""
    ran = cli("--config", str(tmp_path / "nope.toml"), "status")
    assert ran.code == 2
    assert "does not exist" in ran.err


def test_bad_config_value_is_a_usage_error(emulator_env: FakeTrakt, cli: Runner) -> None:
    """A config value the adapter refuses (a non-https URL) exits 2 naming the key."""
    ran = cli("--base-url", "http://example.com", "snapshot", "watchlist")
    assert ran.code == 2
    assert "base_url" in ran.err


def test_not_logged_in_is_login_required(emulator_env: FakeTrakt, cli: Runner) -> None:
    """A snapshot without a login exits 3 and says to run login."""
    ran = cli("snapshot", "watchlist")
    assert ran.code == 3
    assert "crosswatch-trakt login" in ran.err
    assert ran.err.count("\n") == 1


def test_revoked_login_is_login_required(logged_in: FakeTrakt, cli: Runner) -> None:
    """A login revoked at Trakt (refresh impossible) exits 3."""
    logged_in.revoke_tokens("alice")
    ran = cli("snapshot", "watchlist")
    assert ran.code == 3
    assert "login" in ran.err


def test_unresolved_items_are_partial(logged_in: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """An import with an invalid rating exits 1 and prints the reason."""
    path = tmp_path / "ratings.json"
    path.write_text(json.dumps([{**MATRIX, "rating": 11}, {**MATRIX, "rating": 9}]))
    ran = cli("import", str(path), "--features", "ratings")
    assert ran.code == 1
    assert "invalid_rating: 1" in ran.out


def test_plan_limit_is_refused(logged_in: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """A watchlist import past the plan limit exits 4 with account_limit items."""
    seed_demo(logged_in, "alice")
    logged_in.users["alice"].settings.watchlist_limit = 7
    items = [{"type": "movie", "ids": {"tmdb": tmdb}} for tmdb in (603, 27205, 155, 680, 550, 13)]
    path = tmp_path / "watchlist.json"
    path.write_text(json.dumps(items))
    ran = cli("import", str(path), "--features", "watchlist")
    assert ran.code == 4
    assert "account_limit: 5" in ran.out


def test_locked_account_is_refused(logged_in: FakeTrakt, cli: Runner) -> None:
    """A locked account (423) exits 4 with one sentence."""
    logged_in.lock_account("alice")
    ran = cli("snapshot", "ratings")
    assert ran.code == 4
    assert "locked" in ran.err


def test_unreachable_trakt_is_an_error(
    emulator_env: FakeTrakt, cli: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server that does not answer exits 5 and suggests checking the network."""
    assert cli("login").code == 0
    monkeypatch.setenv("CROSSWATCH_TRAKT_BASE_URL", "http://127.0.0.1:9")
    ran = cli("snapshot", "watchlist")
    assert ran.code == 5
    assert "Traceback" not in ran.err


def test_bad_backup_file_is_a_usage_error(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """A file that is not JSON, or a newer export version, exits 2."""
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert cli("import", str(broken)).code == 2
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"format": "crosswatch-trakt-export", "version": 99}))
    ran = cli("import", str(newer))
    assert ran.code == 2
    assert "upgrade crosswatch-trakt" in ran.err
