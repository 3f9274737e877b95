"""Property: for any adds and any fault schedule, every play is booked once and none doubled."""

from __future__ import annotations

import re
from collections import Counter
from contextlib import AbstractContextManager
from typing import Any

from history_fixtures import (
    World,
    accounted,
    episode_item,
    history_world,
    movie_item,
    rerun_converges,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswatch_trakt.testing import Fault
from crosswatch_trakt.testing.emulator.catalog import Movie
from crosswatch_trakt.testing.emulator.timefmt import format_ts, parse_ts

MINUTES = ("2025-01-01T10:00", "2025-01-01T10:01", "2025-03-15T22:30", "2025-11-30T08:05")
READS = re.compile(r"/sync/history/(movies|episodes)")

post_faults = st.sampled_from(
    [
        Fault(method="POST", path="/sync/history", kind="apply_then_drop"),
        Fault(method="POST", path="/sync/history", kind="apply_then_status", status=502),
        Fault(method="POST", path="/sync/history", kind="apply_then_status", status=500),
        Fault(method="POST", path="/sync/history", kind="drop"),
        Fault(method="POST", path="/sync/history", kind="status", status=503),
        Fault(method="POST", path="/sync/history", kind="status", status=429),
        Fault(method="POST", path="/sync/history", kind="status", status=420),
        Fault(method="POST", path="/sync/history", kind="apply_then_drop", times=3),
    ]
)
read_faults = st.sampled_from(
    [
        Fault(method="GET", path=READS, kind="status", status=502),
        Fault(method="GET", path=READS, kind="status", status=500, times=None),
    ]
)
plays = st.tuples(st.integers(0, 4), st.integers(0, len(MINUTES) - 1), st.integers(0, 59))


def world(chunk: int) -> AbstractContextManager[World]:
    """Return a fresh emulator serving alice, with the history feature of her account."""
    return history_world(write_chunk_size=chunk)


def item(w: World, spec: tuple[int, int, int]) -> dict[str, Any]:
    """Return the host play for ``(media, minute, second)``."""
    media, minute, second = spec
    when = f"{MINUTES[minute]}:{second:02d}Z"
    target = w.media[media]
    return movie_item(target, when) if isinstance(target, Movie) else episode_item(target, when)


def on_trakt(w: World) -> Counter[tuple[int, int]]:
    """Count alice's plays per (media, minute)."""
    minute_of = {parse_ts(m + ":00Z"): i for i, m in enumerate(MINUTES)}
    counts: Counter[tuple[int, int]] = Counter()
    with w.fake.lock:
        for play in w.fake.users["alice"].history.values():
            counts[(w.media.index(play.media), minute_of[play.watched_at])] += 1
    return counts


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    pre=st.lists(plays, max_size=4),
    adds=st.lists(plays, min_size=1, max_size=10),
    faults=st.lists(st.one_of(post_faults, read_faults), min_size=1, max_size=4),
    chunk=st.integers(1, 4),
)
def test_any_adds_under_any_faults_are_exactly_once(
    pre: list[tuple[int, int, int]],
    adds: list[tuple[int, int, int]],
    faults: list[Fault],
    chunk: int,
) -> None:
    """Under random faults every play is booked once, none doubled, and a re-run completes."""
    with world(chunk) as w:
        for media, minute, second in pre:
            w.fake.add_play("alice", w.media[media], f"{MINUTES[minute]}:{second:02d}Z")
        before = on_trakt(w)
        w.feature.index(w.context)
        for fault in faults:
            w.fake.faults.add(fault)
        items = [item(w, spec) for spec in adds]
        wanted = Counter((media, minute) for media, minute, _ in adds)
        result = w.feature.add(items, w.context, False)
        accounted(result, len(items))
        confirmed = Counter(_group(w, key) for key in result["confirmed_keys"])
        after = on_trakt(w)
        for group, count in wanted.items():
            intended = max(before[group], count)
            assert before[group] + confirmed[group] <= after[group] <= intended, group
        assert set(after) <= set(before) | set(wanted)
        rerun_converges(w, items, before, wanted, on_trakt)


def _group(w: World, key: str) -> tuple[int, int]:
    """Return the (media, minute) group a result key stands for."""
    head, _, stamp = key.partition("@")
    minute = MINUTES.index(stamp.split("#")[0].removesuffix("Z"))
    for index in range(len(w.media)):
        probe = item(w, (index, minute, 0))
        if _key_head(probe) == head:
            return (index, minute)
    raise AssertionError(f"unknown key {key}")


def _key_head(probe: dict[str, Any]) -> str:
    from crosswatch_trakt.media.hostitems import host_item_key

    head = host_item_key(probe)
    assert head is not None
    return head


def test_world_is_fresh_per_example() -> None:
    """Each example's emulator starts empty, so no state leaks between examples."""
    with world(2) as w:
        assert on_trakt(w) == Counter()
        assert w.fake.log == []
        assert format_ts(w.fake.clock.time()) == "2026-01-01T00:00:00.000Z"
