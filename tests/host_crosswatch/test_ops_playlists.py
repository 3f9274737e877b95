"""Playlists through CrossWatch's door: its six playlist methods, its shapes and its keys."""

from __future__ import annotations

from typing import Any

import pytest

from crosswatch_trakt.crosswatch.hostkeys import BuiltinKeys as KEYS
from crosswatch_trakt.crosswatch.ops import TraktOps
from crosswatch_trakt.crosswatch.playlists import WATCHLIST_ID, PlaylistRefused
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.catalog import Movie

METHODS = (
    "list_playlist_resources",
    "get_playlist_snapshot",
    "create_playlist",
    "add_playlist_items",
    "remove_playlist_items",
    "reorder_playlist_items",
)


def _movies(fake: FakeTrakt, count: int, start: int = 0) -> list[Movie]:
    return [
        fake.catalog.add_movie(f"Film {n}", 2000, {"tmdb": 700_000 + n})
        for n in range(start, start + count)
    ]


def _host(movie: Movie) -> dict[str, Any]:
    """Return a movie as CrossWatch sends it (flat string ids)."""
    return {
        "type": "movie",
        "title": movie.title,
        "year": movie.year,
        "ids": {"tmdb": str(movie.ids["tmdb"])},
    }


def _free(fake: FakeTrakt) -> None:
    settings = fake.users["alice"].settings
    settings.list_count, settings.list_item_count = 5, 250


def test_the_host_finds_the_playlist_contract(ops: TraktOps) -> None:
    """Every method ``supports_playlists`` looks for exists, and the capabilities say so."""
    assert all(callable(getattr(ops, name, None)) for name in METHODS)
    assert ops.features()["playlists"] is True
    caps = ops.capabilities()["playlists"]
    assert all(caps[op] is True for op in ("read", "create", "add", "remove", "reorder"))
    assert caps["smart"] is False


def test_resources_are_the_watchlist_and_the_lists(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """The watchlist comes first (not reorderable), then each list with the plan's limits."""
    _free(fake_trakt)
    plist = fake_trakt.add_list("alice", "Films", _movies(fake_trakt, 2))
    watchlist, films = ops.list_playlist_resources(cw_cfg, instance="default")
    assert (watchlist.id, watchlist.can_reorder) == (WATCHLIST_ID, False)
    assert (films.id, films.name, films.can_reorder) == (str(plist.id), "Films", True)
    assert films.extra["limits"]["item_count"] == 250


def test_snapshot_keys_items_as_the_host_does(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """A list's items are keyed by the host's canonical key, in rank order, with item ids."""
    movies = _movies(fake_trakt, 3)
    plist = fake_trakt.add_list("alice", "Films", movies)
    snap = ops.get_playlist_snapshot(cw_cfg, str(plist.id))
    assert snap.ordered_keys() == ["tmdb:700000", "tmdb:700001", "tmdb:700002"]
    assert all(item.playlist_item_id.isdigit() for item in snap.items)
    assert snap.items[0].item["ids"]["tmdb"] == "700000"
    watchlist = ops.get_playlist_snapshot(cw_cfg, WATCHLIST_ID)
    assert watchlist.resource.id == WATCHLIST_ID
    assert len(watchlist.items) == len(fake_trakt.users["alice"].watchlist)


def test_create_and_refusal_past_the_list_count(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """A new list comes back as a resource; past the plan's count, a ``PlaylistRefused``."""
    fake_trakt.users["alice"].settings.list_count = 1
    made = ops.create_playlist(cw_cfg, "Mine")
    assert made.name == "Mine"
    assert made.id.isdigit()
    with pytest.raises(PlaylistRefused) as refused:
        ops.create_playlist(cw_cfg, "Two")
    assert refused.value.reason == "account_limit"


def test_add_books_host_keys_and_flags_capacity(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """Adds are booked under host keys; items past the list's room say ``capacity``."""
    _free(fake_trakt)
    plist = fake_trakt.add_list("alice", "Full", _movies(fake_trakt, 248))  # room for two
    extra = [_host(m) for m in _movies(fake_trakt, 2, start=500)]
    unknown = {"type": "movie", "title": "Nowhere", "year": 1901, "ids": {"tmdb": "9999999"}}
    result = ops.add_playlist_items(cw_cfg, str(plist.id), [extra[0], unknown, extra[1]])
    assert result["confirmed_keys"] == [KEYS.key(extra[0])]
    assert result["reason_counts"] == {"not_found": 1, "account_limit": 1}
    assert result["capacity"] == "list_item_count"
    assert result["ok"] is False


def test_remove_and_reorder_by_host_keys(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt, cw_env: dict[str, str]
) -> None:
    """A remove confirms the host key; a reorder by host keys puts those first."""
    movies = _movies(fake_trakt, 3)
    plist = fake_trakt.add_list("alice", "Films", movies)
    lid = str(plist.id)
    removed = ops.remove_playlist_items(cw_cfg, lid, [_host(movies[0])])
    assert removed["confirmed_keys"] == ["tmdb:700000"]
    done = ops.reorder_playlist_items(cw_cfg, lid, ["tmdb:700002", "tmdb:1"])
    assert done["ok"] is True
    assert done["unknown_keys"] == ["tmdb:1"]
    assert ops.get_playlist_snapshot(cw_cfg, lid).ordered_keys() == ["tmdb:700002", "tmdb:700001"]
    assert ops.reorder_playlist_items(cw_cfg, WATCHLIST_ID, [])["unsupported"] is True


def test_dry_run_writes_nothing(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """A dry run of each write method sends no write and confirms no key."""
    movies = _movies(fake_trakt, 2)
    plist = fake_trakt.add_list("alice", "Films", movies[:1])
    lid = str(plist.id)
    ops.get_playlist_snapshot(cw_cfg, lid)
    fake_trakt.clear_log()
    assert ops.create_playlist(cw_cfg, "New", dry_run=True).id == ""
    added = ops.add_playlist_items(cw_cfg, lid, [_host(movies[1])], dry_run=True)
    assert (added["confirmed_keys"], added["dry_run_keys"]) == ([], ["tmdb:700001"])
    ops.remove_playlist_items(cw_cfg, lid, [_host(movies[0])], dry_run=True)
    ops.reorder_playlist_items(cw_cfg, lid, ["tmdb:700000"], dry_run=True)
    assert fake_trakt.log_count("POST") == 0
    assert len(fake_trakt.users["alice"].lists) == 1


def test_a_trakt_free_spread_over_three_lists(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """As the TraktFree ruleset spreads 750 items: three new lists of 250, all confirmed."""
    _free(fake_trakt)
    movies = _movies(fake_trakt, 750)
    for n in range(3):
        made = ops.create_playlist(cw_cfg, f"Part {n}")
        chunk = [_host(m) for m in movies[n * 250 : (n + 1) * 250]]
        result = ops.add_playlist_items(cw_cfg, made.id, chunk)
        assert (result["count"], result["unresolved"]) == (250, [])
    resources = ops.list_playlist_resources(cw_cfg)
    assert [r.extra["item_count"] for r in resources[1:]] == [250, 250, 250]
