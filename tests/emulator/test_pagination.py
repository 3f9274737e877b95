"""Pagination: default 100, clamp to 250, and the four X-Pagination headers."""

from __future__ import annotations

import pytest


@pytest.fixture
def big_watchlist(fake_trakt):
    """Give alice 260 watchlist movies (no plan limit)."""
    fake_trakt.users["alice"].settings.watchlist_limit = None
    for i in range(260):
        movie = fake_trakt.catalog.add_movie(title=f"Movie {i}", year=2000)
        fake_trakt.watchlist_add("alice", movie)
    return 260


def _pages(r):
    return {
        k: int(r.headers[f"X-Pagination-{k}"])
        for k in ("Page", "Limit", "Page-Count", "Item-Count")
    }


def test_default_limit_is_100(api, big_watchlist):
    """Without ``limit`` only the first 100 items come back, with the four headers."""
    r = api.get("/sync/watchlist")
    assert len(r.json()) == 100
    assert _pages(r) == {"Page": 1, "Limit": 100, "Page-Count": 3, "Item-Count": 260}


def test_limit_is_clamped_to_250(api, big_watchlist):
    """A ``limit`` above 250 is silently clamped to 250."""
    r = api.get("/sync/watchlist", page=1, limit=1000)
    assert len(r.json()) == 250
    assert _pages(r) == {"Page": 1, "Limit": 250, "Page-Count": 2, "Item-Count": 260}


def test_walking_pages_returns_every_item_once(api, big_watchlist):
    """Walking to the page count with the applied limit returns each item exactly once."""
    first = api.get("/sync/watchlist", page=1, limit=250)
    second = api.get("/sync/watchlist", page=2, limit=250)
    ranks = [row["rank"] for row in first.json() + second.json()]
    assert ranks == list(range(1, 261))
    assert api.get("/sync/watchlist", page=3, limit=250).json() == []


@pytest.mark.parametrize("path", ["/sync/history", "/sync/collection/movies"])
def test_other_lists_are_paginated(api, fake_trakt, path):
    """History and collection reads send the pagination headers too."""
    movie = fake_trakt.catalog.add_movie(title="Solo", year=2001)
    for minute in range(3):
        fake_trakt.add_play("alice", movie, 1_700_000_000 + minute * 60)
    fake_trakt.collect("alice", movie)
    r = api.get(path, page=1, limit=2)
    assert r.status_code == 200
    assert int(r.headers["X-Pagination-Limit"]) == 2
    assert int(r.headers["X-Pagination-Item-Count"]) >= 1


def test_ratings_paginate_only_on_request(api, fake_trakt):
    """Ratings without page/limit come back whole; with them they are paginated."""
    for i in range(120):
        fake_trakt.rate("alice", fake_trakt.catalog.add_movie(title=f"R{i}", year=1990), 7)
    whole = api.get("/sync/ratings")
    assert len(whole.json()) == 120
    assert whole.headers["X-Pagination-Item-Count"] == "120"
    paged = api.get("/sync/ratings", page=2, limit=50)
    assert len(paged.json()) == 50
    assert _pages(paged) == {"Page": 2, "Limit": 50, "Page-Count": 3, "Item-Count": 120}
