"""Secrets stay secret: logs, exceptions, reprs, state files, cassettes, file modes, URLs."""

from __future__ import annotations

import io
import json
import logging
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pluggy
import pytest
import structlog
from structlog.testing import capture_logs

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.errors import ConfigError, TraktError
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.testing.bench.bench_scenarios import host_item
from crosswatch_trakt.testing.cassettes import make_vcr
from crosswatch_trakt.trakt.account import REGISTRY
from crosswatch_trakt.trakt.tokens import TokenSet

#: a bearer credential (not a redaction, not the WWW-Authenticate challenge)
BEARER = re.compile(r"Bearer\s+(?!\*\*\*|REDACTED|realm=)[A-Za-z0-9._~+/=-]{6,}")
CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"


@attrs.define
class Run:
    """What a noisy run left behind: every text a secret could leak into, and the secrets."""

    secrets: list[str]
    texts: dict[str, str] = attrs.Factory(dict)
    errors: list[BaseException] = attrs.Factory(list)


def _secrets(fake: FakeTrakt, config: dict[str, Any], extra: list[str]) -> list[str]:
    issued = [t.access_token for t in fake.tokens.by_access.values()]
    issued += [t.refresh_token for t in fake.tokens.by_access.values()]
    return [config["client_secret"], *issued, *extra]


def noisy_run(pm: pluggy.PluginManager, fake: FakeTrakt, context: HostContext) -> Run:
    """Exercise refreshes, retries, ambiguous writes, typed errors and a device login."""
    config = {**context.config, "unknown_key": "x", "write_chunk_size": 2}
    ctx = attrs.evolve(context, config=config)
    films = [fake.catalog.add_movie(f"Sec {i}", 2000, {"tmdb": 610_000 + i}) for i in range(5)]
    fake.expire_tokens("alice")
    fake.faults.add(Fault(method="GET", path="/sync/watchlist", status=503))
    fake.faults.add(Fault(method="POST", path="/sync/watchlist", kind="apply_then_drop"))
    fake.faults.add(Fault(method="POST", path="/sync/ratings", status=500, body="Bearer leaky"))
    fake.faults.add(Fault(method="GET", path="/sync/history/movies", status=403, html=True))
    results: list[Any] = []
    errors: list[BaseException] = []
    items = [host_item(m) for m in films]
    for feature, batch in (("watchlist", items), ("ratings", [{**i, "rating": 7} for i in items])):
        results.append(
            pm.hook.apply_adds(
                provider="TRAKT", feature=feature, items=batch, context=ctx, dry_run=False
            )
        )
    for feature in ("ratings", "history"):
        try:
            results.append(pm.hook.index_snapshot(provider="TRAKT", feature=feature, context=ctx))
        except TraktError as exc:
            errors.append(exc)
    start = pm.hook.provider_auth_start(provider="TRAKT", context=ctx)
    results.append(
        pm.hook.provider_auth_poll(provider="TRAKT", context=ctx, device_code=start["device_code"])
    )
    results.append(pm.hook.provider_health(provider="TRAKT", context=ctx))
    fake.revoke_tokens("alice")
    try:
        pm.hook.index_snapshot(
            provider="TRAKT", feature="watchlist", context=attrs.evolve(ctx, run_id="run-9")
        )
    except TraktError as exc:
        errors.append(exc)
    run = Run(_secrets(fake, config, [start["device_code"]]), errors=errors)
    run.texts["results"] = json.dumps(results, default=repr)
    run.texts["errors"] = "\n".join(f"{e!s}\n{e!r}\n{e.args!r}" for e in errors)
    return run


def leaks(run: Run) -> dict[str, list[str]]:
    """Return, per text, the secrets (or bearer headers) found in it."""
    found: dict[str, list[str]] = {}
    for name, text in run.texts.items():
        hits = [s[:6] + "..." for s in run.secrets if s and s in text]
        if BEARER.search(text):
            hits.append("Bearer header")
        if hits:
            found[name] = hits
    return found


@pytest.fixture
def rendered_logs() -> Iterator[io.StringIO]:
    """Configure structlog like an application (JSON to a buffer), and restore it after."""
    buffer = io.StringIO()
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.JSONRenderer()],
        logger_factory=structlog.PrintLoggerFactory(buffer),
    )
    yield buffer
    structlog.reset_defaults()


