"""Shared helpers and fixtures for the history tests (test modules import them by name)."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import pytest

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.features.history import SPEC, HistoryFeature
from crosswatch_trakt.hostspec import ApplyResult, HostContext
from crosswatch_trakt.testing import FakeTrakt, VirtualClock
from crosswatch_trakt.testing.emulator.builders import demo_catalog
from crosswatch_trakt.testing.emulator.catalog import Episode, Movie, Show
from crosswatch_trakt.testing.emulator.timefmt import format_ts
from crosswatch_trakt.trakt.account import TraktAccount, account_for


@attrs.frozen
class Demo:
    """The demo catalogue: ten movies and three shows (Breaking Bad first)."""

    movies: list[Movie]
    shows: list[Show]

    @property
    def breaking(self) -> Show:
        """Return Breaking Bad."""
        return self.shows[0]


@pytest.fixture(name="demo")
def fixture_demo(fake_trakt: FakeTrakt) -> Demo:
    """Return the demo catalogue added to the emulator (no plays yet)."""
    movies, shows = demo_catalog(fake_trakt.catalog)
    return Demo(movies, shows)


@pytest.fixture(name="history")
def fixture_history(host_context: HostContext) -> HistoryFeature:
    """Return the history feature of the emulator account ``alice``."""
    return HistoryFeature(SPEC, account_for(host_context))


def emulator_with_plays_media() -> tuple[FakeTrakt, VirtualClock, list[Movie | Episode]]:
    """Return an emulator with user alice on a virtual clock, and three movies + two episodes."""
    clock = VirtualClock()
    fake = FakeTrakt(clock=clock)
    fake.add_user("alice")
    movies, shows = demo_catalog(fake.catalog)
    return fake, clock, [*movies[:3], shows[0].episode(1, 1), shows[0].episode(1, 2)]


@attrs.frozen
class World:
    """One fresh emulator, account and feature for a single example."""

    fake: FakeTrakt
    context: HostContext
    feature: HistoryFeature
    media: list[Movie | Episode]


@contextmanager
def history_world(**config: Any) -> Iterator[World]:
    """Yield a fresh emulator serving alice (``config`` added), with an empty state folder."""
    fake, clock, media = emulator_with_plays_media()
    with fake.serve(), tempfile.TemporaryDirectory() as state:
        provider = {**fake.provider_config("alice"), **config}
        context = HostContext(config=provider, state_dir=state, clock=clock, run_id="run-1")
        account = TraktAccount.create(TraktConfig.from_mapping(provider), state, clock=clock)
        try:
            yield World(fake, context, HistoryFeature(SPEC, account), media)
        finally:
            account.close()


def rerun_converges(
    w: World,
    items: list[dict[str, Any]],
    before: Counter[Any],
    wanted: Counter[Any],
    on_trakt: Callable[[World], Counter[Any]],
) -> None:
    """Clear the faults and add ``items`` in a new run: each group ends at max(before, wanted)."""
    w.fake.faults.clear()
    again = w.feature.add(items, attrs.evolve(w.context, run_id="run-2"), False)
    accounted(again, len(items))
    assert again["unresolved"] == []
    final = on_trakt(w)
    for group, count in wanted.items():
        assert final[group] == max(before[group], count), group


def with_pair(context: HostContext, **history: Any) -> HostContext:
    """Return ``context`` with pair options ``features.history`` set to ``history``."""
    return attrs.evolve(context, pair={"id": "p1", "features": {"history": history}})


def next_run(context: HostContext, run: str) -> HostContext:
    """Return ``context`` for another host run (a new last-activities read)."""
    return attrs.evolve(context, run_id=run)


def movie_item(movie: Movie, watched_at: str | float | None) -> dict[str, Any]:
    """Return a host play of ``movie`` (tmdb and imdb ids) at ``watched_at``."""
    when = format_ts(watched_at) if isinstance(watched_at, float) else watched_at
    return {
        "type": "movie",
        "title": movie.title,
        "year": movie.year,
        "ids": {"tmdb": movie.ids["tmdb"], "imdb": movie.ids["imdb"]},
        "watched_at": when,
    }


def episode_item(
    episode: Episode, watched_at: str | None, *, own_ids: bool = True
) -> dict[str, Any]:
    """Return a host play of ``episode`` (own tvdb id unless ``own_ids`` is false)."""
    item: dict[str, Any] = {
        "type": "episode",
        "show_ids": {"tvdb": episode.show.ids["tvdb"]},
        "season": episode.season,
        "episode": episode.number,
        "watched_at": watched_at,
    }
    if own_ids:
        item["ids"] = {"tvdb": episode.ids["tvdb"]}
    return item


def accounted(result: ApplyResult, count: int) -> None:
    """Assert the accounting rule: every key in exactly one bucket, ``count`` keys in all."""
    keys = result["confirmed_keys"] + result["skipped_keys"]
    keys += [entry["key"] for entry in result["unresolved"]]
    assert len(keys) == len(set(keys)) == count


def reasons(result: ApplyResult) -> dict[str, str]:
    """Return ``{key: reason}`` of the unresolved items."""
    return {entry["key"]: entry["reason"] for entry in result["unresolved"]}


def play_count(fake: FakeTrakt, user: str = "alice") -> int:
    """Return how many plays ``user`` has on the emulator."""
    with fake.lock:
        return len(fake.users[user].history)


def plays_at(fake: FakeTrakt, media: Movie | Episode, user: str = "alice") -> list[str]:
    """Return the ``watched_at`` stamps of ``media``'s plays, sorted."""
    with fake.lock:
        plays = fake.users[user].plays_of(media)
    return sorted(format_ts(p.watched_at) for p in plays)


def posts(fake: FakeTrakt, path: str) -> list[tuple[int, float]]:
    """Return ``(entries, arrival time)`` of each logged POST to ``path``, in order."""
    with fake.lock:
        return [(e.entries, e.time) for e in fake.log if e.method == "POST" and e.path == path]


def duplicates(fake: FakeTrakt, user: str = "alice") -> int:
    """Return how many plays repeat an (item, watched_at) already on the emulator."""
    with fake.lock:
        history = fake.users[user].history.values()
        marks = [(p.media.type, p.media.trakt, p.watched_at) for p in history]
    return len(marks) - len(set(marks))
