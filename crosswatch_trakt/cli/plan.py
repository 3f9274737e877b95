"""The difference between a source of host items and Trakt's snapshot, per feature.

Items match on any shared strong id (``keys.aliases``, never merging two Trakt ids); history
plays also match on ``watched_at`` to the minute, one source play per Trakt play. A rating
that differs is a change (sent as an add: Trakt's ratings are upserts). Items the planner
cannot read are planned as adds, so the adapter books them with its reason code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from crosswatch_trakt.features.registry import spec_for
from crosswatch_trakt.hostspec import HostItem, Snapshot
from crosswatch_trakt.media import keys
from crosswatch_trakt.media.hostitems import host_to_media, host_to_play
from crosswatch_trakt.media.models import MediaRef, Play

__all__ = ["FeaturePlan", "RemovalGuard", "plan_feature"]


@attrs.frozen
class FeaturePlan:
    """What to add and remove for one feature so that Trakt matches the source."""

    feature: str
    adds: list[HostItem]
    removes: list[HostItem]
    changed: int = 0
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        """Return whether there is nothing to write."""
        return not self.adds and not self.removes

    def counts(self) -> dict[str, int]:
        """Return the plan's counts: ``add``, ``change``, ``remove``, ``unchanged``."""
        return {
            "add": len(self.adds) - self.changed,
            "change": self.changed,
            "remove": len(self.removes),
            "unchanged": self.unchanged,
        }

    def summary(self) -> str:
        """Return ``+adds -removes`` (with ``~changed`` and ``=unchanged``) as text."""
        text = f"+{len(self.adds) - self.changed} -{len(self.removes)}"
        if self.changed:
            text += f" ~{self.changed}"
        return f"{text} ={self.unchanged}"


def _slot(feature: str, item: Any) -> str | None:
    """Return what besides the media must match: a play's minute (history)."""
    if not spec_for(feature).per_play:
        return ""
    play = host_to_play(item)
    return keys.minute_stamp(play.watched_at) if isinstance(play, Play) else None


@attrs.define
class _Index:
    """The snapshot's items by alias and slot."""

    feature: str
    media: dict[str, MediaRef] = attrs.Factory(dict)
    by_alias: dict[tuple[str, str], list[str]] = attrs.Factory(dict)
    used: set[str] = attrs.Factory(set)

    @classmethod
    def of(cls, feature: str, snapshot: Snapshot) -> _Index:
        index = cls(feature)
        for key, item in snapshot.items():
            media = host_to_media(item)
            slot = _slot(feature, item)
            if not isinstance(media, MediaRef) or slot is None:
                continue
            index.media[key] = media
            for alias in keys.aliases(media):
                index.by_alias.setdefault((alias, slot), []).append(key)
        return index

    def match(self, item: Any) -> str | None:
        media = host_to_media(item)
        slot = _slot(self.feature, item)
        if not isinstance(media, MediaRef) or slot is None:
            return None
        one_to_one = spec_for(self.feature).per_play
        for alias in sorted(keys.aliases(media)):
            for key in self.by_alias.get((alias, slot), ()):
                if one_to_one and key in self.used:
                    continue
                if keys.same_media(media, self.media[key]):
                    self.used.add(key)
                    return key
        return None


def _differs(feature: str, source: Any, present: Mapping[str, Any]) -> bool:
    field = spec_for(feature).value_field
    return field is not None and source.get(field) != present.get(field)


def plan_feature(
    feature: str, source: Sequence[HostItem], snapshot: Snapshot, *, remove_missing: bool
) -> FeaturePlan:
    """Return the adds (and, with ``remove_missing``, removes) that make Trakt match ``source``."""
    index = _Index.of(feature, snapshot)
    adds: list[HostItem] = []
    changed = unchanged = 0
    for item in source:
        key = index.match(item)
        if key is None:
            adds.append(item)
        elif _differs(feature, item, snapshot[key]):
            adds.append(item)
            changed += 1
        else:
            unchanged += 1
    removes = (
        [item for key, item in snapshot.items() if key not in index.used] if remove_missing else []
    )
    return FeaturePlan(feature, adds, removes, changed=changed, unchanged=unchanged)


@attrs.frozen
class RemovalGuard:
    """When a plan's removals are large enough to need ``--yes``: over a count or a share."""

    max_count: int = 100
    max_share: float = 0.5

    def trips(self, plan: FeaturePlan, present: int) -> bool:
        """Return whether ``plan`` removes more than ``max_count`` or ``max_share`` of Trakt's."""
        removes = len(plan.removes)
        return removes > self.max_count or removes > self.max_share * present

    def reason(self, plan: FeaturePlan, present: int) -> str:
        """Return ``removes N of the M FEATURE items on Trakt`` and the threshold it passes."""
        return (
            f"removes {len(plan.removes)} of the {present} {plan.feature} item(s) on Trakt "
            f"(more than {self.max_count} or {self.max_share:.0%})"
        )
