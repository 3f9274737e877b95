"""History: plays, duplicates, minute precision, removes by id or item, and the watchlist."""

from __future__ import annotations

import pytest


def _plays(api, path="/sync/history", **params):
    return api.get(path, limit=250, **params).json()


def test_same_play_posted_twice_makes_two_plays(api, matrix):
    """Trakt does not dedupe: posting the same item and watched_at twice gives two plays."""
    body = {"movies": [{"ids": {"tmdb": 603}, "watched_at": "2024-05-01T20:31:00.000Z"}]}
    for _ in range(2):
        r = api.post("/sync/history", body)
        assert r.status_code == 201
        assert r.json()["added"] == {"movies": 1, "episodes": 0}
    rows = _plays(api)
    assert len(rows) == 2
    assert rows[0]["id"] != rows[1]["id"]


def test_watched_at_is_stored_to_the_minute(api, matrix):
    """``03:44:55Z`` reads back as ``03:44:00.000Z``; offsets are converted to UTC."""
    api.post(
        "/sync/history", {"movies": [{"ids": {"tmdb": 603}, "watched_at": "2024-05-01T03:44:55Z"}]}
    )
    api.post(
        "/sync/history",
        {"movies": [{"ids": {"tmdb": 603}, "watched_at": "2024-05-02T05:10:30.123+02:00"}]},
    )
    stamps = sorted(row["watched_at"] for row in _plays(api))
    assert stamps == ["2024-05-01T03:44:00.000Z", "2024-05-02T03:10:00.000Z"]


def test_history_ids_are_64_bit_and_rows_have_the_trakt_shape(api, matrix, breaking_bad):
    """Rows are {id, watched_at, action, type, movie | episode+show}, newest first."""
    api.post(
        "/sync/history",
        {
            "movies": [{"ids": {"tmdb": 603}, "watched_at": "2024-01-01T00:00:00Z"}],
            "shows": [
                {
                    "ids": {"tvdb": 81189},
                    "seasons": [
                        {
                            "number": 1,
                            "episodes": [{"number": 2, "watched_at": "2024-02-01T00:00:00Z"}],
                        }
                    ],
                }
            ],
        },
    )
    episode, movie = _plays(api)
    assert episode["id"] > 2**32
    assert movie["id"] > 2**32
    assert episode["type"] == "episode"
    assert episode["action"] == "watch"
    assert episode["episode"]["season"] == 1
    assert episode["episode"]["number"] == 2
    assert episode["show"]["ids"]["trakt"] == 1388
    assert movie["movie"]["ids"]["imdb"] == "tt0133093"
    assert [r["type"] for r in _plays(api, "/sync/history/movies")] == ["movie"]
    assert [r["type"] for r in _plays(api, "/sync/history/shows/1388")] == ["episode"]
    assert _plays(api, "/sync/history/movies/1") == []


def test_start_at_and_end_at_filter(api, fake_trakt, matrix):
    """``start_at``/``end_at`` keep plays within the window (inclusive)."""
    for day in (1, 2, 3):
        fake_trakt.add_play("alice", matrix, f"2024-03-0{day}T12:00:00Z")
    rows = _plays(api, start_at="2024-03-02T00:00:00Z", end_at="2024-03-03T12:00:00.000Z")
    assert [row["watched_at"][:10] for row in rows] == ["2024-03-03", "2024-03-02"]


def test_released_and_unknown_literals(api, matrix):
    """``released`` uses the release date; ``unknown`` is accepted; bad dates are not_found."""
    body = {
        "movies": [
            {"ids": {"tmdb": 603}, "watched_at": "released"},
            {"ids": {"tmdb": 603}, "watched_at": "unknown"},
            {"ids": {"tmdb": 603}, "watched_at": "yesterday-ish"},
        ]
    }
    doc = api.post("/sync/history", body).json()
    assert doc["added"]["movies"] == 2
    assert doc["not_found"]["movies"] == [body["movies"][2]]
    stamps = {row["watched_at"] for row in _plays(api)}
    assert "1999-03-31T00:00:00.000Z" in stamps
    assert "1970-01-01T00:00:00.000Z" in stamps


