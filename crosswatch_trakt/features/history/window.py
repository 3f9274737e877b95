"""Windowed exactly-once: a cold add checks only the plays in the time window of its plays.

A play can only collide with a play of the same item at the same minute, so with no cached
index for a kind, an add reads that kind's plays from the first to the last minute it sends
(``reader.read_span``: ``start_at``/``end_at``, one walk for both kinds) instead of the whole
history. The window is a part of the same newest-first list, so it never costs more pages than
the whole index. The whole index is still read where the window would not be smaller or cannot
answer the question (``docs/decisions.md``): a ``released`` play (no date), a movie sent by
title (resolving a title looks at every play), a kind whose plays also go to the collection
(``collected_at`` is the item's first play, at any time) and ``watch_only_once`` (any play of
the item counts; the whole index is read then).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from crosswatch_trakt.config import HistoryOptions
from crosswatch_trakt.features.history.cache import KINDS, HistoryIndexDoc, Kind, kind_of
from crosswatch_trakt.features.history.write import PlayIn
from crosswatch_trakt.features.resolved import weak_token

__all__ = ["needed_kinds", "window_kinds"]


def needed_kinds(entries: Sequence[PlayIn]) -> list[Kind]:
    """Return the kinds the plays of ``entries`` are of, in ``KINDS`` order."""
    kinds = {kind_of(entry.play.media) for entry in entries}
    return [kind for kind in KINDS if kind in kinds]


def window_kinds(
    entries: Sequence[PlayIn], doc: HistoryIndexDoc, options: HistoryOptions
) -> list[Kind]:
    """Return the kinds an add may check in the window of its plays (cold, and answerable)."""
    toggles = options.add_collections
    windowed: list[Kind] = []
    for kind in needed_kinds(entries):
        collected = toggles.movies if kind == "movies" else toggles.shows
        if doc.kind(kind) is not None or collected:
            continue
        mine = [e.play for e in entries if kind_of(e.play.media) == kind]
        if all(isinstance(p.watched_at, datetime) and weak_token(p.media) is None for p in mine):
            windowed.append(kind)
    return windowed
