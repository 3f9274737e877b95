"""The done-when workloads as host items, built from the stand-in's catalog arithmetic.

Host items carry what a backup from another provider would: movies by tmdb and imdb id,
shows by tvdb, tmdb and imdb id, episodes by their own tvdb and tmdb ids plus their show's
ids and numbers. Never Trakt ids: those are the stand-in's to resolve.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.standin import dates
from tests.standin.catalog import Catalog

#: The newest play of every workload (2026-05-28T20:26:40Z); older ones count back from it.
NEWEST = 1_780_000_000.0
WEEK = 7 * 86_400.0


def movie_item(catalog: Catalog, n: int) -> dict[str, Any]:
    """Return movie ``n`` as a host item."""
    movie = catalog.movie(n)
    ids = {"tmdb": movie["ids"]["tmdb"], "imdb": movie["ids"]["imdb"]}
    return {"type": "movie", "title": movie["title"], "year": movie["year"], "ids": ids}


def show_item(catalog: Catalog, n: int) -> dict[str, Any]:
    """Return show ``n`` as a host item."""
    show = catalog.show(n)
    ids = {k: show["ids"][k] for k in ("tvdb", "tmdb", "imdb")}
    return {"type": "show", "title": show["title"], "year": show["year"], "ids": ids}


def episode_item(catalog: Catalog, n: int) -> dict[str, Any]:
    """Return episode ``n`` as a host item (own ids, show ids and numbers)."""
    episode = catalog.episode(n)
    show = show_item(catalog, catalog.episode_place(n)[0])
    return {
        "type": "episode",
        "title": episode["title"],
        "ids": {"tvdb": episode["ids"]["tvdb"], "tmdb": episode["ids"]["tmdb"]},
        "show_ids": show["ids"],
        "show_title": show["title"],
        "season": episode["season"],
        "episode": episode["number"],
    }


def plays(
    catalog: Catalog, movies: int, episodes: int, newest: float, spacing: float, rewatch: int = 0
) -> list[dict[str, Any]]:
    """Return ``movies`` + ``episodes`` plays, one every ``spacing`` s back from ``newest``.

    One play in five is a movie while movies last; ``rewatch`` of the movie plays see a movie
    that was already played (at another minute).
    """
    out: list[dict[str, Any]] = []
    distinct = max(movies - rewatch, 1)
    movie_done = episode_done = 0
    for i in range(movies + episodes):
        moment = dates.render(newest - i * spacing)
        if movie_done < movies and (i % 5 == 0 or episode_done >= episodes):
            item = movie_item(catalog, movie_done % distinct)
            movie_done += 1
        else:
            item = episode_item(catalog, episode_done)
            episode_done += 1
        out.append({**item, "watched_at": moment})
    return out


def restore(catalog: Catalog, scale: float = 1.0) -> dict[str, list[dict[str, Any]]]:
    """Return issue 27's restore: 22,000 plays, 2,000 ratings, 500 watchlist (times ``scale``)."""
    n_plays, n_ratings, n_listed = (max(int(x * scale), 10) for x in (22_000, 2_000, 500))
    movies = n_plays // 5
    history = plays(catalog, movies, n_plays - movies, NEWEST, 1_800.0, rewatch=movies // 11)
    ratings = []
    for i in range(n_ratings):
        if i % 10 < 4:
            item = movie_item(catalog, 10_000 + i)
        elif i % 10 == 4:
            item = show_item(catalog, (i // 10) % catalog.shows)
        else:
            item = episode_item(catalog, 50_000 + i)
        stamp = dates.render(NEWEST - i * 600.0)
        ratings.append({**item, "rating": 1 + i % 10, "rated_at": stamp})
    watchlist = []
    for i in range(n_listed):
        if i % 10 == 9:
            watchlist.append(show_item(catalog, catalog.shows - 1 - i // 10))
        else:
            watchlist.append(movie_item(catalog, catalog.movies - 1 - i))
    return {"history": history, "ratings": ratings, "watchlist": watchlist}


def trakt_id(catalog: Catalog, item: dict[str, Any]) -> tuple[str, int]:
    """Return (type, Trakt id) of a movie or episode host item."""
    if item["type"] == "movie":
        n = catalog.resolve("movie", {"ids": {"tmdb": item["ids"]["tmdb"]}})
        assert n is not None
        return "movie", int(catalog.movie(n)["ids"]["trakt"])
    n = catalog.resolve("episode", {"ids": {"tvdb": item["ids"]["tvdb"]}})
    assert n is not None
    return "episode", int(catalog.episode(n)["ids"]["trakt"])


def play_balance(
    catalog: Catalog, asked: list[dict[str, Any]], held: list[list[Any]]
) -> tuple[int, int]:
    """Return (plays held beyond those asked, plays asked but not held), to the minute."""
    want = Counter((*trakt_id(catalog, p), p["watched_at"][:16]) for p in asked)
    have = Counter((kind, ident, stamp[:16]) for kind, ident, stamp in held)
    return sum((have - want).values()), sum((want - have).values())


def week_of_adds(catalog: Catalog, kind: str, count: int = 100, existing: int = 10) -> Any:
    """Return (history seed body, host items): ``count`` plays in one week, ``existing`` seeded.

    The week ends at ``NEWEST``; plays are spread evenly through it. The seed body posts the
    first ``existing`` of them as they are (Trakt then holds them at those minutes).
    """
    spacing = WEEK / count
    base = 20_000 if kind == "movie" else 60_000
    items = []
    for i in range(count):
        media = (
            movie_item(catalog, base + i) if kind == "movie" else episode_item(catalog, base + i)
        )
        items.append({**media, "watched_at": dates.render(NEWEST - i * spacing)})
    seeds = []
    for item in items[:existing]:
        seeds.append(
            {"ids": {"trakt": trakt_id(catalog, item)[1]}, "watched_at": item["watched_at"]}
        )
    return {"movies" if kind == "movie" else "episodes": seeds}, items
