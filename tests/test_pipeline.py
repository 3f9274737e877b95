"""The request pipeline: one retry policy decides every answer, parts given at construction."""

from __future__ import annotations

import ast
import tokenize
from pathlib import Path

import pytest
import requests
import structlog
from requests.structures import CaseInsensitiveDict

from crosswatch_trakt import errors
from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.support.log import get_logger, secrets_scope
from crosswatch_trakt.testing import VirtualClock
from crosswatch_trakt.trakt.account import TraktAccount
from crosswatch_trakt.trakt.pipeline import Pipeline
from crosswatch_trakt.trakt.retry import Kind, Pause, Resend, RetryBudget, RetryPolicy, slow_down

TRAKT = Path(__file__).resolve().parents[1] / "crosswatch_trakt" / "trakt"
TOKEN = "tok-4f9a8b7c6d5e"
SECRET = "sec-0a1b2c3d4e5f"


def answer(status: int, body: bytes = b"{}", **headers: str) -> requests.Response:
    """Return a bare ``requests.Response`` with ``status``, ``body`` and ``headers``."""
    response = requests.Response()
    response.status_code = status
    response.headers = CaseInsensitiveDict({"Content-Type": "application/json", **headers})
    response._content = body
    return response


def budget(kind: Kind, total: float = 600.0) -> RetryBudget:
    """Return a fresh retry budget of ``kind`` on a virtual clock with no jitter."""
    return RetryPolicy(VirtualClock(), total_seconds=total, random=lambda: 1.0).begin(kind=kind)


def code_tokens(path: Path) -> list[tokenize.TokenInfo]:
    """Return the tokens of a module's code (comments dropped; strings kept)."""
    with path.open("rb") as handle:
        return [t for t in tokenize.tokenize(handle.readline) if t.type != tokenize.COMMENT]


def test_only_the_retry_policy_decides_what_a_429_means() -> None:
    """No trakt/ module but retry.py holds the number 429 or reads the Retry-After header."""
    deciders = set()
    for path in sorted(TRAKT.glob("*.py")):
        for tok in code_tokens(path):
            if tok.type == tokenize.NUMBER and tok.string == "429":
                deciders.add(path.name)
            if tok.type == tokenize.STRING and tok.string.strip("\"'") == "Retry-After":
                deciders.add(path.name)
            if tok.type == tokenize.NAME and tok.string == "retry_after_seconds":
                deciders.add(path.name)
    assert deciders == {"retry.py"}


def test_every_logger_in_trakt_binds_the_accounts_secrets() -> None:
    """Each get_logger call in trakt/ passes a secret source, and no module logs otherwise."""
    calls = 0
    for path in sorted(TRAKT.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n.split(".")[0] in ("logging", "structlog") for n in names), path
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "get_logger":
                calls += 1
                assert len(node.args) + len(node.keywords) == 2, f"{path.name}:{node.lineno}"
    assert calls >= 1


def test_read_answers() -> None:
    """A read pauses its bucket on a 429, backs off on a 5xx and takes a 2xx or 304."""
    read = budget(Kind.READ)
    assert read.after_answer(answer(429, **{"Retry-After": "30"}), "/x") == Resend(
        30.0, 429, Pause.BUCKET
    )
    assert read.after_answer(answer(503), "/x") == Resend(2.0, 503)
    assert read.after_answer(answer(200), "/x") is None
    assert read.after_answer(answer(304), "/x") is None
    with pytest.raises(errors.Forbidden):
        read.after_answer(answer(403), "/x")


def test_html_429_pauses_everything_for_300_seconds() -> None:
    """An HTML 429 without Retry-After holds both buckets for the edge's five minutes."""
    html = answer(429, b"<html>slow down</html>", **{"Content-Type": "text/html"})
    resend = budget(Kind.READ).after_answer(html, "/x")
    assert resend == Resend(300.0, 429, Pause.EVERYTHING, html=True)


def test_429_past_the_budget_is_rate_limited() -> None:
    """A Retry-After longer than the budget raises RateLimited instead of waiting."""
    with pytest.raises(errors.RateLimited):
        budget(Kind.WRITE, total=10).after_answer(answer(429, **{"Retry-After": "60"}), "/x")


@pytest.mark.parametrize(
    ("status", "still"), [(502, False), (503, False), (504, True), (524, True)]
)
def test_write_5xx_is_ambiguous(status: int, still: bool) -> None:
    """A write answered 5xx is never resent: AmbiguousWrite says whether it may still apply."""
    with pytest.raises(errors.AmbiguousWrite) as caught:
        budget(Kind.WRITE).after_answer(answer(status), "/sync/history")
    assert caught.value.may_still_apply is still


