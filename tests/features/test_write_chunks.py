"""Write chunks as large as Trakt handles: counted in the emulator's log, shrinking on faults."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
import requests
from history_fixtures import (  # noqa: F401  (fixtures)
    accounted,
    duplicates,
    episode_item,
    fixture_history,
    movie_item,
    play_count,
    posts,
    with_pair,
)

from crosswatch_trakt.features.chunks import sizer_for
from crosswatch_trakt.features.history import HistoryFeature
from crosswatch_trakt.features.registry import build_feature
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault
from crosswatch_trakt.testing.emulator.catalog import Episode, Movie
from crosswatch_trakt.trakt.account import account_for

START = 1_735_689_600.0  # 2025-01-01T00:00:00Z
#: the sizes these tests count in (issue 18's defaults): adaptive sizing is under test here,
#: the dense defaults in ``test_dense_writes.py``
SIZES = {"flat": 500, "nested": 100}


@pytest.fixture
def host_context(host_context: HostContext) -> HostContext:
    """Return the emulator's context with 500 flat and 100 nested entries per write."""
    return attrs.evolve(host_context, config={**host_context.config, "write_chunks": SIZES})


def movies(fake: FakeTrakt, count: int) -> list[Movie]:
    """Add ``count`` movies to the emulator's catalogue and return them."""
    return [
        fake.catalog.add_movie(f"Chunk Movie {i}", 2000 + i % 20, {"tmdb": 7_000_000 + i,
                               "imdb": f"tt7{i:07d}"})
        for i in range(count)
    ]  # fmt: skip


def plays(items: list[Movie]) -> list[dict[str, Any]]:
    """Return one host play per movie, a minute apart."""
    return [movie_item(m, START + i * 60.0) for i, m in enumerate(items)]


def sizes(fake: FakeTrakt, path: str) -> list[int]:
    """Return the items each logged POST to ``path`` carried, in order."""
    return [entries for entries, _at in posts(fake, path)]


