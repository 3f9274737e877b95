"""Reading a sync write body: which catalog titles it names, with their per-item fields.

A body is ``{"movies": [...], "shows": [...], "seasons": [...], "episodes": [...]}``. Two
ways to read it, as the live API does:

- ``leaf`` (history, collection): shows and seasons stand for their episodes; a show with
  no ``seasons`` means every episode of the show, a season with no ``episodes`` every
  episode of the season.
- ``level`` (ratings, watchlist): the object named is the target; a show with ``seasons``
  targets the seasons (or their ``episodes`` where listed) instead of the show.

Per-item fields (``watched_at``, ``rating``, ``collected_at``, ``notes``...) are inherited
downwards: an episode's own value wins over its season's, which wins over its show's.

Unknown titles are echoed in ``not_found`` exactly as sent. A season or episode *number*
that the catalog lacks under a known show is dropped silently (it is neither added nor
listed as not found): the stricter plausible reading, since a client can then only notice
by comparing the counts it asked for with those added.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.standin.catalog import Catalog, Key

SECTIONS = (("movies", "movie"), ("shows", "show"), ("seasons", "season"), ("episodes", "episode"))
_NOT_FIELDS = frozenset({"ids", "title", "year", "seasons", "episodes", "number", "season"})


class BadBody(ValueError):
    """A body that is not the documented shape (answered 400)."""


@dataclass
class Reading:
    """What a body names: ``targets`` in order, and what was ``not_found``."""

    targets: list[tuple[Key, dict[str, Any]]] = field(default_factory=list)
    not_found: dict[str, list[Any]] = field(
        default_factory=lambda: {name: [] for name, _kind in SECTIONS}
    )


def _fields(item: dict[str, Any], inherited: dict[str, Any]) -> dict[str, Any]:
    own = {k: v for k, v in item.items() if k not in _NOT_FIELDS}
    return {**inherited, **own}


def _list(value: object, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadBody(f"{where} is not a list")
    return value


def read(catalog: Catalog, body: object, mode: str) -> Reading:
    """Return the titles ``body`` names, read in ``mode`` (``leaf`` or ``level``)."""
    if not isinstance(body, dict):
        raise BadBody("the body is not a JSON object")
    reading = Reading()
    for section, kind in SECTIONS:
        for item in _list(body.get(section), section):
            n = catalog.resolve(kind, item)
            if n is None:
                reading.not_found[section].append(item)
                continue
            fields = _fields(item, {})
            if kind == "show":
                reading.targets.extend(_show(catalog, n, item, fields, mode))
            elif kind == "season":
                reading.targets.extend(_season(catalog, n, item, fields, mode))
            else:
                reading.targets.append(((kind, n), fields))
    return reading


def _show(
    catalog: Catalog, show: int, item: dict[str, Any], fields: dict[str, Any], mode: str
) -> Iterator[tuple[Key, dict[str, Any]]]:
    seasons = _list(item.get("seasons"), "seasons")
    if not seasons:
        if mode == "level":
            yield ("show", show), fields
            return
        for index in range(1, catalog.seasons + 1):
            yield from _season(catalog, catalog.season_key(show, index), {}, fields, mode)
        return
    for season in seasons:
        if not isinstance(season, dict):
            raise BadBody("a season is not an object")
        number = season.get("number")
        if not isinstance(number, int) or not 1 <= number <= catalog.seasons:
            continue
        ordinal = catalog.season_key(show, number)
        yield from _season(catalog, ordinal, season, _fields(season, fields), mode)


def _season(
    catalog: Catalog, ordinal: int, item: dict[str, Any], fields: dict[str, Any], mode: str
) -> Iterator[tuple[Key, dict[str, Any]]]:
    show, number = divmod(ordinal, catalog.seasons)
    episodes = _list(item.get("episodes"), "episodes")
    if not episodes:
        if mode == "level":
            yield ("season", ordinal), fields
            return
        for episode in range(1, catalog.episodes + 1):
            yield ("episode", catalog.episode_key(show, number + 1, episode)), fields
        return
    for episode in episodes:
        if not isinstance(episode, dict):
            raise BadBody("an episode is not an object")
        index = episode.get("number")
        if not isinstance(index, int) or not 1 <= index <= catalog.episodes:
            continue
        key = ("episode", catalog.episode_key(show, number + 1, index))
        yield key, _fields(episode, fields)
