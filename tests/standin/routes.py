"""The stand-in's routes: reads with pagination, the write table, and the control door."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from tests.standin import dates, views
from tests.standin.account import Account

if TYPE_CHECKING:
    from tests.standin.trakt_standin import Answer, TraktStandin

MAX_LIMIT = 250
DEFAULT_LIMIT = 100
TYPES = ("movies", "shows", "seasons", "episodes")

#: How each write's body is read (``bodies.read``): what its entries are.
MODES = {"history": "leaf", "collection": "leaf", "ratings": "level", "watchlist": "level"}
WRITES: dict[tuple[str, str], Callable[[Account, Any], dict[str, Any]]] = {
    ("POST", "/sync/history"): Account.add_history,
    ("POST", "/sync/history/remove"): Account.remove_history,
    ("POST", "/sync/ratings"): Account.add_ratings,
    ("POST", "/sync/ratings/remove"): Account.remove_ratings,
    ("POST", "/sync/watchlist"): Account.add_watchlist,
    ("POST", "/sync/watchlist/remove"): Account.remove_watchlist,
    ("POST", "/sync/collection"): Account.add_collection,
    ("POST", "/sync/collection/remove"): Account.remove_collection,
}


class BadQuery(ValueError):
    """A query parameter the stand-in refuses (400)."""


def _whole(params: dict[str, list[str]], name: str) -> int | None:
    values = params.get(name)
    if not values:
        return None
    if not values[0].isdigit() or int(values[0]) < 1:
        raise BadQuery(f"{name}={values[0]!r}")
    return int(values[0])


def page(
    params: dict[str, list[str]],
    rows: Sequence[Any],
    render: Callable[[Any], dict[str, Any]],
    optional: bool = False,
) -> Answer:
    """Answer one page of ``rows`` (all of them for an optional read asked for no page)."""
    number, limit = _whole(params, "page"), _whole(params, "limit")
    if optional and number is None and limit is None:
        return 200, [render(row) for row in rows], {}
    number, limit = number or 1, min(limit or DEFAULT_LIMIT, MAX_LIMIT)
    chosen = rows[(number - 1) * limit : number * limit]
    headers = {
        "X-Pagination-Page": str(number),
        "X-Pagination-Limit": str(limit),
        "X-Pagination-Page-Count": str(math.ceil(len(rows) / limit)),
        "X-Pagination-Item-Count": str(len(rows)),
    }
    return 200, [render(row) for row in chosen], headers


def settings(standin: TraktStandin) -> dict[str, Any]:
    """Return ``/users/settings``."""
    user = {
        "username": "standin",
        "private": False,
        "name": "Stand-in User",
        "vip": standin.vip,
        "vip_ep": False,
        "ids": {"slug": "standin", "uuid": "00000000-0000-4000-8000-000000000001"},
    }
    limits = {
        "list": {"count": 2, "item_count": 100},
        "watchlist": {"item_count": standin.account.watchlist_limit},
        "favorites": {"item_count": 50},
        "recommendations": {"item_count": 50},
        "collaboration": {"item_count": 50},
    }
    return {
        "user": user,
        "account": {
            "timezone": "UTC",
            "date_format": "dmy",
            "time_24hr": True,
            "cover_image": None,
        },
        "connections": {"facebook": False, "twitter": False, "tumblr": False, "slack": False},
        "sharing_text": {"watching": "", "watched": "", "rated": ""},
        "limits": limits,
        "browsing": {"watch_only_once": False, "spoilers": {}},
    }


def read(standin: TraktStandin, path: str, query: str) -> Answer:
    """Answer a GET."""
    account = standin.account
    params = parse_qs(query)
    parts = path.strip("/").split("/")
    try:
        if path == "/users/settings":
            return 200, settings(standin), {}
        if path == "/sync/last_activities":
            return 200, account.last_activities(), {}
        if parts[:2] == ["sync", "history"] and len(parts) <= 4:
            return _history(account, parts[2:], params)
        if parts[:2] == ["sync", "ratings"] and len(parts) <= 4:
            kind = parts[2] if len(parts) > 2 and parts[2] != "all" else None
            value = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else None
            if (kind is not None and kind not in TYPES) or (len(parts) > 3 and value is None):
                return 404, {"error": "not found"}, {}
            keys = views.ratings(account, kind, value)
            optional = len(parts) > 2
            return page(params, keys, lambda k: views.rating_row(account, k), optional)
        if parts[:2] == ["sync", "watchlist"] and len(parts) <= 4:
            kind = parts[2] if len(parts) > 2 and parts[2] != "all" else None
            if kind is not None and kind not in TYPES:
                return 404, {"error": "not found"}, {}
            ranked = views.watchlist(account, kind)
            return page(params, ranked, lambda r: views.watchlist_row(account, r))
        if parts[:2] == ["sync", "collection"] and parts[2:] in (["movies"], ["shows"]):
            entries = views.collection(account, parts[2])
            return page(params, entries, lambda e: views.collection_row(account, e))
        if parts[:2] == ["sync", "watched"] and parts[2:] in (["movies"], ["shows"]):
            return 200, views.watched(account, parts[2]), {}
        if parts[:2] == ["sync", "playback"] and len(parts) <= 3:
            return 200, [], {}
    except (BadQuery, dates.BadDate) as error:
        return 400, {"error": f"bad parameter {error}"}, {}
    return 404, {"error": "not found"}, {}


def _history(account: Account, rest: list[str], params: dict[str, list[str]]) -> Answer:
    kind = rest[0] if rest else None
    if kind is not None and kind not in TYPES:
        return 404, {"error": "not found"}, {}
    trakt_id = None
    if len(rest) > 1:
        if not rest[1].isdigit():
            return 404, {"error": "not found"}, {}
        trakt_id = int(rest[1])
    plays = account.history(kind, trakt_id)
    start = params.get("start_at")
    end = params.get("end_at")
    if start or end:
        low = dates.parse(start[0]) if start else -math.inf
        high = dates.parse(end[0]) if end else math.inf
        plays = [p for p in plays if low <= p.watched_at <= high]
    return page(params, plays, account.render_play)


def preload(account: Account, sizes: dict[str, Any]) -> None:
    """Fill the account with ``movie_plays``, ``episode_plays``, ``ratings``, ``watchlist``."""
    views.preload(account, **sizes)


def control(standin: TraktStandin, method: str, path: str, body: bytes) -> Answer:
    """Answer the harness's ``/_standin/*`` calls (never counted, never limited)."""
    if method == "GET" and path == "/_standin/stats":
        return 200, standin.stats(), {}
    if method == "GET" and path == "/_standin/plays":
        return 200, standin.plays(), {}
    if method == "POST" and path == "/_standin/seed":
        order = json.loads(body)
        return 200, standin.seed(order["path"], order["body"]), {}
    if method == "POST" and path == "/_standin/preload":
        standin.preload(**json.loads(body or b"{}"))
        return 200, standin.stats(), {}
    return 404, {"error": "not found"}, {}
