"""The benchmark's workloads: the emulator child with the synthetic account.

The emulator runs in its own process so that the adapter's CPU time and peak memory are
measured alone, and so the two do not share one GIL. Both processes use the same
``ScaledClock`` (its origin is pickled with it; ``time.monotonic`` is system-wide), so the
emulator's rate limits and the adapter's throttle see the same scaled seconds.

The parent talks to the child over a ``multiprocessing`` pipe with ``(command, args)``
tuples; see ``EmulatorChild.handle``. Host items the child hands out are built with the
adapter's own conversion (``traktrows.trakt_media`` + ``hostitems.media_to_host``).
"""

from __future__ import annotations

import contextlib
import random
import resource
import sys
from collections.abc import Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import attrs

from crosswatch_trakt.testing.bench.bench_lists import playlist_check, playlist_items
from crosswatch_trakt.testing.bench.bench_progress import ProgressPlan
from crosswatch_trakt.testing.bench.bench_restore import restore_items, restored
from crosswatch_trakt.testing.bench.bench_spec import BenchSpec
from crosswatch_trakt.testing.emulator.builders import generate_account, host_item
from crosswatch_trakt.testing.emulator.catalog import Episode, Media, Movie, media_key
from crosswatch_trakt.testing.emulator.fake import FakeTrakt
from crosswatch_trakt.testing.emulator.timefmt import format_ts
from crosswatch_trakt.testing.emulator.virtual_clock import ScaledClock

__all__ = [
    "USER",
    "BenchSpec",
    "EmulatorChild",
    "child_main",
    "host_item",
]

USER = "bench"
DAY = 86400.0
START = 1767225600.0  # 2026-01-01T00:00:00Z


