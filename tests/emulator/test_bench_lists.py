"""The playlist scenarios' emulator side: a free plan's list limits, the movies, the check."""

from __future__ import annotations

from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.bench.bench_lists import FREE_LISTS, playlist_check, playlist_items
from crosswatch_trakt.testing.bench.bench_scenarios import START, USER
from crosswatch_trakt.testing.emulator.builders import generate_account
from crosswatch_trakt.testing.emulator.virtual_clock import VirtualClock


def _account() -> FakeTrakt:
    fake = FakeTrakt(clock=VirtualClock(start=START))
    generate_account(fake, USER, watchlist=0, ratings=0, plays=100, movie_plays=50)
    return fake


def test_items_are_distinct_movies_and_the_plan_is_free() -> None:
    """The host's playlist is distinct movies in a stable order, on a 5 x 250 plan."""
    fake = _account()
    items = playlist_items(fake, USER, 40)
    assert items == playlist_items(_account(), USER, 40)
    assert {item["type"] for item in items} == {"movie"}
    assert len({str(item["ids"]) for item in items}) == len(items)
    settings = fake.users[USER].settings
    assert (settings.list_count, settings.list_item_count) == FREE_LISTS


def test_check_counts_items_per_list_and_repeats() -> None:
    """The check reports each list's size and the items standing on two lists."""
    fake = _account()
    movies = sorted(fake.catalog.movies.values(), key=lambda movie: movie.trakt)
    fake.add_list(USER, "one", movies[:3])
    fake.add_list(USER, "two", movies[2:4])
    assert playlist_check(fake, USER) == {"sizes": {"one": 3, "two": 2}, "repeated": 1}
