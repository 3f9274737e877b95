"""The request-count and speed benchmark: ``tox -e bench`` (``python -m ...testing.bench``).

The emulator (``bench_scenarios``) runs in a child process at Trakt's real limits (1 write/s,
3.33 GET/s pacing and 1000 GETs / 300 s on the adapter's side) on a ``ScaledClock`` that the
adapter shares through ``HostContext.clock``. This process is the host: it calls the hooks
of the real plugin, and its CPU time and peak memory are the adapter's alone.

Scenarios: S1 cold index of the three features; S2 the same in a new run, nothing changed;
S3 after new plays and a new rating made elsewhere; S4 adds; S5 removes by history id; V a
re-index that checks the account converged; P1-P3 progress (resume points): a cold index,
adds, changes and removes, and a re-index with the account checked (``bench_progress``); R
a backup restored into an empty account (``bench_restore``, skipped with ``--no-restore``);
M a cold index of a maxed account (100,000 plays, 20,000 ratings, 5,000 watchlist items) in
its own emulator at 500 GETs / 300 s with edge rate limits: no ``X-Ratelimit``, HTML 429, a
5-minute block (skipped with ``--no-maxed``). Plus the CPU time of converting a
100,000-play snapshot. Writes a Markdown table to stdout and a JSON file (``bench_report``).
See ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import platform
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
import structlog

from crosswatch_trakt import _version, plugin
from crosswatch_trakt.config import RateLimitConfig
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing.bench.bench_convert import conversion
from crosswatch_trakt.testing.bench.bench_host import (
    Emulator,
    index_all,
    measure,
    with_budget,
)
from crosswatch_trakt.testing.bench.bench_lists import run_playlists
from crosswatch_trakt.testing.bench.bench_report import (
    markdown,
    min_index_requests,
    read_floor,
    targets,
)
from crosswatch_trakt.testing.bench.bench_restore import RestoreSpec
from crosswatch_trakt.testing.bench.bench_scenarios import START, BenchSpec
from crosswatch_trakt.testing.emulator.virtual_clock import ScaledClock
from crosswatch_trakt.trakt.account import REGISTRY

__all__ = ["main", "min_index_requests"]

#: W: plays added within one week from an empty state folder, and how many exist already
WEEK_PLAYS = 100
WEEK_EXISTING = 10


def _apply(kind: str, items: dict[str, list[dict[str, Any]]], context: HostContext) -> Any:
    books: dict[str, Any] = {}
    hook = plugin.apply_adds if kind == "adds" else plugin.apply_removes
    for feature, batch in items.items():
        result = hook("TRAKT", feature, batch, context, False)
        assert result is not None
        stats = result["stats"]
        books[feature] = {
            "input": len(batch),
            "confirmed": len(result["confirmed_keys"]),
            "skipped": len(result["skipped_keys"]),
            "unresolved": Counter(e["reason"] for e in result["unresolved"]),
            "ambiguous_writes": stats.get("ambiguous_writes", 0)
            + (stats.get("collection") or {}).get("ambiguous_writes", 0),
        }
    return {"books": books}


def run_progress(
    spec: BenchSpec,
    emulator: Emulator,
    context: Callable[[str], HostContext],
    step: Callable[[str, str, Callable[[], dict[str, Any]]], None],
) -> None:
    """Run P1-P3: index the resume points cold; add, change and remove some; index again."""
    snapshot: dict[str, Any] = {}

    def index(run: str, keep: dict[str, Any] | None = None) -> dict[str, Any]:
        found = plugin.index_snapshot("TRAKT", "progress", context(run)) or {}
        if keep is not None:
            keep.update(found)
        kinds = Counter(str(item.get("type")) for item in found.values())
        return {"items": {"progress": len(found)}, "by_type": dict(sorted(kinds.items()))}

    step("P1", f"cold index of {spec.resume_points:,} resume points", lambda: index("p1", snapshot))
    plan = emulator.call("progress_items")
    newest = sorted(snapshot.values(), key=lambda item: item["trakt_playback_id"], reverse=True)
    removes = newest[: spec.p_removes]  # P2 changes the oldest: the two never meet
    ids = [item["trakt_playback_id"] for item in removes]
    adds = [*plan["adds"], *plan["changes"], *plan["same"]]
    sizes = {name: len(plan[name]) for name in ("adds", "changes", "same")}

    def write() -> dict[str, Any]:
        added = _apply("adds", {"progress": adds}, context("p2"))["books"]["progress"]
        removed = _apply("removes", {"progress": removes}, context("p2"))["books"]["progress"]
        return {
            "asked": {**sizes, "removes": len(removes)},
            "books": {"adds": added, "removes": removed},
        }

    what = "{adds} new, {changes} changed, {same} equal resume points".format(**sizes)
    step("P2", f"{what}, {len(removes)} removed", write)
    step(
        "P3",
        "re-index after P2",
        lambda: {**index("p3"), "account": emulator.call("progress_check", ids)},
    )


def run_restore(
    restore: RestoreSpec, clock: ScaledClock, emulator: Emulator, state_dir: Path
) -> dict[str, Any]:
    """Run R: the backup's watchlist, ratings and plays added to an empty account."""
    backup = emulator.call("restore_items", restore)
    items: dict[str, list[dict[str, Any]]] = backup["items"]
    config = with_budget(backup["config"], state_dir.parent)
    context = HostContext(config=config, state_dir=state_dir, clock=clock, run_id="r")
    what = "restore {} plays, {} ratings, {} watchlist into an empty account".format(
        *(f"{len(items[f]):,}" for f in ("history", "ratings", "watchlist"))
    )
    if restore.refuse_over is not None:
        what += f" (Trakt refuses bodies over {restore.refuse_over})"

    def work() -> dict[str, Any]:
        facts: dict[str, Any] = _apply("adds", items, context)
        facts["ambiguous_writes"] = sum(b["ambiguous_writes"] for b in facts["books"].values())
        return facts

    row = measure("R", what, clock, emulator, work)
    row["restored"] = emulator.call("restored")
    return row


