"""``snapshot``, ``export`` and ``import``: read Trakt's present state, back it up, restore it."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from crosswatch_trakt import __version__
from crosswatch_trakt.cli.backup import export_document, read_items
from crosswatch_trakt.cli.exitcodes import OK, USAGE, CliError, code_for_results
from crosswatch_trakt.cli.host import Action, CliHost
from crosswatch_trakt.cli.plan import FeaturePlan, plan_feature
from crosswatch_trakt.cli.render import Out, accounting_lines, plan_line, snapshot_table
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.hostspec import ApplyResult, HostItem
from crosswatch_trakt.support.clock import SystemClock

__all__ = ["export", "import_", "run_plan", "snapshot"]


def _check_feature(host: CliHost, feature: str) -> None:
    if feature not in host.features():
        raise CliError(
            f"Unknown or unavailable feature {feature!r}: choose from "
            f"{', '.join(host.features())}.",
            USAGE,
        )


def snapshot(rt: Runtime) -> int:
    """Print the present-state snapshot of one feature as a table or JSON."""
    host, args, out = rt.host, rt.args, rt.out
    host.settings.require_client(secret=False)
    _check_feature(host, args.feature)
    with host.progress.step(f"reading {args.feature}"):
        items = host.snapshot(args.feature)
    if args.json:
        json.dump(items, out, indent=2, sort_keys=True)
        out.write("\n")
    else:
        out.write("\n".join(snapshot_table(args.feature, items)) + "\n")
    return OK


def _write_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the user only (it is personal data)."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def export(rt: Runtime) -> int:
    """Write a versioned JSON backup of every feature to ``--out`` or stdout."""
    host, args, out = rt.host, rt.args, rt.out
    host.settings.require_client(secret=False)
    snapshots = {}
    for feature in host.features():
        with host.progress.step(f"reading {feature}"):
            snapshots[feature] = host.snapshot(feature)
    clock = host.clock if host.clock is not None else SystemClock()
    document = export_document(snapshots, clock.time(), __version__)
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    counts = ", ".join(f"{len(items)} {feature}" for feature, items in snapshots.items())
    if args.out in (None, "-"):
        out.write(text)
        host.progress.note(f"Exported {counts}.")
        return OK
    path = Path(args.out).expanduser()
    try:
        _write_file(path, text)
    except OSError as exc:
        raise CliError(f"Cannot write {path} ({exc.strerror}): check --out.", USAGE) from exc
    out.write(f"Exported {counts} to {path}.\n")
    return OK


def run_plan(host: CliHost, plan: FeaturePlan, out: Out, *, dry_run: bool) -> list[ApplyResult]:
    """Apply one feature's plan through the hooks and print the accounting."""
    results: list[ApplyResult] = []
    steps: tuple[tuple[Action, list[HostItem]], ...] = (
        ("add", plan.adds),
        ("remove", plan.removes),
    )
    for action, items in steps:
        if not items:
            continue
        with host.progress.step(f"{plan.feature}: {action} {len(items)} item(s)"):
            result = host.apply(action, plan.feature, items, dry_run=dry_run)
        out.write("\n".join(accounting_lines(f"{action}s", result)) + "\n")
        results.append(result)
    return results


def _requested(host: CliHost, raw: list[str] | None) -> list[str] | None:
    if not raw:
        return None
    names = [name.strip() for value in raw for name in value.split(",") if name.strip()]
    for name in names:
        _check_feature(host, name)
    return names


def import_(rt: Runtime) -> int:
    """Apply the difference between a backup and Trakt through the hooks; print the accounting."""
    host, args, out = rt.host, rt.args, rt.out
    host.settings.require_client(secret=False)
    available = host.features()
    source: dict[str, list[HostItem]] = read_items(
        Path(args.file).expanduser(), available, _requested(host, args.features)
    )
    results: list[ApplyResult] = []
    for feature, items in source.items():
        if feature not in available:
            _check_feature(host, feature)
        with host.progress.step(f"reading {feature}"):
            present = host.snapshot(feature)
        plan = plan_feature(feature, items, present, remove_missing=args.remove_missing)
        out.write(("[dry run] " if args.dry_run else "") + plan_line(plan) + "\n")
        if plan.empty:
            continue
        results += run_plan(host, plan, out, dry_run=args.dry_run)
    code = code_for_results(results)
    if code != OK:
        out.write(_outcome(code) + "\n")
    return code


def _outcome(code: int) -> str:
    return {
        1: "Some items were not written (see unresolved above); fix them or run import again.",
        3: "The Trakt login is no longer valid: run crosswatch-trakt login, then import again.",
        4: "Trakt refused some writes for this account (plan limit, locked account or VIP "
        "only): see unresolved above.",
    }.get(code, "")
