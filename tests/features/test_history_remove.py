"""History removes against the emulator: the right plays, by history id, checked."""

from __future__ import annotations

from typing import Any

import pluggy
import pytest
from history_fixtures import (  # noqa: F401  (fixtures)
    Demo,
    accounted,
    fixture_demo,
    fixture_history,
    movie_item,
    next_run,
    play_count,
    plays_at,
    reasons,
    with_pair,
)

from crosswatch_trakt.features.history import HistoryFeature
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.trakt.session import TraktSession

KEY = "movie:tmdb:603@2025-05-01T20:31Z"


@pytest.fixture
def three_plays(fake_trakt: FakeTrakt, demo: Demo) -> list[int]:
    """Give alice three Matrix plays: two in one minute, one a month later."""
    matrix = demo.movies[0]
    return [
        fake_trakt.add_play("alice", matrix, "2025-05-01T20:31:10Z"),
        fake_trakt.add_play("alice", matrix, "2025-05-01T20:31:40Z"),
        fake_trakt.add_play("alice", matrix, "2025-06-01T20:00:00Z"),
    ]


def test_remove_by_history_id_removes_that_play_only(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    three_plays: list[int],
) -> None:
    """The second same-minute play, given as the index item, goes by its history id.

    It is booked under the key computed from the item itself (the host cannot know the
    index's ``#2``), not under the index key.
    """
    snapshot = history.index(host_context)
    result = history.remove([snapshot[KEY + "#2"]], host_context, False)
    assert result["confirmed_keys"] == [KEY]
    assert set(fake_trakt.users["alice"].history) == {three_plays[0], three_plays[2]}
    assert result["stats"]["plays_removed"] == 1


def test_both_same_minute_index_items_are_keyed_from_the_input(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    three_plays: list[int],
) -> None:
    """Two same-minute index items, sent in reverse, are keyed by the input and both removed."""
    snapshot = history.index(host_context)
    result = history.remove([snapshot[KEY + "#2"], snapshot[KEY]], host_context, False)
    assert sorted(result["confirmed_keys"]) == [KEY, KEY + "#2"]
    assert set(fake_trakt.users["alice"].history) == {three_plays[2]}


def test_item_matching_several_plays_is_ambiguous(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    three_plays: list[int],
) -> None:
    """One play without history id where Trakt has two at that minute removes nothing."""
    item = movie_item(demo.movies[0], "2025-05-01T20:31:00Z")
    result = history.remove([item], host_context, False)
    assert reasons(result) == {KEY: "ambiguous_play"}
    assert "trakt_history_id" in result["unresolved"][0]["detail"]
    assert set(fake_trakt.users["alice"].history) == set(three_plays)
    assert fake_trakt.log_count(method="POST") == 0


def test_as_many_plays_as_trakt_has_at_a_minute_remove_them_all(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    three_plays: list[int],
) -> None:
    """Two plays without history id for a minute where Trakt has two remove both; a rerun skips."""
    item = movie_item(demo.movies[0], "2025-05-01T20:31:00Z")
    result = history.remove([item, dict(item)], host_context, False)
    assert sorted(result["confirmed_keys"]) == [KEY, KEY + "#2"]
    assert set(fake_trakt.users["alice"].history) == {three_plays[2]}
    again = history.remove([item, dict(item)], next_run(host_context, "run-2"), False)
    assert sorted(again["skipped_keys"]) == [KEY, KEY + "#2"]
    assert set(fake_trakt.users["alice"].history) == {three_plays[2]}


def test_remove_by_history_id_sent_twice_never_takes_the_twin(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    three_plays: list[int],
) -> None:
    """A remove of one of two same-minute plays sent again (host retry) skips: the twin stays."""
    snapshot = history.index(host_context)
    item = snapshot[KEY]
    first = history.remove([item], host_context, False)
    assert first["confirmed_keys"] == [KEY]
    again = history.remove([item], next_run(host_context, "run-2"), False)
    assert again["skipped_keys"] == [KEY]
    assert again["count"] == 0
    assert set(fake_trakt.users["alice"].history) == {three_plays[1], three_plays[2]}
    rerun = history.remove([item], next_run(host_context, "run-3"), False)
    assert rerun["skipped_keys"] == [KEY]
    assert set(fake_trakt.users["alice"].history) == {three_plays[1], three_plays[2]}


def test_remove_all_plays_needs_the_option(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    three_plays: list[int],
) -> None:
    """An item without watched_at is refused unless history.remove_all_plays is set."""
    item: dict[str, Any] = {"type": "movie", "ids": {"tmdb": 603}}
    refused = history.remove([item], host_context, False)
    (entry,) = refused["unresolved"]
    assert entry["reason"] == "missing_watched_at"
    assert "history.remove_all_plays" in entry["detail"]
    assert play_count(fake_trakt) == 3
    allowed = history.remove([item], with_pair(host_context, remove_all_plays=True), False)
    assert allowed["confirmed_keys"] == ["movie:tmdb:603"]
    assert allowed["stats"]["plays_removed_by_item"] == 3
    assert play_count(fake_trakt) == 0


