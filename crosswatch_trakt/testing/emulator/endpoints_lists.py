"""Personal lists: ``/users/me/lists`` and a list's items, with the plan's list limits.

As Trakt serves them: ``GET /users/{me}/lists`` answers every list (no pagination);
``POST /users/{me}/lists`` creates one (201 with the list), or 420 with ``X-Upgrade-URL``
when the account has ``limits.list.count`` lists already. ``GET .../lists/{id}/items`` is
paginated (100 rows without ``limit``, clamped to 250), by rank. ``POST .../items`` adds
(201 ``{added, existing, not_found, list{updated_at, item_count}}``; re-adding counts as
``existing``), or 420 when the list would pass ``limits.list.item_count``;
``POST .../items/remove`` answers ``{deleted, not_found, list}``; ``POST .../items/reorder``
takes ``{rank: [list item ids]}`` and answers ``{updated, skipped_ids, list}``. A list is
named by its Trakt id or its slug; an unknown one is 404. Every change moves
``lists.updated_at``.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from crosswatch_trakt.testing.emulator.app import Call, Route
from crosswatch_trakt.testing.emulator.body_lookup import BodyLookup, counts
from crosswatch_trakt.testing.emulator.catalog import PLURAL, media_json, media_key
from crosswatch_trakt.testing.emulator.responses import empty, json_response, paginate
from crosswatch_trakt.testing.emulator.store import PersonalList, WatchlistEntry
from crosswatch_trakt.testing.emulator.timefmt import format_ts

__all__ = ["ROUTES", "list_json"]

UPGRADE_URL = "https://trakt.tv/vip"


def list_json(plist: PersonalList, username: str) -> dict[str, Any]:
    """Return a list object as ``GET /users/{me}/lists`` sends it."""
    return {
        "name": plist.name,
        "description": None,
        "privacy": plist.privacy,
        "share_link": f"https://trakt.tv/lists/{plist.id}",
        "type": "personal",
        "display_numbers": False,
        "allow_comments": True,
        "sort_by": "rank",
        "sort_how": "asc",
        "created_at": format_ts(plist.created_at),
        "updated_at": format_ts(plist.updated_at),
        "item_count": len(plist.items),
        "comment_count": 0,
        "likes": 0,
        "ids": {"trakt": plist.id, "slug": plist.slug},
        "user": {"username": username, "private": False, "vip": False, "ids": {"slug": username}},
    }


def _mine(call: Call) -> bool:
    return str(call.args.get("user")) in ("me", call.user.username)


def _find(call: Call) -> PersonalList | None:
    if not _mine(call):
        return None
    wanted = str(call.args.get("list_id"))
    for plist in call.user.lists.values():
        if str(plist.id) == wanted or plist.slug == wanted:
            return plist
    return None


def _limit_exceeded(call: Call, limit: int) -> Response:
    headers = {
        "X-Upgrade-URL": UPGRADE_URL,
        "X-VIP-User": "true" if call.user.settings.vip else "false",
        "X-Account-Limit": str(limit),
    }
    return json_response({"error": "account_limit_exceeded"}, 420, headers)


def _changed(call: Call, plist: PersonalList) -> dict[str, Any]:
    plist.updated_at = call.now
    call.user.touch("lists", "updated_at", call.now)
    return {"updated_at": format_ts(plist.updated_at), "item_count": len(plist.items)}


def get_lists(call: Call) -> Response:
    """``GET /users/{me}/lists``: every personal list."""
    if not _mine(call):
        return empty(404)
    rows = [list_json(plist, call.user.username) for plist in call.user.lists.values()]
    return json_response(rows)


def create_list(call: Call) -> Response:
    """``POST /users/{me}/lists``: 201 with the new list, 420 past ``limits.list.count``."""
    if not _mine(call):
        return empty(404)
    body = call.body()
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str) or not name.strip():
        return empty(422)
    limit = call.user.settings.list_count
    if len(call.user.lists) >= limit:
        return _limit_exceeded(call, limit)
    privacy = body.get("privacy") if isinstance(body.get("privacy"), str) else "private"
    plist = call.user.list_create(name.strip(), privacy, call.fake.ids, call.now)
    return json_response(list_json(plist, call.user.username), 201)


def _row(rank: int, entry: WatchlistEntry) -> dict[str, Any]:
    return {
        "rank": rank,
        "id": entry.id,
        "listed_at": format_ts(entry.listed_at),
        "notes": entry.notes,
        "type": entry.media.type,
        **media_json(entry.media),
    }


def get_items(call: Call) -> Response:
    """``GET /users/{me}/lists/{id}/items``: rows by rank, paginated."""
    plist = _find(call)
    if plist is None:
        return empty(404)
    rows = list(enumerate(plist.items, start=1))
    return paginate(call.query, rows, quirks=call.paging, render=lambda pair: _row(*pair))


def add_items(call: Call) -> Response:
    """``POST .../items``: 201, or 420 when the list would pass ``limits.list.item_count``."""
    plist = _find(call)
    if plist is None:
        return empty(404)
    res = BodyLookup(call.fake.catalog).look_up(call.body())
    there = {media_key(entry.media) for entry in plist.items}
    fresh = {media_key(target.media) for target in res.targets} - there
    limit = call.user.settings.list_item_count
    if len(plist.items) + len(fresh) > limit:
        return _limit_exceeded(call, limit)
    added, existing = counts(), counts()
    for target in res.targets:
        key = media_key(target.media)
        if key in there:
            existing[PLURAL[target.media.type]] += 1
            continue
        there.add(key)
        notes = target.fields.get("notes")
        entry = WatchlistEntry(
            call.fake.ids.list_item(),
            target.media,
            call.now,
            notes if isinstance(notes, str) else None,
        )
        plist.items.append(entry)
        added[PLURAL[target.media.type]] += 1
    body = {
        "added": added,
        "existing": existing,
        "not_found": res.not_found,
        "list": _changed(call, plist),
    }
    return json_response(body, 201)


def remove_items(call: Call) -> Response:
    """``POST .../items/remove``: 200 ``{deleted, not_found, list}``."""
    plist = _find(call)
    if plist is None:
        return empty(404)
    res = BodyLookup(call.fake.catalog).look_up(call.body())
    gone = {media_key(target.media) for target in res.targets}
    deleted = counts()
    for entry in plist.items:
        if media_key(entry.media) in gone:
            deleted[PLURAL[entry.media.type]] += 1
    plist.items = [entry for entry in plist.items if media_key(entry.media) not in gone]
    body = {"deleted": deleted, "not_found": res.not_found, "list": _changed(call, plist)}
    return json_response(body)


def reorder_items(call: Call) -> Response:
    """``POST .../items/reorder``: the ids in ``rank`` first, in that order; the rest after."""
    plist = _find(call)
    if plist is None:
        return empty(404)
    body = call.body()
    rank = body.get("rank") if isinstance(body, dict) else None
    if not isinstance(rank, list):
        return empty(422)
    by_id = {entry.id: entry for entry in plist.items}
    skipped = [item_id for item_id in rank if item_id not in by_id]
    named = list(dict.fromkeys(item_id for item_id in rank if item_id in by_id))
    before = [entry.id for entry in plist.items]
    plist.items = [by_id[i] for i in named] + [e for e in plist.items if e.id not in set(named)]
    updated = sum(1 for old, new in zip(before, plist.items, strict=True) if old != new.id)
    answer = {"updated": updated, "skipped_ids": skipped, "list": _changed(call, plist)}
    return json_response(answer)


_USER = "/users/<user>/lists"
_ITEMS = _USER + "/<list_id>/items"
ROUTES = [
    Route(_USER, ("GET",), get_lists),
    Route(_USER, ("POST",), create_list),
    Route(_ITEMS, ("GET",), get_items),
    Route(_ITEMS, ("POST",), add_items),
    Route(_ITEMS + "/remove", ("POST",), remove_items),
    Route(_ITEMS + "/reorder", ("POST",), reorder_items),
]
