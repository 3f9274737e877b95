"""Progress: resume points (Trakt's playback progress) of movies and episodes.

The index is ``GET /sync/playback/movies`` and ``/sync/playback/episodes`` (``extended=full``
for the runtime), each read whole in one request ("pagination optional"; pagination headers
are still followed), gated by ``movies.paused_at`` and ``episodes.paused_at`` of
``last_activities`` and cached in ``trakt_progress.index.json``. One resume point per item:
``{..., progress_percent, progress_ms, duration_ms, progress_at, trakt_playback_id}``.

Adds send one ``POST /scrobble/pause`` per item with the percent (Trakt keeps it as the
item's playback progress); a resume point Trakt already holds within 0.1 % is skipped. A
lost answer is settled by reading the item's playback back: found, it is confirmed; absent
after Trakt finished with the request, it is sent once more; absent while Trakt may still be
applying it (a client timeout), it is ``ambiguous_write`` and never resent in this run, so a
resume point is never written twice. Removes send ``DELETE /sync/playback/{id}`` (the id of
the entry on Trakt); a 404 means it is gone already (skipped). See
``docs/features/progress.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from crosswatch_trakt.config import WriteChunks
from crosswatch_trakt.errors import AmbiguousWrite, HttpError, TraktError
from crosswatch_trakt.features.chunks import Chunks, ChunkSizer
from crosswatch_trakt.features.engine import UpsertFeature
from crosswatch_trakt.features.items import Parsed, host_to_media_only
from crosswatch_trakt.features.ledger import Ledger
from crosswatch_trakt.features.spec import (
    FeatureSpec,
    IndexSpec,
    PartRead,
    PartsIndex,
    StateFiles,
    UpsertSpec,
    Written,
)
from crosswatch_trakt.features.writer import UPSERT_SENDS, WriteRun
from crosswatch_trakt.media.hostitems import host_to_media, media_to_host
from crosswatch_trakt.media.keys import item_key, same_media
from crosswatch_trakt.media.models import MediaRef, Problem
from crosswatch_trakt.media.traktrows import trakt_media
from crosswatch_trakt.support.dates import format_datetime, parse_datetime

__all__ = ["KINDS", "SPEC", "ProgressCache", "ResumePoint", "ScrobbleWrites"]

NAME = "progress"
KINDS = ("movies", "episodes")
PAUSE_PATH = "/scrobble/pause"
#: how close two percents are to count as the same resume point (Trakt keeps a float)
SAME_PERCENT = 0.1
_NEED = "a resume point needs progress_percent, or progress_ms and duration_ms"


@attrs.frozen
class ResumePoint:
    """A resume point: how far into an item (a percent above 0 and below 100), and when."""

    media: MediaRef
    progress: float
    paused_at: datetime | None = None
    playback_id: int | None = None
    #: the item's runtime in minutes, when Trakt says (``extended=full``)
    runtime: int | None = None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _percent(item: Mapping[str, Any]) -> float | None:
    percent = _number(item.get("progress_percent"))
    if percent is not None:
        return percent
    done, whole = _number(item.get("progress_ms")), _number(item.get("duration_ms"))
    if done is None or whole is None or whole <= 0:
        return None
    return done * 100.0 / whole


def host_to_resume_point(
    item: Any, *, key: str | None = None, index: int | None = None
) -> ResumePoint | Problem:
    """Convert a host item to a ``ResumePoint``, or a ``Problem`` naming what is wrong."""
    media = host_to_media(item, key=key, index=index)
    if isinstance(media, Problem):
        return media
    ident = item_key(media) or f"invalid:{index}"
    if media.type not in ("movie", "episode"):
        detail = f"resume points are of movies and episodes, not of a {media.type}"
        return Problem(ident, item, "invalid_item", detail)
    percent = _percent(item)
    if percent is None:
        return Problem(ident, item, "invalid_progress", _NEED)
    if not 0 < percent < 100:
        detail = f"the progress must be above 0 and below 100 percent, not {percent:.3f}"
        return Problem(ident, item, "invalid_progress", detail)
    paused_at = None
    raw = item.get("progress_at")
    if isinstance(raw, str) and raw.strip():
        try:
            paused_at = parse_datetime(raw)
        except ValueError:
            return Problem(
                ident, item, "invalid_progress", f"progress_at is not a date: {raw!r:.40}"
            )
    return ResumePoint(media, round(percent, 3), paused_at)


def trakt_playback_row(row: Any) -> ResumePoint:
    """Build a ``ResumePoint`` from a ``GET /sync/playback`` row (a bad row raises)."""
    if not isinstance(row, Mapping):
        raise ValueError(f"a playback row must be an object, not {type(row).__name__}")
    kind = row.get("type")
    if kind not in ("movie", "episode"):
        raise ValueError(f"a playback row has an unknown type: {kind!r:.40}")
    obj = row.get(kind)
    media = trakt_media(kind, obj, row.get("show") if kind == "episode" else None)
    progress = _number(row.get("progress"))
    playback_id = row.get("id")
    if progress is None or type(playback_id) is not int:
        raise ValueError("a playback row needs a numeric progress and an integer id")
    paused = row.get("paused_at")
    runtime = obj.get("runtime") if isinstance(obj, Mapping) else None
    return ResumePoint(
        media,
        progress,
        parse_datetime(paused) if isinstance(paused, str) else None,
        playback_id,
        runtime if type(runtime) is int and runtime > 0 else None,
    )


def resume_point_to_host(point: ResumePoint) -> dict[str, Any]:
    """Convert a ``ResumePoint`` to a host item (milliseconds when the runtime is known)."""
    host = media_to_host(point.media)
    host["progress_percent"] = round(point.progress, 3)
    if point.runtime is not None:
        duration = point.runtime * 60_000
        host["duration_ms"] = duration
        host["progress_ms"] = round(duration * point.progress / 100.0)
    host["progress_at"] = None if point.paused_at is None else format_datetime(point.paused_at)
    host["trakt_playback_id"] = point.playback_id
    return host


def _same_point(point: ResumePoint, present: Mapping[str, Any]) -> bool:
    there = _number(present.get("progress_percent"))
    return there is not None and abs(there - point.progress) <= SAME_PERCENT


def _scrobble_body(point: ResumePoint) -> dict[str, Any] | None:
    media = point.media
    own = media.ids.standard()
    if media.type == "movie":
        own.pop("tvdb", None)
        if own:
            return {"movie": {"ids": own}, "progress": point.progress}
        if media.title:
            return {"movie": {"title": media.title, "year": media.year}, "progress": point.progress}
        return None
    if own:
        return {"episode": {"ids": own}, "progress": point.progress}
    show = media.show_ids.standard() if media.show_ids is not None else {}
    if show and media.season is not None and media.episode is not None:
        episode = {"season": media.season, "number": media.episode}
        return {"show": {"ids": show}, "episode": episode, "progress": point.progress}
    return None


@attrs.define
class _OneByOne:
    """One call's single-item writes: the queue, what Trakt confirmed, whether any was sent."""

    run: WriteRun
    ledger: Ledger
    queue: Chunks[Parsed[Any]]
    written: list[Parsed[Any]] = attrs.Factory(list)
    sent: bool = False

    @classmethod
    def of(cls, run: WriteRun, ledger: Ledger, todo: Sequence[Parsed[Any]]) -> _OneByOne:
        """Queue ``todo`` one item per request (a sizer of 1)."""
        sizer = ChunkSizer(WriteChunks(flat=1, nested=1, floor=1))
        return cls(run, ledger, Chunks.of(todo, sizer, lambda _: False))

    def drive(self, attempt: Callable[[Parsed[Any], int], None]) -> Written:
        """Run ``attempt(entry, sends)`` for each item through the one write loop."""
        self.run.drive(self.queue, lambda chunk, sends: attempt(chunk[0], sends), self.fail_all)
        return Written(self.written, self.sent)

    def fail_all(self, chunk: Sequence[Parsed[Any]], reason: str, detail: str) -> None:
        """Book every item of ``chunk`` unresolved with ``reason``."""
        for entry in chunk:
            self.ledger.fail(entry.key, entry.item, reason, detail)

    def confirm(self, entry: Parsed[Any]) -> None:
        """Book ``entry`` written."""
        self.ledger.confirm(entry.key)
        self.written.append(entry)

    def refused(self, entry: Parsed[Any], exc: TraktError) -> None:
        """Book a final error (a 420, 423, 426 or lost login stops the run's writes)."""
        self.run.stop_if_fatal(exc)
        self.ledger.fail(entry.key, entry.item, exc.reason, str(exc))