def peak_rss_mb() -> float:
    """Return the process's peak resident memory since the last reset (Linux), in MB."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""  # not Linux: getrusage below gives the peak instead
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale / 1024


def rss_mb() -> float:
    """Return the process's resident memory now (Linux; 0.0 elsewhere), in MB."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0  # not Linux: the peak alone is reported
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss() -> None:
    """Reset the peak-RSS mark where the kernel allows it (Linux ``clear_refs`` 5)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


@attrs.define
class EmulatorChild:
    """The emulator, its synthetic account and the scenario helpers (in the child)."""

    fake: FakeTrakt
    spec: BenchSpec
    rng: random.Random
    progress: ProgressPlan = attrs.Factory(ProgressPlan)

    @classmethod
    def build(cls, clock: ScaledClock, spec: BenchSpec) -> EmulatorChild:
        """Create the emulator at Trakt's limits and fill the benchmark account."""
        fake = FakeTrakt(
            clock=clock,
            edge_rate_limits=spec.edge_limits,
            write_entry_cap=spec.write_entry_cap,
            write_seconds_per_entry=spec.write_seconds_per_entry,
        )
        generate_account(
            fake,
            USER,
            watchlist=spec.watchlist,
            ratings=0,
            plays=spec.episode_plays,
            movie_plays=spec.movie_plays,
            seed=spec.seed,
        )
        child = cls(fake, spec, random.Random(spec.seed + 1))
        child._rate_all_types()
        child.progress.seed(fake, USER, spec)
        return child

    def _user_has(self, attr: str, media: Media) -> bool:
        return media_key(media) in getattr(self.fake.users[USER], attr)

    def _unrated(self, pool: Iterable[Media], count: int) -> list[Media]:
        chosen = [m for m in pool if not self._user_has("ratings", m)]
        return chosen[:count]

    def _rate_all_types(self) -> None:
        cat, spec, now = self.fake.catalog, self.spec, self.fake.clock.time()
        pools: list[tuple[Iterable[Media], int]] = [
            (cat.movies.values(), spec.movie_ratings),
            (cat.shows.values(), spec.show_ratings),
            (cat.seasons.values(), spec.season_ratings),
            (cat.episodes.values(), spec.episode_ratings),
        ]
        for pool, count in pools:
            for media in self._unrated(pool, count):
                when = now - 365 * DAY + self.rng.random() * 364 * DAY
                self.fake.rate(USER, media, self.rng.randint(1, 10), when)

    def _played(self) -> tuple[list[Movie], list[Episode]]:
        plays = self.fake.users[USER].history.values()
        movies = {p.media.trakt: p.media for p in plays if isinstance(p.media, Movie)}
        episodes = {p.media.trakt: p.media for p in plays if isinstance(p.media, Episode)}
        return sorted(movies.values(), key=lambda m: m.trakt), sorted(
            episodes.values(), key=lambda e: e.trakt
        )

    def counts(self) -> dict[str, Any]:
        """Return what the account holds now (and whether any play is duplicated)."""
        user = self.fake.users[USER]
        seen: set[tuple[tuple[str, int], float]] = set()
        duplicates = 0
        for play in user.history.values():
            mark = (media_key(play.media), play.watched_at)
            duplicates += mark in seen
            seen.add(mark)
        kinds: dict[str, int] = {}
        for media_type, _trakt in user.ratings:
            kinds[media_type] = kinds.get(media_type, 0) + 1
        return {
            "watchlist": len(user.watchlist),
            "ratings": len(user.ratings),
            "ratings_by_type": kinds,
            "plays": len(user.history),
            "movie_plays": sum(isinstance(p.media, Movie) for p in user.history.values()),
            "duplicate_plays": duplicates,
        }

    def outside_changes(self) -> dict[str, int]:
        """S3: another app records new episode plays and rates a movie, right now."""
        _movies, episodes = self._played()
        now = self.fake.clock.time()
        for index in range(self.spec.s3_plays):
            self.fake.add_play(USER, episodes[index], now - index * 60)
        for movie in self._unrated(self.fake.catalog.movies.values(), self.spec.s3_ratings):
            self.fake.rate(USER, movie, 7, now)
        return {"plays": self.spec.s3_plays, "ratings": self.spec.s3_ratings}

    def s4_items(self) -> dict[str, list[dict[str, Any]]]:
        """S4: host items to add: new watchlist movies, new ratings, new plays."""
        spec, cat, now = self.spec, self.fake.catalog, self.fake.clock.time()
        fresh = [
            cat.add_movie(
                f"Bench New Movie {i}", 2020 + i % 6, {"tmdb": 8_000_000 + i, "imdb": f"tt8{i:07d}"}
            )
            for i in range(spec.s4_watchlist)
        ]
        watchlist = [{**host_item(m), "listed_at": format_ts(now)} for m in fresh]
        n_seasons = spec.s4_ratings // 10
        n_episodes = spec.s4_ratings // 5
        rated_pool = [
            *self._unrated(cat.movies.values(), spec.s4_ratings - n_seasons - n_episodes),
            *self._unrated(cat.seasons.values(), n_seasons),
            *self._unrated(cat.episodes.values(), n_episodes),
        ]
        ratings = [
            {**host_item(m), "rating": 1 + i % 10, "rated_at": format_ts(now - i * 60)}
            for i, m in enumerate(rated_pool)
        ]
        movies, episodes = self._played()
        plays: list[dict[str, Any]] = []
        for i in range(spec.s4_plays):
            media: Media = movies[i % len(movies)] if i % 5 == 0 else episodes[i % len(episodes)]
            minute = int((now - 30 * DAY + self.rng.random() * 29 * DAY) // 60) * 60
            plays.append({**host_item(media), "watched_at": format_ts(minute)})
        return {"watchlist": watchlist, "ratings": ratings, "history": plays}

    def week_items(self, count: int, existing: int) -> dict[str, Any]:
        """W: ``count`` episode plays within the week before the newest play on the account.

        ``existing`` of them are plays the account holds already (same episode, same minute);
        the others are new minutes no play of their episode has. ``window_plays``: the
        episode plays the account holds from the first of them to the last (what a windowed
        read walks).
        """
        user = self.fake.users[USER]
        plays = sorted(user.history.values(), key=lambda p: p.watched_at, reverse=True)
        held = [p for p in plays if isinstance(p.media, Episode)][:existing]
        taken = {(media_key(p.media), p.watched_at) for p in plays}
        newest = plays[0].watched_at if plays else self.fake.clock.time()
        items = [{**host_item(p.media), "watched_at": format_ts(p.watched_at)} for p in held]
        episodes = [p.media for p in held] or self._played()[1][:existing]
        minute = int(newest // 60) * 60
        first = last = float(minute)
        while len(items) < count:
            minute -= 97 * 60  # a week holds 100 of these
            media = episodes[len(items) % len(episodes)]
            if (media_key(media), float(minute)) not in taken:
                items.append({**host_item(media), "watched_at": format_ts(minute)})
                first = min(first, minute)
        first = min([first, *(p.watched_at for p in held)])
        last = max([last, *(p.watched_at for p in held)])
        window = sum(
            isinstance(p.media, Episode) and first <= p.watched_at < last + 60 for p in plays
        )
        return {"items": items, "window_plays": window}

    def handle(self, command: str, args: Any) -> Any:
        """Run one command from the parent and return its answer."""
        if command == "log":
            with self.fake.lock:
                entries = [
                    (e.method, e.path, e.status, e.time, e.entries, e.answer_bytes)
                    for e in self.fake.log
                ]
                self.fake.log.clear()
            return entries
        if command == "counts":
            return self.counts()
        if command == "outside_changes":
            return self.outside_changes()
        if command == "s4_items":
            return self.s4_items()
        if command == "progress_items":
            return self.progress.items(self.fake, USER, self.spec)
        if command == "progress_check":
            return self.progress.check(self.fake, USER, args)
        if command == "playlist_items":
            return playlist_items(self.fake, USER, self.spec.playlist_items)
        if command == "playlist_check":
            return playlist_check(self.fake, USER)
        if command == "restore_items":
            return restore_items(self.fake, args)
        if command == "restored":
            return restored(self.fake)
        if command == "week_items":
            return self.week_items(*args)
        raise ValueError(f"unknown benchmark command {command!r}")


def child_main(conn: Connection, clock: ScaledClock, spec: BenchSpec) -> None:
    """Build and serve the emulator, send its credentials, then answer commands until stop."""
    child = EmulatorChild.build(clock, spec)
    with child.fake.serve() as fake:
        conn.send({**fake.provider_config(USER), "counts": child.counts()})
        while True:
            command, args = conn.recv()
            if command == "stop":
                conn.send(None)
                return
            conn.send(child.handle(command, args))
