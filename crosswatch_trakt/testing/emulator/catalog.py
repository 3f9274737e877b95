"""The emulator's media catalogue: movies, shows, seasons and episodes with Trakt's ids."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, TypeAlias

import attrs

MOVIE_IDS = ("trakt", "slug", "imdb", "tmdb")
SHOW_IDS = ("trakt", "slug", "tvdb", "imdb", "tmdb")
SEASON_IDS = ("trakt", "tvdb", "tmdb")
EPISODE_IDS = ("trakt", "tvdb", "imdb", "tmdb")
#: The order in which a request's ids are tried; the first known one wins.
LOOKUP_ORDER = ("trakt", "slug", "imdb", "tmdb", "tvdb")
#: Default release date of catalogue items without one (2000-01-01T00:00:00Z).
DEFAULT_RELEASED = 946684800.0


def slugify(title: str, year: int | None) -> str:
    """Return a Trakt-style slug: ``the-matrix-1999``."""
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "untitled"
    return f"{base}-{year}" if year else base


def _norm(value: object) -> str | None:
    """Normalise an id value for the index (``None``, ``""`` and ``0`` are no id)."""
    if value is None or value == "" or value == 0 or isinstance(value, bool):
        return None
    return str(value).strip().lower()


def _ids(names: tuple[str, ...], given: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return an ids dict with every name in ``names`` (unknown ones ``None``) plus extras."""
    ids: dict[str, Any] = dict.fromkeys(names)
    ids.update(given or {})
    return ids


@attrs.define(eq=False)
class Movie:
    """A movie: ``{title, year, ids{trakt, slug, imdb, tmdb}}``; ``released`` is epoch."""

    type: ClassVar[str] = "movie"
    title: str
    year: int | None
    ids: dict[str, Any]
    released: float = DEFAULT_RELEASED

    @property
    def trakt(self) -> int:
        """Return the Trakt id."""
        return int(self.ids["trakt"])

    def to_json(self) -> dict[str, Any]:
        """Return the Trakt media object."""
        return {"title": self.title, "year": self.year, "ids": dict(self.ids)}


@attrs.define(eq=False)
class Episode:
    """An episode: ``{season, number, title, ids{trakt, tvdb, imdb, tmdb}}``."""

    type: ClassVar[str] = "episode"
    show: Show = attrs.field(repr=False)
    season: int
    number: int
    title: str | None
    ids: dict[str, Any]
    released: float = DEFAULT_RELEASED

    @property
    def trakt(self) -> int:
        """Return the Trakt id."""
        return int(self.ids["trakt"])

    def to_json(self) -> dict[str, Any]:
        """Return the Trakt media object."""
        return {
            "season": self.season,
            "number": self.number,
            "title": self.title,
            "ids": dict(self.ids),
        }


@attrs.define(eq=False)
class Season:
    """A season: ``{number, ids{trakt, tvdb, tmdb}}`` with its ``episodes`` by number."""

    type: ClassVar[str] = "season"
    show: Show = attrs.field(repr=False)
    number: int
    ids: dict[str, Any]
    episodes: dict[int, Episode] = attrs.field(factory=dict, repr=False)

    @property
    def trakt(self) -> int:
        """Return the Trakt id."""
        return int(self.ids["trakt"])

    def to_json(self) -> dict[str, Any]:
        """Return the Trakt media object."""
        return {"number": self.number, "ids": dict(self.ids)}


@attrs.define(eq=False)
class Show:
    """A show: ``{title, year, ids{trakt, slug, tvdb, imdb, tmdb}}`` with ``seasons``."""

    type: ClassVar[str] = "show"
    title: str
    year: int | None
    ids: dict[str, Any]
    released: float = DEFAULT_RELEASED
    seasons: dict[int, Season] = attrs.field(factory=dict, repr=False)

    @property
    def trakt(self) -> int:
        """Return the Trakt id."""
        return int(self.ids["trakt"])

    def to_json(self) -> dict[str, Any]:
        """Return the Trakt media object."""
        return {"title": self.title, "year": self.year, "ids": dict(self.ids)}

    def episodes(self) -> Iterator[Episode]:
        """Yield every episode in season and episode order."""
        for number in sorted(self.seasons):
            season = self.seasons[number]
            for ep in sorted(season.episodes):
                yield season.episodes[ep]

    def episode(self, season: int, number: int) -> Episode:
        """Return episode ``number`` of ``season`` (``KeyError`` if absent)."""
        return self.seasons[season].episodes[number]


Media: TypeAlias = Movie | Show | Season | Episode
MediaKey: TypeAlias = tuple[str, int]
PLURAL = {"movie": "movies", "show": "shows", "season": "seasons", "episode": "episodes"}
SINGULAR = {plural: single for single, plural in PLURAL.items()}


def media_key(media: Media) -> MediaKey:
    """Return ``(type, trakt id)``, the identity of a catalogue item."""
    return (media.type, media.trakt)


def media_json(media: Media) -> dict[str, Any]:
    """Return the row fields for ``media``: ``{type: obj}`` plus ``show`` for seasons/episodes."""
    row: dict[str, Any] = {media.type: media.to_json()}
    if isinstance(media, (Season, Episode)):
        row["show"] = media.show.to_json()
    return row