def run_scenarios(
    spec: BenchSpec, factor: float, state_dir: Path, restore: RestoreSpec | None = None
) -> dict[str, Any]:
    """Run S1-S5, the convergence check, P1-P3 and the restore against an emulator child."""
    clock = ScaledClock(factor=factor, start=START)
    emulator = Emulator(clock, spec)
    try:
        hello = emulator.hello
        config = with_budget({k: v for k, v in hello.items() if k != "counts"}, state_dir)

        def context(run: str) -> HostContext:
            return HostContext(config=config, state_dir=state_dir, clock=clock, run_id=run)

        snapshot: dict[str, Any] = {}

        def step(name: str, what: str, work: Callable[[], dict[str, Any]]) -> None:
            rows.append(measure(name, what, clock, emulator, work))

        rows: list[dict[str, Any]] = []
        step("S1", "cold index, 3 features", lambda: index_all(context("s1"), snapshot))
        step("S2", "same, unchanged", lambda: index_all(context("s2")))
        new = emulator.call("outside_changes")
        what = f"+{new['plays']} plays, +{new['ratings']} rating"
        step("S3", what, lambda: index_all(context("s3")))
        adds = emulator.call("s4_items")
        what = "add {} watchlist, {} ratings, {} plays".format(*map(len, adds.values()))
        step("S4", what, lambda: _apply("adds", adds, context("s4")))
        plays = [item for item in snapshot.values() if item.get("trakt_history_id")]
        removes = {"history": plays[: spec.s5_removes]}
        what = f"remove {len(removes['history'])} plays by history id"
        step("S5", what, lambda: _apply("removes", removes, context("s5")))
        step("V", "re-index after S4+S5", lambda: index_all(context("v")))
        if spec.resume_points:
            run_progress(spec, emulator, context, step)
        if spec.playlist_items:
            run_playlists(emulator.call, context, step)
        if restore is not None:
            rows.append(run_restore(restore, clock, emulator, state_dir / "restore"))
        return {
            "account": hello["counts"],
            "final": emulator.call("counts"),
            "rows": rows,
        }
    finally:
        REGISTRY.clear()
        emulator.stop()


def run_maxed(spec: BenchSpec, factor: float, state_dir: Path) -> list[dict[str, Any]]:
    """Run M, then M2 (the same cold index from a second state folder), then W; return them.

    M2 is another run of the same login right after M (the CLI beside the host, a second
    state folder): it shares M's GET budget through the record (``shared_budget``), so it
    waits for M's reads to leave the window instead of drawing the edge's 5-minute block.
    Its floor is what both reads need at best, less M's wall time.
    """
    clock = ScaledClock(factor=factor, start=START)
    emulator = Emulator(clock, spec)
    try:
        config = with_budget({k: v for k, v in emulator.hello.items() if k != "counts"}, state_dir)
        counts = emulator.hello["counts"]
        what = (
            f"cold index of a maxed account ({counts['plays']:,} plays, "
            f"{counts['ratings']:,} ratings, {counts['watchlist']:,} watchlist) "
            "at 500 GETs / 300 s, no X-Ratelimit"
        )
        rows = []
        for name, folder in (("M", state_dir / "first"), ("M2", state_dir / "second")):
            context = HostContext(config=config, state_dir=folder, clock=clock, run_id=name)
            label = what if name == "M" else "the same, at once, from a second state folder"
            row = measure(name, label, clock, emulator, functools.partial(index_all, context))
            row["minimum_requests"] = min_index_requests(spec)
            rows.append(row)
        first, second = rows
        both = read_floor(first["gets"] + second["gets"], RateLimitConfig())
        second["floor_s"] = round(max(both - first["wall_s"], second["floor_s"]), 3)
        second["wall_over_floor"] = round(second["wall_s"] / second["floor_s"], 3)
        rows.append(run_week(clock, emulator, config, state_dir / "third"))
        return rows
    finally:
        REGISTRY.clear()
        emulator.stop()


