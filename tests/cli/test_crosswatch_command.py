"""``crosswatch-trakt crosswatch``: switch a CrossWatch tree over to this package, and back."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.cli.conftest import Runner

ORIGINAL = '        "_mod_TRAKT":      "providers.sync._mod_TRAKT",'


def tree(folder: Path, *, version: str = "v0.11.3", newline: str = "\n") -> Path:
    """Write a CrossWatch-shaped tree (registry, version, own Trakt module); return the registry."""
    path = folder / "cw_platform" / "modules_registry.py"
    path.parent.mkdir(parents=True)
    plex = '        "_mod_PLEX":       "providers.sync._mod_PLEX",'
    lines = ["MODULES = {", '    "SYNC": {', plex, ORIGINAL, "    },", "}", ""]
    path.write_bytes(newline.join(lines).encode())
    path.chmod(0o640)
    (folder / "VERSION").write_text(version)
    own = folder / "providers" / "sync" / "_mod_TRAKT.py"
    own.parent.mkdir(parents=True)
    own.write_text("class TRAKTModule: ...\nOPS = None\n")
    return path


def test_status_names_the_line_and_changes_nothing(cli: Runner, tmp_path: Path) -> None:
    """``status`` names the version, the file and line, the next command, and edits nothing."""
    path = tree(tmp_path / "cw")
    before = path.read_bytes()
    ran = cli("crosswatch", "status", str(tmp_path / "cw"))
    assert ran.code == 0
    assert "CrossWatch v0.11.3" in ran.out
    assert f"{path}, line 4" in ran.out
    assert f"crosswatch-trakt crosswatch install {tmp_path / 'cw'}" in ran.out
    assert path.read_bytes() == before


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_install_then_uninstall_restores_the_file_byte_for_byte(
    cli: Runner, tmp_path: Path, newline: str
) -> None:
    """Install keeps the original line in a comment; uninstall restores bytes and mode."""
    path = tree(tmp_path / "cw", newline=newline)
    before = path.read_bytes()
    assert cli("crosswatch", "install", str(tmp_path / "cw")).code == 0
    switched = path.read_bytes().decode()
    assert f'        "_mod_TRAKT": "crosswatch_trakt.crosswatch",{newline}' in switched
    assert f"the original line: {ORIGINAL.strip()}{newline}" in switched
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    ran = cli("crosswatch", "uninstall", str(tmp_path / "cw"))
    assert ran.code == 0
    assert "now loads its own Trakt module" in ran.out
    assert path.read_bytes() == before
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_install_and_uninstall_are_idempotent(cli: Runner, tmp_path: Path) -> None:
    """A second install, or an uninstall of a tree not switched, changes nothing and exits 0."""
    path = tree(tmp_path / "cw")
    before = path.read_bytes()
    ran = cli("crosswatch", "uninstall", str(tmp_path / "cw"))
    assert (ran.code, path.read_bytes()) == (0, before)
    assert "nothing to do" in ran.out
    cli("crosswatch", "install", str(tmp_path / "cw"))
    once = path.read_bytes()
    ran = cli("crosswatch", "install", str(tmp_path / "cw"))
    assert (ran.code, path.read_bytes()) == (0, once)
    assert "already loads this package" in ran.out


def test_check_changes_nothing_and_exits_1_when_work_is_left(cli: Runner, tmp_path: Path) -> None:
    """``--check`` exits 1 when the command would change the tree, 0 when not, writing nothing."""
    path = tree(tmp_path / "cw")
    before = path.read_bytes()
    ran = cli("crosswatch", "install", "--check", str(tmp_path / "cw"))
    assert (ran.code, path.read_bytes()) == (1, before)
    assert "would switch" in ran.out
    assert cli("crosswatch", "uninstall", "--check", str(tmp_path / "cw")).code == 0
    cli("crosswatch", "install", str(tmp_path / "cw"))
    assert cli("crosswatch", "install", "--check", str(tmp_path / "cw")).code == 0


@pytest.mark.parametrize("version", ["v0.12.0", "1.0", "nightly"])
def test_an_unknown_version_is_refused_unchanged(cli: Runner, tmp_path: Path, version: str) -> None:
    """A CrossWatch version this release does not know exits 2 with a sentence, file untouched."""
    path = tree(tmp_path / "cw", version=version)
    before = path.read_bytes()
    ran = cli("crosswatch", "install", str(tmp_path / "cw"))
    assert ran.code == 2
    assert f"CrossWatch {version} in" in ran.err
    assert "nothing was changed" in ran.err
    assert "Traceback" not in ran.err
    assert path.read_bytes() == before


def test_the_built_in_fallback_version_is_read_without_a_version_file(
    cli: Runner, tmp_path: Path
) -> None:
    """A checkout without VERSION (or stamped v0.0.0) is known by versionAPI's fallback."""
    tree(tmp_path / "cw", version="v0.0.0")
    api = tmp_path / "cw" / "api" / "versionAPI.py"
    api.parent.mkdir()
    api.write_text('VERSION_FILE = None\nFALLBACK_VERSION = "v0.11.2"\n')
    ran = cli("crosswatch", "status", str(tmp_path / "cw"))
    assert "CrossWatch v0.11.2" in ran.out
    (tmp_path / "cw" / "VERSION").unlink()
    api.unlink()
    ran = cli("crosswatch", "install", str(tmp_path / "cw"))
    assert ran.code == 2
    assert "which CrossWatch is this?" in ran.err


def test_a_replaced_own_module_is_refused(cli: Runner, tmp_path: Path) -> None:
    """The old two-line module route is refused: the web app imports TRAKTModule from it."""
    path = tree(tmp_path / "cw")
    own = tmp_path / "cw" / "providers" / "sync" / "_mod_TRAKT.py"
    own.write_text("from crosswatch_trakt.crosswatch import OPS\n")
    ran = cli("crosswatch", "install", str(tmp_path / "cw"))
    assert ran.code == 2
    assert "imports TRAKTModule" in ran.err
    assert "providers.sync._mod_TRAKT" in path.read_text()


def test_a_hand_edited_registry_is_named_not_guessed(cli: Runner, tmp_path: Path) -> None:
    """A registry switched by hand, or pointing elsewhere, is refused with the line to fix."""
    path = tree(tmp_path / "cw")
    text = path.read_text()
    path.write_text(text.replace("providers.sync._mod_TRAKT", "crosswatch_trakt.crosswatch"))
    ran = cli("crosswatch", "uninstall", str(tmp_path / "cw"))
    assert ran.code == 2
    assert "switched by hand" in ran.err
    path.write_text(text.replace("providers.sync._mod_TRAKT", "my.fork"))
    ran = cli("crosswatch", "install", str(tmp_path / "cw"))
    assert ran.code == 2
    assert "loads my.fork for TRAKT" in ran.err


def test_a_folder_without_crosswatch_is_a_usage_error(cli: Runner, tmp_path: Path) -> None:
    """A folder with no CrossWatch registry exits 2 with a sentence naming the file."""
    ran = cli("crosswatch", "install", str(tmp_path))
    assert ran.code == 2
    assert "modules_registry.py cannot be read" in ran.err
