"""The benchmark's W scenario, emulator side: 100 plays within a week, 10 already held."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from crosswatch_trakt.testing.bench.bench_scenarios import START, USER, BenchSpec, EmulatorChild
from crosswatch_trakt.testing.emulator.builders import host_item
from crosswatch_trakt.testing.emulator.timefmt import format_ts
from crosswatch_trakt.testing.emulator.virtual_clock import ScaledClock


def _mark(item: dict[str, Any]) -> str:
    return json.dumps(item, sort_keys=True)


def test_week_items_hold_exactly_the_existing_plays_asked_for() -> None:
    """Of 100 plays within one week, exactly the 10 asked for are on the account already."""
    child = EmulatorChild.build(ScaledClock(start=START), BenchSpec.maxed(0.01))
    week = child.week_items(100, 10)
    items = week["items"]
    held = {
        _mark({**host_item(p.media), "watched_at": format_ts(p.watched_at)})
        for p in child.fake.users[USER].history.values()
    }
    assert len({_mark(item) for item in items}) == 100
    assert sum(_mark(item) in held for item in items) == 10
    times = sorted(datetime.fromisoformat(item["watched_at"]) for item in items)
    assert times[-1] - times[0] <= timedelta(days=7)
    first, last = times[0].timestamp(), times[-1].timestamp() + 60
    in_window = [p for p in child.fake.users[USER].history.values() if first <= p.watched_at < last]
    assert week["window_plays"] == sum(p.media.type == "episode" for p in in_window) >= 10
