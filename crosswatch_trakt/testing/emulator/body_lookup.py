"""Look a sync request body up in the catalogue: the items it names, and what did not match.

Bodies are ``{"movies": [...], "shows": [...], "seasons": [...], "episodes": [...]}``.
Items match by any known id (``trakt``, ``slug``, ``imdb``, ``tmdb``, ``tvdb``), movies and
shows also by ``title`` + ``year``; shows may nest ``seasons`` -> ``episodes`` by number.

``not_found`` echoes unmatched objects exactly as sent. A show that matched but has nested
season or episode numbers that do not exist is echoed in ``not_found.shows`` as a copy of the
show object whose ``seasons`` list holds only the unmatched parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from crosswatch_trakt.testing.emulator.catalog import Catalog, Media, Season, Show

SECTIONS = ("movies", "shows", "seasons", "episodes")
_STRUCTURE = frozenset({"ids", "title", "year", "seasons", "episodes", "number", "season"})


class BadBody(ValueError):
    """The body is not a JSON object of lists (the endpoint answers 400)."""


@attrs.frozen
class Target:
    """One matched item, its per-item fields and its ``not_found`` echo.

    Inner objects' fields override outer ones; ``echo`` is the ``(section, object)`` to put
    in ``not_found`` if a handler refuses the item.
    """

    media: Media
    fields: Mapping[str, Any]
    echo: tuple[str, Any]


@attrs.define
class Lookup:
    """The matched targets, in request order, and the ``not_found`` echo."""

    targets: list[Target] = attrs.field(factory=list)
    not_found: dict[str, list[Any]] = attrs.field(factory=lambda: {s: [] for s in SECTIONS})


def _fields(element: Mapping[str, Any], drop: str | None) -> dict[str, Any]:
    return {k: v for k, v in element.items() if k not in _STRUCTURE and k != drop}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@attrs.define
class BodyLookup:
    """Resolve bodies against ``catalog``.

    ``expand``: shows and seasons stand for their episodes (history, collection).
    ``self_field``: a show or season with nested parts is itself a target only when it
    carries this field (``rating`` for ratings); otherwise it is only a container.
    """

    catalog: Catalog
    expand: bool = False
    self_field: str | None = None

    def look_up(self, body: object) -> Lookup:
        """Return the targets and ``not_found`` for ``body``."""
        if not isinstance(body, Mapping):
            raise BadBody("the body must be a JSON object")
        res = Lookup()
        for section in SECTIONS:
            elements = body.get(section, [])
            if not isinstance(elements, list):
                raise BadBody(f"{section} must be a list")
            for element in elements:
                if not isinstance(element, Mapping):
                    res.not_found[section].append(element)
                elif section == "shows":
                    self._show(element, res)
                else:
                    self._flat(section, element, res)
        return res

    def _flat(self, section: str, element: Mapping[str, Any], res: Lookup) -> None:
        kind = section[:-1]
        media = self.catalog.find(
            kind, element.get("ids"), element.get("title"), element.get("year")
        )
        if media is None:
            res.not_found[section].append(element)
            return
        fields = _fields(element, None)
        echo = (section, element)
        if isinstance(media, Season) and self.expand:
            res.targets.extend(Target(ep, fields, echo) for _, ep in sorted(media.episodes.items()))
        else:
            res.targets.append(Target(media, fields, echo))

    def _show(self, element: Mapping[str, Any], res: Lookup) -> None:
        show = self.catalog.find(
            "show", element.get("ids"), element.get("title"), element.get("year")
        )
        if not isinstance(show, Show):
            res.not_found["shows"].append(element)
            return
        outer = _fields(element, self.self_field)
        seasons = element.get("seasons")
        echo = ("shows", element)
        if not isinstance(seasons, list):
            if self.expand:
                res.targets.extend(Target(ep, outer, echo) for ep in show.episodes())
            else:
                res.targets.append(Target(show, _fields(element, None), echo))
            return
        if self.self_field is not None and self.self_field in element:
            bare = {k: v for k, v in element.items() if k != "seasons"}
            res.targets.append(Target(show, _fields(element, None), ("shows", bare)))
        missing: list[Any] = []
        for s_el in seasons:
            number = _int(s_el.get("number")) if isinstance(s_el, Mapping) else None
            season = show.seasons.get(number) if number is not None else None
            if season is None or not isinstance(s_el, Mapping):
                missing.append(s_el)
                continue
            lost = self._season(season, element, s_el, outer, res)
            if lost:
                missing.append({**s_el, "episodes": lost})
        if missing:
            res.not_found["shows"].append({**element, "seasons": missing})

    def _season(
        self,
        season: Season,
        element: Mapping[str, Any],
        s_el: Mapping[str, Any],
        outer: dict[str, Any],
        res: Lookup,
    ) -> list[Any]:
        inner = {**outer, **_fields(s_el, self.self_field)}
        episodes = s_el.get("episodes")
        bare = {k: v for k, v in s_el.items() if k != "episodes"}
        season_echo = ("shows", {**element, "seasons": [bare]})
        if not isinstance(episodes, list):
            echo = ("shows", {**element, "seasons": [s_el]})
            if self.expand:
                res.targets.extend(
                    Target(ep, inner, echo) for _, ep in sorted(season.episodes.items())
                )
            else:
                res.targets.append(Target(season, {**outer, **_fields(s_el, None)}, echo))
            return []
        if self.self_field is not None and self.self_field in s_el:
            res.targets.append(Target(season, {**outer, **_fields(s_el, None)}, season_echo))
        lost: list[Any] = []
        for e_el in episodes:
            number = _int(e_el.get("number")) if isinstance(e_el, Mapping) else None
            episode = season.episodes.get(number) if number is not None else None
            if episode is None or not isinstance(e_el, Mapping):
                lost.append(e_el)
            else:
                echo = ("shows", {**element, "seasons": [{**bare, "episodes": [e_el]}]})
                res.targets.append(Target(episode, {**inner, **_fields(e_el, None)}, echo))
        return lost


def counts(kinds: tuple[str, ...] = SECTIONS) -> dict[str, int]:
    """Return a zeroed count dict (``{"movies": 0, ...}``)."""
    return dict.fromkeys(kinds, 0)
