"""CrossWatch's own web app syncs a PLEX -> TRAKT pair through this package, as a user would.

Opt-in (``tox -e crosswatch``): it needs a CrossWatch checkout in ``CROSSWATCH_SRC``. The
checkout is copied into the test's folder and switched over to this package; its web app
(``crosswatch.main``) runs from the copy in a subprocess on loopback (``webapp``), with its
config base and every other folder it writes inside the test's folder. The user signs up,
saves a Trakt section pointing at the bundled emulator and a one-way pair for watchlist,
ratings and history (the source is the small fake Plex, ``fake_source``), then presses Sync
three times: a dry run, a real run, an unchanged run. The checks are issue 22's "Done when".

Scenarios: ``plain`` (one play per title), ``rewatches`` (every play, CrossWatch's event
keys) and ``unknown`` (the library also holds a movie Trakt does not know, in each feature:
the only items that may end unresolved). What each run cost in requests, and everything the
user saw, is written to ``observed.json`` in the test's folder.
"""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

import attrs
import pytest

from crosswatch_trakt.testing import FakeTrakt, ScaledClock

from .isolation import config_listing
from .test_orchestrator import FEATURES, build_library, host_config
from .webapp import WebApp, copy_tree, guarded_python, switch_tree

SRC = os.environ.get("CROSSWATCH_SRC", "")
pytestmark = pytest.mark.skipif(
    not SRC, reason="needs a CrossWatch checkout in CROSSWATCH_SRC (run: tox -e crosswatch)"
)
RUNS = ("dry", "real", "unchanged")
#: a movie Trakt does not know, per feature (distinct: CrossWatch lists an unresolved key once)
UNKNOWN = {
    feature: {
        "type": "movie",
        "title": f"Unknown to Trakt ({feature})",
        "year": 2001,
        "ids": {"tmdb": str(990001 + n), "imdb": f"tt99000{n + 1:02d}"},
    }
    for n, feature in enumerate(FEATURES)
}


@attrs.frozen
class Scenario:
    """A library for the fake Plex and what Trakt must hold after the real run."""

    name: str
    rewatches: bool = False
    unknown: bool = False

    @property
    def wanted(self) -> dict[str, int]:
        """Return the items Trakt must hold per feature (see ``build_library``)."""
        return {"watchlist": 4, "ratings": 3, "history": 5 if self.rewatches else 4}

    @property
    def unresolved(self) -> list[tuple[str, str]]:
        """Return the (feature, title) pairs that must end unresolved after the real run."""
        return sorted((f, str(UNKNOWN[f]["title"])) for f in FEATURES) if self.unknown else []


SCENARIOS = [
    Scenario("plain"),
    Scenario("rewatches", rewatches=True),
    Scenario("unknown", unknown=True),
]


@attrs.define
class Observed:
    """What the user saw and what the emulator saw, per run, and after the app stopped."""

    scenario: Scenario
    switched: str = ""
    summary: dict[str, dict[str, Any]] = attrs.Factory(dict)
    unresolved: dict[str, dict[str, Any]] = attrs.Factory(dict)
    events: dict[str, list[dict[str, Any]]] = attrs.Factory(dict)
    requests: dict[str, int] = attrs.Factory(dict)
    paths: dict[str, list[str]] = attrs.Factory(dict)
    writes: dict[str, int] = attrs.Factory(dict)
    stored: dict[str, dict[str, int]] = attrs.Factory(dict)
    analyzer: dict[str, Any] = attrs.Factory(dict)
    providers: list[dict[str, Any]] = attrs.Factory(list)
    outside: list[dict[str, Any]] = attrs.Factory(list)
    config_changed: bool = False
    exit_code: int | None = None


def _stored(fake: FakeTrakt) -> dict[str, int]:
    user = fake.users["alice"]
    return {
        "watchlist": len(user.watchlist),
        "ratings": len(user.ratings),
        "history": len(user.history),
    }


def _library(fake: FakeTrakt, scenario: Scenario) -> dict[str, list[dict[str, Any]]]:
    """Return the orchestrator test's fake Plex library as lists (the app keys them itself)."""
    counter = itertools.count()
    library = build_library(fake, lambda item: f"item-{next(counter)}")
    lists = {feature: list(items.values()) for feature, items in library.items()}
    if scenario.unknown:
        lists["watchlist"].append(UNKNOWN["watchlist"])
        lists["ratings"].append(
            {**UNKNOWN["ratings"], "rating": 7, "rated_at": "2025-06-22T10:00:00Z"}
        )
        lists["history"].append({**UNKNOWN["history"], "watched_at": "2025-03-01T20:00:00Z"})
    return lists


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda s: s.name)
def observed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Observed:
    """Run the three syncs of a scenario through the web app once; return what was seen."""
    scenario: Scenario = request.param
    root = tmp_path_factory.mktemp(f"webapp-{scenario.name}")
    seen = Observed(scenario)
    untouched = config_listing()
    fake = FakeTrakt(clock=ScaledClock(factor=1.0))  # the app's adapter runs on real time
    fake.add_user("alice")
    with fake.serve():
        tree = copy_tree(SRC, root / "crosswatch")
        seen.switched = switch_tree(tree)
        app = WebApp(tree=tree, root=root)
        try:
            app.start(_library(fake, scenario))
            app.sign_up()
            app.save_config(host_config(fake, rewatches=scenario.rewatches))
            seen.requests["setup"] = len(fake.log)  # while it started and the user set it up
            for run in RUNS:
                fake.clear_log()
                seen.summary[run] = app.run(dry_run=run == "dry")
                seen.requests[run] = len(fake.log)
                seen.paths[run] = [f"{r.method} {r.path} {r.status}" for r in fake.log]
                seen.writes[run] = fake.log_count(method="POST") + fake.log_count(method="DELETE")
                seen.stored[run] = _stored(fake)
                seen.unresolved[run] = app.get("/api/run/unresolved")
                seen.events[run] = app.sync_events()
            seen.analyzer = app.get("/api/analyzer/system")
            seen.providers = list(app.get("/api/sync/providers"))
        finally:
            seen.exit_code = app.stop()
        seen.outside = app.outside
    seen.config_changed = config_listing() != untouched
    (root / "observed.json").write_text(json.dumps(attrs.asdict(seen), indent=1), "utf-8")
    print(f"\n{scenario.name}: Trakt requests per run {seen.requests}, writes {seen.writes}")
    return seen


