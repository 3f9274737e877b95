"""Progress: drawn on a terminal, silent in pipes and with --quiet."""

from __future__ import annotations

import io

from crosswatch_trakt.cli.progressbar import Progress
from crosswatch_trakt.hostspec import ProgressEvent


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        """Return True."""
        return True


def _event(done: int) -> ProgressEvent:
    return ProgressEvent(feature="history", phase="read", done=done, total=4)


def test_terminal_shows_pages() -> None:
    """On a terminal, a step shows its label and the pages read, then leaves one line."""
    stream = Terminal()
    progress = Progress(stream)
    with progress.step("reading history"):
        progress.report(_event(1))
        progress.report(_event(2))
    text = stream.getvalue()
    assert "reading history | history read: page 2/4" in text
    last = text.rsplit("\r", 1)[1]
    assert last.startswith("reading history: done in ")
    assert last.endswith(" s\n")


def test_pipe_gets_plain_lines_and_quiet_stays_silent() -> None:
    """In a pipe each finished step is one plain line (no redraws); quiet writes nothing."""
    pipe = io.StringIO()
    progress = Progress(pipe)
    with progress.step("reading"), progress.step("inner"):
        progress.report(_event(1))
    lines = pipe.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("reading: done in ")
    assert "\r" not in pipe.getvalue()
    progress.note("hello")
    assert pipe.getvalue().endswith("hello\n")
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


def test_parts_are_named_and_count_separately() -> None:
    """Reads name their part, so the ratings' movies and shows each count their own pages."""
    stream = Terminal()
    progress = Progress(stream)
    with progress.step("reading ratings"):
        for what, done, total in (("movies", 8, 8), ("shows", 1, 80)):
            event = ProgressEvent(feature="ratings", phase="read", done=done, total=total)
            event["what"] = what
            progress.report(event)
    text = stream.getvalue()
    assert "ratings movies read: page 8/8" in text
    assert "ratings shows read: page 1/80" in text
    assert "ratings shows read: page 1/80, ETA" not in text


def test_writes_show_the_overall_eta() -> None:
    """After ``overall``, a write reports its place among all the command's writes."""
    stream = Terminal()
    progress = Progress(stream)
    progress.overall(300)
    progress.advance(100)
    with progress.step("history: adding 200 item(s)"):
        progress.report(ProgressEvent(feature="history", phase="write", done=50, total=200))
    assert "all writes 150/300, ETA " in stream.getvalue()
