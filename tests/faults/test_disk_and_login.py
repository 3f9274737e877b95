"""Full and read-only disks, unwritable folders, wrong secrets and tampered caches (issue 16)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pluggy
import pytest
import structlog

from crosswatch_trakt.errors import StateError
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.support.state import StateStore
from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from crosswatch_trakt.testing.bench.bench_scenarios import host_item
from crosswatch_trakt.trakt.account import REGISTRY

from .support import CACHE_FILES, Host, movies, no_duplicate_plays, play_items, token_alive, truth

REAL_WRITE = StateStore._write_file


def fail_writes(monkeypatch: pytest.MonkeyPatch, code: int, names: tuple[str, ...] = ()) -> None:
    """Make writes in the state folder fail with ``code`` (only files in ``names`` if given)."""

    def write(self: StateStore, path: Path, payload: str) -> None:
        if names and path.name not in names:
            REAL_WRITE(self, path, payload)
            return
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(StateStore, "_write_file", write)


def test_full_disk_after_refresh_keeps_the_login(
    host: Host, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token file fails after Trakt rotated: a clean StateError, and the new pair survives."""
    fake = host.fake
    fake.expire_tokens("alice")
    fail_writes(monkeypatch, errno.ENOSPC, ("trakt_tokens.json",))
    with pytest.raises(StateError) as raised:
        host.index("watchlist")
    message = str(raised.value)
    assert "trakt_tokens.json" in message
    assert "free space" in message
    assert "kept in memory" in message
    assert fake.log_count(method="POST", path="/oauth/token") == 1
    assert host.saved  # the host's config has the new pair
    monkeypatch.undo()  # space freed: the kept pair is used and written to the file
    assert len(host.index("watchlist", "run-2")) == truth(fake, "watchlist")
    stored = json.loads((host.base.state_dir / "trakt_tokens.json").read_text())
    assert stored["access_token"] == host.saved[-1]["access_token"]
    REGISTRY.clear()  # a new process finds the pair in the file
    assert len(host.index("watchlist", "run-3")) == truth(fake, "watchlist")
    assert fake.log_count(method="POST", path="/oauth/token") == 1  # no new login, no refresh
    token_alive(fake, host.base, host.saved)


