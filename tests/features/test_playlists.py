"""Playlists (Trakt personal lists) through the feature, over HTTP against the emulator."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from crosswatch_trakt.errors import FeatureNotSupported, IncompleteRead
from crosswatch_trakt.features.playlists import PlaylistsFeature, limits_of, playlists_of
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.testing.emulator.builders import host_item
from crosswatch_trakt.testing.emulator.catalog import Movie
from crosswatch_trakt.trakt.account import account_for

MISSING = {"type": "movie", "title": "Nowhere", "year": 1901, "ids": {"tmdb": 9_999_999}}


def _lists(context: HostContext) -> PlaylistsFeature:
    return playlists_of(account_for(context))


def _movies(fake: FakeTrakt, count: int, start: int = 0) -> list[Movie]:
    return [
        fake.catalog.add_movie(f"Film {n}", 2000, {"tmdb": 500_000 + n})
        for n in range(start, start + count)
    ]


def _free(fake: FakeTrakt) -> None:
    """Make ``alice`` a free account: 5 lists of 250 items."""
    settings = fake.users["alice"].settings
    settings.list_count, settings.list_item_count = 5, 250


def _titles(fake: FakeTrakt, list_id: int) -> list[str]:
    return [str(getattr(e.media, "title", "")) for e in fake.users["alice"].lists[list_id].items]


def test_a_list_longer_than_a_page_is_read_completely(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A list of 600 items is walked over three pages of 250, in Trakt's order."""
    fake_trakt.users["alice"].settings.list_item_count = 1000
    movies = _movies(fake_trakt, 600)
    plist = fake_trakt.add_list("alice", "Big", movies)
    snap = _lists(host_context).snapshot(str(plist.id), host_context)
    assert snap["size"] == 600
    assert list(snap["items"])[:2] == ["movie:tmdb:500000", "movie:tmdb:500001"]
    assert all(isinstance(i["trakt_list_item_id"], int) for i in snap["items"].values())
    assert fake_trakt.log_count("GET", f"/users/me/lists/{plist.id}/items") == 3


