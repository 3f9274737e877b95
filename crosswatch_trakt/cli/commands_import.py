"""``import``: make Trakt match a backup, the same way whatever route the restore takes.

Every feature is read and planned before anything is written; a plan whose removals pass the
``RemovalGuard`` needs ``--yes`` (on a terminal the command asks, after showing the plans).
History plays never add collection entries behind the user's back: the pair's
``add_collections`` is switched off, and ``--add-collections movies,shows`` collects the
file's restored items itself, at their first play, so a resumed restore collects the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from crosswatch_trakt.cli.backup import read_items
from crosswatch_trakt.cli.exitcodes import OK, USAGE, CliError, code_for_results
from crosswatch_trakt.cli.host import Action, CliHost
from crosswatch_trakt.cli.plan import FeaturePlan, RemovalGuard, plan_feature
from crosswatch_trakt.cli.render import Out, accounting_lines, collection_line, plan_line
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.config import CollectionToggles
from crosswatch_trakt.hostspec import ApplyResult, HostItem

__all__ = ["import_", "parse_collections", "run_plan"]

COLLECTION_KINDS = ("movies", "shows")


#: per feature, the field its items cannot do without: a file whose items all lack it holds
#: another feature's items (a watchlist backup named ``--features ratings``)
REQUIRED_FIELD = {"ratings": "rating", "history": "watched_at"}


def check_items(feature: str, items: Sequence[HostItem], where: str) -> None:
    """Raise a usage error when no item of ``items`` can be one of ``feature``'s."""
    field = REQUIRED_FIELD.get(feature)
    if field is None or not items:
        return
    if not any(isinstance(item, Mapping) and item.get(field) is not None for item in items):
        raise CliError(
            f"{where} holds no {feature}: none of its {len(items)} item(s) has a {field}. "
            "Is it a backup of another feature? Check --features.",
            USAGE,
        )


def check_feature(host: CliHost, feature: str) -> None:
    """Raise a usage error unless ``feature`` is one the plugin announces."""
    if feature not in host.features():
        raise CliError(
            f"Unknown or unavailable feature {feature!r}: choose from "
            f"{', '.join(host.features())}.",
            USAGE,
        )


def requested_features(host: CliHost, raw: Sequence[str] | None) -> list[str] | None:
    """Return the ``--features`` names (comma-separated or repeated), checked; ``None``: all."""
    if not raw:
        return None
    names = [name.strip() for value in raw for name in value.split(",") if name.strip()]
    for name in names:
        check_feature(host, name)
    return names


def parse_collections(raw: str | None) -> CollectionToggles:
    """Return the kinds ``--add-collections movies,shows`` names (none without the flag)."""
    names = {name.strip() for name in (raw or "").split(",") if name.strip()}
    unknown = sorted(names - set(COLLECTION_KINDS))
    if unknown:
        raise CliError(
            f"--add-collections takes movies and/or shows, not {', '.join(unknown)}.", USAGE
        )
    return CollectionToggles(movies="movies" in names, shows="shows" in names)


def run_plan(host: CliHost, plan: FeaturePlan, out: Out, *, dry_run: bool) -> list[ApplyResult]:
    """Apply one feature's plan through the hooks and print the accounting."""
    return [result for _, result in _apply(host, plan, out, dry_run=dry_run)]


def _apply(
    host: CliHost, plan: FeaturePlan, out: Out | None, *, dry_run: bool
) -> list[tuple[Action, ApplyResult]]:
    done: list[tuple[Action, ApplyResult]] = []
    steps: tuple[tuple[Action, list[HostItem]], ...] = (
        ("add", plan.adds),
        ("remove", plan.removes),
    )
    for action, items in steps:
        if not items:
            continue
        verb = "adding" if action == "add" else "removing"
        label = f"{plan.feature}: {verb} {len(items)} item(s)"
        if dry_run:
            label = f"{plan.feature}: checking {len(items)} item(s) to {action} (dry run)"
        with host.progress.step(label):
            result = host.apply(action, plan.feature, items, dry_run=dry_run)
        host.progress.advance(len(items))
        if out is not None:
            out.write("\n".join(accounting_lines(f"{plan.feature} {action}s", result)) + "\n")
        done.append((action, result))
    return done


@attrs.frozen
class _Planned:
    plan: FeaturePlan
    present: int