def _missing(exc: TraktError) -> bool:
    return isinstance(exc, HttpError) and exc.status == 404


@attrs.frozen
class ScrobbleWrites:
    """Progress's write strategy: one pause scrobble per resume point, removes by playback id."""

    def add(
        self,
        run: WriteRun,
        ledger: Ledger,
        todo: Sequence[Parsed[ResumePoint]],
        not_found: Callable[[Parsed[ResumePoint]], None],
    ) -> Written:
        """Send each resume point once (a lost answer is read back first); book every one."""
        writes = _OneByOne.of(run, ledger, todo)

        def attempt(entry: Parsed[ResumePoint], sends: int) -> None:
            body = _scrobble_body(entry.value)
            if body is None:
                writes.fail_all([entry], "missing_ids", "no ids, title or numbers")
                return
            writes.sent = True
            try:
                run.post(PAUSE_PATH, body)
            except AmbiguousWrite as exc:
                ledger.bump("ambiguous_writes")
                _settle(writes, entry, exc, sends)
            except TraktError as exc:
                if not _missing(exc):
                    writes.refused(entry, exc)
                    return
                writes.fail_all([entry], "not_found", "Trakt did not match it")
                not_found(entry)
            else:
                writes.confirm(entry)

        return writes.drive(attempt)

    def remove(
        self,
        run: WriteRun,
        ledger: Ledger,
        todo: Sequence[Parsed[Any]],
        present: Mapping[str, Any],
    ) -> Written:
        """Delete each entry's playback by its id on Trakt; a 404 is gone already (skipped)."""
        writes = _OneByOne.of(run, ledger, todo)

        def attempt(entry: Parsed[Any], sends: int) -> None:
            playback_id = present.get(entry.key, {}).get("trakt_playback_id")
            if type(playback_id) is not int:
                detail = "the resume point on Trakt has no playback id; read it again first"
                writes.fail_all([entry], "missing_ids", detail)
                return
            writes.sent = True
            try:
                run.account.session.delete(
                    f"/sync/playback/{playback_id}", feature=run.feature, allowance=run.allowance
                )
            except AmbiguousWrite as exc:
                ledger.bump("ambiguous_writes")
                if sends + 1 < UPSERT_SENDS:  # by id: sending it again cannot remove another
                    writes.queue.again([entry], sends + 1)
                else:
                    writes.fail_all([entry], "ambiguous_write", str(exc))
            except TraktError as exc:
                if not _missing(exc):
                    writes.refused(entry, exc)
                elif sends:  # gone: after a lost answer, our first send removed it
                    writes.confirm(entry)
                else:  # removed elsewhere since the read
                    ledger.skip(entry.key)
            else:
                writes.confirm(entry)

        return writes.drive(attempt)


