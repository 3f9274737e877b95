"""``serialised``: a feature's adds and removes hold the account's writer lock for the feature.

The lock (``support.locks.writer_lock``) is taken before the read that decides what to send
and released after the last state save, so a second run waits and then re-reads the account
its predecessor left: it sends only what is still missing. Dry runs write nothing and do not
wait. The call's ``items`` are checked first (``items.as_items``): ``None`` or a mapping is
an ``InvalidInput``, not a ``TypeError`` from deep inside.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from crosswatch_trakt.features.items import as_items
from crosswatch_trakt.features.spec import Booked, Op
from crosswatch_trakt.support.contract import HostContext, HostItem
from crosswatch_trakt.support.locks import writer_lock
from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["serialised"]


class HasAccount(Protocol):
    """A feature: its name and its account."""

    @property
    def name(self) -> str:
        """The feature's name."""

    @property
    def account(self) -> TraktAccount:
        """The feature's account."""


F = TypeVar("F", bound=HasAccount)
Apply = Callable[[F, Op, Sequence[HostItem], HostContext, bool], Booked]


def serialised(method: Apply[F]) -> Apply[F]:
    """Run an add or remove under the feature's writer lock (dry runs run without it)."""

    @functools.wraps(method)
    def locked(
        self: F, op: Op, items: Sequence[HostItem], context: HostContext, dry_run: bool
    ) -> Booked:
        items = as_items(items)
        if dry_run:
            return method(self, op, items, context, dry_run)
        account = self.account
        with writer_lock(
            account.store.root,
            self.name,
            wait_seconds=account.config.writer_lock_wait_seconds,
        ):
            return method(self, op, items, context, dry_run)

    return locked
