"""Playback progress (resume points): ``/scrobble/pause``, ``/sync/playback`` and its removes.

As Trakt documents it: pausing a scrobble saves the item's playback progress (a percent),
``GET /sync/playback[/{type}]`` lists it newest first ("pagination optional": every row
unless ``page`` or ``limit`` is sent; ``extended=full`` adds each item's ``runtime`` in
minutes) and ``DELETE /sync/playback/{id}`` removes one (204; 404 when there is none). The
emulator keeps one resume point per item: a new pause replaces the item's earlier one,
under a new playback id. Each change moves ``{movies,episodes}.paused_at``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from werkzeug.wrappers import Response

from crosswatch_trakt.testing.emulator.app import Call, Route
from crosswatch_trakt.testing.emulator.catalog import Episode, Movie, Show, media_json
from crosswatch_trakt.testing.emulator.responses import empty, json_response, paginate
from crosswatch_trakt.testing.emulator.store import PlaybackEntry
from crosswatch_trakt.testing.emulator.timefmt import format_ts

__all__ = ["ROUTES", "runtime_of"]

SHARING = {"twitter": False, "mastodon": False, "tumblr": False}


def runtime_of(media: Movie | Episode) -> int:
    """Return the emulator's runtime of ``media`` in minutes (made up, but stable)."""
    return (90 + media.trakt % 60) if isinstance(media, Movie) else (20 + media.trakt % 40)


def _find(call: Call, body: Mapping[str, Any]) -> Movie | Episode | None:
    catalog = call.fake.catalog
    movie, episode, show = body.get("movie"), body.get("episode"), body.get("show")
    if isinstance(movie, Mapping):
        found = catalog.find("movie", movie.get("ids"), movie.get("title"), movie.get("year"))
        return found if isinstance(found, Movie) else None
    if isinstance(show, Mapping) and isinstance(episode, Mapping):
        parent = catalog.find("show", show.get("ids"), show.get("title"), show.get("year"))
        season, number = episode.get("season"), episode.get("number")
        if not isinstance(parent, Show) or type(season) is not int or type(number) is not int:
            return None
        try:
            return parent.episode(season, number)
        except KeyError:
            return None
    if isinstance(episode, Mapping):
        found = catalog.find("episode", episode.get("ids"))
        return found if isinstance(found, Episode) else None
    return None


def scrobble_pause(call: Call) -> Response:
    """``POST /scrobble/pause``: save the item's resume point; 201 with the scrobble."""
    body = call.body()
    if not isinstance(body, Mapping):
        return empty(400)
    progress = body.get("progress")
    if isinstance(progress, bool) or not isinstance(progress, (int, float)):
        return empty(422)
    if not math.isfinite(progress) or not 0 <= progress <= 100:
        return empty(422)
    media = _find(call, body)
    if media is None:
        return empty(404)
    entry = call.user.playback_put(media, float(progress), call.fake.ids.playback(), call.now)
    answer = {"id": entry.id, "action": "pause", "progress": entry.progress, "sharing": SHARING}
    return json_response({**answer, **media_json(media)}, 201)


def _row(entry: PlaybackEntry, full: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "progress": entry.progress,
        "paused_at": format_ts(entry.paused_at),
        "id": entry.id,
        "type": entry.media.type,
        **media_json(entry.media),
    }
    if full:
        row[entry.media.type] = {**row[entry.media.type], "runtime": runtime_of(entry.media)}
    return row


def get_playback(call: Call) -> Response:
    """``GET /sync/playback[/{type}]``: resume points, newest first, pagination optional."""
    kind = call.args.get("type")
    if kind not in (None, "movies", "episodes"):
        return empty(404)
    full = call.query.get("extended") == "full"
    entries = sorted(call.user.playback.values(), key=lambda e: e.paused_at, reverse=True)
    rows = [
        _row(entry, full) for entry in entries if kind is None or entry.media.type + "s" == kind
    ]
    return paginate(call.query, rows, always=False, quirks=call.paging)


def delete_playback(call: Call) -> Response:
    """``DELETE /sync/playback/{id}``: 204, or 404 when there is no such resume point."""
    found = call.user.playback_delete(int(call.args["id"]), call.now)
    return empty(204 if found else 404)


ROUTES = [
    Route("/scrobble/pause", ("POST",), scrobble_pause),
    Route("/sync/playback", ("GET",), get_playback),
    Route("/sync/playback/<any(movies,episodes):type>", ("GET",), get_playback),
    Route("/sync/playback/<int:id>", ("DELETE",), delete_playback),
]
