"""The benchmark's restore scenario: a backup written into an empty Trakt account.

A source user of the emulator gets a synthetic account (``generate_account`` plus ratings of
every type); its plays (each ``(item, minute)`` once, so a duplicate on the target is the
adapter's), ratings and watchlist become host items, and the host adds them to an empty
second user through the real plugin, as ``crosswatch-trakt import`` or a host restoring a
backup does. Writes, not reads, set the cost: Trakt allows one write per second, so the
number of items per write is what matters. See ``docs/performance.md``.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import attrs

from crosswatch_trakt.testing.emulator.builders import generate_account, host_item
from crosswatch_trakt.testing.emulator.catalog import Media, Movie, media_key
from crosswatch_trakt.testing.emulator.fake import FakeTrakt
from crosswatch_trakt.testing.emulator.faults import Fault
from crosswatch_trakt.testing.emulator.timefmt import format_ts

__all__ = [
    "DENSE_WRITES",
    "RESTORE_TARGET",
    "RESTORE_USER",
    "WRITES_BEFORE",
    "RestoreSpec",
    "duplicate_plays",
    "restore_items",
]

SOURCE_USER = "backup"
RESTORE_USER = "restore"
#: the restore's writes with 100 items per write (the adapter before issue 18), full spec
WRITES_BEFORE = 253
#: the restore must cost at most this share of ``WRITES_BEFORE``
RESTORE_TARGET = 0.25
#: and at most the writes pakt spent on a larger restore (issue 27: 22,000 plays, 21 writes)
DENSE_WRITES = 21


@attrs.frozen
class RestoreSpec:
    """What the backup holds: plays (movies and episodes), ratings and watchlist items."""

    movie_plays: int = 4000
    episode_plays: int = 16000
    ratings: int = 2000
    watchlist: int = 1000
    seed: int = 7
    #: make the emulator refuse (502, nothing applied) every write body over this many items
    refuse_over: int | None = None

    @classmethod
    def small(cls) -> RestoreSpec:
        """Return a tenth of the default sizes."""
        return cls(400, 1600, 200, 100)

    @property
    def plays(self) -> int:
        """Return the number of plays."""
        return self.movie_plays + self.episode_plays


def _unique_plays(fake: FakeTrakt, spec: RestoreSpec) -> list[dict[str, Any]]:
    """Return the source's plays as host items, each ``(item, minute)`` once, oldest first."""
    wanted = {"movie": spec.movie_plays, "episode": spec.episode_plays}
    seen: set[tuple[Any, float]] = set()
    plays: list[dict[str, Any]] = []
    history = fake.users[SOURCE_USER].history.values()
    for play in sorted(history, key=lambda p: (p.watched_at, p.id)):
        mark = (media_key(play.media), play.watched_at)
        if mark in seen or wanted[play.media.type] <= 0:
            continue
        seen.add(mark)
        wanted[play.media.type] -= 1
        plays.append({**host_item(play.media), "watched_at": format_ts(play.watched_at)})
    return plays


def _ratings(fake: FakeTrakt, spec: RestoreSpec) -> list[dict[str, Any]]:
    """Return ``spec.ratings`` host ratings: half movies, then shows, seasons and episodes."""
    rng = random.Random(spec.seed)
    cat = fake.catalog
    share = {"movie": 0.5, "show": 0.1, "season": 0.15}
    pools: list[tuple[list[Media], int]] = [
        (list(cat.movies.values()), int(spec.ratings * share["movie"])),
        (list(cat.shows.values()), int(spec.ratings * share["show"])),
        (list(cat.seasons.values()), int(spec.ratings * share["season"])),
    ]
    pools.append((list(cat.episodes.values()), spec.ratings - sum(n for _p, n in pools)))
    now = fake.clock.time()
    items: list[dict[str, Any]] = []
    for pool, count in pools:
        for media in pool[:count]:
            when = format_ts(now - rng.randrange(1, 365 * 86400))
            items.append({**host_item(media), "rating": rng.randint(1, 10), "rated_at": when})
    return items


def restore_items(fake: FakeTrakt, spec: RestoreSpec) -> dict[str, Any]:
    """Build the backup on a source user and an empty target; return its config and items."""
    spare = 200  # a few more plays than wanted: same-minute repeats are dropped
    generate_account(
        fake,
        SOURCE_USER,
        watchlist=spec.watchlist,
        ratings=0,
        plays=spec.episode_plays + spare,
        movie_plays=spec.movie_plays + spare,
        seed=spec.seed,
    )
    source = fake.users[SOURCE_USER]
    watchlist = [
        {**host_item(entry.media), "listed_at": format_ts(entry.listed_at)}
        for entry in source.watchlist.values()
    ]
    items = {
        "watchlist": watchlist[: spec.watchlist],
        "ratings": _ratings(fake, spec),
        "history": _unique_plays(fake, spec),
    }
    fake.add_user(RESTORE_USER, watchlist_limit=None)
    if spec.refuse_over is not None:
        fake.faults.add(Fault(method="POST", status=502, over=spec.refuse_over, times=None))
    return {"config": fake.provider_config(RESTORE_USER), "items": items}


def duplicate_plays(fake: FakeTrakt, username: str) -> int:
    """Return how many of ``username``'s plays repeat an ``(item, watched_at)`` already seen."""
    plays = fake.users[username].history.values()
    marks = Counter((media_key(p.media), p.watched_at) for p in plays)
    return sum(count - 1 for count in marks.values())


def restored(fake: FakeTrakt) -> dict[str, Any]:
    """Return what the target account holds after the restore."""
    user = fake.users[RESTORE_USER]
    return {
        "plays": len(user.history),
        "movie_plays": sum(isinstance(p.media, Movie) for p in user.history.values()),
        "ratings": len(user.ratings),
        "watchlist": len(user.watchlist),
        "collection": len(user.collection),
        "duplicate_plays": duplicate_plays(fake, RESTORE_USER),
    }
