"""The memory of which Trakt item a title-only item became, so later runs find it by ids.

An item without an id Trakt knows (a movie with only a Plex id and a title, say) is sent by
title + year, and Trakt picks the item. Once the adapter has seen which one (a history play's
read-back; the watchlist or ratings row matched by title), it keeps that item's ids under the
title token (``keys.title_token``) in ``trakt_<feature>.resolved.json``, and matches the same
title-only item by those ids from then on. See ``docs/keys.md`` (weak identities).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from crosswatch_trakt.media.hostitems import host_to_media, media_to_host
from crosswatch_trakt.media.keys import title_token
from crosswatch_trakt.media.models import MediaRef
from crosswatch_trakt.media.payloads import sent_by_title
from crosswatch_trakt.support.state import StateStore

if TYPE_CHECKING:
    from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["ResolvedDoc", "ResolvedMemory", "weak_token"]


def weak_token(media: MediaRef) -> str | None:
    """Return the title token ``media`` is sent by, or ``None`` when Trakt gets ids for it."""
    return title_token(media) if sent_by_title(media) else None


@attrs.define
class ResolvedDoc:
    """``trakt_<feature>.resolved.json``: title token -> the Trakt item (host media dict)."""

    SCHEMA: ClassVar[int] = 1
    items: dict[str, dict[str, Any]] = attrs.Factory(dict)


@attrs.define
class ResolvedMemory:
    """Load, consult, extend and save one feature's resolved-identity file."""

    store: StateStore
    name: str
    doc: ResolvedDoc = attrs.Factory(ResolvedDoc)
    dirty: bool = False

    @classmethod
    def for_account(cls, account: TraktAccount, name: str) -> ResolvedMemory:
        """Load the file ``name`` of ``account`` (a missing or corrupt file starts empty)."""
        doc = account.store.load(name, ResolvedDoc) or ResolvedDoc()
        return cls(store=account.store, name=name, doc=doc)

    def get(self, token: str) -> MediaRef | None:
        """Return the Trakt item ``token`` became, if known (an unreadable record is ignored)."""
        stored = self.doc.items.get(token)
        media = host_to_media(stored) if stored is not None else None
        if not isinstance(media, MediaRef) or sent_by_title(media):
            return None
        return media

    def learn(self, token: str, media: MediaRef) -> None:
        """Remember that ``token`` is the Trakt item ``media`` (which must carry its ids)."""
        if sent_by_title(media):
            return  # nothing learnt: it has no id Trakt knows it by
        stored = media_to_host(media)
        if self.doc.items.get(token) != stored:
            self.doc.items[token] = stored
            self.dirty = True

    def save(self) -> None:
        """Write the file if anything changed."""
        if self.dirty:
            self.store.save(self.name, self.doc)
            self.dirty = False
