"""History adds against the emulator: exactly once, mapped back, with every option."""

from __future__ import annotations

import re
from typing import Any

import attrs
import pluggy
import pytest
from history_fixtures import (  # noqa: F401  (fixtures)
    Demo,
    accounted,
    episode_item,
    fixture_demo,
    fixture_history,
    movie_item,
    next_run,
    play_count,
    plays_at,
    reasons,
    with_pair,
)

from crosswatch_trakt.features.history import SPEC, HistoryFeature
from crosswatch_trakt.features.history.write import SETTLE_SECONDS
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault, VirtualClock
from crosswatch_trakt.trakt.session import TraktSession

POST_HISTORY = Fault(method="POST", path="/sync/history", kind="apply_then_drop")


def test_new_duplicate_and_multi_play_adds(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """New plays are added, a play already there at that minute is skipped, plays are distinct."""
    matrix, inception = demo.movies[0], demo.movies[1]
    fake_trakt.add_play("alice", matrix, "2025-01-05T20:31:00Z")
    items = [
        movie_item(matrix, "2025-01-05T20:31:42Z"),
        movie_item(matrix, "2025-02-01T10:00:00Z"),
        movie_item(matrix, "2025-03-01T10:00:00Z"),
        movie_item(inception, "2025-02-11T19:45:00Z"),
    ]
    result = history.add(items, host_context, False)
    accounted(result, 4)
    assert result["skipped_keys"] == ["movie:tmdb:603@2025-01-05T20:31Z"]
    assert result["count"] == 3
    assert plays_at(fake_trakt, matrix) == [
        "2025-01-05T20:31:00.000Z",
        "2025-02-01T10:00:00.000Z",
        "2025-03-01T10:00:00.000Z",
    ]
    again = history.add(items, next_run(host_context, "run-2"), False)
    assert sorted(again["skipped_keys"]) == sorted(
        result["confirmed_keys"] + result["skipped_keys"]
    )
    assert play_count(fake_trakt) == 4


def test_same_minute_twice_means_two_plays(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """An item given twice at one minute asks for two plays (keys k and k#2), once each."""
    matrix = demo.movies[0]
    fake_trakt.add_play("alice", matrix, "2025-01-05T20:31:00Z")
    items = [movie_item(matrix, "2025-01-05T20:31:00Z")] * 2
    result = history.add(items, host_context, False)
    key = "movie:tmdb:603@2025-01-05T20:31Z"
    assert result["skipped_keys"] == [key]
    assert result["confirmed_keys"] == [key + "#2"]
    assert len(plays_at(fake_trakt, matrix)) == 2


def test_missing_and_invalid_watched_at_are_never_now(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A play without watched_at is missing_watched_at and a bad one invalid_watched_at."""
    items = [movie_item(demo.movies[0], None), movie_item(demo.movies[1], "last tuesday")]
    result = history.add(items, host_context, False)
    accounted(result, 2)
    assert sorted(reasons(result).values()) == ["invalid_watched_at", "missing_watched_at"]
    assert play_count(fake_trakt) == 0
    assert fake_trakt.log_count(method="POST") == 0


def test_allow_released_sends_released_once(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """With allow_released a play without a date is sent as released, and skipped once there."""
    context = with_pair(host_context, allow_released=True)
    item = episode_item(demo.breaking.episode(1, 1), None)
    result = history.add([item], context, False)
    assert result["confirmed_keys"] == ["show:tvdb:81189#s01e01@released"]
    assert len(plays_at(fake_trakt, demo.breaking.episode(1, 1))) == 1
    again = history.add([item], next_run(context, "run-2"), False)
    assert again["skipped_keys"] == result["confirmed_keys"]
    assert play_count(fake_trakt) == 1


def test_not_found_is_remembered_and_held_back(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A play Trakt does not know is not_found, then previously_not_found on the next run."""
    ghost = {"type": "movie", "ids": {"tmdb": 99_999_999}, "watched_at": "2025-01-01T10:00:00Z"}
    items = [ghost, movie_item(demo.movies[2], "2025-01-02T10:00:00Z")]
    result = history.add(items, host_context, False)
    assert reasons(result) == {"movie:tmdb:99999999@2025-01-01T10:00Z": "not_found"}
    assert result["confirmed_keys"] == ["movie:tmdb:157336@2025-01-02T10:00Z"]
    fake_trakt.clear_log()
    again = history.add([ghost], next_run(host_context, "run-2"), False)
    assert reasons(again) == {"movie:tmdb:99999999@2025-01-01T10:00Z": "previously_not_found"}
    assert fake_trakt.log_count(method="POST") == 0
    assert (host_context.state_dir / "trakt_history.unresolved.json").exists()


def test_number_fallback_off_and_on(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """An episode known only by show ids and numbers needs history.number_fallback."""
    episode = demo.breaking.episode(2, 3)
    item = episode_item(episode, "2025-04-01T21:00:00Z", own_ids=False)
    off = history.add([item], host_context, False)
    (entry,) = off["unresolved"]
    assert entry["reason"] == "missing_ids"
    assert "history.number_fallback" in entry["detail"]
    on = history.add([item], with_pair(host_context, number_fallback=True), False)
    assert on["confirmed_keys"] == ["show:tvdb:81189#s02e03@2025-04-01T21:00Z"]
    assert plays_at(fake_trakt, episode) == ["2025-04-01T21:00:00.000Z"]


def test_shows_and_seasons_are_not_plays(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A show item is invalid_item: a play is of a movie or an episode."""
    item = {"type": "show", "ids": {"tvdb": 81189}, "watched_at": "2025-01-01T00:00:00Z"}
    result = history.add([item], host_context, False)
    assert reasons(result) == {"show:tvdb:81189@2025-01-01T00:00Z": "invalid_item"}
    assert play_count(fake_trakt) == 0


def test_dry_run_writes_nothing_and_makes_no_request(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A dry run predicts from the cached index without any request or write."""
    matrix = demo.movies[0]
    fake_trakt.add_play("alice", matrix, "2025-01-05T20:31:00Z")
    history.index(host_context)
    fake_trakt.clear_log()
    items = [movie_item(matrix, "2025-01-05T20:31:00Z"), movie_item(matrix, "2025-02-05T20:31:00Z")]
    result = history.add(items, next_run(host_context, "run-2"), True)
    assert result["dry_run"] is True
    assert result["skipped_keys"] == ["movie:tmdb:603@2025-01-05T20:31Z"]
    assert result["confirmed_keys"] == ["movie:tmdb:603@2025-02-05T20:31Z"]
    assert result["stats"]["index"] == "cached"
    assert fake_trakt.log_count() == 0
    assert play_count(fake_trakt) == 1


def test_chunks_follow_write_chunk_size(
    fake_trakt: FakeTrakt, host_context: HostContext, demo: Demo
) -> None:
    """Five plays with write_chunk_size 2 go in three POSTs and all are confirmed."""
    context = attrs.evolve(host_context, config={**host_context.config, "write_chunk_size": 2})
    feature = HistoryFeature(SPEC, _account(context))
    items = [movie_item(m, f"2025-0{i + 1}-01T10:00:00Z") for i, m in enumerate(demo.movies[:5])]
    result = feature.add(items, context, False)
    assert result["count"] == 5
    assert fake_trakt.log_count(method="POST", path="/sync/history") == 3


@pytest.mark.parametrize(
    "fault",
    [
        Fault(method="POST", path="/sync/history", kind="apply_then_drop"),
        Fault(method="POST", path="/sync/history", kind="apply_then_status", status=502),
        Fault(method="POST", path="/sync/history", kind="drop"),
        Fault(method="POST", path="/sync/history", kind="status", status=503),
    ],
    ids=["apply_then_drop", "apply_then_502", "drop", "503"],
)
def test_ambiguous_write_books_correctly_without_duplicates(
    fake_trakt: FakeTrakt,
    trakt_clock: VirtualClock,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    fault: Fault,
) -> None:
    """After a lost answer the chunk is read back; only missing plays are resent, once."""
    matrix = demo.movies[0]
    fake_trakt.add_play("alice", matrix, "2025-01-05T20:31:00Z")
    fake_trakt.faults.add(fault)
    items = [
        movie_item(matrix, "2025-01-05T20:31:00Z"),
        movie_item(matrix, "2025-06-14T21:02:00Z"),
        movie_item(demo.movies[1], "2025-02-11T19:45:00Z"),
        episode_item(demo.breaking.episode(1, 1), "2025-05-01T20:00:00Z"),
    ]
    result = history.add(items, host_context, False)
    accounted(result, 4)
    assert result["count"] == 3
    assert result["stats"]["ambiguous_writes"] == 1
    assert play_count(fake_trakt) == 4
    assert SETTLE_SECONDS in trakt_clock.slept
    applied = fault.kind.startswith("apply")
    assert fake_trakt.log_count(method="POST", path="/sync/history") == (1 if applied else 2)
    assert len(history.index(next_run(host_context, "run-2"))) == 4


def test_unreadable_read_back_leaves_plays_ambiguous(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """When the read-back fails too, the plays are ambiguous_write and never resent."""
    history.index(host_context)
    fake_trakt.faults.add(POST_HISTORY)
    reads = re.compile(r"/sync/history/(movies|episodes)")
    fake_trakt.faults.add(Fault(method="GET", path=reads, status=500, times=None))
    result = history.add([movie_item(demo.movies[0], "2025-01-01T10:00:00Z")], host_context, False)
    assert list(reasons(result).values()) == ["ambiguous_write"]
    assert fake_trakt.log_count(method="POST", path="/sync/history") == 1
    fake_trakt.faults.clear()
    again = history.add(
        [movie_item(demo.movies[0], "2025-01-01T10:00:00Z")], next_run(host_context, "2"), False
    )
    assert again["skipped_keys"] == ["movie:tmdb:603@2025-01-01T10:00Z"]
    assert play_count(fake_trakt) == 1


def test_answers_lost_every_time_end_as_http_error(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A chunk whose every send fails unapplied ends http_error, never confirmed."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history", status=503, times=None))
    result = history.add([movie_item(demo.movies[0], "2025-01-01T10:00:00Z")], host_context, False)
    assert list(reasons(result).values()) == ["http_error"]
    assert result["count"] == 0
    assert play_count(fake_trakt) == 0


@pytest.mark.parametrize(
    ("status", "reason"),
    [(420, "account_limit"), (423, "account_locked"), (426, "vip_only")],
)
def test_final_errors_stop_the_run(
    fake_trakt: FakeTrakt, host_context: HostContext, demo: Demo, status: int, reason: str
) -> None:
    """A 420, 423 or 426 fails its chunk and every later one without sending them."""
    context = attrs.evolve(host_context, config={**host_context.config, "write_chunk_size": 2})
    feature = HistoryFeature(SPEC, _account(context))
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history", status=status))
    items = [movie_item(m, "2025-01-01T10:00:00Z") for m in demo.movies[:5]]
    result = feature.add(items, context, False)
    assert set(reasons(result).values()) == {reason}
    assert len(result["unresolved"]) == 5
    assert fake_trakt.log_count(method="POST", path="/sync/history") == 1
    later = feature.add([movie_item(demo.movies[6], "2025-01-01T10:00:00Z")], context, False)
    assert list(reasons(later).values()) == [reason]


def test_cancelled_run_sends_nothing(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """When the host has cancelled, plays are unresolved cancelled and nothing is sent."""
    context = attrs.evolve(host_context, cancelled=lambda: True)
    result = history.add([movie_item(demo.movies[0], "2025-01-01T10:00:00Z")], context, False)
    assert list(reasons(result).values()) == ["cancelled"]
    assert fake_trakt.log_count(method="POST") == 0


def test_watch_only_once_collapses_plays(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """With watch_only_once one play per item is kept and the result says how many collapsed."""
    fake_trakt.users["alice"].settings.watch_only_once = True
    matrix, inception = demo.movies[0], demo.movies[1]
    fake_trakt.add_play("alice", inception, "2024-01-01T10:00:00Z")
    items = [
        movie_item(matrix, "2025-03-01T10:00:00Z"),
        movie_item(matrix, "2025-01-01T10:00:00Z"),
        movie_item(inception, "2025-01-01T10:00:00Z"),
    ]
    result = history.add(items, host_context, False)
    accounted(result, 3)
    assert result["confirmed_keys"] == ["movie:tmdb:603@2025-01-01T10:00Z"]
    assert result["stats"]["watch_only_once"] == {"collapsed": 2}
    assert plays_at(fake_trakt, matrix) == ["2025-01-01T10:00:00.000Z"]


def test_collections_default_movies_only(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """By default a confirmed movie play is collected at its watched_at; episodes are not."""
    matrix, episode = demo.movies[0], demo.breaking.episode(1, 1)
    items = [
        movie_item(matrix, "2025-01-05T20:31:00Z"),
        episode_item(episode, "2025-05-01T20:00:00Z"),
    ]
    result = history.add(items, host_context, False)
    assert result["stats"]["collection"] == {
        "added": 1,
        "updated": 0,
        "existing": 0,
        "not_found": 0,
        "ambiguous_writes": 0,
        "error": None,
    }
    collection = fake_trakt.users["alice"].collection
    assert [entry.media for entry in collection.values()] == [matrix]
    assert next(iter(collection.values())).collected_at == 1736109060.0


@pytest.mark.parametrize(
    ("toggles", "collected"),
    [({"movies": False, "shows": True}, {"episode"}), ({"movies": False, "shows": False}, set())],
)
def test_collection_toggles(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    toggles: dict[str, bool],
    collected: set[str],
) -> None:
    """The add_collections toggles choose which kinds are collected."""
    context = with_pair(host_context, add_collections=toggles)
    items = [
        movie_item(demo.movies[0], "2025-01-05T20:31:00Z"),
        episode_item(demo.breaking.episode(1, 1), "2025-05-01T20:00:00Z"),
    ]
    result = history.add(items, context, False)
    assert result["count"] == 2
    kinds = {entry.media.type for entry in fake_trakt.users["alice"].collection.values()}
    assert kinds == collected
    assert ("collection" in result["stats"]) == bool(collected)


def test_collection_failure_does_not_change_the_history_result(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A 420 from the collection is reported in stats; the plays stay confirmed."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/collection", status=420))
    result = history.add([movie_item(demo.movies[0], "2025-01-05T20:31:00Z")], host_context, False)
    assert result["ok"] is True
    assert result["count"] == 1
    assert "420" in result["stats"]["collection"]["error"]


def test_adds_through_the_hook(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext, demo: Demo
) -> None:
    """apply_adds(feature="history") writes the play through the plugin."""
    items: list[Any] = [movie_item(demo.movies[0], "2025-01-05T20:31:00Z")]
    result = pm.hook.apply_adds(
        provider="TRAKT", feature="history", items=items, context=host_context, dry_run=False
    )
    assert result["confirmed_keys"] == ["movie:tmdb:603@2025-01-05T20:31Z"]
    assert play_count(fake_trakt) == 1


def _account(context: HostContext) -> Any:
    from crosswatch_trakt.trakt.account import account_for

    return account_for(context)


def test_count_mismatch_is_settled_by_reading_back(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When Trakt's added count disagrees, the plays are read back in their time window."""
    real = TraktSession.post_json

    def zero_added(self: TraktSession, path: str, body: Any, **kw: Any) -> Any:
        answer = real(self, path, body, **kw)
        if path == "/sync/history":
            answer["added"] = {"movies": 0, "episodes": 0}
        return answer

    monkeypatch.setattr(TraktSession, "post_json", zero_added)
    items = [movie_item(m, "2025-01-01T10:00:00Z") for m in demo.movies[:2]]
    result = history.add(items, host_context, False)
    assert result["count"] == 2
    assert result["stats"]["count_mismatches"] == 1
    windows = [e.query for e in fake_trakt.log if e.method == "GET" and "start_at" in e.query]
    assert windows == [
        {
            "start_at": "2025-01-01T10:00:00.000Z",
            "end_at": "2025-01-01T10:00:59.000Z",
            "page": "1",
            "limit": "250",
        }
    ]
    assert play_count(fake_trakt) == 2
