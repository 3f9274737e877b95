"""Ratings and collection endpoints."""

from __future__ import annotations


def test_ratings_add_replace_and_rows(api, matrix, breaking_bad):
    """Ratings answer {added, not_found}; re-rating replaces; rows carry the media."""
    body = {
        "movies": [{"ids": {"tmdb": 603}, "rating": 8, "rated_at": "2024-01-01T10:00:00Z"}],
        "shows": [
            {
                "ids": {"tvdb": 81189},
                "rating": 9,
                "seasons": [{"number": 1, "rating": 7, "episodes": [{"number": 1, "rating": 10}]}],
            }
        ],
    }
    r = api.post("/sync/ratings", body)
    assert r.status_code == 201
    doc = r.json()
    assert doc["added"] == {"movies": 1, "shows": 1, "seasons": 1, "episodes": 1}
    assert "existing" not in doc
    again = api.post("/sync/ratings", {"movies": [{"ids": {"tmdb": 603}, "rating": 3}]}).json()
    assert again["added"]["movies"] == 1
    rows = {row["type"]: row for row in api.get("/sync/ratings").json()}
    assert rows["movie"]["rating"] == 3
    assert rows["season"]["show"]["ids"]["trakt"] == 1388
    assert rows["episode"]["episode"]["number"] == 1
    assert [r["rating"] for r in api.get("/sync/ratings/movies").json()] == [3]
    assert {r["type"] for r in api.get("/sync/ratings/all/9,10").json()} == {"show", "episode"}


def test_invalid_ratings_are_not_found(api, matrix):
    """A rating that is not an integer 1-10 puts the item in not_found as sent (documented)."""
    bad = [
        {"ids": {"tmdb": 603}, "rating": 11},
        {"ids": {"tmdb": 603}, "rating": 7.5},
        {"ids": {"tmdb": 603}},
    ]
    doc = api.post("/sync/ratings", {"movies": bad}).json()
    assert doc["added"]["movies"] == 0
    assert doc["not_found"]["movies"] == bad
    assert api.get("/sync/ratings").json() == []


def test_ratings_remove(api, fake_trakt, matrix):
    """Removing ratings answers {deleted, not_found}."""
    fake_trakt.rate("alice", matrix, 9)
    body = {"movies": [{"ids": {"tmdb": 603}}, {"ids": {"tmdb": 2}}]}
    doc = api.post("/sync/ratings/remove", body).json()
    assert doc["deleted"]["movies"] == 1
    assert doc["not_found"]["movies"] == [{"ids": {"tmdb": 2}}]


def test_collection_add_update_existing_remove(api, matrix, breaking_bad):
    """Collection adds count movies and episodes; a show adds all its episodes."""
    body = {
        "movies": [
            {"ids": {"tmdb": 603}, "collected_at": "2024-01-01T00:00:00Z", "media_type": "bluray"}
        ],
        "shows": [{"ids": {"tvdb": 81189}}],
    }
    doc = api.post("/sync/collection", body).json()
    assert doc["added"] == {"movies": 1, "episodes": 20}
    assert set(doc) == {"added", "updated", "existing", "not_found"}
    again = api.post("/sync/collection", {"movies": body["movies"]}).json()
    assert again["existing"]["movies"] == 1
    changed = {"movies": [{"ids": {"tmdb": 603}, "collected_at": "2024-02-01T00:00:00Z"}]}
    assert api.post("/sync/collection", changed).json()["updated"]["movies"] == 1
    movies = api.get("/sync/collection/movies", extended="metadata").json()
    assert movies[0]["movie"]["ids"]["tmdb"] == 603
    assert movies[0]["metadata"] == {"media_type": "bluray"}
    shows = api.get("/sync/collection/shows").json()
    assert [len(s["episodes"]) for s in shows[0]["seasons"]] == [7, 13]
    removed = api.post("/sync/collection/remove", {"shows": [{"ids": {"trakt": 1388}}]}).json()
    assert removed["deleted"] == {"movies": 0, "episodes": 20}
    assert api.get("/sync/collection/shows").json() == []


def test_watched_summary(api, fake_trakt, matrix, breaking_bad):
    """``/sync/watched/{movies|shows}`` counts plays per item."""
    fake_trakt.add_play("alice", matrix, "2024-01-01T00:00:00Z")
    fake_trakt.add_play("alice", matrix, "2024-01-02T00:00:00Z")
    fake_trakt.add_play("alice", breaking_bad.episode(1, 1), "2024-01-03T00:00:00Z")
    movies = api.get("/sync/watched/movies").json()
    assert movies[0]["plays"] == 2
    assert movies[0]["last_watched_at"] == "2024-01-02T00:00:00.000Z"
    shows = api.get("/sync/watched/shows").json()
    assert shows[0]["seasons"][0]["episodes"][0]["plays"] == 1
