"""Issue 27's done-when, small and fast, against the independent stand-in on a virtual clock.

The full-size run is ``python -m tests.standin.measure`` (real time, minutes); these tests
check the same properties at sizes that take seconds, with the stand-in and the adapter on
one ``VirtualClock`` so that no test sleeps on real time.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pluggy
import pytest

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import VirtualClock
from crosswatch_trakt.trakt.account import REGISTRY
from tests.standin import drive, workload
from tests.standin.catalog import Catalog
from tests.standin.trakt_standin import Limits, TraktStandin

TOKEN = "standin-token"
CATALOG = Catalog()


@pytest.fixture
def clock() -> VirtualClock:
    """Return the virtual clock the stand-in and the adapter share."""
    return VirtualClock()


def _standin(clock: VirtualClock, **limits: Any) -> TraktStandin:
    return TraktStandin(
        TOKEN, catalog=CATALOG, limits=Limits(**limits), now=clock.monotonic, wall=clock.time
    )


@pytest.fixture
def trakt(clock: VirtualClock) -> Iterator[TraktStandin]:
    """Serve a stand-in at the live limits (500 GETs / 300 s, 1 write / s) on the clock."""
    standin = _standin(clock)
    standin.start()
    yield standin
    standin.stop()


def _context(standin: TraktStandin, clock: VirtualClock, state: Path, **extra: Any) -> HostContext:
    pair = extra.pop("pair", None)
    config = drive.provider_config(standin.base_url, TOKEN, state.parent / "budget", **extra)
    return HostContext(config=config, state_dir=state, clock=clock, run_id="run", pair=pair)


def test_restore_has_no_duplicates_no_missing_and_no_429(
    pm: pluggy.PluginManager, trakt: TraktStandin, clock: VirtualClock, tmp_path: Path
) -> None:
    """A 2 % restore (440 plays, 40 ratings, 10 watchlist) lands whole in one write per kind."""
    work = workload.restore(CATALOG, scale=0.02)
    results = drive.restore(pm, _context(trakt, clock, tmp_path / "state"), work)
    stats = trakt.stats()
    extra, missing = workload.play_balance(CATALOG, work["history"], trakt.plays())
    assert drive.unconfirmed(results) == 0
    assert (extra, missing, stats["duplicate_plays"], stats["throttled"]) == (0, 0, 0, 0)
    assert (stats["ratings"], stats["watchlist"]) == (40, 10)
    # history, its movies' collection, ratings and watchlist: each fits one body of 2,000
    assert stats["writes"] == 4


def test_restore_through_the_command_has_no_duplicates_no_missing_and_no_429(
    tmp_path: Path,
) -> None:
    """``crosswatch-trakt import`` of a 1 % restore: exit 0, every play once, 3 writes, no 429."""
    standin = TraktStandin(TOKEN, catalog=CATALOG, limits=Limits(write_period=0.001))
    work = workload.restore(CATALOG, scale=0.01)
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(work), encoding="utf-8")
    fast = "[trakt.rate_limit]\nget_per_sec = 1000\npost_per_sec = 1000\n"
    fast += "write_margin_seconds = 0\n"
    with standin:
        code, answer, _wall = drive.cli_import(
            standin.base_url, TOKEN, tmp_path / "state", tmp_path / "budget", backup, fast
        )
        stats = standin.stats()
        extra, missing = workload.play_balance(CATALOG, work["history"], standin.plays())
    assert code == 0, answer
    assert (extra, missing, stats["duplicate_plays"], stats["throttled"]) == (0, 0, 0, 0)
    assert (stats["ratings"], stats["watchlist"]) == (20, 10)
    assert stats["writes"] == 3  # the command collects nothing unless asked


def _week(
    pm: pluggy.PluginManager, clock: VirtualClock, tmp_path: Path, kind: str, **pair: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Add 100 plays of one week to a 10,000-play account holding 10 of them; cold."""
    standin = _standin(clock)
    standin.preload(movie_plays=2_000, episode_plays=8_000, spacing=3 * 3_600.0)
    seed, items = workload.week_of_adds(CATALOG, kind)
    standin.seed("/sync/history", seed)
    with standin:
        options = {"features": {"history": pair}} if pair else None
        context = _context(standin, clock, tmp_path / kind, pair=options)
        result = pm.hook.apply_adds(
            provider="TRAKT", feature="history", items=items, context=context, dry_run=False
        )
        return result, standin.stats()


def test_cold_episode_adds_within_a_week_cost_four_requests(
    pm: pluggy.PluginManager, clock: VirtualClock, tmp_path: Path
) -> None:
    """100 episode plays of one week, 10 already on Trakt: at most 4 requests, the 10 skipped."""
    result, stats = _week(pm, clock, tmp_path, "episode")
    assert sum(stats["requests"].values()) <= 4
    assert (result["count"], len(result["skipped_keys"]), len(result["unresolved"])) == (90, 10, 0)
    assert stats["duplicate_plays"] == 0


def test_cold_movie_adds_without_collecting_cost_four_requests(
    pm: pluggy.PluginManager, clock: VirtualClock, tmp_path: Path
) -> None:
    """100 movie plays of one week with add_collections.movies off: 4 requests, 10 skipped."""
    toggles = {"add_collections": {"movies": False, "shows": False}}
    result, stats = _week(pm, clock, tmp_path, "movie", **toggles)
    assert sum(stats["requests"].values()) <= 4
    assert (result["count"], len(result["skipped_keys"]), stats["duplicate_plays"]) == (90, 10, 0)


