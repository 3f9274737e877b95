"""A run cut short and re-run, corrupt state files, and two processes on one state folder."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.features.registry import build_feature
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import VirtualClock
from crosswatch_trakt.testing.bench.bench_scenarios import host_item
from crosswatch_trakt.trakt.account import REGISTRY, TraktAccount

from .support import Host, accounted, movies, play_items, rating_items, reasons, truth

FEATURES = ("watchlist", "ratings", "history")


class Killed(BaseException):
    """Stands for the process dying between two chunks (a ``BaseException``: never caught)."""


def batch(host: Host, feature: str) -> list[dict[str, Any]]:
    """Return 35 new items for ``feature`` (four chunks of ten)."""
    films = movies(host.fake, 35)
    if feature == "history":
        return play_items(films)
    if feature == "ratings":
        return rating_items(films)
    return [host_item(m) for m in films]


def after(polls: int, action: Callable[[], bool]) -> Callable[[], bool]:
    """Return a ``cancelled`` callback that does ``action`` from its ``polls``-th call on."""
    calls = [0]

    def cancelled() -> bool:
        calls[0] += 1
        return action() if calls[0] >= polls else False

    return cancelled


def _kill() -> bool:
    raise Killed


@pytest.mark.parametrize("feature", FEATURES)
def test_cancelled_between_chunks_then_rerun_converges(host: Host, feature: str) -> None:
    """Cancelled after two chunks: 20 written, 15 cancelled; the re-run adds exactly the rest."""
    fake = host.fake
    items = batch(host, feature)
    before = truth(fake, feature)
    first = host.apply("add", feature, items, cancelled=after(3, lambda: True))
    assert len(first["confirmed_keys"]) == 20
    assert list(reasons(first).values()) == ["cancelled"] * 15
    assert truth(fake, feature) == before + 20
    again = host.apply("add", feature, items, run="run-2")
    assert sorted(again["skipped_keys"]) == sorted(first["confirmed_keys"])
    assert len(again["confirmed_keys"]) == 15
    assert truth(fake, feature) == before + 35
    host.complete(feature, "run-3")
    host.check()


@pytest.mark.parametrize("feature", FEATURES)
def test_killed_between_chunks_then_restarted_converges(host: Host, feature: str) -> None:
    """The process dies after two chunks; a restarted process re-runs and nothing is doubled."""
    fake = host.fake
    items = batch(host, feature)
    before = truth(fake, feature)
    with pytest.raises(Killed):
        host.apply("add", feature, items, cancelled=after(3, _kill))
    assert truth(fake, feature) == before + 20
    REGISTRY.clear()  # a new process: nothing in memory survives
    again = host.apply("add", feature, items, run="run-2")
    assert len(again["skipped_keys"]) == 20
    assert len(again["confirmed_keys"]) == 15
    assert truth(fake, feature) == before + 35
    host.complete(feature, "run-3")
    host.check()


CORRUPTIONS = {
    "not_json": "{ this is not json",
    "unknown_schema": json.dumps({"schema": 999}),
    "wrong_shape": json.dumps({"schema": 1, "items": "nope", "types": [1], "movies": 3}),
}
STATE_FILES = (
    "trakt_watchlist.shadow.json",
    "trakt_ratings.index.json",
    "trakt_history.index.json",
    "trakt_tokens.json",
)


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
@pytest.mark.parametrize("name", STATE_FILES)
def test_corrupt_state_file_is_moved_aside_and_rebuilt(
    host: Host, name: str, corruption: str
) -> None:
    """A corrupt state file is moved aside and rebuilt from Trakt; the index stays complete."""
    for feature in FEATURES:
        host.index(feature)
    state = host.base.state_dir
    (state / name).write_text(CORRUPTIONS[corruption])
    REGISTRY.clear()
    for feature in FEATURES:
        host.complete(feature, "run-2")
    assert [p.name for p in state.glob(f"{name}.corrupt-*")] != []
    if name != "trakt_tokens.json":
        json.loads((state / name).read_text())  # rebuilt and valid
    host.check()


def _account(context: HostContext, saved: list[Any]) -> TraktAccount:
    config = TraktConfig.from_mapping(context.config)
    return TraktAccount.create(
        config, context.state_dir, clock=context.clock, save_config=saved.append
    )


def test_two_processes_share_one_state_dir(host: Host, trakt_clock: VirtualClock) -> None:
    """Two accounts on one folder: one refresh between them, every write once, indexes complete."""
    fake = host.fake
    fake.expire_tokens("alice")  # both must refresh: only one may spend the refresh token
    films = movies(fake, 40)
    halves = [play_items(films[:20]), play_items(films[20:], start=20)]
    lists = [[host_item(m) for m in films[:5]], [host_item(m) for m in films[5:10]]]
    before = truth(fake, "history")
    saved: list[Any] = []
    results: list[Any] = [None, None]
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            context = host.context(f"proc-{n}")
            account = _account(context, saved)
            history = build_feature("history", account)
            out = [history.add(halves[n], context, False)]
            out.append(build_feature("watchlist", account).add(lists[n], context, False))
            for feature in FEATURES:
                build_feature(feature, account).index(context)
            results[n] = out
            account.close()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for n in (0, 1):
        accounted(results[n][0], halves[n])
        accounted(results[n][1], lists[n])
        assert len(results[n][0]["confirmed_keys"]) == 20
    assert fake.log_count(method="POST", path="/oauth/token") == 1
    assert truth(fake, "history") == before + 40
    host.saved = saved
    REGISTRY.clear()
    for feature in FEATURES:
        host.complete(feature, "run-after")
    host.check()
