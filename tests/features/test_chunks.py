"""ChunkSizer and Chunks: sizes per body kind, halving on lost answers, growing back."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from crosswatch_trakt.config import WriteChunks
from crosswatch_trakt.features.chunks import MAX_PATIENCE, PATIENCE, Chunks, ChunkSizer
from crosswatch_trakt.testing.emulator.faults import Fault, body_entries


def test_flat_and_nested_items_fill_one_budget() -> None:
    """A chunk holds 500 flat items, or 100 nested ones, or a mix worth as much."""
    sizer = ChunkSizer(WriteChunks(flat=500, nested=100, floor=10))
    assert sizer.fit([False] * 1000) == 500
    assert sizer.fit([True] * 1000) == 100
    assert sizer.fit([False] * 250 + [True] * 1000) == 250 + 50
    assert sizer.fit([True]) == 1


def test_a_lost_answer_halves_both_sizes_down_to_the_floor() -> None:
    """Each lost answer halves the sizes; they never go below the floor."""
    sizer = ChunkSizer(WriteChunks(flat=500, nested=100, floor=30))
    sizer.lost()
    assert (sizer.flat, sizer.nested) == (250, 50)
    sizer.lost()
    assert (sizer.flat, sizer.nested) == (125, 30)
    for _ in range(5):
        sizer.lost()
    assert (sizer.flat, sizer.nested) == (30, 30)
    assert sizer.shrinks == 7


def test_clean_answers_grow_the_sizes_back() -> None:
    """After a loss, ``patience`` clean answers in a row double the sizes, up to the limits."""
    sizer = ChunkSizer(WriteChunks(flat=500, nested=100, floor=10))
    sizer.lost()
    sizer.lost()
    assert sizer.patience == PATIENCE * 4
    for _ in range(PATIENCE * 4 - 1):
        sizer.answered()
    assert sizer.flat == 125
    sizer.answered()
    assert (sizer.flat, sizer.nested) == (250, 50)
    for _ in range(PATIENCE * 4):
        sizer.answered()
    assert (sizer.flat, sizer.nested) == (500, 100)


def test_a_lost_answer_resets_the_clean_streak() -> None:
    """Clean answers interrupted by a lost one do not count towards growth."""
    sizer = ChunkSizer(WriteChunks(flat=400, nested=100, floor=10))
    sizer.lost()
    for _ in range(sizer.patience - 1):
        sizer.answered()
    sizer.lost()
    sizer.answered()
    assert sizer.flat == 100


def test_patience_doubles_per_loss_and_relaxes_at_full_size() -> None:
    """Repeated losses make growth ever slower (capped); clean runs at full size relax it."""
    sizer = ChunkSizer(WriteChunks(flat=500, nested=100, floor=10))
    for _ in range(10):
        sizer.lost()
    assert sizer.patience == MAX_PATIENCE
    grown = 0
    while sizer.flat < 500:
        sizer.answered()
        grown += 1
    assert grown == MAX_PATIENCE * 6  # 10 -> 20 -> 40 -> 80 -> 160 -> 320 -> 500
    for _ in range(MAX_PATIENCE):
        sizer.answered()
    assert sizer.patience == MAX_PATIENCE // 2


def test_chunks_never_mix_resent_and_first_items() -> None:
    """Items put back come first, in order, and a chunk holds one send count only."""
    sizer = ChunkSizer(WriteChunks(flat=4, nested=4, floor=1))
    queue = Chunks.of(range(10), sizer, lambda _item: False)
    first, sends = queue.take()
    assert (first, sends) == ([0, 1, 2, 3], 0)
    sizer.lost()
    queue.again(first[1:], 1)
    assert queue.take() == ([1, 2], 1)
    assert queue.take() == ([3], 1)
    assert queue.take() == ([4, 5], 0)
    assert len(queue) == 4


@given(
    st.lists(st.booleans(), max_size=300),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=1, max_value=20),
)
def test_chunks_cover_every_item_once_within_budget(
    nested: list[bool], flat: int, nest: int
) -> None:
    """Every item comes out once, in order, and no chunk is over its budget."""
    sizer = ChunkSizer(WriteChunks(flat=flat, nested=nest, floor=1))
    queue = Chunks.of(list(enumerate(nested)), sizer, lambda item: item[1])
    seen: list[int] = []
    while queue:
        chunk, _sends = queue.take()
        assert chunk
        used = sum(flat if n else nest for _, n in chunk)  # a nested item costs 1/nest
        assert len(chunk) == 1 or used <= flat * nest
        seen += [index for index, _ in chunk]
    assert seen == list(range(len(nested)))


def test_body_entries_count_nested_items() -> None:
    """Movies and episodes count one each; shows and seasons count what they carry."""
    body = {
        "movies": [{"ids": {"tmdb": 1}}, {"ids": {"tmdb": 2}}],
        "shows": [
            {"ids": {"tvdb": 1}, "seasons": [{"number": 1, "episodes": [{"number": 1}] * 3}]},
            {"ids": {"tvdb": 2}, "seasons": [{"number": 1}, {"number": 2}]},
            {"ids": {"tvdb": 3}},
        ],
        "seasons": [{"ids": {"tvdb": 9}}],
        "episodes": [{"ids": {"tvdb": 7}}],
    }
    assert body_entries(json.dumps(body)) == 2 + 3 + 2 + 1 + 1 + 1
    assert body_entries(json.dumps({"ids": [1, 2, 3]})) == 3
    assert body_entries("not json") == 0
    assert body_entries(b"") == 0


def test_a_size_fault_matches_only_larger_bodies() -> None:
    """``over`` makes a fault fire only for bodies of more than that many entries."""
    fault = Fault(method="POST", path="/sync/history", over=300)
    assert not fault.matches("POST", "/sync/history", 1, 300)
    assert fault.matches("POST", "/sync/history", 1, 301)
