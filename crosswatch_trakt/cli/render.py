"""Plain-text rendering: snapshot tables, plans and the per-reason accounting."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any, Protocol

from crosswatch_trakt.cli.plan import FeaturePlan
from crosswatch_trakt.features.registry import spec_for
from crosswatch_trakt.hostspec import REASONS, ApplyResult, Snapshot

__all__ = [
    "ChunkedOut",
    "Out",
    "accounting_lines",
    "collection_line",
    "describe",
    "plan_line",
    "snapshot_table",
    "write_json",
]


class Out(Protocol):
    """Where a command writes its report: a text stream."""

    def write(self, text: str, /) -> int:
        """Write ``text``."""

    def flush(self) -> None:
        """Flush what was written."""


#: the most one write hands to the output stream before flushing
CHUNK = 64 * 1024


class ChunkedOut:
    """An ``Out`` that writes in flushed pieces, so a reader gone mid-way is seen (141).

    One large write into a pipe may be taken whole even though the reader stops early;
    pieces of ``CHUNK`` characters fail with ``BrokenPipeError`` at the next one.
    """

    def __init__(self, stream: Out) -> None:
        self._stream = stream

    def write(self, text: str, /) -> int:
        """Write ``text`` in flushed pieces."""
        for start in range(0, len(text), CHUNK):
            self._stream.write(text[start : start + CHUNK])
            self._stream.flush()
        return len(text)

    def flush(self) -> None:
        """Flush the stream."""
        self._stream.flush()


def write_json(out: Out, document: Any) -> None:
    """Write ``document`` as indented JSON (keys sorted) and a newline: one ``--json`` answer."""
    out.write(json.dumps(document, indent=2, sort_keys=True, default=str) + "\n")


#: how many unresolved items are listed by name per reason
SHOW_UNRESOLVED = 5


def describe(item: Any) -> str:
    """Return a short human name: ``The Matrix (1999)``, ``Breaking Bad S01E07``."""
    if not isinstance(item, Mapping):
        return repr(item)[:60]
    title = item.get("show_title") or item.get("title") or "?"
    kind = item.get("type")
    if kind == "season":
        return f"{title} season {item.get('season')}"
    if kind == "episode" and item.get("season") is not None:
        return f"{title} S{item.get('season', 0):02d}E{item.get('episode', 0):02d}"
    year = item.get("year")
    return f"{title} ({year})" if year else str(title)


def _detail(feature: str, item: Mapping[str, Any]) -> str:
    return spec_for(feature).detail(item)


def snapshot_table(feature: str, snapshot: Snapshot) -> list[str]:
    """Return the snapshot as aligned text lines: key, type, name, detail."""
    rows = [
        (key, str(item.get("type")), describe(item), _detail(feature, item))
        for key, item in sorted(snapshot.items())
    ]
    header = ("KEY", "TYPE", "TITLE", "DETAIL")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=False))
        + "  "
        + row[3]
        for row in [header, *rows]
    ]
    lines.append(f"{len(rows)} {feature} item(s)")
    return lines


def plan_line(plan: FeaturePlan) -> str:
    """Return one line: what the plan adds, changes, removes and leaves alone."""
    adds = len(plan.adds) - plan.changed
    parts = [f"{adds} to add"]
    if spec_for(plan.feature).value_field is not None:
        parts.append(f"{plan.changed} to change")
    parts += [f"{len(plan.removes)} to remove", f"{plan.unchanged} unchanged"]
    return f"{plan.feature}: " + ", ".join(parts)


def collection_line(stats: Mapping[str, Any] | None) -> str:
    """Return the accounting of the collection entries ``--add-collections`` wrote."""
    if stats is None:
        return "history collection: nothing to collect"
    if "planned" in stats:
        return f"history collection: {stats['planned']} entries would be written"
    line = (
        f"history collection: {stats['added']} added, {stats['updated']} updated, "
        f"{stats['existing']} already there, {stats['not_found']} not found"
    )
    return line + (f"; stopped: {stats['error']}" if stats.get("error") else "")


def accounting_lines(label: str, result: ApplyResult) -> list[str]:
    """Return the accounting of one apply call: confirmed, skipped, unresolved by reason.

    ``label`` names the feature and the call (``watchlist adds``): every line that counts
    starts with it, so a script reading stdout knows which feature a number belongs to.
    """
    verb = "would be written" if result["dry_run"] else "confirmed"
    unresolved = result["unresolved"]
    lines = [
        f"{label}: {len(result['confirmed_keys'])} {verb}, "
        f"{len(result['skipped_keys'])} skipped (already so), {len(unresolved)} unresolved"
    ]
    by_reason = Counter(entry["reason"] for entry in unresolved)
    for reason, count in sorted(by_reason.items()):
        lines.append(f"{label} unresolved {reason}: {count} - {REASONS.get(reason, '')}")
        shown = [entry for entry in unresolved if entry["reason"] == reason][:SHOW_UNRESOLVED]
        for entry in shown:
            lines.append(f"    {entry['key']}  {describe(entry['item'])}: {entry['detail']}")
        if count > len(shown):
            lines.append(f"    ... and {count - len(shown)} more")
    return lines
