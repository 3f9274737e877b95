"""OAuth on the API host: device flow states, single-use refresh tokens, revoke."""

from __future__ import annotations

import pytest
import requests

SECRET = {"client_id": "test-client-id", "client_secret": "test-client-secret"}


def _post(fake, path, body):
    return requests.post(fake.base_url + path, json=body, headers=fake.headers(), timeout=5)


@pytest.fixture
def device(fake_trakt):
    """Start a device login and return the device-code response."""
    r = _post(fake_trakt, "/oauth/device/code", {"client_id": "test-client-id"})
    assert r.status_code == 200
    return r.json()


def _poll(fake, device):
    return _post(fake, "/oauth/device/token", {"code": device["device_code"], **SECRET})


def test_device_code_shape(device):
    """The device-code response has the five documented fields."""
    assert set(device) == {"device_code", "user_code", "verification_url", "expires_in", "interval"}
    assert device["interval"] == 5


def test_pending_then_approved_then_used(fake_trakt, trakt_clock, device):
    """Polling answers 400 until approved, then 200 with tokens, then 409."""
    assert _poll(fake_trakt, device).status_code == 400
    fake_trakt.approve_device(device["user_code"], "alice")
    trakt_clock.advance(device["interval"])
    r = _poll(fake_trakt, device)
    assert r.status_code == 200
    tokens = r.json()
    assert tokens["created_at"] == int(trakt_clock.time())
    headers = fake_trakt.headers(tokens["access_token"])
    me = requests.get(fake_trakt.base_url + "/users/settings", headers=headers, timeout=5)
    assert me.json()["user"]["username"] == "alice"
    trakt_clock.advance(device["interval"])
    assert _poll(fake_trakt, device).status_code == 409


def test_polling_too_fast_is_429(fake_trakt, trakt_clock, device):
    """A poll sooner than ``interval`` after the last one gets 429 (slow down)."""
    assert _poll(fake_trakt, device).status_code == 400
    trakt_clock.advance(device["interval"] - 1)
    assert _poll(fake_trakt, device).status_code == 429
    trakt_clock.advance(device["interval"])
    assert _poll(fake_trakt, device).status_code == 400


def test_bad_code_expired_and_denied(fake_trakt, trakt_clock, device):
    """Unknown codes get 404, denied logins 418, and expired codes 410."""
    assert _poll(fake_trakt, {"device_code": "nope"}).status_code == 404
    fake_trakt.deny_device(device["user_code"])
    assert _poll(fake_trakt, device).status_code == 418
    trakt_clock.advance(device["expires_in"])
    assert _poll(fake_trakt, device).status_code == 410


def test_wrong_client_secret_is_401(fake_trakt, device):
    """Polling with a wrong client secret is refused."""
    body = {"code": device["device_code"], "client_id": "test-client-id", "client_secret": "x"}
    assert _post(fake_trakt, "/oauth/device/token", body).status_code == 401


def test_refresh_tokens_are_single_use(fake_trakt, trakt_tokens):
    """A refresh returns a new pair and voids the old refresh and access tokens."""
    body = {
        "refresh_token": trakt_tokens["refresh_token"],
        "grant_type": "refresh_token",
        "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        **SECRET,
    }
    r = _post(fake_trakt, "/oauth/token", body)
    assert r.status_code == 200
    new = r.json()
    assert new["refresh_token"] != trakt_tokens["refresh_token"]
    again = _post(fake_trakt, "/oauth/token", body)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    old = fake_trakt.headers(trakt_tokens["access_token"])
    assert (
        requests.get(fake_trakt.base_url + "/sync/history", headers=old, timeout=5).status_code
        == 401
    )
    fresh = fake_trakt.headers(new["access_token"])
    assert (
        requests.get(fake_trakt.base_url + "/sync/history", headers=fresh, timeout=5).status_code
        == 200
    )


def test_refresh_works_after_expiry(fake_trakt, trakt_clock, trakt_tokens):
    """An expired access token can still be refreshed with its refresh token."""
    trakt_clock.advance(trakt_tokens["expires_in"] + 1)
    body = {"refresh_token": trakt_tokens["refresh_token"], "grant_type": "refresh_token", **SECRET}
    r = _post(fake_trakt, "/oauth/token", body)
    assert r.status_code == 200
    assert r.json()["created_at"] == int(trakt_clock.time())


def test_revoke(fake_trakt, trakt_tokens):
    """Revoking answers 200 {} and the token stops working."""
    r = _post(fake_trakt, "/oauth/revoke", {"token": trakt_tokens["access_token"], **SECRET})
    assert (r.status_code, r.json()) == (200, {})
    headers = fake_trakt.headers(trakt_tokens["access_token"])
    assert (
        requests.get(fake_trakt.base_url + "/sync/history", headers=headers, timeout=5).status_code
        == 401
    )
