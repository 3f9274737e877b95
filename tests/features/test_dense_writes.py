"""Dense writes (issue 27): 2,000 entries a write, shrunk to what Trakt takes, answer-paced."""

from __future__ import annotations

import itertools
from typing import Any

from history_fixtures import (
    accounted,
    duplicates,
    episode_item,
    movie_item,
    play_count,
    posts,
    with_pair,
)
from history_fixtures import fixture_history as fixture_history  # the ``history`` fixture

from crosswatch_trakt.config import DENSE_ENTRIES
from crosswatch_trakt.features.history import HistoryFeature
from crosswatch_trakt.features.registry import build_feature
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.catalog import Movie
from crosswatch_trakt.trakt.account import account_for

START = 1_735_689_600.0  # 2025-01-01T00:00:00Z


def movies(fake: FakeTrakt, count: int) -> list[Movie]:
    """Add ``count`` movies to the emulator's catalogue and return them."""
    return [
        fake.catalog.add_movie(f"Dense Movie {i}", 1990 + i % 30, {"tmdb": 8_000_000 + i})
        for i in range(count)
    ]


def plays(items: list[Movie]) -> list[dict[str, Any]]:
    """Return one host play per movie, a minute apart."""
    return [movie_item(m, START + i * 60.0) | {"ids": {"tmdb": m.ids["tmdb"]}}
            for i, m in enumerate(items)]  # fmt: skip


def test_history_writes_carry_two_thousand_entries(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """5,000 movie plays are three history writes (2,000, 2,000, 1,000), each play once."""
    result = history.add(plays(movies(fake_trakt, 5000)), host_context, False)
    accounted(result, 5000)
    assert result["count"] == 5000
    assert [n for n, _t in posts(fake_trakt, "/sync/history")] == [DENSE_ENTRIES] * 2 + [1000]
    assert play_count(fake_trakt) == 5000


def test_nested_and_flat_entries_count_alike(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """1,500 movie plays and 600 episodes nested by numbers fill one write of 2,000, then 100."""
    show = fake_trakt.catalog.add_show("Dense Show", 2004, {"tvdb": 5151}, {1: 300, 2: 300})
    nested = [
        episode_item(ep, f"2025-06-{1 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z",
                     own_ids=False)
        for i, ep in enumerate(show.episodes())
    ]  # fmt: skip
    items = plays(movies(fake_trakt, 1500)) + nested
    result = history.add(items, with_pair(host_context, number_fallback=True), False)
    accounted(result, 2100)
    assert result["count"] == 2100
    assert [n for n, _t in posts(fake_trakt, "/sync/history")] == [2000, 100]


def test_a_body_over_what_trakt_takes_shrinks_and_nothing_doubles(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """Trakt taking at most 1,500 entries: the 2,000 is refused, read back, resent as 1,000s."""
    fake_trakt.write_entry_cap = 1500
    result = history.add(plays(movies(fake_trakt, 4000)), host_context, False)
    accounted(result, 4000)
    assert result["count"] == 4000
    assert [n for n, _t in posts(fake_trakt, "/sync/history")] == [2000, 1000, 1000, 1000, 1000]
    assert result["stats"]["ambiguous_writes"] == 1
    assert play_count(fake_trakt) == 4000
    assert duplicates(fake_trakt) == 0


def test_upserts_over_the_cap_are_sent_again_smaller(
    fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Ratings over the cap: the refused body goes again in halves, every rating once."""
    fake_trakt.write_entry_cap = 1200
    films = movies(fake_trakt, 2500)
    items = [{"type": "movie", "ids": {"tmdb": m.ids["tmdb"]}, "rating": 1 + i % 10,
              "rated_at": "2025-05-01T10:00:00Z"} for i, m in enumerate(films)]  # fmt: skip
    result = build_feature("ratings", account_for(host_context)).add(items, host_context, False)
    accounted(result, 2500)
    assert result["count"] == 2500
    assert [n for n, _t in posts(fake_trakt, "/sync/ratings")] == [2000, 1000, 1000, 500]
    assert len(fake_trakt.users["alice"].ratings) == 2500


def test_a_slow_write_holds_the_next_one_back(
    fake_trakt: FakeTrakt, host_context: HostContext, history: HistoryFeature
) -> None:
    """Trakt taking 1 ms an entry: each write leaves 1.1 s after the last one was answered."""
    fake_trakt.write_seconds_per_entry = 0.001
    history.add(plays(movies(fake_trakt, 5000)), host_context, False)
    sent = posts(fake_trakt, "/sync/history")
    for (entries, at), (_next, next_at) in itertools.pairwise(sent):
        assert next_at - at >= entries * 0.001 + 1.1 - 1e-6
