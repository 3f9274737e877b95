"""Ambiguous play writes: resent in the run only when Trakt has finished with the request."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from history_fixtures import (  # noqa: F401  (fixtures)
    Demo,
    accounted,
    fixture_demo,
    fixture_history,
    movie_item,
    next_run,
    play_count,
    reasons,
)

from crosswatch_trakt import errors
from crosswatch_trakt.features.history import HistoryFeature
from crosswatch_trakt.features.history.reader import HistoryReader
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.trakt.account import AccountRegistry
from crosswatch_trakt.trakt.session import TraktSession

MOVIE = {"movies": [{"ids": {"tmdb": 603}}]}
WHEN = ("2025-01-01T10:00:00Z", "2025-02-01T10:00:00Z")


class LostAnswer:
    """Make the ``at``-th play write time out on the client, after Trakt applied it or not."""

    def __init__(
        self, session: TraktSession, monkeypatch: pytest.MonkeyPatch, *, applied: bool, at: int = 1
    ) -> None:
        self.seen = 0
        original = session.http.request

        def request(method: str, url: str, **kw: Any) -> Any:
            if method == "POST" and url.endswith("/sync/history"):
                self.seen += 1
                if self.seen == at:
                    if applied:
                        original(method, url, **kw)
                    raise requests.ReadTimeout("read timed out (test)")
            return original(method, url, **kw)

        monkeypatch.setattr(session.http, "request", request)


@pytest.mark.parametrize(
    ("fault", "still"),
    [
        (Fault(method="POST", path="/sync/history", kind="delay", seconds=0.3), True),
        (Fault(method="POST", path="/sync/history", kind="apply_then_drop"), False),
        (Fault(method="POST", path="/sync/history", kind="drop"), False),
        (Fault(method="POST", path="/sync/history", kind="apply_then_status", status=502), False),
        (Fault(method="POST", path="/sync/history", kind="status", status=503), False),
    ],
    ids=["timeout", "apply_then_drop", "drop", "apply_then_502", "503"],
)
def test_session_says_whether_the_write_may_still_apply(
    fake_trakt: FakeTrakt,
    trakt_config: dict[str, Any],
    host_context: HostContext,
    fault: Fault,
    still: bool,
) -> None:
    """Only a client timeout leaves ``AmbiguousWrite.may_still_apply`` true."""
    fake_trakt.catalog.add_movie("The Matrix", 1999, {"tmdb": 603})
    context = HostContext(
        config={**trakt_config, "timeout": 0.05},
        state_dir=host_context.state_dir,
        clock=host_context.clock,
    )
    account = AccountRegistry().account_for(context)
    fake_trakt.faults.add(fault)
    with pytest.raises(errors.AmbiguousWrite) as caught:
        account.session.post_json("/sync/history", MOVIE, feature="history")
    assert caught.value.may_still_apply is still


def test_a_timeout_that_never_landed_is_left_for_the_next_run(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Plays a timed-out write did not add are unresolved, pending in the cache, then sent once."""
    lost = LostAnswer(history.account.session, monkeypatch, applied=False)
    items = [movie_item(demo.movies[0], WHEN[0]), movie_item(demo.movies[1], WHEN[1])]
    result = history.add(items, host_context, False)
    accounted(result, 2)
    assert list(reasons(result).values()) == ["ambiguous_write"] * 2
    detail = result["unresolved"][0]["detail"]
    assert "did not answer" in detail
    assert "checked against Trakt again" in detail
    assert result["stats"]["left_for_next_run"] == 2
    assert lost.seen == 1
    assert fake_trakt.log_count(method="POST", path="/sync/history") == 0
    movies = HistoryReader(history.account).cached().movies
    assert movies is not None
    assert movies.stale
    assert len(movies.pending) == 2
    again = history.add(items, next_run(host_context, "run-2"), False)
    accounted(again, 2)
    assert again["count"] == 2
    assert fake_trakt.log_count(method="POST", path="/sync/history") == 1
    assert play_count(fake_trakt) == 2


def test_a_timeout_that_landed_before_the_read_back_is_confirmed(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Plays the read-back finds after a timeout are confirmed in the run, never resent."""
    LostAnswer(history.account.session, monkeypatch, applied=True)
    items = [movie_item(demo.movies[0], WHEN[0]), movie_item(demo.movies[1], WHEN[1])]
    result = history.add(items, host_context, False)
    accounted(result, 2)
    assert result["count"] == 2
    assert result["unresolved"] == []
    assert fake_trakt.log_count(method="POST", path="/sync/history") == 1
    again = history.add(items, next_run(host_context, "run-2"), False)
    assert len(again["skipped_keys"]) == 2
    assert play_count(fake_trakt) == 2


def test_a_timeout_on_the_resend_stops_the_resends(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    demo: Demo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a 503 the play is resent; when that resend times out it is not sent a third time."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history", status=503))
    lost = LostAnswer(history.account.session, monkeypatch, applied=True, at=2)
    items = [movie_item(demo.movies[0], WHEN[0])]
    result = history.add(items, host_context, False)
    accounted(result, 1)
    assert result["count"] == 1  # the read-back after the timeout found it
    assert lost.seen == 2
    assert play_count(fake_trakt) == 1
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history", status=503))
    lost = LostAnswer(history.account.session, monkeypatch, applied=False, at=2)
    later = [movie_item(demo.movies[1], WHEN[1])]
    result = history.add(later, next_run(host_context, "run-2"), False)
    assert list(reasons(result).values()) == ["ambiguous_write"]
    assert lost.seen == 2
    again = history.add(later, next_run(host_context, "run-3"), False)
    assert again["count"] == 1
    assert play_count(fake_trakt) == 2
