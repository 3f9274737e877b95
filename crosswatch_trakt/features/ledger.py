"""The ``Ledger`` that keeps the books of one apply call.

The accounting rule: every input item's key ends in exactly one of ``confirmed_keys``,
``skipped_keys`` and ``unresolved``. The ledger enforces it: an item cannot be booked twice,
and ``result()`` refuses to return while an input item is unbooked.
"""

from __future__ import annotations

from typing import Any

import attrs

from crosswatch_trakt.errors import TraktError
from crosswatch_trakt.features.spec import Booked
from crosswatch_trakt.support.contract import (
    REASONS,
    ApplyResult,
    UnresolvedEntry,
)

__all__ = ["AccountingError", "Ledger"]


class AccountingError(TraktError):
    """An item was booked twice or left unbooked: a bug in the adapter, never hidden."""


@attrs.define
class Ledger:
    """The books of one apply call: each input key is confirmed, skipped or unresolved once."""

    dry_run: bool
    expected: dict[str, None] = attrs.Factory(dict)
    confirmed: dict[str, None] = attrs.Factory(dict)
    skipped: dict[str, None] = attrs.Factory(dict)
    unresolved: dict[str, UnresolvedEntry] = attrs.Factory(dict)
    stats: dict[str, Any] = attrs.Factory(dict)
    #: the key of each input item, by its position in the call (``booked().inputs``)
    inputs: dict[int, str] = attrs.Factory(dict)
    #: the last ``~dup<n>`` number given to each repeated key (so each repeat costs O(1))
    _repeats: dict[str, int] = attrs.Factory(dict)

    def expect(self, key: str, at: int | None = None) -> None:
        """Register an input key that must be booked before ``result()``.

        ``at`` is the position of its item in the call's items, so the outcome of every
        input item can be told without parsing it again.
        """
        self.expected[key] = None
        if at is not None:
            self.inputs[at] = key

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

    def duplicate(self, key: str, item: Any, at: int | None = None) -> None:
        """Book a repeat of ``key`` in one call as ``duplicate_input`` under a key of its own.

        The first item with a key is the one kept; each repeat is reported (``<key>~dup2``,
        ``~dup3``...) with a detail naming the kept twin, so no input item goes unaccounted.
        The next number per key is remembered, so n repeats cost O(n), not O(n^2).
        """
        self.bump("duplicate_input")
        n = self._repeats.get(key, 1) + 1
        while f"{key}~dup{n}" in self.expected or self.is_booked(f"{key}~dup{n}"):
            n += 1  # an input item's own key looks like a repeat's: step over it
        self._repeats[key] = n
        detail = f"the same item as {key!r}, which came first in this call and was kept"
        self.expect(f"{key}~dup{n}", at)
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

    def booked(self) -> Booked:
        """Return the ``ApplyResult`` with the key of each input item (see ``result``)."""
        return Booked(self.result(), dict(self.inputs))

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
