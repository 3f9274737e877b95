"""What every feature shares: the feature protocol and the ``Ledger`` that keeps the books.

The accounting rule: every input item's key ends in exactly one of ``confirmed_keys``,
``skipped_keys`` and ``unresolved``. The ledger enforces it: an item cannot be booked twice,
and ``result()`` refuses to return while an input item is unbooked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

import attrs

from crosswatch_trakt.errors import TraktError
from crosswatch_trakt.support.contract import (
    REASONS,
    ApplyResult,
    HostContext,
    HostItem,
    Snapshot,
    UnresolvedEntry,
)

__all__ = ["AccountingError", "Feature", "Ledger"]


class AccountingError(TraktError):
    """An item was booked twice or left unbooked: a bug in the adapter, never hidden."""


class Feature(Protocol):
    """A Trakt feature: a complete index, and adds and removes that account for every item."""

    name: ClassVar[str]

    def index(self, context: HostContext) -> Snapshot:
        """Return the complete present state of the feature, or raise."""

    def add(self, items: Sequence[HostItem], context: HostContext, dry_run: bool) -> ApplyResult:
        """Add ``items`` and account for every one."""

    def remove(self, items: Sequence[HostItem], context: HostContext, dry_run: bool) -> ApplyResult:
        """Remove ``items`` and account for every one."""


@attrs.define
class Ledger:
    """The books of one apply call: each input key is confirmed, skipped or unresolved once."""

    dry_run: bool
    expected: dict[str, None] = attrs.Factory(dict)
    confirmed: dict[str, None] = attrs.Factory(dict)
    skipped: dict[str, None] = attrs.Factory(dict)
    unresolved: dict[str, UnresolvedEntry] = attrs.Factory(dict)
    stats: dict[str, Any] = attrs.Factory(dict)

    def expect(self, key: str) -> None:
        """Register an input key that must be booked before ``result()``."""
        self.expected[key] = None

    def is_booked(self, key: str) -> bool:
        """Return whether ``key`` has been booked already."""
        return key in self.confirmed or key in self.skipped or key in self.unresolved

    def _check(self, key: str) -> None:
        if self.is_booked(key):
            raise AccountingError(f"item {key!r} was booked twice")
        self.expected.setdefault(key, None)

    def confirm(self, key: str) -> None:
        """Book ``key`` as written, because Trakt confirmed it."""
        self._check(key)
        self.confirmed[key] = None

    def skip(self, key: str) -> None:
        """Book ``key`` as already so on Trakt: nothing to do."""
        self._check(key)
        self.skipped[key] = None

    def fail(self, key: str, item: Any, reason: str, detail: str) -> None:
        """Book ``key`` as not written, with a reason code from ``hostspec.REASONS``."""
        if reason not in REASONS:
            raise AccountingError(f"unknown reason code {reason!r}")
        self._check(key)
        self.unresolved[key] = UnresolvedEntry(key=key, item=item, reason=reason, detail=detail)

    def duplicate(self, key: str, item: Any) -> None:
        """Book a repeat of ``key`` in one call as ``duplicate_input`` under a key of its own.

        The first item with a key is the one kept; each repeat is reported (``<key>~dup2``,
        ``~dup3``...) with a detail naming the kept twin, so no input item goes unaccounted.
        """
        self.bump("duplicate_input")
        n = 2
        while f"{key}~dup{n}" in self.expected or self.is_booked(f"{key}~dup{n}"):
            n += 1
        detail = f"the same item as {key!r}, which came first in this call and was kept"
        self.fail(f"{key}~dup{n}", item, "duplicate_input", detail)

    def pending(self) -> list[str]:
        """Return the expected keys not booked yet, in input order."""
        return [key for key in self.expected if not self.is_booked(key)]

    def counts(self) -> dict[str, int]:
        """Return how many items are confirmed, skipped and unresolved (for log lines)."""
        return {
            "confirmed": len(self.confirmed),
            "skipped": len(self.skipped),
            "unresolved": len(self.unresolved),
        }

    def bump(self, stat: str, by: int = 1) -> None:
        """Add ``by`` to the counter ``stat``."""
        self.stats[stat] = int(self.stats.get(stat, 0)) + by

    def result(self) -> ApplyResult:
        """Return the ``ApplyResult``; raises ``AccountingError`` if any input key is unbooked."""
        missing = self.pending()
        if missing:
            raise AccountingError(f"{len(missing)} item(s) left unbooked, first {missing[0]!r}")
        unresolved = list(self.unresolved.values())
        return ApplyResult(
            ok=not unresolved,
            count=len(self.confirmed),
            confirmed_keys=list(self.confirmed),
            skipped_keys=list(self.skipped),
            unresolved=unresolved,
            dry_run=self.dry_run,
            stats=dict(self.stats),
        )
