"""Watched items leave the watchlist (Trakt does it): the cached watchlist follows.

Whether ``watchlist.updated_at`` moves when Trakt takes a watched item off is not documented;
the emulator's ``watched_leave_quietly`` is the case where it does not, so only the adapter's
own knowledge of the plays it wrote can tell the cache is out of date.
"""

from __future__ import annotations

from typing import Any

import pytest

from crosswatch_trakt.testing.emulator.catalog import Episode, Movie, Season, Show

from .support import USER, Host, play_items, truth


@pytest.fixture
def quiet(host: Host) -> Host:
    """Make the emulator take watched items off the watchlist without moving its stamps."""
    host.fake.watched_leave_quietly = True
    return host


def _listed(host: Host, kind: type) -> list[Any]:
    return [e.media for e in host.fake.users[USER].watchlist.values() if isinstance(e.media, kind)]


def test_watched_movies_leave_the_cached_watchlist(quiet: Host) -> None:
    """Plays of two watchlisted movies make the next run read the watchlist again: they are gone."""
    before = quiet.index("watchlist", "run-1")
    watched = _listed(quiet, Movie)[:2]
    assert len(watched) == 2
    result = quiet.apply("add", "history", play_items(watched), "run-2")
    assert result["count"] == 2
    assert truth(quiet.fake, "watchlist") == len(before) - 2
    after = quiet.complete("watchlist", "run-3")
    assert len(after) == len(before) - 2


def test_an_episode_takes_its_show_off_the_cached_watchlist(quiet: Host) -> None:
    """A play of an episode of a watchlisted show takes the show off the cached watchlist too."""
    before = quiet.index("watchlist", "run-1")
    shows = [m for m in _listed(quiet, Show) if isinstance(m, Show)]
    seasons = [m.show for m in _listed(quiet, Season) if isinstance(m, Season)]
    show = (shows or seasons)[0]
    episode = next(iter(next(iter(show.seasons.values())).episodes.values()))
    assert isinstance(episode, Episode)
    quiet.apply("add", "history", play_items([episode]), "run-2")
    after = quiet.complete("watchlist", "run-3")
    assert len(after) < len(before)


def test_plays_of_unlisted_items_keep_the_cache(quiet: Host) -> None:
    """Plays of movies not on the watchlist prove the cache right: no watchlist read follows."""
    quiet.index("watchlist", "run-1")
    listed = {id(m) for m in _listed(quiet, Movie)}
    unlisted = [m for m in quiet.fake.catalog.movies.values() if id(m) not in listed][:2]
    assert len(unlisted) == 2
    quiet.apply("add", "history", play_items(unlisted), "run-2")
    quiet.fake.clear_log()
    quiet.complete("watchlist", "run-3")
    assert quiet.fake.log_count(method="GET", path="/sync/watchlist") == 0


def test_loud_removal_is_followed_too(host: Host) -> None:
    """Where Trakt moves watchlist.updated_at, the result is the same: the watched movie is gone."""
    before = host.index("watchlist", "run-1")
    host.apply("add", "history", play_items(_listed(host, Movie)[:1]), "run-2")
    assert len(host.complete("watchlist", "run-3")) == len(before) - 1
