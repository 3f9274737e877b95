"""Add collections: plays confirmed added to the history also become collection entries.

The pair options ``history.add_collections.movies`` (on by default) and ``.shows`` (off)
choose the kinds. One entry per item, ``collected_at`` = the item's first play (the
earliest confirmed ``watched_at``, or an earlier play already on Trakt), so re-running
never moves the date later; ``released`` plays have no date and are not collected. Entries go
in chunks the ``ChunkSizer`` allows; the collection is an upsert, so a lost answer shrinks the
next chunks and its entries are sent once more. Failures (a 420 plan limit included) are
reported in ``stats["collection"]["error"]`` and never change the history result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crosswatch_trakt.config import CollectionToggles
from crosswatch_trakt.errors import AmbiguousWrite, TraktError
from crosswatch_trakt.features.chunks import Chunks, sizer_for
from crosswatch_trakt.features.writer import UPSERT_SENDS, drive
from crosswatch_trakt.media.keys import item_key
from crosswatch_trakt.media.models import CollectionEntry, Play
from crosswatch_trakt.media.payloads import match_not_found, nests, request_body, request_item

if TYPE_CHECKING:
    from crosswatch_trakt.trakt.account import TraktAccount
    from crosswatch_trakt.trakt.retry import RateAllowance

__all__ = ["add_collections", "collection_entries"]

FEATURE = "history"
PATH = "/sync/collection"
COUNTS = ("added", "updated", "existing")


def collection_entries(
    plays: Sequence[Play], toggles: CollectionToggles, earlier: Sequence[Play] = ()
) -> list[CollectionEntry]:
    """Return one entry per enabled item of ``plays``, collected at its first known play.

    ``earlier`` are the plays already on Trakt: an item watched before keeps that date.
    """
    first: dict[str, tuple[datetime, Play]] = {}
    wanted = {item_key(p.media) for p in plays}
    for play in [*plays, *(p for p in earlier if item_key(p.media) in wanted)]:
        enabled = toggles.movies if play.media.type == "movie" else toggles.shows
        key = item_key(play.media)
        if not enabled or key is None or not isinstance(play.watched_at, datetime):
            continue
        if key not in first or play.watched_at < first[key][0]:
            first[key] = (play.watched_at, play)
    return [CollectionEntry(play.media, at) for at, play in first.values()]


def add_collections(
    account: TraktAccount,
    plays: Sequence[Play],
    toggles: CollectionToggles,
    *,
    earlier: Sequence[Play] = (),
    dry_run: bool,
    allowance: RateAllowance | None = None,
) -> dict[str, Any] | None:
    """Collect the items of ``plays`` per ``toggles``; return the stats (``None``: all off).

    ``allowance``: the call's 429 allowance (the history writes' ``WriteRun``), if any.
    """
    if not (toggles.movies or toggles.shows):
        return None
    entries = collection_entries(plays, toggles, earlier)
    if dry_run:
        return {"planned": len(entries), "error": None}
    stats: dict[str, Any] = dict.fromkeys((*COUNTS, "not_found", "ambiguous_writes"), 0)
    stats["error"] = None
    queue = Chunks.of(entries, sizer_for(account, PATH), lambda entry: nests(entry.media))

    def send(chunk: list[CollectionEntry], sends: int) -> None:
        body = request_body([request_item(entry) for entry in chunk])
        try:
            answer = account.session.post_json(
                PATH, body.json, feature=FEATURE, allowance=allowance
            )
        except AmbiguousWrite as exc:
            queue.sizer.lost()
            stats["ambiguous_writes"] += 1
            if sends + 1 < UPSERT_SENDS:  # an upsert: send it once more, in smaller chunks
                account.log(FEATURE).warning("collection.ambiguous_resend")
                queue.again(chunk, sends + 1)
            else:
                _failed(account, stats, exc, len(entries))
            return
        except TraktError as exc:
            _failed(account, stats, exc, len(entries))
            return
        queue.sizer.answered()
        answer = answer if isinstance(answer, Mapping) else {}
        for field in COUNTS:
            counts = answer.get(field)
            if isinstance(counts, Mapping):
                stats[field] += sum(v for v in counts.values() if isinstance(v, int))
        stats["not_found"] += len(match_not_found(body, answer.get("not_found")))

    def stopped() -> tuple[str, str] | None:
        # the first failure ends the collection writes; the entries left are not sent
        return None if stats["error"] is None else ("http_error", stats["error"])

    drive(queue, send, lambda chunk, reason, detail: None, blocked=stopped)
    account.log(FEATURE).info("collection.done", **{k: stats[k] for k in COUNTS})
    return stats


def _failed(account: TraktAccount, stats: dict[str, Any], exc: TraktError, entries: int) -> None:
    stats["error"] = str(exc)
    account.log(FEATURE).warning("collection.failed", reason=exc.reason, entries=entries)