@attrs.define
class Catalog:
    """All media the emulator knows, indexed by every id (``trakt``, ``slug``, ...)."""

    movies: dict[int, Movie] = attrs.field(factory=dict)
    shows: dict[int, Show] = attrs.field(factory=dict)
    seasons: dict[int, Season] = attrs.field(factory=dict)
    episodes: dict[int, Episode] = attrs.field(factory=dict)
    _index: dict[tuple[str, str, str], Media] = attrs.field(factory=dict, repr=False)
    _titles: dict[tuple[str, str, int | None], Media] = attrs.field(factory=dict, repr=False)
    _next: dict[str, int] = attrs.field(factory=dict, repr=False)

    def _new_id(self, space: str, start: int) -> int:
        value = self._next.get(space, start)
        self._next[space] = value + 1
        return value

    def _register(self, media: Media) -> None:
        for name, value in media.ids.items():
            norm = _norm(value)
            if norm is not None:
                self._index.setdefault((media.type, name, norm), media)

    def _fill(self, kind: str, ids: dict[str, Any], start: int) -> dict[str, Any]:
        """Give ``ids`` a free ``trakt`` id, or check that the given one is free."""
        if ids.get("trakt"):
            if (kind, "trakt", _norm(ids["trakt"])) in self._index:
                raise ValueError(f"{kind} trakt id {ids['trakt']} is already in the catalogue")
            return ids
        while True:
            candidate = self._new_id(f"{kind}:trakt", start)
            if (kind, "trakt", str(candidate)) not in self._index:
                ids["trakt"] = candidate
                return ids

    def add_movie(
        self,
        title: str,
        year: int | None = None,
        ids: Mapping[str, Any] | None = None,
        released: float | None = None,
    ) -> Movie:
        """Add a movie; a missing ``trakt`` id and ``slug`` are generated, other ids stay null."""
        full = self._fill("movie", _ids(MOVIE_IDS, ids), 60_000_000)
        if not full.get("slug"):
            full["slug"] = slugify(title, year)
        movie = Movie(title, year, full, DEFAULT_RELEASED if released is None else released)
        self.movies[movie.trakt] = movie
        self._register(movie)
        self._titles.setdefault(("movie", title.lower(), year), movie)
        return movie

    def add_show(
        self,
        title: str,
        year: int | None = None,
        ids: Mapping[str, Any] | None = None,
        seasons: Mapping[int, int] | None = None,
        released: float | None = None,
    ) -> Show:
        """Add a show with ``seasons`` ``{number: episode count}``; ids are generated."""
        full = self._fill("show", _ids(SHOW_IDS, ids), 70_000_000)
        if not full.get("slug"):
            full["slug"] = slugify(title, year)
        first = DEFAULT_RELEASED if released is None else released
        show = Show(title, year, full, first)
        self.shows[show.trakt] = show
        self._register(show)
        self._titles.setdefault(("show", title.lower(), year), show)
        for number, count in sorted((seasons or {}).items()):
            self.add_season(show, number, count)
        return show

    def add_season(
        self, show: Show, number: int, episodes: int = 0, ids: Mapping[str, Any] | None = None
    ) -> Season:
        """Add season ``number`` to ``show`` with ``episodes`` generated episodes."""
        full = self._fill("season", _ids(SEASON_IDS, ids), 80_000_000)
        if not full.get("tvdb"):
            full["tvdb"] = self._new_id("season:tvdb", 85_000_000)
        season = Season(show, number, full)
        show.seasons[number] = season
        self.seasons[season.trakt] = season
        self._register(season)
        for ep in range(1, episodes + 1):
            self.add_episode(season, ep)
        return season

    def add_episode(
        self,
        season: Season,
        number: int,
        title: str | None = None,
        ids: Mapping[str, Any] | None = None,
        released: float | None = None,
    ) -> Episode:
        """Add episode ``number`` to ``season``; it airs a week after the previous one."""
        full = self._fill("episode", _ids(EPISODE_IDS, ids), 90_000_000)
        if not full.get("tvdb"):
            full["tvdb"] = self._new_id("episode:tvdb", 95_000_000)
        show = season.show
        if released is None:
            released = show.released + ((season.number - 1) * 30 + number - 1) * 7 * 86400.0
        episode = Episode(show, season.number, number, title or f"Episode {number}", full, released)
        season.episodes[number] = episode
        self.episodes[episode.trakt] = episode
        self._register(episode)
        return episode

    def alias_title(self, media: Movie | Show, title: str, year: int | None) -> None:
        """Let ``title`` + ``year`` also resolve to ``media`` (Trakt's search finds it so)."""
        self._titles[(media.type, title.lower(), year)] = media

    def find(
        self, kind: str, ids: object, title: object = None, year: object = None
    ) -> Media | None:
        """Find a ``kind`` item by any known id, else (movies and shows) by title and year.

        Titles match case-insensitively and the year exactly (no year: only items without
        one); of several items with one title and year the first added wins.
        """
        if isinstance(ids, Mapping):
            for name in (*LOOKUP_ORDER, *ids):
                norm = _norm(ids.get(name))
                if norm is not None and (kind, name, norm) in self._index:
                    return self._index[(kind, name, norm)]
        if kind in ("movie", "show") and isinstance(title, str):
            year_value = year if isinstance(year, int) and not isinstance(year, bool) else None
            return self._titles.get((kind, title.lower(), year_value))
        return None

    def by_key(self, key: MediaKey) -> Media | None:
        """Return the item with ``(type, trakt id)`` or ``None``."""
        kind, trakt = key
        if kind == "movie":
            return self.movies.get(trakt)
        if kind == "show":
            return self.shows.get(trakt)
        if kind == "season":
            return self.seasons.get(trakt)
        if kind == "episode":
            return self.episodes.get(trakt)
        return None
