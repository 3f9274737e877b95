"""Fixtures for the CrossWatch front door: a CrossWatch-shaped config and environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crosswatch_trakt.crosswatch import TraktOps
from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from crosswatch_trakt.testing.emulator.builders import seed_demo


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
