"""``login``, ``logout`` and ``status``: the device login, the logout, and the account's health."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from crosswatch_trakt.cli.commands_state import folder_of
from crosswatch_trakt.cli.exitcodes import (
    LOGIN_REQUIRED,
    OK,
    REFUSAL_REASONS,
    REFUSED,
    TRAKT_ERROR,
    CliError,
)
from crosswatch_trakt.cli.host import CliHost
from crosswatch_trakt.cli.render import Out, write_json
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.support.clock import Clock, SystemClock
from crosswatch_trakt.trakt.tokens import TOKENS_FILE

__all__ = ["device_login", "login", "logout", "status"]

#: poll states that mean "keep polling"
WAITING = frozenset({"pending", "slow_down", "error"})


def _clock(host: CliHost) -> Clock:
    return host.clock if host.clock is not None else SystemClock()


def device_login(
    host: CliHost, out: Out, on_code: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, Any]:
    """Run the device login through the auth hooks; return the approved poll answer.

    ``on_code`` is called with the start answer after the code is shown (the demo uses it to
    approve its own code on the emulator).
    """
    host.settings.require_client(secret=True)
    clock = _clock(host)
    started = host.auth_start()
    out.write(
        f"To log in, open {started['verification_url']} and enter the code "
        f"{started['user_code']}.\n"
    )
    out.flush()
    if on_code is not None:
        on_code(started)
    expires_in = float(started.get("expires_in") or 600)
    deadline = clock.monotonic() + expires_in
    interval = float(started.get("interval") or 5)
    with host.progress.step(f"waiting for approval of {started['user_code']}"):
        while clock.monotonic() < deadline:
            clock.sleep(interval)
            answer = host.auth_poll(str(started["device_code"]))
            interval = float(answer.get("interval") or interval)
            if answer["state"] == "approved":
                return answer
            if answer["state"] not in WAITING:
                raise CliError(f"{answer['message']} Run crosswatch-trakt login.", LOGIN_REQUIRED)
    raise CliError(
        "The code expired before it was approved: run crosswatch-trakt login again.",
        LOGIN_REQUIRED,
    )


class _Asked:
    """A text stream onto stderr that writes even when quiet (the code must be seen)."""

    def __init__(self, rt: Runtime) -> None:
        self._progress = rt.progress

    def write(self, text: str) -> int:
        self._progress.ask(text)
        return len(text)

    def flush(self) -> None:
        """Nothing to flush: ``ask`` flushes."""


def login(rt: Runtime) -> int:
    """Log in with a device code and store the tokens in the state folder."""
    host, out = rt.host, rt.out
    device_login(host, _Asked(rt) if rt.args.json else out)
    path = host.settings.state_dir / TOKENS_FILE
    if rt.args.json:
        write_json(out, {"logged_in": True, "tokens_file": str(path)})
    else:
        out.write(f"Logged in to Trakt. The tokens are in {path} (readable by you only).\n")
    return OK


def _purge(rt: Runtime) -> dict[str, int]:
    """Delete the cached personal data (caches, held-back items, set-aside files, locks)."""
    folder = folder_of(rt.host)
    sizes = dict(folder.files())
    gone = folder.delete(folder.personal())
    locks = folder.delete_locks()
    freed = sum(sizes.get(name, 0) for name in gone)
    if not rt.args.json:
        rt.out.write(
            f"Purged {len(gone)} file(s) of cached personal data ({freed} bytes) "
            f"and {len(locks)} lock file(s).\n"
        )
    return {"files": len(gone), "bytes": freed, "lock_files": len(locks)}


def logout(rt: Runtime) -> int:
    """Revoke the login at Trakt and delete the stored tokens (``--purge``: and the caches)."""
    host, out = rt.host, rt.out
    host.settings.require_client(secret=True)
    revoked: bool | None = None
    if not host.logged_in():
        said = "Not logged in: there is no token to revoke."
    elif host.logout():
        revoked = True
        said = "Logged out: Trakt revoked the token and the stored tokens are deleted."
    else:
        revoked = False
        said = (
            "The stored tokens are deleted, but Trakt did not confirm the revocation; "
            "revoke the app at https://trakt.tv/oauth/authorized_applications if needed."
        )
    if not rt.args.json:
        out.write(said + "\n")
    purged = _purge(rt) if rt.args.purge else None
    if rt.args.json:
        write_json(out, {"was_logged_in": revoked is not None, "revoked": revoked,
                         "purged": purged})  # fmt: skip
    return OK


def _when(epoch: Any, now: float) -> str:
    if not isinstance(epoch, (int, float)):
        return "unknown"
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
    left = epoch - now
    rel = f"in {left / 3600:.0f} h" if left >= 0 else f"{-left / 3600:.0f} h ago"
    return f"{moment:%Y-%m-%d %H:%M} UTC ({rel})"


def _limits(report: dict[str, Any], usage: dict[str, int]) -> str:
    limits = report.get("limits") or {}
    watchlist = (limits.get("watchlist") or {}).get("item_count")
    lists = limits.get("list") or {}
    parts = [f"watchlist {usage.get('watchlist', '?')}/{watchlist or 'unlimited'} items"]
    if lists:
        parts.append(f"{lists.get('count')} lists of {lists.get('item_count')} items")
    return ", ".join(parts)


def _rate(report: dict[str, Any]) -> str:
    rate = report.get("rate_limit") or {}
    read, write = rate.get("read") or {}, rate.get("write") or {}
    text = (
        f"reads {read.get('remaining')}/{read.get('window_limit')} left per "
        f"{read.get('window_seconds', 300):.0f} s at {read.get('per_sec')}/s, "
        f"writes {write.get('per_sec')}/s"
    )
    paused = max(read.get("paused_for", 0.0), write.get("paused_for", 0.0))
    return text + (f", paused {paused:.0f} s" if paused else "")


def _newest(activities: dict[str, Any], paths: tuple[str, ...]) -> str:
    stamps: list[str] = []
    for path in paths:
        area, _, field = path.partition(".")
        node = activities.get(area)
        value = node.get(field) if isinstance(node, dict) else None
        if isinstance(value, str):
            stamps.append(value)
    return max(stamps) if stamps else "-"


def _activities(activities: dict[str, Any]) -> list[str]:
    """Return the watermarks the adapter's change gate compares, newest per feature."""
    rated = tuple(f"{kind}.rated_at" for kind in ("movies", "shows", "seasons", "episodes"))
    return [
        f"  any:       {activities.get('all', '-')}",
        f"  watchlist: {_newest(activities, ('watchlist.updated_at',))}",
        f"  ratings:   {_newest(activities, rated)}",
        f"  history:   {_newest(activities, ('movies.watched_at', 'episodes.watched_at'))}",
    ]


