"""``GET /users/settings``, read only when the account's settings can have changed.

The settings (user and VIP flags, plan limits, ``browsing.watch_only_once``) are kept in
``trakt_settings.json`` with the ``account.settings_at`` stamp of ``/sync/last_activities``
they were read at. A run serves them from that file while the stamp has not moved and the
copy is younger than ``SETTINGS_MAX_AGE``; otherwise it reads them once (per run).

The proof: a user's change of their settings moves ``account.settings_at``; the activities
are read before the settings, so a copy stamped with the activities' value holds every change
up to that stamp. A plan change (a VIP upgrade or lapse) is not a settings edit and may not
move the stamp, so the copy is re-read at least daily, and ``refresh`` reads it again before
a limit from the file is allowed to refuse an item.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import attrs

from crosswatch_trakt.errors import IncompleteRead
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.support.state import StateStore
from crosswatch_trakt.trakt.activities import MEMO_TTL_SECONDS, ActivityGate
from crosswatch_trakt.trakt.session import TraktSession

__all__ = ["SETTINGS_FILE", "SETTINGS_MAX_AGE", "SettingsCache", "SettingsDoc"]

SETTINGS_FILE = "trakt_settings.json"
#: the oldest copy a run may serve (a plan change need not move ``account.settings_at``)
SETTINGS_MAX_AGE = 86400.0
STAMP = "account.settings_at"


@attrs.define
class SettingsDoc:
    """``trakt_settings.json``: the settings answer and the stamp and time it was read at."""

    SCHEMA: ClassVar[int] = 1

    stamp: str
    read_at: float
    body: dict[str, Any] = attrs.field(repr=False)


@attrs.define
class SettingsCache:
    """The account's settings: from the file while ``account.settings_at`` stands still."""

    session: TraktSession = attrs.field(repr=False)
    activities: ActivityGate = attrs.field(repr=False)
    store: StateStore = attrs.field(repr=False)
    clock: Clock = attrs.field(repr=False)
    #: the run the settings were last served for, and whether they came from the file
    _run: tuple[str | None, bool] | None = attrs.field(init=False, default=None)
    _body: dict[str, Any] = attrs.field(init=False, factory=dict, repr=False)
    _at: float = attrs.field(init=False, default=float("-inf"))
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False)
    reads: int = attrs.field(init=False, default=0)

    def get(self, run_id: str | None, *, retry_seconds: float | None = None) -> dict[str, Any]:
        """Return the settings for ``run_id``: read at most once per run, else from the file."""
        with self._lock:
            if self._run is not None and self._run[0] == run_id:
                within = self.clock.monotonic() - self._at < MEMO_TTL_SECONDS
                if run_id is not None or within:  # no run id: kept for the memo's ttl
                    return self._body
            stamp = self.activities.watermark(run_id, STAMP, retry_seconds=retry_seconds)
            kept = self.store.load(SETTINGS_FILE, SettingsDoc)
            young = kept is not None and self.clock.time() - kept.read_at < SETTINGS_MAX_AGE
            if kept is not None and young and stamp is not None and kept.stamp == stamp:
                self._keep(run_id, kept.body, from_file=True)
                return kept.body
            return self._read(run_id, stamp, retry_seconds)

    def refresh(self, run_id: str | None) -> dict[str, Any]:
        """Return settings read in this run: read them again if this run's came from the file.

        No ``last_activities`` read is spent for it: the answer is kept for later runs only
        when this run's activities are known already (their stamp then dates it).
        """
        with self._lock:
            if self._run is not None and self._run == (run_id, False):
                return self._body
            stamp = self.activities.known_watermark(run_id, STAMP)
            return self._read(run_id, stamp, None)

    def _read(self, run_id: str | None, stamp: str | None, retry: float | None) -> dict[str, Any]:
        body = self.session.get_json("/users/settings", feature="account", retry_seconds=retry)
        if not isinstance(body, dict):
            raise IncompleteRead("Trakt's /users/settings answer was not an object.")
        self.reads += 1
        if stamp is not None:
            self.store.save(SETTINGS_FILE, SettingsDoc(stamp, self.clock.time(), body))
        self._keep(run_id, body, from_file=False)
        return body

    def _keep(self, run_id: str | None, body: dict[str, Any], *, from_file: bool) -> None:
        self._run, self._body, self._at = (run_id, from_file), body, self.clock.monotonic()
