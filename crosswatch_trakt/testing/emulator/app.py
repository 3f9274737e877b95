"""The emulator's WSGI application: header checks, auth, rate limits, faults, routing, log."""

from __future__ import annotations

import contextlib
import json
import math
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from crosswatch_trakt.testing.emulator.body_lookup import BadBody
from crosswatch_trakt.testing.emulator.faults import Fault, body_entries
from crosswatch_trakt.testing.emulator.hostile import bend
from crosswatch_trakt.testing.emulator.ratelimit import GET_LIMIT, POST_LIMIT
from crosswatch_trakt.testing.emulator.responses import (
    PagingQuirks,
    empty,
    html,
    json_response,
    requested_page,
)
from crosswatch_trakt.testing.emulator.timefmt import format_ts_seconds

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from crosswatch_trakt.testing.emulator.store import UserState
    from crosswatch_trakt.testing.emulator.world import TraktWorld

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
INVALID_TOKEN = {
    "error": "invalid_token",
    "error_description": "The access token is invalid",
}


@attrs.frozen
class Call:
    """One request as a handler sees it (handlers run under the emulator's lock)."""

    fake: TraktWorld
    request: Request
    args: Mapping[str, Any]
    now: float
    user_state: UserState | None = None

    @property
    def user(self) -> UserState:
        """Return the authenticated user (authed routes only)."""
        assert self.user_state is not None, "route is not authenticated"
        return self.user_state

    @property
    def query(self) -> Mapping[str, str]:
        """Return the query parameters."""
        return self.request.args

    @property
    def paging(self) -> PagingQuirks | None:
        """Return the emulator's pagination quirks when they apply to this request."""
        quirks = self.fake.paging
        return quirks if quirks.applies(self.request.path) else None

    def body(self) -> Any:
        """Return the JSON (or, for OAuth, form) body; ``BadBody`` when it is not valid."""
        if self.request.mimetype == "application/x-www-form-urlencoded":
            return dict(self.request.form)
        try:
            return json.loads(self.request.get_data(as_text=True) or "null")
        except ValueError as exc:
            raise BadBody("the body is not JSON") from exc


Handler = Callable[[Call], Response]


@attrs.frozen
class Route:
    """A URL rule, its methods, its handler and whether it needs a bearer token."""

    rule: str
    methods: tuple[str, ...]
    handler: Handler
    authed: bool = True


class DroppedConnection(ConnectionAbortedError):
    """Raised to make the werkzeug server abandon the connection without an answer."""