def test_cold_movie_adds_read_no_episode_history(
    pm: pluggy.PluginManager, clock: VirtualClock, tmp_path: Path
) -> None:
    """Collected movie plays read the whole movie history and no episode (docs/decisions.md).

    A collection entry's date is the movie's first play at any time, so the window cannot
    answer; such an add costs at least 6 requests whatever it reads (two writes among them),
    and CrossWatch reads the whole index before it adds, so its adds are never cold.
    """
    result, stats = _week(pm, clock, tmp_path, "movie")
    assert (result["count"], len(result["skipped_keys"])) == (90, 10)
    assert "GET /sync/history/episodes" not in stats["requests"]
    assert stats["requests"]["GET /sync/history/movies"] == 9  # 2,010 movie plays, 250 a page


def test_two_state_folders_back_to_back_draw_no_429(
    pm: pluggy.PluginManager, clock: VirtualClock, tmp_path: Path
) -> None:
    """Two cold reads of one login from two state folders, window 20 GETs / 300 s: no 429."""
    standin = _standin(clock, get_limit=20)
    standin.preload(movie_plays=500, episode_plays=2_000, ratings=300, watchlist=100)
    sizes = []
    with standin:
        for name in ("one", "two"):
            state = tmp_path / name
            context = _context(standin, clock, state, rate_limit={"get_window_limit": 20})
            for feature in drive.FEATURES:
                snapshot = pm.hook.index_snapshot(
                    provider="TRAKT", feature=feature, context=context
                )
                sizes.append(len(snapshot))
            REGISTRY.clear()
        stats = standin.stats()
    assert sizes == [100, 300, 2_500] * 2
    assert stats["throttled"] == 0
    assert stats["gets"] > 20  # the two reads together needed more than one window


def _get(standin: TraktStandin, path: str) -> tuple[int, dict[str, str], Any]:
    headers = {
        "User-Agent": "standin-test",
        "trakt-api-key": "key",
        "trakt-api-version": "2",
        "Authorization": f"Bearer {TOKEN}",
        "Content-Type": "application/json",
    }
    request = urllib.request.Request(standin.base_url + path, headers=headers)
    return _open(request)


def _open(request: urllib.request.Request) -> tuple[int, dict[str, str], Any]:
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _post(standin: TraktStandin, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(standin.base_url + path, data=json.dumps(body).encode())
    for name, value in (
        ("User-Agent", "standin-test"),
        ("trakt-api-key", "key"),
        ("trakt-api-version", "2"),
        ("Authorization", f"Bearer {TOKEN}"),
        ("Content-Type", "application/json"),
    ):
        request.add_header(name, value)
    status, _headers, answer = _open(request)
    return status, answer


def test_standin_clamps_pages_to_250_and_defaults_to_100(trakt: TraktStandin) -> None:
    """limit=1000 gives 250 rows and says so; no limit gives 100; headers count every play."""
    trakt.preload(episode_plays=600)
    status, headers, rows = _get(trakt, "/sync/history?page=1&limit=1000")
    assert (status, len(rows), headers["X-Pagination-Limit"]) == (200, 250, "250")
    assert (headers["X-Pagination-Page-Count"], headers["X-Pagination-Item-Count"]) == ("3", "600")
    _status, headers, rows = _get(trakt, "/sync/history/episodes")
    assert (len(rows), headers["X-Pagination-Limit"]) == (100, "100")
    assert [row["watched_at"] for row in rows] == sorted(
        (r["watched_at"] for r in rows), reverse=True
    )


def test_standin_keeps_every_play_posted_twice(trakt: TraktStandin, clock: VirtualClock) -> None:
    """The same play posted twice is two plays (Trakt does not dedupe), kept to the minute."""
    body = {"movies": [{"ids": {"tmdb": 400_007}, "watched_at": "2024-03-01T10:20:30.000Z"}]}
    assert _post(trakt, "/sync/history", body)[0] == 201
    status, answer = _post(trakt, "/sync/history", body)
    assert status == 429  # one write per second
    clock.advance(1.0)
    status, answer = _post(trakt, "/sync/history", body)
    assert (status, answer["added"]["movies"]) == (201, 1)
    plays = trakt.plays()
    assert plays == [["movie", 700_007, "2024-03-01T10:20:00.000Z"]] * 2
    assert trakt.stats()["duplicate_plays"] == 1


def test_standin_answers_429_past_the_window_without_x_ratelimit(
    trakt: TraktStandin, clock: VirtualClock
) -> None:
    """The 501st GET in 300 s gets 429 with Retry-After and no X-Ratelimit header."""
    for _ in range(500):
        assert _get(trakt, "/sync/last_activities")[0] == 200
    status, headers, _body = _get(trakt, "/sync/last_activities")
    assert status == 429
    assert "X-Ratelimit" not in headers
    assert 0 < int(headers["Retry-After"]) <= 300
    clock.advance(300.0)
    assert _get(trakt, "/sync/last_activities")[0] == 200