def test_show_and_season_bodies_expand_to_episodes(api, breaking_bad):
    """A show adds a play of every episode; nested unknown numbers are echoed in not_found."""
    body = {
        "shows": [
            {
                "ids": {"tvdb": 81189},
                "seasons": [
                    {"number": 1},
                    {"number": 2, "episodes": [{"number": 1}, {"number": 99}]},
                    {"number": 7},
                ],
                "watched_at": "2024-01-01T00:00:00Z",
            }
        ],
        "seasons": [{"ids": {"trakt": breaking_bad.seasons[2].trakt}}],
    }
    doc = api.post("/sync/history", body).json()
    assert doc["added"] == {"movies": 0, "episodes": 7 + 1 + 13}
    echo = doc["not_found"]["shows"]
    assert echo == [
        {
            "ids": {"tvdb": 81189},
            "seasons": [{"number": 2, "episodes": [{"number": 99}]}, {"number": 7}],
            "watched_at": "2024-01-01T00:00:00Z",
        }
    ]


def test_remove_by_ids_removes_exactly_those_plays(api, fake_trakt, matrix):
    """``ids`` remove exactly the listed plays; unknown ids come back in not_found.ids."""
    first = fake_trakt.add_play("alice", matrix, "2024-01-01T00:00:00Z")
    fake_trakt.add_play("alice", matrix, "2024-01-02T00:00:00Z")
    r = api.post("/sync/history/remove", {"ids": [first, 123]})
    assert r.status_code == 200
    doc = r.json()
    assert doc["deleted"] == {"movies": 1, "episodes": 0}
    assert doc["not_found"]["ids"] == [123]
    assert set(doc["not_found"]) == {"movies", "shows", "seasons", "episodes", "ids"}
    assert [row["watched_at"][:10] for row in _plays(api)] == ["2024-01-02"]


def test_remove_by_item_removes_every_play(api, fake_trakt, matrix, breaking_bad):
    """Removing an item deletes all its plays; a show removes all its episodes' plays."""
    for day in (1, 2, 3):
        fake_trakt.add_play("alice", matrix, f"2024-01-0{day}T00:00:00Z")
    fake_trakt.add_play("alice", breaking_bad.episode(1, 1))
    fake_trakt.add_play("alice", breaking_bad.episode(2, 5))
    body = {"movies": [{"ids": {"tmdb": 603}}], "shows": [{"ids": {"trakt": 1388}}]}
    doc = api.post("/sync/history/remove", body).json()
    assert doc["deleted"] == {"movies": 3, "episodes": 2}
    assert _plays(api) == []


@pytest.mark.parametrize("what", ["movie", "show", "season", "episode"])
def test_watching_removes_from_the_watchlist(api, fake_trakt, matrix, breaking_bad, what):
    """A watched movie leaves the watchlist; a show or season once any episode is watched."""
    episode = breaking_bad.episode(1, 3)
    media = {
        "movie": matrix,
        "show": breaking_bad,
        "season": breaking_bad.seasons[1],
        "episode": episode,
    }[what]
    fake_trakt.watchlist_add("alice", media)
    play = (
        {"movies": [{"ids": {"tmdb": 603}}]}
        if what == "movie"
        else {"episodes": [{"ids": {"trakt": episode.trakt}}]}
    )
    api.post("/sync/history", play)
    assert api.get("/sync/watchlist").json() == []


def test_watch_only_once_still_records(api, fake_trakt, matrix):
    """With ``watch_only_once`` set the emulator still records every play (documented)."""
    fake_trakt.users["alice"].settings.watch_only_once = True
    body = {"movies": [{"ids": {"tmdb": 603}, "watched_at": "2024-01-01T00:00:00Z"}]}
    api.post("/sync/history", body)
    api.post("/sync/history", body)
    assert len(_plays(api)) == 2
