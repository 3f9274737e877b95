"""Sync endpoints for history plays, the collection and watched progress."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Response

from crosswatch_trakt.testing.emulator.app import Call, Route
from crosswatch_trakt.testing.emulator.body_lookup import SECTIONS, BodyLookup, counts
from crosswatch_trakt.testing.emulator.catalog import PLURAL, Episode, Movie, Show, media_json
from crosswatch_trakt.testing.emulator.responses import empty, json_response, paginate
from crosswatch_trakt.testing.emulator.store import CollectionEntry, Play
from crosswatch_trakt.testing.emulator.timefmt import format_ts, parse_ts, to_minute

ACTIONS = ("scrobble", "checkin", "watch")
UNKNOWN_WATCHED_AT = 0.0  # "unknown" plays read back as 1970-01-01T00:00:00.000Z


def _play_filter(kind: str | None, trakt_id: int | None) -> Callable[[Play], bool] | None:
    """Return the filter of ``/sync/history/{type}/{id}``, or ``None`` for a bad type."""

    def keep(play: Play) -> bool:
        media = play.media
        if kind == "movies":
            return isinstance(media, Movie) and trakt_id in (None, media.trakt)
        if not isinstance(media, Episode):
            return False
        if kind == "episodes":
            return trakt_id in (None, media.trakt)
        if kind == "shows":
            return trakt_id in (None, media.show.trakt)
        season = media.show.seasons.get(media.season)
        return trakt_id is None or (season is not None and season.trakt == trakt_id)

    if kind is None:
        return lambda play: True
    return keep if kind in SECTIONS else None


def get_history(call: Call) -> Response:
    """``GET /sync/history[/{type}[/{id}]]?start_at&end_at``: newest first, paginated."""
    keep = _play_filter(call.args.get("type"), call.args.get("id"))
    if keep is None:
        return empty(404)
    start = parse_ts(call.query.get("start_at")) if "start_at" in call.query else None
    end = parse_ts(call.query.get("end_at")) if "end_at" in call.query else None
    view = (call.args.get("type"), call.args.get("id"), start, end)
    plays = call.user.history_view(view)
    if plays is None:
        plays = [
            p
            for p in call.user.history.values()
            if keep(p)
            and (start is None or p.watched_at >= start)
            and (end is None or p.watched_at <= end)
        ]
        plays.sort(key=lambda p: (p.watched_at, p.id), reverse=True)
        call.user.keep_history_view(view, plays)
    return paginate(call.query, plays, quirks=call.paging, render=_history_row)


def _history_row(play: Play) -> dict[str, Any]:
    return {
        "id": play.id,
        "watched_at": format_ts(play.watched_at),
        "action": play.action,
        "type": play.media.type,
        **media_json(play.media),
    }


def _watched_at(raw: object, media: Movie | Episode, now: float) -> float | None:
    if raw is None:
        return to_minute(now)
    if raw == "released":
        return to_minute(media.released)
    if raw == "unknown":
        return UNKNOWN_WATCHED_AT
    parsed = parse_ts(raw)
    return None if parsed is None else to_minute(parsed)


def post_history(call: Call) -> Response:
    """``POST /sync/history``: one new play per item, never deduplicated."""
    res = BodyLookup(call.fake.catalog, expand=True).look_up(call.body())
    added = counts(("movies", "episodes"))
    for target in res.targets:
        media = target.media
        assert isinstance(media, (Movie, Episode))
        watched_at = _watched_at(target.fields.get("watched_at"), media, call.now)
        if watched_at is None:
            res.not_found[target.echo[0]].append(target.echo[1])
            continue
        action = target.fields.get("action")
        action = action if action in ACTIONS else "watch"
        call.user.play_add(
            media,
            watched_at,
            str(action),
            call.fake.ids.history(),
            call.now,
            quiet=call.fake.watched_leave_quietly,
        )
        added[PLURAL[media.type]] += 1
    updated = counts(("movies", "episodes"))  # the live API's 2026 answers carry it
    body = {"added": added, "updated": updated, "not_found": _dedupe(res.not_found)}
    return json_response(body, 201)


def _dedupe(not_found: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Drop repeated echoes of the same object (an expanded show refused many times)."""
    out: dict[str, list[Any]] = {}
    for section, items in not_found.items():
        seen: list[Any] = []
        for item in items:
            if not any(item is other for other in seen):
                seen.append(item)
        out[section] = seen
    return out


