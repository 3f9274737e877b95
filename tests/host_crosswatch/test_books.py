"""CrossWatch's own books over this package's results: a dry run, then real runs, exact counts.

Opt-in like ``test_orchestrator``: it needs a CrossWatch checkout in ``CROSSWATCH_SRC``.
CrossWatch derives its summary from the lengths of the key lists a provider returns, records
every sent item in none of them as unaccounted, and records ``unresolved`` entries even in a
dry run; these tests hold the module's results against that code.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

import crosswatch_trakt.crosswatch as cw_module
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.builders import demo_catalog

from . import fake_source
from .test_orchestrator import SRC, build_library, host_config, run_pass

pytestmark = pytest.mark.skipif(
    not SRC, reason="needs a CrossWatch checkout in CROSSWATCH_SRC (run: tox -e crosswatch)"
)

#: a play of a movie Trakt does not know: unresolved on every real run
UNKNOWN = {
    "type": "movie",
    "title": "Not On Trakt",
    "year": 1901,
    "ids": {"tmdb": "99999991"},
    "watched_at": "2025-03-01T20:00:00Z",
}


def unresolved_on_disk(config: Path) -> dict[str, Any]:
    """Return every item of CrossWatch's unresolved files under its config base, by key."""
    found: dict[str, Any] = {}
    for path in sorted(config.rglob("*unresolved*.json")):
        if "crosswatch_trakt" in path.parts:  # this package's own held-back items
            continue
        data = json.loads(path.read_text())
        items = data.get("items") if isinstance(data, dict) else None
        found.update(items if isinstance(items, dict) else {})
    return found


@pytest.mark.parametrize("rewatches", [False, True], ids=["plain", "rewatches"])
def test_dry_run_then_real_runs_book_items_exactly(
    host: Any,
    fake_trakt: FakeTrakt,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    rewatches: bool,
) -> None:
    """A dry run books nothing; a real run's counts equal items; only the unknown play stays."""
    canonical = importlib.import_module("cw_platform.id_map").canonical_key
    library = build_library(fake_trakt, canonical)
    library["history"][f"{canonical(UNKNOWN)}@1740859200"] = dict(UNKNOWN)
    fake_source.OPS.library = library
    cfg = host_config(fake_trakt, rewatches=rewatches)
    plays = 5 if rewatches else 4
    first = next(iter(library["watchlist"].values()))  # on Trakt already: a skipped key
    listed = next(m for m in fake_trakt.catalog.movies.values() if m.title == first["title"])
    fake_trakt.watchlist_add("alice", listed, "2025-07-01T12:00:00Z")
    seen = next(v for v in library["history"].values() if v["watched_at"].endswith(":31:00Z"))
    watched = next(m for m in fake_trakt.catalog.movies.values() if m.title == seen["title"])
    fake_trakt.add_play("alice", watched, "2025-01-05T20:31:30Z")  # the same minute: already so

    dry = json.loads(json.dumps(cfg))
    dry["sync"]["dry_run"] = True
    summary, events, _ = run_pass(host, dry, fake_trakt, "run-0", monkeypatch)
    assert fake_trakt.log_count(method="POST") == 0
    assert [name for name, _ in events if "unaccounted" in name or "unresolved" in name] == []
    assert unresolved_on_disk(tmp_path / "config") == {}
    assert summary["unresolved"] == 0

    summary, events, _ = run_pass(host, cfg, fake_trakt, "run-1", monkeypatch)
    assert [name for name, _ in events if "unaccounted" in name] == []
    written = len(fake_trakt.users["alice"].history) - 1  # the seeded play
    history = [f for name, f in events if name == "apply:add:done" and f["feature"] == "history"]
    assert [(f["added"], f["unresolved"]) for f in history] == [(written, 1)]
    assert summary["added"] == 3 + 3 + written
    stuck = unresolved_on_disk(tmp_path / "config")
    assert [v.get("title") for v in stuck.values()] == ["Not On Trakt"], stuck

    summary, events, _ = run_pass(host, cfg, fake_trakt, "run-2", monkeypatch)
    assert fake_trakt.log_count(path="/sync/history", method="POST") <= 1
    assert len(fake_trakt.users["alice"].history) == plays
    assert summary["added"] == 0
    stuck = unresolved_on_disk(tmp_path / "config")
    assert [v.get("title") for v in stuck.values()] == ["Not On Trakt"], stuck


def test_a_dry_run_with_items_already_there_records_nothing(
    host: Any, fake_trakt: FakeTrakt, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CrossWatch's applier, handed a dry run whose batch holds an item already on Trakt.

    It records no item as unaccounted or unresolved and reports what the real run would do.
    """
    applier = importlib.import_module("cw_platform.orchestrator._applier")
    recorded: list[tuple[Any, ...]] = []
    monkeypatch.setattr(applier, "record_unresolved", lambda *a, **k: recorded.append(a))
    monkeypatch.setenv("CW_RUN_ID", "dry")
    movies = demo_catalog(fake_trakt.catalog)[0][:3]
    fake_trakt.watchlist_add("alice", movies[0], "2025-07-01T12:00:00Z")
    items = [
        {"type": "movie", "title": m.title, "year": m.year, "ids": {"tmdb": str(m.ids["tmdb"])}}
        for m in movies
    ]
    events: list[tuple[str, dict[str, Any]]] = []
    cfg = host_config(fake_trakt)
    cw_module.OPS.build_index(cfg, feature="watchlist")  # the planner reads it first
    result = applier.apply_add(
        dst_ops=cw_module.OPS,
        cfg=cfg,
        dst_name="TRAKT",
        feature="watchlist",
        items=items,
        dry_run=True,
        emit=lambda name, **fields: events.append((name, fields)),
        dbg=lambda *a, **k: None,
        chunk_size=100,
        chunk_pause_ms=0,
    )
    assert recorded == []
    assert [name for name, _ in events if "unresolved" in name or "unaccounted" in name] == []
    assert (result["unresolved"], result["skipped"], result["attempted"]) == (0, 1, 3)
    assert fake_trakt.log_count(method="POST") == 0
