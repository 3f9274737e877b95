"""Every feature replayed from recorded cassettes (playlists through their hooks), network off.

Record them again with ``CROSSWATCH_TRAKT_RECORD=1 pytest -m cassette`` (see
docs/cassettes.md). Write tests refuse to record against a real account.
"""

from __future__ import annotations

from typing import Any

import pluggy
import pytest

from crosswatch_trakt.testing.pytest_plugin import CassetteSession

pytestmark = pytest.mark.cassette

INCEPTION = {"type": "movie", "title": "Inception", "year": 2010, "ids": {"tmdb": 27205}}
DUNE = {"type": "movie", "title": "Dune", "year": 2021, "ids": {"tmdb": 438631}}
MATRIX = {"type": "movie", "title": "The Matrix", "year": 1999, "ids": {"tmdb": 603}}


def hook(
    pm: pluggy.PluginManager, name: str, feature: str, session: CassetteSession, **kw: Any
) -> Any:
    """Call a TRAKT hook for ``feature`` with the cassette session's context."""
    return getattr(pm.hook, name)(
        provider="TRAKT", feature=feature, context=session.host_context, **kw
    )


def no_real_writes(session: CassetteSession) -> None:
    """Refuse to record a write test against a real Trakt account."""
    if session.recording and session.fake is None:
        pytest.skip("write cassettes are recorded against the emulator only, never a real account")


def test_watchlist_index(pm: pluggy.PluginManager, trakt_cassette: CassetteSession) -> None:
    """A replayed watchlist read gives every row keyed with its type."""
    snapshot = hook(pm, "index_snapshot", "watchlist", trakt_cassette)
    assert "movie:tmdb:438631" in snapshot
    assert "show:tmdb:2316#s02" in snapshot
    assert len(snapshot) == 6
    assert all(key.split(":", 1)[0] in {"movie", "show"} for key in snapshot)


def test_watchlist_add(pm: pluggy.PluginManager, trakt_cassette: CassetteSession) -> None:
    """A replayed add confirms the new item and skips the one already listed."""
    no_real_writes(trakt_cassette)
    result = hook(
        pm, "apply_adds", "watchlist", trakt_cassette, items=[INCEPTION, DUNE], dry_run=False
    )
    assert result["confirmed_keys"] == ["movie:tmdb:27205"]
    assert result["skipped_keys"] == ["movie:tmdb:438631"]


def test_watchlist_remove(pm: pluggy.PluginManager, trakt_cassette: CassetteSession) -> None:
    """A replayed remove confirms the listed item and skips the absent one."""
    no_real_writes(trakt_cassette)
    result = hook(
        pm, "apply_removes", "watchlist", trakt_cassette, items=[DUNE, INCEPTION], dry_run=False
    )
    assert result["confirmed_keys"] == ["movie:tmdb:438631"]
    assert result["skipped_keys"] == ["movie:tmdb:27205"]


def test_ratings_index(pm: pluggy.PluginManager, trakt_cassette: CassetteSession) -> None:
    """A replayed ratings read gives movie, show, season and episode ratings."""
    snapshot = hook(pm, "index_snapshot", "ratings", trakt_cassette)
    assert snapshot["movie:tmdb:603"]["rating"] == 9
    assert snapshot["show:tmdb:1396"]["rating"] == 10
    assert {key.split(":", 1)[0] for key in snapshot} == {"movie", "show"}
    assert any("#s01e" in key for key in snapshot)


def test_ratings_add_and_remove(pm: pluggy.PluginManager, trakt_cassette: CassetteSession) -> None:
    """A replayed upsert confirms a changed rating, skips an equal one, and removes one."""
    no_real_writes(trakt_cassette)
    items = [
        {**MATRIX, "rating": 9},
        {**INCEPTION, "rating": 6, "rated_at": "2025-07-01T10:00:00Z"},
    ]
    added = hook(pm, "apply_adds", "ratings", trakt_cassette, items=items, dry_run=False)
    assert added["confirmed_keys"] == ["movie:tmdb:27205"]
    assert added["skipped_keys"] == ["movie:tmdb:603"]
    removed = hook(pm, "apply_removes", "ratings", trakt_cassette, items=[MATRIX], dry_run=False)
    assert removed["confirmed_keys"] == ["movie:tmdb:603"]


