"""The watchlist feature end to end through the hooks, against the emulator over HTTP."""

from __future__ import annotations

from typing import Any

import attrs
import pluggy
import pytest

from crosswatch_trakt.errors import IncompleteRead
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import FakeTrakt, Fault, VirtualClock
from crosswatch_trakt.testing.emulator.catalog import Movie, media_key


def movie_item(movie: Movie) -> dict[str, Any]:
    """Return the host item for a catalogue movie (by tmdb and imdb ids)."""
    return {
        "type": "movie",
        "title": movie.title,
        "year": movie.year,
        "ids": {k: movie.ids[k] for k in ("tmdb", "imdb") if movie.ids.get(k)},
    }


def add_movies(fake: FakeTrakt, count: int, start: int = 0) -> list[Movie]:
    """Add ``count`` movies to the catalogue with tmdb and imdb ids."""
    return [
        fake.catalog.add_movie(
            f"Film {i}", 2000 + i % 20, {"tmdb": 100_000 + i, "imdb": f"tt{500_000 + i}"}
        )
        for i in range(start, start + count)
    ]


def index(pm: pluggy.PluginManager, context: HostContext) -> dict[str, Any]:
    """Return the watchlist snapshot through the hook."""
    result: dict[str, Any] = pm.hook.index_snapshot(
        provider="TRAKT", feature="watchlist", context=context
    )
    return result


def adds(
    pm: pluggy.PluginManager, context: HostContext, items: list[Any], dry_run: bool = False
) -> Any:
    """Call apply_adds for the watchlist."""
    return pm.hook.apply_adds(
        provider="TRAKT", feature="watchlist", items=items, context=context, dry_run=dry_run
    )


def removes(pm: pluggy.PluginManager, context: HostContext, items: list[Any]) -> Any:
    """Call apply_removes for the watchlist."""
    return pm.hook.apply_removes(
        provider="TRAKT", feature="watchlist", items=items, context=context, dry_run=False
    )


def accounted(result: Any, count: int) -> None:
    """Assert the accounting rule: each key in exactly one bucket, ``count`` keys in all."""
    keys = result["confirmed_keys"] + result["skipped_keys"]
    keys += [entry["key"] for entry in result["unresolved"]]
    assert len(keys) == len(set(keys)) == count


