"""The token store: which token pair is current, refresh with rotation, one at a time.

Precedence: of the pair in the host config and the pair in ``trakt_tokens.json`` the newest
wins. A pair whose refresh token the state folder records as spent (rotated away: every pair
the adapter issues keeps digests of the refresh tokens it replaced) is never chosen. Of the
rest, a host pair without ``token_created_at`` that differs from the stored pair is a login
the host made after the adapter last rotated (the adapter never issued it), so it wins;
otherwise the later ``created_at`` wins. ``expires_at`` alone decides nothing: a host may
write any expiry.
A refresh holds a thread lock and the ``trakt_tokens.json.refresh`` file lock (across
processes sharing ``state_dir``), re-reads the file first (another process may have rotated
already), and writes the new pair to the file and to ``save_config`` before it is used.

A refresh spends the old refresh token, so losing the new pair loses the login. Before
spending it, the state folder must take a write (``StateStore.check_writable``). Should the
file still fail after the refresh (the disk filled meanwhile), the new pair is kept in memory
and used, handed to ``save_config``, the file is tried again on the next refresh check, and a
``StateError`` says so.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, TypeGuard

import attrs
import requests

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.errors import AuthError, AuthorizationRequired, StateError, TransportError
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.support.log import get_logger
from crosswatch_trakt.support.state import StateStore
from crosswatch_trakt.trakt.answers import is_json
from crosswatch_trakt.trakt.pipeline import Pipeline
from crosswatch_trakt.trakt.retry import Kind

__all__ = ["TOKENS_FILE", "TokenManager", "TokenSet", "newest"]

TOKENS_FILE = "trakt_tokens.json"
REFRESH_LOCK = TOKENS_FILE + ".refresh"
#: how long a failed ahead-of-expiry refresh is not tried again while the token still works
FAILED_REFRESH_PAUSE = 300.0

#: how many spent refresh tokens a pair remembers (as digests) to tell a stale host pair
KEEP_SPENT = 20

SaveConfig = Callable[[Mapping[str, Any]], None]


@attrs.define
class TokenSet:
    """One OAuth token pair as Trakt issued it; stored as ``trakt_tokens.json``.

    ``expires_at`` is ``created_at + expires_in`` from Trakt's answer (never a fixed
    lifetime); a pair from a host config without ``token_created_at`` knows only its expiry.
    """

    SCHEMA: ClassVar[int] = 1

    access_token: str = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(repr=False)
    created_at: float | None
    expires_at: float | None
    token_type: str = "bearer"
    scope: str = "public"
    #: digests of the refresh tokens this pair (and its predecessors) replaced, newest first
    replaced: tuple[str, ...] = ()

    def due(self, now: float, margin: float) -> bool:
        """Return whether the pair should be refreshed at ``now`` (within ``margin`` of expiry)."""
        return self.expires_at is not None and now >= self.expires_at - margin

    def config_values(self) -> dict[str, Any]:
        """Return the host config keys that carry this pair (for ``save_config``)."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
            "token_created_at": self.created_at,
        }

    @classmethod
    def from_response(cls, body: Any, now: float) -> TokenSet:
        """Build a pair from Trakt's token response (``created_at`` defaults to ``now``)."""
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise AuthError("Trakt's token answer had no access token.")
        created = body.get("created_at")
        created_at = float(created) if _is_number(created) else now
        lifetime = body.get("expires_in")
        return cls(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token") or None,
            created_at=created_at,
            expires_at=created_at + float(lifetime) if _is_number(lifetime) else None,
            token_type=str(body.get("token_type") or "bearer"),
            scope=str(body.get("scope") or "public"),
        )

    @classmethod
    def from_config(cls, config: TraktConfig) -> TokenSet | None:
        """Return the pair the host config carries, or ``None``."""
        if not config.access_token:
            return None
        return cls(
            access_token=config.access_token,
            refresh_token=config.refresh_token or None,
            created_at=config.token_created_at,
            expires_at=config.expires_at,
        )


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def spent_digest(refresh_token: str) -> str:
    """Return the digest a rotation records for a spent refresh token (never the token)."""
    return hashlib.sha256(refresh_token.encode("utf-8")).hexdigest()


