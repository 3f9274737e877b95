"""The walk's compact rows (issue 27): the fast path gives the general path's row or error."""

from __future__ import annotations

import gc
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_speed_paths import EPISODE_ROW, history_rows, outcome

from crosswatch_trakt.features.history.cache import HistoryIndexDoc, KindCache
from crosswatch_trakt.features.history.compact import Shared, _minute, compact_row, compact_rows
from crosswatch_trakt.features.history.rows import check_row, play_row, values_dict
from crosswatch_trakt.media import traktrows
from crosswatch_trakt.support.dates import trakt_datetime, utc_minute_text


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


#: show ids equal to one another but not always normal (``1388.0`` and ``True`` equal ints)
SHOW_IDS = st.fixed_dictionaries(
    {
        "trakt": st.sampled_from([1388, 1388, 1388.0, True, 1]),
        "tvdb": st.sampled_from([81189, 81189, 81189.0, None]),
        "tmdb": st.sampled_from([1396, 1396.0, None, True]),
    }
)


@settings(max_examples=200)
@given(st.lists(st.tuples(SHOW_IDS, st.integers(1, 9)), min_size=1, max_size=8))
def test_rows_of_a_walk_share_only_equal_show_ids(shows: list[tuple[dict[str, Any], int]]) -> None:
    """Show ids equal to seen ones in value but not in type still take the general path."""
    rows = [
        {
            **EPISODE_ROW,
            "id": index,
            "episode": {"season": 1, "number": number, "ids": {"trakt": 100 + number}},
            "show": {"title": "Breaking Bad", "ids": ids},
        }
        for index, (ids, number) in enumerate(shows, start=1)
    ]
    shared = Shared()
    walked = [outcome(lambda r: compact_row(r, None, shared), row) for row in rows]
    general = [outcome(lambda r: play_row(traktrows.trakt_history_row(r)), row) for row in rows]
    assert walked == general


def test_walk_rows_are_left_to_the_collector_and_host_items_own_their_ids() -> None:
    """A walk's rows are tuples of plain values; two episodes of one show get two show-id dicts."""
    row = EPISODE_ROW
    rows = compact_rows([row, {**row, "id": 2, "watched_at": "2024-05-02T20:31:07.000Z"}])
    assert all(type(r) is tuple for r in rows)
    gc.collect()  # the id tuples are untracked first, the rows holding them next time
    gc.collect()
    assert not any(gc.is_tracked(r) for r in rows)
    doc = HistoryIndexDoc(episodes=KindCache.of_rows(None, rows, full_read_at=0.0))
    first, second = doc.snapshot(consume=True).values()
    first["show_ids"]["tvdb"] = -1
    assert second["show_ids"] == {"trakt": 1388, "tvdb": 81189}


@pytest.mark.parametrize(
    "ids",
    [
        [1.0, None, None, None, None],
        [True, None, None, None, None],
        [1, "Upper-Slug", None, None, None],
        [1, None, "nm123", None, None],
        [1, None, None, None],
        [0, None, None, None, None],
    ],
)
def test_stored_id_values_must_be_normal(ids: list[Any]) -> None:
    """A stored row's five id values are refused unless they are normal ids of exact types."""
    row = [1, "2024-05-01T20:31:00.000Z", "watch", "movie:trakt:1@x", "movie", None, None, ids]
    check_row([*row[:7], [1, None, None, None, None], None, None, None, None])
    with pytest.raises(ValueError, match=r"not normal|bad field"):
        check_row([*row, None, None, None, None])


def test_rows_stored_with_id_objects_still_load() -> None:
    """A cache written before id values (ids as objects) serves the same snapshot as one after."""
    now = json.loads(json.dumps(compact_rows([EPISODE_ROW])))
    before = [[*r[:7], values_dict(r[7]), values_dict(r[8]), *r[9:]] for r in now]
    assert before[0][7] == {"trakt": 62085, "tvdb": 349232}
    loaded = [
        KindCache.from_json({"watermark": "w", "plays": rows}).entries() for rows in (now, before)
    ]
    assert loaded[0] == loaded[1]


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-01T20:31:07.000Z",
        "2024-05-01T24:00:00.000Z",
        "2024-02-30T20:31:07.000Z",
        "0999-05-01T20:31:07.000Z",
        "2024-W18-3T20:31:07.000Z",
        "2024-05-01T20:31:07,000Z",
        "2024-05-01T20:31:60.000Z",
        "2024-05-01 20:31:07.000Z",
    ],
)
def test_the_minute_shortcut_reads_as_the_general_path(value: str) -> None:
    """Trakt's date shape read by its first 16 characters gives what a full parse gives."""
    assert _minute(value) == utc_minute_text(trakt_datetime(value))
