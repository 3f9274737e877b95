"""The watchlist: a complete, gated snapshot, and adds and removes that account for every item.

The snapshot lives in ``trakt_watchlist.shadow.json`` with the ``watchlist.updated_at``
watermark it was read at. Writes go in chunks through the session's write pacing; Trakt's
``not_found`` echoes map back to the exact input items; the plan limit comes from
``/users/settings``. The engine is ``features.engine.UpsertFeature``; this module declares
the feature (``SPEC``). See ``docs/features/watchlist.md``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from crosswatch_trakt.features.engine import UpsertFeature
from crosswatch_trakt.features.spec import (
    FeatureSpec,
    IndexSpec,
    Part,
    PartRead,
    StateFiles,
    UpsertSpec,
)
from crosswatch_trakt.features.writer import SyncWrites
from crosswatch_trakt.media.hostitems import host_to_watchlist, watchlist_to_host
from crosswatch_trakt.media.models import MediaRef
from crosswatch_trakt.media.traktrows import trakt_watchlist_row

__all__ = ["SPEC", "WatchlistShadow"]

NAME = "watchlist"


@attrs.define
class WatchlistShadow(Part):
    """The last complete watchlist read, with the watermark it was read at (one part)."""

    SCHEMA: ClassVar[int] = 1
    #: checked by its digest on load; rebuilt from Trakt when it does not match
    CACHE: ClassVar[bool] = True

    def part(self, name: str) -> Part | None:
        """Return the one part (the shadow itself)."""
        return self

    def put(self, name: str, part: Part) -> None:
        """Take ``part``'s watermark, items and staleness."""
        self.watermark, self.items, self.stale = part.watermark, part.items, part.stale

    def all_items(self) -> dict[str, dict[str, Any]]:
        """Return every watchlist item."""
        return self.items


def _whole(media: MediaRef) -> str:
    return NAME


def _present(entry: Any, present: Any) -> bool:
    return True  # on the watchlist already: nothing to write


SPEC = FeatureSpec(
    name=NAME,
    summary="the movies, shows, seasons and episodes on the Trakt watchlist",
    files=StateFiles.named(NAME, "shadow"),
    engine=UpsertFeature,
    capabilities={"removes": True},
    detail=lambda item: f"listed {item.get('listed_at') or '-'}",
    host_capabilities={"removes": True},
    index=IndexSpec(
        doc=lambda: WatchlistShadow(stale=True),
        doc_type=WatchlistShadow,
        reads=(
            PartRead(NAME, "/sync/watchlist", "watchlist.updated_at", trakt_watchlist_row, NAME),
        ),
        part_of=_whole,
        to_host=watchlist_to_host,
    ),
    upsert=UpsertSpec(
        parse_add=host_to_watchlist,
        writes=SyncWrites("/sync/watchlist"),
        parse_remove=host_to_watchlist,
        unchanged=_present,
        would_add="would_add",
        limit=lambda account, run_id, fresh: account.watchlist_limit(run_id, fresh=fresh),
    ),
)
