"""The one chunked-write loop (``drive``, ``WriteRun``) and the upsert writer (``ChunkWriter``).

Every feature's writes go through ``drive``: take the next chunk the endpoint's ``ChunkSizer``
allows, fail it when the run stopped or the host cancelled, else send it, then report
progress. ``WriteRun`` holds one call's stop, cancel and progress; each writer (upserts here,
history's plays and removes, the collection) supplies only how to send a chunk and book it.

``ChunkWriter`` writes the idempotent features (watchlist, ratings), item by item: Trakt's
``not_found`` echoes map back to the exact input items, everything else sent is confirmed. A
420, 423, 426 or a lost login stops the feature's writes for the rest of the run; any other
error fails that chunk's items with its reason, never confirming them. An ambiguous write
(outcome unknown) shrinks the next chunks and its items are sent once more, in the smaller
chunks: these writes are upserts, so a second copy cannot duplicate anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from crosswatch_trakt.errors import AmbiguousWrite, RateLimited, TraktError
from crosswatch_trakt.features.chunks import Chunks, sizer_for
from crosswatch_trakt.features.items import HasMedia, Parsed
from crosswatch_trakt.features.ledger import Ledger
from crosswatch_trakt.features.spec import Written
from crosswatch_trakt.media.payloads import match_not_found, nests, request_body
from crosswatch_trakt.support.contract import HostContext, ProgressEvent
from crosswatch_trakt.trakt.retry import RateAllowance

if TYPE_CHECKING:
    from crosswatch_trakt.trakt.account import TraktAccount

__all__ = [
    "CANCELLED",
    "FATAL_REASONS",
    "UPSERT_SENDS",
    "ChunkWriter",
    "SyncWrites",
    "WriteRun",
    "drive",
]

#: reasons that stop a feature's writes for the rest of the run
FATAL_REASONS = frozenset({"account_limit", "account_locked", "vip_only", "auth_required"})
#: how often an upsert is sent when its answers are lost
UPSERT_SENDS = 2
#: the detail of an item the host's cancel kept from being sent
CANCELLED = "the host cancelled the run before this chunk was sent"

M = TypeVar("M", bound=HasMedia)
T = TypeVar("T")
Fields = Callable[[Any], Mapping[str, Any]]


Blocked = tuple[str, str]


def drive(
    queue: Chunks[T],
    send: Callable[[list[T], int], None],
    fail: Callable[[list[T], str, str], None],
    *,
    blocked: Callable[[], Blocked | None],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Run the one chunked-write loop: send or fail each chunk, then report progress.

    ``send(chunk, sends)`` posts one chunk (``sends``: how often its items went before) and
    books its items; it may put items back on ``queue`` (``Chunks.again``) to go again.
    ``blocked()`` is asked before every chunk: a ``(reason, detail)`` fails the chunk's
    items with ``fail`` instead (a run stop, the host's cancel, an earlier failure).
    """
    total = len(queue)
    while queue:
        chunk, sends = queue.take()
        reason = blocked()
        if reason is not None:
            fail(chunk, *reason)
        else:
            send(chunk, sends)
        if progress is not None:
            progress(total - len(queue), total)


@attrs.define
class WriteRun:
    """One feature's writes in one call: the run's stop, the host's cancel and progress.

    ``allowance`` is the call's 429 allowance (``trakt.retry.RateAllowance``): every write of
    the call draws on it, so a persistent 429 ends the call within ``rate_limit_wait_seconds``
    in all, and once a write gave up on 429s (``RateLimited``) the rest of the call's items
    are ``rate_limited`` without being sent.
    """

    account: TraktAccount
    feature: str
    context: HostContext
    stopped: TraktError | None = None
    allowance: RateAllowance = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self.stopped = self.account.stops.stopped(self.feature, self.context.run_id)
        self.allowance = self.account.session.pipeline.retry.allowance()

    def blocked(self) -> Blocked | None:
        """Return why no further chunk may be sent (the run stopped, the host cancelled)."""
        if self.stopped is not None:
            return self.stopped.reason, str(self.stopped)
        if self.context.cancelled is not None and self.context.cancelled():
            return "cancelled", CANCELLED
        return None

    def stop_if_fatal(self, exc: TraktError) -> None:
        """Stop the feature's writes for the rest of the run when ``exc`` is final for it.

        A ``RateLimited`` stops the rest of this call only (the call's 429 allowance is spent).
        """
        if exc.reason in FATAL_REASONS:
            self.stopped = exc
            self.account.stops.stop(self.feature, self.context.run_id, exc)
        elif isinstance(exc, RateLimited):
            self.stopped = exc

    def progress(self, done: int, total: int) -> None:
        """Report write progress to the host."""
        if self.context.progress is not None:
            self.context.progress(
                ProgressEvent(feature=self.feature, phase="write", done=done, total=total)
            )

    def drive(
        self,
        queue: Chunks[T],
        send: Callable[[list[T], int], None],
        fail: Callable[[list[T], str, str], None],
    ) -> None:
        """Run ``drive`` with this run's stop, cancel and progress."""
        drive(queue, send, fail, blocked=self.blocked, progress=self.progress)

    def post(self, path: str, body: Any) -> Mapping[str, Any]:
        """Post one chunk's body; an answer that is not an object reads as ``{}``."""
        answer = self.account.session.post_json(
            path, body, feature=self.feature, allowance=self.allowance
        )
        return answer if isinstance(answer, Mapping) else {}


