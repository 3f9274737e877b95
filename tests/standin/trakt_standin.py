"""An independent Trakt stand-in: a loopback HTTP server that imitates the Trakt API v2.

Written clean-room from ``TRAKT_API.md`` (the project's digest of the live API) and
Trakt's public documentation, without reading the project's bundled emulator or client, so
that it disagrees with them wherever their reading of the API is wrong. Stdlib only.

Where the live behaviour is unknown it takes the stricter plausible choice:

- Every request needs ``trakt-api-key`` (equal to ``client_id`` when one is set, else any;
  403 otherwise), ``trakt-api-version: 2`` (400 otherwise) and a ``User-Agent`` (403 with
  an HTML page otherwise, as Cloudflare does). Every route needs ``Authorization: Bearer
  <token>`` equal to the token it was started with (401 otherwise). Writes need
  ``Content-Type: application/json`` (412) and a JSON object body (400).
- GETs: at most ``get_limit`` per sliding ``get_period`` seconds per user (500 / 300 s), and
  a request over it gets 429 with ``Retry-After`` (whole seconds until the oldest GET in the
  window leaves it) and **no** ``X-Ratelimit`` header. A sliding window never lets a burst
  straddle a boundary, unlike a fixed one. Rejected requests do not use up the budget.
- Writes (POST/PUT/DELETE): one per ``write_period`` seconds per user, 429 likewise.
- A write over ``max_entries`` entries (titles named, with shows and seasons of history and
  collection writes counted as their episodes, plus history ids and titles not found) is
  refused whole with 413 and nothing applied (the live API's answer to huge bodies is
  unknown; refusing is the stricter reading). Off by default.
- A write sleeps ``seconds_per_entry`` x entries before answering (default 0).
- Paginated reads (history, watchlist, collection, all ratings) send 100 rows without
  ``limit``; ``limit`` over 250 is clamped to 250; a ``page`` or ``limit`` that is not a
  whole number from 1 is 400; every page carries the four ``X-Pagination-*`` headers
  (``-Page-Count`` 0 for an empty list). The per-type ``/sync/ratings/{type}`` reads (``all``
  is one of Trakt's documented types) are "pagination optional": all rows and no pagination
  headers without ``page``/``limit``; the bare ``/sync/ratings`` is paginated (stricter).
- History rows are newest ``watched_at`` first (ties: newest history id first); the
  watchlist is in rank (listing) order; ratings newest ``rated_at`` first.
- Every history POST item makes a new play (no dedupe); ``watched_at`` is kept to the
  minute; ``unknown`` is stored as the epoch, ``released`` as 1 January of the year; an
  unreadable date refuses the write with 422. A rating outside 1-10 refuses it with 422.
- A watchlist write that would pass ``limits.watchlist.item_count`` is refused whole: 420.
- The watch of a movie unlists it; of an episode, unlists it, its season and its show.
- Unknown titles come back in ``not_found`` as sent; an unknown season or episode *number*
  under a known show is dropped without a word (``bodies.py``): only the counts tell.
- Every area of ``/sync/last_activities`` moves on each change of it, strictly later than
  any stamp before (millisecond steps), and ``all`` is the newest.
- Untested corners are left out: OAuth, scrobble/checkin, lists, favorites, notes,
  ``extended`` (ignored), sorting parameters (ignored: rank order), playback (empty).

``/_standin/*`` routes (stats, plays, preload, seed) are the harness's control door: never counted,
never limited.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.standin import bodies, dates, routes
from tests.standin.account import Account, Rejected
from tests.standin.catalog import Catalog

Answer = tuple[int, Any, dict[str, str]]


@dataclass
class Limits:
    """The stand-in's rate limits and write costs (see the module docstring)."""

    get_limit: int = 500
    get_period: float = 300.0
    write_period: float = 1.0
    seconds_per_entry: float = 0.0
    max_entries: int | None = None


class Gate:
    """Per-user rate limits on a clock that can be injected."""

    def __init__(self, limits: Limits, now: Callable[[], float]) -> None:
        self.limits = limits
        self.now = now
        self.gets: dict[str, deque[float]] = {}
        self.last_write: dict[str, float] = {}

    def admit(self, user: str, method: str) -> float | None:
        """Count the request and return None, or return the seconds to wait (not counted)."""
        moment = self.now()
        if method == "GET":
            window = self.gets.setdefault(user, deque())
            while window and window[0] <= moment - self.limits.get_period:
                window.popleft()
            if len(window) >= self.limits.get_limit:
                return window[0] + self.limits.get_period - moment
            window.append(moment)
            return None
        last = self.last_write.get(user)
        if last is not None and moment - last < self.limits.write_period:
            return last + self.limits.write_period - moment
        self.last_write[user] = moment
        return None


