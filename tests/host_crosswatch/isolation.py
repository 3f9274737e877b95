"""Keep CrossWatch's code out of the machine's ``/config`` while the tests run it.

CrossWatch's orchestrator and its built-in Trakt module keep state under a hard-coded
``/config/.cw_state`` whatever ``CONFIG_BASE`` says (module constants such as
``cw_platform.orchestrator._blackbox.STATE_DIR``). On a machine that runs CrossWatch that is
its live state. ``redirect_config`` imports the packages a test drives and points every such
module-level path at the test's own folder; ``redirecting_mkdir`` re-roots the directories
some modules create under ``/config`` as they are imported; ``config_listing`` lets a test
prove that nothing under ``/config`` appeared or changed.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "CONFIG",
    "PACKAGES",
    "config_listing",
    "redirect_config",
    "redirecting_mkdir",
    "reroot_module",
]

CONFIG = Path("/config")
#: the packages whose modules hold ``/config`` paths the orchestrator and the built-in use
PACKAGES = ("cw_platform.orchestrator", "providers.sync.trakt")


def _moved(value: Any, root: Path) -> Any:
    """Return ``value`` re-rooted at ``root`` when it is a path under ``/config``, else None."""
    if isinstance(value, Path) and (value == CONFIG or CONFIG in value.parents):
        return root / value.relative_to(CONFIG)
    if isinstance(value, str) and (value == "/config" or value.startswith("/config/")):
        return str(root / Path(value).relative_to(CONFIG))
    return None


def _import_all(packages: Iterable[str]) -> None:
    for name in packages:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            importlib.import_module(info.name)


def redirect_config(src: str, root: Path, packages: Iterable[str] = PACKAGES) -> Callable[[], None]:
    """Point the ``/config`` paths of CrossWatch's loaded modules at ``root``; return an undo."""
    _import_all(packages)
    base = str(Path(src).resolve())
    undo: list[tuple[Any, str, Any]] = []
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path or not str(Path(path).resolve()).startswith(base):
            continue
        for attr, value in list(vars(module).items()):
            moved = _moved(value, root)
            if moved is not None:
                undo.append((module, attr, value))
                setattr(module, attr, moved)

    def restore() -> None:
        for module, attr, value in undo:
            setattr(module, attr, value)

    return restore


def reroot_module(module: Any, root: Path) -> None:
    """Point the module-level ``/config`` paths of one ``module`` at ``root`` (no undo)."""
    for attr, value in list(vars(module).items()):
        moved = _moved(value, root)
        if moved is not None:
            setattr(module, attr, moved)


def redirecting_mkdir(root: Path) -> Callable[..., None]:
    """Return an ``os.mkdir`` that creates a directory under ``/config`` below ``root`` instead.

    Some of CrossWatch's provider modules create their state folder under ``/config`` when
    they are imported (CrossWatch's registry imports them all); install it for the test.
    """
    original = os.mkdir

    def mkdir(path: Any, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        moved = _moved(Path(path), root) if isinstance(path, (str, Path)) else None
        if moved is None:
            original(path, mode, dir_fd=dir_fd)
        elif not Path(moved).is_dir():  # the folder under /config "exists" once it is below root
            original(moved, mode, dir_fd=dir_fd)

    return mkdir


def config_listing() -> set[tuple[str, int, int]]:
    """Return everything under ``/config`` (and ``/config`` itself) with size and mtime."""
    if not CONFIG.exists():
        return set()
    return {
        (str(path), path.stat().st_size, path.stat().st_mtime_ns)
        for path in [CONFIG, *CONFIG.rglob("*")]
        if path.is_file() or path.is_dir()
    }
