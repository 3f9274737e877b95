"""last_activities moves as TRAKT_API.md says; /users/settings has the plan limits."""

from __future__ import annotations

import pytest


def _acts(api):
    return api.get("/sync/last_activities").json()


def test_history_moves_watched_at(api, matrix, trakt_clock):
    """Adding and removing plays moves movies.watched_at and ``all``."""
    before = _acts(api)
    api.post("/sync/history", {"movies": [{"ids": {"tmdb": 603}}]})
    after = _acts(api)
    assert after["movies"]["watched_at"] > before["movies"]["watched_at"]
    assert after["episodes"]["watched_at"] == before["episodes"]["watched_at"]
    assert after["all"] == after["movies"]["watched_at"]
    api.post("/sync/history/remove", {"movies": [{"ids": {"tmdb": 603}}]})
    assert _acts(api)["movies"]["watched_at"] > after["movies"]["watched_at"]


@pytest.mark.parametrize(
    ("path", "body", "area", "field"),
    [
        ("/sync/ratings", {"shows": [{"ids": {"trakt": 1388}, "rating": 5}]}, "shows", "rated_at"),
        (
            "/sync/watchlist",
            {"shows": [{"ids": {"trakt": 1388}, "seasons": [{"number": 1}]}]},
            "seasons",
            "watchlisted_at",
        ),
        ("/sync/watchlist", {"movies": [{"ids": {"tmdb": 603}}]}, "watchlist", "updated_at"),
        ("/sync/collection", {"shows": [{"ids": {"trakt": 1388}}]}, "episodes", "collected_at"),
    ],
)
def test_writes_move_their_timestamp(api, matrix, breaking_bad, path, body, area, field):
    """Each kind of write moves its own last_activities field."""
    before = _acts(api)
    assert api.post(path, body).status_code == 201
    after = _acts(api)
    assert after[area][field] > before[area][field]
    assert after["movies"]["rated_at"] == before["movies"]["rated_at"]


def test_direct_helpers_move_activities(fake_trakt, matrix, trakt_clock):
    """``fake.rate``/``watchlist_add``/``add_play``/``collect`` move the timestamps too."""
    user = fake_trakt.users["alice"]
    start = user.last_activities
    trakt_clock.advance(60)
    fake_trakt.rate("alice", matrix, 8)
    fake_trakt.watchlist_add("alice", matrix)
    fake_trakt.collect("alice", matrix)
    doc = user.last_activities
    for field in ("rated_at", "watchlisted_at", "collected_at"):
        assert doc["movies"][field] > start["movies"][field]
    trakt_clock.advance(60)
    fake_trakt.add_play("alice", matrix)
    doc = user.last_activities
    assert doc["movies"]["watched_at"] == doc["all"] == "2026-01-01T00:02:00.000Z"
    assert doc["watchlist"]["updated_at"] == doc["all"]  # the play took it off the watchlist


def test_dates_have_milliseconds_and_z(api):
    """Dates render as UTC ISO with milliseconds and Z."""
    assert _acts(api)["all"] == "2026-01-01T00:00:00.000Z"


def test_users_settings_shape(api, fake_trakt):
    """Settings report vip, plan limits and watch_only_once."""
    fake_trakt.add_user("vip", vip=True, watchlist_limit=250, watch_only_once=True)
    api.token = fake_trakt.issue_tokens("vip")["access_token"]
    doc = api.get("/users/settings").json()
    assert doc["user"]["username"] == "vip"
    assert doc["user"]["vip"] is True
    assert doc["limits"]["watchlist"]["item_count"] == 250
    assert set(doc["limits"]["list"]) == {"count", "item_count"}
    assert doc["browsing"]["watch_only_once"] is True
    assert "timezone" in doc["account"]