def test_history_index(pm: pluggy.PluginManager, trakt_cassette: CassetteSession) -> None:
    """A replayed history read gives each play keyed by item and minute, with its history id."""
    snapshot = hook(pm, "index_snapshot", "history", trakt_cassette)
    first = snapshot["movie:tmdb:603@2025-01-05T20:31Z"]
    assert first["trakt_history_id"] > 2**32
    assert "movie:tmdb:603@2025-06-14T21:02Z" in snapshot
    assert sum(1 for key in snapshot if key.startswith("show:")) == 7


def test_history_add_and_remove(pm: pluggy.PluginManager, trakt_cassette: CassetteSession) -> None:
    """A replayed add skips the existing play and confirms the new one; a remove hits one play."""
    no_real_writes(trakt_cassette)
    plays = [
        {**MATRIX, "watched_at": "2025-01-05T20:31:40Z"},
        {**MATRIX, "watched_at": "2025-09-01T20:00:00Z"},
    ]
    added = hook(pm, "apply_adds", "history", trakt_cassette, items=plays, dry_run=False)
    assert added["skipped_keys"] == ["movie:tmdb:603@2025-01-05T20:31Z"]
    assert added["confirmed_keys"] == ["movie:tmdb:603@2025-09-01T20:00Z"]
    gone = [{**MATRIX, "watched_at": "2025-06-14T21:02:00Z"}]
    removed = hook(pm, "apply_removes", "history", trakt_cassette, items=gone, dry_run=False)
    assert removed["confirmed_keys"] == ["movie:tmdb:603@2025-06-14T21:02Z"]


def test_progress_index(pm: pluggy.PluginManager, trakt_cassette: CassetteSession) -> None:
    """A replayed playback read gives each resume point with its percent and playback id."""
    snapshot = hook(pm, "index_snapshot", "progress", trakt_cassette)
    dune = snapshot["movie:tmdb:438631"]
    assert dune["progress_percent"] == 12.5
    assert isinstance(dune["trakt_playback_id"], int)
    assert [item["type"] for item in snapshot.values()].count("episode") == 1


def test_progress_add_and_remove(pm: pluggy.PluginManager, trakt_cassette: CassetteSession) -> None:
    """A replayed pause writes a new resume point, skips an equal one, and a delete removes one."""
    no_real_writes(trakt_cassette)
    items = [{**INCEPTION, "progress_percent": 33.0}, {**DUNE, "progress_percent": 12.5}]
    added = hook(pm, "apply_adds", "progress", trakt_cassette, items=items, dry_run=False)
    assert added["confirmed_keys"] == ["movie:tmdb:27205"]
    assert added["skipped_keys"] == ["movie:tmdb:438631"]
    removed = hook(pm, "apply_removes", "progress", trakt_cassette, items=[DUNE], dry_run=False)
    assert removed["confirmed_keys"] == ["movie:tmdb:438631"]


def test_playlists_create_fill_read_and_empty(
    pm: pluggy.PluginManager, trakt_cassette: CassetteSession
) -> None:
    """A replayed list is created, filled (one item unknown), read, reordered and emptied."""
    no_real_writes(trakt_cassette)
    context = trakt_cassette.host_context
    made = pm.hook.playlist_create(
        provider="TRAKT", name="Cassette list", context=context, dry_run=False
    )
    lid = made["list"]["id"]
    unknown = {"type": "movie", "title": "Nope", "year": 1900, "ids": {"tmdb": 99999999}}
    added = pm.hook.playlist_add(
        provider="TRAKT",
        playlist_id=lid,
        items=[INCEPTION, DUNE, unknown],
        context=context,
        dry_run=False,
    )
    assert added["confirmed_keys"] == ["movie:tmdb:27205", "movie:tmdb:438631"]
    assert [entry["reason"] for entry in added["unresolved"]] == ["not_found"]
    snapshot = pm.hook.playlist_snapshot(provider="TRAKT", playlist_id=lid, context=context)
    assert set(snapshot["items"]) == {"movie:tmdb:27205", "movie:tmdb:438631"}
    pm.hook.playlist_reorder(
        provider="TRAKT",
        playlist_id=lid,
        ordered_keys=["movie:tmdb:438631", "movie:tmdb:27205"],
        context=context,
        dry_run=False,
    )
    removed = pm.hook.playlist_remove(
        provider="TRAKT", playlist_id=lid, items=[INCEPTION, DUNE], context=context, dry_run=False
    )
    assert removed["confirmed_keys"] == ["movie:tmdb:27205", "movie:tmdb:438631"]
