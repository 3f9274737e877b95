"""The shared session against the emulator: pacing, 429s, retries, typed errors, bodies."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from crosswatch_trakt import errors
from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault, VirtualClock
from crosswatch_trakt.testing.emulator.builders import generate_account
from crosswatch_trakt.trakt.account import AccountRegistry, TraktAccount

MOVIE = {"movies": [{"ids": {"tmdb": 603}}]}


@pytest.fixture
def account(host_context: HostContext, fake_trakt: FakeTrakt) -> TraktAccount:
    """Return a fresh account on the emulator (whose catalogue knows tmdb 603 and 604)."""
    fake_trakt.catalog.add_movie("The Matrix", 1999, {"tmdb": 603})
    fake_trakt.catalog.add_movie("The Matrix Reloaded", 2003, {"tmdb": 604})
    return AccountRegistry().account_for(host_context)


def test_required_headers_are_set(account: TraktAccount) -> None:
    """The session sends Trakt's headers and a real User-Agent, never a bearer by default."""
    headers = account.session.http.headers
    assert headers["trakt-api-version"] == "2"
    assert headers["trakt-api-key"] == account.config.client_id
    assert headers["Content-Type"] == "application/json"
    assert str(headers["User-Agent"]).startswith("crosswatch-trakt/")
    assert "Authorization" not in headers


def test_long_paged_read_stays_within_the_limits(
    fake_trakt: FakeTrakt, account: TraktAccount
) -> None:
    """3,000 watchlist rows come back in 12 pages of 250 without a single 429."""
    generate_account(fake_trakt, "alice", watchlist=3000, ratings=0, plays=0, movie_plays=0)
    events: list[Any] = []
    rows = account.session.paginate("/sync/watchlist", feature="watchlist", progress=events.append)
    assert len(rows) == 3000
    assert fake_trakt.log_count(method="GET", path="/sync/watchlist", status=200) == 12
    assert fake_trakt.log_count(status=429) == 0
    assert events[-1] == {
        "feature": "watchlist",
        "phase": "read",
        "done": 12,
        "total": 12,
        "what": "watchlist",
    }


def test_many_reads_in_a_row_never_trip_the_window(
    fake_trakt: FakeTrakt, account: TraktAccount
) -> None:
    """1,100 reads in a row stay inside the 1000 per 300 s window: no 429."""
    for _ in range(1100):
        account.session.get_json("/sync/last_activities", feature="test")
    assert fake_trakt.log_count(status=429) == 0
    assert fake_trakt.log_count(path="/sync/last_activities", status=200) == 1100


def test_a_smaller_server_window_is_learnt(trakt_clock: VirtualClock, tmp_path: Any) -> None:
    """When Trakt enforces 500 per 300 s, X-Ratelimit teaches the client: still no 429."""
    fake = FakeTrakt(clock=trakt_clock, get_limit=500)
    fake.add_user("alice")
    with fake.serve():
        config = fake.provider_config("alice")
        context = HostContext(config=config, state_dir=tmp_path, clock=trakt_clock)
        account = AccountRegistry().account_for(context)
        for _ in range(600):
            account.session.get_json("/sync/last_activities", feature="test")
        assert fake.log_count(status=429) == 0
        assert account.session.rate_state()["read"]["window_limit"] == 500


def test_scripted_429_with_retry_after_is_waited_out(
    fake_trakt: FakeTrakt, account: TraktAccount, trakt_clock: VirtualClock
) -> None:
    """A 429 with Retry-After pauses the read bucket that long, then the read completes."""
    generate_account(fake_trakt, "alice", watchlist=600, ratings=0, plays=0, movie_plays=0)
    fake_trakt.faults.add(
        Fault(method="GET", path="/sync/watchlist", status=429, retry_after=30, page=2)
    )
    rows = account.session.paginate("/sync/watchlist", feature="watchlist")
    assert len(rows) == 600
    assert fake_trakt.log_count(status=429) == 1
    assert max(trakt_clock.slept) >= 30


def test_html_429_without_retry_after_cools_down_300s(
    fake_trakt: FakeTrakt, account: TraktAccount, trakt_clock: VirtualClock
) -> None:
    """A Cloudflare HTML 429 with no Retry-After pauses every bucket 300 s; the read completes."""
    fake_trakt.faults.add(
        Fault(method="GET", path="/sync/watchlist", status=429, html=True, retry_after=None)
    )
    start = trakt_clock.monotonic()
    assert account.session.paginate("/sync/watchlist", feature="watchlist") == []
    assert trakt_clock.monotonic() - start >= 300
    assert fake_trakt.log_count(status=429) == 1


