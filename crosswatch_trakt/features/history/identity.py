"""Which Trakt item a play's input stands for, whatever identity the host sent it by.

Plays sent with ids Trakt knows match the index on any shared id (``keys.aliases``). A movie
without such ids goes to Trakt by title + year (``payloads.sent_by_title``); the index keys its
plays by the ids Trakt resolved, so the two would never meet. ``resolve`` therefore maps such an
input to a Trakt item: first the item remembered for its title token (``ResolvedMemory``), else
the one item of the index whose title and year are the same. Two index items that fit, by title
or by ids, are ``conflicting_ids``. ``learn_landed`` reads back the minutes of plays just sent
by title and remembers which Trakt item each became. See ``docs/features/history.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from crosswatch_trakt.errors import TraktError
from crosswatch_trakt.features.history.cache import PlayIndex
from crosswatch_trakt.features.history.reader import read_windows
from crosswatch_trakt.features.history.write import PlayIn
from crosswatch_trakt.features.ledger import Ledger
from crosswatch_trakt.features.resolved import ResolvedMemory, weak_token
from crosswatch_trakt.media.keys import play_key, same_media, title_token
from crosswatch_trakt.media.models import MediaRef

if TYPE_CHECKING:
    from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["RESOLVED", "learn_landed", "resolve", "resolve_entries"]

#: the history feature's resolved-identity file (``features.resolved``)
RESOLVED = "trakt_history.resolved.json"


def resolve(
    media: MediaRef, index: PlayIndex, memory: ResolvedMemory
) -> tuple[MediaRef, str | None]:
    """Return ``(the media to match and send, None)``, or ``(media, why)`` for a conflict."""
    token = weak_token(media)
    if token is not None:
        known = memory.get(token)
        if known is not None:
            return known, None
        fits = index.items_of(index.titled(token))
        what = "its title and year fit different items on Trakt: "
    else:
        fits = index.items_of(index.of_media(media))
        what = "its ids point at different items on Trakt: "
    if len(fits) > 1:
        return media, what + ", ".join(sorted(fits))
    if token is not None and fits:
        found = next(iter(fits.values()))
        memory.learn(token, found)
        return found, None
    return media, None


def resolve_entries(
    entries: Sequence[PlayIn], index: PlayIndex, memory: ResolvedMemory, ledger: Ledger
) -> list[PlayIn]:
    """Resolve each play's media (keys unchanged); conflicts are booked ``conflicting_ids``."""
    out: list[PlayIn] = []
    for entry in entries:
        media, conflict = resolve(entry.play.media, index, memory)
        if conflict is not None:
            ledger.fail(entry.key, entry.item, "conflicting_ids", conflict)
            continue
        if media is not entry.play.media:
            play = attrs.evolve(entry.play, media=media)
            entry = attrs.evolve(entry, play=play, group=play_key(media, play.watched_at))
            ledger.bump("matched_by_title")
        out.append(entry)
    return out


def learn_landed(
    account: TraktAccount,
    landed: Sequence[PlayIn],
    index: PlayIndex,
    memory: ResolvedMemory,
    ledger: Ledger,
) -> None:
    """Read back the minutes of plays sent by title and remember which Trakt item each became.

    At each minute, the new plays (not in ``index``) that no play sent by ids explains are the
    ones sent by title. With one title sent there and one such item, that is it; otherwise an
    item is learnt for a title only when exactly one of them has that title and year.
    """
    weak = [e for e in landed if weak_token(e.play.media) is not None]
    if not weak:
        return
    strong = [e.play for e in landed if weak_token(e.play.media) is None]
    try:
        rows = read_windows(account.session, "movies", [e.play for e in weak], index.plays)
    except TraktError as exc:
        account.log("history").warning("identity.learn_failed", error=str(exc))
        ledger.bump("titles_not_learnt", len(weak))
        return
    known = set(index.by_id)
    learnt = 0
    for minute in {e.play.watched_at for e in weak}:
        new = [
            row
            for row in rows
            if row.watched_at == minute
            and row.history_id not in known
            and not any(s.watched_at == minute and same_media(s.media, row.media) for s in strong)
        ]
        items = index.items_of(new)
        tokens = {weak_token(e.play.media) for e in weak if e.play.watched_at == minute}
        for token in tokens:
            if token is None:
                continue
            fits = items if len(tokens) == 1 else {}
            if len(fits) != 1:
                fits = {k: m for k, m in items.items() if title_token(m) == token}
            if len(fits) == 1:
                memory.learn(token, next(iter(fits.values())))
                learnt += 1
    if learnt:
        ledger.bump("titles_learnt", learnt)
