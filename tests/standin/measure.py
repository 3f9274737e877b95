"""Issue 27's done-when, measured at full size against the independent stand-in (real time).

Run by hand from the repository root, with the Python that has the package installed::

    python -m tests.standin.measure                 # full size, about 10 minutes
    python -m tests.standin.measure --small         # a tenth of every size, about 1 minute
    python -m tests.standin.measure --json out.json --only restore,week

Every scenario gets a fresh stand-in in its own process (``python -m tests.standin``) at the
live limits (500 GETs per sliding 300 s without ``X-Ratelimit``, 1 write per second), and
fresh temp folders for the state and the shared GET budget (``XDG_CACHE_HOME``). The cold
reads run in their own Python process, so their peak RSS (``VmHWM``) is the adapter's alone;
``plain`` reads cold again with the optional ``fast`` extra (orjson) blocked.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crosswatch_trakt.hostspec import HostContext
from tests.standin import drive, workload
from tests.standin.catalog import Catalog
from tests.standin.process import StandinProcess

TOKEN = "standin-measure-token"
CATALOG = Catalog()
MAXED = {"movie_plays": 20_000, "episode_plays": 80_000, "ratings": 20_000, "watchlist": 5_000}
#: The week's background: the maxed account's 100,000 plays about ten years back (53 min apart).
WEEK_SPACING = 3_180.0
Row = dict[str, Any]


def _scaled(sizes: dict[str, int], scale: float) -> dict[str, int]:
    return {name: int(value * scale) for name, value in sizes.items()}


def _server(preload: dict[str, Any] | None = None) -> StandinProcess:
    return StandinProcess("--token", TOKEN, "--preload", json.dumps(preload or {}))


def _restore_outcome(
    trakt: StandinProcess, work: dict[str, list[dict[str, Any]]], wall: float
) -> Row:
    stats = trakt.stats()
    extra, missing = workload.play_balance(CATALOG, work["history"], trakt.plays())
    missing += len(work["ratings"]) - stats["ratings"] + len(work["watchlist"]) - stats["watchlist"]
    return {
        "writes": stats["writes"],
        "requests": sum(stats["requests"].values()),
        "duplicates": extra,
        "missing": missing,
        "429s": stats["throttled"],
        "wall_s": round(wall, 1),
        "by_endpoint": stats["requests"],
        "entries_per_write": stats["write_entries"],
    }


def restore_hooks(folder: Path, scale: float) -> Row:
    """(a) Restore the workload through ``apply_adds`` in this process."""
    work = workload.restore(CATALOG, scale)
    with _server() as trakt:
        config = drive.provider_config(trakt.base_url, TOKEN, folder / "budget")
        context = HostContext(config=config, state_dir=folder / "state", run_id="restore")
        started = time.monotonic()
        results = drive.restore(drive.plugin_manager(), context, work)
        row = _restore_outcome(trakt, work, time.monotonic() - started)
    row["unresolved"] = drive.unconfirmed(results)
    return row


def restore_command(folder: Path, scale: float) -> Row:
    """(a') Restore the same workload with ``crosswatch-trakt import FILE`` (a subprocess)."""
    work = workload.restore(CATALOG, scale)
    folder.mkdir(parents=True)
    backup = folder / "backup.json"
    backup.write_text(json.dumps(work), encoding="utf-8")
    with _server() as trakt:
        code, answer, wall = drive.cli_import(
            trakt.base_url, TOKEN, folder / "state", folder / "budget", backup
        )
        row = _restore_outcome(trakt, work, wall)
    features = answer.get("features", {})
    row["unresolved"] = sum(
        len((part.get("adds") or {}).get("unresolved", [])) for part in features.values()
    )
    row["exit_code"] = code
    if code != 0:
        row["output"] = answer
    return row


def cold_read(folder: Path, scale: float, plain: bool = False) -> Row:
    """(b) Index the maxed account cold in a fresh process: requests, 429s, peak RSS.

    ``plain``: without the optional ``fast`` extra (orjson), as a plain install runs.
    """
    with _server(_scaled(MAXED, scale)) as trakt:
        state, budget = folder / "state", folder / "budget"
        report = drive.read_in_child(trakt.base_url, TOKEN, state, budget, plain)
        stats = trakt.stats()
    return {
        "requests": sum(stats["requests"].values()),
        "429s": stats["throttled"],
        "wall_s": report["wall_s"],
        "cpu_s": report["cpu_s"],
        "peak_rss_mb": report["peak_rss_mb"],
        "items": report["items"],
        "by_endpoint": stats["requests"],
    }


def week_adds(folder: Path, scale: float, kind: str, collect: bool = True) -> Row:
    """(c) 100 cold adds of one week, 10 already there, over the (scaled) maxed account.

    ``collect=False`` turns ``history.add_collections`` off (movies are collected by default).
    """
    background = _scaled(MAXED, scale)
    preload = {
        "movie_plays": background["movie_plays"],
        "episode_plays": background["episode_plays"],
        "spacing": WEEK_SPACING / scale,
    }
    seed, items = workload.week_of_adds(CATALOG, kind)
    with _server(preload) as trakt:
        trakt.seed("/sync/history", seed)
        config = drive.provider_config(trakt.base_url, TOKEN, folder / "budget")
        toggles = {"add_collections": {"movies": False, "shows": False}}
        pair = None if collect else {"features": {"history": toggles}}
        context = HostContext(config=config, state_dir=folder / "state", run_id="week", pair=pair)
        started = time.monotonic()
        result = drive.plugin_manager().hook.apply_adds(
            provider="TRAKT", feature="history", items=items, context=context, dry_run=False
        )
        wall = time.monotonic() - started
        stats = trakt.stats()
    return {
        "requests": sum(stats["requests"].values()),
        "confirmed": result["count"],
        "skipped": len(result["skipped_keys"]),
        "unresolved": len(result["unresolved"]),
        "duplicates": stats["duplicate_plays"],
        "429s": stats["throttled"],
        "wall_s": round(wall, 1),
        "by_endpoint": stats["requests"],
    }


def two_folders(folder: Path, scale: float) -> Row:
    """(d) Two cold reads of one login from two state folders, back to back, one XDG cache."""
    reads = []
    with _server(_scaled(MAXED, scale)) as trakt:
        started = time.monotonic()
        for name in ("one", "two"):
            report = drive.read_in_child(trakt.base_url, TOKEN, folder / name, folder / "cache")
            report["requests_so_far"] = sum(trakt.stats()["requests"].values())
            reads.append(report)
        wall = time.monotonic() - started
        stats = trakt.stats()
    return {
        "requests": sum(stats["requests"].values()),
        "429s": stats["throttled"],
        "wall_s": round(wall, 1),
        "first_wall_s": reads[0]["wall_s"],
        "second_wall_s": reads[1]["wall_s"],
        "first_requests": reads[0]["requests_so_far"],
        "by_endpoint": stats["requests"],
    }


def _line(name: str, row: Row, wanted: str, met: bool) -> str:
    hidden = ("by_endpoint", "entries_per_write", "output")
    shown = ", ".join(f"{k} {v}" for k, v in row.items() if k not in hidden)
    return f"| {name} | {shown} | {wanted} | {'yes' if met else 'NO'} |"


def table(rows: dict[str, Row], scale: float) -> list[str]:
    """Return the Markdown table of the measured rows against the done-when."""
    writes_cap = 21 if scale == 1 else None
    lines = ["| check | measured | wanted | met |", "|---|---|---|---|"]
    for name in ("restore (hooks)", "restore (command)"):
        if name in rows:
            r = rows[name]
            ok = (r["duplicates"], r["missing"], r["429s"], r["unresolved"]) == (0, 0, 0, 0)
            ok = ok and (writes_cap is None or r["writes"] <= writes_cap)
            cap = f"<= {writes_cap} writes, " if writes_cap else ""
            lines.append(_line(name, r, f"{cap}0 duplicates, 0 missing, 0 429s", ok))
    for name in ("cold read", "cold read (plain)"):
        if name in rows:
            r = rows[name]
            ok = r["429s"] == 0 and (scale != 1 or r["peak_rss_mb"] <= 200)
            lines.append(_line(name, r, "0 429s, peak <= 200 MB (full size)", ok))
    for name in ("episodes", "movies", "movies, not collected"):
        if f"week ({name})" in rows:
            r = rows[f"week ({name})"]
            ok = r["requests"] <= 4 and r["skipped"] == 10 and r["duplicates"] == 0
            wanted = "<= 4 requests, 10 skipped"
            lines.append(_line(f"100 cold adds in a week ({name})", r, wanted, ok))
    if "two folders" in rows:
        r = rows["two folders"]
        lines.append(_line("two state folders back to back", r, "0 429s", r["429s"] == 0))
    return lines


SCENARIOS: dict[str, Callable[[Path, float], dict[str, Row]]] = {
    "restore": lambda f, s: {
        "restore (hooks)": restore_hooks(f / "hooks", s),
        "restore (command)": restore_command(f / "command", s),
    },
    "read": lambda f, s: {"cold read": cold_read(f, s)},
    "plain": lambda f, s: {"cold read (plain)": cold_read(f, s, plain=True)},
    "week": lambda f, s: {
        "week (episodes)": week_adds(f / "episodes", s, "episode"),
        "week (movies)": week_adds(f / "movies", s, "movie"),
        "week (movies, not collected)": week_adds(f / "plain", s, "movie", collect=False),
    },
    "two": lambda f, s: {"two folders": two_folders(f, s)},
}


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios, print the table; exit 1 when a check is not met."""
    parser = argparse.ArgumentParser(prog="python -m tests.standin.measure")
    parser.add_argument("--small", action="store_true", help="a tenth of every size")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help="restore,read,plain,week,two (all)"
    )
    args = parser.parse_args(argv)
    drive.quiet()
    scale = 0.1 if args.small else 1.0
    rows: dict[str, Row] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="standin-measure-") as temp:
        os.environ["XDG_CACHE_HOME"] = str(Path(temp) / "xdg-cache")
        for name in args.only.split(","):
            folder = Path(temp) / name
            print(f"running {name} ...", flush=True)
            rows.update(SCENARIOS[name](folder, scale))
    lines = table(rows, scale)
    print(f"\nscale {scale}, {time.monotonic() - started:.0f} s in all\n")
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({"scale": scale, "rows": rows}, indent=1), encoding="utf-8")
    return 0 if all(line.endswith("yes |") for line in lines[2:]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
