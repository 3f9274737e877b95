"""What a feature declares as data: ``FeatureSpec``, and the parts the engines read from it.

A feature is one module that builds one ``FeatureSpec`` (``SPEC``) and one entry in
``features.registry.REGISTRY``. The spec names the feature once and says everything the
front doors, the command line and the engines need of it: its state files, its manifest
capabilities, how its index is read (``IndexSpec``: one ``PartRead`` per endpoint and
``last_activities`` stamp) and, for the present-state features, how it writes
(``UpsertSpec``). ``engine`` builds the object that runs it for one account
(``features.engine.UpsertFeature`` for watchlist and ratings; history's own strategy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

import attrs

from crosswatch_trakt.media.models import MediaRef, Problem
from crosswatch_trakt.support.contract import ApplyResult, HostContext, HostItem, Snapshot

if TYPE_CHECKING:
    from crosswatch_trakt.trakt.account import TraktAccount

__all__ = [
    "Booked",
    "FeatureSpec",
    "IndexDoc",
    "IndexSpec",
    "Op",
    "Part",
    "PartRead",
    "PartsIndex",
    "StateFiles",
    "TraktFeature",
    "UpsertSpec",
    "Writes",
    "Written",
]

Op = Literal["add", "remove"]


@attrs.frozen
class Booked:
    """An apply call's ``ApplyResult`` and, per input position, the key its item was booked.

    ``inputs[i]`` is the key of the call's ``i``-th item, so a front door can say what
    happened to each item it was given without parsing it again (``crosswatch.results``).
    """

    result: ApplyResult
    inputs: Mapping[int, str]

    def outcomes(self, count: int) -> list[tuple[str, str, str]]:
        """Return ``(bucket, reason, detail)`` of each of the first ``count`` input items.

        ``bucket`` is ``confirmed``, ``skipped`` or ``unresolved``; an item the ledger never
        saw (a bug) is ``unresolved`` with the reason ``mismatch``, never confirmed.
        """
        result = self.result
        fates: dict[str, tuple[str, str, str]] = {
            k: ("confirmed", "", "") for k in result["confirmed_keys"]
        }
        fates.update((k, ("skipped", "", "")) for k in result["skipped_keys"])
        fates.update(
            (e["key"], ("unresolved", e["reason"], e["detail"])) for e in result["unresolved"]
        )
        lost = ("unresolved", "mismatch", "The adapter did not account for it.")
        return [fates.get(self.inputs.get(index, ""), lost) for index in range(count)]


class TraktFeature(Protocol):
    """A Trakt feature of one account: a complete index, and applies that book every item."""

    @property
    def name(self) -> str:
        """The feature's name (its spec's)."""

    @property
    def account(self) -> TraktAccount:
        """The account the feature reads and writes."""

    def index(self, context: HostContext) -> Snapshot:
        """Return the complete present state of the feature, or raise."""

    def apply(
        self, op: Op, items: Sequence[HostItem], context: HostContext, dry_run: bool
    ) -> Booked:
        """Add or remove ``items`` and account for every one."""

    def add(self, items: Sequence[HostItem], context: HostContext, dry_run: bool) -> ApplyResult:
        """Add ``items`` and account for every one."""

    def remove(self, items: Sequence[HostItem], context: HostContext, dry_run: bool) -> ApplyResult:
        """Remove ``items`` and account for every one."""


@attrs.frozen
class StateFiles:
    """A feature's files in the state folder: its index, unresolved and resolved memories."""

    index: str
    unresolved: str
    resolved: str

    @classmethod
    def named(cls, feature: str, index: str = "index") -> StateFiles:
        """Return ``trakt_<feature>.<index>.json`` and its ``unresolved`` and ``resolved``."""
        return cls(*(f"trakt_{feature}.{role}.json" for role in (index, "unresolved", "resolved")))

    def all(self) -> tuple[str, str, str]:
        """Return the three file names."""
        return (self.index, self.unresolved, self.resolved)


@attrs.define
class Part:
    """One part of a cached index, with the ``last_activities`` stamp it was read at."""

    watermark: str | None = None
    items: dict[str, dict[str, Any]] = attrs.Factory(dict)
    stale: bool = False


