"""Device login and health through the hooks, as a host's UI drives them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pluggy

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, VirtualClock


def test_device_login_through_the_hooks(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, trakt_clock: VirtualClock, tmp_path: Path
) -> None:
    """auth_start gives a code; polls are pending until approval, then approved and stored."""
    saved: list[dict[str, Any]] = []
    context = HostContext(
        config=fake_trakt.provider_config(),
        state_dir=tmp_path / "state",
        clock=trakt_clock,
        save_config=lambda update: saved.append(dict(update)),
    )
    started = pm.hook.provider_auth_start(provider="TRAKT", context=context)
    assert started["user_code"]
    assert started["verification_url"]
    code = started["device_code"]
    first = pm.hook.provider_auth_poll(provider="TRAKT", context=context, device_code=code)
    assert first["state"] == "pending"
    fake_trakt.approve_device(started["user_code"], "alice")
    trakt_clock.advance(first["interval"])
    done = pm.hook.provider_auth_poll(provider="TRAKT", context=context, device_code=code)
    assert done["state"] == "approved"
    assert "access_token" not in done
    stored = json.loads((tmp_path / "state" / "trakt_tokens.json").read_text())
    assert stored["access_token"]
    assert saved[-1]["access_token"] == stored["access_token"]
    health = pm.hook.provider_health(provider="TRAKT", context=context)
    assert health["status"] == "ok"
    assert health["account"] == "alice"


def test_health_without_login(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, trakt_clock: VirtualClock, tmp_path: Path
) -> None:
    """provider_health reports auth_required, without raising, when nobody has logged in."""
    context = HostContext(
        config={"client_id": fake_trakt.client_id, "base_url": fake_trakt.base_url},
        state_dir=tmp_path,
        clock=trakt_clock,
    )
    health = pm.hook.provider_health(provider="TRAKT", context=context)
    assert health["status"] == "auth_required"


def test_health_reports_limits(pm: pluggy.PluginManager, host_context: HostContext) -> None:
    """provider_health carries the plan limits and the rate-limit budget."""
    health = pm.hook.provider_health(provider="TRAKT", context=host_context)
    assert health["status"] == "ok"
    assert health["limits"]["watchlist"]["item_count"] == 250
    assert "rate_limit" in health
    assert health["token_expires_at"] > 0
