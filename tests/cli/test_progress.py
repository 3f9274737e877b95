"""Progress: drawn on a terminal, silent in pipes and with --quiet."""

from __future__ import annotations

import io

from crosswatch_trakt.cli.progress import Progress
from crosswatch_trakt.hostspec import ProgressEvent


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        """Return True."""
        return True


def _event(done: int) -> ProgressEvent:
    return ProgressEvent(feature="history", phase="read", done=done, total=4)


def test_terminal_shows_pages() -> None:
    """On a terminal, a step shows its label and the pages read, then clears the line."""
    stream = Terminal()
    progress = Progress(stream)
    with progress.step("reading history"):
        progress.report(_event(1))
        progress.report(_event(2))
    text = stream.getvalue()
    assert "reading history | history read: page 2/4" in text
    assert text.endswith("\r")


def test_pipe_and_quiet_stay_silent() -> None:
    """In a pipe nothing is drawn; with quiet not even notes are written."""
    pipe = io.StringIO()
    progress = Progress(pipe)
    with progress.step("reading"):
        progress.report(_event(1))
    assert pipe.getvalue() == ""
    progress.note("hello")
    assert pipe.getvalue() == "hello\n"
    quiet = Progress(Terminal(), quiet=True)
    quiet.note("hello")
    with quiet.step("reading"):
        quiet.report(_event(1))
    assert not quiet.enabled


def test_guarded_output_clears_the_status_line() -> None:
    """On a terminal, a result written during a step first clears the status line."""
    stream = Terminal()
    progress = Progress(stream)
    out = progress.guard(stream)
    with progress.step("outer"), progress.step("inner"):
        out.write("result\n")
    text = stream.getvalue()
    assert "\rinner" in text
    assert text.index("\r     \rresult\n") > text.index("\rinner")


def test_guard_is_the_stream_itself_in_a_pipe() -> None:
    """In a pipe the output stream is used as it is."""
    pipe = io.StringIO()
    assert Progress(pipe).guard(pipe) is pipe
