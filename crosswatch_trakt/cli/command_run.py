"""One command's run: its output streams, progress, log view and log file, and its errors.

Everything a command may raise ends here as a ``CliError`` (one sentence, an exit code and a
reason code for ``--json``), except a reader gone away (``| head``), which ends quietly with
141 like other tools.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from crosswatch_trakt.cli.exitcodes import (
    LOGIN_REQUIRED,
    TRAKT_ERROR,
    USAGE,
    CliError,
    code_for_error,
)
from crosswatch_trakt.cli.logview import LogView
from crosswatch_trakt.cli.progressbar import Progress
from crosswatch_trakt.cli.render import ChunkedOut
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.errors import StateError, TraktError, TransportError
from crosswatch_trakt.support.clock import Clock

__all__ = ["run", "sentence_for"]

#: the exit code of a command whose reader went away (128 + SIGPIPE)
BROKEN_PIPE = 141
INTERRUPTED = 130


def sentence_for(error: TraktError, code: int) -> str:
    """Return the adapter error as one sentence that says what to do."""
    text = str(error).rstrip()
    if code == LOGIN_REQUIRED:
        # the adapter's words are for any host; the command names its own login
        text = text.replace("run the device login first", "run crosswatch-trakt login")
        if "crosswatch-trakt login" not in text:
            return f"{text} Run crosswatch-trakt login."
        return text
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


def reason_for(error: TraktError, code: int) -> str:
    """Return the reason code of an adapter error for ``--json`` (``usage`` for exit 2)."""
    return "usage" if code == USAGE else error.reason


@contextmanager
def _log_file(path: str | None) -> Iterator[TextIO | None]:
    """Open ``--log-file`` for appending (created private, mode 0600), or yield ``None``."""
    if path is None:
        yield None
        return
    where = os.path.expanduser(path)
    try:
        fd = os.open(where, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise CliError(
            f"Cannot open the log file {where} ({exc.strerror}): check --log-file.", USAGE
        ) from exc
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        yield handle


def run(command: Callable[[Runtime], int], args: argparse.Namespace, *, clock: Clock | None) -> int:
    """Run ``command`` with ``args``; return its exit code or raise ``CliError``."""
    progress = Progress(sys.stderr, quiet=args.quiet, draw=not args.no_progress)
    stdin = getattr(sys.stdin, "buffer", None)
    out = ChunkedOut(progress.guard(sys.stdout))
    runtime = Runtime(args, out, progress, os.environ, clock=clock, stdin=stdin)
    with _log_file(args.log_file) as log_file:
        view = LogView(progress, verbose=args.verbose, quiet=args.quiet, file=log_file)
        with view.configured():
            try:
                code = command(runtime)
                sys.stdout.flush()  # inside the try: a reader gone at the last write is a 141 too
                return code
            except TraktError as exc:
                code = code_for_error(exc)
                raise CliError(sentence_for(exc, code), code, reason_for(exc, code)) from exc
            except KeyboardInterrupt:
                raise CliError("Interrupted.", INTERRUPTED, "interrupted") from None
            except BrokenPipeError:
                # the reader went away (``| head``): stop writing, quietly, like other tools
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return BROKEN_PIPE