def test_write_failures_resend_only_what_was_never_sent() -> None:
    """A refused connection is resent; a read timeout after sending is ambiguous."""
    write = budget(Kind.WRITE)
    refused = requests.ConnectTimeout("connect timed out")
    assert write.after_failure(refused, "POST", "/x", "api").cause == "ConnectTimeout"
    with pytest.raises(errors.AmbiguousWrite) as caught:
        write.after_failure(requests.ReadTimeout("read timed out"), "POST", "/x", "api")
    assert caught.value.may_still_apply is True


def test_refresh_and_oauth_answers() -> None:
    """The refresh waits out a 429 itself; a one-shot OAuth call takes it (slow_down)."""
    refresh = budget(Kind.REFRESH)
    limited = answer(429, **{"Retry-After": "7"})
    assert refresh.after_answer(limited, "/oauth/token") == Resend(7.0, 429)
    assert refresh.after_answer(answer(400), "/oauth/token") is None
    assert budget(Kind.OAUTH).after_answer(limited, "/oauth/device/token") is None
    assert slow_down(limited)
    with pytest.raises(errors.TransportError):
        budget(Kind.OAUTH).after_failure(requests.ConnectionError("x"), "POST", "/o", "auth")


def test_refresh_budget_is_capped_at_two_minutes() -> None:
    """The refresh gives up with AuthError once 120 s of retries would pass."""
    refresh = budget(Kind.REFRESH)
    with pytest.raises(errors.AuthError):
        refresh.after_answer(answer(503, **{"Retry-After": "121"}), "/oauth/token")


def test_parts_are_given_at_construction(tmp_path: Path) -> None:
    """The session and the token manager share one pipeline; the auth layer holds the tokens."""
    config = TraktConfig.from_mapping({"client_id": "cid", "client_secret": SECRET})
    account = TraktAccount.create(config, tmp_path, clock=VirtualClock())
    assert account.tokens.pipeline is account.session.pipeline
    assert account.session.auth.tokens is account.tokens
    assert account.session.http is account.session.pipeline.transport.http


def test_account_logger_redacts_its_secrets(tmp_path: Path) -> None:
    """account.log blanks the client secret and the tokens wherever they appear."""
    mapping = {"client_id": "cid", "client_secret": SECRET, "access_token": TOKEN}
    account = TraktAccount.create(TraktConfig.from_mapping(mapping), tmp_path, clock=VirtualClock())
    with structlog.testing.capture_logs() as logs:
        account.log("history").info("odd", note=f"{TOKEN} {SECRET}")
    assert TOKEN not in repr(logs)
    assert SECRET not in repr(logs)


def test_get_logger_redacts_the_running_accounts_secrets() -> None:
    """A logger with no secret source of its own still redacts inside a secrets_scope."""
    with secrets_scope(lambda: [TOKEN]), structlog.testing.capture_logs() as logs:
        get_logger("state").warning("state.note", detail=f"file held {TOKEN}")
    with structlog.testing.capture_logs() as outside:
        get_logger("state").warning("state.note", detail=f"file held {TOKEN}")
    assert logs[0]["detail"] == "file held ***"
    assert outside[0]["detail"] == f"file held {TOKEN}"


class SlowTransport:
    """A transport whose writes reach Trakt ``late`` seconds after they leave (on the clock)."""

    def __init__(self, clock: VirtualClock, late: list[float]) -> None:
        self.clock, self.late, self.arrivals = clock, late, []

    def send(self, method: str, url: str, **kwargs: object) -> requests.Response:
        """Travel, arrive (noted), and answer at once."""
        self.clock.sleep(self.late.pop(0))
        self.arrivals.append(self.clock.monotonic())
        return answer(201)


def test_no_write_reaches_trakt_within_a_second_of_the_last() -> None:
    """A write that arrives late is followed by one that arrives a second after it, not sooner."""
    clock = VirtualClock()
    config = TraktConfig(client_id="app")
    pipeline = Pipeline.create(config, clock)
    transport = SlowTransport(clock, [0.3, 0.0, 0.0])
    pipeline.transport = transport  # type: ignore[assignment]
    log = get_logger("test", None)
    for _ in range(3):
        pipeline.send(Kind.WRITE, "POST", "https://api.trakt.tv/sync/history", path="/x", log=log)
    gaps = [b - a for a, b in zip(transport.arrivals, transport.arrivals[1:], strict=False)]
    assert min(gaps) >= 1.0 + config.rate_limit.write_margin_seconds - 1e-6
