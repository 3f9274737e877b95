"""``crosswatch-trakt``: the argument parser, logging set-up, and errors as exit codes.

Every failure is one sentence on stderr that says what to do, with an exit code from
``exitcodes`` (never a traceback). See ``docs/cli.md``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import structlog

from crosswatch_trakt import __version__
from crosswatch_trakt.cli import (
    commands_account,
    commands_crosswatch,
    commands_data,
    commands_demo,
    commands_emulator,
    commands_import,
    commands_state,
)
from crosswatch_trakt.cli.exitcodes import (
    LOGIN_REQUIRED,
    TRAKT_ERROR,
    USAGE,
    CliError,
    code_for_error,
)
from crosswatch_trakt.cli.progressbar import Progress
from crosswatch_trakt.cli.render import ChunkedOut
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.errors import StateError, TraktError, TransportError
from crosswatch_trakt.features.registry import feature_names
from crosswatch_trakt.support.clock import Clock

__all__ = ["build_parser", "main"]

PROG = "crosswatch-trakt"
Command = Callable[[Runtime], int]
COMMANDS: dict[str, Command] = {
    "login": commands_account.login,
    "logout": commands_account.logout,
    "status": commands_account.status,
    "snapshot": commands_data.snapshot,
    "export": commands_data.export,
    "import": commands_import.import_,
    "state": commands_state.state,
    "demo": commands_demo.demo,
    "emulator": commands_emulator.emulator,
    "crosswatch": commands_crosswatch.crosswatch,
}
FEATURES = feature_names()


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Add the global options (as ``SUPPRESS`` on subcommands, so either place works)."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument(
        "--config", metavar="FILE", default=default(None),
        help="TOML config file (default ~/.config/crosswatch-trakt/config.toml)",
    )  # fmt: skip
    parser.add_argument(
        "--base-url", metavar="URL", default=default(None),
        help="Trakt API URL, e.g. the emulator's http://127.0.0.1:8765",
    )  # fmt: skip
    parser.add_argument(
        "--auth-url", metavar="URL", default=default(None),
        help="OAuth URL (default: the --base-url, or https://auth.trakt.tv for the real API)",
    )  # fmt: skip
    parser.add_argument(
        "--state-dir", metavar="DIR", default=default(None),
        help="state folder: tokens and caches (default ~/.local/state/crosswatch-trakt)",
    )  # fmt: skip
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=default(False),
        help="no progress or notes on stderr",
    )  # fmt: skip
    parser.add_argument(
        "-v", "--verbose", action="count", default=default(0),
        help="log the adapter's events on stderr (-vv: debug)",
    )  # fmt: skip


FRESH_HELP = "read everything from Trakt: delete the feature's cache first"
FEATURES_HELP = "only these features (default: all)"


def _import_parser(imp: argparse.ArgumentParser) -> None:
    imp.add_argument("file", metavar="FILE", help="the backup or items file; - reads stdin")
    imp.add_argument(
        "--features", action="append", metavar="F[,F]",
        help="only these features (default: every feature in the file)",
    )  # fmt: skip
    imp.add_argument("--dry-run", action="store_true", help="plan and account, write nothing")
    imp.add_argument(
        "--remove-missing", action="store_true",
        help="also remove from Trakt what the file does not have",
    )  # fmt: skip
    imp.add_argument(
        "--yes", action="store_true",
        help="confirm removals above the threshold ([import] max_remove_count/_share)",
    )  # fmt: skip
    imp.add_argument(
        "--add-collections", metavar="KINDS",
        help="also collect the restored plays' items: movies, shows or movies,shows",
    )  # fmt: skip
    imp.add_argument("--json", action="store_true", help="print the plans and results as JSON")


def _state_parser(state: argparse.ArgumentParser) -> None:
    state.set_defaults(action="show", feature=None)
    state.add_argument("--json", action="store_true", help="print JSON (state and state show)")
    actions = state.add_subparsers(dest="action", metavar="ACTION")
    show = actions.add_parser("show", help="sizes, watermarks and held-back items (default)")
    show.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="JSON")
    clear = actions.add_parser("clear-holds", help="send the held-back items on the next run")
    clear.add_argument("--feature", choices=FEATURES, help="only this feature's")
    actions.add_parser("reset", help="delete every cache and held-back item; keep the login")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``crosswatch-trakt``."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The Trakt adapter for CrossWatch, as a command: a small host of its own.",
        epilog="Exit codes: 0 success, 1 partial, 2 usage error, 3 login required, "
        "4 Trakt refused, 5 other Trakt or network error. See docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser, suppress=False)
    common = argparse.ArgumentParser(add_help=False)
    _common(common, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, parents=[common])

    add("login", "log in to Trakt with a device code and store the tokens")
    logout = add("logout", "revoke the login at Trakt and delete the stored tokens")
    logout.add_argument(
        "--purge", action="store_true",
        help="also delete the cached personal data (caches, held-back items)",
    )  # fmt: skip
    status = add("status", "account, VIP, token expiry, plan limits, rate limits, activities")
    status.add_argument("--json", action="store_true", help="print JSON")
    snap = add("snapshot", "print the present state of one feature on Trakt")
    snap.add_argument("feature", choices=FEATURES)
    snap.add_argument("--json", action="store_true", help="print {key: item} JSON")
    snap.add_argument("--fresh", action="store_true", help=FRESH_HELP)
    export = add("export", "write a versioned JSON backup of watchlist, ratings and history")
    export.add_argument("--out", metavar="FILE", help="write to FILE (default: stdout)")
    export.add_argument("--features", action="append", metavar="F[,F]", help=FEATURES_HELP)
    export.add_argument("--fresh", action="store_true", help=FRESH_HELP)
    export.add_argument(
        "--json", action="store_true", help="with --out FILE: print the result as JSON"
    )
    _import_parser(add("import", "make Trakt match a backup (or a file of host items)"))
    _state_parser(add("state", "show the state folder; clear held-back items; reset it"))
    add("demo", "run the offline demo against the bundled Trakt emulator")
    commands_emulator.add_arguments(
        add("emulator", "serve the bundled Trakt emulator for host developers")
    )
    commands_crosswatch.add_arguments(
        add("crosswatch", "switch a CrossWatch installation over to this package, or back")
    )
    return parser


@contextmanager
def _logging(verbose: int, quiet: bool) -> Iterator[None]:
    """Send the adapter's structlog events to stderr at the chosen level, then restore."""
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    if quiet and not verbose:
        level = logging.ERROR
    saved = structlog.get_config()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="%H:%M:%S"),
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    try:
        yield
    finally:
        structlog.configure(**saved)


