"""The stand-in's read rows (ratings, watchlist, collection, watched) and the fast preload."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.standin import dates
from tests.standin.account import AREAS, PLURAL, Account, Play
from tests.standin.catalog import Key

Row = Callable[[], dict[str, Any]]


def _media(account: Account, key: Key) -> dict[str, Any]:
    """Return the media part of a row: the title, and its show for a season or episode."""
    kind = key[0]
    out = {kind: account.catalog.render(key)}
    if kind in ("season", "episode"):
        out["show"] = account.catalog.show(account.catalog.show_of(key))
    return out


def ratings(account: Account, kind: str | None, value: int | None) -> list[Key]:
    """Return the rated titles, newest ``rated_at`` first, of one type and rating."""
    keys = [
        key
        for key, (rating, _at) in account.ratings.items()
        if (kind is None or PLURAL[key[0]] == kind) and (value is None or rating == value)
    ]
    keys.sort(key=lambda k: account.ratings[k][1], reverse=True)
    return keys


def rating_row(account: Account, key: Key) -> dict[str, Any]:
    """Return a ratings row."""
    rating, rated_at = account.ratings[key]
    row = {"rated_at": dates.render(rated_at), "rating": rating, "type": key[0]}
    return {**row, **_media(account, key)}


def watchlist(account: Account, kind: str | None) -> list[tuple[int, Key]]:
    """Return (rank, title) of the watchlist in rank order (the order listed)."""
    ranked = enumerate(account.watchlist, start=1)
    return [(rank, key) for rank, key in ranked if kind is None or PLURAL[key[0]] == kind]


def watchlist_row(account: Account, ranked: tuple[int, Key]) -> dict[str, Any]:
    """Return a watchlist row."""
    rank, key = ranked
    listed_id, listed_at, notes = account.watchlist[key]
    row = {"rank": rank, "id": listed_id, "listed_at": dates.render(listed_at), "notes": notes}
    return {**row, "type": key[0], **_media(account, key)}


def collection(account: Account, kind: str) -> list[Any]:
    """Return the collected movies, or the collected shows with their episodes grouped."""
    if kind == "movies":
        return [key for key in account.collection if key[0] == "movie"]
    shows: dict[int, list[Key]] = {}
    for key in account.collection:
        if key[0] == "episode":
            shows.setdefault(account.catalog.show_of(key), []).append(key)
    return list(shows.items())


def collection_row(account: Account, entry: Any) -> dict[str, Any]:
    """Return a collection row (a movie, or a show with seasons and episodes)."""
    if isinstance(entry[0], str):
        stamp = dates.render(account.collection[entry])
        return {
            "collected_at": stamp,
            "updated_at": stamp,
            "movie": account.catalog.movie(entry[1]),
        }
    show, keys = entry
    seasons: dict[int, list[dict[str, Any]]] = {}
    for key in keys:
        _show, season, number = account.catalog.episode_place(key[1])
        stamp = dates.render(account.collection[key])
        episode = {"number": number, "collected_at": stamp, "metadata": {}}
        seasons.setdefault(season, []).append(episode)
    newest = dates.render(max(account.collection[key] for key in keys))
    return {
        "last_collected_at": newest,
        "last_updated_at": newest,
        "show": account.catalog.show(show),
        "seasons": [{"number": n, "episodes": eps} for n, eps in sorted(seasons.items())],
    }


def watched(account: Account, kind: str) -> list[dict[str, Any]]:
    """Return ``/sync/watched/{movies|shows}``: plays per title, most plays first."""
    plays: dict[Key, list[float]] = {}
    for play in account.plays:
        if (play.key[0] == "movie") == (kind == "movies"):
            plays.setdefault(play.key, []).append(play.watched_at)
    if kind == "movies":
        rows = [
            {
                "plays": len(times),
                "last_watched_at": dates.render(max(times)),
                "last_updated_at": dates.render(max(times)),
                "movie": account.catalog.movie(key[1]),
            }
            for key, times in plays.items()
        ]
        return sorted(rows, key=lambda r: -int(r["plays"]))
    shows: dict[int, dict[int, list[dict[str, Any]]]] = {}
    last: dict[int, float] = {}
    for key, times in plays.items():
        show, season, number = account.catalog.episode_place(key[1])
        episode = {
            "number": number,
            "plays": len(times),
            "last_watched_at": dates.render(max(times)),
        }
        shows.setdefault(show, {}).setdefault(season, []).append(episode)
        last[show] = max(last.get(show, 0.0), *times)
    return [
        {
            "plays": sum(e["plays"] for eps in seasons.values() for e in eps),
            "last_watched_at": dates.render(last[show]),
            "last_updated_at": dates.render(last[show]),
            "reset_at": None,
            "show": account.catalog.show(show),
            "seasons": [{"number": n, "episodes": eps} for n, eps in sorted(seasons.items())],
        }
        for show, seasons in shows.items()
    ]


def preload(
    account: Account,
    movie_plays: int = 0,
    episode_plays: int = 0,
    ratings: int = 0,
    watchlist: int = 0,
    newest: float = 1_780_000_000.0,
    spacing: float = 1_320.0,
) -> None:
    """Fill the account quickly: plays spread ``spacing`` s apart back from ``newest``.

    Movie plays walk the movies from the first (again from the first when there are more
    plays than movies), episode plays walk the episodes; ratings alternate movies and
    episodes with one show in ten; the watchlist takes movies from the end of the catalog
    (never played unless the plays wrap round) and one show in ten from the last shows.
    """
    catalog = account.catalog
    total = movie_plays + episode_plays
    movies_free = max(catalog.movies - watchlist, 1)
    movies_done = 0
    for i in range(total):
        moment = float(int(newest - i * spacing) // 60 * 60)
        if (i + 1) * movie_plays // total > i * movie_plays // total:
            key: Key = ("movie", movies_done % movies_free)
            movies_done += 1
        else:
            key = ("episode", (i - movies_done) % catalog.count("episode"))
        account.plays.append(Play(account._next_play, key, moment, "watch"))
        account._next_play += 1
    for i in range(ratings):
        rated: Key = ("movie", i // 2) if i % 2 == 0 else ("episode", i)
        if i % 10 == 9 and i // 10 < catalog.shows:
            rated = ("show", i // 10)
        account.ratings[rated] = (1 + i % 10, newest - i * 60.0)
    for i in range(watchlist):
        listed: Key = ("movie", catalog.movies - 1 - i)
        if i % 10 == 9 and i // 10 < catalog.shows:
            listed = ("show", catalog.shows - 1 - i // 10)
        account.watchlist[listed] = (account._next_listed, newest - i * 30.0, None)
        account._next_listed += 1
    account._ordered.clear()
    account.touch(*[(area, name) for area, names in AREAS.items() for name in names])
