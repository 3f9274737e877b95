"""Sync endpoints for the watchlist, ratings, last activities and user settings."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from crosswatch_trakt.testing.emulator.app import Call, Route
from crosswatch_trakt.testing.emulator.body_lookup import BadBody, BodyLookup, counts
from crosswatch_trakt.testing.emulator.catalog import PLURAL, SINGULAR, media_json
from crosswatch_trakt.testing.emulator.responses import empty, json_response, paginate
from crosswatch_trakt.testing.emulator.timefmt import format_ts, parse_ts

WATCHLIST_SORTS = ("rank", "added", "title", "released")


def _kinds(type_arg: str | None) -> set[str] | None:
    """Map a ``{type}`` path segment to media types (``None``: all; bad: ``BadBody``)."""
    if type_arg in (None, "all"):
        return None
    if type_arg in SINGULAR:
        return {SINGULAR[type_arg]}
    raise BadBody(f"unknown type {type_arg!r}")


def _list_info(call: Call) -> dict[str, Any]:
    return {
        "updated_at": format_ts(call.user.activities["watchlist"]["updated_at"]),
        "item_count": len(call.user.watchlist),
    }


def _sort_key(sort: str) -> Any:
    if sort == "added":
        return lambda e: e.listed_at
    if sort == "title":
        return lambda e: str(getattr(e.media, "title", "") or "")
    if sort == "released":
        return lambda e: float(getattr(e.media, "released", 0.0))
    return None


def get_watchlist(call: Call) -> Response:
    """``GET /sync/watchlist[/{type}[/{sort_by}[/{sort_how}]]]``: rows by rank, paginated.

    The answer says the user's preferred order (``X-Sort-By``/``-How``: rank, ascending)
    and the order it applied (``X-Applied-Sort-By``/``-How``); an unknown sort is ``rank``.
    """
    try:
        kinds = _kinds(call.args.get("type"))
    except BadBody:
        return empty(404)
    entries = list(call.user.watchlist.values())
    ranks = {id(entry): rank for rank, entry in enumerate(entries, start=1)}
    sort = call.args.get("sort", "rank")
    sort = sort if sort in WATCHLIST_SORTS else "rank"
    how = call.args.get("how", "asc")
    how = how if how in ("asc", "desc") else "asc"
    key = _sort_key(sort)
    if key is not None:
        entries.sort(key=key)
    if how == "desc":
        entries.reverse()
    rows = [
        {
            "rank": ranks[id(entry)],
            "id": entry.id,
            "listed_at": format_ts(entry.listed_at),
            "notes": entry.notes,
            "type": entry.media.type,
            **media_json(entry.media),
        }
        for entry in entries
        if kinds is None or entry.media.type in kinds
    ]
    response = paginate(call.query, rows, quirks=call.paging)
    response.headers["X-Sort-By"] = "rank"
    response.headers["X-Sort-How"] = "asc"
    response.headers["X-Applied-Sort-By"] = sort
    response.headers["X-Applied-Sort-How"] = how
    return response


def post_watchlist(call: Call) -> Response:
    """``POST /sync/watchlist``: 201, or 420 when the plan limit would be passed."""
    res = BodyLookup(call.fake.catalog).look_up(call.body())
    user, settings = call.user, call.user.settings
    new_keys = {(t.media.type, t.media.trakt) for t in res.targets} - set(user.watchlist)
    limit = settings.watchlist_limit
    if limit is not None and len(user.watchlist) + len(new_keys) > limit:
        headers = {
            "X-Upgrade-URL": "https://trakt.tv/vip",
            "X-VIP-User": "true" if settings.vip else "false",
            "X-Account-Limit": str(limit),
        }
        return json_response({"error": "account_limit_exceeded"}, 420, headers)
    added, existing = counts(), counts()
    for target in res.targets:
        notes = target.fields.get("notes")
        fresh = user.watchlist_put(
            target.media, call.now, call.fake.ids, notes=notes if isinstance(notes, str) else None
        )
        (added if fresh else existing)[PLURAL[target.media.type]] += 1
    body = {
        "added": added,
        "existing": existing,
        "not_found": res.not_found,
        "list": _list_info(call),
    }
    return json_response(body, 201)


def remove_watchlist(call: Call) -> Response:
    """``POST /sync/watchlist/remove``: 200 ``{deleted, not_found, list}``."""
    res = BodyLookup(call.fake.catalog).look_up(call.body())
    deleted = counts()
    for target in res.targets:
        if call.user.watchlist_delete(target.media, call.now):
            deleted[PLURAL[target.media.type]] += 1
    body = {"deleted": deleted, "not_found": res.not_found, "list": _list_info(call)}
    return json_response(body)


def get_ratings(call: Call) -> Response:
    """``GET /sync/ratings[/{type}[/{rating}]]``: newest first; paginated on request."""
    try:
        kinds = _kinds(call.args.get("type"))
    except BadBody:
        return empty(404)
    wanted: set[int] | None = None
    if call.args.get("rating"):
        wanted = {int(x) for x in call.args["rating"].split(",") if x.strip().isdigit()}
    entries = sorted(call.user.ratings.values(), key=lambda e: e.rated_at, reverse=True)
    rows = [
        {
            "rated_at": format_ts(entry.rated_at),
            "rating": entry.rating,
            "type": entry.media.type,
            **media_json(entry.media),
        }
        for entry in entries
        if (kinds is None or entry.media.type in kinds)
        and (wanted is None or entry.rating in wanted)
    ]
    return paginate(call.query, rows, always=False, quirks=call.paging)


def _valid_rating(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 10:
        return value
    return None


def post_ratings(call: Call) -> Response:
    """``POST /sync/ratings``: ``{added, not_found}``; a bad rating puts the item in not_found."""
    res = BodyLookup(call.fake.catalog, self_field="rating").look_up(call.body())
    added = counts()
    for target in res.targets:
        rating = _valid_rating(target.fields.get("rating"))
        raw_at = target.fields.get("rated_at")
        rated_at = call.now if raw_at is None else parse_ts(raw_at)
        section = PLURAL[target.media.type]
        if rating is None or rated_at is None:
            res.not_found[target.echo[0]].append(target.echo[1])
            continue
        call.user.rating_put(target.media, rating, rated_at, call.now)
        added[section] += 1
    return json_response({"added": added, "not_found": res.not_found}, 201)


def remove_ratings(call: Call) -> Response:
    """``POST /sync/ratings/remove``: ``{deleted, not_found}``."""
    res = BodyLookup(call.fake.catalog, self_field="rating").look_up(call.body())
    deleted = counts()
    for target in res.targets:
        if call.user.rating_delete(target.media, call.now):
            deleted[PLURAL[target.media.type]] += 1
    return json_response({"deleted": deleted, "not_found": res.not_found})


def last_activities(call: Call) -> Response:
    """``GET /sync/last_activities``."""
    return json_response(call.user.last_activities)


def user_settings(call: Call) -> Response:
    """``GET /users/settings``: user, account, limits and browsing settings."""
    user, settings = call.user, call.user.settings
    limits: dict[str, Any] = {
        "list": {"count": settings.list_count, "item_count": settings.list_item_count},
        "watchlist": {"item_count": settings.watchlist_limit},
        "favorites": {"item_count": 50},
        "search": {"recent_count": 5},
        "notes": {"item_count": 100},
    }
    if settings.collection_limit is not None:
        limits["collection"] = {"item_count": settings.collection_limit}
    body = {
        "user": {
            "username": user.username,
            "private": False,
            "name": user.username.title(),
            "vip": settings.vip,
            "vip_ep": False,
            "vip_og": False,
            "vip_years": 1 if settings.vip else 0,
            "ids": {"slug": user.username.lower(), "uuid": f"uuid-{user.username}"},
            "joined_at": format_ts(user.created_at),
            "location": None,
            "about": None,
            "gender": None,
            "age": None,
            "images": {"avatar": {"full": "https://walter-r2.trakt.tv/images/avatar.png"}},
        },
        "account": {
            "timezone": settings.timezone,
            "date_format": "mdy",
            "time_24hr": True,
            "cover_image": None,
        },
        "connections": {"facebook": False, "twitter": False, "slack": False},
        "sharing_text": {"watching": "I'm watching [item]", "watched": "I just watched [item]"},
        **({"limits": limits} if settings.reports_limits else {}),
        "browsing": {"watch_only_once": settings.watch_only_once, "spoilers": {}},
    }
    return json_response(body)


ROUTES = [
    Route("/sync/last_activities", ("GET",), last_activities),
    Route("/sync/watchlist", ("GET",), get_watchlist),
    Route("/sync/watchlist/<type>", ("GET",), get_watchlist),
    Route("/sync/watchlist/<type>/<sort>", ("GET",), get_watchlist),
    Route("/sync/watchlist/<type>/<sort>/<how>", ("GET",), get_watchlist),
    Route("/sync/watchlist", ("POST",), post_watchlist),
    Route("/sync/watchlist/remove", ("POST",), remove_watchlist),
    Route("/sync/ratings", ("GET",), get_ratings),
    Route("/sync/ratings/<type>", ("GET",), get_ratings),
    Route("/sync/ratings/<type>/<rating>", ("GET",), get_ratings),
    Route("/sync/ratings", ("POST",), post_ratings),
    Route("/sync/ratings/remove", ("POST",), remove_ratings),
    Route("/users/settings", ("GET",), user_settings),
]
