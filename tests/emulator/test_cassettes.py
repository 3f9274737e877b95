"""Cassettes: scrubbing, a record/replay round trip, and a secret scan of cassettes/."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from vcr.errors import CannotOverwriteExistingCassetteException

from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.cassettes import cassette_path, find_secrets, make_vcr
from crosswatch_trakt.testing.emulator.builders import seed_demo

ROOT = Path(__file__).resolve().parents[2] / "cassettes"


def _exchange(base_url: str, headers: dict[str, str], refresh_token: str) -> list[object]:
    """Make the same calls in recording and replay; return what they answered."""
    oauth = {"client_id": "test-client-id", "client_secret": "test-client-secret"}
    page = requests.get(
        base_url + "/sync/history", params={"page": 1, "limit": 5}, headers=headers, timeout=5
    )
    refreshed = requests.post(
        base_url + "/oauth/token",
        json={"refresh_token": refresh_token, "grant_type": "refresh_token", **oauth},
        headers=headers,
        timeout=5,
    )
    return [
        refreshed.status_code,
        page.status_code,
        page.headers["X-Pagination-Item-Count"],
        page.json(),
    ]


def test_record_then_replay_with_the_server_gone(tmp_path):
    """A cassette recorded against the emulator replays without it, and holds no secret."""
    fake = FakeTrakt()
    seed_demo(fake, "alice")
    tokens = fake.issue_tokens("alice")
    with fake.serve():
        base_url = fake.base_url
        headers = fake.headers(tokens["access_token"])
        with make_vcr(tmp_path, "all").use_cassette("round_trip.yaml"):
            recorded = _exchange(base_url, headers, tokens["refresh_token"])
    text = (tmp_path / "round_trip.yaml").read_text()
    secrets = [tokens["access_token"], tokens["refresh_token"], "test-client-secret"]
    assert find_secrets(text, known=secrets) == []
    assert "REDACTED" in text
    other = fake.headers("another-token")  # auth differs in replay: headers are not matched
    with make_vcr(tmp_path, "none").use_cassette("round_trip.yaml"):
        replayed = _exchange(base_url, other, "another-refresh-token")
        with pytest.raises(CannotOverwriteExistingCassetteException):
            requests.get(base_url + "/sync/ratings", headers=other, timeout=5)
    assert replayed == recorded
    assert recorded[:3] == [200, 200, "14"]


def test_find_secrets_spots_leaks():
    """The scanner flags bearer tokens, unredacted auth headers and token fields."""
    leaky = (
        "headers:\n  Authorization:\n  - Bearer abcdef0123456789\n"
        "  trakt-api-key:\n  - 0123456789abcdef\n"
        'body: {string: \'{"access_token":"0123456789abcdef0123"}\'}\n'
    )
    assert len(find_secrets(leaky)) >= 3
    clean = 'headers:\n  Authorization:\n  - REDACTED\nbody: \'{"access_token":"REDACTED"}\'\n'
    assert find_secrets(clean, known=["a-known-secret-value"]) == []


def test_cassette_path_convention():
    """Cassettes live at cassettes/<test module>/<test name>.yaml."""
    path = cassette_path("cassettes", "tests.features.test_watchlist", "test_add[movie-1]")
    assert path == Path("cassettes/test_watchlist/test_add_movie-1.yaml")


def test_no_cassette_contains_a_secret():
    """Every committed cassette is scrubbed of tokens, secrets and Authorization values."""
    files = sorted(ROOT.glob("**/*.yaml"))
    leaks = {str(f): find_secrets(f.read_text()) for f in files}
    assert {name: found for name, found in leaks.items() if found} == {}


@pytest.mark.cassette
def test_demo_account_reads(trakt_cassette):
    """Replaying a recorded read of the demo account gives its settings and watchlist."""
    config = trakt_cassette.config
    headers = {
        "Content-Type": "application/json",
        "trakt-api-key": config["client_id"],
        "trakt-api-version": "2",
        "User-Agent": "crosswatch-trakt-tests/1.0",
        "Authorization": f"Bearer {config['access_token']}",
    }
    settings = requests.get(config["base_url"] + "/users/settings", headers=headers, timeout=5)
    watchlist = requests.get(
        config["base_url"] + "/sync/watchlist",
        params={"page": 1, "limit": 250},
        headers=headers,
        timeout=5,
    )
    assert settings.json()["limits"]["watchlist"]["item_count"] == 100
    assert watchlist.headers["X-Pagination-Item-Count"] == str(len(watchlist.json()))
    assert {row["type"] for row in watchlist.json()} <= {"movie", "show", "season", "episode"}
