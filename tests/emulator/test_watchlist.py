"""Watchlist endpoints: rows, adds, removes, not_found echoes and the 420 plan limit."""

from __future__ import annotations

FOUR = {"movies", "shows", "seasons", "episodes"}


def test_add_returns_counts_existing_and_not_found(api, matrix, breaking_bad):
    """Adds answer 201 with added/existing/not_found/list; re-adding counts as existing."""
    body = {
        "movies": [{"ids": {"imdb": "tt0133093"}}, {"title": "Nope", "year": 1900}],
        "shows": [{"ids": {"tvdb": 81189}}],
        "episodes": [{"ids": {"trakt": 999999999}}],
    }
    r = api.post("/sync/watchlist", body)
    assert r.status_code == 201
    doc = r.json()
    assert doc["added"] == {"movies": 1, "shows": 1, "seasons": 0, "episodes": 0}
    assert doc["existing"] == {"movies": 0, "shows": 0, "seasons": 0, "episodes": 0}
    assert doc["not_found"]["movies"] == [{"title": "Nope", "year": 1900}]
    assert doc["not_found"]["episodes"] == [{"ids": {"trakt": 999999999}}]
    assert doc["list"]["item_count"] == 2
    assert doc["list"]["updated_at"].endswith(".000Z")
    again = api.post("/sync/watchlist", body).json()
    assert again["added"]["movies"] == 0
    assert again["existing"] == {"movies": 1, "shows": 1, "seasons": 0, "episodes": 0}


def test_rows_have_the_trakt_shape(api, fake_trakt, matrix, breaking_bad):
    """Rows carry rank, id, listed_at, notes, type and the media (plus show for seasons)."""
    api.post(
        "/sync/watchlist",
        {
            "movies": [{"ids": {"slug": "the-matrix-1999"}, "notes": "rewatch"}],
            "shows": [{"ids": {"trakt": 1388}, "seasons": [{"number": 2}]}],
        },
    )
    rows = api.get("/sync/watchlist").json()
    assert [row["type"] for row in rows] == ["movie", "season"]
    movie, season = rows
    assert {"rank", "id", "listed_at", "notes", "type", "movie"} <= set(movie)
    assert movie["notes"] == "rewatch"
    assert movie["movie"]["ids"]["tmdb"] == 603
    assert season["season"]["number"] == 2
    assert season["show"]["ids"]["tvdb"] == 81189
    assert [r["type"] for r in api.get("/sync/watchlist/movies").json()] == ["movie"]
    assert [r["type"] for r in api.get("/sync/watchlist/seasons/rank").json()] == ["season"]


def test_remove_returns_deleted_and_not_found(api, fake_trakt, matrix):
    """Removes answer 200 with deleted/not_found/list."""
    fake_trakt.watchlist_add("alice", matrix)
    body = {"movies": [{"ids": {"tmdb": 603}}, {"ids": {"tmdb": 1}}]}
    r = api.post("/sync/watchlist/remove", body)
    assert r.status_code == 200
    doc = r.json()
    assert doc["deleted"] == {"movies": 1, "shows": 0, "seasons": 0, "episodes": 0}
    assert doc["not_found"]["movies"] == [{"ids": {"tmdb": 1}}]
    assert set(doc["not_found"]) >= FOUR
    assert doc["list"]["item_count"] == 0


def test_plan_limit_gives_420_and_applies_nothing(api, fake_trakt):
    """An add that would pass the watchlist limit gets 420 with headers; nothing is added."""
    fake_trakt.users["alice"].settings.watchlist_limit = 3
    movies = [fake_trakt.catalog.add_movie(title=f"M{i}", year=2000) for i in range(5)]
    for movie in movies[:2]:
        fake_trakt.watchlist_add("alice", movie)
    body = {"movies": [{"ids": {"trakt": m.trakt}} for m in movies]}  # 2 there + 3 new
    r = api.post("/sync/watchlist", body)
    assert r.status_code == 420
    assert r.headers["X-Upgrade-URL"].startswith("https://")
    assert r.headers["X-VIP-User"] == "false"
    assert r.headers["X-Account-Limit"] == "3"
    assert len(fake_trakt.users["alice"].watchlist) == 2
    ok = api.post("/sync/watchlist", {"movies": body["movies"][:3]})  # 2 existing + 1 new
    assert ok.status_code == 201
    assert ok.json()["list"]["item_count"] == 3


def test_data_over_the_limit_stays_readable(api, fake_trakt):
    """Items already over a lowered limit are still listed."""
    for i in range(5):
        fake_trakt.watchlist_add("alice", fake_trakt.catalog.add_movie(title=f"X{i}", year=1))
    fake_trakt.users["alice"].settings.watchlist_limit = 2
    assert len(api.get("/sync/watchlist").json()) == 5
