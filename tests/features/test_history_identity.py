"""History plays sent by weak identities (title + year) are matched on later runs, exactly once."""

from __future__ import annotations

import json
import shutil
from typing import Any

from history_fixtures import (  # noqa: F401  (fixtures)
    Demo,
    accounted,
    fixture_demo,
    fixture_history,
    movie_item,
    next_run,
    plays_at,
    reasons,
    with_pair,
)

from crosswatch_trakt.features.history import SPEC, HistoryFeature
from crosswatch_trakt.features.history.identity import RESOLVED
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.testing.emulator.catalog import Movie
from crosswatch_trakt.trakt.account import account_for

WHEN = "2025-05-01T20:31:10Z"


def plex_item(movie: Movie, watched_at: str) -> dict[str, Any]:
    """Return a play of ``movie`` known only by a Plex id, its title and year."""
    return {
        "type": "movie",
        "title": movie.title,
        "year": movie.year,
        "ids": {"plex": "336102"},
        "watched_at": watched_at,
    }


def wipe(context: HostContext) -> HistoryFeature:
    """Delete the state folder and return a feature of a fresh account object."""
    shutil.rmtree(context.state_dir)
    return HistoryFeature(SPEC, account_for(context))


def test_title_play_is_written_once_over_three_runs(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """The issue's case: a Plex-id + title + year play lands once and is skipped later."""
    matrix = demo.movies[0]
    item = plex_item(matrix, WHEN)
    key = "movie:title:the matrix|1999@2025-05-01T20:31Z"
    first = history.add([item], host_context, False)
    assert first["confirmed_keys"] == [key]
    assert first["stats"]["titles_learnt"] == 1
    for run in ("run-2", "run-3"):
        again = history.add([item], next_run(host_context, run), False)
        assert again["skipped_keys"] == [key]
        accounted(again, 1)
    assert plays_at(fake_trakt, matrix) == ["2025-05-01T20:31:00.000Z"]


def test_title_play_is_matched_by_title_after_the_state_is_wiped(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """With no state left, the title and year are matched against the index rows."""
    matrix = demo.movies[0]
    item = plex_item(matrix, WHEN)
    history.add([item], host_context, False)
    fresh = wipe(host_context)
    again = fresh.add([item], next_run(host_context, "run-2"), False)
    assert again["skipped_keys"] == ["movie:title:the matrix|1999@2025-05-01T20:31Z"]
    assert again["stats"]["matched_by_title"] == 1
    assert plays_at(fake_trakt, matrix) == ["2025-05-01T20:31:00.000Z"]


def test_remembered_item_wins_over_a_title_trakt_spells_differently(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A learnt item still matches after Trakt's title for it no longer equals the sent one."""
    matrix = demo.movies[0]
    item = plex_item(matrix, WHEN)
    history.add([item], host_context, False)
    with fake_trakt.lock:
        matrix.title = "The Matrix (Remastered)"
    again = history.add([item], next_run(host_context, "run-2"), False)
    assert again["skipped_keys"] == ["movie:title:the matrix|1999@2025-05-01T20:31Z"]
    assert len(plays_at(fake_trakt, matrix)) == 1


def test_item_learnt_from_the_read_back_when_trakt_spells_the_title_differently(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A title Trakt resolves to a differently titled item is learnt from the play read back."""
    matrix = demo.movies[0]
    fake_trakt.catalog.alias_title(matrix, "Matrix", 1999)
    item = {**plex_item(matrix, WHEN), "title": "Matrix"}
    first = history.add([item], host_context, False)
    assert first["stats"]["titles_learnt"] == 1
    again = history.add([item], next_run(host_context, "run-2"), False)
    assert again["skipped_keys"] == ["movie:title:matrix|1999@2025-05-01T20:31Z"]
    assert plays_at(fake_trakt, matrix) == ["2025-05-01T20:31:00.000Z"]


def test_two_titles_in_one_minute_are_learnt_by_their_titles(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """Two movies sent by title at one minute are each learnt as the item with their title."""
    matrix, inception = demo.movies[0], demo.movies[1]
    items = [plex_item(matrix, WHEN), plex_item(inception, WHEN)]
    first = history.add(items, host_context, False)
    assert first["stats"]["titles_learnt"] == 2
    with fake_trakt.lock:
        matrix.title, inception.title = "Renamed A", "Renamed B"
    again = history.add(items, next_run(host_context, "run-2"), False)
    assert len(again["skipped_keys"]) == 2
    assert len(plays_at(fake_trakt, matrix)) == len(plays_at(fake_trakt, inception)) == 1


def test_the_same_play_by_ids_then_by_title_is_one_play(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A play written by tmdb id is skipped when later sent by title, and the reverse."""
    matrix, inception = demo.movies[0], demo.movies[1]
    history.add([movie_item(matrix, WHEN)], host_context, False)
    history.add([plex_item(inception, WHEN)], host_context, False)
    run2 = next_run(host_context, "run-2")
    again = history.add([plex_item(matrix, WHEN), movie_item(inception, WHEN)], run2, False)
    assert len(again["skipped_keys"]) == 2
    assert len(plays_at(fake_trakt, matrix)) == len(plays_at(fake_trakt, inception)) == 1


def test_two_index_items_with_one_title_are_conflicting_ids(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """A title + year that fits two different items with plays is refused, not guessed."""
    first = fake_trakt.catalog.add_movie("Twin", 2001, {"tmdb": 9001})
    second = fake_trakt.catalog.add_movie("Twin", 2001, {"tmdb": 9002})
    fake_trakt.add_play("alice", first, "2025-01-01T10:00:00Z")
    fake_trakt.add_play("alice", second, "2025-01-02T10:00:00Z")
    item = {"type": "movie", "title": "Twin", "year": 2001, "watched_at": WHEN}
    result = history.add([item], host_context, False)
    assert reasons(result) == {"movie:title:twin|2001@2025-05-01T20:31Z": "conflicting_ids"}
    assert "movie:trakt:" in result["unresolved"][0]["detail"]
    assert fake_trakt.log_count(method="POST") == 0


def test_ids_of_two_index_items_are_conflicting_ids(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A play whose tmdb id is one item's and imdb id another's is refused."""
    matrix, inception = demo.movies[0], demo.movies[1]
    fake_trakt.add_play("alice", matrix, "2025-01-01T10:00:00Z")
    fake_trakt.add_play("alice", inception, "2025-01-02T10:00:00Z")
    item = {
        "type": "movie",
        "ids": {"tmdb": matrix.ids["tmdb"], "imdb": inception.ids["imdb"]},
        "watched_at": WHEN,
    }
    result = history.add([item], host_context, False)
    assert list(reasons(result).values()) == ["conflicting_ids"]
    assert fake_trakt.log_count(method="POST") == 0


def test_remove_by_title_deletes_only_the_resolved_items_plays(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """A title remove goes to the item Trakt resolved the title to, never to its twin."""
    first = fake_trakt.catalog.add_movie("Twin", 2001, {"tmdb": 9001})
    second = fake_trakt.catalog.add_movie("Twin", 2001, {"tmdb": 9002})
    item = {"type": "movie", "title": "Twin", "year": 2001, "watched_at": WHEN}
    history.add([item], host_context, False)
    fake_trakt.add_play("alice", second, WHEN)
    assert len(plays_at(fake_trakt, first)) == len(plays_at(fake_trakt, second)) == 1
    result = history.remove([item], next_run(host_context, "run-2"), False)
    assert result["confirmed_keys"] == ["movie:title:twin|2001@2025-05-01T20:31Z"]
    assert plays_at(fake_trakt, first) == []
    assert len(plays_at(fake_trakt, second)) == 1


def test_remove_of_a_title_with_two_fitting_items_is_refused(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """Without a remembered item, a title fitting two items with plays removes nothing."""
    first = fake_trakt.catalog.add_movie("Twin", 2001, {"tmdb": 9001})
    second = fake_trakt.catalog.add_movie("Twin", 2001, {"tmdb": 9002})
    fake_trakt.add_play("alice", first, WHEN)
    fake_trakt.add_play("alice", second, WHEN)
    item = {"type": "movie", "title": "Twin", "year": 2001, "watched_at": WHEN}
    result = history.remove([item], host_context, False)
    assert list(reasons(result).values()) == ["conflicting_ids"]
    assert fake_trakt.log_count(method="POST") == 0


def test_number_fallback_episode_is_skipped_on_the_next_run(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """An episode sent by its show's ids and numbers is matched by them the next run."""
    episode = demo.breaking.episode(1, 2)
    item = {
        "type": "episode",
        "show_ids": {"tvdb": demo.breaking.ids["tvdb"]},
        "season": 1,
        "episode": 2,
        "watched_at": WHEN,
    }
    context = with_pair(host_context, number_fallback=True)
    assert history.add([item], context, False)["confirmed_keys"] != []
    again = history.add([item], next_run(context, "run-2"), False)
    assert again["skipped_keys"] == [
        f"show:tvdb:{demo.breaking.ids['tvdb']}#s01e02@2025-05-01T20:31Z"
    ]
    assert len(plays_at(fake_trakt, episode)) == 1


def test_the_learnt_item_is_kept_in_the_state_folder(
    host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """The title token maps to the Trakt item's ids in trakt_history.resolved.json."""
    history.add([plex_item(demo.movies[0], WHEN)], host_context, False)
    doc = json.loads(history.account.store.path(RESOLVED).read_text())
    assert doc["items"]["movie:title:the matrix|1999"]["ids"]["trakt"] == demo.movies[0].trakt


def test_lost_answer_for_a_title_play_is_settled_by_its_title(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature, demo: Demo
) -> None:
    """A title play whose answer was lost is found by title in the read-back, never resent."""
    matrix = demo.movies[0]
    fake_trakt.faults.add(
        Fault(method="POST", path="/sync/history", kind="apply_then_status", status=502)
    )
    result = history.add([plex_item(matrix, WHEN)], host_context, False)
    assert result["confirmed_keys"] == ["movie:title:the matrix|1999@2025-05-01T20:31Z"]
    assert result["stats"]["reconciled"] == 1
    assert fake_trakt.log_count(method="POST", path="/sync/history") == 1
    assert plays_at(fake_trakt, matrix) == ["2025-05-01T20:31:00.000Z"]
