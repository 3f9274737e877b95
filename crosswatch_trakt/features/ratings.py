"""Ratings: integers 1-10 for movies, shows, seasons and episodes, gated per type.

The index lives in ``trakt_ratings.index.json``, one part per type with the
``{type}.rated_at`` watermark it was read at; only the types whose watermark moved are
re-read, each in one request ("pagination optional", trakt/trakt-api#919; the walk still
follows pagination headers if Trakt sends them); when two or more types are due, one
``/sync/ratings/all`` read replaces their reads and refreshes every type. Upserts send
``rated_at`` so dates survive, and skip items whose rating on Trakt is already the
same. The engine is
``features.engine.UpsertFeature``; this module declares the feature (``SPEC``). See
``docs/features/ratings.md``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from crosswatch_trakt.features.engine import UpsertFeature
from crosswatch_trakt.features.items import host_to_media_only
from crosswatch_trakt.features.spec import (
    FeatureSpec,
    IndexSpec,
    PartRead,
    PartsIndex,
    StateFiles,
    UpsertSpec,
)
from crosswatch_trakt.features.writer import SyncWrites
from crosswatch_trakt.media.hostitems import host_to_rating, rating_to_host
from crosswatch_trakt.media.models import MediaRef, Rating
from crosswatch_trakt.media.traktrows import endpoint_type, trakt_rating_row

__all__ = ["RATING_TYPES", "SPEC", "RatingsCache"]

RATING_TYPES = ("movies", "shows", "seasons", "episodes")


@attrs.define
class RatingsCache(PartsIndex):
    """The ratings index: one part per type."""

    PARTS: ClassVar[tuple[str, ...]] = RATING_TYPES


def _kind(media: MediaRef) -> str:
    return media.type + "s"


def _same_rating(rating: Rating, present: Mapping[str, Any]) -> bool:
    return bool(present.get("rating") == rating.rating)


def _rating_fields(rating: Rating) -> dict[str, Any]:
    fields: dict[str, Any] = {"rating": rating.rating}
    if rating.rated_at is not None:
        fields["rated_at"] = rating.rated_at
    return fields


def _read(kind: str) -> PartRead:
    parse = functools.partial(trakt_rating_row, media_type=endpoint_type(kind))
    return PartRead(
        kind, f"/sync/ratings/{kind}", f"{kind}.rated_at", parse, f"{kind} rating", unpaged=True
    )


SPEC = FeatureSpec(
    name="ratings",
    summary="ratings from 1 to 10 of movies, shows, seasons and episodes",
    files=StateFiles.named("ratings"),
    engine=UpsertFeature,
    capabilities={"types": list(RATING_TYPES), "scale": [1, 10]},
    host_capabilities={
        "types": dict.fromkeys(RATING_TYPES, True),
        "scale": [1, 10],
        "upsert": True,
        "unrate": True,
        "from_date": True,
    },
    index=IndexSpec(
        doc=RatingsCache,
        doc_type=RatingsCache,
        reads=tuple(_read(kind) for kind in RATING_TYPES),
        part_of=_kind,
        to_host=rating_to_host,
        together=PartRead(
            "all", "/sync/ratings/all", "all", trakt_rating_row, "rating", unpaged=True
        ),
    ),
    upsert=UpsertSpec(
        parse_add=host_to_rating,
        writes=SyncWrites("/sync/ratings", _rating_fields),
        parse_remove=host_to_media_only,
        unchanged=_same_rating,
        would_add="would_rate",
    ),
    value_field="rating",
    detail=lambda item: f"{item.get('rating')}/10 at {item.get('rated_at') or '-'}",
)
