"""The stand-in's media catalog: movies and shows with seasons and episodes, ids by arithmetic.

Nothing is stored per title: every id is a fixed base plus the title's ordinal, so a
catalog of any size costs no memory and a lookup is a subtraction. Each kind of id has its
own base and its own namespace (a movie's tmdb id and a show's tmdb id may not be confused,
as on the live API, because resolution always knows which kind it is looking for).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MOVIE_TRAKT, MOVIE_TMDB, MOVIE_IMDB = 700_000, 400_000, 3_000_000
SHOW_TRAKT, SHOW_TMDB, SHOW_TVDB, SHOW_IMDB = 90_000, 60_000, 270_000, 6_000_000
SEASON_TRAKT, SEASON_TMDB, SEASON_TVDB = 1_500_000, 800_000, 550_000
EPISODE_TRAKT, EPISODE_TMDB, EPISODE_TVDB, EPISODE_IMDB = 4_000_000, 2_500_000, 9_000_000, 7_000_000

#: A resolved title: ("movie" | "show" | "season" | "episode", ordinal within that kind).
Key = tuple[str, int]


def _imdb(number: int) -> str:
    return f"tt{number:07d}"


def _imdb_number(value: object) -> int | None:
    if isinstance(value, str) and value.startswith("tt") and value[2:].isdigit():
        return int(value[2:])
    return None


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@dataclass(frozen=True)
class Catalog:
    """A deterministic catalog of ``movies`` movies and ``shows`` x ``seasons`` x ``episodes``."""

    movies: int = 30_000
    shows: int = 400
    seasons: int = 5
    episodes: int = 60

    # ---- ids of a title -------------------------------------------------------------
    def movie(self, n: int) -> dict[str, Any]:
        """Return movie ``n`` as the API renders it."""
        ids = {
            "trakt": MOVIE_TRAKT + n,
            "slug": f"standin-movie-{n}",
            "imdb": _imdb(MOVIE_IMDB + n),
            "tmdb": MOVIE_TMDB + n,
        }
        return {"title": f"Stand-in Movie {n}", "year": 1960 + n % 60, "ids": ids}

    def show(self, n: int) -> dict[str, Any]:
        """Return show ``n`` as the API renders it."""
        ids = {
            "trakt": SHOW_TRAKT + n,
            "slug": f"standin-show-{n}",
            "tvdb": SHOW_TVDB + n,
            "imdb": _imdb(SHOW_IMDB + n),
            "tmdb": SHOW_TMDB + n,
        }
        return {"title": f"Stand-in Show {n}", "year": 1980 + n % 40, "ids": ids}

    def season_key(self, show: int, number: int) -> int:
        """Return the ordinal of season ``number`` (1-based) of ``show``."""
        return show * self.seasons + number - 1

    def season(self, n: int) -> dict[str, Any]:
        """Return season ordinal ``n`` as the API renders it."""
        ids = {"trakt": SEASON_TRAKT + n, "tvdb": SEASON_TVDB + n, "tmdb": SEASON_TMDB + n}
        return {"number": n % self.seasons + 1, "ids": ids}

    def episode_key(self, show: int, season: int, number: int) -> int:
        """Return the ordinal of episode ``season``x``number`` of ``show``."""
        return (show * self.seasons + season - 1) * self.episodes + number - 1

    def episode_place(self, n: int) -> tuple[int, int, int]:
        """Return (show ordinal, season number, episode number) of episode ordinal ``n``."""
        season_ordinal, index = divmod(n, self.episodes)
        show, season_index = divmod(season_ordinal, self.seasons)
        return show, season_index + 1, index + 1

    def episode(self, n: int) -> dict[str, Any]:
        """Return episode ordinal ``n`` as the API renders it."""
        _show, season, number = self.episode_place(n)
        ids = {
            "trakt": EPISODE_TRAKT + n,
            "tvdb": EPISODE_TVDB + n,
            "imdb": _imdb(EPISODE_IMDB + n),
            "tmdb": EPISODE_TMDB + n,
        }
        return {"season": season, "number": number, "title": f"Episode {number}", "ids": ids}

    def render(self, key: Key) -> dict[str, Any]:
        """Return the media object of ``key``."""
        kind, n = key
        return {"movie": self.movie, "show": self.show, "season": self.season}.get(
            kind, self.episode
        )(n)

    def show_of(self, key: Key) -> int:
        """Return the show ordinal a season or episode belongs to."""
        kind, n = key
        if kind == "season":
            return n // self.seasons
        return self.episode_place(n)[0]

    def count(self, kind: str) -> int:
        """Return how many titles of ``kind`` the catalog holds."""
        per_show = {"show": 1, "season": self.seasons, "episode": self.seasons * self.episodes}
        return self.movies if kind == "movie" else self.shows * per_show[kind]

    # ---- resolution -----------------------------------------------------------------
    def _within(self, kind: str, n: int | None) -> int | None:
        if n is None or n < 0 or n >= self.count(kind):
            return None
        return n

    def resolve(self, kind: str, item: object) -> int | None:
        """Return the ordinal of the ``kind`` title that ``item`` names, or None.

        Ids are tried in the order trakt, slug, imdb, tmdb, tvdb; the first id present
        decides (a wrong trakt id is not rescued by a right tmdb id: the stricter reading).
        Movies and shows may also be named by exact ``title`` and ``year``.
        """
        if not isinstance(item, dict):
            return None
        ids = item.get("ids")
        if isinstance(ids, dict) and ids:
            return self._by_ids(kind, ids)
        if kind in ("movie", "show") and "title" in item:
            return self._by_title(kind, item.get("title"), item.get("year"))
        return None

    def _by_ids(self, kind: str, ids: dict[str, Any]) -> int | None:
        bases = {
            "movie": (MOVIE_TRAKT, MOVIE_IMDB, MOVIE_TMDB, None),
            "show": (SHOW_TRAKT, SHOW_IMDB, SHOW_TMDB, SHOW_TVDB),
            "season": (SEASON_TRAKT, None, SEASON_TMDB, SEASON_TVDB),
            "episode": (EPISODE_TRAKT, EPISODE_IMDB, EPISODE_TMDB, EPISODE_TVDB),
        }[kind]
        trakt, imdb, tmdb, tvdb = bases
        if ids.get("trakt") is not None:
            value = _as_int(ids["trakt"])
            return self._within(kind, None if value is None else value - trakt)
        slug = ids.get("slug")
        if slug is not None:
            prefix = f"standin-{kind}-"
            if isinstance(slug, str) and slug.startswith(prefix) and slug[len(prefix) :].isdigit():
                return self._within(kind, int(slug[len(prefix) :]))
            return None
        for name, base in (("imdb", imdb), ("tmdb", tmdb), ("tvdb", tvdb)):
            if ids.get(name) is None:
                continue
            if base is None:
                return None
            value = _imdb_number(ids[name]) if name == "imdb" else _as_int(ids[name])
            return self._within(kind, None if value is None else value - base)
        return None

    def _by_title(self, kind: str, title: object, year: object) -> int | None:
        prefix = "Stand-in Movie " if kind == "movie" else "Stand-in Show "
        if not isinstance(title, str) or not title.startswith(prefix):
            return None
        n = self._within(kind, _as_int(title[len(prefix) :]))
        if n is None:
            return None
        rendered = self.render((kind, n))
        return n if year is None or _as_int(year) == rendered["year"] else None