def _confirm(rt: Runtime, risky: list[_Planned], guard: RemovalGuard) -> None:
    """Let the removals through with ``--yes``, or after a ``yes`` typed on a terminal."""
    if rt.args.yes or not risky:
        return
    reasons = " and ".join(guard.reason(p.plan, p.present) for p in risky)
    stdin = rt.stdin
    interactive = (
        not rt.args.json and stdin is not None and stdin.isatty() and str(rt.args.file) != "-"
    )
    if interactive and stdin is not None:
        rt.progress.ask(f"This import {reasons}. Type yes to go on: ")
        if stdin.readline().strip() == b"yes":  # the word asked for, nothing shorter
            return
        raise CliError(
            "Nothing was written: the removals were not confirmed (type yes, the whole word).",
            USAGE,
            "removal_not_confirmed",
        )
    raise CliError(
        f"Nothing was written: this import {reasons}. Check the plan with --dry-run, then "
        "run it again with --yes.",
        USAGE,
        "removal_not_confirmed",
    )


def _pair(pair: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return ``pair`` with ``history.add_collections`` off: the command collects on request."""
    pair = dict(pair or {})
    features = dict(pair.get("features") or {})
    history = dict(features.get("history") or {})
    history["add_collections"] = {"movies": False, "shows": False}
    features["history"] = history
    pair["features"] = features
    return pair


def _restored(items: list[HostItem], results: list[ApplyResult]) -> list[HostItem]:
    """Return the source plays that are on Trakt now: all but the unresolved ones."""
    failed = {
        json.dumps(entry["item"], sort_keys=True, default=str)
        for result in results
        for entry in result["unresolved"]
    }
    return [item for item in items if json.dumps(item, sort_keys=True, default=str) not in failed]


def import_(rt: Runtime) -> int:
    """Apply the difference between a backup and Trakt through the hooks; print the accounting."""
    host, args = rt.host, rt.args
    host.settings.require_client(secret=False)
    toggles = parse_collections(args.add_collections)
    host.settings = attrs.evolve(host.settings, pair=_pair(host.settings.pair))
    available = host.features()
    path = Path(args.file) if args.file == "-" else Path(args.file).expanduser()
    source = read_items(path, available, requested_features(host, args.features), rt.stdin)
    guard = host.settings.guard
    text = None if args.json else rt.out
    planned: list[_Planned] = []
    where = "The standard input" if args.file == "-" else str(path)
    for feature, items in source.items():
        check_feature(host, feature)
        check_items(feature, items, where)
    for number, (feature, items) in enumerate(source.items(), 1):
        with host.progress.step(f"[{number}/{len(source)}] reading {feature} from Trakt"):
            present = host.snapshot(feature)
        plan = plan_feature(feature, items, present, remove_missing=args.remove_missing)
        planned.append(_Planned(plan, len(present)))
        if text is not None:
            text.write(("[dry run] " if args.dry_run else "") + plan_line(plan) + "\n")
    if not args.dry_run:
        _confirm(rt, [p for p in planned if guard.trips(p.plan, p.present)], guard)
    rt.progress.overall(sum(len(p.plan.adds) + len(p.plan.removes) for p in planned))
    report: dict[str, Any] = {"dry_run": args.dry_run, "features": {}, "collection": None}
    results: list[ApplyResult] = []
    for entry in planned:
        done = _apply(host, entry.plan, text, dry_run=args.dry_run)
        results += [result for _, result in done]
        report["features"][entry.plan.feature] = {
            "plan": entry.plan.counts(),
            **{f"{action}s": result for action, result in done},
        }
        if entry.plan.feature == "history" and (toggles.movies or toggles.shows):
            plays = _restored(source["history"], [result for _, result in done])
            with host.progress.step(f"collection: adding {len(plays)} item(s)' entries"):
                stats = host.collect(plays, toggles, dry_run=args.dry_run)
            report["collection"] = stats
            if text is not None:
                text.write(collection_line(stats) + "\n")
    code = code_for_results(results)
    report["exit_code"] = code
    if args.json:
        json.dump(report, rt.out, indent=2, sort_keys=True, default=str)
        rt.out.write("\n")
    elif code != OK:
        rt.out.write(_outcome(code) + "\n")
    return code


def _outcome(code: int) -> str:
    return {
        1: "Some items were not written (see unresolved above); fix them or run import again. "
        "Items Trakt did not find are held back for a while: crosswatch-trakt state shows "
        "them and state clear-holds sends them on the next run.",
        3: "The Trakt login is no longer valid: run crosswatch-trakt login, then import again.",
        4: "Trakt refused some writes for this account (plan limit, locked account or VIP "
        "only): see unresolved above.",
    }.get(code, "")
