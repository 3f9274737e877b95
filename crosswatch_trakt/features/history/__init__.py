"""The history feature: plays with ``watched_at``, exactly once, and collection writes.

Removes go by history id; ``HistoryFeature`` is in ``feature``.
"""

from __future__ import annotations

from crosswatch_trakt.features.history.feature import SPEC, HistoryFeature

__all__ = ["SPEC", "HistoryFeature"]
