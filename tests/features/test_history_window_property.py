"""Windowed exactly-once (issue 27): cold adds check only the plays in their time window."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
from history_fixtures import (
    World,
    accounted,
    episode_item,
    history_world,
    movie_item,
    rerun_converges,
    with_pair,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswatch_trakt.testing import Fault
from crosswatch_trakt.testing.emulator.catalog import Movie
from crosswatch_trakt.testing.emulator.timefmt import format_ts

BASE = datetime(2025, 3, 15, 22, 30, tzinfo=timezone.utc)
#: minutes from BASE a play may be at: the same minute, one either side, a day away
OFFSETS = (-1440, -2, -1, 0, 1, 2, 1440)
#: the time zones a host may send a watched_at in (minutes east of UTC)
ZONES = (-300, -30, 0, 60, 330, 840)
NO_COLLECTIONS = {"add_collections": {"movies": False, "shows": False}}


@contextmanager
def world() -> Iterator[World]:
    """Yield a fresh emulator serving alice with an empty state folder, collections off."""
    with history_world() as w:
        yield attrs.evolve(w, context=with_pair(w.context, **NO_COLLECTIONS))


def stamp(offset: int, second: int, zone: int = 0) -> str:
    """Return the instant ``BASE + offset minutes + second`` written in the zone ``zone``."""
    when = (BASE + timedelta(minutes=offset, seconds=second)).astimezone(
        timezone(timedelta(minutes=zone))
    )
    return when.isoformat()


def host_play(w: World, media: int, when: str) -> dict[str, Any]:
    """Return the host play of ``w.media[media]`` at ``when``."""
    target = w.media[media]
    return movie_item(target, when) if isinstance(target, Movie) else episode_item(target, when)


def on_trakt(w: World) -> Counter[tuple[int, datetime]]:
    """Count alice's plays per (media, UTC minute)."""
    counts: Counter[tuple[int, datetime]] = Counter()
    with w.fake.lock:
        for play in w.fake.users["alice"].history.values():
            minute = datetime.fromtimestamp(play.watched_at, timezone.utc)
            counts[(w.media.index(play.media), minute)] += 1
    return counts


def history_reads(w: World) -> list[dict[str, str]]:
    """Return the query of every history read the emulator answered."""
    return [e.query for e in w.fake.log if e.method == "GET" and e.path.startswith("/sync/history")]


pre_plays = st.tuples(st.integers(0, 4), st.sampled_from(OFFSETS), st.integers(0, 59))
add_plays = st.tuples(
    st.integers(0, 4), st.sampled_from(OFFSETS[1:-1]), st.integers(0, 59), st.sampled_from(ZONES)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pre=st.lists(pre_plays, max_size=6), adds=st.lists(add_plays, min_size=1, max_size=8))
def test_cold_adds_in_a_window_are_exactly_once(
    pre: list[tuple[int, int, int]], adds: list[tuple[int, int, int, int]]
) -> None:
    """Same minute, other time zones, plays just outside: cold adds skip exactly what is there."""
    with world() as w:
        for media, offset, second in pre:
            w.fake.add_play("alice", w.media[media], stamp(offset, second))
        before = on_trakt(w)
        items = [host_play(w, m, stamp(o, s, z)) for m, o, s, z in adds]
        wanted = Counter((m, BASE + timedelta(minutes=o)) for m, o, _s, _z in adds)
        result = w.feature.add(items, w.context, False)
        accounted(result, len(items))
        assert result["unresolved"] == []
        skipped = sum(min(before[g], n) for g, n in wanted.items())
        assert len(result["skipped_keys"]) == skipped
        after = on_trakt(w)
        for group, count in wanted.items():
            assert after[group] == max(before[group], count), group
        assert set(after) <= set(before) | set(wanted)
        reads = history_reads(w)
        assert reads
        assert all("start_at" in q and "end_at" in q for q in reads)
        again = w.feature.add(items, attrs.evolve(w.context, run_id="run-2"), False)
        assert sorted(again["skipped_keys"]) == sorted(
            result["confirmed_keys"] + result["skipped_keys"]
        )
        assert on_trakt(w) == after