def _sentence(error: TraktError, code: int) -> str:
    text = str(error).rstrip()
    if code == LOGIN_REQUIRED and "crosswatch-trakt login" not in text:
        return f"{text} Run crosswatch-trakt login."
    if isinstance(error, StateError):
        if "run again" in text:  # it names the path and the fix already
            return f"{text} (the state folder is --state-dir)."
        return f"{text}: check --state-dir and its permissions."
    if isinstance(error, TransportError):
        if "check the network" in text.lower():
            return f"{text} Check --base-url too."
        return f"{text} Check the network connection and --base-url."
    if code == TRAKT_ERROR and "try again" not in text.lower():
        return f"{text} Try again later; run with -v for details."
    return text


def _escape_unencodable(*streams: Any) -> None:
    """Print what the terminal cannot encode (a lone surrogate in a title) escaped, not crash."""
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """Run ``crosswatch-trakt`` with ``argv`` and return the exit code.

    ``clock`` replaces the system clock (tests pass a virtual one, so waits take no time).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return USAGE
    _escape_unencodable(sys.stdout, sys.stderr)
    progress = Progress(sys.stderr, quiet=args.quiet)
    stdin = getattr(sys.stdin, "buffer", None)
    runtime = Runtime(
        args, ChunkedOut(progress.guard(sys.stdout)), progress, os.environ, clock=clock, stdin=stdin
    )
    with _logging(args.verbose, args.quiet):
        try:
            code = COMMANDS[args.command](runtime)
            sys.stdout.flush()  # inside the try: a reader gone at the last write is a 141 too
            return code
        except CliError as exc:
            code, message = exc.code, str(exc)
        except TraktError as exc:
            code = code_for_error(exc)
            message = _sentence(exc, code)
        except KeyboardInterrupt:
            code, message = 130, "Interrupted."
        except BrokenPipeError:
            # the reader went away (``| head``): stop writing, quietly, like other tools
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 141
    sys.stderr.write(f"{PROG}: {message}\n")
    return code
