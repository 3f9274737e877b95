"""``StateStore``: versioned attrs documents on disk, written atomically with mode 0600.

A document is an attrs class with a ``SCHEMA`` class variable. On disk it is JSON
``{"schema": N, ...fields}``. A file that is not valid JSON, has another schema, or does not
structure into the class is moved aside as ``<name>.corrupt-<time>``, logged and reported in
``StateStore.problems``; the caller rebuilds it from Trakt. Writes go to a temp file in the
same folder, are fsynced and then ``os.replace``-d over the old file, under an advisory lock
(``fcntl.flock``) that also holds across processes sharing the folder.

Every document ends with ``"digest"``: the SHA-256 of the file without that field. A cache
(a document type with ``CACHE = True``) whose digest is missing or does not match is moved
aside like a corrupt file, so a hand-edited or truncated cache is rebuilt, never trusted.
Every ``OSError`` of the folder (full disk, permissions, read-only) becomes a ``StateError``
that names the path and the fix.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import stat
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

import attrs
import cattrs

from crosswatch_trakt.errors import StateError
from crosswatch_trakt.support import converter
from crosswatch_trakt.support.atomic import write_atomically
from crosswatch_trakt.support.clock import Clock, SystemClock
from crosswatch_trakt.support.log import get_logger

__all__ = ["Document", "StateProblem", "StateStore", "state_error"]

FILE_MODE = 0o600
DIGEST_KEY = ',"digest":"'
#: the end of every saved document: ``,"digest":"<64 hex>"}``
DIGEST_TAIL = len(DIGEST_KEY) + 64 + 2


def state_error(action: str, path: Path, exc: OSError) -> StateError:
    """Return the ``StateError`` for an ``OSError`` on ``path``: what failed and the fix."""
    reason = exc.strerror or type(exc).__name__
    if isinstance(exc, PermissionError):
        fix = "make the state folder writable by this user"
    elif exc.errno in (28, 122):  # ENOSPC, EDQUOT
        fix = "free space on that disk"
    elif exc.errno == 30:  # EROFS
        fix = "move the state folder to a writable disk"
    elif isinstance(exc, (FileExistsError, NotADirectoryError)):
        fix = "a file is in the way of the folder: move it or choose another state folder"
    else:
        fix = "check the state folder and its disk"
    return StateError(f"cannot {action} {path}: {reason}; {fix}, then run again")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


#: list items encoded at a time when a document is written (a slice of a long list)
SLICE = 1000


def _json_chunks(value: Any, ensure_ascii: bool) -> Iterator[str]:
    """Yield ``json.dumps(value)`` (compact separators) in pieces: long lists a slice at a time.

    Objects and long lists are walked here; every piece is encoded by ``json.dumps`` (its C
    encoder), so the text is the one ``json.dumps`` gives, without ever being whole.
    """
    if type(value) is dict:
        yield "{"
        for n, (key, item) in enumerate(value.items()):
            head = json.dumps({key: None}, ensure_ascii=ensure_ascii, separators=(",", ":"))
            yield ("," if n else "") + head[1:-5]
            yield from _json_chunks(item, ensure_ascii)
        yield "}"
    elif type(value) is list and len(value) > SLICE:
        yield "["
        for start in range(0, len(value), SLICE):
            part = json.dumps(
                value[start : start + SLICE], ensure_ascii=ensure_ascii, separators=(",", ":")
            )
            yield ("," if start else "") + part[1:-1]
        yield "]"
    else:
        yield json.dumps(value, ensure_ascii=ensure_ascii, separators=(",", ":"))


def _document(data: dict[str, Any], ensure_ascii: bool) -> Iterator[str]:
    """Yield the text of a saved document: ``data`` with its digest before the closing brace."""
    digest = hashlib.sha256()
    last = ""
    for chunk in _json_chunks(data, ensure_ascii):
        if last:
            digest.update(last.encode("utf-8", "surrogatepass"))
            yield last
        last = chunk
    digest.update(last.encode("utf-8", "surrogatepass"))
    yield f'{last[:-1]}{DIGEST_KEY}{digest.hexdigest()}"}}'


def _check_digest(text: str) -> str | None:
    """Return why ``text`` fails its digest, or ``None`` when it carries a matching one."""
    body = text.rstrip()
    tail = body[-DIGEST_TAIL:]
    if not (tail.startswith(DIGEST_KEY) and tail.endswith('"}')):
        return "no digest"
    if _digest(body[:-DIGEST_TAIL] + "}") != tail[len(DIGEST_KEY) : -2]:
        return "digest does not match its content"
    return None


class Document(Protocol):
    """What a state document provides: its schema number."""

    SCHEMA: ClassVar[int]


def _is_cache(doc_type: type[Document]) -> bool:
    return bool(getattr(doc_type, "CACHE", False))


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
    _mode_checked: bool = attrs.field(default=False, repr=False)
    _mode_checked_run: str | None = attrs.field(default=None, repr=False)

    def path(self, name: str) -> Path:
        """Return the path of the state file ``name``."""
        return self.root / name

    def check_folder(self, run_id: str | None = None) -> bool:
        """Warn once per run when the folder is writable by its group or by anyone.

        Called at the start of every run that uses the folder (``account_for``, the ``state``
        command), and by the first read or write of a store that was not checked yet, so a
        run served from the caches is warned about as a run that writes. Returns whether the
        folder is shared (``False`` when it does not exist yet).
        """
        with self._guard:
            if self._mode_checked and self._mode_checked_run == run_id:
                return False
            self._mode_checked, self._mode_checked_run = True, run_id
        try:
            mode = self.root.stat().st_mode
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise state_error("read the state folder", self.root, exc) from exc
        return warn_if_shared(self.root, mode, "state folder")

    def load(self, name: str, doc_type: type[D]) -> D | None:
        """Return the document in ``name``, or ``None`` when absent or moved aside as corrupt."""
        if not self._mode_checked:
            self.check_folder()
        path = self.path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise state_error("read the state file", path, exc) from exc
        except UnicodeDecodeError:
            self._move_aside(name, "not UTF-8")
            return None
        try:
            raw = json.loads(text)
        except ValueError:
            self._move_aside(name, "not valid JSON")
            return None
        if not isinstance(raw, dict) or raw.get("schema") != doc_type.SCHEMA:
            found = raw.get("schema") if isinstance(raw, dict) else None
            self._move_aside(name, f"schema {found!r}, expected {doc_type.SCHEMA}")
            return None
        failed = _check_digest(text)
        if failed is not None and _is_cache(doc_type):
            self._move_aside(name, f"{failed} (a cache is rebuilt rather than trusted)")
            return None
        if failed is not None and "digest" in raw:
            get_logger("state").warning("state.digest_mismatch", file=name, reason=failed)
        body = {k: v for k, v in raw.items() if k not in ("schema", "digest")}
        try:
            return converter.structure(body, doc_type)
        except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
            detail = "; ".join(converter.error_messages(exc))[:300]
            self._move_aside(name, f"does not match its schema: {detail}")
            return None

    def save(self, name: str, doc: Document) -> None:
        """Write ``doc`` to ``name`` atomically (temp file, fsync, ``os.replace``), mode 0600.

        The JSON is written in pieces as it is encoded (``_document``), never held whole.
        """
        data = {"schema": type(doc).SCHEMA, **converter.unstructure(doc)}
        with self.lock(name):
            try:
                self._write_atomic(self.path(name), _document(data, ensure_ascii=False))
            except UnicodeEncodeError:  # a lone surrogate in some title: escape it, never crash
                self._write_atomic(self.path(name), _document(data, ensure_ascii=True))

    def delete(self, name: str) -> None:
        """Delete the state file ``name`` if it exists."""
        with self.lock(name):
            try:
                self.path(name).unlink(missing_ok=True)
            except OSError as exc:
                raise state_error("delete the state file", self.path(name), exc) from exc

    def check_writable(self) -> None:
        """Raise ``StateError`` unless a file can be created, written and synced in ``root``."""
        self._ensure_root()
        probe = self.path(".write-check")
        try:
            self._write_atomic(probe, "{}" + " " * 4096)
            probe.unlink()
        except OSError as exc:
            raise state_error("write in the state folder", self.root, exc) from exc

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Hold the lock of ``name`` in this process and across processes (not re-entrant)."""
        self._ensure_root()
        with self._guard:
            thread_lock = self._thread_locks.setdefault(name, threading.Lock())
        with thread_lock:
            path = self.root / f".{name}.lock"
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
            except OSError as exc:
                raise state_error("open the lock file", path, exc) from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    def _ensure_root(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise state_error("create the state folder", self.root, exc) from exc
        if not self._mode_checked:
            self.check_folder()

    def _write_atomic(self, path: Path, payload: str | Iterable[str]) -> None:
        try:
            self._write_file(path, payload)
        except OSError as exc:
            raise state_error("write the state file", path, exc) from exc

    def _write_file(self, path: Path, payload: str | Iterable[str]) -> None:
        write_atomically(path, payload, FILE_MODE)

    def _move_aside(self, name: str, reason: str) -> None:
        stamp = int(self.clock.time())
        target = self.path(f"{name}.corrupt-{stamp}")
        try:
            os.replace(self.path(name), target)
        except OSError as exc:
            raise state_error("move aside the untrusted state file", self.path(name), exc) from exc
        self.problems.append(StateProblem(name=name, moved_to=str(target), reason=reason))
        get_logger("state").warning(
            "state.corrupt_moved_aside", file=name, moved_to=str(target), reason=reason
        )


def warn_if_shared(path: Path, mode: int, what: str) -> bool:
    """Log a warning when ``path`` is writable by its group or by anyone; return whether."""
    shared = bool(mode & (stat.S_IWGRP | stat.S_IWOTH))
    if shared:
        get_logger("state").warning(
            "state.shared_writable",
            path=str(path),
            what=what,
            mode=oct(stat.S_IMODE(mode)),
            fix=f"chmod go-w {path}",
        )
    return shared