def test_5xx_bursts_are_retried(fake_trakt: FakeTrakt, account: TraktAccount) -> None:
    """503, 502, 520 and a dropped connection on one page are retried and the read completes."""
    generate_account(fake_trakt, "alice", watchlist=300, ratings=0, plays=0, movie_plays=0)
    for status in (503, 502, 520):
        fake_trakt.faults.add(Fault(method="GET", path="/sync/watchlist", status=status, page=2))
    fake_trakt.faults.add(Fault(method="GET", path="/sync/watchlist", kind="drop", page=2))
    rows = account.session.paginate("/sync/watchlist", feature="watchlist")
    assert len(rows) == 300
    assert fake_trakt.log_count(path="/sync/watchlist") == 6


def test_page_failing_past_the_cap_is_an_incomplete_read(
    fake_trakt: FakeTrakt, account: TraktAccount, trakt_clock: VirtualClock
) -> None:
    """A page that keeps failing raises IncompleteRead after the retry cap, with no rows."""
    generate_account(fake_trakt, "alice", watchlist=600, ratings=0, plays=0, movie_plays=0)
    fake_trakt.faults.add(
        Fault(method="GET", path="/sync/watchlist", status=503, times=None, page=3)
    )
    start = trakt_clock.monotonic()
    received: list[Any] = []
    with pytest.raises(errors.IncompleteRead) as caught:
        received = account.session.paginate("/sync/watchlist", feature="watchlist")
    assert received == []
    assert isinstance(caught.value.__cause__, errors.ServerError)
    assert trakt_clock.monotonic() - start <= account.config.retry_total_seconds + 5
    assert fake_trakt.log_count(path="/sync/watchlist", status=503) > 3


def test_short_page_is_an_incomplete_read(fake_trakt: FakeTrakt, account: TraktAccount) -> None:
    """A page that holds fewer rows than the applied limit (not the last) fails the read."""
    generate_account(fake_trakt, "alice", watchlist=600, ratings=0, plays=0, movie_plays=0)
    fake_trakt.faults.add(
        Fault(method="GET", path="/sync/watchlist", kind="apply_then_status", status=200, page=1)
    )
    with pytest.raises(errors.IncompleteRead):
        account.session.paginate("/sync/watchlist", feature="watchlist")


def test_apply_then_drop_write_is_ambiguous_and_not_resent(
    fake_trakt: FakeTrakt, account: TraktAccount
) -> None:
    """A write whose connection drops after Trakt applied it raises AmbiguousWrite, sent once."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history", kind="apply_then_drop"))
    with pytest.raises(errors.AmbiguousWrite):
        account.session.post_json("/sync/history", MOVIE, feature="history")
    assert fake_trakt.log_count(method="POST", path="/sync/history") == 1
    assert len(fake_trakt.users["alice"].history) == 1


@pytest.mark.parametrize("status", [500, 503, 520])
def test_5xx_after_a_write_is_ambiguous(
    fake_trakt: FakeTrakt, account: TraktAccount, status: int
) -> None:
    """A 5xx answer to a write raises AmbiguousWrite with the status; it is not resent."""
    fake_trakt.faults.add(
        Fault(method="POST", path="/sync/watchlist", kind="apply_then_status", status=status)
    )
    with pytest.raises(errors.AmbiguousWrite) as caught:
        account.session.post_json("/sync/watchlist", MOVIE, feature="watchlist")
    assert caught.value.status == status
    assert fake_trakt.log_count(method="POST", path="/sync/watchlist") == 1


def test_read_timeout_on_a_write_is_ambiguous(
    fake_trakt: FakeTrakt, trakt_config: dict[str, Any], host_context: HostContext
) -> None:
    """A write that times out waiting for the answer raises AmbiguousWrite, sent once."""
    context = HostContext(
        config={**trakt_config, "timeout": 0.05},
        state_dir=host_context.state_dir,
        clock=host_context.clock,
    )
    account = AccountRegistry().account_for(context)
    fake_trakt.faults.add(Fault(method="POST", path="/sync/watchlist", kind="delay", seconds=0.3))
    with pytest.raises(errors.AmbiguousWrite):
        account.session.post_json("/sync/watchlist", MOVIE, feature="watchlist")
    assert len(fake_trakt.faults.fired) == 1


def test_429_on_a_write_is_resent_after_retry_after(
    fake_trakt: FakeTrakt, account: TraktAccount, trakt_clock: VirtualClock
) -> None:
    """A 429 write was not applied: it is resent after Retry-After and applied once."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history", status=429, retry_after=2))
    body = account.session.post_json("/sync/history", MOVIE, feature="history")
    assert body["added"]["movies"] == 1
    assert fake_trakt.log_count(method="POST", path="/sync/history") == 2
    assert len(fake_trakt.users["alice"].history) == 1
    assert max(trakt_clock.slept) >= 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_refused_connection_on_a_write_is_retried_not_ambiguous(tmp_path: Any) -> None:
    """A write that never connected is retried, then raises TransportError (not ambiguous)."""
    config = TraktConfig(
        client_id="x",
        access_token="a" * 16,
        base_url=f"http://127.0.0.1:{_free_port()}",
        retry_total_seconds=30,
    )
    account = TraktAccount.create(config, tmp_path, clock=VirtualClock())
    with pytest.raises(errors.TransportError) as caught:
        account.session.post_json("/sync/history", MOVIE, feature="history")
    assert not isinstance(caught.value, errors.AmbiguousWrite)


