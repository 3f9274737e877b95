"""Reading Trakt's personal lists: the lists, one list's items, and the plan's list limits.

``GET /users/me/lists`` answers every list in one request ("pagination optional": pagination
headers are followed if they come). ``GET /users/me/lists/{id}/items`` is paginated since
2026 (100 rows without ``limit``; ``limit`` clamped to 250), so it is walked page by page to
the end or the read fails. Rows repeated on a later page (trakt/trakt-api#741) are kept once,
by their list-item id. Rows of people (a list may hold them) are not media: they are counted,
never returned as items.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from crosswatch_trakt.errors import IncompleteRead
from crosswatch_trakt.media import keys
from crosswatch_trakt.media.hostitems import media_to_host
from crosswatch_trakt.media.models import MediaRef
from crosswatch_trakt.media.traktrows import trakt_media
from crosswatch_trakt.support.contract import HostItem
from crosswatch_trakt.support.dates import format_datetime, parse_datetime
from crosswatch_trakt.trakt.account import TraktAccount

__all__ = [
    "FREE_LIST_COUNT",
    "FREE_LIST_ITEM_COUNT",
    "LISTS_PATH",
    "ListContents",
    "ListItem",
    "ListLimits",
    "items_path",
    "limits_of",
    "list_resource",
    "read_items",
    "read_lists",
]

LISTS_PATH = "/users/me/lists"
MEDIA_TYPES = ("movie", "show", "season", "episode")
#: a free account's limits, when its settings carry none (Trakt's 2026 plan table)
FREE_LIST_COUNT = 5
FREE_LIST_ITEM_COUNT = 250
Progress = Any  # the host's progress callback, handed to the walk


def items_path(list_id: str) -> str:
    """Return the items path of the list ``list_id`` (its Trakt id or slug)."""
    return f"{LISTS_PATH}/{list_id}/items"


@attrs.frozen
class ListLimits:
    """The account's list limits: lists it may have, items per list; ``None``: not known.

    ``assumed``: Trakt's settings carried no list limits and the account is not VIP, so the
    free plan's 5 lists of 250 items are assumed (``docs/decisions.md``).
    """

    count: int | None
    item_count: int | None
    assumed: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Return the limits as plain data."""
        return {"count": self.count, "item_count": self.item_count, "assumed": self.assumed}


def _positive(value: Any) -> int | None:
    return value if type(value) is int and value > 0 else None


def limits_of(settings: Mapping[str, Any]) -> ListLimits:
    """Return the list limits of a ``GET /users/settings`` answer (``limits.list``)."""
    limits = settings.get("limits")
    node = limits.get("list") if isinstance(limits, Mapping) else None
    if isinstance(node, Mapping):
        return ListLimits(_positive(node.get("count")), _positive(node.get("item_count")))
    user = settings.get("user")
    vip = user.get("vip") if isinstance(user, Mapping) else None
    if vip is False:
        return ListLimits(FREE_LIST_COUNT, FREE_LIST_ITEM_COUNT, assumed=True)
    return ListLimits(None, None)


@attrs.frozen
class ListItem:
    """One item on a personal list: the media, its list-item id, rank and when it was listed."""

    media: MediaRef
    list_item_id: int
    rank: int | None = None
    listed_at: datetime | None = None
    notes: str | None = None

    def to_host(self) -> HostItem:
        """Return the host item: the media's fields, ``trakt_list_item_id``, ``rank``..."""
        return {
            **media_to_host(self.media),
            "trakt_list_item_id": self.list_item_id,
            "rank": self.rank,
            "listed_at": None if self.listed_at is None else format_datetime(self.listed_at),
            "notes": self.notes,
        }


def list_item_row(row: Any) -> ListItem | None:
    """Read one ``.../items`` row; ``None`` for a person; a bad row raises ``ValueError``."""
    if not isinstance(row, Mapping):
        raise ValueError(f"a list row must be an object, not {type(row).__name__}")
    kind = row.get("type")
    if kind == "person":
        return None
    if kind not in MEDIA_TYPES:
        raise ValueError(f"a list row has an unknown type: {kind!r:.40}")
    item_id = row.get("id")
    if type(item_id) is not int:
        raise ValueError("a list row needs an integer id")
    media = trakt_media(kind, row.get(kind), row.get("show"))
    rank = row.get("rank")
    listed = row.get("listed_at")
    notes = row.get("notes")
    return ListItem(
        media,
        item_id,
        rank if type(rank) is int else None,
        parse_datetime(listed) if isinstance(listed, str) else None,
        notes if isinstance(notes, str) else None,
    )


@attrs.frozen
class ListContents:
    """A list's items in Trakt's order, keyed by item key; ``others``: rows of people."""

    items: dict[str, ListItem]
    others: int = 0

    @property
    def size(self) -> int:
        """Return how many rows the list holds (people included: they use the room too)."""
        return len(self.items) + self.others

    def snapshot(self) -> dict[str, HostItem]:
        """Return ``{key: host item}`` in Trakt's order."""
        return {key: item.to_host() for key, item in self.items.items()}


def read_items(
    account: TraktAccount, list_id: str, feature: str, progress: Progress = None
) -> ListContents:
    """Walk every page of the list's items; an unreadable row or page fails the whole read."""
    rows = account.session.paginate(items_path(list_id), feature=feature, progress=progress)
    items: dict[str, ListItem] = {}
    seen: set[int] = set()
    others = 0
    for row in rows:
        try:
            item = list_item_row(row)
        except ValueError as exc:
            raise IncompleteRead(f"Trakt sent a list row that cannot be read: {exc}") from exc
        if item is None:
            others += 1
            continue
        if item.list_item_id in seen:
            continue  # the same row on two pages (trakt/trakt-api#741)
        seen.add(item.list_item_id)
        key = keys.item_key(item.media)
        if key is None:
            raise IncompleteRead("Trakt sent a list row without ids or title.")
        items.setdefault(key, item)
    return ListContents(items, others)


def list_resource(row: Any) -> dict[str, Any] | None:
    """Return a list of ``GET /users/me/lists`` as a resource dict, ``None`` without an id."""
    if not isinstance(row, Mapping):
        return None
    ids = row.get("ids")
    trakt_id = ids.get("trakt") if isinstance(ids, Mapping) else None
    if type(trakt_id) is not int:
        return None
    count = row.get("item_count")
    return {
        "id": str(trakt_id),
        "name": str(row.get("name") or trakt_id),
        "slug": ids.get("slug") if isinstance(ids, Mapping) else None,
        "privacy": row.get("privacy"),
        "item_count": count if type(count) is int else None,
        "updated_at": row.get("updated_at"),
    }


def read_lists(account: TraktAccount, feature: str) -> list[dict[str, Any]]:
    """Return every personal list of the account (``list_resource`` shape), in Trakt's order."""
    rows = account.session.paginate(LISTS_PATH, feature=feature, unpaged=True)
    found = [resource for row in rows if (resource := list_resource(row)) is not None]
    if len(found) != len(rows):
        raise IncompleteRead("Trakt sent a personal list without a numeric id.")
    return found
