"""``crosswatch``: switch a CrossWatch tree over to this package for Trakt, and back.

``status`` says what the tree loads for TRAKT; ``install`` and ``uninstall`` change the one
registry line (``crosswatch.switch``), and with ``--check`` only say whether they would. See
docs/crosswatch.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from crosswatch_trakt.cli.exitcodes import OK, PARTIAL
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.crosswatch import switch

__all__ = ["add_arguments", "crosswatch"]

_FOLDER_HELP = "CrossWatch's folder, the one that holds cw_platform/ (its container: /app)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``status``, ``install`` and ``uninstall`` (default ``status``) to ``parser``."""
    parser.set_defaults(action="status", folder=".", check=False)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    status = actions.add_parser("status", help="say what the tree loads for Trakt (default)")
    status.add_argument("folder", nargs="?", default=".", help=_FOLDER_HELP)
    for name, help in (
        ("install", "make CrossWatch load this package for Trakt"),
        ("uninstall", "put CrossWatch's own Trakt module back, byte for byte"),
    ):
        action = actions.add_parser(name, help=help, description=help)
        action.add_argument("folder", help=_FOLDER_HELP)
        action.add_argument(
            "--check", action="store_true",
            help="change nothing; exit 0 when nothing is to do, 1 when it would change the tree",
        )  # fmt: skip


def crosswatch(rt: Runtime) -> int:
    """Report or change what the CrossWatch tree in the given folder loads for TRAKT."""
    folder = Path(rt.args.folder)
    action, check = rt.args.action, rt.args.check
    if action == "status":
        found = switch.inspect(folder)
        rt.out.write(_status(found))
        return OK
    change = switch.install if action == "install" else switch.uninstall
    done = change(folder, check=check)
    rt.out.write(_report(done, action, check))
    return PARTIAL if check and done.changed else OK


def _status(found: switch.Switch) -> str:
    who = "this package" if found.switched else f"its own module ({found.module})"
    nxt = "uninstall" if found.switched else "install"
    return (
        f"CrossWatch {found.version} in {found.folder} loads {who} for Trakt "
        f"({found.registry}, line {found.line}).\n"
        f"To change that: crosswatch-trakt crosswatch {nxt} {found.folder}\n"
    )


def _report(done: switch.Switch, action: str, check: bool) -> str:
    target = "this package" if action == "install" else "its own Trakt module"
    where = f"{done.registry}, line {done.line}"
    if not done.changed:
        return (
            f"CrossWatch {done.version} in {done.folder} already loads {target}; nothing to do.\n"
        )
    if check:
        return f"{action} would switch CrossWatch in {done.folder} to {target} ({where}).\n"
    return (
        f"CrossWatch {done.version} in {done.folder} now loads {target} for Trakt ({where}).\n"
        "Restart CrossWatch to use it.\n"
    )
