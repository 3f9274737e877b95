"""The account registry: one TraktAccount per login per process, and its settings memo."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from crosswatch_trakt.trakt.account import AccountRegistry, TraktAccount


def _with(context: HostContext, **changes: Any) -> HostContext:
    fields: dict[str, Any] = {
        "config": context.config,
        "state_dir": context.state_dir,
        "clock": context.clock,
        "run_id": context.run_id,
    }
    fields.update(changes)
    return HostContext(**fields)


def test_one_account_per_login(host_context: HostContext, tmp_path: Path) -> None:
    """The same login and state folder give the same account; another folder another one."""
    registry = AccountRegistry()
    first = registry.account_for(host_context)
    assert registry.account_for(_with(host_context, run_id="run-2")) is first
    assert registry.account_for(_with(host_context, state_dir=tmp_path / "other")) is not first
    assert len(registry) == 2


def test_registry_is_thread_safe(host_context: HostContext) -> None:
    """Threads asking at once all get the one account."""
    registry = AccountRegistry()
    found: list[TraktAccount] = []
    threads = [
        threading.Thread(target=lambda: found.append(registry.account_for(host_context)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(a) for a in found}) == 1


def test_changed_settings_build_a_new_account(host_context: HostContext) -> None:
    """A changed non-token setting (page size) replaces the cached account."""
    registry = AccountRegistry()
    first = registry.account_for(host_context)
    config = {**host_context.config, "page_size": 100}
    assert registry.account_for(_with(host_context, config=config)) is not first


def test_latest_save_config_is_used(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """The account calls the save_config of the most recent context with rotated tokens."""
    registry = AccountRegistry()
    registry.account_for(host_context)
    saved: list[Any] = []
    account = registry.account_for(_with(host_context, save_config=saved.append))
    account.tokens.refresh()
    assert len(saved) == 1


def test_settings_are_read_once_and_again_when_settings_at_moves(
    fake_trakt: FakeTrakt, host_context: HostContext, trakt_clock: VirtualClock
) -> None:
    """/users/settings is read once, then kept until account.settings_at moves or a day passes."""
    account = AccountRegistry().account_for(host_context)
    assert account.settings("run-1")["user"]["username"] == "alice"
    assert account.watchlist_limit("run-1") == 250
    assert fake_trakt.log_count(path="/users/settings") == 1
    account.settings("run-2")
    assert fake_trakt.log_count(path="/users/settings") == 1
    assert fake_trakt.log_count(path="/sync/last_activities") == 2
    account.settings("run-2", fresh=True)
    account.settings("run-2", fresh=True)
    assert fake_trakt.log_count(path="/users/settings") == 2
    trakt_clock.advance(60)
    fake_trakt.users["alice"].touch("account", "settings_at", trakt_clock.time())
    account.settings("run-3")
    assert fake_trakt.log_count(path="/users/settings") == 3
    trakt_clock.advance(86400)
    account.settings("run-4")
    assert fake_trakt.log_count(path="/users/settings") == 4