def _settle(writes: _OneByOne, entry: Parsed[ResumePoint], exc: AmbiguousWrite, sends: int) -> None:
    """Read the item's playback back: confirm it, send it once more, or leave it."""
    try:
        there = _on_trakt(writes.run, entry.value)
    except TraktError as read_exc:
        detail = f"{exc} Reading it back failed too ({read_exc}); not resent."
        writes.fail_all([entry], "ambiguous_write", detail)
        return
    if there:
        writes.ledger.bump("reconciled")
        writes.confirm(entry)
    elif exc.may_still_apply or sends + 1 >= UPSERT_SENDS:
        writes.fail_all([entry], "ambiguous_write", str(exc))
    else:
        writes.queue.again([entry], sends + 1)


def _on_trakt(run: WriteRun, point: ResumePoint) -> bool:
    """Return whether Trakt holds ``point`` (same item, same percent) now."""
    kind = point.media.type + "s"
    rows = run.account.session.paginate(f"/sync/playback/{kind}", feature=run.feature, unpaged=True)
    for row in rows:
        try:
            there = trakt_playback_row(row)
        except ValueError:
            continue  # an unreadable row is not the one looked for
        if (
            same_media(there.media, point.media)
            and abs(there.progress - point.progress) <= SAME_PERCENT
        ):
            return True
    return False


@attrs.define
class ProgressCache(PartsIndex):
    """The progress index: one part per kind (``movies``, ``episodes``)."""

    PARTS: ClassVar[tuple[str, ...]] = KINDS


def _read(kind: str) -> PartRead:
    return PartRead(
        kind,
        f"/sync/playback/{kind}",
        f"{kind}.paused_at",
        trakt_playback_row,
        f"{kind} resume point",
        unpaged=True,
        params={"extended": "full"},
    )


SPEC = FeatureSpec(
    name=NAME,
    summary="resume points (playback progress) of movies and episodes",
    files=StateFiles.named(NAME),
    engine=UpsertFeature,
    capabilities={"types": list(KINDS), "removes": True},
    host_capabilities={
        "types": {"movies": True, "shows": False, "seasons": False, "episodes": True},
        "upsert": True,
        "remove": True,
        # a written resume point never marks the item watched (a pause, never a stop)
        "completion_policy": {"progress_write": {"mode": "none"}},
    },
    index=IndexSpec(
        doc=ProgressCache,
        doc_type=ProgressCache,
        reads=tuple(_read(kind) for kind in KINDS),
        part_of=lambda media: media.type + "s",
        to_host=resume_point_to_host,
    ),
    upsert=UpsertSpec(
        parse_add=host_to_resume_point,
        writes=ScrobbleWrites(),
        parse_remove=host_to_media_only,
        unchanged=_same_point,
        would_add="would_add",
    ),
    value_field="progress_percent",
    detail=lambda item: f"{item.get('progress_percent')}% at {item.get('progress_at') or '-'}",
)