def newest(candidates: list[TokenSet]) -> TokenSet | None:
    """Return the newest pair of ``candidates`` (the token file first, then the host config).

    Pairs whose refresh token another candidate records as replaced are out. A pair without
    ``created_at`` (a host login) that differs from every dated pair wins; otherwise the
    latest ``created_at`` does. On a tie the earlier candidate wins.
    """
    spent = {digest for pair in candidates for digest in pair.replaced}
    live = [
        pair
        for pair in candidates
        if not (pair.refresh_token and spent_digest(pair.refresh_token) in spent)
    ] or candidates
    if not live:
        return None
    dated = [pair for pair in live if pair.created_at is not None]
    known = {pair.access_token for pair in dated}
    for pair in live:
        if pair.created_at is None and pair.access_token not in known:
            return pair
    if not dated:
        return live[0]
    return max(dated, key=lambda p: p.created_at or 0.0)


@attrs.define
class TokenManager:
    """The account's current token pair, refreshed ahead of expiry and after a 401."""

    config: TraktConfig
    clock: Clock = attrs.field(repr=False)
    store: StateStore = attrs.field(repr=False)
    #: the request pipeline the refresh is sent through (built before the session)
    pipeline: Pipeline = attrs.field(repr=False)
    save_config: SaveConfig | None = attrs.field(default=None, repr=False)
    _current: TokenSet | None = attrs.field(init=False, default=None, repr=False)
    _loaded: bool = attrs.field(init=False, default=False)
    _lock: threading.RLock = attrs.field(init=False, factory=threading.RLock, repr=False)
    _retry_refresh_at: float = attrs.field(init=False, default=float("-inf"))
    #: a pair Trakt issued that the token file could not take yet (kept, used, retried)
    _unsaved: TokenSet | None = attrs.field(init=False, default=None, repr=False)
    refreshes: int = attrs.field(init=False, default=0)

    def current(self) -> TokenSet | None:
        """Return the pair in use (config or file, whichever was created last)."""
        with self._lock:
            if not self._loaded:
                self._current = self._newest(self.store.load(TOKENS_FILE, TokenSet))
                self._loaded = True
            if self._unsaved is not None:
                self._retry_unsaved()
            return self._current

    def secrets(self) -> list[str | None]:
        """Return the secret values that must never be logged (client secret and tokens)."""
        config = self.config
        found = [config.client_secret, config.access_token, config.refresh_token]
        for pair in (self._current, self._unsaved):
            if pair is not None:
                found += [pair.access_token, pair.refresh_token]
        return found

    def log(self, feature: str) -> Any:
        """Return a logger for ``feature`` that redacts these secrets."""
        return get_logger(feature, self.secrets)

    def access_token(self) -> str:
        """Return a usable access token, refreshing first when it is due."""
        pair = self.current()
        if pair is None:
            raise AuthorizationRequired("Not logged in to Trakt: run the device login first.")
        now = self.clock.time()
        if not pair.due(now, self.config.refresh_margin_seconds):
            return pair.access_token
        expired = pair.expires_at is not None and now >= pair.expires_at
        if not expired and now < self._retry_refresh_at:
            return pair.access_token
        try:
            return self.refresh(pair.access_token).access_token
        except (TransportError, AuthError) as exc:
            if expired or isinstance(exc, AuthorizationRequired):
                raise
            self._retry_refresh_at = now + FAILED_REFRESH_PAUSE
            self._log().warning("auth.refresh_deferred", error=type(exc).__name__)
            return pair.access_token

    def after_unauthorized(self, rejected: str) -> str:
        """Return a new access token after Trakt refused ``rejected`` (one refresh at most)."""
        return self.refresh(rejected).access_token

    def refresh(self, stale: str | None = None) -> TokenSet:
        """Rotate the pair and return the new one.

        With ``stale`` (the token found due or refused), a pair another thread or process
        already rotated is used instead of refreshing again. Without it, always refresh.
        """
        with self._exclusive():
            self._retry_unsaved()
            pair = self._newest(self.store.load(TOKENS_FILE, TokenSet))
            self._current = pair
            now = self.clock.time()
            usable = pair is not None and stale is not None and pair.access_token != stale
            if (
                usable
                and pair is not None
                and not pair.due(now, self.config.refresh_margin_seconds)
            ):
                self._log().info("auth.refresh_skipped", reason="already_rotated")
                return pair
            if pair is None or not pair.refresh_token:
                raise AuthorizationRequired(
                    "The Trakt login cannot be renewed (no refresh token): log in again."
                )
            self.store.check_writable()  # never spend the refresh token into a full disk
            new = self._request_refresh(pair.refresh_token)
            spent = (spent_digest(pair.refresh_token), *pair.replaced)[:KEEP_SPENT]
            new = attrs.evolve(new, replaced=spent)
            self._adopt_locked(new)
            self.refreshes += 1
            self._log().info("auth.refreshed", expires_at=new.expires_at)
            return new

    def adopt(self, pair: TokenSet) -> None:
        """Store a new pair (from a device login): file first, then ``save_config``."""
        with self._exclusive():
            self._adopt_locked(pair)

    def forget(self) -> None:
        """Drop the stored pair (logout): delete the file and clear the host config."""
        with self._exclusive():
            self.store.delete(TOKENS_FILE)
            self.config = attrs.evolve(
                self.config,
                access_token=None,
                refresh_token=None,
                expires_at=None,
                token_created_at=None,
            )
            self._current = None
            if self.save_config is not None:
                self.save_config(
                    {
                        "access_token": None,
                        "refresh_token": None,
                        "expires_at": None,
                        "token_created_at": None,
                    }
                )

    def offer_config(self, config: TraktConfig) -> None:
        """Take a newer host config (the host may have logged in again); precedence decides."""
        with self._lock:
            self.config = config
            if self._loaded:
                self._current = self._newest(self._current)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self._lock, self.store.lock(REFRESH_LOCK):
            yield

    def _newest(self, from_file: TokenSet | None) -> TokenSet | None:
        found = (from_file, TokenSet.from_config(self.config), self._unsaved)
        return newest([p for p in found if p])

    def _adopt_locked(self, pair: TokenSet) -> None:
        self._current, self._loaded = pair, True
        self._retry_refresh_at = float("-inf")
        try:
            self.store.save(TOKENS_FILE, pair)
        except StateError as first:
            self._unsaved = pair  # never lose a pair Trakt issued: keep and use it
            if self.save_config is not None:
                self.save_config(pair.config_values())
            if self._retry_unsaved():
                return
            self._log().error("auth.tokens_unsaved", error=str(first))
            raise StateError(
                f"{first}. The new Trakt login is kept in memory and was handed to the host's "
                "config; it is written to the token file on the next try once the folder "
                "takes writes again, so no new login is needed."
            ) from None
        self._unsaved = None
        if self.save_config is not None:
            self.save_config(pair.config_values())

    def _retry_unsaved(self) -> bool:
        """Write a kept pair to the token file again; return whether it is saved now."""
        pair = self._unsaved
        if pair is None:
            return True
        try:
            self.store.save(TOKENS_FILE, pair)
        except StateError:
            return False
        self._unsaved = None
        self._log().info("auth.tokens_saved_late")
        return True

    def _request_refresh(self, refresh_token: str) -> TokenSet:
        body = {
            "refresh_token": refresh_token,
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
            "redirect_uri": self.config.redirect_uri,
            "grant_type": "refresh_token",
        }
        url = self.config.auth_url.rstrip("/") + "/oauth/token"
        # the retry policy resends transient answers and raises once its budget is spent;
        # what comes back is a JSON 2xx or a refusal (400, 401)
        response = self.pipeline.send(
            Kind.REFRESH, "POST", url, path="/oauth/token", log=self._log(), data=json.dumps(body)
        )
        if 200 <= response.status_code < 300:
            return TokenSet.from_response(response.json(), self.clock.time())
        raise _refused(response)

    def _log(self) -> Any:
        return self.log("auth")


def _refused(response: requests.Response) -> AuthError:
    error = ""
    if is_json(response):
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            error = body["error"]
    if error == "invalid_client":
        return AuthError(
            "Trakt refused the client id or secret (invalid_client): check the app credentials."
        )
    return AuthorizationRequired(
        "Trakt refused the refresh token (invalid_grant): the login is no longer valid; "
        "log in to Trakt again."
    )