def remove_history(call: Call) -> Response:
    """``POST /sync/history/remove``: items lose every play; ``ids`` lose exactly those."""
    body = call.body()
    res = BodyLookup(call.fake.catalog, expand=True).look_up(body)
    deleted = counts(("movies", "episodes"))
    user = call.user
    for target in res.targets:
        for play in user.plays_of(target.media):
            if user.play_delete(play.id, call.now) is not None:
                deleted[PLURAL[play.media.type]] += 1
    missing_ids: list[Any] = []
    raw_ids = body.get("ids", []) if isinstance(body, dict) else []
    for raw in raw_ids if isinstance(raw_ids, list) else []:
        gone = user.play_delete(raw, call.now) if isinstance(raw, int) else None
        if gone is None:
            missing_ids.append(raw)
        else:
            deleted[PLURAL[gone.media.type]] += 1
    not_found = {**res.not_found, "ids": missing_ids}
    return json_response({"deleted": deleted, "not_found": not_found})


def _group_shows(
    items: Iterable[tuple[Episode, dict[str, Any]]],
) -> list[tuple[Show, dict[int, dict[int, dict[str, Any]]]]]:
    shows: dict[int, tuple[Show, dict[int, dict[int, dict[str, Any]]]]] = {}
    for episode, fields in items:
        _, seasons = shows.setdefault(episode.show.trakt, (episode.show, {}))
        seasons.setdefault(episode.season, {})[episode.number] = fields
    return list(shows.values())


