"""``crosswatch-trakt``: parse, run one command, and turn every failure into an exit code.

Every failure is one sentence on stderr that says what to do, with an exit code from
``exitcodes`` (never a traceback); with ``--json`` it is also one JSON object on stdout
(``{"error", "reason", "exit_code"}``). A command's code is imported only when it runs, so
``--help`` stays about as fast as a Python start. See ``docs/cli.md``.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from crosswatch_trakt.cli.exitcodes import USAGE, CliError
from crosswatch_trakt.cli.parser import PROG, UsageError, build_parser

if TYPE_CHECKING:
    from crosswatch_trakt.cli.runtime import Runtime
    from crosswatch_trakt.support.clock import Clock

__all__ = ["COMMANDS", "PROG", "build_parser", "main"]

Command = Callable[["Runtime"], int]
#: command -> "module:function" in ``crosswatch_trakt.cli``, imported when the command runs
COMMANDS: dict[str, str] = {
    "login": "commands_account:login",
    "logout": "commands_account:logout",
    "status": "commands_account:status",
    "snapshot": "commands_data:snapshot",
    "export": "commands_data:export",
    "import": "commands_import:import_",
    "state": "commands_state:state",
    "config": "commands_config:config",
    "demo": "commands_demo:demo",
    "emulator": "commands_emulator:emulator",
    "crosswatch": "commands_crosswatch:crosswatch",
    "completion": "completion:completion",
}


def command(name: str) -> Command:
    """Return the function that runs the command ``name``."""
    module, _, function = COMMANDS[name].partition(":")
    found: Command = getattr(importlib.import_module(f"crosswatch_trakt.cli.{module}"), function)
    return found


def _escape_unencodable(*streams: Any) -> None:
    """Print what the terminal cannot encode (a lone surrogate in a title) escaped, not crash."""
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def fail(message: str, code: int, reason: str, *, as_json: bool) -> int:
    """Report a failure: one sentence on stderr, and with ``as_json`` one object on stdout."""
    if as_json:
        document = {"error": message, "reason": reason, "exit_code": code}
        sys.stdout.write(json.dumps(document, sort_keys=True) + "\n")
        sys.stdout.flush()
    sys.stderr.write(f"{PROG}: {message}\n" if not message.startswith(PROG) else message + "\n")
    return code


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run ``crosswatch-trakt`` with ``argv`` and return the exit code.

    ``clock`` replaces the system clock (tests pass a virtual one, so waits take no time).
    """
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(words)
    except UsageError as exc:
        return fail(str(exc), USAGE, "usage", as_json="--json" in words)
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return fail("name a command (see above).", USAGE, "usage", as_json=args.json)
    _escape_unencodable(sys.stdout, sys.stderr)
    from crosswatch_trakt.cli.command_run import run

    try:
        return run(command(args.command), args, clock=clock)
    except CliError as exc:
        return fail(str(exc), exc.code, exc.reason, as_json=args.json)
