"""Logging: the [TRAKT:<feature>] prefix, and secrets that never reach a log line or a repr."""

from __future__ import annotations

from pathlib import Path

import pytest
import structlog

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.support.log import get_logger, redact_text

TOKEN = "tok-4f9a8b7c6d5e"
SECRET = "sec-0a1b2c3d4e5f"
CONFIG = {"client_id": "cid", "client_secret": SECRET, "access_token": TOKEN}


def test_prefix_and_fields() -> None:
    """Every event renders with the [TRAKT:<feature>] prefix and provider/feature fields."""
    with structlog.testing.capture_logs() as logs:
        get_logger("watchlist").info("index.done", count=3)
    (entry,) = logs
    assert entry["event"] == "[TRAKT:watchlist] index.done"
    assert entry["provider"] == "TRAKT"
    assert entry["feature"] == "watchlist"
    assert entry["count"] == 3


def test_secrets_never_logged(capsys: pytest.CaptureFixture[str]) -> None:
    """A token from config never appears in log output, whatever field or text carries it."""
    config = TraktConfig.from_mapping(CONFIG)
    log = get_logger("history", lambda: [config.access_token, config.client_secret])
    log.info("http.request", headers={"Authorization": f"Bearer {TOKEN}"})
    log.warning("auth.refresh", access_token=TOKEN, refresh_token="r" * 12)
    log.error("odd", note=f"server said {TOKEN} and {SECRET}", items=[TOKEN])
    log.info("config", config=repr(config), error=ValueError(f"bad {TOKEN}"))
    out = capsys.readouterr().out
    assert out.count("[TRAKT:history]") == 4
    assert TOKEN not in out
    assert SECRET not in out
    assert "r" * 12 not in out


def test_secrets_not_in_reprs(tmp_path: Path) -> None:
    """Neither TraktConfig nor HostContext shows a token or secret in its repr."""
    config = TraktConfig.from_mapping(CONFIG)
    context = HostContext(config=CONFIG, state_dir=tmp_path)
    for text in (repr(config), repr(context), str(config)):
        assert TOKEN not in text
        assert SECRET not in text


def test_redact_text_bearer() -> None:
    """redact_text blanks any Bearer token even when the secret is not known."""
    assert redact_text("Authorization: Bearer abc.def-123") == "Authorization: Bearer ***"