def test_leak_detector_spots_planted_secrets() -> None:
    """The checker finds a planted token and a bearer header, so a clean pass means clean."""
    run = Run(["s3cr3t-token-value"])
    run.texts = {"a": "x s3cr3t-token-value y", "b": "Authorization: Bearer abcdef123456", "c": ""}
    run.texts["d"] = 'WWW-Authenticate: Bearer realm="trakt" / Bearer *** / Bearer REDACTED'
    assert leaks(run) == {"a": ["s3cr3t..."], "b": ["Bearer header"]}


def test_no_secret_in_rendered_logs_errors_or_results(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    rendered_logs: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A configured renderer, stdlib logging, errors and results carry no token or secret."""
    caplog.set_level(logging.DEBUG)
    run = noisy_run(pm, fake_trakt, host_context)
    run.texts["structlog"] = rendered_logs.getvalue()
    run.texts["stdlib"] = caplog.text
    assert "auth.refreshed" in run.texts["structlog"]
    assert "http.retry" in run.texts["structlog"]
    assert len(run.errors) == 2
    assert leaks(run) == {}


def test_no_secret_in_captured_log_events(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """``structlog.testing.capture_logs`` sees only redacted event dicts."""
    with capture_logs() as events:
        run = noisy_run(pm, fake_trakt, host_context)
    run.texts["events"] = json.dumps(events, default=repr)
    assert len(events) > 5
    assert all(e.get("provider") == "TRAKT" for e in events if "feature" in e)
    assert leaks(run) == {}


def test_no_secret_in_reprs(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Config, context, account, session, token store and token pair reprs hide every secret."""
    pm.hook.index_snapshot(provider="TRAKT", feature="watchlist", context=host_context)
    account = REGISTRY.account_for(host_context)
    pair = TokenSet("access-secret-value", "refresh-secret-value", 1.0, 2.0)
    objects: list[Any] = [
        TraktConfig.from_mapping(host_context.config),
        host_context,
        account,
        account.session,
        account.tokens,
        account.login,
        account.config,
        pair,
    ]
    run = Run(
        [
            *_secrets(fake_trakt, dict(host_context.config), []),
            "access-secret-value",
            "refresh-secret-value",
        ]
    )
    run.texts = {type(o).__name__: repr(o) + str(o) for o in objects}
    assert leaks(run) == {}


def test_state_files_hold_no_secret_and_are_private(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Only trakt_tokens.json holds tokens; every state file is 0600 and the folder 0700."""
    fake_trakt.expire_tokens("alice")  # forces a refresh, so a token file is written
    items = [host_item(fake_trakt.catalog.add_movie("Private", 2000, {"tmdb": 620_000}))]
    for feature in ("watchlist", "ratings", "history"):
        pm.hook.index_snapshot(provider="TRAKT", feature=feature, context=host_context)
    pm.hook.apply_adds(
        provider="TRAKT", feature="watchlist", items=items, context=host_context, dry_run=False
    )
    (host_context.state_dir / "trakt_ratings.index.json").write_text("corrupt")
    REGISTRY.clear()
    pm.hook.index_snapshot(
        provider="TRAKT", feature="ratings", context=attrs.evolve(host_context, run_id="run-2")
    )
    state = host_context.state_dir
    files = [p for p in state.iterdir() if p.is_file()]
    assert {p.name for p in files} >= {"trakt_tokens.json", "trakt_watchlist.shadow.json"}
    assert any(".corrupt-" in p.name for p in files)
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    token_file = json.loads((state / "trakt_tokens.json").read_text())
    run = Run(_secrets(fake_trakt, dict(host_context.config), []))
    run.texts = {p.name: p.read_text() for p in files if p.name != "trakt_tokens.json"}
    assert leaks(run) == {}
    assert token_file["access_token"] in {
        t.access_token for t in fake_trakt.tokens.by_access.values()
    }


def test_recorded_cassette_holds_no_secret(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext, tmp_path: Path
) -> None:
    """A cassette recorded over a refresh and writes has every token and secret scrubbed."""
    fake_trakt.expire_tokens("alice")
    items = [host_item(fake_trakt.catalog.add_movie("Taped", 2000, {"tmdb": 630_000}))]
    with make_vcr(tmp_path, "all").use_cassette("security.yaml"):
        pm.hook.apply_adds(
            provider="TRAKT", feature="watchlist", items=items, context=host_context, dry_run=False
        )
        pm.hook.provider_auth_start(provider="TRAKT", context=host_context)
    text = (tmp_path / "security.yaml").read_text()
    assert "/oauth/token" in text
    run = Run(_secrets(fake_trakt, dict(host_context.config), [fake_trakt.client_id]))
    run.texts = {"cassette": text}
    devices = [d.device_code for d in fake_trakt.tokens.devices.values()]
    run.secrets += devices
    assert leaks(run) == {}


def test_committed_cassettes_hold_no_known_secret() -> None:
    """No committed cassette carries the emulator's or the replay config's credentials."""
    known = [
        "test-client-secret",
        "replay-client-secret",
        "replay-access-token",
        "replay-refresh-token",
    ]
    for path in CASSETTES.rglob("*.yaml"):
        text = path.read_text()
        assert [k for k in known if k in text] == [], path
        assert BEARER.search(text) is None, path


@pytest.mark.parametrize(
    "url",
    [
        "http://api.trakt.tv",
        "http://example.com:8080",
        "ftp://api.trakt.tv",
        "api.trakt.tv",
        "https://",
        "http://127.0.0.1.evil.example",
        "http://localhost.evil.example",
        "http://10.0.0.1",
        "",
    ],
)
@pytest.mark.parametrize("key", ["base_url", "auth_url"])
def test_urls_must_be_https_except_loopback(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext, url: str, key: str
) -> None:
    """A non-https URL (other than loopback) is a ConfigError naming the key; nothing is sent."""
    context = attrs.evolve(host_context, config={**host_context.config, key: url})
    with pytest.raises(ConfigError) as caught:
        pm.hook.index_snapshot(provider="TRAKT", feature="watchlist", context=context)
    assert key in str(caught.value)
    assert fake_trakt.log == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9", "https://api.trakt.tv"]
)
def test_loopback_http_and_https_are_accepted(url: str) -> None:
    """http is allowed on loopback only (the emulator); https anywhere."""
    assert TraktConfig.from_mapping({"client_id": "x", "base_url": url}).base_url == url


def test_oauth_errors_do_not_echo_secrets(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """OAuth answers that echo the request (tokens, secret) never reach an error message."""
    config = dict(host_context.config)
    echo = json.dumps(
        {
            "error": "invalid_grant",
            "error_description": f"refresh {config['refresh_token']} / {config['client_secret']}",
        }
    )
    fake_trakt.expire_tokens("alice")
    fake_trakt.faults.add(Fault(method="POST", path="/oauth/token", status=400, body=echo))
    fake_trakt.faults.add(Fault(method="POST", path="/oauth/device/code", status=500, body=echo))
    errors: list[BaseException] = []
    calls: list[Callable[[], object]] = [
        lambda: pm.hook.index_snapshot(provider="TRAKT", feature="watchlist", context=host_context),
        lambda: pm.hook.provider_auth_start(provider="TRAKT", context=host_context),
    ]
    for call in calls:
        try:
            call()
        except TraktError as exc:
            errors.append(exc)
    bad_client = attrs.evolve(
        host_context, config={**config, "client_secret": "wrong-secret-value"}
    )
    REGISTRY.clear()
    try:
        pm.hook.index_snapshot(provider="TRAKT", feature="history", context=bad_client)
    except TraktError as exc:
        errors.append(exc)
    poll = pm.hook.provider_auth_poll(
        provider="TRAKT", context=host_context, device_code="nope-device-code"
    )
    assert len(errors) == 3
    run = Run([*_secrets(fake_trakt, config, []), "wrong-secret-value"])
    run.texts = {f"error{i}": f"{e!s} {e!r}" for i, e in enumerate(errors)}
    run.texts["poll"] = json.dumps(poll)
    assert leaks(run) == {}
