"""The benchmark's host side: the emulator child's handle, and one scenario measured.

``measure`` runs a scenario's work and returns its row: requests by endpoint, 429s, wall
time against its floor, CPU, peak memory and the data read. ``index_all`` is the host's cold
or warm index of the three features; ``with_budget`` keeps the shared GET budget's record in
the run's temp folder.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crosswatch_trakt import plugin
from crosswatch_trakt.config import RateLimitConfig
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing.bench.bench_report import read_floor, write_gap
from crosswatch_trakt.testing.bench.bench_scenarios import (
    BenchSpec,
    child_main,
    peak_rss_mb,
    reset_peak_rss,
    rss_mb,
)
from crosswatch_trakt.testing.emulator.virtual_clock import ScaledClock

__all__ = ["FEATURES", "Emulator", "index_all", "measure", "with_budget"]

FEATURES = ("watchlist", "ratings", "history")


class Emulator:
    """The parent's handle on the emulator child process."""

    def __init__(self, clock: ScaledClock, spec: BenchSpec) -> None:
        self.spec = spec
        ctx = multiprocessing.get_context("spawn")
        self.conn, child_conn = ctx.Pipe()
        self.process = ctx.Process(target=child_main, args=(child_conn, clock, spec), daemon=True)
        self.process.start()
        self.hello: dict[str, Any] = self.conn.recv()

    def call(self, command: str, args: Any = None) -> Any:
        """Send a command to the child and return its answer."""
        self.conn.send((command, args))
        return self.conn.recv()

    def stop(self) -> None:
        """Stop the child and wait for it."""
        if self.process.is_alive():
            self.call("stop")
        self.process.join(timeout=10)


def _path(path: str) -> str:
    """Return ``path`` with its numeric segments (ids) as ``{id}``, to count by endpoint."""
    return re.sub(r"/\d+(?=/|$)", "/{id}", path)


def measure(
    name: str,
    what: str,
    clock: ScaledClock,
    emulator: Emulator,
    work: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Run ``work`` and return its row: requests, 429s, wall, floor, CPU, peak memory."""
    emulator.call("log")  # start from an empty request log
    gc.collect()
    rss0 = rss_mb()
    reset_peak_rss()
    wall0, cpu0 = clock.monotonic(), time.process_time()
    facts = work()
    wall, cpu = clock.monotonic() - wall0, time.process_time() - cpu0
    peak = peak_rss_mb()
    log: list[tuple[str, str, int, float]] = []
    sizes: list[int] = []
    read = 0
    for method, path, status, when, entries, answer_bytes in emulator.call("log"):
        log.append((method, path, status, when))
        read += answer_bytes
        if method != "GET" and entries:
            sizes.append(entries)
    rates = RateLimitConfig()
    gets = sum(1 for method, *_ in log if method == "GET")
    writes = len(log) - gets
    # a write is paced from the previous answer (1 / post_per_sec + the margin after it),
    # and Trakt (the emulator) takes its time per entry to apply each body
    applying = sum(sizes) * emulator.spec.write_seconds_per_entry
    floor = read_floor(gets, rates) + writes * write_gap(rates) + applying
    post_times = [t for method, _p, _s, t in log if method != "GET"]
    gaps = [b - a for a, b in itertools.pairwise(post_times)]
    return {
        "scenario": name,
        "what": what,
        "requests": len(log),
        "gets": gets,
        "writes": writes,
        "by_endpoint": dict(sorted(Counter(f"{m} {_path(p)}" for m, p, _s, _t in log).items())),
        "statuses": dict(sorted(Counter(str(s) for _m, _p, s, _t in log).items())),
        "http_429": sum(1 for _m, _p, s, _t in log if s == 429),
        "wall_s": round(wall, 3),
        "floor_s": round(floor, 3),
        "wall_over_floor": round(wall / floor, 3) if floor else None,
        "mean_write_gap_s": round(sum(gaps) / len(gaps), 3) if gaps else None,
        "items_per_write": {"max": max(sizes), "mean": round(sum(sizes) / len(sizes), 1)}
        if sizes
        else None,
        "cpu_s": round(cpu, 3),
        "peak_rss_mb": round(peak, 1),
        "rss_start_mb": round(rss0, 1),
        "data_read_mb": round(read / 1e6, 1),
        # the memory the scenario added at its peak per MB of answers it read (from 1 MB on)
        "rss_growth_per_data_mb": round(max(0.0, peak - rss0) / (read / 1e6), 2)
        if read >= 1e6
        else None,
        **facts,
    }


def index_all(context: HostContext, keep: dict[str, Any] | None = None) -> dict[str, Any]:
    """Index the three features through the hooks; keep the history snapshot in ``keep``."""
    sizes = {}
    for feature in FEATURES:
        snapshot = plugin.index_snapshot("TRAKT", feature, context) or {}
        sizes[feature] = len(snapshot)
        if keep is not None and feature == "history":
            keep.update(snapshot)
    return {"items": sizes}


def with_budget(config: dict[str, Any], state_dir: Path) -> dict[str, Any]:
    """Return ``config`` with its shared GET budget in the run's temp folder, not the user's."""
    return {**config, "shared_budget": {"folder": str(state_dir / ".budget")}}
