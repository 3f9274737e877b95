"""Switch a CrossWatch tree over to this package for Trakt, and back, byte for byte.

CrossWatch 0.11 loads each sync provider from a fixed registry,
``cw_platform/modules_registry.py``. Switching over changes only the ``"_mod_TRAKT"`` line of
that file, and keeps the original line, verbatim, in a comment just above the new one, so
that switching back restores the file byte for byte. CrossWatch's own Trakt module stays in
place: its web app (``services/playback_progress/adapters/trakt.py``) imports from it.

Nothing here imports CrossWatch; the tree is read as text. A tree whose version or registry
is not one this release knows is refused with a sentence, never half-changed.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import attrs

from crosswatch_trakt.errors import HostTreeError

__all__ = [
    "MODULE",
    "ORIGINAL_MODULE",
    "REGISTRY",
    "SUPPORTED",
    "Switch",
    "inspect",
    "install",
    "uninstall",
]

#: CrossWatch's registry of sync modules, below its folder
REGISTRY = Path("cw_platform") / "modules_registry.py"
#: the module CrossWatch should load for TRAKT
MODULE = "crosswatch_trakt.crosswatch"
#: the module CrossWatch ships for TRAKT
ORIGINAL_MODULE = "providers.sync._mod_TRAKT"
#: the CrossWatch versions (``major.minor``) whose registry and host contract this release knows
SUPPORTED = ("0.11",)
#: the comment that keeps the original line; everything after it is that line, verbatim
MARKER = "# crosswatch-trakt install; the original line: "

_LINE = re.compile(r'^(?P<indent>[ \t]*)"_mod_TRAKT"\s*:\s*"(?P<module>[^"]+)"\s*,?\s*$')
_FALLBACK = re.compile(r'^FALLBACK_VERSION\s*=\s*"(?P<version>[^"]+)"', re.MULTILINE)
_VERSION = re.compile(r"^v?(?P<major>\d+)\.(?P<minor>\d+)(?:\.\d+)?\S*$")


@attrs.frozen
class Switch:
    """What one tree holds for TRAKT, and what a change would do (or did)."""

    folder: Path
    version: str
    line: int  # 1-based line of the "_mod_TRAKT" entry
    module: str  # the module the tree loads for TRAKT now (after the change, if any)
    changed: bool  # whether the file was (or, with ``check``, would be) changed

    @property
    def registry(self) -> Path:
        """Return the registry file of the tree."""
        return self.folder / REGISTRY

    @property
    def switched(self) -> bool:
        """Return whether the tree loads this package for TRAKT."""
        return self.module == MODULE


def inspect(folder: Path) -> Switch:
    """Return what ``folder`` (a CrossWatch tree) loads for TRAKT; change nothing."""
    version, lines = _read(folder)
    number, module, _ = _entry(folder, lines)
    return Switch(folder, version, number + 1, module, changed=False)


def install(folder: Path, *, check: bool = False) -> Switch:
    """Make ``folder`` load this package for TRAKT (with ``check``: only say whether it would).

    Idempotent: a tree already switched is left as it is.
    """
    version, lines = _read(folder)
    number, module, match = _entry(folder, lines)
    if module == MODULE:
        return Switch(folder, version, number + 1, module, changed=False)
    if module != ORIGINAL_MODULE:
        raise HostTreeError(
            f"{folder / REGISTRY}, line {number + 1}, loads {module} for TRAKT, not "
            f"CrossWatch's own {ORIGINAL_MODULE}: another change is in place; undo it first."
        )
    _refuse_replaced_module(folder)
    original = lines[number]
    ending = original[len(original.rstrip("\r\n")) :] or "\n"
    indent = match["indent"]
    new = [
        f"{indent}{MARKER}{original[len(indent) :].rstrip(chr(13) + chr(10))}{ending}",
        f'{indent}"_mod_TRAKT": "{MODULE}",{ending}',
    ]
    if not check:
        _write(folder / REGISTRY, [*lines[:number], *new, *lines[number + 1 :]])
    return Switch(folder, version, number + 2, MODULE, changed=True)


def uninstall(folder: Path, *, check: bool = False) -> Switch:
    """Put CrossWatch's own Trakt module back, byte for byte (with ``check``: only say so).

    Idempotent: a tree that does not load this package is left as it is.
    """
    version, lines = _read(folder)
    number, module, match = _entry(folder, lines)
    if module != MODULE:
        return Switch(folder, version, number + 1, module, changed=False)
    previous = lines[number - 1] if number else ""
    indent = match["indent"]
    if not previous.startswith(f"{indent}{MARKER}"):
        raise HostTreeError(
            f"{folder / REGISTRY}, line {number + 1}, was switched by hand, not by "
            f'"crosswatch-trakt crosswatch install": put back the line '
            f'"_mod_TRAKT": "{ORIGINAL_MODULE}", yourself.'
        )
    ending = lines[number][len(lines[number].rstrip("\r\n")) :]
    restored = f"{indent}{previous[len(indent) + len(MARKER) :].rstrip(chr(13) + chr(10))}"
    original = _LINE.match(restored)
    if original is None or original["module"] != ORIGINAL_MODULE:
        raise HostTreeError(
            f"{folder / REGISTRY}, line {number}: the kept original line was changed; "
            f'put back "_mod_TRAKT": "{ORIGINAL_MODULE}", yourself.'
        )
    if not check:
        lines = [*lines[: number - 1], restored + ending, *lines[number + 1 :]]
        _write(folder / REGISTRY, lines)
    return Switch(folder, version, number, ORIGINAL_MODULE, changed=True)


def _read(folder: Path) -> tuple[str, list[str]]:
    """Return the tree's CrossWatch version and its registry's lines (endings kept)."""
    registry = folder / REGISTRY
    try:
        text = registry.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise HostTreeError(
            f"{registry} cannot be read ({reason}): give the folder that holds CrossWatch's "
            "cw_platform/ (in its container: /app)."
        ) from None
    version = _version(folder)
    found = _VERSION.match(version)
    if found is None or f"{found['major']}.{found['minor']}" not in SUPPORTED:
        raise HostTreeError(
            f"CrossWatch {version} in {folder} is not a version this release of "
            f"crosswatch-trakt knows ({', '.join(v + '.x' for v in SUPPORTED)}); "
            "nothing was changed. Upgrade crosswatch-trakt, or stay on CrossWatch's own module."
        )
    return version, text.splitlines(keepends=True)


def _version(folder: Path) -> str:
    """Return the tree's version: its stamped ``VERSION`` file, else its built-in fallback."""
    stamped = folder / "VERSION"
    if stamped.is_file():
        text = stamped.read_text(encoding="utf-8", errors="replace").strip()
        if text.lower().lstrip("v") not in ("", "0.0.0"):
            return text
    source = folder / "api" / "versionAPI.py"
    try:
        fallback = _FALLBACK.search(source.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        fallback = None
    if fallback is None:
        raise HostTreeError(
            f"{folder} has no VERSION file and no api/versionAPI.py: which CrossWatch is "
            "this? Nothing was changed."
        )
    return fallback["version"]


def _entry(folder: Path, lines: list[str]) -> tuple[int, str, re.Match[str]]:
    """Return the 0-based number, module and match of the registry's only TRAKT line."""
    found = [(n, m) for n, line in enumerate(lines) if (m := _LINE.match(line)) is not None]
    if len(found) != 1:
        raise HostTreeError(
            f'{folder / REGISTRY} has {len(found)} "_mod_TRAKT" lines, not one: this is not '
            "a registry this release knows; nothing was changed."
        )
    number, match = found[0]
    return number, match["module"], match


def _refuse_replaced_module(folder: Path) -> None:
    """Refuse a tree whose own Trakt module was replaced (the web app imports from it)."""
    own = folder / "providers" / "sync" / "_mod_TRAKT.py"
    try:
        text = own.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    if "TRAKTModule" not in text:
        raise HostTreeError(
            f"{own} is missing or was replaced: CrossWatch's web app imports TRAKTModule from "
            "it. Restore CrossWatch's own file (reinstall or re-pull CrossWatch), then install."
        )


def _write(path: Path, lines: list[str]) -> None:
    """Replace ``path`` with ``lines`` atomically, keeping its mode (and owner, as root)."""
    stat = path.stat()
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write("".join(lines).encode("utf-8"))
        os.chmod(temp, stat.st_mode & 0o7777)
        if os.geteuid() == 0:
            os.chown(temp, stat.st_uid, stat.st_gid)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
