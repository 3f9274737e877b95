"""The watchlist: a complete, gated snapshot, and adds and removes that account for every item.

The snapshot lives in ``trakt_watchlist.shadow.json`` with the ``watchlist.updated_at``
watermark it was read at. Writes go in chunks through the session's write pacing; Trakt's
``not_found`` echoes map back to the exact input items; the plan limit comes from
``/users/settings``. The engine is ``features.engine.UpsertFeature``; this module declares
the feature (``SPEC``). See ``docs/features/watchlist.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import attrs

from crosswatch_trakt.features.engine import UpsertFeature
from crosswatch_trakt.features.items import AliasIndex
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
from crosswatch_trakt.support.locks import writer_lock
from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["SPEC", "WatchlistShadow", "after_plays"]

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


def after_plays(account: TraktAccount, played: Sequence[MediaRef]) -> int:
    """Mark the cached watchlist stale when plays just written may have taken items off it.

    Trakt removes a movie from the watchlist once it is watched, and a show, a season or an
    episode once one of its episodes is; whether ``watchlist.updated_at`` moves when it does is
    not documented, so the change gate cannot be trusted to notice. The cache is still right
    when it holds none of the played items (nor, for an episode, its show or season); otherwise
    it is marked stale, under the watchlist's writer lock, and the next index reads it from
    Trakt. Returns how many cached items may have left.
    """
    if not played:
        return 0
    with writer_lock(
        account.store.root, NAME, wait_seconds=account.config.writer_lock_wait_seconds
    ):
        shadow = account.store.load(SPEC.files.index, WatchlistShadow)
        if shadow is None or shadow.stale or not shadow.items:
            return 0
        present = AliasIndex.of(shadow.items)
        leaving: set[str] = set()
        for media in played:
            for item in _taken_off_by(media):
                leaving.update(present.matches(item))
            if media.type == "episode" and media.show_ids is None:
                # no show ids: which show's entries it takes off cannot be told
                leaving.update(k for k, v in shadow.items.items() if v.get("type") != "movie")
        if not leaving:
            return 0
        shadow.stale = True
        account.store.save(SPEC.files.index, shadow)
    account.log(NAME).info("watchlist.stale_after_plays", items=len(leaving))
    return len(leaving)


def _taken_off_by(media: MediaRef) -> Iterator[MediaRef]:
    """Yield what a play of ``media`` takes off the watchlist (an episode's show and season too)."""
    yield media
    if media.type == "episode" and media.show_ids is not None:
        yield MediaRef("show", ids=media.show_ids, title=media.show_title)
        if media.season is not None:
            yield MediaRef(
                "season", show_ids=media.show_ids, show_title=media.show_title, season=media.season
            )


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
