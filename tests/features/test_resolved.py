"""The resolved-identity memory: what it keeps, what it refuses, and how it survives a reload."""

from __future__ import annotations

from pathlib import Path

from crosswatch_trakt.features.resolved import ResolvedDoc, ResolvedMemory, weak_token
from crosswatch_trakt.media.models import Ids, MediaRef
from crosswatch_trakt.support.state import StateStore

TOKEN = "movie:title:the matrix|1999"
MATRIX = MediaRef("movie", Ids(trakt=481, tmdb=603), title="The Matrix", year=1999)


def memory(root: Path) -> ResolvedMemory:
    """Return the memory of the file ``resolved.json`` in ``root``."""
    store = StateStore(root)
    return ResolvedMemory(
        store, "resolved.json", store.load("resolved.json", ResolvedDoc) or ResolvedDoc()
    )


def test_learnt_item_survives_a_reload(tmp_path: Path) -> None:
    """A learnt item is saved and read back with its ids."""
    first = memory(tmp_path)
    first.learn(TOKEN, MATRIX)
    first.save()
    assert memory(tmp_path).get(TOKEN) == MATRIX


def test_an_item_without_known_ids_is_not_learnt(tmp_path: Path) -> None:
    """Learning a title-only item (nothing Trakt knows it by) keeps nothing."""
    mem = memory(tmp_path)
    mem.learn(TOKEN, MediaRef("movie", Ids(other={"plex": "1"}), title="The Matrix", year=1999))
    assert mem.get(TOKEN) is None
    assert not mem.dirty


def test_an_unreadable_record_is_ignored(tmp_path: Path) -> None:
    """A stored record that is no media item is treated as unknown, not trusted."""
    mem = memory(tmp_path)
    mem.doc.items[TOKEN] = {"type": "spaceship", "ids": {"tmdb": 1}}
    assert mem.get(TOKEN) is None


def test_weak_token_only_for_items_sent_by_title() -> None:
    """Only an item Trakt gets by title has a weak token."""
    assert weak_token(MATRIX) is None
    plex = MediaRef("movie", Ids(other={"plex": "1"}), title="The  Matrix", year=1999)
    assert weak_token(plex) == TOKEN
