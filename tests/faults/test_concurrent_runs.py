"""Two runs writing one account at once: the writer lock serialises them (issue 16, point 1)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

import pytest
import structlog

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.errors import StateError
from crosswatch_trakt.features.registry import build_feature
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.support import locks
from crosswatch_trakt.testing.bench.bench_scenarios import host_item
from crosswatch_trakt.trakt.account import TraktAccount

from .support import Host, accounted, movies, no_duplicate_plays, play_items, rating_items, truth


def _account(context: HostContext) -> TraktAccount:
    config = TraktConfig.from_mapping(context.config)
    return TraktAccount.create(config, context.state_dir, clock=context.clock)


def _batch(host: Host, feature: str, count: int) -> list[dict[str, Any]]:
    films = movies(host.fake, count)
    if feature == "history":
        return play_items(films)
    if feature == "ratings":
        return rating_items(films)
    return [host_item(m) for m in films]


class Waiters:
    """Counts writers that found the lock taken (wraps ``locks._wait``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.cond = threading.Condition()
        original = locks._wait

        def wait(*args: Any, **kwargs: Any) -> None:
            with self.cond:
                self.count += 1
                self.cond.notify_all()
            original(*args, **kwargs)

        monkeypatch.setattr(locks, "_wait", wait)

    def until(self, count: int) -> None:
        """Block until ``count`` writers are waiting (fail after 30 s of real time)."""
        with self.cond:
            assert self.cond.wait_for(lambda: self.count >= count, 30)


@pytest.mark.parametrize("feature", ["history", "watchlist", "ratings"])
def test_double_import_leaves_no_duplicate(
    host: Host, feature: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs importing the same items at once: one writes them, the other books them skipped."""
    fake = host.fake
    items = _batch(host, feature, 300 if feature == "history" else 60)
    before = truth(fake, feature)
    waiters = Waiters(monkeypatch)
    results: list[Any] = [None, None]
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            context = host.context(f"proc-{n}")
            account = _account(context)
            results[n] = build_feature(feature, account).add(items, context, False)
            account.close()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in (0, 1)]
    # hold the lock first, so both runs are certainly inside add() at the same time
    with locks.writer_lock(host.base.state_dir, feature, wait_seconds=1):
        for thread in threads:
            thread.start()
        waiters.until(2)
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    for result in results:
        accounted(result, items)
    confirmed = sorted(len(r["confirmed_keys"]) for r in results)
    skipped = sorted(len(r["skipped_keys"]) for r in results)
    assert confirmed == [0, len(items)]
    assert skipped == [0, len(items)]
    assert truth(fake, feature) == before + len(items)
    no_duplicate_plays(fake)


def test_waiting_writer_says_who_holds_the_lock(host: Host) -> None:
    """A writer finding the lock taken logs a warning naming the holder's pid while it waits."""
    items = _batch(host, "watchlist", 3)
    context = host.context("run-wait", config={"writer_lock_wait_seconds": 0.2})
    with (
        structlog.testing.capture_logs() as logs,
        locks.writer_lock(host.base.state_dir, "watchlist", wait_seconds=1),
        pytest.raises(StateError) as raised,
    ):
        host.apply("add", "watchlist", items, "run-wait", config=context.config)
    waiting = [e for e in logs if e["event"].endswith("state.writer_waiting")]
    assert waiting
    assert waiting[0]["holder_pid"] == str(os.getpid())
    assert "still writing the Trakt watchlist" in str(raised.value)
    assert "writer_lock_wait_seconds" in str(raised.value)
    assert host.fake.log_count(method="POST", path="/sync/watchlist") == 0


HOLDER = """
import sys
from pathlib import Path
from crosswatch_trakt.support.locks import writer_lock
with writer_lock(Path(sys.argv[1]), "history", wait_seconds=1):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_lock_holds_across_processes(host: Host) -> None:
    """A lock held by another process bounds the wait and names that process's pid."""
    items = play_items(movies(host.fake, 2))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(host.base.state_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StateError) as raised:
            host.apply("add", "history", items, config={"writer_lock_wait_seconds": 0.2})
        assert f"pid {holder.pid}" in str(raised.value)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    result = host.apply("add", "history", items, "run-2")
    assert len(result["confirmed_keys"]) == 2


def test_dry_run_does_not_wait(host: Host) -> None:
    """A dry run writes nothing, so it runs while another writer holds the lock."""
    items = play_items(movies(host.fake, 2))
    context = host.context("run-dry", config={"writer_lock_wait_seconds": 0.2})
    with locks.writer_lock(host.base.state_dir, "history", wait_seconds=1):
        result = host.pm.hook.apply_adds(
            provider="TRAKT", feature="history", items=items, context=context, dry_run=True
        )
    assert len(accounted(result, items)["confirmed_keys"]) == 2
