"""The progress scenarios' emulator side: the seeded resume points, P2's items, P3's check.

P1 indexes the resume points ``ProgressPlan.seed`` gave the benchmark account (1 in 5 on
movies, the rest on episodes, each item once, percents from the spec's seed). P2's host
items (``ProgressPlan.items``) are new resume points, changed ones and equal ones (taken
from the seeded points with the lowest playback ids; the host removes those with the
highest, from its P1 snapshot, so the sets never meet). ``ProgressPlan.check`` then tells
whether the account holds exactly what was asked: one resume point per item, at the
percent asked, none left of the removed ones.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs

from crosswatch_trakt.testing.bench.bench_spec import BenchSpec
from crosswatch_trakt.testing.emulator.builders import host_item
from crosswatch_trakt.testing.emulator.catalog import Episode, MediaKey, Movie, media_key
from crosswatch_trakt.testing.emulator.fake import FakeTrakt

__all__ = ["SAME_PERCENT", "ProgressPlan"]

#: how close a percent on Trakt must be to the one asked (the adapter's own tolerance)
SAME_PERCENT = 0.1


def _pick(pool: Iterable[Movie | Episode], count: int, rng: random.Random) -> list[Movie | Episode]:
    ordered = sorted(pool, key=lambda media: media.trakt)
    return rng.sample(ordered, min(count, len(ordered)))


def _changed(percent: float) -> float:
    """Return another percent between 5 and 95, at least 1 point away from ``percent``."""
    return round((percent + 37.0) % 90.0 + 5.0, 1)


@attrs.define
class ProgressPlan:
    """What the emulator child seeded and what P2 asked for (in the child only)."""

    #: the seeded resume points: playback id -> item
    seeded: dict[int, MediaKey] = attrs.Factory(dict)
    #: the items P2 asked for (adds, changes, equal ones) and their percent
    asked: dict[MediaKey, float] = attrs.Factory(dict)
    #: the items P2 may add to: not seeded, in catalogue order picked by the seed
    fresh: list[Movie | Episode] = attrs.Factory(list)

    def seed(self, fake: FakeTrakt, user: str, spec: BenchSpec) -> None:
        """Give ``user`` ``spec.resume_points`` resume points (deterministic for the seed).

        Only ``{movies,episodes}.paused_at`` move; no other feature's activity does.
        """
        rng = random.Random(spec.seed + 2)  # its own generator: the others' draws stay put
        n_movies, n_adds = spec.resume_points // 5, spec.p_adds // 5
        movies = _pick(fake.catalog.movies.values(), n_movies + n_adds, rng)
        episodes = _pick(
            fake.catalog.episodes.values(),
            spec.resume_points + spec.p_adds - n_movies - n_adds,
            rng,
        )
        self.fresh = [*movies[n_movies:], *episodes[spec.resume_points - n_movies :]]
        seeded = [*movies[:n_movies], *episodes[: spec.resume_points - n_movies]]
        rng.shuffle(seeded)  # playback ids of both kinds in one mixed sequence
        for media in seeded:
            playback_id = fake.pause(user, media, round(rng.uniform(2.0, 95.0), 1))
            self.seeded[playback_id] = media_key(media)

    def items(self, fake: FakeTrakt, user: str, spec: BenchSpec) -> dict[str, list[dict[str, Any]]]:
        """P2's host items: ``adds`` (new), ``changes`` (another percent), ``same`` (equal)."""
        rng = random.Random(spec.seed + 3)
        with fake.lock:
            entries = sorted(fake.users[user].playback.values(), key=lambda entry: entry.id)
        adds = [(media, round(rng.uniform(2.0, 95.0), 1)) for media in self.fresh[: spec.p_adds]]
        changes = [(e.media, _changed(e.progress)) for e in entries[: spec.p_changes]]
        same = [(e.media, e.progress) for e in entries[spec.p_changes :][: spec.p_same]]
        plan: dict[str, list[dict[str, Any]]] = {}
        for name, pairs in (("adds", adds), ("changes", changes), ("same", same)):
            plan[name] = [{**host_item(media), "progress_percent": pct} for media, pct in pairs]
            self.asked.update((media_key(media), pct) for media, pct in pairs)
        return plan

    def check(self, fake: FakeTrakt, user: str, removed: list[int]) -> dict[str, Any]:
        """Return what the account holds against what was asked (after P3)."""
        with fake.lock:
            entries = list(fake.users[user].playback.values())
        held = Counter(media_key(entry.media) for entry in entries)
        percent = {media_key(entry.media): entry.progress for entry in entries}
        gone = {self.seeded[playback_id] for playback_id in removed if playback_id in self.seeded}
        wrong = [
            key
            for key, asked in self.asked.items()
            if key not in percent or abs(percent[key] - asked) > SAME_PERCENT
        ]
        return {
            "resume_points": len(entries),
            "items": len(held),
            "items_with_two": sum(1 for count in held.values() if count > 1),
            "not_as_asked": len(wrong),
            "removed_left": sum(1 for key in gone if key in held),
            "removed_unknown": len(removed) - len(gone),
            "by_kind": dict(sorted(Counter(entry.media.type for entry in entries).items())),
        }
