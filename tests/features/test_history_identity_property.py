"""Property: the same plays added over many runs, by any identity, land exactly once."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
from history_fixtures import accounted, emulator_with_plays_media
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.features.history import SPEC, HistoryFeature
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault, VirtualClock
from crosswatch_trakt.testing.emulator.catalog import Episode, Movie
from crosswatch_trakt.testing.emulator.timefmt import parse_ts
from crosswatch_trakt.trakt.account import TraktAccount

MINUTES = ("2025-01-01T10:00", "2025-01-01T10:01", "2025-03-15T22:30")
#: how a movie may be sent: by its ids, or by title + year with an id Trakt does not know
MOVIE_IDENTITIES = ("ids", "title")
#: how an episode may be sent: its own ids, its show's ids + numbers, or both
EPISODE_IDENTITIES = ("own", "numbers", "both")

play_specs = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, len(MINUTES) - 1)), min_size=1, max_size=6
).map(lambda specs: list(dict.fromkeys(specs)))
first_faults = st.none() | st.sampled_from(
    [
        Fault(method="POST", path="/sync/history", kind="apply_then_drop"),
        Fault(method="POST", path="/sync/history", kind="apply_then_status", status=502),
        Fault(method="POST", path="/sync/history", kind="status", status=503),
    ]
)
run_specs = st.lists(
    st.tuples(st.booleans(), st.lists(st.integers(0, 2), min_size=6, max_size=6)),
    min_size=2,
    max_size=4,
)


@attrs.define
class World:
    """One emulator with the demo catalogue, and a state folder that may be wiped."""

    fake: FakeTrakt
    clock: VirtualClock
    state: Path
    chunk: int
    media: list[Movie | Episode]
    account: TraktAccount | None = None

    def feature(self, wiped: bool) -> HistoryFeature:
        """Return the history feature of a new account object (as a new process would)."""
        if self.account is not None:
            self.account.close()
        if wiped:
            shutil.rmtree(self.state)
        self.account = TraktAccount.create(
            TraktConfig.from_mapping(self.config()), self.state, clock=self.clock
        )
        return HistoryFeature(SPEC, self.account)

    def config(self) -> dict[str, Any]:
        """Return the provider config pointing at the emulator."""
        return {**self.fake.provider_config("alice"), "write_chunk_size": self.chunk}


@contextmanager
def world(chunk: int) -> Iterator[World]:
    """Yield a fresh emulator serving alice with three movies and two episodes."""
    fake, clock, media = emulator_with_plays_media()
    with fake.serve(), tempfile.TemporaryDirectory() as state:
        w = World(fake, clock, Path(state) / "trakt", chunk, media)
        try:
            yield w
        finally:
            if w.account is not None:
                w.account.close()


def host_item(target: Movie | Episode, minute: int, identity: int) -> dict[str, Any]:
    """Return a host play of ``target`` at ``MINUTES[minute]``, sent by the chosen identity."""
    when = f"{MINUTES[minute]}:17Z"
    if isinstance(target, Movie):
        if MOVIE_IDENTITIES[identity % 2] == "ids":
            ids = {"tmdb": target.ids["tmdb"], "imdb": target.ids["imdb"]}
            return {"type": "movie", "ids": ids, "watched_at": when}
        return {
            "type": "movie",
            "title": target.title,
            "year": target.year,
            "ids": {"plex": str(target.trakt)},
            "watched_at": when,
        }
    item: dict[str, Any] = {"type": "episode", "watched_at": when}
    how = EPISODE_IDENTITIES[identity]
    if how in ("own", "both"):
        item["ids"] = {"tvdb": target.ids["tvdb"]}
    if how in ("numbers", "both"):
        item.update(show_ids={"tmdb": target.show.ids["tmdb"]}, season=target.season)
        item["episode"] = target.number
    return item


def pair_context(w: World, run: str) -> HostContext:
    """Return the host context of one run, number fallback on."""
    return HostContext(
        config=w.config(),
        state_dir=w.state,
        clock=w.clock,
        run_id=run,
        pair={"id": "p1", "features": {"history": {"number_fallback": True}}},
    )


def on_trakt(w: World) -> Counter[tuple[int, int]]:
    """Count alice's plays per (media, minute); minute -1 is any minute not in ``MINUTES``."""
    minute_of = {parse_ts(m + ":00Z"): i for i, m in enumerate(MINUTES)}
    with w.fake.lock:
        plays = list(w.fake.users["alice"].history.values())
    return Counter((w.media.index(p.media), minute_of.get(p.watched_at, -1)) for p in plays)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plays=play_specs,
    before=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2)), max_size=3),
    runs=run_specs,
    chunk=st.integers(1, 4),
    fault=first_faults,
)
def test_same_plays_over_runs_by_any_identity_land_once(
    plays: list[tuple[int, int]],
    before: list[tuple[int, int]],
    runs: list[tuple[bool, list[int]]],
    chunk: int,
    fault: Fault | None,
) -> None:
    """Each run re-adds the plays by fresh identities: one play each, later runs all skipped.

    With a fault in the first run's writes, that run may leave plays unwritten (never
    doubled); the second run completes them and every run after it skips them all.
    """
    with world(chunk) as w:
        for media, minute in before:
            w.fake.add_play("alice", w.media[media], f"{MINUTES[minute]}:00Z")
        there = on_trakt(w)
        wanted = {(media, minute): max(1, there[(media, minute)]) for media, minute in plays}
        for number, (wiped, identities) in enumerate(runs, start=1):
            items = [
                host_item(w.media[media], minute, identities[i])
                for i, (media, minute) in enumerate(plays)
            ]
            context = pair_context(w, f"run-{number}")
            if fault is not None and number == 1:
                w.fake.faults.add(fault)
            result = w.feature(wiped and number > 1).add(items, context, False)
            w.fake.faults.clear()
            accounted(result, len(items))
            counts = on_trakt(w)
            if fault is not None and number == 1:
                assert all(counts[spec] <= wanted[spec] for spec in wanted)
                assert set(counts) <= set(there) | set(wanted)
                w.clock.advance(3600)
                continue
            assert result["unresolved"] == []
            if number > (1 if fault is None else 2):
                assert len(result["skipped_keys"]) == len(items), result
            elif fault is None:
                new = sum(1 for spec in plays if there[spec] == 0)
                assert len(result["confirmed_keys"]) == new
            assert counts == Counter({**there, **wanted})
            w.clock.advance(3600)


