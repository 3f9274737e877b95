"""The GET budget shared by every run of one account and app: a record in the user's cache."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from crosswatch_trakt.config import RateLimitConfig, TraktConfig
from crosswatch_trakt.testing import VirtualClock
from crosswatch_trakt.trakt.shared_budget import SharedWindow, budget_name, default_folder
from crosswatch_trakt.trakt.throttle import Throttle

TOKEN = "tok-9f8e7d6c5b4a"


def config(folder: Path, **extra: Any) -> TraktConfig:
    """Return a config whose shared budget lives in ``folder``."""
    mapping = {"client_id": "app", "access_token": TOKEN, "shared_budget": {"folder": str(folder)}}
    return TraktConfig.from_mapping({**mapping, **extra})


def reader(cfg: TraktConfig, clock: VirtualClock) -> Throttle:
    """Return a throttle built as one run's pipeline builds it (its own buckets, the record)."""
    return Throttle.from_config(cfg.rate_limit, clock, SharedWindow.for_config(cfg, clock))


def test_two_runs_share_one_window(tmp_path: Path) -> None:
    """Two runs of one login never start more than the window's GETs between them."""
    clock = VirtualClock()
    cfg = config(tmp_path, rate_limit={"get_window_limit": 10, "get_window_seconds": 60})
    first, second = reader(cfg, clock), reader(cfg, clock)
    starts = []
    for _ in range(10):
        first.read.acquire()
        starts.append(clock.time())
    second.read.acquire()  # the window is spent by the first run: the second waits it out
    starts.append(clock.time())
    assert starts[-1] - starts[0] >= 60.0
    assert second.read.state()["used_in_window"] == 1


def test_a_pause_holds_every_run(tmp_path: Path) -> None:
    """A 429's pause in one run holds the other run's GETs too."""
    clock = VirtualClock()
    cfg = config(tmp_path)
    first, second = reader(cfg, clock), reader(cfg, clock)
    first.pause("GET", 300.0)
    assert second.read.acquire() == pytest.approx(300.0)


def test_other_accounts_and_apps_keep_their_own_record(tmp_path: Path) -> None:
    """The record is named by app and account label; another label spends nothing of it."""
    clock = VirtualClock()
    cfg = config(tmp_path, rate_limit={"get_window_limit": 1})
    other = config(
        tmp_path,
        rate_limit={"get_window_limit": 1},
        shared_budget={"folder": str(tmp_path), "account": "second-login"},
    )
    reader(cfg, clock).read.acquire()
    assert reader(other, clock).read.acquire() == 0.0
    assert budget_name(cfg) != budget_name(other)
    assert budget_name(cfg) != budget_name(config(tmp_path, client_id="another-app"))


def test_the_record_holds_no_secret(tmp_path: Path) -> None:
    """The record's name and content carry no token; the files are the user's only."""
    clock = VirtualClock()
    reader(config(tmp_path), clock).read.acquire()
    for path in tmp_path.iterdir():
        assert TOKEN not in path.name
        assert TOKEN not in path.read_text(encoding="utf-8")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_default_folder_is_the_users_cache() -> None:
    """By default the record lives in the cache folder, else the runtime folder, else temp."""
    assert default_folder({"XDG_CACHE_HOME": "/c", "HOME": "/h"}) == Path("/c/crosswatch-trakt")
    assert default_folder({"HOME": "/h"}) == Path("/h/.cache/crosswatch-trakt")
    assert default_folder({"XDG_RUNTIME_DIR": "/r"}) == Path("/r/crosswatch-trakt")
    assert default_folder({}).name == f"crosswatch-trakt-{os.getuid()}"


def test_tests_keep_the_default_record_in_a_temp_folder() -> None:
    """The suite points the user's cache folder into a temp folder (conftest)."""
    assert str(default_folder()).startswith(os.environ["XDG_CACHE_HOME"])


def test_an_unusable_folder_leaves_the_run_its_own_budget(tmp_path: Path) -> None:
    """A folder that cannot be made warns once and the run keeps its own window, as before."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    clock = VirtualClock()
    throttle = reader(config(blocker / "sub"), clock)
    assert throttle.read.acquire() == 0.0
    assert throttle.read.shared is not None
    assert throttle.read.shared.broken


def test_claims_from_another_clock_are_ignored(tmp_path: Path) -> None:
    """Starts far ahead of this clock (another process's fake clock) are not counted."""
    ahead, behind = VirtualClock(), VirtualClock()
    ahead.sleep(10_000.0)
    cfg = config(tmp_path, rate_limit={"get_window_limit": 1})
    reader(cfg, ahead).read.acquire()
    assert reader(cfg, behind).read.acquire() == 0.0


def test_sharing_can_be_turned_off(tmp_path: Path) -> None:
    """shared_budget.enabled false keeps the budget in memory only (no record)."""
    cfg = config(tmp_path, shared_budget={"enabled": False, "folder": str(tmp_path)})
    assert SharedWindow.for_config(cfg, VirtualClock()) is None
    throttle = Throttle.from_config(RateLimitConfig(), VirtualClock())
    assert throttle.read.shared is None
