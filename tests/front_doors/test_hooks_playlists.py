"""The playlist hooks as a host calls them through pluggy, against the emulator."""

from __future__ import annotations

from pathlib import Path

import pluggy
import pytest

from crosswatch_trakt.errors import FeatureNotSupported
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.builders import host_item


@pytest.fixture
def context(tmp_path: Path) -> HostContext:
    """A minimal host context (no request is made with it)."""
    return HostContext(config={"client_id": "abc"}, state_dir=tmp_path)


@pytest.mark.parametrize(
    ("hook", "kwargs"),
    [
        ("playlist_resources", {}),
        ("playlist_snapshot", {"playlist_id": "1"}),
        ("playlist_create", {"name": "x", "dry_run": False}),
        ("playlist_add", {"playlist_id": "1", "items": [], "dry_run": False}),
        ("playlist_remove", {"playlist_id": "1", "items": [], "dry_run": False}),
        ("playlist_reorder", {"playlist_id": "1", "ordered_keys": [], "dry_run": False}),
    ],
)
def test_other_providers_get_none(
    pm: pluggy.PluginManager, context: HostContext, hook: str, kwargs: dict[str, object]
) -> None:
    """Every playlist hook returns None for a provider that is not TRAKT."""
    assert getattr(pm.hook, hook)(provider="SIMKL", context=context, **kwargs) is None


def test_create_add_read_reorder_remove(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A list is created, filled, read, reordered and emptied through the hooks."""
    hook = pm.hook
    movies = [fake_trakt.catalog.add_movie(f"Film {n}", 2000, {"tmdb": 800 + n}) for n in range(2)]
    made = hook.playlist_create(provider="TRAKT", name="Mine", context=host_context, dry_run=False)
    lid = made["list"]["id"]
    items = [host_item(m) for m in movies]
    added = hook.playlist_add(
        provider="TRAKT", playlist_id=lid, items=items, context=host_context, dry_run=False
    )
    assert added["confirmed_keys"] == ["movie:tmdb:800", "movie:tmdb:801"]
    found = hook.playlist_resources(provider="TRAKT", context=host_context)
    assert [r["id"] for r in found["lists"]] == [lid]
    done = hook.playlist_reorder(
        provider="TRAKT",
        playlist_id=lid,
        ordered_keys=["movie:tmdb:801"],
        context=host_context,
        dry_run=False,
    )
    assert done["ok"] is True
    snap = hook.playlist_snapshot(provider="TRAKT", playlist_id=lid, context=host_context)
    assert list(snap["items"]) == ["movie:tmdb:801", "movie:tmdb:800"]
    removed = hook.playlist_remove(
        provider="TRAKT", playlist_id=lid, items=items[:1], context=host_context, dry_run=False
    )
    assert removed["confirmed_keys"] == ["movie:tmdb:800"]


def test_a_plain_apply_of_playlists_is_refused(
    pm: pluggy.PluginManager, context: HostContext
) -> None:
    """``apply_adds`` of ``playlists`` names no list: it is refused, pointing at the hooks."""
    with pytest.raises(FeatureNotSupported, match="playlist_add"):
        pm.hook.apply_adds(
            provider="TRAKT", feature="playlists", items=[{}], context=context, dry_run=False
        )
