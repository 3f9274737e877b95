"""OAuth endpoints on the same host: device flow, refresh with rotation, revoke."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.wrappers import Response

from crosswatch_trakt.testing.emulator.app import Call, Route
from crosswatch_trakt.testing.emulator.responses import empty, json_response

INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": (
        "The provided authorization grant is invalid, expired, revoked, does not match the "
        "redirection URI used in the authorization request, or was issued to another client."
    ),
}
INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": "Client authentication failed due to unknown client.",
}


ACTIVATE_PATH = "/oauth/activate"
ACTIVATE_PAGE = (
    "This is the crosswatch-trakt Trakt emulator, not trakt.tv.\n"
    "Its device logins are approved at once for its user, unless it runs with "
    "--no-auto-approve; then a test approves them with FakeTrakt.approve_device(code, user).\n"
)


def activate(call: Call) -> Response:
    """``GET /oauth/activate``: the emulator's stand-in for trakt.tv/activate (plain text)."""
    return Response(ACTIVATE_PAGE, status=200, content_type="text/plain; charset=utf-8")


def _body(call: Call) -> Mapping[str, Any]:
    body = call.body()
    return body if isinstance(body, Mapping) else {}


def _client_ok(call: Call, body: Mapping[str, Any], *, secret: bool) -> bool:
    if body.get("client_id") != call.fake.client_id:
        return False
    return not secret or body.get("client_secret") == call.fake.client_secret


def device_code(call: Call) -> Response:
    """``POST /oauth/device/code {client_id}``: a new pending device login."""
    body = _body(call)
    if not _client_ok(call, body, secret=False):
        return json_response(INVALID_CLIENT, 401)
    fake = call.fake
    device = fake.tokens.new_device(call.now, fake.device_expires_in, fake.device_interval)
    if fake.auto_approve is not None and fake.auto_approve in fake.users:
        device.status, device.username = "approved", fake.auto_approve
    return json_response(
        {
            "device_code": device.device_code,
            "user_code": device.user_code,
            # the emulator's own page, never trakt.tv's: a code of the emulator means
            # nothing there
            "verification_url": call.request.host_url + ACTIVATE_PATH.lstrip("/"),
            "expires_in": device.expires_in,
            "interval": device.interval,
        }
    )


def device_token(call: Call) -> Response:
    """``POST /oauth/device/token``: 200, 400 pending, 404, 409, 410, 418 or 429."""
    body = _body(call)
    if not _client_ok(call, body, secret=True):
        return json_response(INVALID_CLIENT, 401)
    device = call.fake.tokens.devices.get(str(body.get("code", "")))
    if device is None:
        return empty(404)
    if device.status == "used":
        return empty(409)
    if device.expired(call.now):
        return empty(410)
    if device.status == "denied":
        return empty(418)
    last, device.last_poll = device.last_poll, call.now
    if last is not None and call.now - last < device.interval:
        return empty(429)
    if device.status == "approved" and device.username is not None:
        device.status = "used"
        token = call.fake.tokens.issue(device.username, call.now, call.fake.token_lifetime)
        return json_response(token.response())
    return empty(400)


def token(call: Call) -> Response:
    """``POST /oauth/token``: ``refresh_token`` (old pair void) or ``authorization_code``."""
    body = _body(call)
    if not _client_ok(call, body, secret=True):
        return json_response(INVALID_CLIENT, 401)
    grant = body.get("grant_type")
    if grant == "authorization_code":
        return _code_grant(call, body)
    if grant != "refresh_token":
        return json_response({"error": "unsupported_grant_type"}, 400)
    store = call.fake.tokens
    old = store.by_refresh.get(str(body.get("refresh_token", "")))
    if old is None or old.revoked:
        return json_response(INVALID_GRANT, 400)
    store.revoke(old)
    new = store.issue(old.username, call.now, call.fake.token_lifetime)
    return json_response(new.response())


def _code_grant(call: Call, body: Mapping[str, Any]) -> Response:
    """Exchange a single-use authorization code (same ``redirect_uri``) for a token pair."""
    store = call.fake.tokens
    code = store.codes.get(str(body.get("code", "")))
    if code is None or not code.usable(call.now, body.get("redirect_uri")):
        return json_response(INVALID_GRANT, 400)
    code.used = True
    return json_response(store.issue(code.username, call.now, call.fake.token_lifetime).response())


def revoke(call: Call) -> Response:
    """``POST /oauth/revoke {token, client_id, client_secret}``: 200 ``{}`` (even if unknown)."""
    body = _body(call)
    if not _client_ok(call, body, secret=True):
        return json_response(INVALID_CLIENT, 401)
    store = call.fake.tokens
    found = store.by_access.get(str(body.get("token", "")))
    if found is not None:
        store.revoke(found)
    return json_response({})


ROUTES = [
    Route("/oauth/device/code", ("POST",), device_code, authed=False),
    Route(ACTIVATE_PATH, ("GET",), activate, authed=False),
    Route("/oauth/device/token", ("POST",), device_token, authed=False),
    Route("/oauth/token", ("POST",), token, authed=False),
    Route("/oauth/revoke", ("POST",), revoke, authed=False),
]
