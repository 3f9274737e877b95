"""Helpers the features share: parsing host items into the ledger, and matching by alias."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar, cast

import attrs

from crosswatch_trakt.errors import IncompleteRead, InvalidInput
from crosswatch_trakt.features.ledger import Ledger
from crosswatch_trakt.features.resolved import ResolvedMemory, weak_token
from crosswatch_trakt.features.spec import Booked
from crosswatch_trakt.media import keys
from crosswatch_trakt.media.hostitems import host_to_media
from crosswatch_trakt.media.models import MediaRef, Problem

__all__ = [
    "AliasIndex",
    "MediaOnly",
    "Parsed",
    "as_items",
    "dry_run_book",
    "host_to_media_only",
    "locate",
    "parse_items",
    "present_only",
    "reports_reads",
    "rows_to_parts",
    "rows_to_snapshot",
]


class HasMedia(Protocol):
    """A model that refers to one media item."""

    @property
    def media(self) -> MediaRef:
        """Return the media item."""


M = TypeVar("M", bound=HasMedia)


@attrs.frozen
class Parsed(Generic[M]):
    """One valid input item: its key, the item as the host gave it, and its model."""

    key: str
    item: Any
    value: M


def as_items(items: Any) -> Sequence[Any]:
    """Return the call's items as a sequence; ``InvalidInput`` when it is not a list of items.

    ``None``, a string, a mapping or a number cannot be told apart from a host bug, so the
    whole call is refused with a typed error (there are no items to give reasons to).
    """
    if isinstance(items, Sequence) and not isinstance(items, (str, bytes, bytearray)):
        return items
    if isinstance(items, (str, bytes, bytearray, Mapping)) or items is None:
        raise InvalidInput(f"items must be a list of items, not {type(items).__name__}")
    try:
        return list(items)
    except TypeError:
        raise InvalidInput(f"items must be a list of items, not {type(items).__name__}") from None


def parse_items(
    items: Sequence[Any],
    parse: Callable[..., M | Problem],
    ledger: Ledger,
    key_of: Callable[[M], str | None] | None = None,
) -> list[Parsed[M]]:
    """Parse host items; problems are booked unresolved, repeats of a key are counted once."""
    parsed: list[Parsed[M]] = []
    for index, item in enumerate(items):
        result = parse(item, index=index)
        if isinstance(result, Problem):
            key = result.key
        else:
            key = (key_of or _media_key)(result) or f"invalid:{index}"
        if ledger.is_booked(key) or key in ledger.expected:
            ledger.duplicate(key, item, index)
            continue
        ledger.expect(key, index)
        if isinstance(result, Problem):
            ledger.fail(key, item, result.reason, result.detail)
        else:
            parsed.append(Parsed(key=key, item=item, value=result))
    return parsed


def _media_key(value: HasMedia) -> str | None:
    return keys.item_key(value.media)


@attrs.define
class AliasIndex:
    """Find which snapshot key, if any, stands for a media item.

    Items with ids Trakt knows match on any shared strong id; an item Trakt gets by title +
    year (``resolved.weak_token``) matches the items with that title and year.
    """

    by_alias: dict[str, list[tuple[str, MediaRef]]] = attrs.Factory(dict)
    by_key: dict[str, MediaRef] = attrs.Factory(dict)

    @classmethod
    def of(cls, snapshot: Mapping[str, Mapping[str, Any]]) -> AliasIndex:
        """Index a snapshot of host items by every alias of each item."""
        index = cls()
        for key, item in snapshot.items():
            media = host_to_media(item)
            if isinstance(media, MediaRef):
                index.add(key, media)
        return index

    def add(self, key: str, media: MediaRef) -> None:
        """Index ``media`` under ``key``."""
        self.by_key[key] = media
        tokens = set(keys.aliases(media))
        title = keys.title_token(media)
        if title is not None:
            tokens.add(title)
        for alias in tokens:
            self.by_alias.setdefault(alias, []).append((key, media))

    def matches(self, media: MediaRef) -> list[str]:
        """Return the keys of every indexed item that is ``media`` (more than one: a conflict)."""
        found: dict[str, None] = {}
        token = weak_token(media)
        for alias in [token] if token is not None else sorted(keys.aliases(media)):
            for key, other in self.by_alias.get(alias, ()):
                if key not in found and (token is not None or keys.same_media(media, other)):
                    found[key] = None
        return list(found)


def locate(
    present: AliasIndex,
    entry: Parsed[Any],
    ledger: Ledger,
    memory: ResolvedMemory | None = None,
) -> tuple[bool, str | None]:
    """Return ``(usable, key)``: the snapshot key ``entry`` stands for, or ``None`` if absent.

    An item whose ids point at two different items of the snapshot (say movie A's tmdb id and
    movie B's imdb id), or whose title and year fit two, cannot be trusted either way: it is
    booked ``conflicting_ids`` and ``usable`` is false. An item sent by title is matched by the
    Trakt item ``memory`` remembers for its title, else by title; a single title match is
    remembered.
    """
    media = entry.value.media
    token = weak_token(media)
    known = memory.get(token) if memory is not None and token is not None else None
    found = present.matches(known or media)
    if len(found) > 1:
        what = "its title and year fit" if token and not known else "its ids point at"
        detail = f"{what} different items on Trakt: " + ", ".join(sorted(found))
        ledger.fail(entry.key, entry.item, "conflicting_ids", detail)
        return False, None
    if found and token is not None and known is None and memory is not None:
        memory.learn(token, present.by_key[found[0]])
    return True, (found[0] if found else None)


@attrs.frozen
class MediaOnly:
    """A bare media reference (what a remove needs)."""

    media: MediaRef


def host_to_media_only(item: Any, *, index: int | None = None) -> MediaOnly | Problem:
    """Parse a host item into a ``MediaOnly``, or a ``Problem``."""
    media = host_to_media(item, index=index)
    return media if isinstance(media, Problem) else MediaOnly(media)


def present_only(
    parsed: Sequence[Parsed[M]],
    present: AliasIndex,
    ledger: Ledger,
    memory: ResolvedMemory | None = None,
) -> tuple[list[Parsed[M]], dict[str, str]]:
    """Skip the items ``present`` does not hold; return the rest and their snapshot keys.

    This is how removes start: an item that is not on Trakt is already removed.
    """
    todo: list[Parsed[M]] = []
    targets: dict[str, str] = {}
    for entry in parsed:
        usable, found = locate(present, entry, ledger, memory)
        if not usable:
            continue
        if found is None:
            ledger.skip(entry.key)
            continue
        if weak_token(entry.value.media) is not None:
            # sent by title: remove the very item it matched, by that item's ids
            value: Any = attrs.evolve(cast(Any, entry.value), media=present.by_key[found])
            entry = attrs.evolve(entry, value=value)
        todo.append(entry)
        targets[entry.key] = found
    return todo, targets


def dry_run_book(ledger: Ledger, todo: Sequence[Parsed[Any]], stat: str) -> None:
    """Book ``todo`` as what a dry run would write and count it under ``stat``."""
    for entry in todo:
        ledger.confirm(entry.key)
    ledger.bump(stat, len(todo))


def rows_to_snapshot(
    rows: list[Any],
    parse_row: Callable[[Any], M],
    to_host: Callable[[M], dict[str, Any]],
    what: str,
) -> dict[str, dict[str, Any]]:
    """Turn Trakt rows into ``{key: host item}``; an unreadable row fails the whole read.

    ``rows`` is consumed, as ``rows_to_parts`` says.
    """
    return rows_to_parts(rows, parse_row, to_host, what, lambda media: "").get("", {})


def rows_to_parts(
    rows: list[Any],
    parse_row: Callable[[Any], M],
    to_host: Callable[[M], dict[str, Any]],
    what: str,
    part_of: Callable[[Any], str],
) -> dict[str, dict[str, dict[str, Any]]]:
    """Turn Trakt rows into ``{part: {key: host item}}`` by each item's ``part_of(media)``.

    ``rows`` is consumed, in order: each row is dropped as its host item is built, so a
    large unpaged answer (20,000 ratings) is never held twice, as JSON and as host items.
    """
    parts: dict[str, dict[str, dict[str, Any]]] = {}
    rows.reverse()
    while rows:
        row = rows.pop()
        try:
            value = parse_row(row)
        except ValueError as exc:
            raise IncompleteRead(f"Trakt sent a {what} row that cannot be read: {exc}") from exc
        key = keys.item_key(value.media)
        if key is None:
            raise IncompleteRead(f"Trakt sent a {what} row without ids or title.")
        parts.setdefault(part_of(value.media), {}).setdefault(key, to_host(value))
    return parts


A = TypeVar("A", bound=Callable[..., Booked])


def reports_reads(method: A) -> A:
    """Decorate a feature's ``apply``: reads whose item count was off go in ``stats``.

    Trakt's ``X-Pagination-Item-Count`` can be wrong (trakt/trakt-api#823, #82); a walk that
    disagrees with it still returns every row it walked, and the call's result says so under
    ``stats["read_count_mismatches"]`` (``[{path, rows, item_count}]``).
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Booked:
        notes = self.account.session.reads
        mark = notes.total
        booked = method(self, *args, **kwargs)
        fresh = notes.since(mark)
        if fresh:
            booked.result["stats"]["read_count_mismatches"] = [m.as_dict() for m in fresh]
        return booked

    return cast(A, wrapper)
