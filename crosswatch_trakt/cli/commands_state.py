"""``state``: what the state folder holds, and clearing held-back items or every cache.

``state`` (or ``state show``) lists the files with their sizes, the watermarks each cache
was read at and the held-back items with their reason and when the hold ends;
``state clear-holds [--feature F]`` lets held-back items be sent on the next run;
``state reset`` deletes every cache and hold but keeps the login.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import attrs

from crosswatch_trakt.cli.exitcodes import OK
from crosswatch_trakt.cli.host import CliHost
from crosswatch_trakt.cli.render import Out, write_json
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.cli.statefolder import StateFolder
from crosswatch_trakt.config import TraktConfig

__all__ = ["SHOW_HOLDS", "folder_of", "state"]

#: held-back items listed by name per feature
SHOW_HOLDS = 20


def folder_of(host: CliHost) -> StateFolder:
    """Return the state folder of the command's account, with its configured back-off."""
    default = attrs.fields(TraktConfig).unresolved_backoff_seconds.default
    backoff = host.settings.trakt.get("unresolved_backoff_seconds", default)
    seconds = float(backoff) if isinstance(backoff, (int, float)) else float(str(default))
    return StateFolder(host.settings.state_dir, seconds)


def _iso(epoch: float) -> str:
    return f"{dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc):%Y-%m-%d %H:%M} UTC"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _show(folder: StateFolder, out: Out, as_json: bool) -> int:
    files = folder.files()
    holds = list(folder.holds())
    marks = folder.watermarks()
    if as_json:
        report: dict[str, Any] = {
            "state_dir": str(folder.root),
            "files": {name: size for name, size in files},
            "watermarks": marks,
            "holds": [attrs.asdict(hold) for hold in holds],
        }
        write_json(out, report)
        return OK
    out.write(f"State folder: {folder.root}\n")
    if not files:
        out.write("  (empty: no login and no caches)\n")
    for name, size in files:
        out.write(f"  {name:<40} {_size(size):>9}\n")
    for feature, kinds in marks.items():
        text = ", ".join(f"{kind} {mark or '-'}" for kind, mark in kinds.items()) or "-"
        out.write(f"Watermarks of {feature}: {text}\n")
    by_feature = Counter(hold.feature for hold in holds)
    out.write(f"Held-back items: {len(holds)}\n")
    for feature, count in sorted(by_feature.items()):
        out.write(f"  {feature}: {count}\n")
        shown = [hold for hold in holds if hold.feature == feature][:SHOW_HOLDS]
        for hold in shown:
            out.write(
                f"    {hold.key}  {hold.reason} ({hold.attempts} tries), "
                f"held until {_iso(hold.expires_at)}\n"
            )
        if count > len(shown):
            out.write(f"    ... and {count - len(shown)} more (--json lists all)\n")
    if holds:
        out.write("Run crosswatch-trakt state clear-holds to send them on the next run.\n")
    return OK


def state(rt: Runtime) -> int:
    """Show the state folder, clear its held-back items, or reset it."""
    folder, out, args = folder_of(rt.host), rt.out, rt.args
    folder.check()
    action = getattr(args, "action", None) or "show"
    if action == "show":
        return _show(folder, out, args.json)
    if action == "clear-holds":
        count = len(list(folder.holds(args.feature)))
        folder.clear_holds(args.feature)
        if args.json:
            write_json(out, {"cleared": count, "feature": args.feature})
            return OK
        which = f"{args.feature} " if args.feature else ""
        out.write(f"Cleared {count} held-back {which}item(s): the next run sends them again.\n")
        return OK
    gone = folder.reset()
    if args.json:
        write_json(out, {"deleted": gone})
        return OK
    out.write(
        f"Deleted {len(gone)} file(s) of caches and held-back items; the login stays. "
        "The next run reads everything from Trakt.\n"
    )
    return OK
