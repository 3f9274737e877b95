"""Answers of the live Trakt API, written from its public documentation and issue tracker.

Each answer is what ``api.trakt.tv`` sends for one request, as the API blueprint's examples
and the trakt/trakt-api threads show it: null and empty ids, ``tvrage``, 64-bit history ids,
``year: null``, season 0, rows without ``type`` (2015 answers of ``/sync/ratings/{type}``),
answers without page counts (#198) and with wrong item counts (#823, #82). They are data for
``test_contract.py``, never sent anywhere.
"""

from __future__ import annotations

from typing import Any

#: ``GET /sync/last_activities`` today (favorites replaced recommendations; shows.dropped_at)
LAST_ACTIVITIES: dict[str, Any] = {
    "all": "2026-11-20T07:01:32.000Z",
    "movies": {
        "watched_at": "2026-11-19T21:42:41.000Z",
        "collected_at": "2026-11-20T06:51:30.000Z",
        "rated_at": "2026-11-19T18:32:29.000Z",
        "watchlisted_at": "2026-11-19T21:42:41.000Z",
        "favorited_at": "2026-11-19T21:42:41.000Z",
        "commented_at": "2026-11-20T06:51:30.000Z",
        "paused_at": "2026-11-20T06:51:30.000Z",
        "hidden_at": "2026-08-20T06:51:30.000Z",
    },
    "episodes": {
        "watched_at": "2026-11-20T06:51:30.000Z",
        "collected_at": "2026-11-19T22:02:41.000Z",
        "rated_at": "2026-11-20T06:51:30.000Z",
        "watchlisted_at": "2026-11-20T06:51:30.000Z",
        "commented_at": "2026-11-20T06:51:30.000Z",
        "paused_at": "2026-11-20T06:51:30.000Z",
    },
    "shows": {
        "rated_at": "2026-11-19T19:50:58.000Z",
        "watchlisted_at": "2026-11-20T06:51:30.000Z",
        "favorited_at": "2026-11-20T06:51:30.000Z",
        "commented_at": "2026-11-20T06:51:30.000Z",
        "hidden_at": "2026-11-20T06:51:30.000Z",
        "dropped_at": "2026-11-20T06:51:30.000Z",
    },
    "seasons": {
        "rated_at": "2026-11-19T19:54:24.000Z",
        "watchlisted_at": "2026-11-20T06:51:30.000Z",
        "commented_at": "2026-11-20T06:51:30.000Z",
        "hidden_at": "2026-11-20T06:51:30.000Z",
    },
    "comments": {"liked_at": "2026-11-20T03:38:09.000Z", "blocked_at": "2026-11-20T03:38:09.000Z"},
    "lists": {
        "liked_at": "2026-11-20T00:36:48.000Z",
        "updated_at": "2026-11-20T06:52:18.000Z",
        "commented_at": "2026-11-20T06:51:30.000Z",
    },
    "watchlist": {"updated_at": "2026-11-20T06:52:18.000Z"},
    "favorites": {"updated_at": "2026-11-20T06:52:18.000Z"},
    "collaborations": {"updated_at": "2026-11-20T06:52:18.000Z"},
    "account": {
        "settings_at": "2026-11-20T06:52:18.000Z",
        "followed_at": "2026-11-20T06:52:18.000Z",
        "following_at": "2026-11-20T06:52:18.000Z",
        "pending_at": "2026-11-20T06:52:18.000Z",
        "requested_at": "2026-11-20T06:52:18.000Z",
    },
    "saved_filters": {"updated_at": "2026-11-20T06:52:18.000Z"},
    "notes": {"updated_at": "2026-11-20T06:52:18.000Z"},
}

BREAKING_BAD: dict[str, Any] = {
    "title": "Breaking Bad",
    "year": 2008,
    "ids": {
        "trakt": 1388,
        "slug": "breaking-bad",
        "tvdb": 81189,
        "imdb": "tt0903747",
        "tmdb": 1396,
        "tvrage": 18164,
    },
}
PARKS: dict[str, Any] = {
    "title": "Parks and Recreation",
    "year": None,  # some shows come with year null
    "ids": {"trakt": 4, "slug": "parks-and-recreation", "tvdb": 84912, "imdb": "tt1266020",
            "tmdb": 8592, "tvrage": None},
}  # fmt: skip
TRON: dict[str, Any] = {
    "title": "TRON: Legacy",
    "year": 2010,
    "ids": {"trakt": 1, "slug": "tron-legacy-2010", "imdb": "tt1104001", "tmdb": 20526},
}
DARK_KNIGHT: dict[str, Any] = {
    "title": "The Dark Knight",
    "year": None,
    "ids": {"trakt": 120, "slug": "the-dark-knight-2008", "imdb": "tt0468569", "tmdb": 155},
}
SEASON_1: dict[str, Any] = {"number": 1, "ids": {"trakt": 3950, "tvdb": 30272, "tmdb": 3572}}
#: a special (season 0) whose ids are partly null and partly empty strings
SPECIAL: dict[str, Any] = {
    "season": 0,
    "number": 2,
    "title": "Chicks 'n Guns",
    "ids": {"trakt": 62085, "tvdb": 1495521, "imdb": "", "tmdb": None, "tvrage": None},
}
PAWNEE_ZOO: dict[str, Any] = {
    "season": 2,
    "number": 1,
    "title": "Pawnee Zoo",
    "ids": {"trakt": 251, "tvdb": 797571, "imdb": None, "tmdb": 397629, "tvrage": None},
}

