"""The progress scenarios' resume points: deterministic, only ``paused_at`` moves, the check."""

from __future__ import annotations

from typing import Any

import pytest

from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.bench.bench_progress import ProgressPlan
from crosswatch_trakt.testing.bench.bench_scenarios import START, USER, BenchSpec
from crosswatch_trakt.testing.emulator.builders import generate_account
from crosswatch_trakt.testing.emulator.virtual_clock import VirtualClock

SPEC = BenchSpec.small()


def _account() -> FakeTrakt:
    fake = FakeTrakt(clock=VirtualClock(start=START))
    generate_account(fake, USER, watchlist=100, ratings=0, plays=800, movie_plays=200)
    return fake


def _points(fake: FakeTrakt) -> list[tuple[int, str, int, float]]:
    entries = fake.users[USER].playback.values()
    return sorted((e.id, e.media.type, e.media.trakt, e.progress) for e in entries)


def _without_paused(activities: dict[str, dict[str, float]]) -> dict[str, Any]:
    return {
        area: {name: at for name, at in fields.items() if name != "paused_at"}
        for area, fields in activities.items()
    }


def test_seeding_is_deterministic_and_moves_only_paused_at() -> None:
    """Two builds seed the same points; 1 in 5 on movies; no other activity moves."""
    fake, again = _account(), _account()
    before = _without_paused(fake.users[USER].activities)
    ProgressPlan().seed(fake, USER, SPEC)
    ProgressPlan().seed(again, USER, SPEC)
    points = _points(fake)
    assert points == _points(again)
    assert len(points) == SPEC.resume_points
    assert sum(kind == "movie" for _id, kind, _t, _p in points) == SPEC.resume_points // 5
    assert _without_paused(fake.users[USER].activities) == before


def test_the_check_counts_what_the_account_holds_against_what_was_asked() -> None:
    """Adds are new, changes move, equal ones stay; the check sees a missing write."""
    fake = _account()
    plan = ProgressPlan()
    plan.seed(fake, USER, SPEC)
    items = plan.items(fake, USER, SPEC)
    assert [len(items[n]) for n in ("adds", "changes", "same")] == [
        SPEC.p_adds,
        SPEC.p_changes,
        SPEC.p_same,
    ]
    held = {(t, trakt) for _id, t, trakt, _p in _points(fake)}
    assert not any((i["type"], i["ids"]["trakt"]) in held for i in items["adds"])
    removed = [playback_id for playback_id, *_ in _points(fake)][-SPEC.p_removes :]
    for playback_id in removed:
        fake.users[USER].playback_delete(playback_id, START)
    for item in [*items["adds"], *items["changes"]]:
        media = fake.catalog.by_key((item["type"], item["ids"]["trakt"]))
        fake.pause(USER, media, item["progress_percent"])  # type: ignore[arg-type]
    check = plan.check(fake, USER, removed)
    assert check["resume_points"] == SPEC.resume_points + SPEC.p_adds - SPEC.p_removes
    assert (check["items_with_two"], check["not_as_asked"], check["removed_left"]) == (0, 0, 0)
    fake.users[USER].playback.popitem()
    assert plan.check(fake, USER, removed)["not_as_asked"] == 1


@pytest.mark.parametrize("spec", [BenchSpec(), SPEC])
def test_the_p2_sets_never_meet(spec: BenchSpec) -> None:
    """Changes and equal points take the oldest ids, removes the newest: room for both."""
    assert spec.p_changes + spec.p_same + spec.p_removes <= spec.resume_points