def test_plays_not_on_trakt_are_skipped_without_a_write(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """Removing a play Trakt does not have is skipped and sends nothing."""
    result = history.remove(
        [movie_item(demo.movies[0], "2025-01-01T10:00:00Z")], host_context, False
    )
    assert result["skipped_keys"] == ["movie:tmdb:603@2025-01-01T10:00Z"]
    assert fake_trakt.log_count(method="POST") == 0


def test_stale_history_id_is_already_gone(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    three_plays: list[int],
) -> None:
    """An item whose history id Trakt no longer has is skipped, never matched by its minute."""
    item = {**movie_item(demo.movies[0], "2025-06-01T20:00:00Z"), "trakt_history_id": 12345}
    result = history.remove([item], host_context, False)
    assert result["skipped_keys"] == ["movie:tmdb:603@2025-06-01T20:00Z"]
    assert set(fake_trakt.users["alice"].history) == set(three_plays)
    assert fake_trakt.log_count(method="POST") == 0


def test_ambiguous_remove_is_resent_safely(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    three_plays: list[int],
) -> None:
    """A remove whose answer is lost is sent again by history id and booked confirmed."""
    snapshot = history.index(host_context)
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history/remove", kind="apply_then_drop"))
    result = history.remove([snapshot[KEY]], host_context, False)
    assert result["confirmed_keys"] == [KEY]
    assert fake_trakt.log_count(method="POST", path="/sync/history/remove") == 2
    assert play_count(fake_trakt) == 2


def test_count_mismatch_is_unresolved(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    three_plays: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When deleted and not_found.ids do not add up to what was sent, the play is mismatch."""
    snapshot = history.index(host_context)
    real = TraktSession.post_json

    def short_count(self: TraktSession, path: str, body: Any, **kw: Any) -> Any:
        answer = real(self, path, body, **kw)
        answer["deleted"]["movies"] = 0
        return answer

    monkeypatch.setattr(TraktSession, "post_json", short_count)
    result = history.remove([snapshot[KEY]], host_context, False)
    assert reasons(result) == {KEY: "mismatch"}
    monkeypatch.undo()
    assert len(history.index(host_context)) == 2


def test_dry_run_remove_sends_nothing(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    three_plays: list[int],
) -> None:
    """A dry-run remove books from the cached index and makes no request."""
    snapshot = history.index(host_context)
    fake_trakt.clear_log()
    result = history.remove([snapshot[KEY], snapshot[KEY + "#2"]], host_context, True)
    assert sorted(result["confirmed_keys"]) == [KEY, KEY + "#2"]
    assert result["stats"]["would_remove_plays"] == 2
    assert fake_trakt.log_count() == 0
    assert play_count(fake_trakt) == 3


def test_index_after_remove_is_correct_without_a_read(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    three_plays: list[int],
) -> None:
    """The cache drops removed plays, so the same run's next index needs no request."""
    # the remaining same-minute play takes the plain key (the rule ranks by history id)
    snapshot = history.index(host_context)
    history.remove([snapshot[KEY]], host_context, False)
    fake_trakt.clear_log()
    after = history.index(host_context)
    assert fake_trakt.log_count() == 0
    assert after[KEY]["trakt_history_id"] == three_plays[1]
    assert len(after) == 2
    nxt = history.index(next_run(host_context, "run-2"))
    assert {item["trakt_history_id"] for item in nxt.values()} == set(three_plays[1:])


def test_removes_through_the_hook(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    demo: Demo,
    three_plays: list[int],
) -> None:
    """apply_removes(feature="history") removes the given play through the plugin."""
    items = [movie_item(demo.movies[0], "2025-06-01T20:00:00Z")]
    result = pm.hook.apply_removes(
        provider="TRAKT", feature="history", items=items, context=host_context, dry_run=False
    )
    accounted(result, 1)
    assert plays_at(fake_trakt, demo.movies[0]) == ["2025-05-01T20:31:00.000Z"] * 2


def test_history_id_without_watched_at_removes_that_play(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    three_plays: list[int],
) -> None:
    """An item with a trakt_history_id but no watched_at removes that one play, no option needed."""
    item = {"type": "movie", "ids": {"tmdb": 603}, "trakt_history_id": three_plays[2]}
    result = history.remove([item], host_context, False)
    assert result["confirmed_keys"] == ["movie:tmdb:603"]
    assert set(fake_trakt.users["alice"].history) == set(three_plays[:2])
