"""Rate limits per user on the virtual clock: 1 write per second, a GET budget per window."""

from __future__ import annotations

import json

import pytest

from crosswatch_trakt.testing import FakeTrakt, VirtualClock

from .client import Api


@pytest.fixture
def tight():
    """Serve an emulator with a GET budget of 3 per 300 s and two users."""
    clock = VirtualClock()
    fake = FakeTrakt(clock=clock, get_limit=3, get_period=300)
    fake.add_user("alice")
    fake.add_user("bob")
    with fake.serve():
        yield fake, clock


def test_second_write_in_the_same_second_is_429(api, matrix):
    """Two writes within one second: the second gets 429 with Retry-After and X-Ratelimit."""
    body = {"movies": [{"ids": {"tmdb": 603}}]}
    assert api.post("/sync/watchlist", body, pace=False).status_code == 201
    r = api.post("/sync/watchlist/remove", body, pace=False)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    limit = json.loads(r.headers["X-Ratelimit"])
    assert limit["name"] == "AUTHED_API_POST_LIMIT"
    assert (limit["period"], limit["limit"], limit["remaining"]) == (1, 1, 0)
    assert limit["until"].endswith("Z")
    assert len(api.fake.users["alice"].watchlist) == 1
    api.clock.advance(1)
    assert api.post("/sync/watchlist/remove", body).status_code == 200


def test_get_budget_per_window(tight):
    """The GET budget runs out inside the window and refills when the window ends."""
    fake, clock = tight
    alice = Api(fake, clock, fake.issue_tokens("alice")["access_token"])
    bob = Api(fake, clock, fake.issue_tokens("bob")["access_token"])
    remaining = [
        json.loads(alice.get("/sync/history").headers["X-Ratelimit"])["remaining"] for _ in range(3)
    ]
    assert remaining == [2, 1, 0]
    r = alice.get("/sync/history")
    assert r.status_code == 429
    assert json.loads(r.headers["X-Ratelimit"])["name"] == "AUTHED_API_GET_LIMIT"
    assert int(r.headers["Retry-After"]) == 300
    assert bob.get("/sync/history").status_code == 200  # per user
    clock.advance(300)
    assert alice.get("/sync/history").status_code == 200


def test_ratelimit_header_on_ordinary_answers(api):
    """Authed answers carry X-Ratelimit with what remains."""
    r = api.get("/sync/last_activities")
    assert r.status_code == 200
    assert json.loads(r.headers["X-Ratelimit"])["remaining"] == 499


def test_rate_limits_can_be_switched_off(matrix):
    """With ``rate_limits=False`` back-to-back writes all succeed."""
    clock = VirtualClock()
    fake = FakeTrakt(clock=clock, rate_limits=False)
    fake.add_user("alice")
    fake.catalog.add_movie(title="The Matrix", year=1999, ids={"tmdb": 603})
    with fake.serve():
        api = Api(fake, clock, fake.issue_tokens("alice")["access_token"])
        body = {"movies": [{"ids": {"tmdb": 603}}]}
        statuses = [api.post("/sync/history", body, pace=False).status_code for _ in range(3)]
    assert statuses == [201, 201, 201]
