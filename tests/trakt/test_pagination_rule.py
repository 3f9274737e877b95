"""The walk rule: when a paginated read goes on and when the answer proves its end."""

from __future__ import annotations

import json

import pytest
import requests
import structlog

from crosswatch_trakt.trakt.pagination import (
    CountMismatch,
    PageInfo,
    PageReader,
    ReadNotes,
    collect_pages,
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


def _page(rows: list[int], page_count: int, item_count: int) -> requests.Response:
    """Return a JSON page answer with Trakt's pagination headers (limit 2)."""
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(rows).encode()
    response.headers.update(
        {
            "Content-Type": "application/json",
            "X-Pagination-Limit": "2",
            "X-Pagination-Page-Count": str(page_count),
            "X-Pagination-Item-Count": str(item_count),
        }
    )
    return response


def test_rows_pushed_down_by_new_ones_restart_the_walk() -> None:
    """Two new rows on top between pages 1 and 2: the list changed, the walk restarts whole."""
    answers = [
        _page([4, 3], 2, 4),  # before: 4 3 | 2 1
        _page([4, 3], 3, 6),  # after 6 and 5 were added: 6 5 | 4 3 | 2 1
        _page([6, 5], 3, 6),
        _page([4, 3], 3, 6),
        _page([2, 1], 3, 6),
    ]
    reader = PageReader(
        fetch=lambda _path, _query: answers.pop(0),
        page_size=2,
        notes=ReadNotes(),
        log=structlog.get_logger(),
    )
    assert collect_pages(reader, "/sync/history/movies", feature="history") == [6, 5, 4, 3, 2, 1]
    assert answers == []
