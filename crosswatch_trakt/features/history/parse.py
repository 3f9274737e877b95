"""Host items -> history plays for adds and removes, and the plan: skip, hold back, target.

Keys follow ``keys.play_keys``: ``<item key>@<minute>``, and ``#2``, ``#3`` for further
plays of one item in one minute. An item sent twice at one minute therefore asks for two
plays. A remove item without ``watched_at`` asks to remove every play of the item.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from crosswatch_trakt.config import HistoryOptions
from crosswatch_trakt.features.history.cache import PlayIndex
from crosswatch_trakt.features.history.identity import resolve
from crosswatch_trakt.features.history.write import PlayIn
from crosswatch_trakt.features.ledger import Ledger
from crosswatch_trakt.features.resolved import ResolvedMemory
from crosswatch_trakt.features.unresolved import UnresolvedMemory
from crosswatch_trakt.media.hostitems import history_id_of, host_to_media, host_to_play
from crosswatch_trakt.media.keys import item_key, play_key, play_keys
from crosswatch_trakt.media.models import MediaRef, Play, Problem

__all__ = [
    "ByItem",
    "book_plays",
    "earliest",
    "fallback",
    "hold_back",
    "parse_adds",
    "parse_removes",
    "rank",
    "remove_targets",
    "skip_present",
]

PLAYABLE = ("movie", "episode")
FALLBACK_HINT = (
    "the episode has no ids of its own; enable the pair option history.number_fallback "
    "to send it by its show's ids and season/episode numbers"
)
AMBIGUOUS_HINT = (
    "Trakt has {there} plays of the item at that minute and {sent} were sent without a "
    "trakt_history_id: which to remove cannot be told; send the plays' trakt_history_id"
)
ALL_PLAYS_HINT = (
    "no watched_at: this would remove every play of the item; enable the pair option "
    "history.remove_all_plays to allow that"
)


@attrs.frozen
class ByItem:
    """A remove item without ``watched_at``: one play by history id, else every play."""

    key: str
    item: Any
    media: MediaRef
    history_id: int | None = None


def rank(key: str) -> int:
    """Return a play key's same-minute rank: 1 for the plain key, n for ``#n``."""
    head, sep, tail = key.rpartition("#")
    return int(tail) if sep and "@" in head and tail.isdecimal() else 1


def _fail(ledger: Ledger, problem: Problem, at: int) -> None:
    if problem.key in ledger.expected:
        ledger.duplicate(problem.key, problem.item, at)
        return
    ledger.expect(problem.key, at)
    ledger.fail(problem.key, problem.item, problem.reason, problem.detail)


def _not_playable(play: Play, item: Any) -> Problem:
    detail = f"history plays are of movies and episodes, not of a {play.media.type}"
    return Problem(play_key(play.media, play.watched_at), item, "invalid_item", detail)


#: a parsed play: its position in the call's items, the item, the play
Found = tuple[int, Any, Play]


def book_plays(ledger: Ledger, found: Sequence[Found]) -> list[PlayIn]:
    """Key and expect ``found`` plays by the input alone (``keys.play_keys`` of the items)."""
    out: list[PlayIn] = []
    for (at, item, play), key in zip(found, play_keys([p for _, _, p in found]), strict=True):
        if key in ledger.expected:
            ledger.duplicate(key, item, at)
            continue
        ledger.expect(key, at)
        out.append(PlayIn(key, item, play, play_key(play.media, play.watched_at)))
    return out


def parse_adds(items: Sequence[Any], ledger: Ledger, *, allow_released: bool) -> list[PlayIn]:
    """Parse add items into plays; problems are booked unresolved at once."""
    found: list[Found] = []
    for index, item in enumerate(items):
        result = host_to_play(item, allow_released=allow_released, index=index)
        if isinstance(result, Play) and result.media.type not in PLAYABLE:
            result = _not_playable(result, item)
        if isinstance(result, Problem):
            _fail(ledger, result, index)
        else:
            found.append((index, item, result))
    return book_plays(ledger, found)


def parse_removes(items: Sequence[Any], ledger: Ledger) -> tuple[list[Found], list[ByItem]]:
    """Parse remove items into (unbooked) plays and whole-item requests; problems are booked."""
    found: list[Found] = []
    whole: list[ByItem] = []
    for index, item in enumerate(items):
        media = host_to_media(item, index=index)
        if isinstance(media, Problem):
            _fail(ledger, media, index)
            continue
        if media.type not in PLAYABLE:
            detail = f"history plays are of movies and episodes, not of a {media.type}"
            _fail(
                ledger,
                Problem(item_key(media) or f"invalid:#{index}", item, "invalid_item", detail),
                index,
            )
            continue
        if item.get("watched_at") in (None, ""):
            key = item_key(media) or f"invalid:#{index}"
            if key in ledger.expected:
                ledger.duplicate(key, item, index)
                continue
            ledger.expect(key, index)
            try:
                history_id = history_id_of(item)
            except ValueError as exc:
                ledger.fail(key, item, "invalid_ids", str(exc))
                continue
            whole.append(ByItem(key, item, media, history_id))
            continue
        result = host_to_play(item, index=index)
        if isinstance(result, Problem):
            _fail(ledger, result, index)
        else:
            found.append((index, item, result))
    return found, whole


def earliest(entry: PlayIn) -> tuple[int, float]:
    """Sort key: earliest ``watched_at`` first, ``released`` plays last."""
    at = entry.play.watched_at
    return (1, 0.0) if isinstance(at, str) else (0, at.timestamp())


