"""The demo's local "source library": what a media server knows, differing from Trakt.

It is written against ``testing.emulator.builders.seed_demo``'s account. Against it the plan is:
watchlist +2 -1 (Spirited Away was watched, a season and a movie were listed); ratings +2
~1 and a rating of 8.5 the adapter refuses; history +3 plays, two of them episodes known
only by show ids and numbers (the demo pair turns on ``number_fallback``); progress +1 ~1
(a resume point further into an episode, a new one in Inception; Dune's is the same). History
is add-only in the demo: a play the source lacks stays.
"""

from __future__ import annotations

from typing import Any

__all__ = ["REMOVE_MISSING", "source_library"]

#: per feature: does the demo remove what the source lacks?
REMOVE_MISSING = {
    "watchlist": True,
    "ratings": True,
    "history": False,
    "progress": True,
    "playlists": False,  # written list by list (the playlist hooks), not by the demo
}

MATRIX = {"type": "movie", "title": "The Matrix", "year": 1999, "ids": {"tmdb": 603}}
INCEPTION = {"type": "movie", "title": "Inception", "year": 2010, "ids": {"tmdb": 27205}}
KNIGHT = {"type": "movie", "title": "The Dark Knight", "year": 2008, "ids": {"tmdb": 155}}
PULP = {"type": "movie", "title": "Pulp Fiction", "year": 1994, "ids": {"imdb": "tt0110912"}}
FIGHT = {"type": "movie", "title": "Fight Club", "year": 1999, "ids": {"tmdb": 550}}
GUMP = {"type": "movie", "title": "Forrest Gump", "year": 1994, "ids": {"tmdb": 13}}
SPIRITED = {"type": "movie", "title": "Spirited Away", "year": 2001, "ids": {"tmdb": 129}}
PARASITE = {"type": "movie", "title": "Parasite", "year": 2019, "ids": {"tmdb": 496243}}
INTERSTELLAR = {"type": "movie", "title": "Interstellar", "year": 2014, "ids": {"tmdb": 157336}}
DUNE = {"type": "movie", "title": "Dune", "year": 2021, "ids": {"imdb": "tt1160419"}}
BREAKING = {"type": "show", "title": "Breaking Bad", "year": 2008, "ids": {"tvdb": 81189}}
THRONES = {"type": "show", "title": "Game of Thrones", "year": 2011, "ids": {"tvdb": 121361}}
OFFICE_S2 = {
    "type": "season",
    "show_title": "The Office",
    "show_ids": {"tvdb": 73244},
    "season": 2,
}


def _season(number: int) -> dict[str, Any]:
    return {
        "type": "season",
        "show_title": "Breaking Bad",
        "show_ids": {"tvdb": 81189},
        "season": number,
    }


def _episode(season: int, number: int) -> dict[str, Any]:
    return {**_season(season), "type": "episode", "episode": number}


def _rated(item: dict[str, Any], rating: Any, at: str = "2025-06-20T10:00:00.000Z") -> Any:
    return {**item, "rating": rating, "rated_at": at}


def _played(item: dict[str, Any], at: str) -> dict[str, Any]:
    return {**item, "watched_at": at}


def _paused(item: dict[str, Any], percent: float, at: str) -> dict[str, Any]:
    return {**item, "progress_percent": percent, "progress_at": at}


def source_library() -> dict[str, list[dict[str, Any]]]:
    """Return the source library's items per feature (fresh copies)."""
    return {
        "watchlist": [INTERSTELLAR, PARASITE, DUNE, THRONES, OFFICE_S2, FIGHT, _season(3)],
        "ratings": [
            _rated(MATRIX, 10, "2025-08-01T21:00:00.000Z"),
            _rated(INCEPTION, 8),
            _rated(KNIGHT, 10),
            _rated(PULP, 9),
            _rated(GUMP, 7),
            _rated(BREAKING, 10, "2025-06-21T10:00:00.000Z"),
            _rated(_season(1), 9, "2025-06-21T10:01:00.000Z"),
            _rated(_episode(1, 7), 8, "2025-06-21T10:02:00.000Z"),
            _rated(SPIRITED, 9, "2025-08-02T22:10:00.000Z"),
            _rated(FIGHT, 8, "2025-08-03T09:00:00.000Z"),
            _rated(PARASITE, 8.5, "2025-08-03T09:05:00.000Z"),
        ],
        "history": [
            _played(MATRIX, "2025-01-05T20:31:00.000Z"),
            _played(MATRIX, "2025-06-14T21:02:00.000Z"),
            _played(INCEPTION, "2025-02-11T19:45:00.000Z"),
            _played(SPIRITED, "2025-08-02T20:00:00.000Z"),
            _played(_episode(2, 1), "2025-08-05T20:00:00.000Z"),
            _played(_episode(2, 2), "2025-08-05T20:50:00.000Z"),
        ],
        "progress": [
            _paused(DUNE, 12.5, "2025-08-06T21:00:00.000Z"),
            _paused(_episode(2, 3), 65.0, "2025-08-06T22:00:00.000Z"),
            _paused(INCEPTION, 33.0, "2025-08-07T20:30:00.000Z"),
        ],
        "playlists": [],
    }
