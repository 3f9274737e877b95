"""Progress (resume points) through the hooks, over HTTP against the emulator."""

from __future__ import annotations

import re
from typing import Any

import attrs
import pytest
import requests

from crosswatch_trakt.features.registry import build_feature
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.testing.emulator.builders import seed_demo
from crosswatch_trakt.trakt.account import account_for

DUNE = {"type": "movie", "title": "Dune", "year": 2021, "ids": {"imdb": "tt1160419"}}
INCEPTION = {"type": "movie", "title": "Inception", "year": 2010, "ids": {"tmdb": 27205}}
EPISODE = {
    "type": "episode",
    "show_ids": {"tvdb": 81189},
    "show_title": "Breaking Bad",
    "season": 2,
    "episode": 3,
}
PLAYBACK = "/sync/playback/movies"
PAUSE = "/scrobble/pause"


def _feature(context: HostContext) -> Any:
    return build_feature("progress", account_for(context))


def _paused(item: dict[str, Any], percent: float) -> dict[str, Any]:
    return {**item, "progress_percent": percent}


@pytest.fixture
def demo(fake_trakt: FakeTrakt) -> FakeTrakt:
    """The demo account: resume points in Dune (12.5 %) and Breaking Bad S02E03 (40 %)."""
    seed_demo(fake_trakt, "alice")
    return fake_trakt


def _points(fake: FakeTrakt) -> list[tuple[str, float]]:
    """Return the account's resume points as ``(title, percent)`` (episodes: their show's)."""
    user = fake.users["alice"]
    titles = [
        getattr(getattr(e.media, "show", e.media), "title", "") for e in user.playback.values()
    ]
    return sorted(zip(titles, (e.progress for e in user.playback.values()), strict=True))


def test_index_reads_each_kind_once_with_runtime(
    demo: FakeTrakt, host_context: HostContext
) -> None:
    """The index holds every resume point, keyed per item, with percent, milliseconds and id."""
    snapshot = _feature(host_context).index(host_context)
    dune = snapshot["movie:tmdb:438631"]
    assert dune["progress_percent"] == 12.5
    assert dune["duration_ms"] > 0
    assert dune["progress_ms"] == round(dune["duration_ms"] * 0.125)
    assert isinstance(dune["trakt_playback_id"], int)
    assert dune["progress_at"].endswith("Z")
    (episode,) = [item for item in snapshot.values() if item["type"] == "episode"]
    assert (episode["season"], episode["episode"], episode["progress_percent"]) == (2, 3, 40.0)
    assert demo.log_count("GET", PLAYBACK) == 1
    assert demo.log_count("GET", "/sync/playback/episodes") == 1


def test_unchanged_account_costs_only_the_gate(demo: FakeTrakt, host_context: HostContext) -> None:
    """A second run whose ``paused_at`` stamps did not move reads no playback again."""
    _feature(host_context).index(host_context)
    demo.clear_log()
    again = attrs.evolve(host_context, run_id="2")
    assert len(_feature(again).index(again)) == 2
    assert demo.log_count() == 1
    assert demo.log_count("GET", "/sync/last_activities") == 1


def test_add_writes_new_and_changed_points_once(demo: FakeTrakt, host_context: HostContext) -> None:
    """A new point and a changed one are one pause scrobble each; the same one is skipped."""
    items = [_paused(INCEPTION, 33.0), _paused(EPISODE, 65.0), _paused(DUNE, 12.5)]
    result = _feature(host_context).add(items, host_context, False)
    assert result["confirmed_keys"] == ["movie:tmdb:27205", "show:tvdb:81189#s02e03"]  # input keys
    assert result["skipped_keys"] == ["movie:imdb:tt1160419"]
    assert result["unresolved"] == []
    assert demo.log_count("POST", "/scrobble/pause") == 2
    assert sorted(percent for _, percent in _points(demo)) == [12.5, 33.0, 65.0]
    assert len(demo.users["alice"].playback) == 3  # the episode's point replaced, not doubled


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (_paused(INCEPTION, 0), "invalid_progress"),
        (_paused(INCEPTION, 100), "invalid_progress"),
        (_paused(INCEPTION, "half"), "invalid_progress"),
        (INCEPTION, "invalid_progress"),
        ({**INCEPTION, "progress_ms": 600_000, "duration_ms": 0}, "invalid_progress"),
        ({**_paused(INCEPTION, 10), "progress_at": "yesterday"}, "invalid_progress"),
        ({"type": "show", "ids": {"tvdb": 81189}, "progress_percent": 50}, "invalid_item"),
    ],
)
def test_bad_resume_points_are_unresolved_without_a_request(
    demo: FakeTrakt, host_context: HostContext, item: dict[str, Any], reason: str
) -> None:
    """A percent outside (0, 100), a missing one or a show is refused with its reason."""
    result = _feature(host_context).add([item], host_context, False)
    assert [entry["reason"] for entry in result["unresolved"]] == [reason]
    assert demo.log_count("POST") == 0