def skip_present(entries: list[PlayIn], index: PlayIndex, ledger: Ledger) -> list[PlayIn]:
    """Skip the plays Trakt already has at that minute (``released``: any play of the item)."""
    groups: dict[str, list[PlayIn]] = {}
    for entry in entries:
        groups.setdefault(entry.group, []).append(entry)
    todo: list[PlayIn] = []
    for members in groups.values():
        play = members[0].play
        there = len(index.at(play.media, play.watched_at))
        if play.watched_at == "released" and there:
            there = len(members)
        ordered = sorted(members, key=lambda e: rank(e.key))
        for entry in ordered[:there]:
            ledger.skip(entry.key)
        todo += ordered[there:]
    skipped = len(entries) - len(todo)
    if skipped:
        ledger.bump("already_on_trakt", skipped)
    chosen = set(map(id, todo))
    return [entry for entry in entries if id(entry) in chosen]


def hold_back(todo: list[PlayIn], memory: UnresolvedMemory, ledger: Ledger) -> list[PlayIn]:
    """Hold back plays Trakt did not find on an earlier run, until the back-off or new ids."""
    kept: list[PlayIn] = []
    for entry in todo:
        record = memory.held_back(entry.key, entry.play.media)
        if record is None:
            kept.append(entry)
        else:
            ledger.fail(entry.key, entry.item, "previously_not_found", record.describe())
    return kept


def fallback(todo: list[PlayIn], options: HistoryOptions, ledger: Ledger) -> list[PlayIn]:
    """Without ``history.number_fallback``, episodes without their own ids are not sent."""
    if options.number_fallback:
        return todo
    kept: list[PlayIn] = []
    for entry in todo:
        media = entry.play.media
        if media.type == "episode" and not media.ids.standard():
            ledger.fail(entry.key, entry.item, "missing_ids", FALLBACK_HINT)
        else:
            kept.append(entry)
    return kept


def remove_targets(
    found: list[Found],
    whole: list[ByItem],
    index: PlayIndex,
    ledger: Ledger,
    options: HistoryOptions,
    memory: ResolvedMemory,
) -> tuple[dict[str, list[int]], dict[str, Any]]:
    """Map each remove key to the history ids it removes (an empty list: nothing there).

    Keys are the input's own (``book_plays``). A play with a history id is that play and no
    other: when the index no longer has the id, the play is gone already (skipped), never a
    reason to remove another play. A play without one is first resolved to a Trakt item
    (``identity.resolve``: an item sent by title only ever hits plays of the item it
    resolved to), then matched by minute (``_by_minute``).
    """
    entries = book_plays(ledger, found)
    targets: dict[str, list[int]] = {}
    by_key: dict[str, Any] = {}
    claimed: set[int] = set()
    loose: dict[str, list[PlayIn]] = {}
    for entry in entries:
        hid = entry.play.history_id
        if hid is None:
            media, conflict = resolve(entry.play.media, index, memory)
            if conflict is not None:
                ledger.fail(entry.key, entry.item, "conflicting_ids", conflict)
                continue
            play = attrs.evolve(entry.play, media=media)
            group = play_key(media, play.watched_at)
            loose.setdefault(group, []).append(attrs.evolve(entry, play=play, group=group))
            continue
        by_key[entry.key] = entry.item
        targets[entry.key] = [hid] if hid in index.by_id and hid not in claimed else []
        claimed.add(hid)
    for members in loose.values():
        _by_minute(members, index, claimed, ledger, targets, by_key)
    for request in whole:
        hid = request.history_id
        if hid is not None:
            by_key[request.key] = request.item
            targets[request.key] = [hid] if hid in index.by_id and hid not in claimed else []
            claimed.add(hid)
            continue
        if not options.remove_all_plays:
            ledger.fail(request.key, request.item, "missing_watched_at", ALL_PLAYS_HINT)
            continue
        media, conflict = resolve(request.media, index, memory)
        if conflict is not None:
            ledger.fail(request.key, request.item, "conflicting_ids", conflict)
            continue
        by_key[request.key] = request.item
        hids = [p.history_id for p in index.of_media(media) if p.history_id is not None]
        targets[request.key] = [h for h in hids if h not in claimed]
        claimed.update(hids)
    return targets, by_key


def _by_minute(
    members: list[PlayIn],
    index: PlayIndex,
    claimed: set[int],
    ledger: Ledger,
    targets: dict[str, list[int]],
    by_key: dict[str, Any],
) -> None:
    """Match the plays sent without history id for one item and minute to the index's plays.

    Only where it is exact: as many plays sent as Trakt has there (or more: the rest are gone
    already, skipped), each takes one. Fewer plays sent than Trakt has at that minute cannot
    say which are meant: they are ``ambiguous_play`` and nothing is removed.
    """
    play = members[0].play
    there = [
        p.history_id
        for p in index.at(play.media, play.watched_at)
        if p.history_id is not None and p.history_id not in claimed
    ]
    ordered = sorted(members, key=lambda e: rank(e.key))
    if len(ordered) < len(there):
        detail = AMBIGUOUS_HINT.format(there=len(there), sent=len(ordered))
        for entry in ordered:
            ledger.fail(entry.key, entry.item, "ambiguous_play", detail)
        return
    claimed.update(there)
    for n, entry in enumerate(ordered):
        by_key[entry.key] = entry.item
        targets[entry.key] = [there[n]] if n < len(there) else []
