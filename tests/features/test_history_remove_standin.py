"""History removes sent twice, against a tiny history server that is not the emulator.

The stand-in holds two plays of one movie in one minute and answers just what a remove needs:
``/sync/last_activities``, ``/sync/history/{movies,episodes}`` and ``/sync/history/remove``.
"""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path
from typing import Any, ClassVar

import pluggy

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import VirtualClock
from tests.conftest import Standin

MINUTE = "2025-05-01T20:31:00.000Z"
MOVIE = {"title": "The Matrix", "year": 1999, "ids": {"trakt": 481, "tmdb": 603}}


class _History(http.server.BaseHTTPRequestHandler):
    """Two plays of The Matrix at one minute; removes by history id only."""

    protocol_version = "HTTP/1.1"
    plays: ClassVar[dict[int, str]] = {}
    removes: ClassVar[list[list[int]]] = []
    stamp: ClassVar[list[int]] = [0]
    lock = threading.Lock()

    def do_GET(self) -> None:
        """Answer the activities and the history pages (one page each)."""
        path = self.path.split("?", 1)[0]
        with self.lock:
            at = f"2026-01-01T00:00:{self.stamp[0]:02d}.000Z"
            if path == "/sync/last_activities":
                self._json(
                    {"all": at, "movies": {"watched_at": at}, "episodes": {"watched_at": at}}
                )
            elif path == "/sync/history/movies":
                rows = [
                    {
                        "id": hid,
                        "watched_at": when,
                        "action": "watch",
                        "type": "movie",
                        "movie": MOVIE,
                    }
                    for hid, when in sorted(self.plays.items(), reverse=True)
                ]
                self._json(rows, paged=True)
            else:
                self._json([], paged=True)

    def do_POST(self) -> None:
        """Remove the plays whose history ids are sent; the others are not_found."""
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        with self.lock:
            ids = [int(h) for h in body.get("ids", [])]
            self.removes.append(ids)
            gone = [h for h in ids if h in self.plays]
            for hid in gone:
                del self.plays[hid]
            self.stamp[0] += 1
            missing = [h for h in ids if h not in gone]
        not_found = {"movies": [], "shows": [], "seasons": [], "episodes": [], "ids": missing}
        self._json({"deleted": {"movies": len(gone), "episodes": 0}, "not_found": not_found})

    def _json(self, data: Any, *, paged: bool = False) -> None:
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if paged:
            for name, value in (("Page", 1), ("Limit", 250), ("Page-Count", 1)):
                self.send_header(f"X-Pagination-{name}", str(value))
            self.send_header("X-Pagination-Item-Count", str(len(data)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Print nothing."""


def test_remove_sent_twice_never_takes_the_twin(
    pm: pluggy.PluginManager, standin: Standin, tmp_path: Path
) -> None:
    """The same remove by history id, sent again in a new run, skips: the twin play stays."""
    _History.plays = {9001: MINUTE, 9002: MINUTE}
    _History.removes = []
    base = standin(_History)
    config = {"client_id": "cid", "base_url": base, "auth_url": base, "access_token": "a"}
    item = {"type": "movie", "ids": {"tmdb": 603}, "watched_at": MINUTE, "trakt_history_id": 9001}
    clock = VirtualClock()
    results = []
    for run in ("run-1", "run-2"):
        context = HostContext(config=config, state_dir=tmp_path, clock=clock, run_id=run)
        results.append(
            pm.hook.apply_removes(
                provider="TRAKT", feature="history", items=[item], context=context, dry_run=False
            )
        )
    assert results[0]["confirmed_keys"] == ["movie:tmdb:603@2025-05-01T20:31Z"]
    assert results[1]["skipped_keys"] == ["movie:tmdb:603@2025-05-01T20:31Z"]
    assert _History.plays == {9002: MINUTE}
    assert _History.removes == [[9001]]