def _cards(summary: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Return (added, removed) per feature of a run summary (what the UI's run card shows)."""
    cards = summary.get("features") or {}
    return {
        f: (int(cards.get(f, {}).get("added", 0)), int(cards.get(f, {}).get("removed", 0)))
        for f in FEATURES
    }


def _listed(unresolved: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the (feature, title) pairs of ``/api/run/unresolved``."""
    return sorted((str(i.get("feature")), str(i.get("title"))) for i in unresolved.get("items", []))


def _booked_bad(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    words = ("unaccounted", "error", "exception", "blackbox")
    return [e for e in events if any(w in str(e.get("event", "")) for w in words)]


#: the analyzer's notes an item Trakt does not know rightly leaves (info: pending, flapping)
_EXPECTED_NOTES = {False: set(), True: {"cw_state_unresolved_backlog", "cw_state_flap_active"}}


def test_dry_run_books_nothing(observed: Observed) -> None:
    """The dry run writes nothing to Trakt and books nothing unaccounted, unresolved or failed."""
    summary = observed.summary["dry"]
    assert observed.writes["dry"] == 0
    assert observed.stored["dry"] == dict.fromkeys(FEATURES, 0)
    assert _booked_bad(observed.events["dry"]) == []
    assert (summary.get("unresolved"), summary.get("errors"), summary.get("exit_code")) == (0, 0, 0)
    assert _listed(observed.unresolved["dry"]) == []


def test_real_run_leaves_only_unknown_items_unresolved(observed: Observed) -> None:
    """After the real run Trakt holds the library and only items Trakt lacks are unresolved."""
    summary = observed.summary["real"]
    expected = observed.scenario.unresolved
    assert observed.stored["real"] == observed.scenario.wanted
    assert _booked_bad(observed.events["real"]) == []
    assert (summary.get("unresolved"), summary.get("errors"), summary.get("exit_code")) == (
        len(expected),
        0,
        0,
    )
    assert _listed(observed.unresolved["real"]) == expected


def test_summary_counts_equal_items_written(observed: Observed) -> None:
    """Each feature's "added" in the real run's summary is the number of items Trakt stored."""
    written = {f: (observed.stored["real"][f] - observed.stored["dry"][f], 0) for f in FEATURES}
    assert _cards(observed.summary["real"]) == written
    assert observed.summary["real"].get("skipped") == 0


def test_unchanged_run_is_quiet(observed: Observed) -> None:
    """A run with nothing new adds, removes and writes nothing, and resolves no more or less."""
    assert observed.writes["unchanged"] == 0
    assert observed.stored["unchanged"] == observed.scenario.wanted
    assert _cards(observed.summary["unchanged"]) == dict.fromkeys(FEATURES, (0, 0))
    assert _booked_bad(observed.events["unchanged"]) == []
    assert _listed(observed.unresolved["unchanged"]) == observed.scenario.unresolved


def test_analyzer_reports_no_problem_for_trakt(observed: Observed) -> None:
    """CrossWatch's analyzer finds nothing wrong with TRAKT (no provider_manifest_missing)."""
    problems = observed.analyzer.get("problems") or []
    trakt = [
        {k: p.get(k) for k in ("severity", "type", "message", "module")}
        for p in problems
        if p.get("provider") == "TRAKT" or "trakt" in str(p.get("module", "")).lower()
    ]
    assert [p for p in trakt if p["type"] not in _EXPECTED_NOTES[observed.scenario.unknown]] == []


def test_providers_list_shows_trakt_with_a_version(observed: Observed) -> None:
    """The providers list the UI shows has TRAKT, configured, with its version."""
    trakt = [p for p in observed.providers if p.get("name") == "TRAKT"]
    assert len(trakt) == 1
    assert trakt[0].get("configured") is True
    assert trakt[0].get("version") is not None


def test_nothing_written_outside_the_test_folder(observed: Observed) -> None:
    """The app wrote nothing outside its folder (none under /config) and reached only loopback."""
    assert observed.outside == []
    assert observed.config_changed is False


def test_the_guard_refuses_writes_outside(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The app's guard refuses and records a write outside its folder (it is not vacuous)."""
    root = tmp_path_factory.mktemp("guarded")
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "written.txt"
    done = guarded_python(root, f"open({str(elsewhere)!r}, 'w')")
    assert "PermissionError: test guard: open" in done.stderr
    assert not elsewhere.exists()
    assert str(elsewhere) in (root / "outside.jsonl").read_text("utf-8")
