"""Write chunks as large as Trakt handles comfortably, shrinking when it struggles.

Trakt allows one write per second and documents no limit on a body, so a write's cost is
set by how many items each request carries. ``ChunkSizer`` holds the sizes for one account
and one endpoint: ``flat`` items (sent by their own ids, one object each) and ``nested``
items (seasons and episodes under their show by numbers, counted one by one, so a show
carrying 300 episodes counts 300). A chunk may mix both: each flat item uses ``1/flat`` of
it and each nested one ``1/nested``.

A write whose answer was lost (5xx, 52x, a timeout, a dropped connection) is settled by its
writer as before; the sizer then halves both sizes (down to the floor) and the writer puts
what is still to send back at the front of the ``Chunks`` queue, so it goes again in the
smaller chunks. Clean answers grow the sizes back: after ``patience`` of them in a row
the sizes double (up to the configured ones). ``patience`` starts at 2 and each failure
doubles it (4, 8, 16, up to ``MAX_PATIENCE``), so a body size Trakt keeps refusing is tried
again ever more rarely; ``patience`` clean answers at full size halve it again.

The sizers live as long as the account (one per login per process), so what one call
learns the next call keeps.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

import attrs

from crosswatch_trakt.config import WriteChunks

if TYPE_CHECKING:
    from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["MAX_PATIENCE", "PATIENCE", "ChunkSizer", "Chunks", "sizer_for"]

T = TypeVar("T")
#: clean answers in a row before the sizes double, at first
PATIENCE = 2
#: the most clean answers a growth ever waits for
MAX_PATIENCE = 32


@attrs.define
class ChunkSizer:
    """The chunk sizes of one endpoint: shrink on lost answers, grow back on clean ones."""

    limits: WriteChunks
    flat: int = attrs.field(init=False)
    nested: int = attrs.field(init=False)
    patience: int = PATIENCE
    clean: int = 0
    shrinks: int = 0

    def __attrs_post_init__(self) -> None:
        self.flat, self.nested = self.limits.flat, self.limits.nested

    def fit(self, nested: Iterable[bool]) -> int:
        """Return how many items, in order, fit in the next chunk (at least one).

        ``nested`` says, item by item, whether it is nested (see the module docstring).
        """
        budget, used, count = self.flat * self.nested, 0, 0
        for is_nested in nested:
            cost = self.flat if is_nested else self.nested
            if count and used + cost > budget:
                break
            used += cost
            count += 1
        return count

    def answered(self) -> None:
        """Count a clean answer; grow the sizes after ``patience`` of them in a row."""
        self.clean += 1
        if self.clean < self.patience:
            return
        self.clean = 0
        if self.flat < self.limits.flat or self.nested < self.limits.nested:
            self.flat = min(self.limits.flat, self.flat * 2)
            self.nested = min(self.limits.nested, self.nested * 2)
        else:
            self.patience = max(PATIENCE, self.patience // 2)

    def lost(self) -> None:
        """Count a lost answer: halve the sizes (down to the floor), wait longer to grow."""
        floor = self.limits.floor
        self.flat = max(min(floor, self.limits.flat), self.flat // 2)
        self.nested = max(min(floor, self.limits.nested), self.nested // 2)
        self.patience = min(MAX_PATIENCE, self.patience * 2)
        self.clean = 0
        self.shrinks += 1


@attrs.define
class Chunks(Generic[T]):
    """Items waiting to be written, taken in chunks the sizer allows; lost ones come back.

    Each item carries how often it was sent already; a chunk never mixes send counts, so a
    writer knows whether everything in it is a resend.
    """

    sizer: ChunkSizer
    nested: Callable[[T], bool]
    _queue: deque[tuple[T, int]] = attrs.field(factory=deque, alias="queue")

    @classmethod
    def of(cls, items: Iterable[T], sizer: ChunkSizer, nested: Callable[[T], bool]) -> Chunks[T]:
        """Queue ``items`` (never sent) for ``sizer``."""
        return cls(sizer, nested, deque((item, 0) for item in items))

    def __len__(self) -> int:
        return len(self._queue)

    def take(self) -> tuple[list[T], int]:
        """Return the next chunk and how often its items were sent before."""
        sends = self._queue[0][1]
        lead = itertools.takewhile(lambda entry: entry[1] == sends, self._queue)
        size = self.sizer.fit(self.nested(item) for item, _sent in lead)
        return [self._queue.popleft()[0] for _ in range(size)], sends

    def again(self, items: Sequence[T], sends: int) -> None:
        """Put ``items`` back at the front, in order, as sent ``sends`` times."""
        self._queue.extendleft((item, sends) for item in reversed(items))


#: the sizers of each live account (by ``id``; dropped when the account is collected)
_SIZERS: dict[int, dict[str, ChunkSizer]] = {}
_LOCK = threading.Lock()


def sizer_for(account: TraktAccount, path: str) -> ChunkSizer:
    """Return the account's sizer for the write endpoint ``path`` (made on first use)."""
    with _LOCK:
        sizers = _SIZERS.get(id(account))
        if sizers is None:
            sizers = _SIZERS[id(account)] = {}
            weakref.finalize(account, _SIZERS.pop, id(account), None)
        sizer = sizers.get(path)
        if sizer is None:
            sizer = sizers[path] = ChunkSizer(account.config.chunk_sizes())
        return sizer
