"""Fault injection: every kind, ``times``, ``page`` and regex paths."""

from __future__ import annotations

import re

import pytest
import requests

from crosswatch_trakt.testing import Fault

PLAY = {"movies": [{"ids": {"tmdb": 603}, "watched_at": "2024-01-01T00:00:00Z"}]}


def test_status_fault_fires_times_then_stops(api, fake_trakt):
    """A 503 fault with ``times=2`` answers twice, then the real answer comes back."""
    fake_trakt.faults.add(
        Fault(method="GET", path="/sync/watchlist", kind="status", status=503, times=2)
    )
    codes = [api.get("/sync/watchlist").status_code for _ in range(3)]
    assert codes == [503, 503, 200]


@pytest.mark.parametrize("status", [403, 429])
def test_html_cloudflare_answers_have_no_ratelimit_header(api, fake_trakt, status):
    """``html=True`` gives a Cloudflare HTML page without X-Ratelimit."""
    fake_trakt.faults.add(Fault(path="/sync/history", status=status, html=True, retry_after=None))
    r = api.get("/sync/history")
    assert r.status_code == status
    assert r.headers["Content-Type"].startswith("text/html")
    assert "cloudflare" in r.text.lower()
    assert "X-Ratelimit" not in r.headers
    assert "Retry-After" not in r.headers


def test_429_with_and_without_headers(api, fake_trakt):
    """A 429 fault sends Retry-After and X-Ratelimit unless told not to."""
    fake_trakt.faults.add(Fault(path="/sync/history", status=429, retry_after=7))
    fake_trakt.faults.add(
        Fault(path="/sync/history", status=429, retry_after=None, ratelimit_header=False)
    )
    first, second = api.get("/sync/history"), api.get("/sync/history")
    assert first.headers["Retry-After"] == "7"
    assert "AUTHED_API_GET_LIMIT" in first.headers["X-Ratelimit"]
    assert second.status_code == 429
    assert "Retry-After" not in second.headers
    assert "X-Ratelimit" not in second.headers


@pytest.mark.parametrize("status", [500, 502, 504, 520, 521, 522])
def test_transient_statuses(api, fake_trakt, status):
    """Any status can be scripted, including Cloudflare's 52x."""
    fake_trakt.faults.add(Fault(path="/sync/ratings", status=status))
    assert api.get("/sync/ratings").status_code == status


def test_delay_trips_the_client_timeout(api, fake_trakt):
    """A delay fault holds the answer past a tiny client timeout."""
    fake_trakt.faults.add(Fault(path="/sync/history", kind="delay", seconds=0.3))
    with pytest.raises(requests.Timeout):
        requests.get(api.url("/sync/history"), headers=api.headers(), timeout=0.05)


def test_drop_closes_the_connection_and_applies_nothing(api, fake_trakt, matrix):
    """A drop fault closes the connection without an answer; the write is not applied."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history", kind="drop"))
    with pytest.raises(requests.ConnectionError):
        api.post("/sync/history", PLAY)
    assert fake_trakt.users["alice"].history == {}
    assert fake_trakt.log_count(path="/sync/history", status=0) == 1


def test_apply_then_status_is_an_ambiguous_write(api, fake_trakt, matrix):
    """``apply_then_status`` applies the write, then answers 502: a retry duplicates the play."""
    fake_trakt.faults.add(
        Fault(method="POST", path="/sync/history", kind="apply_then_status", status=502)
    )
    assert api.post("/sync/history", PLAY).status_code == 502
    assert api.post("/sync/history", PLAY).status_code == 201
    assert len(fake_trakt.users["alice"].history) == 2


def test_apply_then_drop(api, fake_trakt, matrix):
    """``apply_then_drop`` applies the write and then drops the connection."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history", kind="apply_then_drop"))
    with pytest.raises(requests.ConnectionError):
        api.post("/sync/history", PLAY)
    assert len(fake_trakt.users["alice"].history) == 1


def test_page_fault_fails_only_that_page(api, fake_trakt):
    """``page=2`` fails page 2 of a walk and leaves page 1 alone."""
    fake_trakt.users["alice"].settings.watchlist_limit = None
    for i in range(5):
        fake_trakt.watchlist_add("alice", fake_trakt.catalog.add_movie(title=f"P{i}", year=1))
    fake_trakt.faults.add(Fault(path="/sync/watchlist", status=500, page=2, times=None))
    assert api.get("/sync/watchlist", page=1, limit=2).status_code == 200
    assert api.get("/sync/watchlist", page=2, limit=2).status_code == 500
    assert api.get("/sync/watchlist", page=3, limit=2).status_code == 200


def test_regex_path_and_unlimited_times(api, fake_trakt):
    """A compiled pattern matches paths with fullmatch; ``times=None`` never runs out."""
    fault = fake_trakt.faults.add(
        Fault(path=re.compile(r"/sync/(history|ratings).*"), status=504, times=None)
    )
    assert api.get("/sync/history/movies").status_code == 504
    assert api.get("/sync/ratings").status_code == 504
    assert api.get("/sync/watchlist").status_code == 200
    assert fake_trakt.faults.remaining(fault) is None


def test_lock_fault_and_locked_account(api, fake_trakt):
    """A lock fault answers 423 with X-Account-Locked; ``lock_account`` locks for good."""
    fake_trakt.faults.add(Fault(path="/sync/history", kind="lock"))
    r = api.get("/sync/history")
    assert r.status_code == 423
    assert r.headers["X-Account-Locked"] == "true"
    assert api.get("/sync/history").status_code == 200
    fake_trakt.lock_account("alice")
    assert api.get("/sync/watchlist").status_code == 423


@pytest.mark.parametrize("kind", ["expire_token", "revoke_token"])
def test_token_faults(api, fake_trakt, kind):
    """Token faults expire or revoke the caller's token before handling: 401 from then on."""
    fake_trakt.faults.add(Fault(path="/sync/history", kind=kind))
    assert api.get("/sync/history").status_code == 401
    assert api.get("/sync/watchlist").status_code == 401


def test_unknown_kind_is_rejected():
    """Constructing a fault with an unknown kind fails at once."""
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault(kind="explode")  # type: ignore[arg-type]
