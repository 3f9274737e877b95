"""``StateStore``: versioned attrs documents on disk, written atomically with mode 0600.

A document is an attrs class with a ``SCHEMA`` class variable. On disk it is JSON
``{"schema": N, ...fields}``. A file that is not valid JSON, has another schema, or does not
structure into the class is moved aside as ``<name>.corrupt-<time>``, logged and reported in
``StateStore.problems``; the caller rebuilds it from Trakt. Writes go to a temp file in the
same folder, are fsynced and then ``os.replace``-d over the old file, under an advisory lock
(``fcntl.flock``) that also holds across processes sharing the folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Protocol, TypeVar

import attrs
import cattrs

from crosswatch_trakt.errors import StateError
from crosswatch_trakt.support import converter
from crosswatch_trakt.support.clock import Clock, SystemClock
from crosswatch_trakt.support.log import get_logger

__all__ = ["Document", "StateProblem", "StateStore"]

FILE_MODE = 0o600


class Document(Protocol):
    """What a state document provides: its schema number."""

    SCHEMA: ClassVar[int]


D = TypeVar("D", bound=Document)


@attrs.frozen
class StateProblem:
    """A state file that could not be trusted and was moved aside."""

    name: str
    moved_to: str
    reason: str


@attrs.define
class StateStore:
    """The state files of one Trakt account, in ``root`` (the host's ``state_dir``)."""

    root: Path = attrs.field(converter=Path)
    clock: Clock = attrs.Factory(SystemClock)
    problems: list[StateProblem] = attrs.Factory(list)
    _thread_locks: dict[str, threading.Lock] = attrs.field(factory=dict, repr=False)
    _guard: threading.Lock = attrs.field(factory=threading.Lock, repr=False)

    def path(self, name: str) -> Path:
        """Return the path of the state file ``name``."""
        return self.root / name

    def load(self, name: str, doc_type: type[D]) -> D | None:
        """Return the document in ``name``, or ``None`` when absent or moved aside as corrupt."""
        path = self.path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(f"cannot read state file {path}: {exc.strerror}") from exc
        try:
            raw = json.loads(text)
        except ValueError:
            self._move_aside(name, "not valid JSON")
            return None
        if not isinstance(raw, dict) or raw.get("schema") != doc_type.SCHEMA:
            found = raw.get("schema") if isinstance(raw, dict) else None
            self._move_aside(name, f"schema {found!r}, expected {doc_type.SCHEMA}")
            return None
        body = {k: v for k, v in raw.items() if k != "schema"}
        try:
            return converter.structure(body, doc_type)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            detail = "; ".join(converter.error_messages(exc))[:300]
            self._move_aside(name, f"does not match its schema: {detail}")
            return None

    def save(self, name: str, doc: Document) -> None:
        """Write ``doc`` to ``name`` atomically (temp file, fsync, ``os.replace``), mode 0600."""
        data = {"schema": type(doc).SCHEMA, **converter.unstructure(doc)}
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with self.lock(name):
            self._write_atomic(self.path(name), payload)

    def delete(self, name: str) -> None:
        """Delete the state file ``name`` if it exists."""
        with self.lock(name):
            self.path(name).unlink(missing_ok=True)

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold the lock of ``name`` in this process and across processes (not re-entrant)."""
        self._ensure_root()
        with self._guard:
            thread_lock = self._thread_locks.setdefault(name, threading.Lock())
        with thread_lock:
            fd = os.open(self.root / f".{name}.lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    def _ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StateError(f"cannot create state folder {self.root}: {exc.strerror}") from exc

    def _write_atomic(self, path: Path, payload: str) -> None:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=self.root)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        self._fsync_dir()

    def _fsync_dir(self) -> None:
        fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _move_aside(self, name: str, reason: str) -> None:
        stamp = int(self.clock.time())
        target = self.path(f"{name}.corrupt-{stamp}")
        os.replace(self.path(name), target)
        self.problems.append(StateProblem(name=name, moved_to=str(target), reason=reason))
        get_logger("state").warning(
            "state.corrupt_moved_aside", file=name, moved_to=str(target), reason=reason
        )
