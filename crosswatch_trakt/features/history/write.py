"""History writes: adds that never duplicate a play, and removes by history id.

Adds go in chunks as large as the endpoint's ``ChunkSizer`` allows (``features/chunks.py``).
When a chunk's outcome is unknown (``AmbiguousWrite``: a timeout, a dropped connection, a 5xx
after sending) nothing is resent blindly: after ``SETTLE_SECONDS`` the plays of the chunk's
items are read back over the chunk's minutes (``read_windows``) and the plays now on Trakt
that were not there before are booked as confirmed; the next chunks shrink. What is missing
goes back to the front of the queue, to be sent again in the smaller chunks (at most
``MAX_SENDS`` sends in all), only when Trakt has finished with the request
(``AmbiguousWrite.may_still_apply`` false: it answered a 5xx, or the connection was dropped
after sending; an unreadable 2xx). After a client timeout Trakt may still apply
the write after the read-back looked, so a resend could make a second play: the missing
plays are ``ambiguous_write`` instead, kept ``uncertain`` (the cache marks them pending) and
the next run's add, against a fresh index, sends only those that never landed. When the
read-back itself fails the chunk's plays are ``ambiguous_write`` too, never resent in this run.
Removes by history id are idempotent, so an ambiguous remove is simply sent once more (in
the smaller chunks that follow).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from crosswatch_trakt.errors import AmbiguousWrite, TraktError
from crosswatch_trakt.features.chunks import Chunks, sizer_for
from crosswatch_trakt.features.history.cache import Kind, PlayIndex, kind_of, play_matches
from crosswatch_trakt.features.history.reader import read_windows
from crosswatch_trakt.features.ledger import Ledger
from crosswatch_trakt.features.writer import UPSERT_SENDS, WriteRun
from crosswatch_trakt.media.models import Play
from crosswatch_trakt.media.payloads import match_not_found, nests, request_body, request_item

if TYPE_CHECKING:
    from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["LATE_WRITE", "MAX_SENDS", "SETTLE_SECONDS", "AddWriter", "PlayIn", "RemoveWriter"]

ADD_PATH = "/sync/history"
REMOVE_PATH = "/sync/history/remove"
#: how often one play may be sent when every answer is lost (each after a read-back)
MAX_SENDS = 3
#: the wait before reading back a write whose answer was lost, so a write Trakt is still
#: processing has landed before the adapter looks for it
SETTLE_SECONDS = 10.0
#: the detail of a play a timed-out write may still add (not on Trakt at the read-back)
LATE_WRITE = (
    "Trakt did not answer the write in time and may still apply it, and the play was not "
    "on Trakt when read back; it is not resent now: the play will be checked against "
    "Trakt again before it is ever re-sent."
)


@attrs.frozen
class PlayIn:
    """One valid input play: its key, the host item, the play and its group (item@minute)."""

    key: str
    item: Any
    play: Play
    group: str


def _total(answer: Mapping[str, Any], *fields: str) -> int:
    total = 0
    for field in fields:
        counts = answer.get(field)
        if isinstance(counts, Mapping):
            total += sum(v for v in counts.values() if isinstance(v, int))
    return total


def _still_applying(exc: TraktError) -> bool:
    """Return whether Trakt may still apply the failed write (the client stopped waiting)."""
    return isinstance(exc, AmbiguousWrite) and exc.may_still_apply


def _unknown_outcome(exc: TraktError) -> bool:
    """Return whether a failed write may have been applied (lost answer, unreadable 2xx)."""
    if isinstance(exc, AmbiguousWrite):
        return True
    status = getattr(exc, "status", None)
    return isinstance(status, int) and 200 <= status < 300


def _flat(_history_id: int) -> bool:
    return False


@attrs.define
class _Writer:
    run: WriteRun
    ledger: Ledger

    @property
    def account(self) -> TraktAccount:
        return self.run.account

    def _post(self, path: str, body: Mapping[str, Any]) -> Mapping[str, Any]:
        return self.run.post(path, body)


@attrs.define
class AddWriter(_Writer):
    """Send plays in chunks; every play ends confirmed or unresolved, never sent twice blindly."""

    index: PlayIndex = attrs.field(kw_only=True)
    nest: bool = attrs.field(kw_only=True)
    not_found: Callable[[PlayIn], None] = attrs.field(kw_only=True)
    confirmed: list[PlayIn] = attrs.Factory(list)
    uncertain: list[PlayIn] = attrs.Factory(list)
    written: set[Kind] = attrs.Factory(set)
    _known: dict[str, set[int]] = attrs.Factory(dict)
    _unseen: dict[str, int] = attrs.Factory(dict)

    def write(self, todo: Sequence[PlayIn]) -> None:
        """Send ``todo`` in chunks the sizer allows and book every play."""
        queue = Chunks.of(todo, sizer_for(self.account, ADD_PATH), self._nested)
        self.run.drive(queue, lambda chunk, sends: self._chunk(chunk, queue, sends), self._fail)

    def _fail(self, entries: Sequence[PlayIn], reason: str, detail: str) -> None:
        for entry in entries:
            self.ledger.fail(entry.key, entry.item, reason, detail)

    def _nested(self, entry: PlayIn) -> bool:
        return self.nest and nests(entry.play.media)

    def _chunk(self, pending: list[PlayIn], queue: Chunks[PlayIn], sends: int) -> None:
        body = request_body([request_item(p.play) for p in pending], nest=self.nest)
        for index in body.unplaced:
            entry = pending[index]
            self.ledger.fail(entry.key, entry.item, "missing_ids", "no ids, title or numbers")
        idx = sorted(body.sent_indexes())
        sent = [pending[i] for i in idx]
        if not sent:
            return
        self.written.update(kind_of(p.play.media) for p in sent)
        try:
            answer = self._post(ADD_PATH, body.json)
        except TraktError as exc:
            if not _unknown_outcome(exc):
                self.run.stop_if_fatal(exc)
                for entry in sent:
                    self.ledger.fail(entry.key, entry.item, exc.reason, str(exc))
                return
            queue.sizer.lost()
            self.ledger.bump("ambiguous_writes")
            self.account.log(self.run.feature).warning(
                "apply.adds.ambiguous",
                plays=len(sent),
                attempt=sends + 1,
                may_still_apply=_still_applying(exc),
                next_chunk=queue.sizer.flat,
            )
            missing = self._settle(sent, exc)
            if not missing:
                return
            if sends + 1 < MAX_SENDS:
                self.ledger.bump("resent", len(missing))
                queue.again(missing, sends + 1)
                return
            detail = (
                f"every answer to its {MAX_SENDS} sends was lost; the read-back shows it absent"
            )
            for entry in missing:
                self.ledger.fail(entry.key, entry.item, "http_error", detail)
            return
        queue.sizer.answered()
        self._answer(sent, idx, body, answer)

    def _answer(self, sent: list[PlayIn], idx: list[int], body: Any, answer: Any) -> None:
        missing = match_not_found(body, answer.get("not_found"))
        found = [p for p, i in zip(sent, idx, strict=True) if i not in missing]
        for entry, i in zip(sent, idx, strict=True):
            if i in missing:
                self.ledger.fail(entry.key, entry.item, "not_found", "Trakt did not match it")
                self.not_found(entry)
        counted = _total(answer, "added", "updated")
        if counted == len(found):
            for entry in found:
                self._confirm(entry, seen=False)
            return
        self.ledger.bump("count_mismatches")
        detail = f"Trakt counted {counted} plays added for {len(found)} sent"
        try:
            landed, absent = self._reconcile(found)
        except TraktError as exc:
            self.run.stop_if_fatal(exc)
            self.uncertain += found
            for entry in found:
                self.ledger.fail(entry.key, entry.item, "mismatch", f"{detail}; {exc}")
            return
        for entry in landed:
            self._confirm(entry, seen=True)
        for entry in absent:
            self.ledger.fail(entry.key, entry.item, "mismatch", f"{detail}; it is not on Trakt")

    def _settle(self, sent: list[PlayIn], exc: TraktError) -> list[PlayIn]:
        """Read back an ambiguous chunk: confirm what landed, return what is missing."""
        self.account.clock.sleep(SETTLE_SECONDS)
        try:
            landed, missing = self._reconcile(sent)
        except TraktError as read_exc:
            self.run.stop_if_fatal(read_exc)
            self.uncertain += sent
            detail = f"{exc} Reading the plays back failed too ({read_exc}); not resent."
            for entry in sent:
                self.ledger.fail(entry.key, entry.item, "ambiguous_write", detail)
            return []
        for entry in landed:
            self._confirm(entry, seen=True)
        self.ledger.bump("reconciled", len(landed))
        if missing and _still_applying(exc):
            # Trakt may apply the write after the read-back looked: resending could make a
            # second play. Leave it to the next run's fresh index (the cache marks it pending).
            self.uncertain += missing
            self.ledger.bump("left_for_next_run", len(missing))
            for entry in missing:
                self.ledger.fail(entry.key, entry.item, "ambiguous_write", LATE_WRITE)
            return []
        return missing

    def _reconcile(self, plays: list[PlayIn]) -> tuple[list[PlayIn], list[PlayIn]]:
        """Split ``plays`` into those now on Trakt (new since the index) and those missing."""
        rows: dict[Kind, list[Play]] = {}
        for kind in sorted({kind_of(p.play.media) for p in plays}):
            mine = [p.play for p in plays if kind_of(p.play.media) == kind]
            cached = [p for p in self.index.plays if kind_of(p.media) == kind]
            rows[kind] = read_windows(self.account.session, kind, mine, cached)
        groups: dict[str, list[PlayIn]] = {}
        for entry in plays:
            groups.setdefault(entry.group, []).append(entry)
        landed: list[PlayIn] = []
        missing: list[PlayIn] = []
        for group, members in groups.items():
            play = members[0].play
            there = {
                p.history_id
                for p in rows[kind_of(play.media)]
                if p.history_id is not None and play_matches(p, play.media, play.watched_at)
            }
            known = self._known_ids(members[0])
            new = there - known
            known |= new
            unseen = self._unseen.pop(group, 0)
            count = max(0, len(new) - unseen)
            if unseen > len(new):
                self._unseen[group] = unseen - len(new)
            landed += members[:count]
            missing += members[count:]
        return landed, missing

    def _known_ids(self, entry: PlayIn) -> set[int]:
        known = self._known.get(entry.group)
        if known is None:
            at = self.index.at(entry.play.media, entry.play.watched_at)
            known = self._known[entry.group] = {p.history_id for p in at if p.history_id}
        return known

    def _confirm(self, entry: PlayIn, *, seen: bool) -> None:
        self.ledger.confirm(entry.key)
        self.confirmed.append(entry)
        if not seen:
            self._unseen[entry.group] = self._unseen.get(entry.group, 0) + 1


@attrs.define
class RemoveWriter(_Writer):
    """Remove plays by history id in chunks; book each key by the fate of all its plays."""

    outcome: dict[int, tuple[str, str]] = attrs.Factory(dict)
    uncertain: bool = False

    def remove(self, targets: Mapping[str, Sequence[int]], items: Mapping[str, Any]) -> set[int]:
        """Remove the plays of ``targets`` (key -> history ids); return the ids now gone."""
        ids = list(dict.fromkeys(h for hids in targets.values() for h in hids))
        queue = Chunks.of(ids, sizer_for(self.account, REMOVE_PATH), _flat)

        def fail(chunk: list[int], reason: str, detail: str) -> None:
            self.outcome.update(dict.fromkeys(chunk, (reason, detail)))

        self.run.drive(queue, lambda chunk, sends: self._chunk(chunk, queue, sends), fail)
        for key, hids in targets.items():
            self._book(key, items[key], [self.outcome[h] for h in hids])
        return {h for h, (state, _) in self.outcome.items() if state in ("deleted", "gone")}

    def _chunk(self, chunk: list[int], queue: Chunks[int], sends: int) -> None:
        try:
            answer = self._post(REMOVE_PATH, {"ids": chunk})
        except AmbiguousWrite as exc:
            queue.sizer.lost()
            self.ledger.bump("ambiguous_writes")
            if sends + 1 >= UPSERT_SENDS:
                self.uncertain = True
                self.outcome.update(dict.fromkeys(chunk, ("ambiguous_write", str(exc))))
            else:  # removing by history id is idempotent: send it once more
                queue.again(chunk, sends + 1)
            return
        except TraktError as exc:
            self.run.stop_if_fatal(exc)
            self.outcome.update(dict.fromkeys(chunk, (exc.reason, str(exc))))
            return
        queue.sizer.answered()
        raw = answer.get("not_found")
        listed = raw.get("ids") if isinstance(raw, Mapping) else None
        gone = {h for h in listed if isinstance(h, int)} if isinstance(listed, list) else set()
        deleted = _total(answer, "deleted")
        if not gone <= set(chunk) or deleted != len(chunk) - len(gone):
            self.uncertain = True
            detail = (
                f"Trakt reported {deleted} plays deleted and {len(gone)} ids not found "
                f"for {len(chunk)} ids sent"
            )
            self.outcome.update(dict.fromkeys(chunk, ("mismatch", detail)))
            return
        for hid in chunk:
            # after a lost answer, "not found" means our first send removed it
            state = "gone" if hid in gone and not sends else "deleted"
            self.outcome[hid] = (state, "")

    def _book(self, key: str, item: Any, results: list[tuple[str, str]]) -> None:
        failed = [r for r in results if r[0] not in ("deleted", "gone")]
        done = sum(1 for r in results if r[0] == "deleted")
        if failed:
            reason, detail = failed[0]
            if done:
                detail += f" ({done} of {len(results)} plays were removed)"
            self.ledger.fail(key, item, reason, detail)
        elif done:
            self.ledger.confirm(key)
        else:
            self.ledger.skip(key)
