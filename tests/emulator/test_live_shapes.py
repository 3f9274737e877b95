"""The emulator answers like the live API (issue 14): edge limits, paging quirks, today's fields."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest
import requests

from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from crosswatch_trakt.testing.emulator.launch import add_arguments, build_fake, parse_paging
from crosswatch_trakt.testing.emulator.responses import PagingQuirks

from .client import Api

SECRET = {"client_id": "test-client-id", "client_secret": "test-client-secret"}


@pytest.fixture
def edge() -> Any:
    """Serve an emulator with edge rate limits and a GET budget of 3 per 300 s."""
    clock = VirtualClock()
    fake = FakeTrakt(clock=clock, get_limit=3, edge_rate_limits=True)
    fake.add_user("alice")
    with fake.serve():
        yield Api(fake, clock, fake.issue_tokens("alice")["access_token"])


def test_default_get_budget_is_500_per_300_seconds(api: Api) -> None:
    """An ordinary answer reports the 500 per 300 s GET budget (staff, trakt/trakt-api#909)."""
    limit = json.loads(api.get("/sync/last_activities").headers["X-Ratelimit"])
    assert (limit["limit"], limit["period"]) == (500, 300)


def test_edge_limits_send_no_header_and_block_five_minutes(edge: Api) -> None:
    """Edge mode: no X-Ratelimit; past the budget an HTML 429 blocks every request 300 s."""
    for _ in range(3):
        ok = edge.get("/sync/last_activities")
        assert ok.status_code == 200
        assert "X-Ratelimit" not in ok.headers
    over = edge.get("/sync/last_activities")
    assert over.status_code == 429
    assert over.headers["Retry-After"] == "300"
    assert over.headers["Content-Type"].startswith("text/html")
    assert "X-Ratelimit" not in over.headers
    edge.clock.advance(200)
    blocked = edge.post("/sync/watchlist", {"movies": []})  # writes are blocked too
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) <= 100
    edge.clock.advance(100)
    assert edge.get("/sync/last_activities").status_code == 200


@pytest.fixture
def ten_movies(fake_trakt: FakeTrakt) -> FakeTrakt:
    """Put ten movies on alice's watchlist."""
    for i in range(10):
        fake_trakt.watchlist_add("alice", fake_trakt.catalog.add_movie(f"W{i}", 2000 + i))
    return fake_trakt


def test_drop_counts_keeps_page_and_limit_only(api: Api, ten_movies: FakeTrakt) -> None:
    """``drop_counts`` sends X-Pagination-Page and -Limit without the two counts (#198)."""
    ten_movies.paging = PagingQuirks(drop_counts=True)
    r = api.get("/sync/watchlist", page=1, limit=4)
    assert len(r.json()) == 4
    assert r.headers["X-Pagination-Page"] == "1"
    assert r.headers["X-Pagination-Limit"] == "4"
    assert "X-Pagination-Page-Count" not in r.headers
    assert "X-Pagination-Item-Count" not in r.headers


def test_inexact_count_and_filtered_rows(api: Api, ten_movies: FakeTrakt) -> None:
    """``item_count_offset`` skews the count; ``filter_every`` leaves rows out of their page."""
    ten_movies.paging = PagingQuirks(item_count_offset=3, filter_every=3)
    first = api.get("/sync/watchlist", page=1, limit=5)
    assert first.headers["X-Pagination-Item-Count"] == "13"
    assert first.headers["X-Pagination-Page-Count"] == "2"
    assert [row["rank"] for row in first.json()] == [1, 2, 4, 5]
    second = api.get("/sync/watchlist", page=2, limit=5)
    assert [row["rank"] for row in second.json()] == [7, 8, 10]


def test_quirks_apply_only_to_their_paths(api: Api, ten_movies: FakeTrakt) -> None:
    """``paths`` limits the quirks to the listed request paths."""
    ten_movies.paging = PagingQuirks(drop_counts=True, paths=frozenset({"/sync/history"}))
    assert "X-Pagination-Item-Count" in api.get("/sync/watchlist", page=1, limit=4).headers


