"""The restore scenario's backup: the sizes asked for, each play (item, minute) once."""

from __future__ import annotations

from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.bench.bench_restore import (
    RESTORE_USER,
    RestoreSpec,
    duplicate_plays,
    restore_items,
)


def test_the_backup_has_the_spec_sizes_and_no_repeated_play(fake_trakt: FakeTrakt) -> None:
    """The small backup holds 2,000 distinct plays, 200 ratings, 100 watchlist items."""
    spec = RestoreSpec.small()
    backup = restore_items(fake_trakt, spec)
    items = backup["items"]
    assert [len(items[f]) for f in ("history", "ratings", "watchlist")] == [2000, 200, 100]
    marks = {(str(sorted(p["ids"].items())), p["watched_at"]) for p in items["history"]}
    assert len(marks) == spec.plays
    assert sum(p["type"] == "movie" for p in items["history"]) == spec.movie_plays
    assert {r["type"] for r in items["ratings"]} == {"movie", "show", "season", "episode"}
    assert fake_trakt.users[RESTORE_USER].history == {}
    assert duplicate_plays(fake_trakt, RESTORE_USER) == 0
    assert backup["config"]["access_token"]
