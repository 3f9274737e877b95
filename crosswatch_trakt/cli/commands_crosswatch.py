"""``crosswatch``: switch a CrossWatch tree over to this package for Trakt, and back.

``status`` says what the tree loads for TRAKT; ``install`` and ``uninstall`` change the one
registry line (``crosswatch.switch``), and with ``--check`` only say whether they would. See
docs/crosswatch.md.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from crosswatch_trakt.cli.exitcodes import OK, PARTIAL
from crosswatch_trakt.cli.render import write_json
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.crosswatch import switch

__all__ = ["crosswatch"]


def crosswatch(rt: Runtime) -> int:
    """Report or change what the CrossWatch tree in the given folder loads for TRAKT."""
    folder = Path(rt.args.folder)
    action, check = rt.args.action, rt.args.check
    if action == "status":
        found = switch.inspect(folder)
        if rt.args.json:
            write_json(rt.out, {"action": action, **_fields(found)})
        else:
            rt.out.write(_status(found))
        return OK
    change = switch.install if action == "install" else switch.uninstall
    done = change(folder, check=check)
    code = PARTIAL if check and done.changed else OK
    if rt.args.json:
        write_json(rt.out, {"action": action, "check": check, "exit_code": code,
                            **_fields(done)})  # fmt: skip
    else:
        rt.out.write(_report(done, action, check))
    return code


def _fields(found: switch.Switch) -> dict[str, object]:
    """Return the switch as JSON fields: the tree, its registry line, and what it loads."""
    return {**attrs.asdict(found), "registry": found.registry, "switched": found.switched}


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
