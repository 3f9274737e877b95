"""One GET budget per Trakt account and app, shared by every process on the machine.

Trakt counts GETs per user and app (500 per 300 s, trakt/trakt-api#909), not per process or
state folder; a budget kept in memory lets two runs of one login (two state folders, the CLI
beside the host) each spend the whole window and draw a 429 with a 5-minute block. So the read
bucket also claims every start in a small record, ``get-<digest>.json``, in a per-user folder
outside any state folder (``default_folder``: the user's cache folder, else the runtime
folder; ``shared_budget.folder`` overrides it). The record holds the starts of the window
(wall-clock seconds) and the end of a pause a 429 imposed; it is read, changed and replaced
under an ``fcntl`` lock on ``get-<digest>.lock``, so a start is claimed by one process at a time.

The record is named by a digest of the API host, the client id and ``shared_budget.account``
(empty by default: the adapter cannot tell which user a token belongs to without a request,
so by default every login of one app on the machine shares one budget; they may wait for
each other, never overdraw). No token or secret is part of the name or the record.

Starts more than ``FUTURE_SLACK`` seconds ahead of this process's clock and pauses longer
than ``MAX_PAUSE`` are ignored (another clock's, not a real claim). When the folder cannot
be used the bucket warns once and keeps its own budget, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.support.log import SecretSource, get_logger
from crosswatch_trakt.support.state import FILE_MODE

__all__ = ["FOLDER_NAME", "SharedWindow", "budget_name", "default_folder"]

#: the folder under the user's cache or runtime folder
FOLDER_NAME = "crosswatch-trakt"
SCHEMA = 1
#: how far ahead of this clock a recorded start may be and still count (seconds)
FUTURE_SLACK = 1.0
#: the longest pause a record may impose (seconds; Cloudflare's block is 300)
MAX_PAUSE = 3600.0


def default_folder(environ: Mapping[str, str] | None = None) -> Path:
    """Return the per-user folder of shared budgets: the cache folder, else the runtime one.

    ``$XDG_CACHE_HOME`` (else ``~/.cache``) comes first, since a service without a login
    session has no runtime folder and every run of the user must pick the same folder;
    ``$XDG_RUNTIME_DIR``, then a per-user folder in the temp folder, when there is no home.
    """
    env = os.environ if environ is None else environ
    cache = env.get("XDG_CACHE_HOME", "")
    if cache and Path(cache).is_absolute():
        return Path(cache) / FOLDER_NAME
    home = env.get("HOME", "")
    if home and Path(home).is_absolute():
        return Path(home) / ".cache" / FOLDER_NAME
    runtime = env.get("XDG_RUNTIME_DIR", "")
    if runtime and Path(runtime).is_absolute():
        return Path(runtime) / FOLDER_NAME
    return Path(tempfile.gettempdir()) / f"{FOLDER_NAME}-{os.getuid()}"


def budget_name(config: TraktConfig) -> str:
    """Return the record's name: a digest of the API host, client id and account label."""
    parts = (config.base_url.rstrip("/"), config.client_id, config.shared_budget.account)
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:24]
    return f"get-{digest}"


@attrs.define
class SharedWindow:
    """The GET starts of one account and app in the last window, kept in a shared record."""

    folder: Path
    name: str
    clock: Clock = attrs.field(repr=False)
    #: the account's secrets, which no warning of this record may carry
    secrets: SecretSource | None = attrs.field(default=None, repr=False)
    #: set when the folder could not be used: the bucket then keeps its own budget only
    broken: bool = False

    @classmethod
    def for_config(cls, config: TraktConfig, clock: Clock) -> SharedWindow | None:
        """Return the shared window ``config`` asks for (``None``: sharing is off)."""
        shared = config.shared_budget
        if not shared.enabled:
            return None
        folder = Path(shared.folder).expanduser() if shared.folder else default_folder()

        def secrets() -> Iterable[str | None]:
            return (config.client_secret, config.access_token, config.refresh_token)

        return cls(folder, budget_name(config), clock, secrets)

    @property
    def path(self) -> Path:
        """Return the record's path."""
        return self.folder / f"{self.name}.json"

    def claim(self, limit: int, seconds: float) -> float:
        """Claim a start now if the window has room (return 0), else return the wait.

        ``limit`` starts are allowed in any ``seconds``; a recorded pause holds every start.
        """
        if self.broken:
            return 0.0
        try:
            with self._locked():
                now = self.clock.time()
                starts, paused = self._load(now, seconds)
                wait = max(0.0, paused - now)
                if wait <= 0 and len(starts) >= limit:
                    wait = starts[len(starts) - limit] + seconds - now
                if wait <= 0:
                    self._save([*starts, now], paused)
                return max(0.0, wait)
        except OSError as exc:
            self._give_up(exc)
            return 0.0

    def pause(self, seconds: float) -> None:
        """Hold every process's GETs of this account and app for ``seconds`` from now."""
        if self.broken or seconds <= 0:
            return
        try:
            with self._locked():
                now = self.clock.time()
                starts, paused = self._load(now, MAX_PAUSE)
                self._save(starts, max(paused, now + min(seconds, MAX_PAUSE)))
        except OSError as exc:
            self._give_up(exc)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.folder / f"{self.name}.lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock

    def _load(self, now: float, seconds: float) -> tuple[list[float], float]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return [], 0.0
        except (ValueError, UnicodeDecodeError) as exc:
            self._log().warning("budget.unreadable", record=str(self.path), error=str(exc))
            return [], 0.0
        return _starts(raw, now, seconds), _paused(raw, now)

    def _save(self, starts: list[float], paused: float) -> None:
        doc = {"schema": SCHEMA, "starts": [round(t, 3) for t in starts], "paused_until": paused}
        temp = self.folder / f".{self.name}.{os.getpid()}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(doc, handle, separators=(",", ":"))
        os.replace(temp, self.path)

    def _log(self) -> Any:
        return get_logger("budget", self.secrets)

    def _give_up(self, exc: OSError) -> None:
        self.broken = True
        self._log().warning(
            "budget.unshared",
            folder=str(self.folder),
            error=str(exc),
            message="the GET budget cannot be shared with other runs; this run keeps its own",
        )


def _starts(raw: Any, now: float, seconds: float) -> list[float]:
    values = raw.get("starts") if isinstance(raw, dict) else None
    if not isinstance(values, list):
        return []
    kept = [
        float(t)
        for t in values
        if isinstance(t, (int, float)) and not isinstance(t, bool)
        if now - seconds < t <= now + FUTURE_SLACK
    ]
    return sorted(kept)


def _paused(raw: Any, now: float) -> float:
    value = raw.get("paused_until") if isinstance(raw, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value) if value <= now + MAX_PAUSE else 0.0