def test_a_failed_page_fails_the_whole_read(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A page that keeps failing is an error, never a shorter list."""
    fake_trakt.users["alice"].settings.list_item_count = 1000
    plist = fake_trakt.add_list("alice", "Big", _movies(fake_trakt, 300))
    path = f"/users/me/lists/{plist.id}/items"
    fake_trakt.faults.add(Fault("GET", path, status=500, times=None, page=2))
    with pytest.raises(IncompleteRead):
        _lists(host_context).snapshot(str(plist.id), host_context)


def test_resources_list_the_lists_and_the_plan_limits(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """``resources`` names every list with its item count, and the plan's list limits."""
    _free(fake_trakt)
    fake_trakt.add_list("alice", "Films", _movies(fake_trakt, 3))
    found = _lists(host_context).resources(host_context)
    assert [(r["name"], r["item_count"]) for r in found["lists"]] == [("Films", 3)]
    assert found["limits"] == {"count": 5, "item_count": 250, "assumed": False}


def test_create_within_and_over_the_list_count(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A list is created while the plan allows; past ``limits.list.count`` nothing is sent."""
    fake_trakt.users["alice"].settings.list_count = 1
    made = _lists(host_context).create_list("Mine", host_context, False)
    assert made["ok"] is True
    assert made["list"]["name"] == "Mine"
    assert made["list"]["id"].isdigit()
    refused = _lists(host_context).create_list("Second", host_context, False)
    assert (refused["ok"], refused["reason"]) == (False, "account_limit")
    assert fake_trakt.log_count("POST", "/users/me/lists") == 1


def test_a_420_on_create_is_an_account_limit(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """When Trakt answers 420 to a new list, the answer says ``account_limit``."""
    fake_trakt.faults.add(Fault("POST", "/users/me/lists", status=420))
    refused = _lists(host_context).create_list("Mine", host_context, False)
    assert (refused["ok"], refused["reason"]) == (False, "account_limit")
    assert fake_trakt.users["alice"].lists == {}


def test_add_books_new_existing_and_not_found_items(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """New items are confirmed, items on the list skipped, unknown ones ``not_found``."""
    _free(fake_trakt)
    movies = _movies(fake_trakt, 3)
    plist = fake_trakt.add_list("alice", "Films", movies[:1])
    items = [host_item(m) for m in movies] + [MISSING]
    result = _lists(host_context).add_items(str(plist.id), items, host_context, False).result
    assert result["confirmed_keys"] == ["movie:tmdb:500001", "movie:tmdb:500002"]
    assert result["skipped_keys"] == ["movie:tmdb:500000"]
    assert [(e["key"], e["reason"]) for e in result["unresolved"]] == [
        ("movie:tmdb:9999999", "not_found")
    ]
    assert _titles(fake_trakt, plist.id) == ["Film 0", "Film 1", "Film 2"]
    assert fake_trakt.log_count("POST", f"/users/me/lists/{plist.id}/items") == 1


def test_add_past_the_item_count_is_an_account_limit(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Items past ``limits.list.item_count`` are ``account_limit`` and never sent."""
    _free(fake_trakt)
    plist = fake_trakt.add_list("alice", "Full", _movies(fake_trakt, 248))
    extra = [host_item(m) for m in _movies(fake_trakt, 5, start=1000)]
    result = _lists(host_context).add_items(str(plist.id), extra, host_context, False).result
    assert len(result["confirmed_keys"]) == 2
    assert [e["reason"] for e in result["unresolved"]] == ["account_limit"] * 3
    assert len(fake_trakt.users["alice"].lists[plist.id].items) == 250


def test_a_420_on_add_fails_what_is_left_with_account_limit(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A 420 from Trakt books the chunk and every later one ``account_limit``, none written."""
    plist = fake_trakt.add_list("alice", "Films")
    path = f"/users/me/lists/{plist.id}/items"
    fake_trakt.faults.add(Fault("POST", path, status=420))
    items = [host_item(m) for m in _movies(fake_trakt, 3)]
    result = _lists(host_context).add_items(str(plist.id), items, host_context, False).result
    assert result["confirmed_keys"] == []
    assert [e["reason"] for e in result["unresolved"]] == ["account_limit"] * 3


def test_remove_confirms_what_was_there_and_skips_the_rest(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """An item on the list is removed; one that is not is skipped without a request for it."""
    movies = _movies(fake_trakt, 3)
    plist = fake_trakt.add_list("alice", "Films", movies[:2])
    items = [host_item(movies[1]), host_item(movies[2])]
    result = _lists(host_context).remove_items(str(plist.id), items, host_context, False).result
    assert result["confirmed_keys"] == ["movie:tmdb:500001"]
    assert result["skipped_keys"] == ["movie:tmdb:500002"]
    assert _titles(fake_trakt, plist.id) == ["Film 0"]


def test_reorder_sends_one_rank(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """The named keys go first in their order, the rest keep theirs; unknown keys are told."""
    plist = fake_trakt.add_list("alice", "Films", _movies(fake_trakt, 4))
    order = ["movie:tmdb:500003", "movie:tmdb:500001", "movie:tmdb:1"]
    done = _lists(host_context).reorder_items(str(plist.id), order, host_context, False)
    assert done["ok"] is True
    assert done["unknown_keys"] == ["movie:tmdb:1"]
    assert _titles(fake_trakt, plist.id) == ["Film 3", "Film 1", "Film 0", "Film 2"]
    assert fake_trakt.log_count("POST", f"/users/me/lists/{plist.id}/items/reorder") == 1
    again = _lists(host_context).reorder_items(str(plist.id), order[:2], host_context, False)
    assert again.get("unchanged") is True


def test_dry_run_writes_nothing(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """A dry run of create, add, remove and reorder sends no write at all."""
    movies = _movies(fake_trakt, 3)
    plist = fake_trakt.add_list("alice", "Films", movies[:1])
    feature = _lists(host_context)
    feature.snapshot(str(plist.id), host_context)  # the cached read a dry run uses
    fake_trakt.clear_log()
    lid = str(plist.id)
    assert feature.create_list("New", host_context, True)["dry_run"] is True
    added = feature.add_items(lid, [host_item(m) for m in movies], host_context, True).result
    assert added["skipped_keys"] == ["movie:tmdb:500000"]
    assert added["stats"]["would_add"] == 2
    removed = feature.remove_items(lid, [host_item(movies[0])], host_context, True).result
    assert removed["stats"]["would_remove"] == 1
    feature.reorder_items(lid, ["movie:tmdb:500000"], host_context, True)
    assert fake_trakt.log_count("POST") == 0
    assert fake_trakt.log_count() == 0
    assert _titles(fake_trakt, plist.id) == ["Film 0"]


def test_a_free_account_holds_three_lists_of_250(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A TraktFree-like spread: 750 items over three new lists of 250; a 251st is refused."""
    _free(fake_trakt)
    feature = _lists(host_context)
    movies = _movies(fake_trakt, 751)
    ids = [feature.create_list(f"Part {n}", host_context, False)["list"]["id"] for n in range(3)]
    for n, lid in enumerate(ids):
        chunk = [host_item(m) for m in movies[n * 250 : (n + 1) * 250]]
        result = feature.add_items(lid, chunk, host_context, False).result
        assert (len(result["confirmed_keys"]), result["unresolved"]) == (250, [])
    over = feature.add_items(ids[0], [host_item(movies[750])], host_context, False).result
    assert [e["reason"] for e in over["unresolved"]] == ["account_limit"]
    assert [len(p.items) for p in fake_trakt.users["alice"].lists.values()] == [250, 250, 250]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"user": {"vip": False}}, (5, 250, True)),
        ({"user": {"vip": True}}, (None, None, False)),
        ({"limits": {"list": {"count": 100, "item_count": 5000}}}, (100, 5000, False)),
    ],
)
def test_list_limits_from_settings(settings: dict[str, Any], expected: tuple[Any, ...]) -> None:
    """A free account without ``limits`` gets 5 lists of 250; a VIP without them, no limit."""
    limits = limits_of(settings)
    assert (limits.count, limits.item_count, limits.assumed) == expected


def test_the_generic_index_and_applies(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """The generic index holds every list's items by list; a generic apply is refused."""
    plist = fake_trakt.add_list("alice", "Films", _movies(fake_trakt, 2))
    feature = _lists(host_context)
    index = feature.index(host_context)
    assert sorted(index) == [f"{plist.id}/movie:tmdb:500000", f"{plist.id}/movie:tmdb:500001"]
    assert {item["list_name"] for item in index.values()} == {"Films"}
    with pytest.raises(FeatureNotSupported, match="list by list"):
        feature.add([MISSING], host_context, False)


def test_an_unchanged_account_costs_only_the_gate(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A second index whose ``lists.updated_at`` did not move reads no list again."""
    fake_trakt.add_list("alice", "Films", _movies(fake_trakt, 2))
    _lists(host_context).index(host_context)
    fake_trakt.clear_log()
    again = attrs.evolve(host_context, run_id="run-2")
    assert len(_lists(again).index(again)) == 2
    assert fake_trakt.log_count() == 1
    assert fake_trakt.log_count("GET", "/sync/last_activities") == 1
