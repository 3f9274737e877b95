"""Trakt ``/sync/*`` request bodies, and mapping ``not_found`` back to the input items.

Use, for every ``/sync/*`` write::

    body = request_body([request_item(play) for play in plays])
    response = session.post("/sync/history", json=body.json)
    missing = match_not_found(body, response["not_found"])   # input indexes
    body.unplaced                                            # indexes not sent at all

``request_body`` sends each item by all its standard ids (movies never take ``tvdb``),
movies and shows without ids by ``title`` + ``year``, and seasons and episodes without
their own ids nested under their show (``shows: [{ids, seasons: [{number, episodes:
[{number, watched_at}]}]}]``; items of one show share one show object). Trakt echoes
unmatched objects exactly as sent, so ``match_not_found`` maps each echo back by equality
with what was sent (then, more loosely, by ids alone, which can only flag more items).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from crosswatch_trakt.media.models import (
    CollectionEntry,
    Ids,
    MediaRef,
    Play,
    Rating,
    WatchlistEntry,
)
from crosswatch_trakt.support.dates import format_datetime

__all__ = [
    "BODY_KEYS",
    "RequestBody",
    "match_not_found",
    "nests",
    "request_body",
    "request_item",
    "sent_by_title",
]


#: The four arrays of every ``/sync/*`` request body and ``not_found`` answer.
BODY_KEYS: tuple[str, ...] = ("movies", "shows", "seasons", "episodes")
_PLURAL = {"movie": "movies", "show": "shows", "season": "seasons", "episode": "episodes"}
_IDENTITY = ("ids", "title", "year")
_RESERVED = frozenset({*_IDENTITY, "seasons", "episodes", "number", "season"})


@attrs.frozen
class _Flat:
    index: int
    category: str
    sent: dict[str, Any]
    identity: dict[str, Any]


@attrs.frozen
class _Member:
    index: int
    season: int
    episode: int | None
    sent: dict[str, Any]


@attrs.frozen(eq=False)
class _Group:
    identity: dict[str, Any]
    sent: dict[str, Any]
    members: list[_Member] = attrs.Factory(list)
    seasons: dict[int, dict[str, Any]] = attrs.Factory(dict)


@attrs.frozen(eq=False)
class RequestBody:
    """A request body (``json``) and how its objects map back to the input indexes."""

    json: dict[str, list[dict[str, Any]]]
    flat: tuple[_Flat, ...]
    groups: tuple[_Group, ...]
    #: input indexes that could not be sent (no usable ids, or nesting not allowed)
    unplaced: tuple[int, ...]

    def sent_indexes(self) -> frozenset[int]:
        """Return the input indexes that are in the body."""
        nested = (m.index for g in self.groups for m in g.members)
        return frozenset([*(f.index for f in self.flat), *nested])


def request_item(
    entry: MediaRef | WatchlistEntry | Rating | Play | CollectionEntry,
) -> tuple[MediaRef, dict[str, Any]]:
    """Return ``(media, per-item fields)`` for ``request_body`` from any model."""
    if isinstance(entry, MediaRef):
        return entry, {}
    if isinstance(entry, WatchlistEntry):
        return entry.media, {"notes": entry.notes}
    if isinstance(entry, Rating):
        return entry.media, {"rating": entry.rating, "rated_at": entry.rated_at}
    if isinstance(entry, Play):
        return entry.media, {"watched_at": entry.watched_at}
    return entry.media, {"collected_at": entry.collected_at}


def _request_ids(media_type: str, ids: Ids | None) -> dict[str, Any]:
    values: dict[str, Any] = ids.standard() if ids is not None else {}
    if media_type == "movie":
        values.pop("tvdb", None)
    return values


def _fields(extra: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: format_datetime(value) if isinstance(value, datetime) else value
        for name, value in extra.items()
        if value is not None and name not in _RESERVED
    }


def _identity(media: MediaRef) -> dict[str, Any] | None:
    own = _request_ids(media.type, media.ids)
    if own:
        return {"ids": own}
    if media.type in ("movie", "show") and media.title:
        return {"title": media.title, **({"year": media.year} if media.year else {})}
    return None


def nests(media: MediaRef) -> bool:
    """Return whether ``media`` goes in a body nested under its show (no ids of its own)."""
    return media.type in ("season", "episode") and _identity(media) is None


def _nest(
    groups: dict[tuple[tuple[str, Any], ...], _Group],
    shows: list[dict[str, Any]],
    index: int,
    media: MediaRef,
    fields: dict[str, Any],
) -> bool:
    show_ids = _request_ids("show", media.show_ids)
    season_no, episode_no = media.season, media.episode if media.type == "episode" else None
    if not show_ids or season_no is None or (media.type == "episode" and episode_no is None):
        return False
    group_key = tuple(sorted(show_ids.items()))
    group = groups.get(group_key)
    if group is None:
        group = groups[group_key] = _Group({"ids": show_ids}, {"ids": show_ids, "seasons": []})
        shows.append(group.sent)
    if episode_no is None:
        sent = {**fields, "number": season_no}
        group.sent["seasons"].append(sent)
    else:
        season = group.seasons.get(season_no)
        if season is None:
            season = group.seasons[season_no] = {"number": season_no, "episodes": []}
            group.sent["seasons"].append(season)
        sent = {**fields, "number": episode_no}
        season["episodes"].append(sent)
    group.members.append(_Member(index, season_no, episode_no, sent))
    return True


def sent_by_title(media: MediaRef) -> bool:
    """Return whether ``media`` goes to Trakt by title + year (no id Trakt knows it by)."""
    identity = _identity(media)
    return identity is not None and "ids" not in identity


def request_body(
    items: Sequence[tuple[MediaRef, Mapping[str, Any]]], *, nest: bool = True
) -> RequestBody:
    """Build a ``/sync/*`` body from ``(media, fields)`` pairs; ``datetime`` fields are formatted.

    With ``nest=False`` seasons and episodes without their own ids are not sent but
    listed in ``unplaced`` (history's ``number_fallback`` off).
    """
    json: dict[str, list[dict[str, Any]]] = {key: [] for key in BODY_KEYS}
    flat: list[_Flat] = []
    groups: dict[tuple[tuple[str, Any], ...], _Group] = {}
    unplaced: list[int] = []
    for index, (media, extra) in enumerate(items):
        fields = _fields(extra)
        identity = _identity(media)
        if identity is not None:
            sent = {**fields, **identity}
            json[_PLURAL[media.type]].append(sent)
            flat.append(_Flat(index, _PLURAL[media.type], sent, identity))
        elif not (
            nest
            and media.type in ("season", "episode")
            and _nest(groups, json["shows"], index, media, fields)
        ):
            unplaced.append(index)
    return RequestBody(json, tuple(flat), tuple(groups.values()), tuple(unplaced))


def _echo_identity(echo: Mapping[str, Any]) -> dict[str, Any]:
    return {name: echo[name] for name in _IDENTITY if name in echo}


def _match_members(members: list[_Member], echo: Mapping[str, Any]) -> set[int]:
    exact = {m.index for m in members if m.sent == echo}
    if exact:
        return exact
    return {m.index for m in members if m.sent.get("number") == echo.get("number")}


def _match_group(group: _Group, echo: Mapping[str, Any]) -> set[int]:
    if echo != group.sent and _echo_identity(echo) != group.identity:
        return set()
    seasons = echo.get("seasons")
    if echo == group.sent or not isinstance(seasons, list):
        return {m.index for m in group.members}
    hits: set[int] = set()
    for season in seasons:
        if not isinstance(season, Mapping):
            continue
        number = season.get("number")
        episodes = season.get("episodes")
        if isinstance(episodes, list):
            members = [m for m in group.members if m.season == number and m.episode is not None]
            for episode in episodes:
                if isinstance(episode, Mapping):
                    hits |= _match_members(members, episode)
        else:
            members = [m for m in group.members if m.season == number and m.episode is None]
            hits |= _match_members(members, season)
    return hits


def _match_echo(body: RequestBody, category: str, echo: Mapping[str, Any]) -> set[int]:
    candidates = [f for f in body.flat if f.category == category]
    exact = {f.index for f in candidates if f.sent == echo}
    if exact:
        return exact
    if category == "shows":
        nested = set().union(*(_match_group(group, echo) for group in body.groups))
        if nested:
            return nested
    identity = _echo_identity(echo)
    return {f.index for f in candidates if identity and f.identity == identity}


def match_not_found(body: RequestBody, not_found: Any) -> set[int]:
    """Return the input indexes Trakt echoed in ``not_found`` (echoes matching nothing are ignored).

    A show echoed with its ``seasons`` flags only the seasons and episodes it lists; a
    show echoed bare flags everything sent under it.
    """
    hits: set[int] = set()
    if not isinstance(not_found, Mapping):
        return hits
    for category in BODY_KEYS:
        echoes = not_found.get(category)
        if not isinstance(echoes, list):
            continue
        for echo in echoes:
            if isinstance(echo, Mapping):
                hits |= _match_echo(body, category, echo)
    return hits
