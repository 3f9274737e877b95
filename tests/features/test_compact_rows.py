"""The walk's compact rows (issue 27): the fast path gives the general path's row or error."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_speed_paths import history_rows, outcome

from crosswatch_trakt.features.history.cache import HistoryIndexDoc, KindCache
from crosswatch_trakt.features.history.compact import compact_row, compact_rows
from crosswatch_trakt.features.history.rows import check_row, play_row
from crosswatch_trakt.media import traktrows


@settings(max_examples=300)
@given(history_rows(), st.sampled_from([None, "movie", "episode"]))
def test_compact_row_fast_equals_general(row: dict[str, Any], media_type: str | None) -> None:
    """A history row gives the same compact row (or the same error) by the fast and general path."""
    general = outcome(lambda r: play_row(traktrows.trakt_history_row(r, media_type)), row)
    assert outcome(lambda r: compact_row(r, media_type), row) == general
    if not isinstance(general, tuple):
        check_row(general)


@settings(max_examples=50)
@given(st.lists(history_rows(), max_size=8))
def test_consumed_snapshot_equals_the_kept_one(rows: list[dict[str, Any]]) -> None:
    """Host items built while the rows are dropped equal those built from kept rows."""
    good = [r for r in rows if not isinstance(outcome(compact_row, r), tuple)]
    compact = compact_rows(good)
    kept = HistoryIndexDoc(
        episodes=KindCache.of_rows(None, json.loads(json.dumps(compact)), full_read_at=0.0)
    )
    taken = HistoryIndexDoc(episodes=KindCache.of_rows(None, compact, full_read_at=0.0))
    assert taken.snapshot(consume=True) == kept.snapshot()
    episodes = taken.kind("episodes")
    assert episodes is not None
    assert episodes.plays == []
