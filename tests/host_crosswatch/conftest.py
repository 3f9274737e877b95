"""Fixtures for the CrossWatch front door: a CrossWatch-shaped config and environment."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import crosswatch_trakt.crosswatch as cw_module
from crosswatch_trakt.crosswatch import TraktOps
from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from crosswatch_trakt.testing.emulator.builders import seed_demo

from . import fake_source
from .isolation import config_listing, redirect_config, redirecting_mkdir


@pytest.fixture
def cw_env(tmp_path: Path) -> dict[str, str]:
    """Return the variables CrossWatch sets for a one-way PLEX -> TRAKT pair."""
    return {
        "CONFIG_BASE": str(tmp_path / "config"),
        "CW_PAIR_KEY": "PLEX-TRAKT",
        "CW_PAIR_SRC": "PLEX",
        "CW_PAIR_DST": "TRAKT",
        "CW_PAIR_SRC_INSTANCE": "default",
        "CW_PAIR_DST_INSTANCE": "default",
        "CW_PAIR_MODE": "one-way",
        "CW_RUN_ID": "run-1",
    }


@pytest.fixture
def cw_cfg(fake_trakt: FakeTrakt, trakt_tokens: dict[str, Any]) -> dict[str, Any]:
    """Return CrossWatch's app config with a ``trakt`` section (its names and defaults)."""
    seed_demo(fake_trakt)
    section = {
        **fake_trakt.provider_config(tokens=trakt_tokens),
        "scope": "public",
        "token_type": "Bearer",
        "timeout": 10,
        "max_retries": 5,
        "rate_limit": {"get_per_sec": 3.33, "post_per_sec": 1},
        "watchlist_use_etag": True,
        "watchlist_batch_size": 100,
        "ratings_per_page": 100,
        "history_per_page": 100,
        "history_chunk_size": 100,
        "history_number_fallback": False,
        "_pending_device": {"user_code": "", "device_code": "", "expires_at": 0},
    }
    return {"version": "0.11.3", "trakt": section, "plex": {"account_token": "x"}}


@pytest.fixture
def ops(cw_env: dict[str, str], trakt_clock: VirtualClock) -> TraktOps:
    """Return the OPS object CrossWatch loads, on the virtual clock and the test variables."""
    return TraktOps(environ=lambda: cw_env, clock=trakt_clock)


@pytest.fixture
def host(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, trakt_clock: VirtualClock
) -> Iterator[Any]:
    """Import CrossWatch with the registry line pointing TRAKT at this package.

    Needs ``CROSSWATCH_SRC`` (the tests using it skip without); every CrossWatch module
    imported during the test is forgotten afterwards. CrossWatch's hard-coded ``/config``
    paths point into the test's folder, and the test fails if anything under ``/config``
    appeared or changed (``isolation``).
    """
    src = os.environ["CROSSWATCH_SRC"]
    before = set(sys.modules)
    monkeypatch.setenv("CONFIG_BASE", str(tmp_path / "config"))
    monkeypatch.setenv("CW_PLEX_CID", "crosswatch-trakt-tests")  # else kept under /config
    monkeypatch.syspath_prepend(src)
    registry = importlib.import_module("cw_platform.modules_registry")
    sync = dict(registry.MODULES["SYNC"])  # CrossWatch's own registry, two lines changed
    sync.update(_mod_PLEX=fake_source.__name__, _mod_TRAKT="crosswatch_trakt.crosswatch")
    monkeypatch.setitem(registry.MODULES, "SYNC", sync)
    monkeypatch.setattr(cw_module.OPS, "clock", trakt_clock)
    fake_source.OPS.library = {}
    fake_source.OPS.playlists = {}
    untouched = config_listing()
    monkeypatch.setattr(os, "mkdir", redirecting_mkdir(tmp_path / "config"))
    facade = importlib.import_module("cw_platform.orchestrator.facade")
    restore = redirect_config(src, tmp_path / "config", ("cw_platform.orchestrator",))
    yield facade
    restore()
    assert config_listing() == untouched, "CrossWatch wrote under /config during the test"
    root = str(Path(src).resolve())
    for name in set(sys.modules) - before:
        path = getattr(sys.modules[name], "__file__", None)
        if name.startswith("cw_platform") or (path and str(Path(path).resolve()).startswith(root)):
            del sys.modules[name]