def status(rt: Runtime) -> int:
    """Print account, VIP, token expiry, plan limits and usage, rate budget, last activities."""
    host, args, out = rt.host, rt.args, rt.out
    host.settings.require_client(secret=False)
    report = host.health()
    logged_in = report["status"] != "auth_required"
    reachable = report["status"] != "down"
    usage: dict[str, int] = {}
    activities: dict[str, Any] = {}
    if report["status"] == "ok":
        activities = host.last_activities()
        with host.progress.step("reading the watchlist for its usage"):
            usage["watchlist"] = len(host.snapshot("watchlist"))
    if args.json:
        write_json(out, {**report, "usage": usage, "last_activities": activities})
    else:
        now = _clock(host).time()
        vip = {True: "yes", False: "no", None: "unknown"}[report.get("vip")]
        out.write(f"Trakt account: {report.get('account') or 'unknown'} (VIP: {vip})\n")
        out.write(f"Status: {report['status']} - {report['message']}\n")
        out.write(f"Token expires: {_when(report.get('token_expires_at'), now)}\n")
        if usage:
            out.write(f"Plan limits: {_limits(report, usage)}\n")
        out.write(f"Rate limits: {_rate(report)}\n")
        if activities:
            out.write("Last activities:\n" + "\n".join(_activities(activities)) + "\n")
    if not logged_in:
        if not args.json:
            out.write("Run crosswatch-trakt login to log in.\n")
        return LOGIN_REQUIRED
    if report.get("reason") in REFUSAL_REASONS:
        return REFUSED
    return TRAKT_ERROR if not reachable else OK