@attrs.define
class PartsIndex:
    """An index document of named parts (``types``), listed in the order ``PARTS``.

    A feature subclasses it with its ``PARTS`` (ratings: the four types; progress: movies and
    episodes), so each feature's file is a state document of its own.
    """

    SCHEMA: ClassVar[int] = 1
    #: checked by its digest on load; rebuilt from Trakt when it does not match
    CACHE: ClassVar[bool] = True
    PARTS: ClassVar[tuple[str, ...]] = ()
    types: dict[str, Part] = attrs.Factory(dict)

    def part(self, name: str) -> Part | None:
        """Return the part ``name``, if read."""
        return self.types.get(name)

    def put(self, name: str, part: Part) -> None:
        """Store the part ``name``."""
        self.types[name] = part

    def all_items(self) -> dict[str, dict[str, Any]]:
        """Return every item of every part as one snapshot, parts in ``PARTS`` order."""
        return {k: v for t in self.PARTS for k, v in self.types.get(t, Part()).items.items()}


class IndexDoc(Protocol):
    """A feature's cached index document: its parts by name (a state document)."""

    SCHEMA: ClassVar[int]

    def part(self, name: str) -> Part | None:
        """Return the part ``name``, or ``None`` when it was never read."""

    def put(self, name: str, part: Part) -> None:
        """Store ``part`` as the part ``name``."""

    def all_items(self) -> dict[str, dict[str, Any]]:
        """Return every item of every part as one snapshot."""


@attrs.frozen
class PartRead:
    """How one part of an index is read: its endpoint and its ``last_activities`` stamp."""

    part: str
    path: str
    stamp: str
    row: Callable[[Any], Any]
    what: str
    #: a "pagination optional" endpoint, read in one request (trakt/trakt-api#919)
    unpaged: bool = False
    #: query parameters of the read (``extended=full``)
    params: Mapping[str, str] | None = None


@attrs.frozen
class IndexSpec:
    """A gated, cached index (in ``files.index``): its document, part reads, an item's part."""

    doc: Callable[[], IndexDoc]
    doc_type: type[Any]
    reads: tuple[PartRead, ...]
    part_of: Callable[[MediaRef], str]
    to_host: Callable[[Any], HostItem]
    #: one read that returns the rows of every part (``/sync/ratings/all``), used instead of
    #: the part reads when two or more parts are due; its ``part`` and ``stamp`` are unused
    together: PartRead | None = None


@attrs.frozen
class Written:
    """What a write strategy did: the entries Trakt confirmed, and whether anything was sent."""

    entries: list[Any]
    sent: bool


class Writes(Protocol):
    """A feature's write strategy: how its adds and removes reach Trakt, and are booked.

    ``todo`` holds ``features.items.Parsed`` entries; every one must end booked in the
    ledger. ``present`` maps a remove entry's key to the item on Trakt it removes.
    """

    def add(
        self, run: Any, ledger: Any, todo: Sequence[Any], not_found: Callable[[Any], None]
    ) -> Written:
        """Write ``todo``; book each entry; return the ones Trakt confirmed."""

    def remove(
        self, run: Any, ledger: Any, todo: Sequence[Any], present: Mapping[str, HostItem]
    ) -> Written:
        """Remove ``todo``; book each entry; return the ones Trakt confirmed."""


@attrs.frozen
class UpsertSpec:
    """How a present-state feature writes: item parsers, the write strategy, its skip rule."""

    parse_add: Callable[..., Any | Problem]
    parse_remove: Callable[..., Any | Problem]
    writes: Writes
    #: whether an item found on Trakt needs no write (the watchlist: always; ratings: same rating)
    unchanged: Callable[[Any, Mapping[str, Any]], bool]
    #: the stat a dry run counts its would-be adds under
    would_add: str
    #: the account's limit on the feature's size, if any (``None``: no limit); the flag asks
    #: for the account's settings as read in this run (not the kept copy)
    limit: Callable[[TraktAccount, str | None, bool], int | None] | None = None


@attrs.frozen
class FeatureSpec:
    """Everything about one feature that is not code of its own (see the module docstring)."""

    name: str
    summary: str
    files: StateFiles
    engine: Callable[[FeatureSpec, TraktAccount], TraktFeature]
    #: the manifest of ``provider_capabilities`` for this feature
    capabilities: Mapping[str, Any]
    #: the same facts in the words CrossWatch's planner reads
    host_capabilities: Mapping[str, Any]
    index: IndexSpec | None = None
    upsert: UpsertSpec | None = None
    #: items are single plays keyed ``<item>@<minute>`` (history)
    per_play: bool = False
    #: the host item field whose change makes a present item an update (ratings: ``rating``)
    value_field: str | None = None
    #: one line about an item's own data, for people (``8/10 at ...``, ``listed ...``)
    detail: Callable[[Mapping[str, Any]], str] = attrs.field(default=lambda item: "")

    def open(self, account: TraktAccount) -> TraktFeature:
        """Return the feature's engine for ``account``."""
        return self.engine(self, account)
