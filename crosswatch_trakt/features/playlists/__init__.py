"""Playlists: the account's Trakt personal lists, behind a host-neutral playlist contract.

A host lists the lists and the plan's limits (``resources``), reads one list completely
(``snapshot``), creates a list (``create_list``), and adds, removes and reorders a list's
items (``add_items``, ``remove_items``, ``reorder_items``), naming the list by its Trakt id.
The plan's ``limits.list.count`` and ``limits.list.item_count`` (``/users/settings``) are kept
so that a host can spread a large playlist over several lists. The engine is
``list_engine.PlaylistsFeature``; reading is ``lists_read``. See ``docs/features/playlists.md``.
"""

from __future__ import annotations

from typing import cast

from crosswatch_trakt.features.playlists.list_engine import ListsCache, PlaylistsFeature
from crosswatch_trakt.features.playlists.lists_read import ListLimits, limits_of
from crosswatch_trakt.features.spec import FeatureSpec, StateFiles, TraktFeature
from crosswatch_trakt.trakt.account import TraktAccount

__all__ = ["SPEC", "ListLimits", "ListsCache", "PlaylistsFeature", "limits_of", "playlists_of"]

NAME = "playlists"
MEDIA_TYPES = ["movies", "shows", "seasons", "episodes"]


def _engine(spec: FeatureSpec, account: TraktAccount) -> TraktFeature:
    return cast(TraktFeature, PlaylistsFeature(spec, account))


def playlists_of(account: TraktAccount) -> PlaylistsFeature:
    """Return the playlists feature of ``account`` (what the playlist hooks call)."""
    return PlaylistsFeature(SPEC, account)


SPEC = FeatureSpec(
    name=NAME,
    summary="the account's personal lists: read, create, add, remove and reorder items",
    files=StateFiles.named(NAME),
    engine=_engine,
    capabilities={
        "per_list": True,
        "create": True,
        "add": True,
        "remove": True,
        "reorder": True,
        "types": MEDIA_TYPES,
        "limits": "limits.list of /users/settings",
    },
    host_capabilities={
        "read": True,
        "create": True,
        "add": True,
        "remove": True,
        "reorder": True,
        "smart": False,
        "media_types": MEDIA_TYPES,
    },
    detail=lambda item: f"on list {item.get('list_name') or item.get('list_id') or '-'}",
)