def run_week(
    clock: ScaledClock, emulator: Emulator, config: dict[str, Any], state_dir: Path
) -> dict[str, Any]:
    """Run W: 100 plays within one week, 10 already on Trakt, from an empty state folder."""
    week = emulator.call("week_items", (WEEK_PLAYS, WEEK_EXISTING))
    held = emulator.call("counts")["duplicate_plays"]  # the synthetic account may hold some
    items = week["items"]
    context = HostContext(config=config, state_dir=state_dir, clock=clock, run_id="w")
    what = (
        f"add {WEEK_PLAYS} plays within one week ({WEEK_EXISTING} already on Trakt) "
        "from an empty state folder"
    )
    row = measure("W", what, clock, emulator, lambda: _apply("adds", {"history": items}, context))
    row["duplicate_plays"] = emulator.call("counts")["duplicate_plays"] - held
    row["existing"] = WEEK_EXISTING
    row["window_plays"] = week["window_plays"]
    return row


def _quiet_logs() -> None:
    structlog.configure(
        processors=[structlog.dev.ConsoleRenderer(colors=False)],
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the Markdown table; write the JSON report."""
    parser = argparse.ArgumentParser(prog="python -m crosswatch_trakt.testing.bench")
    parser.add_argument(
        "--factor",
        type=float,
        default=1.0,
        help="scaled-clock speed-up; above 1 local processing time is counted that many times",
    )
    parser.add_argument("--small", action="store_true", help="a tenth of the account, quick")
    default_json = "docs/benchmark-results.json" if Path("docs").is_dir() else "bench.json"
    parser.add_argument("--json", default=default_json, help="where to write the JSON report")
    parser.add_argument("--convert-plays", type=int, default=100_000)
    parser.add_argument("--no-restore", action="store_true", help="skip the restore (R)")
    parser.add_argument(
        "--no-maxed",
        action="store_true",
        help="skip the maxed account (M, M2 and W, about 7 minutes)",
    )
    parser.add_argument(
        "--refuse-over",
        type=int,
        default=None,
        metavar="N",
        help="in R, the emulator answers 502 (nothing applied) to write bodies over N items",
    )
    args = parser.parse_args(argv)
    _quiet_logs()
    spec = BenchSpec.small() if args.small else BenchSpec()
    restore = None if args.no_restore else RestoreSpec.small() if args.small else RestoreSpec()
    if restore is not None and args.refuse_over is not None:
        restore = attrs.evolve(restore, refuse_over=args.refuse_over)
    started = time.perf_counter()
    maxed_rows: list[dict[str, Any]] = []
    if not args.no_maxed:  # first: a cold read's memory in a host that did nothing before
        maxed = BenchSpec.maxed(0.1 if args.small else 1.0)
        with tempfile.TemporaryDirectory(prefix="cw-trakt-bench-m-") as state:
            maxed_rows.extend(run_maxed(maxed, args.factor, Path(state)))
    with tempfile.TemporaryDirectory(prefix="cw-trakt-bench-") as state:
        report = run_scenarios(spec, args.factor, Path(state), restore)
    report["rows"] += maxed_rows
    report["conversion"] = conversion(args.convert_plays)
    report["expected_plays"] = (
        spec.movie_plays + spec.episode_plays + spec.s3_plays + spec.s4_plays - spec.s5_removes
    )
    report["meta"] = {
        "restore_full": restore == RestoreSpec(),
        "restore": attrs.asdict(restore) if restore is not None else None,
        "version": _version.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "factor": args.factor,
        "spec": attrs.asdict(spec),
        "min_index_requests": min_index_requests(spec),
        "real_seconds": round(time.perf_counter() - started, 1),
    }
    report["targets"] = targets(spec, report)
    Path(args.json).write_text(json.dumps(report, indent=2, default=str) + "\n")
    sys.stdout.write(markdown(report))
    sys.stdout.write(f"\nJSON report: {args.json}\n")
    return 0 if all(check["ok"] for check in report["targets"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