def test_600_items_read_completely(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A 600-item watchlist is read to the end in pages of 250, every item keyed."""
    for movie in add_movies(fake_trakt, 600):
        fake_trakt.watchlist_add("alice", movie)
    snapshot = index(pm, host_context)
    assert len(snapshot) == 600
    assert "movie:tmdb:100000" in snapshot
    assert snapshot["movie:tmdb:100599"]["ids"]["imdb"] == "tt500599"
    assert fake_trakt.log_count(path="/sync/watchlist") == 3


def test_unchanged_reindex_costs_one_request(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A re-index in a new run with nothing changed makes exactly one request (the gate)."""
    for movie in add_movies(fake_trakt, 30):
        fake_trakt.watchlist_add("alice", movie)
    first = index(pm, host_context)
    fake_trakt.clear_log()
    second = index(pm, attrs.evolve(host_context, run_id="run-2"))
    assert second == first
    assert len(fake_trakt.log) == 1
    assert fake_trakt.log[0].path == "/sync/last_activities"


def test_change_triggers_reread(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A change made elsewhere moves the watermark and the next run re-reads the watchlist."""
    movies = add_movies(fake_trakt, 3)
    fake_trakt.watchlist_add("alice", movies[0])
    assert len(index(pm, host_context)) == 1
    fake_trakt.watchlist_add("alice", movies[1])
    assert len(index(pm, attrs.evolve(host_context, run_id="run-2"))) == 2


def test_incomplete_read_raises_and_keeps_shadow(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A page that keeps failing raises IncompleteRead and the old shadow stays as it was."""
    for movie in add_movies(fake_trakt, 300):
        fake_trakt.watchlist_add("alice", movie)
    first = index(pm, host_context)
    extra = add_movies(fake_trakt, 1, start=1000)[0]
    fake_trakt.watchlist_add("alice", extra)
    fake_trakt.faults.add(
        Fault(method="GET", path="/sync/watchlist", kind="status", status=503, page=2, times=1000)
    )
    context = attrs.evolve(host_context, run_id="run-2")
    with pytest.raises(IncompleteRead):
        index(pm, context)
    shadow = (host_context.state_dir / "trakt_watchlist.shadow.json").read_text()
    assert "movie:tmdb:101000" not in shadow
    assert len(first) == 300


def test_mixed_adds_account_for_every_item(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """New, existing, not-found and invalid items each land in the right bucket."""
    movies = add_movies(fake_trakt, 3)
    fake_trakt.watchlist_add("alice", movies[0])
    unknown = {"type": "movie", "title": "Nope", "year": 1900, "ids": {"tmdb": 99_999_999}}
    invalid = {"type": "podcast", "ids": {"tmdb": 1}}
    no_ids = {"type": "movie"}
    items = [movie_item(m) for m in movies] + [unknown, invalid, no_ids]
    result = adds(pm, host_context, items)
    accounted(result, 6)
    assert sorted(result["confirmed_keys"]) == ["movie:tmdb:100001", "movie:tmdb:100002"]
    assert result["skipped_keys"] == ["movie:tmdb:100000"]
    reasons = {entry["key"]: entry["reason"] for entry in result["unresolved"]}
    assert reasons["movie:tmdb:99999999"] == "not_found"
    assert sorted(reasons.values()) == ["invalid_item", "missing_ids", "not_found"]
    assert set(fake_trakt.users["alice"].watchlist) == {media_key(m) for m in movies}


def test_plan_limit_from_settings(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Items beyond the plan's room are not sent and are reported account_limit."""
    fake_trakt.users["alice"].settings.watchlist_limit = 5
    movies = add_movies(fake_trakt, 8)
    fake_trakt.watchlist_add("alice", movies[0])
    result = adds(pm, host_context, [movie_item(m) for m in movies[1:]])
    accounted(result, 7)
    assert len(result["confirmed_keys"]) == 4
    limited = [e for e in result["unresolved"] if e["reason"] == "account_limit"]
    assert len(limited) == 3
    assert "limit is 5" in limited[0]["detail"]
    assert len(fake_trakt.users["alice"].watchlist) == 5


@pytest.mark.parametrize(("vip", "room"), [(False, 250), (True, None)])
def test_settings_without_limits_assume_the_free_plan(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    vip: bool,
    room: int | None,
) -> None:
    """Settings carrying no limits: a free account gets 250 (nothing refused), a VIP none."""
    settings = fake_trakt.users["alice"].settings
    settings.reports_limits, settings.vip = False, vip
    settings.watchlist_limit = 250 if not vip else None
    movies = add_movies(fake_trakt, 260)
    for movie in movies[:240]:
        fake_trakt.watchlist_add("alice", movie)
    result = adds(pm, host_context, [movie_item(m) for m in movies[240:]])
    accounted(result, 20)
    limited = [e for e in result["unresolved"] if e["reason"] == "account_limit"]
    assert len(limited) == (10 if room else 0)
    assert len(result["confirmed_keys"]) == (10 if room else 20)
    assert fake_trakt.log_count(status=420) == 0


def test_a_configured_watchlist_limit_wins_without_reading_settings(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """watchlist_limit in the config overrides the plan's and spares the settings read."""
    movies = add_movies(fake_trakt, 6)
    context = attrs.evolve(host_context, config={**host_context.config, "watchlist_limit": 4})
    result = adds(pm, context, [movie_item(m) for m in movies])
    assert len(result["confirmed_keys"]) == 4
    assert [e["reason"] for e in result["unresolved"]] == ["account_limit"] * 2
    assert fake_trakt.log_count(path="/users/settings") == 0


def test_420_stops_watchlist_writes_for_the_run(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A scripted 420 fails that chunk and every later one as account_limit, none confirmed."""
    movies = add_movies(fake_trakt, 5)
    fake_trakt.faults.add(
        Fault(method="POST", path="/sync/watchlist", kind="status", status=420, times=1)
    )
    context = attrs.evolve(host_context, config={**host_context.config, "write_chunk_size": 2})
    result = adds(pm, context, [movie_item(m) for m in movies])
    accounted(result, 5)
    assert result["confirmed_keys"] == []
    assert {e["reason"] for e in result["unresolved"]} == {"account_limit"}
    assert fake_trakt.log_count(method="POST", path="/sync/watchlist") == 1
    again = adds(pm, context, [movie_item(movies[0])])
    assert again["unresolved"][0]["reason"] == "account_limit"
    assert fake_trakt.log_count(method="POST", path="/sync/watchlist") == 1


def test_removes(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Removes delete what is there and skip what is not, without sending the absent ones."""
    movies = add_movies(fake_trakt, 3)
    fake_trakt.watchlist_add("alice", movies[0])
    fake_trakt.watchlist_add("alice", movies[1])
    result = removes(pm, host_context, [movie_item(m) for m in movies])
    accounted(result, 3)
    assert sorted(result["confirmed_keys"]) == ["movie:tmdb:100000", "movie:tmdb:100001"]
    assert result["skipped_keys"] == ["movie:tmdb:100002"]
    assert fake_trakt.users["alice"].watchlist == {}
    assert index(pm, attrs.evolve(host_context, run_id="run-2")) == {}


def test_unresolved_back_off(
    pm: pluggy.PluginManager,
    fake_trakt: FakeTrakt,
    host_context: HostContext,
    trakt_clock: VirtualClock,
) -> None:
    """A not-found item is held back until the back-off passes or its ids change."""
    unknown = {"type": "movie", "title": "Nope", "year": 1900, "ids": {"tmdb": 99_999_999}}
    first = adds(pm, host_context, [unknown])
    assert first["unresolved"][0]["reason"] == "not_found"
    posts = fake_trakt.log_count(method="POST", path="/sync/watchlist")
    second = adds(pm, attrs.evolve(host_context, run_id="run-2"), [unknown])
    assert second["unresolved"][0]["reason"] == "previously_not_found"
    assert fake_trakt.log_count(method="POST", path="/sync/watchlist") == posts
    changed = {**unknown, "ids": {"tmdb": 99_999_999, "imdb": "tt0000001"}}
    third = adds(pm, attrs.evolve(host_context, run_id="run-3"), [changed])
    assert third["unresolved"][0]["reason"] == "not_found"
    trakt_clock.advance(8 * 86400)
    fourth = adds(pm, attrs.evolve(host_context, run_id="run-4"), [changed])
    assert fourth["unresolved"][0]["reason"] == "not_found"
    assert fake_trakt.log_count(method="POST", path="/sync/watchlist") == posts + 2


def test_dry_run_writes_nothing(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """A dry run reports what would be added and sends no write."""
    movies = add_movies(fake_trakt, 2)
    fake_trakt.watchlist_add("alice", movies[0])
    index(pm, host_context)
    fake_trakt.clear_log()
    result = adds(pm, host_context, [movie_item(m) for m in movies], dry_run=True)
    assert result["dry_run"] is True
    assert result["confirmed_keys"] == ["movie:tmdb:100001"]
    assert result["skipped_keys"] == ["movie:tmdb:100000"]
    assert fake_trakt.log_count(method="POST") == 0
    assert len(fake_trakt.users["alice"].watchlist) == 1


def test_ambiguous_add_is_resent_once(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """An add whose answer is lost is sent once more and the item ends on the watchlist once."""
    movies = add_movies(fake_trakt, 2)
    fake_trakt.faults.add(
        Fault(method="POST", path="/sync/watchlist", kind="apply_then_drop", times=1)
    )
    result = adds(pm, host_context, [movie_item(m) for m in movies])
    accounted(result, 2)
    assert result["unresolved"] == []
    assert len(fake_trakt.users["alice"].watchlist) == 2


def test_conflicting_ids_are_reported(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """An item whose ids name two listed movies is conflicting_ids, not skipped or removed."""
    a, b = add_movies(fake_trakt, 2)
    fake_trakt.watchlist_add("alice", a)
    fake_trakt.watchlist_add("alice", b)
    mixed = {"type": "movie", "ids": {"tmdb": a.ids["tmdb"], "imdb": b.ids["imdb"]}}
    added = adds(pm, host_context, [mixed])
    removed = removes(pm, host_context, [mixed])
    for result in (added, removed):
        assert [e["reason"] for e in result["unresolved"]] == ["conflicting_ids"]
    assert len(fake_trakt.users["alice"].watchlist) == 2


def test_write_progress_and_cancel(
    pm: pluggy.PluginManager, fake_trakt: FakeTrakt, host_context: HostContext
) -> None:
    """Writes report progress per chunk, and a cancel between chunks books the rest cancelled."""
    movies = add_movies(fake_trakt, 5)
    events: list[Any] = []
    context = attrs.evolve(
        host_context,
        config={**host_context.config, "write_chunk_size": 2},
        progress=events.append,
        cancelled=lambda: sum(1 for e in events if e["phase"] == "write") >= 1,
    )
    result = adds(pm, context, [movie_item(m) for m in movies])
    accounted(result, 5)
    assert len(result["confirmed_keys"]) == 2
    assert {e["reason"] for e in result["unresolved"]} == {"cancelled"}
    writes = [e for e in events if e["phase"] == "write"]
    assert [(e["done"], e["total"]) for e in writes] == [(2, 5), (4, 5), (5, 5)]
    assert len(fake_trakt.users["alice"].watchlist) == 2
