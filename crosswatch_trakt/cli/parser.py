"""The argument parser of ``crosswatch-trakt``: every command, its options and their help.

Building it imports nothing beyond the standard library and the light option module of the
emulator, so ``--help`` (and a usage error) costs a Python start and little more; each
command's code is imported when it runs (``main.COMMANDS``). A bad argument is one sentence
and exit 2 (``UsageError``), never the usage block.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from crosswatch_trakt._version import __version__
from crosswatch_trakt.testing.emulator.options import add_arguments as emulator_arguments

__all__ = ["FEATURES", "PROG", "UsageError", "build_parser"]

PROG = "crosswatch-trakt"
#: the features the commands take (``features.registry.feature_names``; a test keeps them equal)
FEATURES = ("watchlist", "ratings", "history", "progress", "playlists")
FRESH_HELP = "read everything from Trakt: delete the feature's cache first"
FEATURES_HELP = "only these features (default: all)"
FOLDER_HELP = "CrossWatch's folder, the one that holds cw_platform/ (its container: /app)"


class UsageError(Exception):
    """A bad command line: ``str()`` is the one sentence to print."""


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors raise ``UsageError`` instead of printing usage."""

    def error(self, message: str) -> NoReturn:
        """Raise ``UsageError``: the message and where the help is."""
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help).")


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
        "--json", action="store_true", default=default(False),
        help="print the result, or the failure, as one JSON object on stdout",
    )  # fmt: skip
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=default(False),
        help="no progress or notes on stderr (warnings neither; errors still)",
    )  # fmt: skip
    parser.add_argument(
        "-v", "--verbose", action="count", default=default(0),
        help="show the adapter's events by name with their fields (-vv: debug)",
    )  # fmt: skip
    parser.add_argument(
        "--no-progress", action="store_true", default=default(False),
        help="draw no status line, even on a terminal (notes and warnings stay)",
    )  # fmt: skip
    parser.add_argument(
        "--log-file", metavar="FILE", default=default(None),
        help="append every adapter event (info; -vv: debug) to FILE, whatever stderr shows",
    )  # fmt: skip


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


def _actions(
    parser: argparse.ArgumentParser,
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """Return the ``ACTION`` subcommands of ``parser``."""
    return parser.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)


def _action(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    name: str,
    help: str,
) -> argparse.ArgumentParser:
    """Add the action ``name``; it takes the global options too (``state reset --json``)."""
    return actions.add_parser(name, help=help, description=help, parents=[common])


def _state_parser(state: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    state.set_defaults(action="show", feature=None)
    actions = _actions(state)
    _action(actions, common, "show", "sizes, watermarks and held-back items (default)")
    clear = _action(actions, common, "clear-holds", "send the held-back items on the next run")
    clear.add_argument("--feature", choices=FEATURES, help="only this feature's")
    _action(actions, common, "reset", "delete every cache and held-back item; keep the login")


def _crosswatch_parser(parser: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    parser.set_defaults(action="status", folder=".", check=False)
    actions = _actions(parser)
    status = _action(actions, common, "status", "say what the tree loads for Trakt (default)")
    status.add_argument("folder", nargs="?", default=".", help=FOLDER_HELP)
    for name, help in (
        ("install", "make CrossWatch load this package for Trakt"),
        ("uninstall", "put CrossWatch's own Trakt module back, byte for byte"),
    ):
        action = _action(actions, common, name, help)
        action.add_argument("folder", help=FOLDER_HELP)
        action.add_argument(
            "--check", action="store_true",
            help="change nothing; exit 0 when nothing is to do, 1 when it would change the tree",
        )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``crosswatch-trakt``."""
    parser = Parser(
        prog=PROG,
        description="The Trakt adapter for CrossWatch, as a command: a small host of its own.",
        epilog="Exit codes: 0 success, 1 partial, 2 usage error, 3 login required, "
        "4 Trakt refused, 5 other Trakt or network error. See docs/cli.md.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser, suppress=False)
    common = Parser(add_help=False)
    _common(common, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, parents=[common])

    add("login", "log in to Trakt with a device code and store the tokens")
    logout = add("logout", "revoke the login at Trakt and delete the stored tokens")
    logout.add_argument(
        "--purge", action="store_true",
        help="also delete the cached personal data (caches, held-back items, lock files)",
    )  # fmt: skip
    add("status", "account, VIP, token expiry, plan limits, rate limits, activities")
    snap = add("snapshot", "print the present state of one feature on Trakt")
    snap.add_argument("feature", choices=FEATURES)
    snap.add_argument("--fresh", action="store_true", help=FRESH_HELP)
    export = add("export", "write a versioned JSON backup of watchlist, ratings and history")
    export.add_argument("--out", metavar="FILE", help="write to FILE (default: stdout)")
    export.add_argument("--features", action="append", metavar="F[,F]", help=FEATURES_HELP)
    export.add_argument("--fresh", action="store_true", help=FRESH_HELP)
    _import_parser(add("import", "make Trakt match a backup (or a file of host items)"))
    _state_parser(add("state", "show the state folder; clear held-back items; reset it"), common)
    add("config", "show the effective settings, where each came from, and the paths in use")
    add("demo", "run the offline demo against the bundled Trakt emulator")
    emulator_arguments(add("emulator", "serve the bundled Trakt emulator for host developers"))
    _crosswatch_parser(
        add("crosswatch", "switch a CrossWatch installation over to this package, or back"),
        common,
    )
    completion = add("completion", "print a shell completion script: bash, zsh or fish")
    completion.add_argument("shell", choices=("bash", "zsh", "fish"))
    return parser
