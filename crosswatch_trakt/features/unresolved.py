"""The memory of items Trakt did not find, so they are not re-sent on every run.

``trakt_watchlist.unresolved.json`` and ``trakt_history.unresolved.json`` record, per item
key, why it failed, when, and a fingerprint of the ids that were sent. An item is held back
(reported ``previously_not_found``) until the back-off passes or its ids change.

The file keeps only what it needs: a key or fingerprint longer than ``MAX_TEXT`` characters
(a title-keyed item with a huge title) is stored as its SHA-256 (``sha256:<hex>``), and the
detail is cut to ``MAX_TEXT``. Files written before keep working: such an entry no longer
matches and its item is simply tried once more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from crosswatch_trakt.features.items import Parsed
from crosswatch_trakt.media.models import MediaRef
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.support.state import StateStore

if TYPE_CHECKING:
    from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["MAX_TEXT", "UnresolvedDoc", "UnresolvedMemory", "UnresolvedRecord", "fingerprint"]

#: the longest key, fingerprint or detail stored as it is
MAX_TEXT = 200


def compact(text: str) -> str:
    """Return ``text``, or ``sha256:<hex>`` of it when it is longer than ``MAX_TEXT``."""
    if len(text) <= MAX_TEXT:
        return text
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint(media: MediaRef) -> str:
    """Return a stable text (or digest) of the ids, title and numbers the item was sent with."""
    parts: list[str] = [media.type]
    parts += [f"{k}={v}" for k, v in sorted(media.ids.flat().items())]
    if media.show_ids is not None:
        parts += [f"show.{k}={v}" for k, v in sorted(media.show_ids.flat().items())]
    parts += [f"title={media.title}", f"year={media.year}"]
    parts += [f"s={media.season}", f"e={media.episode}"]
    return compact("|".join(parts))


@attrs.frozen
class UnresolvedRecord:
    """Why one item was not written, when it was first and last tried, and with which ids."""

    reason: str
    detail: str
    first_seen: float
    last_tried: float
    fingerprint: str
    attempts: int = 1

    def describe(self) -> str:
        """Say why the item is held back, for the ``previously_not_found`` detail."""
        return f"Trakt did not find it on an earlier run ({self.reason}); it waits out a back-off"


@attrs.define
class UnresolvedDoc:
    """The unresolved file: records by item key."""

    SCHEMA: ClassVar[int] = 1
    items: dict[str, UnresolvedRecord] = attrs.Factory(dict)


@attrs.define
class UnresolvedMemory:
    """Load, consult, update and save one feature's unresolved file."""

    store: StateStore
    name: str
    clock: Clock
    backoff_seconds: float
    doc: UnresolvedDoc = attrs.Factory(UnresolvedDoc)
    dirty: bool = False

    @classmethod
    def open(
        cls, store: StateStore, name: str, clock: Clock, backoff_seconds: float
    ) -> UnresolvedMemory:
        """Load the file ``name`` (a missing or corrupt file starts empty)."""
        doc = store.load(name, UnresolvedDoc) or UnresolvedDoc()
        return cls(store=store, name=name, clock=clock, backoff_seconds=backoff_seconds, doc=doc)

    @classmethod
    def for_account(cls, account: TraktAccount, name: str) -> UnresolvedMemory:
        """Load the file ``name`` of ``account`` with the configured back-off."""
        return cls.open(
            account.store, name, account.clock, account.config.unresolved_backoff_seconds
        )

    def held_back(self, key: str, media: MediaRef) -> UnresolvedRecord | None:
        """Return the record holding ``key`` back, or ``None`` when it may be sent now."""
        record = self.doc.items.get(compact(key))
        if record is None:
            return None
        if record.fingerprint != fingerprint(media):
            return None
        if self.clock.time() - record.last_tried >= self.backoff_seconds:
            return None
        return record

    def remember(self, key: str, media: MediaRef, reason: str, detail: str) -> None:
        """Record that ``key`` was not found now."""
        now = self.clock.time()
        key = compact(key)
        old = self.doc.items.get(key)
        self.doc.items[key] = UnresolvedRecord(
            reason=reason,
            detail=detail[:MAX_TEXT],
            first_seen=old.first_seen if old else now,
            last_tried=now,
            fingerprint=fingerprint(media),
            attempts=(old.attempts + 1) if old else 1,
        )
        self.dirty = True

    def remember_entry(self, entry: Parsed[Any]) -> None:
        """Record that a parsed input item was not found now."""
        self.remember(entry.key, entry.value.media, "not_found", "Trakt did not match it")

    def forget_all(self, keys: Iterable[str]) -> None:
        """Drop every key of ``keys``."""
        for key in keys:
            self.forget(key)

    def forget(self, key: str) -> None:
        """Drop ``key`` (it was written, or the host no longer asks for it)."""
        if self.doc.items.pop(compact(key), None) is not None:
            self.dirty = True

    def save(self) -> None:
        """Write the file if anything changed."""
        if self.dirty:
            self.store.save(self.name, self.doc)
            self.dirty = False