#: how a play is named for removal: an identity of ``host_item``, or the index's own item
REMOVE_FORMS = st.sampled_from(["id0", "id1", "id2", "snapshot"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plays=play_specs,
    identities=st.lists(st.integers(0, 2), min_size=6, max_size=6),
    others=st.lists(st.integers(0, 4), max_size=3),
    forms=st.lists(st.one_of(st.none(), REMOVE_FORMS), min_size=6, max_size=6),
    wiped=st.booleans(),
)
def test_removes_by_any_identity_delete_exactly_those_plays(
    plays: list[tuple[int, int]],
    identities: list[int],
    others: list[int],
    forms: list[str | None],
    wiped: bool,
) -> None:
    """Removing plays by any identity, or by the index's item, deletes exactly those plays.

    Plays of the same items at another minute stay; a second remove books them all skipped.
    """
    with world(2) as w:
        add = [host_item(w.media[m], minute, identities[i]) for i, (m, minute) in enumerate(plays)]
        assert w.feature(False).add(add, pair_context(w, "run-1"), False)["unresolved"] == []
        for media in others:
            w.fake.add_play("alice", w.media[media], "2024-06-06T06:06:00Z")
        w.clock.advance(3600)
        feature = w.feature(wiped)
        context = pair_context(w, "run-2")
        snapshot = list(feature.index(context).values())
        chosen = [(spec, form) for spec, form in zip(plays, forms, strict=False) if form]
        items = []
        for (media, minute), form in chosen:
            if form == "snapshot":
                stamp = f"{MINUTES[minute]}:00.000Z"
                (item,) = [
                    i for i in snapshot if i["watched_at"] == stamp and _is(w.media[media], i)
                ]
                items.append(item)
            else:
                items.append(host_item(w.media[media], minute, int(form[-1])))
        expected = on_trakt(w) - Counter(spec for spec, _ in chosen)
        result = feature.remove(items, context, False)
        accounted(result, len(items))
        assert result["unresolved"] == []
        assert len(result["confirmed_keys"]) == len(items)
        assert on_trakt(w) == expected
        again = w.feature(False).remove(items, pair_context(w, "run-3"), False)
        assert len(again["skipped_keys"]) == len(items)
        assert on_trakt(w) == expected


def _is(target: Movie | Episode, item: dict[str, Any]) -> bool:
    """Return whether the index item ``item`` is a play of ``target``."""
    return item["type"] == target.type and item["ids"].get("trakt") == target.trakt