def _drop(environ: WSGIEnvironment) -> None:
    sock = environ.get("werkzeug.socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # the client may have gone already
            sock.shutdown(socket.SHUT_RDWR)
    raise DroppedConnection("fault: connection dropped")


def fault_response(fault: Fault, method: str, now: float) -> Response:
    """Return the scripted answer of a ``status``, ``apply_then_status`` or ``lock`` fault."""
    if fault.kind == "lock":
        return empty(423, {"X-Account-Locked": "true", "X-Account-Deactivated": "false"})
    headers: dict[str, str] = {}
    if fault.status == 429 and fault.retry_after is not None:
        headers["Retry-After"] = str(int(fault.retry_after))
    if fault.status == 429 and fault.ratelimit_header and not fault.html:
        wait = fault.retry_after if fault.retry_after is not None else 1
        name, period, limit = (GET_LIMIT, 300, 500) if method == "GET" else (POST_LIMIT, 1, 1)
        headers["X-Ratelimit"] = json.dumps(
            {
                "name": name,
                "period": period,
                "limit": limit,
                "remaining": 0,
                "until": format_ts_seconds(now + wait),
            },
            separators=(",", ":"),
        )
    if fault.html:
        return html(fault.status, headers)
    if fault.body is not None:
        return Response(fault.body, status=fault.status, headers=headers)
    return empty(fault.status, headers)


@attrs.define
class TraktApp:
    """The WSGI callable serving both the API and OAuth on one host."""

    fake: TraktWorld
    routes: list[Route]
    _map: Map = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self._map = Map(
            [Rule(r.rule, endpoint=i, methods=list(r.methods)) for i, r in enumerate(self.routes)]
        )

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request (the WSGI entry point)."""
        request = Request(environ)
        fake = self.fake
        now = fake.clock.time()
        entries = body_entries(request.get_data()) if request.method in WRITE_METHODS else 0
        page = requested_page(request.args)
        fault = fake.faults.take(request.method, request.path, page, entries)
        user: list[str] = []
        response: Response | None = None
        if fault is not None:
            if fault.kind == "delay":
                # real time on purpose: the client must time out
                time.sleep(fault.seconds + fault.per_entry * entries)
            elif fault.kind == "drop":
                fake.record(request, 0, now, None)
                _drop(environ)
            elif fault.kind in ("status", "lock"):
                response = fault_response(fault, request.method, now)
            elif fault.kind in ("expire_token", "revoke_token"):
                fake.fault_token(_bearer(request), revoke=fault.kind == "revoke_token")
        if response is None:
            with fake.lock:
                response = self.dispatch(request, now, user, entries)
            if entries and response.status_code < 300 and fake.write_seconds_per_entry:
                fake.clock.sleep(entries * fake.write_seconds_per_entry)  # applying takes time
            if fault is not None and fault.kind == "apply_then_status":
                response = fault_response(fault, request.method, now)
            elif fault is not None and fault.kind == "apply_then_drop":
                fake.record(request, 0, now, user[0] if user else None)
                _drop(environ)
            elif fault is not None and fault.kind == "hostile":
                response = bend(response, fault.hostile, fault.size)
        size = response.content_length or 0
        fake.record(request, response.status_code, now, user[0] if user else None, size)
        answer: Iterable[bytes] = response(environ, start_response)
        return answer

    def dispatch(self, request: Request, now: float, user: list[str], entries: int = 0) -> Response:
        """Run the checks Trakt and Cloudflare make, then the handler.

        ``entries``: a write body's entries; over ``write_entry_cap`` it is refused (502,
        nothing applied) once the rate limit has counted it.
        """
        fake = self.fake
        if now < fake.blocked_until:  # the edge's cool-down holds every request
            return html(429, {"Retry-After": str(math.ceil(fake.blocked_until - now))})
        if not request.headers.get("User-Agent"):
            return html(403)
        is_oauth = request.path.startswith("/oauth/")
        if not is_oauth and request.headers.get("trakt-api-key") != fake.client_id:
            return empty(403)
        if request.method in WRITE_METHODS:
            allowed = {"application/json"}
            if is_oauth:
                allowed.add("application/x-www-form-urlencoded")
            if request.mimetype not in allowed:
                return empty(412)
        try:
            index, args = self._map.bind("localhost").match(request.path, method=request.method)
        except NotFound:
            return empty(404)
        except MethodNotAllowed:
            return empty(405)
        route: Route = self.routes[int(index)]
        state: UserState | None = None
        headers: dict[str, str] = {}
        if route.authed:
            token = fake.tokens.by_access.get(_bearer(request) or "")
            if token is None or not token.valid(now):
                return json_response(INVALID_TOKEN, 401, {"WWW-Authenticate": _challenge()})
            state = fake.users[token.username]
            user.append(state.username)
            if state.locked:
                return empty(423, {"X-Account-Locked": "true", "X-Account-Deactivated": "false"})
            if fake.rate_limits:
                verdict = fake.limiter.take(state.username, request.method, now)
                if fake.edge_rate_limits and not verdict.allowed:
                    fake.blocked_until = now + fake.edge_block_seconds
                    return html(429, {"Retry-After": str(math.ceil(fake.edge_block_seconds))})
                if not fake.edge_rate_limits:
                    headers["X-Ratelimit"] = verdict.header()
                if not verdict.allowed:
                    headers["Retry-After"] = str(verdict.retry_after())
                    return json_response({"error": "rate_limited"}, 429, headers)
        cap = fake.write_entry_cap
        if cap is not None and entries > cap:
            return empty(502, headers)
        call = Call(fake, request, args, now, state)
        try:
            response = route.handler(call)
        except BadBody as exc:
            response = json_response({"error": "bad_request", "error_description": str(exc)}, 400)
        response.headers.update(headers)
        return response


def _bearer(request: Request) -> str | None:
    value = request.headers.get("Authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _challenge() -> str:
    return 'Bearer realm="trakt", error="invalid_token"'
