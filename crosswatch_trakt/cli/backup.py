"""The export format, and reading a backup (or any file of host items) for ``import``.

An export is ``{"format": "crosswatch-trakt-export", "version": 1, "exported_at",
"adapter_version", "features": {feature: [host items]}}``. ``import`` also takes
``{feature: [items]}``, and, for one ``--features`` name, a list of items or a
``{key: item}`` snapshot (what ``snapshot --json`` prints).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from crosswatch_trakt.cli.exitcodes import USAGE, CliError
from crosswatch_trakt.hostspec import HostItem, Snapshot

__all__ = ["FORMAT", "VERSION", "decode", "export_document", "read_items"]

FORMAT = "crosswatch-trakt-export"
VERSION = 1


def _iso(epoch: float) -> str:
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def export_document(snapshots: Mapping[str, Snapshot], now: float, version: str) -> dict[str, Any]:
    """Return the versioned export of ``snapshots`` (items in key order)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _iso(now),
        "adapter_version": version,
        "features": {
            feature: [snapshot[key] for key in sorted(snapshot)]
            for feature, snapshot in snapshots.items()
        },
    }


def decode(data: bytes, where: str) -> Any:
    """Return the JSON in ``data``: UTF-8, -16 or -32, with or without a byte-order mark."""
    try:
        return json.loads(data)  # json detects the encoding and skips a BOM (RFC 8259 8.1)
    except UnicodeDecodeError as exc:
        raise CliError(
            f"{where} is not text in UTF-8, UTF-16 or UTF-32 ({exc.reason}).", USAGE
        ) from exc
    except ValueError as exc:
        raise CliError(f"{where} is not valid JSON ({exc}).", USAGE) from exc


def _load(path: Path, stdin: BinaryIO | None) -> Any:
    if str(path) == "-":
        if stdin is None:
            raise CliError("No standard input to read the items from.", USAGE)
        return decode(stdin.read(), "The standard input")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"Cannot read {path} ({exc.strerror}): check the file name.", USAGE) from exc
    return decode(data, str(path))


def _as_items(value: Any, where: str) -> list[HostItem]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    raise CliError(f"{where} must be a list of items or a {{key: item}} object.", USAGE)


def _one_feature(requested: Sequence[str] | None, name: str) -> str:
    if requested is None or len(requested) != 1:
        raise CliError(
            f"{name} holds items of no named feature: name exactly one with --features.", USAGE
        )
    return requested[0]


def _order(known: Sequence[str]) -> Any:
    return lambda feature: known.index(feature) if feature in known else len(known)


def read_items(
    path: Path,
    known: Sequence[str],
    requested: Sequence[str] | None,
    stdin: BinaryIO | None = None,
) -> dict[str, list[HostItem]]:
    """Return ``{feature: items}`` from ``path`` (``-``: ``stdin``), for the ``requested`` ones."""
    data = _load(path, stdin)
    name = "The standard input" if str(path) == "-" else str(path)
    if isinstance(data, dict) and "format" in data:
        if data.get("format") != FORMAT:
            raise CliError(f"{name} is not a crosswatch-trakt export.", USAGE)
        version = data.get("version")
        if not isinstance(version, int) or version > VERSION:
            raise CliError(
                f"{name} is export version {version!r}; this crosswatch-trakt reads version "
                f"{VERSION}: upgrade crosswatch-trakt.",
                USAGE,
            )
        data = data.get("features")
        if not isinstance(data, dict):
            raise CliError(f"{name} has no features object.", USAGE)
    if isinstance(data, dict) and data and set(data) <= {*known, "playlists"}:
        found = {feature: _as_items(items, f"{name}: {feature}") for feature, items in data.items()}
    else:
        found = {_one_feature(requested, name): _as_items(data, name)}
    if requested is None:
        return {feature: found[feature] for feature in sorted(found, key=_order(known))}
    missing = [feature for feature in requested if feature not in found]
    if missing:
        raise CliError(f"{name} has no {', '.join(missing)} items to import.", USAGE)
    return {feature: found[feature] for feature in requested}