class TraktStandin:
    """The stand-in server: ``start()`` gives its base URL; ``stop()`` ends it."""

    def __init__(
        self,
        token: str = "standin-token",
        client_id: str | None = None,
        catalog: Catalog | None = None,
        limits: Limits | None = None,
        now: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        vip: bool = True,
        watchlist_limit: int = 10_000,
        port: int = 0,
    ) -> None:
        self.token = token
        self.client_id = client_id
        self.limits = limits or Limits()
        self.gate = Gate(self.limits, now)
        self.sleep = sleep
        self.vip = vip
        self.account = Account(catalog or Catalog(), wall, watchlist_limit)
        self.lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.throttled: Counter[str] = Counter()
        self.write_entries: list[int] = []
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle ------------------------------------------------------------------
    def start(self) -> str:
        """Serve on loopback in a daemon thread and return the base URL."""
        server = ThreadingHTTPServer(("127.0.0.1", self._port), _Handler)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self.base_url

    @property
    def base_url(self) -> str:
        """The ``http://127.0.0.1:PORT`` the stand-in serves on."""
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> TraktStandin:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- inspection -----------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Return the counters and the size of the account."""
        with self.lock:
            plays = self.account.plays
            distinct = len({(p.key, p.watched_at) for p in plays})
            return {
                "requests": dict(self.requests),
                "gets": sum(n for k, n in self.requests.items() if k.startswith("GET ")),
                "writes": len(self.write_entries),
                "write_entries": list(self.write_entries),
                "throttled": sum(self.throttled.values()),
                "throttled_by": dict(self.throttled),
                "statuses": {str(k): n for k, n in self.statuses.items()},
                "plays": len(plays),
                "duplicate_plays": len(plays) - distinct,
                "ratings": len(self.account.ratings),
                "watchlist": len(self.account.watchlist),
                "collection": len(self.account.collection),
            }

    def plays(self) -> list[list[Any]]:
        """Return every play as ``[type, trakt id, watched_at]``."""
        with self.lock:
            rendered = (self.account.catalog.render(p.key) for p in self.account.plays)
            return [
                [p.key[0], media["ids"]["trakt"], dates.render(p.watched_at)]
                for p, media in zip(self.account.plays, rendered, strict=False)
            ]

    def preload(self, **sizes: Any) -> None:
        """Fill the account (see ``views.preload``)."""
        with self.lock:
            routes.preload(self.account, sizes)

    def seed(self, path: str, body: Any) -> dict[str, Any]:
        """Apply a write as the account's other apps would: not counted, not limited."""
        with self.lock:
            return routes.WRITES["POST", path](self.account, body)

    # ---- one request ----------------------------------------------------------------
    def handle(self, method: str, target: str, headers: Any, body: bytes) -> Answer:
        """Answer one request (called by the HTTP handler)."""
        path, _, query = target.partition("?")
        path = path.rstrip("/") or "/"
        if path.startswith("/_standin/"):
            return routes.control(self, method, path, body)
        with self.lock:
            self.requests[f"{method} {path}"] += 1
        try:
            answer = self._answer(method, path, query, headers, body)
        except Exception as error:  # noqa: BLE001 (a stand-in bug answers 500, visibly)
            answer = 500, {"error": f"stand-in failure: {error!r}"}, {}
        with self.lock:
            self.statuses[answer[0]] += 1
            if answer[0] == 429:
                self.throttled[method] += 1
        return answer

    def _answer(self, method: str, path: str, query: str, headers: Any, body: bytes) -> Answer:
        if not headers.get("User-Agent"):
            return 403, "<html><body>Access denied (no user agent)</body></html>", {}
        key = headers.get("trakt-api-key")
        if not key or (self.client_id is not None and key != self.client_id):
            return 403, {"error": "invalid api key"}, {}
        if headers.get("trakt-api-version") != "2":
            return 400, {"error": "trakt-api-version must be 2"}, {}
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"error": "invalid_token"}, {}
        with self.lock:
            wait = self.gate.admit(self.token, "GET" if method == "GET" else "WRITE")
        if wait is not None:
            return 429, {"error": "rate limited"}, {"Retry-After": str(max(1, math.ceil(wait)))}
        if method == "GET":
            with self.lock:
                return routes.read(self, path, query)
        if not (headers.get("Content-Type") or "").startswith("application/json"):
            return 412, {"error": "Content-Type must be application/json"}, {}
        try:
            payload = json.loads(body or b"null")
        except ValueError:
            return 400, {"error": "body is not JSON"}, {}
        return self._write(method, path, payload)

    def _write(self, method: str, path: str, payload: Any) -> Answer:
        action = routes.WRITES.get((method, path))
        if action is None:
            return 404, {"error": "not found"}, {}
        try:
            with self.lock:
                mode = routes.MODES[path.split("/")[2]]
                reading = bodies.read(self.account.catalog, payload, mode)
                ids = payload.get("ids") if isinstance(payload, dict) else None
                entries = len(reading.targets) + sum(map(len, reading.not_found.values()))
                entries += len(ids) if isinstance(ids, list) else 0
                cap = self.limits.max_entries
                if cap is not None and entries > cap:
                    return 413, {"error": f"{entries} entries; at most {cap} a request"}, {}
                answer = action(self.account, payload)
                self.write_entries.append(entries)
        except bodies.BadBody as error:
            return 400, {"error": str(error)}, {}
        except dates.BadDate as error:
            return 422, {"error": f"bad date {error}"}, {}
        except Rejected as error:
            return error.status, {"error": str(error)}, error.headers
        if self.limits.seconds_per_entry:
            self.sleep(self.limits.seconds_per_entry * entries)
        return (201 if not path.endswith("/remove") else 200), answer, {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "standin"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        standin: TraktStandin = self.server.standin  # type: ignore[attr-defined]
        status, payload, extra = standin.handle(self.command, self.path, self.headers, body)
        if isinstance(payload, str):
            data, kind = payload.encode(), "text/html; charset=utf-8"
        else:
            data, kind = json.dumps(payload).encode(), "application/json; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""
