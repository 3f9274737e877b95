"""The import planner: matching by any shared id, by minute for plays, and rating changes."""

from __future__ import annotations

from typing import Any

from crosswatch_trakt.cli.plan import plan_feature

MATRIX: dict[str, Any] = {
    "type": "movie",
    "title": "The Matrix",
    "year": 1999,
    "ids": {"trakt": 481, "imdb": "tt0133093", "tmdb": 603},
}
DUNE: dict[str, Any] = {"type": "movie", "title": "Dune", "year": 2021, "ids": {"tmdb": 438631}}


def test_match_on_any_shared_id() -> None:
    """A source item known only by imdb matches Trakt's item keyed by tmdb."""
    source = [{"type": "movie", "ids": {"imdb": "tt0133093"}}]
    plan = plan_feature("watchlist", source, {"movie:tmdb:603": MATRIX}, remove_missing=True)
    assert plan.empty
    assert plan.unchanged == 1


def test_adds_and_removes() -> None:
    """Missing items are adds; with remove_missing, Trakt's extra items are removes."""
    plan = plan_feature("watchlist", [DUNE], {"movie:tmdb:603": MATRIX}, remove_missing=True)
    assert plan.adds == [DUNE]
    assert plan.removes == [MATRIX]
    kept = plan_feature("watchlist", [DUNE], {"movie:tmdb:603": MATRIX}, remove_missing=False)
    assert kept.removes == []


def test_rating_change_is_an_add() -> None:
    """A different rating of a present item is planned as a change (an upsert)."""
    present = {"movie:tmdb:603": {**MATRIX, "rating": 9}}
    plan = plan_feature("ratings", [{**MATRIX, "rating": 7}], present, remove_missing=False)
    assert plan.changed == 1
    assert len(plan.adds) == 1
    assert plan.summary() == "+0 -0 ~1 =0"


def test_plays_match_to_the_minute_one_to_one() -> None:
    """A play matches a Trakt play of the same item in the same minute, each only once."""
    at = "2025-01-05T20:31:00.000Z"
    present = {"movie:tmdb:603@2025-01-05T20:31Z": {**MATRIX, "watched_at": at}}
    source = [
        {**MATRIX, "watched_at": "2025-01-05T20:31:42Z"},
        {**MATRIX, "watched_at": "2025-01-05T20:31:50Z"},
        {**MATRIX, "watched_at": "2025-01-06T20:31:00Z"},
    ]
    plan = plan_feature("history", source, present, remove_missing=False)
    assert plan.unchanged == 1
    assert [item["watched_at"] for item in plan.adds] == [
        "2025-01-05T20:31:50Z",
        "2025-01-06T20:31:00Z",
    ]


def test_unreadable_items_go_to_the_adapter() -> None:
    """Items the planner cannot read are planned as adds so the adapter books their reason."""
    broken: list[Any] = [{"type": "movie"}, "not an item", {**MATRIX, "watched_at": None}]
    plan = plan_feature("history", broken, {}, remove_missing=False)
    assert plan.adds == broken