def test_milliseconds_give_the_percent(demo: FakeTrakt, host_context: HostContext) -> None:
    """``progress_ms`` over ``duration_ms`` is the percent sent (CrossWatch's fields)."""
    item = {**INCEPTION, "progress_ms": 1_800_000, "duration_ms": 7_200_000}
    result = _feature(host_context).add([item], host_context, False)
    assert result["confirmed_keys"] == ["movie:tmdb:27205"]
    assert ("Inception", 25.0) in _points(demo)


def test_dry_run_writes_nothing(demo: FakeTrakt, host_context: HostContext) -> None:
    """A dry run books what it would write and sends no write."""
    result = _feature(host_context).add([_paused(INCEPTION, 33.0)], host_context, True)
    assert result["confirmed_keys"] == ["movie:tmdb:27205"]
    assert result["stats"]["would_add"] == 1
    assert demo.log_count("POST") == 0


def test_remove_deletes_by_playback_id(demo: FakeTrakt, host_context: HostContext) -> None:
    """A remove is one DELETE of the point's playback id; an absent item is skipped."""
    result = _feature(host_context).remove([DUNE, INCEPTION], host_context, False)
    assert result["confirmed_keys"] == ["movie:imdb:tt1160419"]
    assert result["skipped_keys"] == ["movie:tmdb:27205"]
    assert demo.log_count("DELETE") == 1
    assert [percent for _, percent in _points(demo)] == [40.0]


def test_remove_of_a_point_already_gone_is_skipped(
    demo: FakeTrakt, host_context: HostContext
) -> None:
    """A 404 on the DELETE (removed elsewhere since the read) is booked skipped, not failed."""
    feature = _feature(host_context)
    feature.index(host_context)
    demo.faults.add(
        Fault(method="DELETE", path=re.compile(r"/sync/playback/\d+"), kind="status", status=404)
    )
    result = feature.remove([DUNE], host_context, False)
    assert result["skipped_keys"] == ["movie:imdb:tt1160419"]
    assert result["unresolved"] == []


@pytest.mark.parametrize("kind", ["apply_then_drop", "apply_then_status"])
def test_lost_answer_after_apply_is_confirmed_by_read_back(
    demo: FakeTrakt, host_context: HostContext, kind: str
) -> None:
    """A pause whose answer was lost is read back and confirmed: one request, one point."""
    demo.faults.add(Fault(method="POST", path="/scrobble/pause", kind=kind, status=502))
    result = _feature(host_context).add([_paused(INCEPTION, 33.0)], host_context, False)
    assert result["confirmed_keys"] == ["movie:tmdb:27205"]
    assert result["stats"]["reconciled"] == 1
    assert demo.log_count("POST", "/scrobble/pause") == 1
    assert [p for t, p in _points(demo) if t == "Inception"] == [33.0]


def test_lost_answer_before_apply_is_sent_once_more(
    demo: FakeTrakt, host_context: HostContext
) -> None:
    """A pause Trakt never applied (503) is read back, found absent and sent once more."""
    demo.faults.add(Fault(method="POST", path="/scrobble/pause", kind="status", status=503))
    result = _feature(host_context).add([_paused(INCEPTION, 33.0)], host_context, False)
    assert result["confirmed_keys"] == ["movie:tmdb:27205"]
    assert demo.log_count("POST", "/scrobble/pause") == 2
    assert [p for t, p in _points(demo) if t == "Inception"] == [33.0]


def test_refused_items_stop_at_not_found(demo: FakeTrakt, host_context: HostContext) -> None:
    """An item Trakt does not know (404 on the pause) is ``not_found`` and held back next run."""
    item = _paused({"type": "movie", "ids": {"tmdb": 999999}}, 50.0)
    result = _feature(host_context).add([item], host_context, False)
    assert [e["reason"] for e in result["unresolved"]] == ["not_found"]
    again = attrs.evolve(host_context, run_id="2")
    result = _feature(again).add([item], again, False)
    assert [e["reason"] for e in result["unresolved"]] == ["previously_not_found"]
    assert demo.log_count("POST", "/scrobble/pause") == 1


@pytest.mark.parametrize("applied", [True, False], ids=["applied", "not_applied"])
def test_timed_out_pause_is_read_back_and_never_sent_twice(
    demo: FakeTrakt,
    host_context: HostContext,
    monkeypatch: pytest.MonkeyPatch,
    applied: bool,
) -> None:
    """A pause the client stopped waiting for is confirmed if read back, else left unsent."""
    session = account_for(host_context).session
    original = session.http.request
    sends: list[str] = []

    def timed_out(method: str, url: str, **kw: Any) -> Any:
        if method == "POST" and url.endswith(PAUSE):
            sends.append(url)
            if applied:
                original(method, url, **kw)
            raise requests.ReadTimeout("read timed out (test)")
        return original(method, url, **kw)

    monkeypatch.setattr(session.http, "request", timed_out)
    result = _feature(host_context).add([_paused(INCEPTION, 33.0)], host_context, False)
    assert len(sends) == 1  # sent once, never again in the run
    if applied:
        assert result["confirmed_keys"] == ["movie:tmdb:27205"]
        assert result["stats"]["reconciled"] == 1
    else:
        assert [e["reason"] for e in result["unresolved"]] == ["ambiguous_write"]
    held = [p for t, p in _points(demo) if t == "Inception"]
    assert held == ([33.0] if applied else [])
