"""``demo``: the adapter against the bundled emulator, offline, in well under a minute.

The emulator serves real HTTP on loopback, seeded with ``seed_demo``; a ``VirtualClock``
drives both sides, so the adapter's rate-limit pacing advances virtual time instead of
sleeping. The steps: log in (the demo approves its own code), snapshot, plan against the
source library, apply, verify, and a second unchanged pass that costs one request.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from crosswatch_trakt.cli.commands_account import device_login
from crosswatch_trakt.cli.commands_import import run_plan
from crosswatch_trakt.cli.demo_library import REMOVE_MISSING, source_library
from crosswatch_trakt.cli.exitcodes import OK, PARTIAL, USAGE, CliError
from crosswatch_trakt.cli.host import CliHost
from crosswatch_trakt.cli.plan import FeaturePlan, plan_feature
from crosswatch_trakt.cli.progressbar import Progress
from crosswatch_trakt.cli.render import Out, plan_line, write_json
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.cli.settings import CliSettings
from crosswatch_trakt.hostspec import ApplyResult

if TYPE_CHECKING:
    from crosswatch_trakt.testing import FakeTrakt

__all__ = ["DemoReport", "StepCost", "demo", "run_demo"]

USER = "alice"
#: the demo's sync pair: the source knows episodes by show ids and numbers only
PAIR = {"id": "demo", "mode": "one-way", "features": {"history": {"number_fallback": True}}}


@attrs.frozen
class StepCost:
    """The requests one demo step made, by method, and the paths it used."""

    name: str
    requests: int
    methods: dict[str, int]
    paths: tuple[str, ...]

    def text(self) -> str:
        """Return ``N requests (GET a, POST b)``."""
        by = ", ".join(f"{m} {n}" for m, n in sorted(self.methods.items()))
        noun = "request" if self.requests == 1 else "requests"
        return f"{self.requests} {noun}" + (f" ({by})" if by else "")


@attrs.define
class DemoReport:
    """What the demo did: the cost of every step, and whether Trakt ended as planned."""

    steps: list[StepCost] = attrs.Factory(list)
    verified: bool = False
    unresolved: int = 0

    def step(self, name: str) -> StepCost:
        """Return the step called ``name``."""
        return next(step for step in self.steps if step.name == name)


@attrs.define
class _Demo:
    fake: FakeTrakt
    host: CliHost
    out: Out
    report: DemoReport = attrs.Factory(DemoReport)

    @contextmanager
    def step(self, number: int, name: str, what: str) -> Iterator[None]:
        self.out.write(f"\n{number}. {what}\n")
        before = len(self.fake.log)
        with self.host.progress.step(what, done_note=False):  # the cost line says it
            yield
        entries = self.fake.log[before:]
        cost = StepCost(
            name,
            len(entries),
            dict(Counter(entry.method for entry in entries)),
            tuple(f"{entry.method} {entry.path}" for entry in entries),
        )
        self.report.steps.append(cost)
        self.out.write(f"   cost: {cost.text()}\n")
        self.out.flush()

    def snapshots(self) -> dict[str, dict[str, Any]]:
        found = {feature: self.host.snapshot(feature) for feature in self.host.features()}
        counts = ", ".join(f"{feature} {len(items)}" for feature, items in found.items())
        self.out.write(f"   Trakt has: {counts}\n")
        return found

    def plans(self, snapshots: dict[str, dict[str, Any]]) -> list[FeaturePlan]:
        source = source_library()
        return [
            plan_feature(
                feature,
                source[feature],
                snapshot,
                remove_missing=REMOVE_MISSING[feature],
            )
            for feature, snapshot in snapshots.items()
        ]

    def apply(self, plans: list[FeaturePlan]) -> list[ApplyResult]:
        results: list[ApplyResult] = []
        for plan in plans:
            if plan.empty:
                continue
            self.out.write(f"   {plan.feature}:\n")
            results += run_plan(self.host, plan, _Indented(self.out), dry_run=False)
        return results


@attrs.define
class _Indented:
    """A text stream that indents every line by three spaces."""

    out: Out

    def write(self, text: str) -> int:
        lines = text.splitlines(keepends=True)
        return self.out.write("".join("   " + line for line in lines))

    def flush(self) -> None:
        self.out.flush()


class _Unsaid:
    """An ``Out`` that keeps nothing: the narrative, when ``--json`` prints the report only."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        """Nothing to flush."""


def run_demo(out: Out, progress: Progress) -> DemoReport:
    """Run the demo against a fresh emulator and return its report."""
    from crosswatch_trakt.testing import FakeTrakt, VirtualClock
    from crosswatch_trakt.testing.emulator.builders import seed_demo

    clock = VirtualClock()
    fake = FakeTrakt(clock=clock)
    seed_demo(fake, USER)
    with tempfile.TemporaryDirectory(prefix="crosswatch-trakt-demo-") as folder, fake.serve():
        # the throwaway emulator's GET budget stays in the throwaway folder, not ~/.cache
        budget = {"shared_budget": {"folder": str(Path(folder) / "budget")}}
        settings = CliSettings(
            trakt={**fake.provider_config(), **budget},
            state_dir=Path(folder) / "state",
            pair=PAIR,
        )
        host = CliHost(settings, progress, clock=clock)
        demo = _Demo(fake, host, out)
        out.write(
            f"crosswatch-trakt demo: the Trakt adapter against the bundled emulator at "
            f"{fake.base_url} (offline), account '{USER}' seeded with a small library.\n"
            "Every step calls the plugin's hooks through pluggy, as CrossWatch does.\n"
        )
        _steps(demo)
    return demo.report


def _approve(fake: FakeTrakt) -> Any:
    def approve(started: dict[str, Any]) -> None:
        fake.approve_device(str(started["user_code"]), USER)

    return approve


def _steps(demo: _Demo) -> None:
    host, out, report = demo.host, demo.out, demo.report
    with demo.step(1, "login", "Log in with a device code (the demo approves its own code)"):
        device_login(host, _Indented(out), on_code=_approve(demo.fake))
        out.write("   approved; tokens stored in the state folder (mode 0600)\n")
    with demo.step(2, "snapshot", "Snapshot Trakt (one last_activities read gates every feature)"):
        snapshots = demo.snapshots()
    plans = demo.plans(snapshots)
    with demo.step(3, "plan", "Plan: compare the local source library with the snapshots"):
        for plan in plans:
            out.write(f"   {plan_line(plan)}\n")
    with demo.step(4, "apply", "Apply the plan through apply_adds / apply_removes"):
        results = demo.apply(plans)
    report.unresolved = sum(len(result["unresolved"]) for result in results)
    host.new_run()
    with demo.step(5, "verify", "Verify: a new run re-reads what changed and re-plans"):
        after = demo.plans(demo.snapshots())
        left = sum(len(plan.adds) + len(plan.removes) for plan in after)
        report.verified = left == report.unresolved
        verdict = "matches the plan" if report.verified else "does NOT match the plan"
        out.write(f"   Trakt {verdict}; {left} item(s) still differ, all reported unresolved\n")
    host.new_run()
    with demo.step(6, "second_pass", "Second pass with nothing changed"):
        again = demo.plans(demo.snapshots())
        demo.apply(again)
        out.write("   the indexes came from the state folder: the gate said nothing changed\n")


def demo(rt: Runtime) -> int:
    """Run the offline demo; exit 0 when Trakt ended exactly as planned."""
    out = rt.out
    given = [flag for flag in ("base_url", "auth_url", "state_dir") if getattr(rt.args, flag)]
    if given:
        names = ", ".join("--" + flag.replace("_", "-") for flag in given)
        raise CliError(
            f"The demo runs its own emulator with a temporary state folder: it takes no {names}. "
            "To try the command on an emulator you keep, run crosswatch-trakt emulator.",
            USAGE,
        )
    started = time.monotonic()
    report = run_demo(_Unsaid() if rt.args.json else out, rt.progress)
    seconds = time.monotonic() - started
    total = sum(step.requests for step in report.steps)
    if rt.args.json:
        steps = [attrs.asdict(step) for step in report.steps]
        verdict = {"verified": report.verified, "unresolved": report.unresolved}
        write_json(
            out, {**verdict, "requests": total, "seconds": round(seconds, 3), "steps": steps}
        )
        return OK if report.verified else PARTIAL
    out.write(f"\nDone in {seconds:.1f} s, {total} requests in all. ")
    if report.verified:
        out.write(
            "Every item was confirmed, skipped or reported unresolved with a reason; "
            "the unchanged pass cost "
            f"{report.step('second_pass').text()}.\n"
        )
        return OK
    out.write("Trakt did not end as planned: see the steps above.\n")
    return PARTIAL