faults = st.sampled_from(
    [
        Fault(method="POST", path="/sync/history", kind="apply_then_drop"),
        Fault(method="POST", path="/sync/history", kind="apply_then_status", status=502),
        Fault(method="POST", path="/sync/history", kind="drop"),
        Fault(method="POST", path="/sync/history", kind="status", status=503),
        Fault(method="GET", path=re.compile(r"/sync/history"), kind="status", status=502),
    ]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pre=st.lists(pre_plays, max_size=4),
    adds=st.lists(add_plays, min_size=1, max_size=6),
    schedule=st.lists(faults, min_size=1, max_size=3),
)
def test_cold_windowed_adds_under_faults_are_exactly_once(
    pre: list[tuple[int, int, int]],
    adds: list[tuple[int, int, int, int]],
    schedule: list[Fault],
) -> None:
    """Lost answers and a failed read on a windowed add never double a play; a re-run completes."""
    with world() as w:
        for media, offset, second in pre:
            w.fake.add_play("alice", w.media[media], stamp(offset, second))
        before = on_trakt(w)
        for fault in schedule:
            w.fake.faults.add(fault)
        items = [host_play(w, m, stamp(o, s, z)) for m, o, s, z in adds]
        wanted = Counter((m, BASE + timedelta(minutes=o)) for m, o, _s, _z in adds)
        accounted(w.feature.add(items, w.context, False), len(items))
        for group, count in on_trakt(w).items():
            assert count <= max(before[group], wanted[group]), group
        rerun_converges(w, items, before, wanted, on_trakt)


def test_window_bounds_are_the_first_and_last_minute() -> None:
    """The window runs from the earliest play's minute to the 59th second of the latest's."""
    with world() as w:
        items = [host_play(w, 0, stamp(0, 30, 60)), host_play(w, 3, stamp(2, 5, -300))]
        w.feature.add(items, w.context, False)
        assert history_reads(w) == [
            {
                "start_at": "2025-03-15T22:30:00.000Z",
                "end_at": "2025-03-15T22:32:59.000Z",
                "page": "1",
                "limit": "250",
            }
        ]
        paths = [e.path for e in w.fake.log if e.path.startswith("/sync/history")]
        assert paths == ["/sync/history", "/sync/history"]  # one read of both kinds, one write


def test_hundred_cold_adds_in_a_week_cost_four_requests() -> None:
    """100 cold adds within one week, 10 already there: 4 requests, the 10 skipped."""
    with world() as w:
        episode = w.media[3]
        items = [host_play(w, 3, stamp(-100 * n, 0)) for n in range(100)]
        for n in range(0, 100, 10):
            w.fake.add_play("alice", episode, stamp(-100 * n, 0))
        for offset in (-100 * 100, -100 * 100 - 20000, 600):
            w.fake.add_play("alice", w.media[4], stamp(offset, 0))  # outside the window
        w.fake.log.clear()
        result = w.feature.add(items, w.context, False)
        assert len(result["skipped_keys"]) == 10
        assert len(result["confirmed_keys"]) == 90
        paths = [(e.method, e.path) for e in w.fake.log]
        assert len(paths) <= 4, paths
        assert result["stats"]["window"] == {"kinds": ["episodes"], "plays_read": 10}


def test_released_plays_and_collections_read_the_whole_index() -> None:
    """Where a window cannot answer (a released play, collected movies) the whole kind is read."""
    with world() as w:
        released = host_play(w, 0, "released")
        w.feature.add([released], with_pair(w.context, allow_released=True), False)
        assert all("start_at" not in q for q in history_reads(w))
    with world() as w:
        collected = with_pair(w.context, add_collections={"movies": True, "shows": False})
        result = w.feature.add([host_play(w, 0, stamp(0, 0))], collected, False)
        assert result["stats"]["index"] == "fresh"
        assert all("start_at" not in q for q in history_reads(w))


def test_watch_only_once_reads_every_play_of_the_item() -> None:
    """With watch_only_once a windowed add still sees a play a year before its window."""
    with world() as w:
        w.fake.users["alice"].settings.watch_only_once = True
        w.fake.add_play("alice", w.media[3], format_ts((BASE - timedelta(days=365)).timestamp()))
        result = w.feature.add([host_play(w, 3, stamp(0, 0))], w.context, False)
        assert result["confirmed_keys"] == []
        assert len(result["skipped_keys"]) == 1
        assert any("start_at" not in q for q in history_reads(w))
