"""Start CrossWatch's web app in this process, kept inside a test's folder (``test_webapp``).

Run as ``python -m <package>.webapp_boot SETTINGS.json`` by ``webapp.WebApp`` with the copied
CrossWatch tree first on ``PYTHONPATH``. Before CrossWatch is imported it:

- guards the process: a Python audit hook refuses (and records in ``outside.jsonl``) every
  write outside the test's folder and every connection or name lookup beyond loopback;
- applies ``isolation``'s redirection of CrossWatch's hard-coded ``/config`` paths: folders
  created under ``/config`` go below ``CONFIG_BASE``, and every module of the tree has its
  module-level ``/config`` paths re-rooted as it is executed (also when CrossWatch reloads
  its orchestrator for a run);
- points the registry's ``_mod_PLEX`` at ``fake_source`` and gives that its library.

Then it calls ``crosswatch.main(host="127.0.0.1", port=PORT)``, as the container's entry
point does with its ``WEB_HOST``/``WEB_PORT``.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import json
import os
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from . import fake_source
from .isolation import redirecting_mkdir, reroot_module

__all__ = ["guard", "main", "reroot_on_import"]

_LOOPBACK = {"127.0.0.1", "::1", "localhost", ""}
#: audit event -> (positions of the paths it writes, positions of its dir_fd arguments)
_PATH_EVENTS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "os.mkdir": ((0,), (2,)),
    "os.rename": ((0, 1), (2, 3)),  # os.replace too
    "os.remove": ((0,), (1,)),
    "os.rmdir": ((0,), (1,)),
    "os.truncate": ((0,), ()),
    "os.chmod": ((0,), (2,)),
    "os.chown": ((0,), (3,)),
    "os.utime": ((0,), (3,)),
    "os.symlink": ((1,), (2,)),
    "os.link": ((1,), (2, 3)),
    "shutil.copyfile": ((1,), ()),
    "shutil.rmtree": ((0,), (1,)),
    "sqlite3.connect": ((0,), ()),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _inside(path: Any, roots: tuple[str, ...]) -> bool:
    """Return whether ``path`` (str, bytes or path-like; fds count as inside) is below a root."""
    if isinstance(path, int):
        return True
    text = os.fsdecode(path) if isinstance(path, (bytes, os.PathLike)) else str(path)
    if text in (":memory:", "") or text.startswith("file::memory:"):
        return True
    if text.startswith("file:"):
        text = text[5:].split("?", 1)[0]
    full = os.path.abspath(text)
    return full == os.devnull or any(full == r or full.startswith(r + os.sep) for r in roots)


def _offending(event: str, args: tuple[Any, ...], roots: tuple[str, ...]) -> Any:
    """Return what ``event`` would write or reach outside, or None when it stays inside."""
    if event == "open":
        path, mode, flags = args
        writes = (
            any(c in mode for c in "wax+")
            if isinstance(mode, str)
            else bool((flags or 0) & _WRITE_FLAGS)
        )
        return path if writes and not _inside(path, roots) else None
    if event in _PATH_EVENTS:
        paths, dir_fds = _PATH_EVENTS[event]
        if any(p < len(args) and args[p] is not None for p in dir_fds):
            return None  # relative to a folder's fd: only walks below a checked path use it
        return next((args[p] for p in paths if not _inside(args[p], roots)), None)
    if event in ("socket.connect", "socket.sendto"):
        address = args[1]
        host = address[0] if isinstance(address, tuple) else address
        return None if str(host) in _LOOPBACK or str(host).startswith("127.") else address
    if event == "socket.getaddrinfo":
        host = args[0]
        host = os.fsdecode(host) if isinstance(host, bytes) else host
        return (
            None if host is None or str(host) in _LOOPBACK or str(host).startswith("127.") else host
        )
    return None


def guard(roots: tuple[str, ...], record: Path) -> None:
    """Refuse writes outside ``roots`` and traffic beyond loopback; record each refusal."""
    log = os.open(record, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    events = {"open", "socket.connect", "socket.sendto", "socket.getaddrinfo", *_PATH_EVENTS}

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event not in events:
            return
        target = _offending(event, args, roots)
        if target is None:
            return
        line = {"event": event, "target": repr(target), "thread": threading.current_thread().name}
        os.write(log, (json.dumps(line) + "\n").encode())
        raise PermissionError(f"test guard: {event} {target!r} is outside the test's folder")

    sys.addaudithook(hook)


def reroot_on_import(tree: str, config: Path) -> None:
    """Re-root the module-level ``/config`` paths of each module of ``tree`` as it executes."""
    loader = importlib.machinery.SourceFileLoader
    original = loader.exec_module
    bases = tuple(dict.fromkeys(os.path.join(t, "") for t in (tree, os.path.realpath(tree))))

    def exec_module(self: Any, module: Any) -> None:
        original(self, module)
        if str(getattr(module, "__file__", None) or "").startswith(bases):
            reroot_module(module, config)

    loader.exec_module = exec_module  # type: ignore[method-assign]


def _keyed(library: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Key the fake Plex's items as CrossWatch does: canonical key, plays ``@<epoch>``."""
    canonical = importlib.import_module("cw_platform.id_map").canonical_key
    keyed: dict[str, dict[str, dict[str, Any]]] = {}
    for feature, items in library.items():
        keyed[feature] = {}
        for item in items:
            key = canonical(item)
            if feature == "history":
                when = datetime.fromisoformat(item["watched_at"].replace("Z", "+00:00"))
                key = f"{key}@{int(when.timestamp())}"
            keyed[feature][key] = item
    return keyed


def main(argv: list[str]) -> int:
    """Start the app as ``SETTINGS.json`` says (``root``, ``tree``, ``port``, ``library``)."""
    settings = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    root = Path(settings["root"])
    config = Path(os.environ["CONFIG_BASE"])
    guard((str(root), os.path.realpath(root)), root / "outside.jsonl")
    os.mkdir = redirecting_mkdir(config)  # type: ignore[assignment]
    reroot_on_import(settings["tree"], config)
    registry = importlib.import_module("cw_platform.modules_registry")
    registry.MODULES["SYNC"] = {**registry.MODULES["SYNC"], "_mod_PLEX": fake_source.__name__}
    fake_source.OPS.library = _keyed(json.loads(Path(settings["library"]).read_text("utf-8")))
    app = importlib.import_module("crosswatch")
    app.get_primary_ip = lambda: "127.0.0.1"  # it asks the route to 8.8.8.8 for a banner line
    app.main(host="127.0.0.1", port=int(settings["port"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
