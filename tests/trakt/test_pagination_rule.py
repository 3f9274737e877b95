"""The walk rule: when a paginated read goes on and when the answer proves its end."""

from __future__ import annotations

import pytest

from crosswatch_trakt.trakt.pagination import (
    CountMismatch,
    PageInfo,
    ReadNotes,
    over_budget,
    walk_goes_on,
)

CASES = [
    # (page, limit, page_count, item_count, rows, walked, goes on, why)
    (1, 250, 2, 300, 250, 250, True, "the page count says more"),
    (2, 250, 2, 300, 50, 300, False, "the last page by count, short"),
    (1, 250, 3, 593, 240, 240, True, "short but the count says more pages (filtered rows)"),
    (3, 250, 3, 593, 83, 583, False, "the count is reached; item count off (#82) is no reason"),
    (1, 250, None, None, 250, 250, True, "a full page never ends on a missing header (#198)"),
    (2, 250, None, None, 50, 300, False, "a short page ends a walk without counts"),
    (3, 250, None, None, 0, 500, False, "an empty page ends it"),
    (2, 250, 2, 600, 250, 500, True, "count reached with a full page, item count says more"),
    (2, 250, 2, 500, 250, 500, False, "count reached, full page, item count agrees"),
    (1, 250, None, 400, 120, 120, True, "short without page count, item count says more"),
    (1, None, None, None, 1200, 1200, False, "an unpaged answer holds every row"),
    (1, 1200, 1, 1200, 1200, 1200, False, "an unpaged answer with headers, all on one page"),
    (1, 250, None, None, 300, 300, False, "more rows than the limit: not paged at all"),
    (1, 250, 0, 0, 0, 0, False, "an empty list"),
]


@pytest.mark.parametrize(
    ("page", "limit", "page_count", "item_count", "rows", "walked", "goes_on", "why"), CASES
)
def test_walk_rule(
    page: int,
    limit: int | None,
    page_count: int | None,
    item_count: int | None,
    rows: int,
    walked: int,
    goes_on: bool,
    why: str,
) -> None:
    """Each shape of answer goes on or ends exactly as the rule in docs/rate-limits.md says."""
    info = PageInfo(page=page, limit=limit, page_count=page_count, item_count=item_count)
    assert walk_goes_on(info, rows, walked) is goes_on, why


def test_read_notes_keep_the_recent_and_count_all() -> None:
    """Notes count every mismatch and hand back those since a mark, newest last."""
    notes = ReadNotes()
    for n in range(25):
        notes.note(CountMismatch("/sync/history/movies", n, n + 1))
    assert notes.total == 25
    assert len(notes.recent) == 20
    assert [m.rows for m in notes.since(23)] == [23, 24]
    assert notes.since(25) == []
    assert notes.state()["count_mismatches"] == 25


def test_read_budget_is_bounded_by_the_rows_seen() -> None:
    """A walk may read two spare pages beyond twice the pages its rows fill, no more."""
    assert not over_budget(1, 0, 250)
    assert over_budget(2, 0, 250)
    assert not over_budget(7, 750, 250)
    assert over_budget(8, 750, 250)
    assert not over_budget(10**6, 0, None)