#: ``GET /sync/watchlist?page=1&limit=250``: one row of each type
WATCHLIST: list[dict[str, Any]] = [
    {"rank": 1, "id": 101, "listed_at": "2014-09-01T09:10:11.000Z", "notes": None,
     "type": "movie", "movie": TRON},
    {"rank": 2, "id": 102, "listed_at": "2014-09-01T09:10:11.000Z", "notes": "Re-watch",
     "type": "show", "show": BREAKING_BAD},
    {"rank": 3, "id": 103, "listed_at": "2014-09-01T09:10:11.000Z", "notes": None,
     "type": "season", "season": SEASON_1, "show": BREAKING_BAD},
    {"rank": 4, "id": 104, "listed_at": "2014-09-01T09:10:11.000Z", "notes": None,
     "type": "episode", "episode": SPECIAL, "show": BREAKING_BAD},
]  # fmt: skip
WATCHLIST_KEYS = {
    "movie:tmdb:20526",
    "show:tmdb:1396",
    "show:tmdb:1396#s01",
    "show:tmdb:1396#s00e02",
}

#: ``GET /sync/history/{movies|episodes}`` rows; history ids past 2**32 (64-bit)
HISTORY_MOVIES: list[dict[str, Any]] = [
    {"id": 4_294_968_296, "watched_at": "2014-03-31T09:28:53.000Z", "action": "checkin",
     "type": "movie", "movie": DARK_KNIGHT},
    {"id": 1_982_347, "watched_at": "2013-03-31T09:28:00.000Z", "action": "watch",
     "type": "movie", "movie": TRON},
]  # fmt: skip
HISTORY_EPISODES: list[dict[str, Any]] = [
    {"id": 9_007_199_254_740_993, "watched_at": "2014-03-31T09:28:53.000Z",
     "action": "scrobble", "type": "episode", "episode": PAWNEE_ZOO, "show": PARKS},
    {"id": 1_982_346, "watched_at": "2014-03-30T08:00:00.000Z", "action": "watch",
     "type": "episode", "episode": SPECIAL, "show": BREAKING_BAD},
]  # fmt: skip
HISTORY_KEYS = {
    "movie:tmdb:155@2014-03-31T09:28Z",
    "movie:tmdb:20526@2013-03-31T09:28Z",
    "show:tmdb:8592#s02e01@2014-03-31T09:28Z",
    "show:tmdb:1396#s00e02@2014-03-30T08:00Z",
}

#: ``GET /sync/ratings/{type}`` rows as recorded in 2015: no ``type`` field
RATINGS_2015: dict[str, list[dict[str, Any]]] = {
    "movies": [{"rated_at": "2014-09-01T09:10:11.000Z", "rating": 10, "movie": TRON}],
    "shows": [{"rated_at": "2014-09-01T09:10:11.000Z", "rating": 9, "show": BREAKING_BAD}],
    "seasons": [
        {"rated_at": "2014-09-01T09:10:11.000Z", "rating": 8, "season": SEASON_1,
         "show": BREAKING_BAD},
    ],
    "episodes": [
        {"rated_at": "2014-09-01T09:10:11.000Z", "rating": 7, "episode": SPECIAL,
         "show": BREAKING_BAD},
    ],
}  # fmt: skip
RATINGS_KEYS = {
    "movie:tmdb:20526",
    "show:tmdb:1396",
    "show:tmdb:1396#s01",
    "show:tmdb:1396#s00e02",
}


def synthetic_watchlist(count: int) -> list[dict[str, Any]]:
    """Return ``count`` watchlist movie rows in the documented shape (for paging answers)."""
    return [
        {
            "rank": i + 1,
            "id": 500_000 + i,
            "listed_at": "2024-01-01T00:00:00.000Z",
            "notes": None,
            "type": "movie",
            "movie": {
                "title": f"Movie {i}",
                "year": 2000 + i % 20,
                "ids": {"trakt": 700_000 + i, "slug": f"movie-{i}", "imdb": None,
                        "tmdb": 800_000 + i},
            },
        }
        for i in range(count)
    ]  # fmt: skip