def test_full_disk_before_refresh_does_not_spend_the_token(
    host: Host, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the folder not taking writes, the refresh token is not spent at all."""
    fake = host.fake
    fake.expire_tokens("alice")
    fail_writes(monkeypatch, errno.ENOSPC)
    with pytest.raises(StateError) as raised:
        host.index("watchlist")
    assert "free space" in str(raised.value)
    assert fake.log_count(method="POST", path="/oauth/token") == 0
    monkeypatch.undo()
    assert len(host.index("watchlist", "run-2")) == truth(fake, "watchlist")
    token_alive(fake, host.base, host.saved)


@pytest.mark.parametrize("feature", ["watchlist", "ratings", "history"])
@pytest.mark.parametrize(
    ("code", "fix"),
    [
        (errno.ENOSPC, "free space"),
        (errno.EACCES, "writable by this user"),
        (errno.EROFS, "writable disk"),
    ],
)
def test_state_write_failure_is_a_clean_state_error(
    host: Host, monkeypatch: pytest.MonkeyPatch, feature: str, code: int, fix: str
) -> None:
    """A full, unwritable or read-only folder ends every hook in a StateError with path and fix."""
    fail_writes(monkeypatch, code)
    with pytest.raises(StateError) as raised:
        host.index(feature)
    assert str(host.base.state_dir) in str(raised.value)
    assert fix in str(raised.value)
    assert not isinstance(raised.value, OSError)


def test_login_into_an_uncreatable_folder_fails_before_the_code(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, trakt_clock: VirtualClock, tmp_path: Path
) -> None:
    """auth_start checks the state folder first: no device code is shown for a doomed login."""
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    context = HostContext(
        config=fake_trakt.provider_config(), state_dir=blocker / "state", clock=trakt_clock
    )
    with pytest.raises(StateError) as raised:
        pm.hook.provider_auth_start(provider="TRAKT", context=context)
    assert "state folder" in str(raised.value)
    assert fake_trakt.log_count(method="POST", path="/oauth/device/code") == 0


def test_wrong_client_secret_is_reported_at_the_first_poll(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, trakt_clock: VirtualClock, tmp_path: Path
) -> None:
    """Trakt answers 401 invalid_client to every poll: the first poll says so."""
    config = {**fake_trakt.provider_config(), "client_secret": "wrong-secret-value"}
    context = HostContext(config=config, state_dir=tmp_path / "state", clock=trakt_clock)
    started = pm.hook.provider_auth_start(provider="TRAKT", context=context)
    answer = pm.hook.provider_auth_poll(
        provider="TRAKT", context=context, device_code=started["device_code"]
    )
    assert answer["state"] == "invalid_client"
    assert "client_secret" in answer["message"]
    assert "wrong-secret-value" not in json.dumps(answer)


def test_tampered_history_cache_never_duplicates(host: Host) -> None:
    """Plays removed from the cache with its watermark kept: it is rebuilt, nothing is re-added."""
    fake = host.fake
    films = movies(fake, 12)
    items = play_items(films)
    host.apply("add", "history", items)
    path = host.base.state_dir / CACHE_FILES["history"]
    doc = json.loads(path.read_text())
    for kind in ("movies", "episodes"):
        if doc.get(kind):
            doc[kind]["plays"] = []
            doc[kind]["pending"] = []
    path.write_text(json.dumps(doc))
    REGISTRY.clear()
    before = truth(fake, "history")
    again = host.apply("add", "history", items, "run-2")
    assert again["confirmed_keys"] == []
    assert len(again["skipped_keys"]) == len(items)
    assert truth(fake, "history") == before
    no_duplicate_plays(fake)
    assert any(p.name.startswith(path.name + ".corrupt-") for p in path.parent.iterdir())


def test_watchlist_cache_without_items_is_rebuilt(host: Host) -> None:
    """A watchlist shadow stripped of its items is not served as an empty watchlist."""
    fake = host.fake
    host.index("watchlist")
    path = host.base.state_dir / CACHE_FILES["watchlist"]
    doc = json.loads(path.read_text())
    del doc["items"]
    path.write_text(json.dumps(doc))
    assert len(host.index("watchlist", "run-2")) == truth(fake, "watchlist") > 0


def test_malformed_cached_items_are_not_handed_to_the_host(host: Host) -> None:
    """A cached item replaced by junk with a valid-looking document is rebuilt from Trakt."""
    host.index("watchlist")
    path = host.base.state_dir / CACHE_FILES["watchlist"]
    doc = json.loads(path.read_text())
    first = next(iter(doc["items"]))
    doc["items"][first] = {"type": "movie", "title": 5, "ids": "junk"}
    path.write_text(json.dumps(doc))
    snapshot = host.index("watchlist", "run-2")
    assert all(isinstance(item["ids"], dict) for item in snapshot.values())


LONE = "\ud83c"


@pytest.mark.parametrize("feature", ["watchlist", "ratings", "history"])
def test_lone_surrogate_in_a_title_does_not_break_the_save(host: Host, feature: str) -> None:
    """A title with a lone surrogate is written, and the state save after it does not crash."""
    film = movies(host.fake, 1)[0]
    item: dict[str, Any] = {**host_item(film), "title": f"Broken {LONE} title"}
    if feature == "history":
        item["watched_at"] = "2025-12-01T08:00:00.000Z"
    if feature == "ratings":
        item["rating"] = 7
    result = host.apply("add", feature, [item])
    assert len(result["confirmed_keys"]) == 1
    assert len(host.index(feature, "run-2")) == truth(host.fake, feature)


def test_world_writable_state_folder_warns(host: Host) -> None:
    """A state folder others can write gets a warning naming it and the chmod that fixes it."""
    state = host.base.state_dir
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o777)
    with structlog.testing.capture_logs() as logs:
        host.index("watchlist")
    warned = [e for e in logs if e["event"].endswith("state.shared_writable")]
    assert warned
    assert warned[0]["fix"] == f"chmod go-w {state}"


def test_shared_folder_warns_once_per_run_even_from_the_cache(host: Host) -> None:
    """A cache-served run warns about a world-writable folder, once per run, in one process."""
    host.index("watchlist", "run-1")
    pages = host.fake.log_count(method="GET", path="/sync/watchlist")
    host.base.state_dir.chmod(0o777)
    with structlog.testing.capture_logs() as logs:
        host.index("watchlist", "run-2")
        host.index("ratings", "run-2")
        host.index("watchlist", "run-3")
    warned = [e for e in logs if e["event"].endswith("state.shared_writable")]
    assert len(warned) == 2
    assert host.fake.log_count(method="GET", path="/sync/watchlist") == pages  # from the cache
    host.base.state_dir.chmod(0o700)
