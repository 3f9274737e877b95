"""Apply-then-drop: Trakt applies a write and the answer is lost, for every write kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.testing.bench.bench_scenarios import host_item

from .support import USER, Host, movies, play_items, rating_items, truth

Prepare = Callable[[Host], tuple[list[dict[str, Any]], int]]


def watchlist_add(host: Host) -> tuple[list[dict[str, Any]], int]:
    """Return 12 new watchlist items and the watchlist size they lead to."""
    films = movies(host.fake, 12)
    return [host_item(m) for m in films], truth(host.fake, "watchlist") + 12


def watchlist_remove(host: Host) -> tuple[list[dict[str, Any]], int]:
    """Return 12 items that are on the watchlist and the size after removing them."""
    fake = host.fake
    listed = [entry.media for entry in fake.users[USER].watchlist.values()][:12]
    return [host_item(m) for m in listed], truth(fake, "watchlist") - 12


def ratings_add(host: Host) -> tuple[list[dict[str, Any]], int]:
    """Return 12 new ratings and the ratings count they lead to."""
    return rating_items(movies(host.fake, 12)), truth(host.fake, "ratings") + 12


def ratings_remove(host: Host) -> tuple[list[dict[str, Any]], int]:
    """Return 12 rated items and the ratings count after removing them."""
    fake = host.fake
    rated = [entry.media for entry in fake.users[USER].ratings.values()][:12]
    return [host_item(m) for m in rated], truth(fake, "ratings") - 12


def history_add(host: Host) -> tuple[list[dict[str, Any]], int]:
    """Return 12 new plays and the play count they lead to."""
    return play_items(movies(host.fake, 12)), truth(host.fake, "history") + 12


def history_remove(host: Host) -> tuple[list[dict[str, Any]], int]:
    """Return 12 plays by history id (from the index) and the play count after removing them."""
    snapshot = host.index("history", "run-0")
    plays = [item for item in snapshot.values() if item["trakt_history_id"]][:12]
    return plays, truth(host.fake, "history") - 12


CASES: dict[str, tuple[str, str, str, Prepare]] = {
    "watchlist_add": ("add", "watchlist", "/sync/watchlist", watchlist_add),
    "watchlist_remove": ("remove", "watchlist", "/sync/watchlist/remove", watchlist_remove),
    "ratings_add": ("add", "ratings", "/sync/ratings", ratings_add),
    "ratings_remove": ("remove", "ratings", "/sync/ratings/remove", ratings_remove),
    "history_add": ("add", "history", "/sync/history", history_add),
    "history_remove": ("remove", "history", "/sync/history/remove", history_remove),
}


def _seen(fake: FakeTrakt, path: str) -> int:
    return fake.log_count(method="POST", path=path)


@pytest.mark.parametrize("case", list(CASES))
def test_apply_then_drop(host: Host, case: str) -> None:
    """The lost answer is settled (resent, or read back for plays): done once, all confirmed."""
    kind, feature, path, prepare = CASES[case]
    fake = host.fake
    items, expected = prepare(host)
    fake.faults.add(Fault(method="POST", path=path, kind="apply_then_drop"))
    result = host.apply(kind, feature, items)
    assert fake.log_count(method="POST", path=path, status=0) == 1
    assert len(result["confirmed_keys"]) == 12, result["unresolved"][:2]
    assert truth(fake, feature) == expected
    assert _seen(fake, path) >= 2
    assert len(host.index(feature, "run-1")) == truth(fake, feature)  # same run: still true
    host.complete(feature, "run-2")
    host.check()