def test_watched_is_not_paginated(api: Api, fake_trakt: FakeTrakt) -> None:
    """``/sync/watched/movies`` ignores page and limit and sends no pagination headers."""
    for i in range(5):
        fake_trakt.add_play("alice", fake_trakt.catalog.add_movie(f"P{i}", 1990 + i))
    r = api.get("/sync/watched/movies", page=1, limit=2)
    assert len(r.json()) == 5
    assert not [name for name in r.headers if name.startswith("X-Pagination")]


def test_watchlist_sort_route_says_what_it_applied(api: Api, ten_movies: FakeTrakt) -> None:
    """``/sync/watchlist/{type}/{sort_by}/{sort_how}`` sorts and sends X-Applied-Sort-*."""
    r = api.get("/sync/watchlist/movies/title/desc", page=1, limit=10)
    assert [row["movie"]["title"] for row in r.json()] == [f"W{i}" for i in range(9, -1, -1)]
    assert (r.headers["X-Applied-Sort-By"], r.headers["X-Applied-Sort-How"]) == ("title", "desc")
    assert (r.headers["X-Sort-By"], r.headers["X-Sort-How"]) == ("rank", "asc")
    default = api.get("/sync/watchlist", page=1, limit=10)
    assert default.headers["X-Applied-Sort-By"] == "rank"


def test_settings_and_activities_have_todays_fields(api: Api) -> None:
    """Settings carry vip_og, vip_years, limits.search, free watchlist 250, no recommendations."""
    settings = api.get("/users/settings").json()
    assert {"vip_og", "vip_years"} <= set(settings["user"])
    assert settings["limits"]["watchlist"]["item_count"] == 250
    assert "search" in settings["limits"]
    assert "recommendations" not in settings["limits"]
    activities = api.get("/sync/last_activities").json()
    assert "dropped_at" in activities["shows"]
    assert "recommendations" not in activities
    assert activities["all"].endswith(".000Z")


def test_history_add_answers_with_updated(api: Api, fake_trakt: FakeTrakt) -> None:
    """A history add answers ``added``, ``updated`` and ``not_found``."""
    fake_trakt.catalog.add_movie("Heat", 1995, {"tmdb": 949})
    r = api.post("/sync/history", {"movies": [{"ids": {"tmdb": 949}}]})
    assert r.status_code == 201
    assert r.json()["updated"] == {"movies": 0, "episodes": 0}
    assert r.json()["added"]["movies"] == 1


def test_authorization_code_grant(fake_trakt: FakeTrakt) -> None:
    """An authorization code is exchanged once, for its redirect URI only."""
    code = fake_trakt.authorization_code("alice", "https://app.example/cb")
    url = fake_trakt.base_url + "/oauth/token"
    body = {**SECRET, "code": code, "grant_type": "authorization_code"}
    headers = fake_trakt.headers()
    wrong = requests.post(url, json={**body, "redirect_uri": "urn:x"}, headers=headers, timeout=5)
    assert wrong.status_code == 400
    good = {**body, "redirect_uri": "https://app.example/cb"}
    ok = requests.post(url, json=good, headers=headers, timeout=5)
    assert ok.status_code == 200
    assert ok.json()["token_type"] == "bearer"
    assert requests.post(url, json=good, headers=headers, timeout=5).status_code == 400


def test_command_line_switches_for_the_live_shapes() -> None:
    """``--edge-limits`` and ``--paging`` set the emulator's edge limits and paging quirks."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--edge-limits", "--paging", "drop_counts,item_count_offset=10"])
    fake = build_fake(args, VirtualClock())
    assert fake.edge_rate_limits
    assert fake.paging == PagingQuirks(drop_counts=True, item_count_offset=10)
    assert parse_paging("filter_every=7,drop_type").filter_every == 7
    for bad in ("colour", "drop_counts=1", "filter_every=x"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_paging(bad)