def test_420_carries_the_plan_facts(fake_trakt: FakeTrakt, account: TraktAccount) -> None:
    """A write over the plan limit raises AccountLimitExceeded with limit, VIP and upgrade URL."""
    fake_trakt.users["alice"].settings.watchlist_limit = 1
    account.session.post_json("/sync/watchlist", MOVIE, feature="watchlist")
    more = {"movies": [{"ids": {"tmdb": 604}}]}
    with pytest.raises(errors.AccountLimitExceeded) as caught:
        account.session.post_json("/sync/watchlist", more, feature="watchlist")
    assert (caught.value.limit, caught.value.vip) == (1, False)
    assert caught.value.upgrade_url == "https://trakt.tv/vip"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(path="/sync/watchlist", kind="lock"), errors.AccountLocked),
        (Fault(path="/sync/watchlist", status=426), errors.VipOnly),
        (Fault(path="/sync/watchlist", status=403, html=True), errors.Forbidden),
        (Fault(path="/sync/watchlist", status=403), errors.Forbidden),
    ],
)
def test_final_statuses_raise_typed_errors(
    fake_trakt: FakeTrakt, account: TraktAccount, fault: Fault, error: type[Exception]
) -> None:
    """423, 426 and 403 (JSON or Cloudflare HTML) are final: typed error, no retry, no parse."""
    fake_trakt.faults.add(fault)
    with pytest.raises(error) as caught:
        account.session.get_json("/sync/watchlist", feature="watchlist")
    assert "<" not in str(caught.value)
    assert fake_trakt.log_count(path="/sync/watchlist") == 1


def test_final_status_on_a_write(fake_trakt: FakeTrakt, account: TraktAccount) -> None:
    """A 423 on a write raises AccountLocked and is not resent."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/watchlist", kind="lock"))
    with pytest.raises(errors.AccountLocked):
        account.session.post_json("/sync/watchlist", MOVIE, feature="watchlist")
    assert fake_trakt.log_count(method="POST", path="/sync/watchlist") == 1


def test_html_body_is_never_parsed_as_json(fake_trakt: FakeTrakt, account: TraktAccount) -> None:
    """A 200 answer with an HTML page is refused as non-JSON instead of being parsed."""
    fake_trakt.faults.add(Fault(path="/sync/last_activities", status=200, html=True))
    with pytest.raises(errors.HttpError, match="non-JSON"):
        account.session.get_json("/sync/last_activities", feature="test")


def test_json_text_without_json_content_type_is_not_parsed(
    fake_trakt: FakeTrakt, account: TraktAccount
) -> None:
    """A body that looks like JSON but is not labelled JSON is not parsed either."""
    fake_trakt.faults.add(Fault(path="/sync/last_activities", status=200, body='{"all": 1}'))
    with pytest.raises(errors.HttpError, match="non-JSON"):
        account.session.get_json("/sync/last_activities", feature="test")


def test_get_sends_extra_headers_and_returns_the_raw_answer(account: TraktAccount) -> None:
    """get() sends extra headers (If-None-Match) and hands back the raw answer."""
    response = account.session.get(
        "/sync/last_activities", feature="test", headers={"If-None-Match": '"abc"'}
    )
    assert response.request.headers["If-None-Match"] == '"abc"'
    assert response.status_code == 200
    assert "watchlist" in response.json()


def test_paginate_converts_each_page_and_still_counts(
    fake_trakt: FakeTrakt, account: TraktAccount
) -> None:
    """paginate(convert=...) converts page by page; the count check is on the raw rows."""
    for i in range(600):
        movie = fake_trakt.catalog.add_movie(f"Paged {i}", 2000, {"tmdb": 700_000 + i})
        fake_trakt.watchlist_add("alice", movie)
    sizes: list[int] = []

    def convert(rows: list[Any]) -> list[Any]:
        sizes.append(len(rows))
        return [row["movie"]["ids"]["tmdb"] for row in rows]

    ids = account.session.paginate("/sync/watchlist", feature="watchlist", convert=convert)
    assert sizes == [250, 250, 100]
    assert sorted(ids) == list(range(700_000, 700_600))
