"""The playlist scenarios: one host playlist spread over a free account's lists, then re-read.

L1 asks the plan's list limits (``playlist_resources``), creates as many lists as the host's
playlist needs at the per-list limit (a free account: 250 items, 5 lists) and adds each share
(``playlist_create``, ``playlist_add``), the way CrossWatch's "TraktFree" ruleset spreads a
large playlist. L2 reads every list back in a new run (``playlist_resources`` and
``playlist_snapshot``). ``playlist_items`` and ``playlist_check`` run in the emulator child:
the host's items, and what the account's lists hold (items per list, repeats).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from crosswatch_trakt import plugin
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing.emulator.builders import host_item
from crosswatch_trakt.testing.emulator.catalog import media_key
from crosswatch_trakt.testing.emulator.fake import FakeTrakt

__all__ = ["playlist_check", "playlist_items", "run_playlists"]

#: a free account's list limits (2026): 5 lists of 250 items
FREE_LISTS = (5, 250)


def playlist_items(fake: FakeTrakt, username: str, count: int) -> list[dict[str, Any]]:
    """Give ``username`` a free plan's list limits; return ``count`` movies as host items."""
    with fake.lock:
        settings = fake.users[username].settings
        settings.list_count, settings.list_item_count = FREE_LISTS
        movies = sorted(fake.catalog.movies.values(), key=lambda movie: movie.trakt)
    return [host_item(movie) for movie in movies[:count]]


def playlist_check(fake: FakeTrakt, username: str) -> dict[str, Any]:
    """Return the items per list and how many items stand on more than one list or twice."""
    with fake.lock:
        lists = list(fake.users[username].lists.values())
        sizes = {plist.name: len(plist.items) for plist in lists}
        seen = Counter(media_key(entry.media) for plist in lists for entry in plist.items)
    return {"sizes": sizes, "repeated": sum(1 for n in seen.values() if n > 1)}


Step = Callable[[str, str, Callable[[], dict[str, Any]]], None]


def run_playlists(
    call: Callable[..., Any], context: Callable[[str], HostContext], step: Step
) -> None:
    """Run L1 (spread the host's playlist over lists at the plan's limit) and L2 (read back)."""
    items: list[dict[str, Any]] = call("playlist_items")

    def spread() -> dict[str, Any]:
        ctx = context("l1")
        resources = plugin.playlist_resources("TRAKT", ctx) or {}
        per = int(resources["limits"]["item_count"])
        books = Counter[str]()
        lists = 0
        for start in range(0, len(items), per):
            lists += 1
            made = plugin.playlist_create("TRAKT", f"Bench playlist {lists}", ctx, False) or {}
            share = items[start : start + per]
            result: dict[str, Any] = dict(
                plugin.playlist_add("TRAKT", made["list"]["id"], share, ctx, False) or {}
            )
            books["confirmed"] += len(result.get("confirmed_keys", []))
            books["skipped"] += len(result.get("skipped_keys", []))
            books["unresolved"] += len(result.get("unresolved", []))
        return {"lists": lists, "per_list": per, "books": dict(books)}

    def read_back() -> dict[str, Any]:
        ctx = context("l2")
        resources = plugin.playlist_resources("TRAKT", ctx) or {}
        sizes = [
            len((plugin.playlist_snapshot("TRAKT", str(found["id"]), ctx) or {})["items"])
            for found in resources.get("lists", [])
        ]
        return {"sizes": sizes, "account": call("playlist_check")}

    step("L1", f"spread a {len(items):,}-movie playlist over a free account's lists", spread)
    step("L2", "read every list back in a new run", read_back)