def _season_rows(seasons: dict[int, dict[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [
        {
            "number": number,
            "episodes": [{"number": ep, **seasons[number][ep]} for ep in sorted(seasons[number])],
        }
        for number in sorted(seasons)
    ]


def get_collection(call: Call) -> Response:
    """``GET /sync/collection/{movies|shows}``: paginated rows."""
    kind = call.args["type"]
    extended = "metadata" in call.query.get("extended", "")
    entries = sorted(call.user.collection.values(), key=lambda e: e.collected_at, reverse=True)
    rows: list[dict[str, Any]] = []
    if kind == "movies":
        for entry in entries:
            if isinstance(entry.media, Movie):
                row = {
                    "collected_at": format_ts(entry.collected_at),
                    "updated_at": format_ts(entry.updated_at),
                    "movie": entry.media.to_json(),
                }
                if extended:
                    row["metadata"] = entry.metadata
                rows.append(row)
    elif kind == "shows":
        by_show: dict[int, list[CollectionEntry]] = {}
        for entry in entries:
            if isinstance(entry.media, Episode):
                by_show.setdefault(entry.media.show.trakt, []).append(entry)
        for group in by_show.values():
            seasons: dict[int, dict[int, dict[str, Any]]] = {}
            for entry in group:
                assert isinstance(entry.media, Episode)
                fields: dict[str, Any] = {"collected_at": format_ts(entry.collected_at)}
                if extended:
                    fields["metadata"] = entry.metadata
                seasons.setdefault(entry.media.season, {})[entry.media.number] = fields
            assert isinstance(group[0].media, Episode)
            rows.append(
                {
                    "last_collected_at": format_ts(max(e.collected_at for e in group)),
                    "last_updated_at": format_ts(max(e.updated_at for e in group)),
                    "show": group[0].media.show.to_json(),
                    "seasons": _season_rows(seasons),
                }
            )
    else:
        return empty(404)
    return paginate(call.query, rows, quirks=call.paging)


def post_collection(call: Call) -> Response:
    """``POST /sync/collection``: ``{added, updated, existing, not_found}``."""
    res = BodyLookup(call.fake.catalog, expand=True).look_up(call.body())
    tally = {name: counts(("movies", "episodes")) for name in ("added", "updated", "existing")}
    for target in res.targets:
        media = target.media
        assert isinstance(media, (Movie, Episode))
        raw = target.fields.get("collected_at")
        at = call.now if raw is None else parse_ts(raw)
        if at is None:
            res.not_found[target.echo[0]].append(target.echo[1])
            continue
        metadata = {k: v for k, v in target.fields.items() if k != "collected_at"}
        outcome = call.user.collect_put(media, at, metadata, call.now)
        tally[outcome][PLURAL[media.type]] += 1
    return json_response({**tally, "not_found": _dedupe(res.not_found)}, 201)


def remove_collection(call: Call) -> Response:
    """``POST /sync/collection/remove``: ``{deleted, not_found}``."""
    res = BodyLookup(call.fake.catalog, expand=True).look_up(call.body())
    deleted = counts(("movies", "episodes"))
    for target in res.targets:
        media = target.media
        assert isinstance(media, (Movie, Episode))
        if call.user.collect_delete(media, call.now):
            deleted[PLURAL[media.type]] += 1
    return json_response({"deleted": deleted, "not_found": res.not_found})


def get_watched(call: Call) -> Response:
    """``GET /sync/watched/{movies|shows}``: plays and last watched per item, every row.

    Not paginated on the live API: ``page`` and ``limit`` are ignored and no
    ``X-Pagination-*`` header is sent.
    """
    kind = call.args["type"]
    plays = sorted(call.user.history.values(), key=lambda p: p.watched_at)
    per_item: dict[tuple[str, int], list[Play]] = {}
    for play in plays:
        per_item.setdefault((play.media.type, play.media.trakt), []).append(play)
    rows: list[dict[str, Any]] = []
    if kind == "movies":
        for group in per_item.values():
            if isinstance(group[0].media, Movie):
                last = format_ts(group[-1].watched_at)
                rows.append(
                    {
                        "plays": len(group),
                        "last_watched_at": last,
                        "last_updated_at": last,
                        "movie": group[0].media.to_json(),
                    }
                )
    elif kind == "shows":
        pairs: list[tuple[Episode, dict[str, Any]]] = []
        for group in per_item.values():
            media = group[0].media
            if isinstance(media, Episode):
                last = format_ts(group[-1].watched_at)
                pairs.append((media, {"plays": len(group), "last_watched_at": last}))
        for show, seasons in _group_shows(pairs):
            episodes = [fields for season in seasons.values() for fields in season.values()]
            last = max(str(e["last_watched_at"]) for e in episodes)
            rows.append(
                {
                    "plays": sum(int(e["plays"]) for e in episodes),
                    "last_watched_at": last,
                    "last_updated_at": last,
                    "reset_at": None,
                    "show": show.to_json(),
                    "seasons": _season_rows(seasons),
                }
            )
    else:
        return empty(404)
    rows.sort(key=lambda r: str(r["last_watched_at"]), reverse=True)
    return json_response(rows)


ROUTES = [
    Route("/sync/history", ("GET",), get_history),
    Route("/sync/history/<type>", ("GET",), get_history),
    Route("/sync/history/<type>/<int:id>", ("GET",), get_history),
    Route("/sync/history", ("POST",), post_history),
    Route("/sync/history/remove", ("POST",), remove_history),
    Route("/sync/collection/<type>", ("GET",), get_collection),
    Route("/sync/collection", ("POST",), post_collection),
    Route("/sync/collection/remove", ("POST",), remove_collection),
    Route("/sync/watched/<type>", ("GET",), get_watched),
]
