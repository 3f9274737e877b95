"""Output as a person meets it: log records through the progress line, sentences, each once."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import structlog

from crosswatch_trakt.cli.logview import LogView
from crosswatch_trakt.cli.messages import SENTENCES, sentence
from crosswatch_trakt.cli.progressbar import Progress
from crosswatch_trakt.support.log import get_logger
from crosswatch_trakt.testing import FakeTrakt
from tests.cli.conftest import Runner


class _Terminal(io.StringIO):
    """A text stream that claims to be a terminal."""

    def isatty(self) -> bool:
        return True


def _retry(log: object) -> None:
    log.warning(  # type: ignore[attr-defined]
        "http.retry", method="POST", path="/sync/history", cause=502, attempt=1, delay=2.0
    )


def test_a_warning_clears_the_status_line_and_redraws_it() -> None:
    """A warning during a step is printed on a line of its own and the status line comes back."""
    stream = _Terminal()
    progress = Progress(stream)
    view = LogView(progress)
    with view.configured(), progress.step("history: adding 20 item(s)"):
        _retry(get_logger("history"))
        shown = stream.getvalue()
    lines = shown.split("\n")
    warning = next(line for line in lines if "warning:" in line)
    assert warning.split("\r")[-1].startswith("warning: history: Trakt answered 502")
    assert "adding 20 item(s)" not in warning.split("\r")[-1]
    assert lines[-1].strip("\r").startswith("history: adding 20 item(s)")  # drawn again


def test_default_verbosity_speaks_sentences_and_v_names_events() -> None:
    """Without -v a warning is a sentence; with -v it is the event name with its fields."""
    plain, verbose = io.StringIO(), io.StringIO()
    with LogView(Progress(plain)).configured():
        _retry(get_logger("history"))
    with LogView(Progress(verbose), verbose=1).configured():
        _retry(get_logger("history"))
    assert "http.retry" not in plain.getvalue()
    assert "trying again in 2 s" in plain.getvalue()
    assert "[TRAKT:history] http.retry" in verbose.getvalue()
    assert "cause=502" in verbose.getvalue()


def test_each_warning_is_shown_once() -> None:
    """The same warning three times (unknown config keys, per feature) is printed once."""
    stream = io.StringIO()
    with LogView(Progress(stream)).configured():
        for _ in range(3):
            get_logger("config").warning("config.unknown_keys", keys=["colour"])
    assert stream.getvalue().count("unknown setting(s) colour") == 1


def test_every_warning_the_package_logs_has_a_sentence() -> None:
    """Each warning event of the package reads as a sentence, not an event name."""
    source = Path(__file__).resolve().parents[2] / "crosswatch_trakt"
    text = "\n".join(p.read_text(encoding="utf-8") for p in source.rglob("*.py"))
    for event in SENTENCES:
        assert f'"{event}"' in text, f"{event} is no longer logged: drop its sentence"
    assert "Something needs attention" in sentence("new.event", "watchlist", {})


def test_log_file_takes_info_events_whatever_stderr_shows(tmp_path: Path) -> None:
    """``--log-file`` gets info events with a date while stderr, quiet, gets none."""
    path = tmp_path / "run.log"
    stream = io.StringIO()
    with path.open("a", encoding="utf-8") as handle:
        view = LogView(Progress(stream, quiet=True), quiet=True, file=handle)
        with view.configured():
            get_logger("watchlist").info("index.done", items=3)
    assert stream.getvalue() == ""
    line = path.read_text(encoding="utf-8")
    assert "[TRAKT:watchlist] index.done items=3" in line
    assert line[:4].isdigit()


def test_logging_is_restored_after_the_command() -> None:
    """The command configures structlog only while it runs."""
    before = structlog.get_config()["processors"]
    with LogView(Progress(io.StringIO()), verbose=2).configured():
        assert structlog.get_config()["processors"] != before
    assert structlog.get_config()["processors"] == before
    assert LogView(Progress(io.StringIO()), verbose=2).stderr_level == logging.DEBUG


def test_no_progress_draws_nothing_on_a_terminal() -> None:
    """``--no-progress`` keeps the status line off a terminal; notes still come."""
    stream = _Terminal()
    progress = Progress(stream, draw=False)
    with progress.step("reading"):
        pass
    assert "\r" not in stream.getvalue()
    assert "reading: done in" in stream.getvalue()


def test_result_lines_name_their_feature(logged_in: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """Every accounting line on stdout starts with its feature, so ``-q 2>/dev/null`` reads."""
    path = tmp_path / "ratings.json"
    item = {"type": "movie", "title": "Heat", "year": 1995, "ids": {"tmdb": 949}, "rating": 8}
    path.write_text(json.dumps({"ratings": [item]}))
    ran = cli("-q", "import", str(path), "--dry-run")
    assert ran.code == 0, ran.err
    lines = [line for line in ran.out.splitlines() if not line.startswith(" ")]
    assert len(lines) >= 2
    assert all(line.startswith(("ratings", "[dry run] ratings")) for line in lines), ran.out
    assert ran.err == ""