def test_a_thousand_movie_plays_cost_two_history_posts(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """Adding 1,000 movie plays in one call is two POSTs of 500, every play confirmed once."""
    result = history.add(plays(movies(fake_trakt, 1000)), host_context, False)
    accounted(result, 1000)
    assert result["count"] == 1000
    assert fake_trakt.log_count(method="POST", path="/sync/history") == 2
    assert sizes(fake_trakt, "/sync/history") == [500, 500]
    assert play_count(fake_trakt) == 1000


def test_nested_episodes_are_sized_by_their_entries(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """250 episodes nested under one show by numbers go 100 entries a POST, not 250 in one."""
    show = fake_trakt.catalog.add_show("Long Show", 2001, {"tvdb": 4242}, {1: 125, 2: 125})
    episodes: list[Episode] = list(show.episodes())
    items = [
        episode_item(ep, f"2025-03-01T{i // 60:02d}:{i % 60:02d}:00Z", own_ids=False)
        for i, ep in enumerate(episodes)
    ]
    result = history.add(items, with_pair(host_context, number_fallback=True), False)
    accounted(result, 250)
    assert result["count"] == 250
    assert sizes(fake_trakt, "/sync/history") == [100, 100, 50]


def test_flat_and_nested_plays_share_a_chunk_by_weight(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """400 movie plays and 50 nested episodes fill 0.8 + 0.5 of a chunk: two POSTs, not one."""
    show = fake_trakt.catalog.add_show("Mixed Show", 2002, {"tvdb": 4343}, {1: 50})
    nested = [
        episode_item(ep, f"2025-04-01T00:{i:02d}:00Z", own_ids=False)
        for i, ep in enumerate(show.episodes())
    ]
    items = plays(movies(fake_trakt, 400)) + nested
    result = history.add(items, with_pair(host_context, number_fallback=True), False)
    assert result["count"] == 450
    assert sizes(fake_trakt, "/sync/history") == [400 + 20, 30]


def test_oversized_bodies_shrink_the_chunks_and_nothing_doubles(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """Trakt refusing bodies over 300 (502, not applied): read back, then resent as 250s."""
    fake_trakt.faults.add(
        Fault(method="POST", path="/sync/history", status=502, over=300, times=None)
    )
    result = history.add(plays(movies(fake_trakt, 1000)), host_context, False)
    accounted(result, 1000)
    assert result["count"] == 1000
    assert sizes(fake_trakt, "/sync/history") == [500, 250, 250, 250, 250]
    assert result["stats"]["ambiguous_writes"] == 1
    assert result["stats"]["resent"] == 500
    assert play_count(fake_trakt) == 1000
    assert duplicates(fake_trakt) == 0


def test_a_lost_answer_that_landed_is_read_back_not_resent(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """A 502 after Trakt applied 500 plays: the read-back confirms them; the rest go as 250s."""
    fake_trakt.faults.add(
        Fault(method="POST", path="/sync/history", kind="apply_then_status", status=502, over=300)
    )
    result = history.add(plays(movies(fake_trakt, 1000)), host_context, False)
    accounted(result, 1000)
    assert result["count"] == 1000
    assert result["stats"]["reconciled"] == 500
    assert "resent" not in result["stats"]
    assert sizes(fake_trakt, "/sync/history") == [500, 250, 250]
    assert play_count(fake_trakt) == 1000
    assert duplicates(fake_trakt) == 0


def test_sizes_grow_back_after_clean_answers(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """One refused 500 halves the chunks; four clean 250s later they are 500 again."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history", status=503, over=300))
    result = history.add(plays(movies(fake_trakt, 2000)), host_context, False)
    assert result["count"] == 2000
    assert sizes(fake_trakt, "/sync/history") == [500, 250, 250, 250, 250, 500, 500]
    assert duplicates(fake_trakt) == 0


def test_a_shrink_carries_over_to_the_next_call(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """The sizes belong to the account, so the next call starts from what the last one learnt."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history", status=503, over=300))
    films = movies(fake_trakt, 1000)
    history.add(plays(films[:500]), host_context, False)
    assert sizes(fake_trakt, "/sync/history") == [500, 250, 250]
    assert sizer_for(account_for(host_context), "/sync/history").flat == 250
    fake_trakt.clear_log()
    again = history.add(plays(films[500:]), attrs.evolve(host_context, run_id="run-2"), False)
    assert again["count"] == 500
    assert sizes(fake_trakt, "/sync/history") == [250, 250]


def test_history_removes_shrink_and_resend_by_id(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """A refused remove of 500 ids is sent again as 250s; every play is removed once."""
    history.add(plays(movies(fake_trakt, 600)), host_context, False)
    snapshot = history.index(attrs.evolve(host_context, run_id="run-2"))
    fake_trakt.faults.add(Fault(method="POST", path="/sync/history/remove", status=503, over=300))
    fake_trakt.clear_log()
    result = history.remove(
        list(snapshot.values()), attrs.evolve(host_context, run_id="run-3"), False
    )
    accounted(result, 600)
    assert result["count"] == 600
    assert sizes(fake_trakt, "/sync/history/remove") == [500, 250, 250, 100]
    assert play_count(fake_trakt) == 0


@pytest.mark.parametrize("status", [502, 520])
def test_watchlist_upserts_resend_in_smaller_chunks(
    fake_trakt: FakeTrakt, host_context: HostContext, status: int
) -> None:
    """A refused watchlist body is sent once more, split: every item is confirmed once."""
    fake_trakt.users["alice"].settings.watchlist_limit = None
    films = movies(fake_trakt, 600)
    items = [{"type": "movie", "title": m.title, "year": m.year, "ids": {"tmdb": m.ids["tmdb"]}}
             for m in films]  # fmt: skip
    fake_trakt.faults.add(Fault(method="POST", path="/sync/watchlist", status=status, over=300))
    result = build_feature("watchlist", account_for(host_context)).add(items, host_context, False)
    accounted(result, 600)
    assert result["count"] == 600
    assert result["stats"]["ambiguous_resends"] == 1
    assert result["stats"]["ambiguous_writes"] == 1
    assert sizes(fake_trakt, "/sync/watchlist") == [500, 250, 250, 100]
    assert len(fake_trakt.users["alice"].watchlist) == 600


def test_slow_large_bodies_time_out_and_the_chunks_shrink(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Trakt taking 20 ms per item: 40 items time out (0.8 s > 0.6 s); 20 answer in time."""
    fake_trakt.users["alice"].settings.watchlist_limit = None
    films = movies(fake_trakt, 60)
    items = [{"type": "movie", "title": m.title, "year": m.year, "ids": {"tmdb": m.ids["tmdb"]}}
             for m in films]  # fmt: skip
    config = {**host_context.config, "timeout": 0.6, "write_chunks": {**SIZES, "flat": 40}}
    context = attrs.evolve(host_context, config=config)
    fake_trakt.faults.add(
        Fault(method="POST", path="/sync/watchlist", kind="delay", per_entry=0.02, times=None)
    )
    result = build_feature("watchlist", account_for(context)).add(items, context, False)
    accounted(result, 60)
    assert result["count"] == 60
    # the timed-out body is logged when the emulator finishes it, so compare as a multiset
    assert sorted(sizes(fake_trakt, "/sync/watchlist")) == [20, 20, 20, 40]
    assert len(fake_trakt.users["alice"].watchlist) == 60


def test_a_timed_out_write_is_read_back_and_the_next_chunks_shrink(
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    history: HistoryFeature,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first 500 plays land but the answer times out: read back, confirmed, then 250s."""
    session = history.account.session
    original = session.http.request
    timed_out: list[str] = []

    def request(method: str, url: str, **kw: Any) -> Any:
        answer = original(method, url, **kw)
        if method == "POST" and url.endswith("/sync/history") and not timed_out:
            timed_out.append(url)  # Trakt applied it; the client stopped waiting
            raise requests.ReadTimeout("read timed out (test)")
        return answer

    monkeypatch.setattr(session.http, "request", request)
    result = history.add(plays(movies(fake_trakt, 1000)), host_context, False)
    accounted(result, 1000)
    assert result["count"] == 1000
    assert result["stats"]["ambiguous_writes"] == 1
    assert result["stats"]["reconciled"] == 500
    assert sizes(fake_trakt, "/sync/history") == [500, 250, 250]
    assert play_count(fake_trakt) == 1000
    assert duplicates(fake_trakt) == 0


def test_collection_entries_resend_in_smaller_chunks(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """A refused collection body of 500 is sent once more as 250s: all 600 movies collected."""
    fake_trakt.faults.add(Fault(method="POST", path="/sync/collection", status=502, over=300))
    result = history.add(plays(movies(fake_trakt, 600)), host_context, False)
    assert result["count"] == 600
    assert result["stats"]["collection"]["added"] == 600
    assert result["stats"]["collection"]["error"] is None
    assert result["stats"]["collection"]["ambiguous_writes"] == 1
    assert sizes(fake_trakt, "/sync/collection") == [500, 250, 250, 100]
    assert len(fake_trakt.users["alice"].collection) == 600


def test_nested_ratings_count_by_entry(fake_trakt: FakeTrakt, host_context: HostContext) -> None:
    """Ratings of 150 episodes known only by show ids and numbers go 100 to a body, then 50."""
    show = fake_trakt.catalog.add_show("Rated Show", 2003, {"tvdb": 4444}, {1: 150})
    items = [
        {"type": "episode", "show_ids": {"tvdb": 4444}, "season": ep.season,
         "episode": ep.number, "rating": 7, "rated_at": "2025-05-01T10:00:00Z"}
        for ep in show.episodes()
    ]  # fmt: skip
    result = build_feature("ratings", account_for(host_context)).add(items, host_context, False)
    accounted(result, 150)
    assert result["count"] == 150
    assert sizes(fake_trakt, "/sync/ratings") == [100, 50]
    assert len(fake_trakt.users["alice"].ratings) == 150
