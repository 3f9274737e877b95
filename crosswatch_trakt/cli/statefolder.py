"""What the state folder holds, read as plain JSON: sizes, watermarks and held-back items.

The command reads the files without the adapter's document classes, so a file of an older
schema still shows; deleting goes through ``StateStore.delete`` (under the file's lock).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from crosswatch_trakt.features.registry import REGISTRY
from crosswatch_trakt.support.state import StateStore, state_error
from crosswatch_trakt.trakt.tokens import TOKENS_FILE
from crosswatch_trakt.trakt.user_settings import SETTINGS_FILE

__all__ = ["CACHES", "HOLDS", "RESOLVED", "Hold", "StateFolder"]

#: per feature: the cache of its last complete read, and its memory of held-back items
CACHES = {name: spec.files.index for name, spec in REGISTRY.items()}
HOLDS = {name: spec.files.unresolved for name, spec in REGISTRY.items()}
#: per feature: which Trakt item each title-only item became (``features.resolved``)
RESOLVED = {name: spec.files.resolved for name, spec in REGISTRY.items()}


@attrs.frozen
class Hold:
    """One held-back item: why, when it was last tried, and when the hold ends."""

    feature: str
    key: str
    reason: str
    detail: str
    last_tried: float
    expires_at: float
    attempts: int


def _watermarks(feature: str, data: dict[str, Any]) -> dict[str, str | None]:
    """Return the watermarks a cache file was read at, per part (one part: the feature's)."""
    if "watermark" in data:
        return {feature: data.get("watermark")}
    sections = data.get("types", data)
    if not isinstance(sections, dict):
        return {}
    return {
        kind: section.get("watermark")
        for kind, section in sections.items()
        if isinstance(section, dict) and "watermark" in section
    }


@attrs.define
class StateFolder:
    """The state folder of one account."""

    root: Path
    backoff_seconds: float
    _store: StateStore = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._store = StateStore(self.root)

    def check(self) -> bool:
        """Warn when the folder is writable by its group or anyone (``state.shared_writable``)."""
        return self._store.check_folder()

    def _read(self, name: str) -> dict[str, Any] | None:
        try:
            data = json.loads((self.root / name).read_bytes())
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise state_error("read the state file", self.root / name, exc) from exc
        except ValueError:
            return {}  # corrupt: the store moves it aside and rebuilds it on its next use
        return data if isinstance(data, dict) else {}

    def files(self) -> list[tuple[str, int]]:
        """Return every file in the folder (lock files aside) with its size in bytes."""
        if not self.root.is_dir():
            return []
        try:
            return sorted(
                (path.name, path.stat().st_size)
                for path in self.root.iterdir()
                if path.is_file() and not path.name.endswith(".lock")
            )
        except OSError as exc:
            raise state_error("list the state folder", self.root, exc) from exc

    def watermarks(self) -> dict[str, dict[str, str | None]]:
        """Return per feature the watermarks its cache was read at."""
        found: dict[str, dict[str, str | None]] = {}
        for feature, name in CACHES.items():
            data = self._read(name)
            if data is not None:
                found[feature] = _watermarks(feature, data)
        return found

    def holds(self, feature: str | None = None) -> Iterator[Hold]:
        """Yield the held-back items (of ``feature``, or of every feature)."""
        for name_feature, name in HOLDS.items():
            if feature not in (None, name_feature):
                continue
            items = (self._read(name) or {}).get("items")
            for key, record in (items if isinstance(items, dict) else {}).items():
                if not isinstance(record, dict):
                    continue
                tried = float(record.get("last_tried") or 0.0)
                yield Hold(
                    name_feature,
                    key,
                    str(record.get("reason")),
                    str(record.get("detail") or ""),
                    tried,
                    tried + self.backoff_seconds,
                    int(record.get("attempts") or 1),
                )

    def delete(self, names: list[str]) -> list[str]:
        """Delete the files ``names`` that exist; return those deleted."""
        store = self._store
        gone = [name for name in names if (self.root / name).exists()]
        for name in gone:
            if ".corrupt-" in name:  # set aside: nobody writes it, so no lock to take
                try:
                    (self.root / name).unlink(missing_ok=True)
                except OSError as exc:
                    raise state_error("delete the state file", self.root / name, exc) from exc
            else:
                store.delete(name)
        return gone

    def clear_holds(self, feature: str | None = None) -> list[str]:
        """Delete the held-back memory (of ``feature``, or of every feature)."""
        return self.delete([name for f, name in HOLDS.items() if feature in (None, f)])

    def clear_caches(self, features: list[str]) -> list[str]:
        """Delete the caches of ``features``: their next read comes from Trakt."""
        return self.delete([CACHES[feature] for feature in features if feature in CACHES])

    def personal(self) -> list[str]:
        """Return the files with personal data besides the tokens: caches, holds, set-asides."""
        known = {*CACHES.values(), *HOLDS.values(), *RESOLVED.values(), SETTINGS_FILE}
        return [
            name
            for name, _ in self.files()
            if name in known or (name.startswith("trakt_") and ".corrupt-" in name)
        ]

    def delete_locks(self) -> list[str]:
        """Delete the folder's lock files that no run holds; return those deleted.

        A lock is taken (without waiting) before its file goes, so a run that holds it keeps
        it; the store and the writer lock create their files again when next needed.
        """
        if not self.root.is_dir():
            return []
        gone: list[str] = []
        for path in sorted(self.root.glob(".*.lock")):
            try:
                fd = os.open(path, os.O_RDWR)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise state_error("open the lock file", path, exc) from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)  # held by a running command: it stays
                continue
            try:
                path.unlink(missing_ok=True)
                gone.append(path.name)
            except OSError as exc:
                raise state_error("delete the lock file", path, exc) from exc
            finally:
                os.close(fd)
        return gone

    def reset(self) -> list[str]:
        """Delete every cache, hold and set-aside file; the login (``TOKENS_FILE``) stays."""
        return self.delete([name for name in self.personal() if name != TOKENS_FILE])
