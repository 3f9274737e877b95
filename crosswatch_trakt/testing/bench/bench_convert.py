"""The benchmark's conversion: 100,000 plays of Trakt history pages into a host snapshot.

The adapter's real path, in one process and without the network: each page is parsed within
the answer boundary (``boundary.parse``, as the request pipeline parses every answer),
turned into compact rows as it arrives (``reader.read_compact``), and the index turns the
rows into host items. Its CPU time is compared with ``json.loads`` of the same pages with
the results kept. Each is the least of ``REPEATS`` runs (as ``timeit`` advises: the others
measure the machine's other work). With the ``fast`` extra installed, both parsers are
measured: orjson, what such an install runs, and the standard library's, what a plain one does.
"""

from __future__ import annotations

import gc
import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from crosswatch_trakt.features.history.cache import HistoryIndexDoc, KindCache
from crosswatch_trakt.features.history.compact import Shared
from crosswatch_trakt.features.history.reader import read_compact
from crosswatch_trakt.testing.bench.bench_scenarios import (
    START,
    USER,
    peak_rss_mb,
    reset_peak_rss,
)
from crosswatch_trakt.testing.emulator.builders import generate_account
from crosswatch_trakt.testing.emulator.catalog import media_json
from crosswatch_trakt.testing.emulator.fake import FakeTrakt
from crosswatch_trakt.testing.emulator.timefmt import format_ts
from crosswatch_trakt.testing.emulator.virtual_clock import VirtualClock
from crosswatch_trakt.trakt.boundary import FAST_LOADS, parse

__all__ = ["CONVERT_RATIO_TARGET", "CONVERT_TARGET_S", "conversion", "convert_snapshot"]

#: rows per page, as the adapter reads history
PAGE = 250
CONVERT_TARGET_S = 2.0
#: the conversion's CPU over ``json.loads`` of the same pages (issue 27)
CONVERT_RATIO_TARGET = 1.5
#: runs of each measurement; the least is reported
REPEATS = 3

Loads = Callable[[bytes], Any] | None


def history_rows(plays: int, movie_plays: int) -> list[dict[str, Any]]:
    """Return ``GET /sync/history`` rows (as the emulator renders them) for a synthetic account."""
    fake = FakeTrakt(clock=VirtualClock(start=START))
    generate_account(fake, USER, watchlist=0, ratings=0, plays=plays, movie_plays=movie_plays)
    history = sorted(
        fake.users[USER].history.values(), key=lambda p: (p.watched_at, p.id), reverse=True
    )
    return [
        {
            "id": p.id,
            "watched_at": format_ts(p.watched_at),
            "action": p.action,
            "type": p.media.type,
            **media_json(p.media),
        }
        for p in history
    ]


def convert_snapshot(
    pages: list[bytes], stages: dict[str, float] | None = None, fast: Loads = FAST_LOADS
) -> dict[str, dict[str, Any]]:
    """Trakt history JSON pages -> host snapshot, with the adapter's real conversion and keys.

    As in a full history walk, each page of 250 rows is parsed (``boundary.parse`` with
    ``fast``, the installed parser by default) and turned into the cache's compact rows as
    it arrives, its raw JSON dropped; then the index turns the rows into host items
    (``HistoryIndexDoc.snapshot(consume=True)``). ``stages`` receives the CPU seconds of
    each step (``pages``: JSON and rows; ``host``).
    """
    marks = [time.process_time()]
    shared = Shared()
    rows = [row for page in pages for row in read_compact(parse(page, fast), None, shared)]
    marks.append(time.process_time())
    doc = HistoryIndexDoc(episodes=KindCache.of_rows(None, rows, full_read_at=0.0))
    del rows
    snapshot = doc.snapshot(consume=True)
    marks.append(time.process_time())
    if stages is not None:
        for name, (start, end) in zip(("pages", "host"), itertools.pairwise(marks), strict=True):
            stages[name] = round(end - start, 3)
    return snapshot


def json_baseline(pages: list[bytes]) -> dict[str, float]:
    """Return the least CPU seconds of ``json.loads`` of ``pages``: results kept, each dropped.

    Kept is what a walk that held the parsed pages would spend (the garbage collector walks
    the growing result); dropped is the parsing alone.
    """
    kept, dropped = [], []
    for _ in range(REPEATS):
        gc.collect()
        cpu0 = time.process_time()
        held = [json.loads(page) for page in pages]
        kept.append(time.process_time() - cpu0)
        del held
        gc.collect()
        cpu0 = time.process_time()
        for page in pages:
            json.loads(page)
        dropped.append(time.process_time() - cpu0)
    return {"kept": round(min(kept), 3), "dropped": round(min(dropped), 3)}


def _least(pages: list[bytes], fast: Loads) -> tuple[float, dict[str, float], int]:
    """Return the least CPU seconds of ``REPEATS`` conversions, its stages and host items."""
    best: tuple[float, dict[str, float], int] | None = None
    for _ in range(REPEATS):
        gc.collect()
        stages: dict[str, float] = {}
        cpu0 = time.process_time()
        snapshot = convert_snapshot(pages, stages, fast)
        cpu = time.process_time() - cpu0
        if best is None or cpu < best[0]:
            best = (cpu, stages, len(snapshot))
        del snapshot
    assert best is not None
    return best


def conversion(total: int) -> dict[str, Any]:
    """Measure the CPU time and memory of converting a ``total``-play snapshot.

    The ratio is the conversion's CPU over ``json.loads`` of the same pages with the results
    kept (``json_baseline``); its target is ``CONVERT_RATIO_TARGET``. ``over_json_loads`` is
    the installed parser's (``parser``); ``over_json_loads_plain`` the standard library's.
    """
    rows = history_rows(total - total // 5, total // 5)
    pages = [json.dumps(rows[i : i + PAGE]).encode() for i in range(0, len(rows), PAGE)]
    del rows
    baseline = json_baseline(pages)
    gc.collect()
    reset_peak_rss()
    snapshot = convert_snapshot(pages)
    peak = peak_rss_mb()
    del snapshot
    cpu, stages, items = _least(pages, FAST_LOADS)
    plain = cpu if FAST_LOADS is None else _least(pages, None)[0]
    kept = baseline["kept"]
    return {
        "plays": total,
        "json_mb": round(sum(map(len, pages)) / 1e6, 1),
        "host_items": items,
        "parser": "json" if FAST_LOADS is None else "orjson",
        "cpu_s": round(cpu, 3),
        "stages_cpu_s": stages,
        "json_loads_cpu_s": baseline,
        "over_json_loads": round(cpu / kept, 2) if kept else None,
        "over_json_loads_plain": round(plain / kept, 2) if kept else None,
        "over_json_loads_dropped": round(cpu / baseline["dropped"], 2)
        if baseline["dropped"]
        else None,
        "peak_rss_mb": round(peak, 1),
        "target_s": CONVERT_TARGET_S,
        "ratio_target": CONVERT_RATIO_TARGET,
        "ok": cpu < CONVERT_TARGET_S,
    }
