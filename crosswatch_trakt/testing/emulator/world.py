"""``TraktWorld``: the emulator's state and the helpers tests use to set it up and inspect it.

The WSGI application and its handlers see only this; ``FakeTrakt`` adds serving.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Sequence
from typing import Any, TypeAlias

import attrs
from werkzeug.wrappers import Request

from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.testing.emulator.catalog import Catalog, Episode, Media, Movie, Season, Show
from crosswatch_trakt.testing.emulator.faults import Faults, body_entries
from crosswatch_trakt.testing.emulator.ratelimit import RateLimiter
from crosswatch_trakt.testing.emulator.responses import PagingQuirks
from crosswatch_trakt.testing.emulator.store import (
    IdSequence,
    PersonalList,
    Settings,
    UserState,
    WatchlistEntry,
)
from crosswatch_trakt.testing.emulator.timefmt import to_epoch, to_minute
from crosswatch_trakt.testing.emulator.token_store import TokenStore
from crosswatch_trakt.testing.emulator.virtual_clock import VirtualClock

When: TypeAlias = float | int | str | dt.datetime | None


@attrs.frozen
class LoggedRequest:
    """One request the emulator answered (``status`` 0: the connection was dropped).

    ``entries``: the items its write body carried (``faults.body_entries``; 0 for reads);
    ``answer_bytes``: the length of the body answered (0 when the connection was dropped; a
    measurement, not part of equality).
    """

    method: str
    path: str
    query: dict[str, str]
    status: int
    time: float
    user: str | None = None
    entries: int = 0
    answer_bytes: int = attrs.field(default=0, eq=False)


@attrs.define
class TraktWorld:
    """The state of an in-process Trakt API (and OAuth server) that tests control.

    Every state change takes ``lock``; helpers move ``last_activities`` like the API does.
    ``auto_approve``: a username that approves every new device login at once.
    """

    clock: Clock = attrs.field(factory=VirtualClock)
    client_id: str = "test-client-id"
    client_secret: str = attrs.field(default="test-client-secret", repr=False)
    get_limit: int = 500
    get_period: float = 300
    post_per_sec: float = 1.0
    rate_limits: bool = True
    #: answer rate limits as Trakt's edge does: no ``X-Ratelimit`` on any answer, and a
    #: request over the limit gets Cloudflare's HTML 429 (``Retry-After``) and blocks every
    #: request for ``edge_block_seconds``
    edge_rate_limits: bool = False
    edge_block_seconds: float = 300.0
    #: quirks of the paginated answers the live API has been seen to send
    paging: PagingQuirks = attrs.field(factory=PagingQuirks)
    #: a play removes a watched item from the watchlist (Trakt does) without moving
    #: ``watchlist.updated_at`` or ``{type}.watchlisted_at`` (Trakt does not document whether
    #: they move)
    watched_leave_quietly: bool = False
    #: the most entries one write body may carry (``faults.body_entries``: a show nested with
    #: 30 episodes counts 30); a larger body is answered 502 with nothing applied (``None``:
    #: no cap), as a Trakt that gives up on a body too large for it
    write_entry_cap: int | None = None
    #: how long a write takes per entry of its body, on the emulator's clock, after it was
    #: counted and applied: a large body is answered later (0: at once)
    write_seconds_per_entry: float = 0.0
    token_lifetime: int = 7 * 86400
    device_expires_in: int = 600
    device_interval: int = 5
    auto_approve: str | None = None
    catalog: Catalog = attrs.field(factory=Catalog, repr=False)
    users: dict[str, UserState] = attrs.field(factory=dict, repr=False)
    tokens: TokenStore = attrs.field(factory=TokenStore, repr=False)
    faults: Faults = attrs.field(factory=Faults, repr=False)
    ids: IdSequence = attrs.field(factory=IdSequence, repr=False)
    log: list[LoggedRequest] = attrs.field(factory=list, repr=False)
    lock: threading.RLock = attrs.field(factory=threading.RLock, repr=False)
    limiter: RateLimiter = attrs.field(init=False, repr=False)
    #: until when (clock time) the edge blocks every request (``edge_rate_limits``)
    blocked_until: float = attrs.field(init=False, default=float("-inf"), repr=False)

    def __attrs_post_init__(self) -> None:
        self.limiter = RateLimiter(self.get_limit, float(self.get_period), self.post_per_sec)

    def headers(self, access_token: str | None = None) -> dict[str, str]:
        """Return the headers a well-behaved client sends (with a bearer token if given)."""
        headers = {
            "Content-Type": "application/json",
            "trakt-api-key": self.client_id,
            "trakt-api-version": "2",
            "User-Agent": "crosswatch-trakt-tests/1.0",
        }
        if access_token is not None:
            headers["Authorization"] = f"Bearer {access_token}"
        return headers

    # users and tokens
    def add_user(
        self,
        username: str,
        vip: bool = False,
        watchlist_limit: int | None = 250,
        watch_only_once: bool = False,
        **settings: Any,
    ) -> UserState:
        """Create a user (``settings`` may set other ``Settings`` fields) and return its state."""
        with self.lock:
            state = UserState(
                username,
                self.clock.time(),
                Settings(
                    vip=vip,
                    watchlist_limit=watchlist_limit,
                    watch_only_once=watch_only_once,
                    **settings,
                ),
            )
            self.users[username] = state
            return state

    def issue_tokens(self, username: str) -> dict[str, Any]:
        """Issue a token pair for ``username`` now; return Trakt's token response."""
        with self.lock:
            self._require(username)
            return self.tokens.issue(username, self.clock.time(), self.token_lifetime).response()

    def _require(self, username: str) -> UserState:
        if username not in self.users:
            raise KeyError(f"no such user: {username!r}")
        return self.users[username]

    def expire_tokens(self, username: str) -> None:
        """Make every access token of ``username`` expired now (refresh tokens still work)."""
        with self.lock:
            now = self.clock.time()
            for token in self.tokens.of_user(username):
                token.expires_at = min(token.expires_at, now)

    def revoke_tokens(self, username: str) -> None:
        """Revoke every token pair of ``username`` now."""
        with self.lock:
            for token in self.tokens.of_user(username):
                self.tokens.revoke(token)

    def fault_token(self, access_token: str | None, *, revoke: bool) -> None:
        """Expire (or revoke) one access token now (used by the token faults)."""
        with self.lock:
            token = self.tokens.by_access.get(access_token or "")
            if token is None:
                return
            if revoke:
                self.tokens.revoke(token)
            else:
                token.expires_at = min(token.expires_at, self.clock.time())

    def approve_device(self, user_code: str, username: str) -> None:
        """Approve a pending device login as ``username``."""
        with self.lock:
            self._require(username)
            device = self.tokens.device_by_user_code(user_code)
            device.status, device.username = "approved", username

    def authorization_code(
        self, username: str, redirect_uri: str = "urn:ietf:wg:oauth:2.0:oob"
    ) -> str:
        """Return the code ``/oauth/authorize`` gives ``username`` (for the code grant)."""
        with self.lock:
            self._require(username)
            return self.tokens.new_code(username, redirect_uri, self.clock.time()).code

    def deny_device(self, user_code: str) -> None:
        """Deny a pending device login (the next poll answers 418)."""
        with self.lock:
            self.tokens.device_by_user_code(user_code).status = "denied"

    def lock_account(self, username: str, locked: bool = True) -> None:
        """Lock (or unlock) an account: every authed request answers 423."""
        with self.lock:
            self.users[username].locked = locked

    # direct state helpers (no HTTP)
    def watchlist_add(
        self, username: str, media: Media, listed_at: When = None, notes: str | None = None
    ) -> bool:
        """Put ``media`` on the watchlist; return ``False`` if it was there already."""
        with self.lock:
            now = self.clock.time()
            at = to_epoch(listed_at, now)
            return self.users[username].watchlist_put(media, now, self.ids, at, notes)

    def watchlist_remove(self, username: str, media: Media) -> bool:
        """Take ``media`` off the watchlist; return ``False`` if it was not there."""
        with self.lock:
            return self.users[username].watchlist_delete(media, self.clock.time())

    def rate(self, username: str, media: Media, rating: int, rated_at: When = None) -> None:
        """Rate ``media`` 1-10 (re-rating replaces)."""
        if not 1 <= rating <= 10:
            raise ValueError("rating must be an integer from 1 to 10")
        with self.lock:
            now = self.clock.time()
            self.users[username].rating_put(media, rating, to_epoch(rated_at, now), now)

    def add_play(
        self, username: str, media: Movie | Episode, watched_at: When = None, action: str = "watch"
    ) -> int:
        """Record one play (to the minute) and return its 64-bit history id."""
        if not isinstance(media, (Movie, Episode)):
            raise TypeError("plays are of movies and episodes")
        with self.lock:
            now = self.clock.time()
            at = to_minute(to_epoch(watched_at, now))
            return self.users[username].play_add(media, at, action, self.ids.history(), now).id

    def pause(self, username: str, media: Movie | Episode, progress: float) -> int:
        """Save a resume point of ``media`` at ``progress`` percent; return its playback id."""
        if not isinstance(media, (Movie, Episode)):
            raise TypeError("resume points are of movies and episodes")
        with self.lock:
            now = self.clock.time()
            return self.users[username].playback_put(media, progress, self.ids.playback(), now).id

    def add_list(
        self, username: str, name: str, items: Sequence[Media] = (), privacy: str = "private"
    ) -> PersonalList:
        """Create a personal list ``name`` holding ``items`` (in rank order); return it."""
        with self.lock:
            now = self.clock.time()
            plist = self.users[username].list_create(name, privacy, self.ids, now)
            plist.items.extend(WatchlistEntry(self.ids.list_item(), m, now) for m in items)
            return plist

    def collect(
        self,
        username: str,
        media: Media,
        collected_at: When = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        """Collect a movie or episode (a show or season: all its episodes)."""
        with self.lock:
            now = self.clock.time()
            at = to_epoch(collected_at, now)
            items: list[Movie | Episode]
            if isinstance(media, Show):
                items = list(media.episodes())
            elif isinstance(media, Season):
                items = [media.episodes[n] for n in sorted(media.episodes)]
            else:
                items = [media]
            for item in items:
                self.users[username].collect_put(item, at, dict(metadata or {}), now)

    # request log
    def record(
        self, request: Request, status: int, now: float, user: str | None, answer_bytes: int = 0
    ) -> None:
        """Append one request to ``log`` (called by the WSGI app)."""
        entries = body_entries(request.get_data()) if request.method != "GET" else 0
        args = dict(request.args)
        entry = LoggedRequest(
            request.method, request.path, args, status, now, user, entries, answer_bytes
        )
        with self.lock:
            self.log.append(entry)

    def log_count(
        self,
        method: str | None = None,
        path: str | re.Pattern[str] | None = None,
        status: int | None = None,
    ) -> int:
        """Count logged requests by method, path (exact, or a pattern's fullmatch) and status."""
        with self.lock:
            entries = list(self.log)
        return sum(
            1
            for e in entries
            if (method is None or e.method == method.upper())
            and (status is None or e.status == status)
            and (
                path is None
                or (e.path == path if isinstance(path, str) else path.fullmatch(e.path))
            )
        )

    def clear_log(self) -> None:
        """Forget every logged request."""
        with self.lock:
            self.log.clear()