@attrs.define
class ChunkWriter(Generic[M]):
    """Write parsed items in chunks and book every one in the ledger."""

    run: WriteRun
    ledger: Ledger
    #: how many chunks were posted (answered or not): anything sent may have changed Trakt
    sent: int = 0

    def write(
        self,
        todo: Sequence[Parsed[M]],
        path: str,
        fields: Fields,
        not_found: Callable[[Parsed[M]], None] | None = None,
    ) -> list[Parsed[M]]:
        """Post ``todo`` to ``path`` in chunks; return the items Trakt confirmed."""
        written: list[Parsed[M]] = []
        queue = Chunks.of(todo, sizer_for(self.run.account, path), _nested)

        def send(chunk: list[Parsed[M]], sends: int) -> None:
            written.extend(self._chunk(chunk, path, fields, not_found, queue, sends))

        self.run.drive(queue, send, self.fail_all)
        return written

    def fail_all(self, items: Sequence[Parsed[M]], reason: str, detail: str) -> None:
        """Book every item of ``items`` unresolved with ``reason``."""
        for entry in items:
            self.ledger.fail(entry.key, entry.item, reason, detail)

    def _chunk(
        self,
        chunk: Sequence[Parsed[M]],
        path: str,
        fields: Fields,
        not_found: Callable[[Parsed[M]], None] | None,
        queue: Chunks[Parsed[M]],
        sends: int,
    ) -> list[Parsed[M]]:
        body = request_body([(entry.value.media, fields(entry.value)) for entry in chunk])
        for index in body.unplaced:
            entry = chunk[index]
            self.ledger.fail(entry.key, entry.item, "missing_ids", "no ids, title or numbers")
        sent = [chunk[index] for index in sorted(body.sent_indexes())]
        if not sent:
            return []
        self.sent += 1
        try:
            answer = self.run.post(path, body.json)
        except AmbiguousWrite as exc:
            queue.sizer.lost()
            self.ledger.bump("ambiguous_writes")
            if sends + 1 >= UPSERT_SENDS:
                self.fail_all(sent, exc.reason, str(exc))
                return []
            self.run.account.log(self.run.feature).warning(
                "apply.ambiguous_resend", path=path, items=len(sent), chunk=queue.sizer.flat
            )
            self.ledger.bump("ambiguous_resends")
            queue.again(sent, sends + 1)
            return []
        except TraktError as exc:
            self.run.stop_if_fatal(exc)
            self.fail_all(sent, exc.reason, str(exc))
            return []
        queue.sizer.answered()
        missing = match_not_found(body, answer.get("not_found"))
        # after a resend, "existing" is what the lost first send wrote: ours, so confirmed
        existing = frozenset() if sends else _existing_only(answer)
        written: list[Parsed[M]] = []
        for index in sorted(body.sent_indexes()):
            entry = chunk[index]
            if index in missing:
                self.ledger.fail(entry.key, entry.item, "not_found", "Trakt did not match it")
                if not_found is not None:
                    not_found(entry)
            elif _plural(entry.value) in existing:
                self.ledger.skip(entry.key)
            else:
                self.ledger.confirm(entry.key)
                written.append(entry)
        self._tally(answer)
        return written

    def _tally(self, answer: Mapping[str, Any]) -> None:
        for field in ("added", "existing", "deleted", "updated"):
            counts = answer.get(field)
            if isinstance(counts, Mapping):
                self.ledger.bump(field, sum(v for v in counts.values() if isinstance(v, int)))


def _nested(entry: Parsed[Any]) -> bool:
    return nests(entry.value.media)


def _plural(value: HasMedia) -> str:
    return value.media.type + "s"


def _existing_only(answer: Mapping[str, Any]) -> frozenset[str]:
    """Return the types Trakt counted only as ``existing`` (nothing added): already there.

    When a type has both added and existing items the counts cannot say which is which;
    those items are booked confirmed (they are on Trakt now) and ``stats.existing`` tells.
    """
    added, existing = answer.get("added"), answer.get("existing")
    if not isinstance(added, Mapping) or not isinstance(existing, Mapping):
        return frozenset()
    return frozenset(kind for kind, count in existing.items() if count and not added.get(kind))


def no_fields(value: Any) -> dict[str, Any]:
    """Return no per-item request fields (watchlist writes, removes)."""
    return {}


@attrs.frozen
class SyncWrites:
    """The ``/sync`` write strategy: adds posted to ``path``, removes to ``path + "/remove"``.

    ``fields`` gives each item's per-item request fields (a rating and its ``rated_at``).
    """

    path: str
    fields: Fields = no_fields

    def add(
        self,
        run: WriteRun,
        ledger: Ledger,
        todo: Sequence[Parsed[Any]],
        not_found: Callable[[Parsed[Any]], None],
    ) -> Written:
        """Post ``todo`` in chunks; book every item; return what Trakt confirmed."""
        writer: ChunkWriter[Any] = ChunkWriter(run, ledger)
        written = writer.write(todo, self.path, self.fields, not_found)
        return Written(written, writer.sent > 0)

    def remove(
        self,
        run: WriteRun,
        ledger: Ledger,
        todo: Sequence[Parsed[Any]],
        present: Mapping[str, Any],
    ) -> Written:
        """Post removes of ``todo`` in chunks (by the ids sent); book every item."""
        writer: ChunkWriter[Any] = ChunkWriter(run, ledger)
        written = writer.write(todo, self.path + "/remove", no_fields)
        return Written(written, writer.sent > 0)
