"""What every fault-matrix test checks: accounting, no duplicate plays, no partial index, tokens."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import pluggy

from crosswatch_trakt.hostspec import ApplyResult, HostContext
from crosswatch_trakt.media.hostitems import host_item_key
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.bench.bench_scenarios import host_item
from crosswatch_trakt.testing.emulator.catalog import Episode, Movie, media_key

USER = "alice"
CACHE_FILES = {
    "watchlist": "trakt_watchlist.shadow.json",
    "ratings": "trakt_ratings.index.json",
    "history": "trakt_history.index.json",
}


def accounted(result: ApplyResult | None, items: Sequence[Any]) -> ApplyResult:
    """Assert the accounting rule: each distinct input key in exactly one bucket."""
    assert result is not None
    keys = list(result["confirmed_keys"]) + list(result["skipped_keys"])
    keys += [entry["key"] for entry in result["unresolved"]]
    assert len(keys) == len(set(keys)), Counter(keys).most_common(3)
    assert len(keys) == len(items)
    assert result["count"] == len(result["confirmed_keys"])
    assert result["ok"] is (not result["unresolved"])
    return result


def reasons(result: ApplyResult) -> dict[str, str]:
    """Return ``{key: reason}`` of the unresolved items."""
    return {entry["key"]: entry["reason"] for entry in result["unresolved"]}


def no_duplicate_plays(fake: FakeTrakt, user: str = USER) -> None:
    """Assert no item has two plays at the same minute on the emulator."""
    marks = Counter((media_key(p.media), p.watched_at) for p in fake.users[user].history.values())
    assert [m for m, n in marks.items() if n > 1] == []


def truth(fake: FakeTrakt, feature: str, user: str = USER) -> int:
    """Return how many items ``feature`` holds on the emulator."""
    state = fake.users[user]
    if feature == "watchlist":
        return len(state.watchlist)
    return len(state.ratings) if feature == "ratings" else len(state.history)


def cache_text(context: HostContext, feature: str) -> str | None:
    """Return the raw cache file of ``feature`` (``None`` when absent)."""
    path = context.state_dir / CACHE_FILES[feature]
    return path.read_text() if path.exists() else None


def newest_tokens(context: HostContext, saved: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """Return the pair the adapter would use next: token file, else the last save, else config."""
    path = context.state_dir / "trakt_tokens.json"
    if path.exists():
        doc = json.loads(path.read_text())
        return doc["access_token"], doc["refresh_token"]
    if saved:
        return saved[-1]["access_token"], saved[-1]["refresh_token"]
    return context.config["access_token"], context.config["refresh_token"]


def token_alive(fake: FakeTrakt, context: HostContext, saved: Sequence[Mapping[str, Any]]) -> None:
    """Assert the adapter still holds a working pair: access valid, refresh not yet used."""
    access, refresh = newest_tokens(context, saved)
    token = fake.tokens.by_access.get(access)
    assert token is not None
    assert token.valid(fake.clock.time())
    assert fake.tokens.by_refresh.get(refresh) is token
    if saved:
        assert (saved[-1]["access_token"], saved[-1]["refresh_token"]) == (access, refresh)


def movies(fake: FakeTrakt, count: int, start: int = 0) -> list[Movie]:
    """Add ``count`` catalogue movies with tmdb and imdb ids."""
    return [
        fake.catalog.add_movie(
            f"Fault Film {i}", 1990 + i % 30, {"tmdb": 700_000 + i, "imdb": f"tt7{i:06d}"}
        )
        for i in range(start, start + count)
    ]


def watched_at(index: int) -> str:
    """Return a distinct minute in December 2025 for play ``index``."""
    day, minute = divmod(index, 600)
    return f"2025-12-{1 + day:02d}T{minute // 60 + 8:02d}:{minute % 60:02d}:00.000Z"


def play_items(media: Sequence[Movie | Episode], start: int = 0) -> list[dict[str, Any]]:
    """Return one host play per item, each at its own minute."""
    return [{**host_item(m), "watched_at": watched_at(start + i)} for i, m in enumerate(media)]


def rating_items(media: Sequence[Movie | Episode], rating: int = 8) -> list[dict[str, Any]]:
    """Return one host rating per item."""
    return [{**host_item(m), "rating": rating} for m in media]


@attrs.define
class Host:
    """A host calling the plugin's hooks, recording the tokens it is asked to save."""

    pm: pluggy.PluginManager
    fake: FakeTrakt
    base: HostContext
    saved: list[Mapping[str, Any]] = attrs.Factory(list)

    def context(self, run: str = "run-1", **changes: Any) -> HostContext:
        """Return the context of run ``run`` (``config`` changes merged in)."""
        config = {**self.base.config, **changes.pop("config", {})}
        return attrs.evolve(
            self.base, run_id=run, config=config, save_config=self.saved.append, **changes
        )

    def index(self, feature: str, run: str = "run-1", **changes: Any) -> dict[str, Any]:
        """Return ``index_snapshot`` of ``feature``."""
        context = self.context(run, **changes)
        result = self.pm.hook.index_snapshot(provider="TRAKT", feature=feature, context=context)
        assert isinstance(result, dict)
        return result

    def apply(
        self, kind: str, feature: str, items: Sequence[Any], run: str = "run-1", **changes: Any
    ) -> ApplyResult:
        """Call ``apply_adds``/``apply_removes`` and check the accounting rule."""
        hook = self.pm.hook.apply_adds if kind == "add" else self.pm.hook.apply_removes
        context = self.context(run, **changes)
        result = hook(
            provider="TRAKT", feature=feature, items=items, context=context, dry_run=False
        )
        return accounted(result, items)

    def complete(self, feature: str, run: str) -> dict[str, Any]:
        """Index ``feature`` in a new run and assert it matches the emulator exactly."""
        snapshot = self.index(feature, run)
        assert len(snapshot) == truth(self.fake, feature)
        return snapshot

    def check(self) -> None:
        """The invariants after any fault: no duplicate plays, a working token."""
        no_duplicate_plays(self.fake)
        token_alive(self.fake, self.base, self.saved)


def state_files(state_dir: Path) -> dict[str, str]:
    """Return every regular file in ``state_dir`` by name."""
    return {p.name: p.read_text() for p in state_dir.iterdir() if p.is_file()}


def keys_of(items: Sequence[Any]) -> list[str | None]:
    """Return the canonical keys of host items."""
    return [host_item_key(item) for item in items]


class RequestWaiter:
    """Wait (on a condition, not a sleep) until the emulator has answered some requests.

    For faults that finish on a server thread after the client gave up (``delay``).
    """

    def __init__(self, monkeypatch: Any, fake: FakeTrakt) -> None:
        self.fake = fake
        self.cond = threading.Condition()
        original = FakeTrakt.record

        def record(this: FakeTrakt, *args: Any, **kwargs: Any) -> None:
            original(this, *args, **kwargs)
            with self.cond:
                self.cond.notify_all()

        monkeypatch.setattr(FakeTrakt, "record", record)

    def wait(self, method: str, path: str, count: int, timeout: float = 10.0) -> None:
        """Block until ``count`` requests of ``method path`` are logged (or fail after timeout)."""
        with self.cond:
            done = self.cond.wait_for(
                lambda: self.fake.log_count(method=method, path=path) >= count, timeout
            )
        assert done, f"the emulator never answered {count} x {method} {path}"
