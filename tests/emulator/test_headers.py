"""Transport rules: required headers, content type and bearer tokens."""

from __future__ import annotations

import requests

from crosswatch_trakt.testing import FakeTrakt, VirtualClock


def test_missing_api_key_is_403_without_json(api):
    """A request without ``trakt-api-key`` gets 403 and no JSON body."""
    headers = api.headers()
    del headers["trakt-api-key"]
    r = requests.get(api.url("/sync/watchlist"), headers=headers, timeout=5)
    assert r.status_code == 403
    assert "json" not in r.headers["Content-Type"]
    assert r.text == ""


def test_wrong_api_key_is_403(api):
    """A request with an unknown client id as ``trakt-api-key`` gets 403."""
    headers = api.headers(**{"trakt-api-key": "nope"})
    r = requests.get(api.url("/sync/watchlist"), headers=headers, timeout=5)
    assert r.status_code == 403


def test_missing_user_agent_is_403_html(api):
    """Without a User-Agent Cloudflare answers 403 with an HTML page."""
    headers = api.headers(**{"User-Agent": ""})
    r = requests.get(api.url("/sync/watchlist"), headers=headers, timeout=5)
    assert r.status_code == 403
    assert r.headers["Content-Type"].startswith("text/html")
    assert "<html" in r.text


def test_post_with_wrong_content_type_is_412(api, matrix):
    """A POST whose Content-Type is not application/json gets 412 and changes nothing."""
    headers = api.headers(**{"Content-Type": "text/plain"})
    body = '{"movies": [{"ids": {"tmdb": 603}}]}'
    r = requests.post(api.url("/sync/watchlist"), headers=headers, data=body, timeout=5)
    assert r.status_code == 412
    assert api.fake.users["alice"].watchlist == {}


def test_missing_bearer_token_is_401(api):
    """A sync call without Authorization gets 401."""
    api.token = None
    assert api.get("/sync/watchlist").status_code == 401


def test_unknown_bearer_token_is_401(api):
    """A sync call with a token the server never issued gets 401."""
    api.token = "not-a-token"
    r = api.get("/users/settings")
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_token"


def test_token_expires_by_the_clock(api, trakt_clock):
    """An access token stops working once the virtual clock passes its lifetime."""
    assert api.get("/sync/last_activities").status_code == 200
    trakt_clock.advance(7 * 86400)
    assert api.get("/sync/last_activities").status_code == 401


def test_expire_and_revoke_tokens_helpers(api, fake_trakt):
    """``expire_tokens`` and ``revoke_tokens`` make the current token answer 401."""
    fake_trakt.expire_tokens("alice")
    assert api.get("/sync/history").status_code == 401
    api.token = fake_trakt.issue_tokens("alice")["access_token"]
    assert api.get("/sync/history").status_code == 200
    fake_trakt.revoke_tokens("alice")
    assert api.get("/sync/history").status_code == 401


def test_unknown_path_is_404(api):
    """An endpoint the emulator does not have answers 404."""
    assert api.get("/sync/nothing-here").status_code == 404


def test_configurable_token_lifetime_and_created_at():
    """``token_lifetime`` sets ``expires_in`` and ``created_at`` comes from the clock."""
    clock = VirtualClock(start=1_800_000_000.5)
    fake = FakeTrakt(clock=clock, token_lifetime=86400)
    fake.add_user("alice")
    tokens = fake.issue_tokens("alice")
    assert tokens["expires_in"] == 86400
    assert tokens["created_at"] == 1_800_000_000
    assert tokens["token_type"] == "bearer"
    assert set(tokens) == {
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "scope",
        "created_at",
    }
