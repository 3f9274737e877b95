"""The benchmark's sizes: the synthetic account and each scenario's change (``BenchSpec``)."""

from __future__ import annotations

import attrs

__all__ = ["BenchSpec"]


@attrs.frozen
class BenchSpec:
    """The synthetic account and the size of each scenario's change."""

    watchlist: int = 1000
    movie_ratings: int = 1000
    show_ratings: int = 200
    season_ratings: int = 300
    episode_ratings: int = 500
    movie_plays: int = 2000
    episode_plays: int = 8000
    seed: int = 1
    #: S3: plays and ratings made elsewhere (another app) between two runs
    s3_plays: int = 5
    s3_ratings: int = 1
    #: S4: items the host adds through the adapter
    s4_watchlist: int = 300
    s4_ratings: int = 500
    s4_plays: int = 1000
    #: S5: plays the host removes by history id
    s5_removes: int = 200
    #: the emulator limits as Trakt's edge does (no ``X-Ratelimit``, HTML 429, 5-min block)
    edge_limits: bool = False
    #: P1: resume points on the account (1 in 5 on movies; ``bench_progress``)
    resume_points: int = 600
    #: P2: resume points the host adds, changes, sends unchanged, and removes
    p_adds: int = 40
    p_changes: int = 20
    p_same: int = 20
    p_removes: int = 20
    #: L1: movies of one host playlist spread over a free account's lists (``bench_lists``)
    playlist_items: int = 600
    #: the emulator's cost of a write: seconds per body entry to apply it, and the largest
    #: body it takes (a larger one is answered 502, nothing applied). 4,800 is the most pakt
    #: nests in one write (issue 27); 0.2 ms per entry answers such a write in about 1 s
    write_seconds_per_entry: float = 0.0002
    write_entry_cap: int | None = 4800

    def ratings(self) -> dict[str, int]:
        """Return the ratings per Trakt type."""
        return {
            "movies": self.movie_ratings,
            "shows": self.show_ratings,
            "seasons": self.season_ratings,
            "episodes": self.episode_ratings,
        }

    @classmethod
    def small(cls) -> BenchSpec:
        """Return a tenth of the default sizes (a quick smoke run of the benchmark)."""
        return cls(
            100, 100, 20, 30, 50, 200, 800, 1, 5, 1, 30, 50, 100, 20,
            resume_points=60, p_adds=10, p_changes=5, p_same=5, p_removes=5,
            playlist_items=300,
        )  # fmt: skip

    @classmethod
    def maxed(cls, scale: float = 1.0) -> BenchSpec:
        """Return scenario M's account (100k plays, 20k ratings, 5k watchlist), edge limits."""

        def n(count: int) -> int:
            return max(1, int(count * scale))

        return cls(
            watchlist=n(5000),
            movie_ratings=n(14000),
            show_ratings=n(1000),
            season_ratings=n(2000),
            episode_ratings=n(3000),
            movie_plays=n(20000),
            episode_plays=n(80000),
            edge_limits=True,
            resume_points=0,
            playlist_items=0,
        )
