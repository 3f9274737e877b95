"""Watchlist and ratings items Trakt gets by title + year are matched on later runs."""

from __future__ import annotations

import json
import shutil
from typing import Any

import attrs
import pluggy
import pytest

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.catalog import Movie
from crosswatch_trakt.trakt.account import account_for


@pytest.fixture
def twins(fake_trakt: FakeTrakt) -> tuple[Movie, Movie, Movie]:
    """Return a movie with a unique title and two movies sharing one title and year."""
    catalog = fake_trakt.catalog
    return (
        catalog.add_movie("Solo", 2004, {"tmdb": 4004}),
        catalog.add_movie("Twin", 2001, {"tmdb": 9001}),
        catalog.add_movie("Twin", 2001, {"tmdb": 9002}),
    )


def titled(movie: Movie, **extra: Any) -> dict[str, Any]:
    """Return a host item for ``movie`` with a Plex id, its title and year only."""
    return {
        "type": "movie",
        "title": movie.title,
        "year": movie.year,
        "ids": {"plex": "77"},
        **extra,
    }


def call(
    pm: pluggy.PluginManager, hook: str, feature: str, context: HostContext, items: list[Any]
) -> Any:
    """Call ``hook`` of ``feature`` for TRAKT with ``items`` (not a dry run)."""
    return getattr(pm.hook, hook)(
        provider="TRAKT", feature=feature, items=items, context=context, dry_run=False
    )


def run(context: HostContext, number: int) -> HostContext:
    """Return ``context`` for host run ``number``."""
    return attrs.evolve(context, run_id=f"run-{number}")


@pytest.mark.parametrize("wipe", [False, True], ids=["state-kept", "state-wiped"])
def test_title_watchlist_item_is_skipped_on_later_runs(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    twins: tuple[Movie, Movie, Movie],
    wipe: bool,
) -> None:
    """A title-only watchlist add is confirmed once, then skipped, with or without state."""
    item = titled(twins[0])
    first = call(pm, "apply_adds", "watchlist", host_context, [item])
    assert first["confirmed_keys"] == ["movie:title:solo|2004"]
    if wipe:
        shutil.rmtree(host_context.state_dir)
    for number in (2, 3):
        again = call(pm, "apply_adds", "watchlist", run(host_context, number), [item])
        assert again["skipped_keys"] == ["movie:title:solo|2004"]
    assert fake_trakt.log_count(method="POST", path="/sync/watchlist") == 1


def test_title_watchlist_item_fitting_two_items_is_conflicting_ids(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    twins: tuple[Movie, Movie, Movie],
) -> None:
    """A title and year that two watchlist items share is refused for add and remove."""
    fake_trakt.watchlist_add("alice", twins[1])
    fake_trakt.watchlist_add("alice", twins[2])
    item = titled(twins[1])
    for hook in ("apply_adds", "apply_removes"):
        result = call(pm, hook, "watchlist", host_context, [item])
        assert [u["reason"] for u in result["unresolved"]] == ["conflicting_ids"]
    assert fake_trakt.log_count(method="POST") == 0


def test_title_watchlist_remove_removes_the_matched_item_only(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    twins: tuple[Movie, Movie, Movie],
) -> None:
    """A title remove sends the ids of the item it matched, so its twin stays listed."""
    item = titled(twins[1])
    call(pm, "apply_adds", "watchlist", host_context, [item])
    learnt = call(pm, "apply_adds", "watchlist", run(host_context, 2), [item])
    assert learnt["skipped_keys"] == ["movie:title:twin|2001"]
    fake_trakt.watchlist_add("alice", twins[2])
    result = call(pm, "apply_removes", "watchlist", run(host_context, 3), [item])
    assert result["confirmed_keys"] == ["movie:title:twin|2001"]
    with fake_trakt.lock:
        listed = [entry.media for entry in fake_trakt.users["alice"].watchlist.values()]
    assert listed == [twins[2]]


@pytest.mark.parametrize("wipe", [False, True], ids=["state-kept", "state-wiped"])
def test_title_rating_is_skipped_when_unchanged(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    twins: tuple[Movie, Movie, Movie],
    wipe: bool,
) -> None:
    """A title-only rating is written once; the same rating later is skipped."""
    item = titled(twins[0], rating=8)
    first = call(pm, "apply_adds", "ratings", host_context, [item])
    assert first["confirmed_keys"] == ["movie:title:solo|2004"]
    if wipe:
        shutil.rmtree(host_context.state_dir)
    again = call(pm, "apply_adds", "ratings", run(host_context, 2), [item])
    assert again["skipped_keys"] == ["movie:title:solo|2004"]
    assert fake_trakt.log_count(method="POST", path="/sync/ratings") == 1


def test_title_rating_remembers_the_item(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    twins: tuple[Movie, Movie, Movie],
) -> None:
    """Once matched by title, the item's ids are kept in trakt_ratings.resolved.json."""
    item = titled(twins[0], rating=8)
    call(pm, "apply_adds", "ratings", host_context, [item])
    call(pm, "apply_adds", "ratings", run(host_context, 2), [item])
    path = account_for(host_context).store.path("trakt_ratings.resolved.json")
    doc = json.loads(path.read_text())
    assert doc["items"]["movie:title:solo|2004"]["ids"]["tmdb"] == 4004
