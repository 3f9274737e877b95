"""``snapshot`` and ``export``: read Trakt's present state and back it up.

``--fresh`` deletes the features' caches first, so the read comes from Trakt whatever the
state folder holds; ``--features`` limits an export. ``import`` is in ``commands_import``.
"""

from __future__ import annotations

import json
from pathlib import Path

from crosswatch_trakt import __version__
from crosswatch_trakt.cli.backup import export_document
from crosswatch_trakt.cli.commands_import import check_feature, requested_features
from crosswatch_trakt.cli.commands_state import folder_of
from crosswatch_trakt.cli.exitcodes import OK, USAGE, CliError
from crosswatch_trakt.cli.host import CliHost
from crosswatch_trakt.cli.outfile import write_out
from crosswatch_trakt.cli.render import snapshot_table, write_json
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.hostspec import Snapshot
from crosswatch_trakt.support.clock import SystemClock

__all__ = ["export", "read_snapshots", "snapshot"]


def read_snapshots(host: CliHost, features: list[str], *, fresh: bool) -> dict[str, Snapshot]:
    """Return the snapshot of each feature (``fresh``: its cache deleted first)."""
    if fresh:
        folder_of(host).clear_caches(features)
    found: dict[str, Snapshot] = {}
    for number, feature in enumerate(features, 1):
        with host.progress.step(f"[{number}/{len(features)}] reading {feature}"):
            found[feature] = host.snapshot(feature)
    return found


def snapshot(rt: Runtime) -> int:
    """Print the present-state snapshot of one feature as a table or JSON."""
    host, args, out = rt.host, rt.args, rt.out
    host.settings.require_client(secret=False)
    check_feature(host, args.feature)
    items = read_snapshots(host, [args.feature], fresh=args.fresh)[args.feature]
    if args.json:
        write_json(out, items)
    else:
        out.write("\n".join(snapshot_table(args.feature, items)) + "\n")
    return OK


def export(rt: Runtime) -> int:
    """Write a versioned JSON backup of the features to ``--out`` or stdout."""
    host, args, out = rt.host, rt.args, rt.out
    host.settings.require_client(secret=False)
    features = requested_features(host, args.features) or list(host.features())
    snapshots = read_snapshots(host, features, fresh=args.fresh)
    clock = host.clock if host.clock is not None else SystemClock()
    document = export_document(snapshots, clock.time(), __version__)
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    counts = {feature: len(items) for feature, items in snapshots.items()}
    said = ", ".join(f"{count} {feature}" for feature, count in counts.items())
    if args.out in (None, "-"):
        out.write(text)
        out.flush()
        host.progress.note(f"Exported {said}.")
        return OK
    path = Path(args.out).expanduser()
    try:
        how = write_out(path, text)
    except OSError as exc:
        raise CliError(
            f"Cannot write {path} ({exc.strerror}): check --out; nothing was exported.", USAGE
        ) from exc
    if args.json:
        summary = {"out": str(path), "written": how, "exported_at": document["exported_at"]}
        write_json(out, {**summary, "counts": counts})
    else:
        out.write(f"Exported {said} to {path}.\n")
    return OK
