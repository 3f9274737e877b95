"""The history index against the emulator: complete reads, the gate, incremental reads."""

from __future__ import annotations

from typing import Any

import pluggy
import pytest
from history_fixtures import (  # noqa: F401  (fixtures)
    Demo,
    fixture_demo,
    fixture_history,
    next_run,
)

from crosswatch_trakt.errors import IncompleteRead
from crosswatch_trakt.features.history import HistoryFeature
from crosswatch_trakt.features.history.cache import INDEX_FILE
from crosswatch_trakt.features.history.reader import HistoryReader
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault, VirtualClock
from crosswatch_trakt.testing.emulator.builders import generate_account
from crosswatch_trakt.trakt.pagination import ListChanged

YEAR = 365 * 86400.0


def small_account(fake: FakeTrakt) -> None:
    """Give alice 600 episode plays and 300 movie plays over the past year."""
    generate_account(fake, "alice", watchlist=0, ratings=0, plays=600, movie_plays=300)


def test_10000_plays_read_completely_and_unchanged_reindex_costs_one_request(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """A 10,000-play account reads every play, and an unchanged re-index is one request."""
    generate_account(fake_trakt, "alice", watchlist=0, ratings=0, plays=8000, movie_plays=2000)
    snapshot = history.index(host_context)
    assert len(snapshot) == 10_000
    ids = {item["trakt_history_id"] for item in snapshot.values()}
    assert ids == set(fake_trakt.users["alice"].history)
    assert fake_trakt.log_count(path="/sync/history/movies") == 8
    assert fake_trakt.log_count(path="/sync/history/episodes") == 32
    fake_trakt.clear_log()
    again = history.index(next_run(host_context, "run-2"))
    assert again == snapshot
    assert fake_trakt.log_count() == 1
    assert fake_trakt.log_count(path="/sync/last_activities") == 1


def test_five_new_plays_cost_the_gate_and_one_page_per_changed_type(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """Five new plays on top are read with the gate plus one page of each changed type."""
    small_account(fake_trakt)
    history.index(host_context)
    now = fake_trakt.clock.time()
    new_ids = [fake_trakt.add_play("alice", demo.movies[i], now - i * 60) for i in range(2)]
    episodes = list(demo.breaking.episodes())[:3]
    new_ids += [
        fake_trakt.add_play("alice", ep, now - 600 - i * 60) for i, ep in enumerate(episodes)
    ]
    fake_trakt.clear_log()
    snapshot = history.index(next_run(host_context, "run-2"))
    assert fake_trakt.log_count() == 3
    assert fake_trakt.log_count(path="/sync/history/movies") == 1
    assert fake_trakt.log_count(path="/sync/history/episodes") == 1
    assert len(snapshot) == 905
    assert set(new_ids) <= {item["trakt_history_id"] for item in snapshot.values()}


def test_one_changed_type_leaves_the_other_cached(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A new movie play reads one page of movies and nothing of episodes."""
    small_account(fake_trakt)
    history.index(host_context)
    fake_trakt.add_play("alice", demo.movies[0], fake_trakt.clock.time())
    fake_trakt.clear_log()
    assert len(history.index(next_run(host_context, "run-2"))) == 901
    assert fake_trakt.log_count(path="/sync/history/episodes") == 0
    assert fake_trakt.log_count(path="/sync/history/movies") == 1


def test_backfilled_old_plays_are_found(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """Plays added with an old watched_at (deep in the list) are found by a full re-walk."""
    small_account(fake_trakt)
    history.index(host_context)
    old = fake_trakt.clock.time() - YEAR - 30 * 86400
    deep = fake_trakt.add_play("alice", demo.movies[3], old)
    deep_episode = fake_trakt.add_play("alice", next(demo.breaking.episodes()), old + 3600)
    snapshot = history.index(next_run(host_context, "run-2"))
    found = {item["trakt_history_id"] for item in snapshot.values()}
    assert {deep, deep_episode} <= found
    assert len(snapshot) == 902
    assert fake_trakt.log_count(path="/sync/history/movies") == 2 + 1 + 2


def test_a_deletion_hidden_by_a_new_play_is_not_missed(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A deleted play replaced by a new one (same count) is caught by the head check."""
    small_account(fake_trakt)
    first = history.index(host_context)
    user = fake_trakt.users["alice"]
    newest = max(
        (p for p in user.history.values() if p.media.type == "movie"),
        key=lambda p: (p.watched_at, p.id),
    )
    with fake_trakt.lock:
        user.play_delete(newest.id, fake_trakt.clock.time())
    added = fake_trakt.add_play("alice", demo.movies[5], fake_trakt.clock.time())
    snapshot = history.index(next_run(host_context, "run-2"))
    found = {item["trakt_history_id"] for item in snapshot.values()}
    assert added in found
    assert newest.id not in found
    assert len(snapshot) == len(first)


def test_same_minute_plays_get_numbered_keys(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """Two plays of one movie in one minute are keyed k and k#2, by history id."""
    matrix = demo.movies[0]
    first = fake_trakt.add_play("alice", matrix, "2025-05-01T20:31:10Z")
    second = fake_trakt.add_play("alice", matrix, "2025-05-01T20:31:50Z")
    snapshot = history.index(host_context)
    key = "movie:tmdb:603@2025-05-01T20:31Z"
    assert snapshot[key]["trakt_history_id"] == first
    assert snapshot[key + "#2"]["trakt_history_id"] == second
    assert snapshot[key]["watched_at"] == "2025-05-01T20:31:00.000Z"


def test_episode_items_carry_show_ids_and_numbers(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """An episode play is keyed by show and numbers and carries show_ids, season, episode."""
    episode = demo.breaking.episode(1, 2)
    fake_trakt.add_play("alice", episode, "2025-05-02T20:00:00Z", action="scrobble")
    (key, item) = next(iter(history.index(host_context).items()))
    assert key == "show:tmdb:1396#s01e02@2025-05-02T20:00Z"
    assert item["show_ids"]["tvdb"] == 81189
    assert (item["season"], item["episode"], item["action"]) == (1, 2, "scrobble")
    assert item["ids"]["trakt"] == episode.trakt


def test_incomplete_read_raises_and_keeps_the_cache(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A page that keeps failing raises IncompleteRead and leaves the cache file untouched."""
    small_account(fake_trakt)
    first = history.index(host_context)
    path = host_context.state_dir / INDEX_FILE
    before = path.read_bytes()
    fake_trakt.add_play("alice", demo.movies[0], fake_trakt.clock.time() - 2 * YEAR)
    fake_trakt.faults.add(
        Fault(method="GET", path="/sync/history/movies", status=500, times=None, page=2)
    )
    with pytest.raises(IncompleteRead):
        history.index(next_run(host_context, "run-2"))
    assert path.read_bytes() == before
    fake_trakt.faults.clear()
    assert len(history.index(next_run(host_context, "run-3"))) == len(first) + 1


def test_full_rewalk_after_a_week(
    fake_trakt: FakeTrakt,
    trakt_clock: VirtualClock,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
) -> None:
    """A change more than a week after the last full walk is read by a full walk."""
    small_account(fake_trakt)
    history.index(host_context)
    trakt_clock.advance(8 * 86400)
    fake_trakt.add_play("alice", demo.movies[0], trakt_clock.time())
    fake_trakt.clear_log()
    assert len(history.index(next_run(host_context, "run-2"))) == 901
    assert fake_trakt.log_count(path="/sync/history/movies") == 2


def test_corrupt_cache_is_rebuilt(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A corrupt index file is moved aside and the history read again in full."""
    fake_trakt.add_play("alice", demo.movies[0], "2025-05-01T20:31:00Z")
    history.index(host_context)
    (host_context.state_dir / INDEX_FILE).write_text("{not json")
    assert list(history.index(next_run(host_context, "run-2"))) == [
        "movie:tmdb:603@2025-05-01T20:31Z"
    ]
    assert list(host_context.state_dir.glob(INDEX_FILE + ".corrupt-*"))


def test_index_through_the_hook(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext, demo: Demo
) -> None:
    """index_snapshot(feature="history") answers the plays through the plugin."""
    fake_trakt.add_play("alice", demo.movies[1], "2025-05-01T20:31:00Z")
    snapshot = pm.hook.index_snapshot(provider="TRAKT", feature="history", context=host_context)
    assert list(snapshot) == ["movie:tmdb:27205@2025-05-01T20:31Z"]


def test_a_list_changing_under_the_incremental_read_falls_back_to_a_full_walk(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another writer changing the list mid-walk costs a full walk, never a failed index."""
    small_account(fake_trakt)
    history.index(host_context)
    fake_trakt.add_play("alice", demo.movies[0], fake_trakt.clock.time())
    original = HistoryReader._top

    def changed_once(self: HistoryReader, kind: str, known: set[int | None]) -> Any:
        monkeypatch.setattr(HistoryReader, "_top", original)
        raise ListChanged(f"/sync/history/{kind} changed while it was being read (page 3).")

    monkeypatch.setattr(HistoryReader, "_top", changed_once)
    snapshot = history.index(next_run(host_context, "run-2"))
    assert {item["trakt_history_id"] for item in snapshot.values()} == set(
        fake_trakt.users["alice"].history
    )
