"""``crosswatch-trakt crosswatch FOLDER``: the registry line that switches CrossWatch over."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Runner


def registry(folder: Path, module: str) -> Path:
    """Write a registry file in CrossWatch's layout with the given TRAKT module."""
    path = folder / "cw_platform" / "modules_registry.py"
    path.parent.mkdir(parents=True)
    path.write_text(
        'MODULES = {\n    "SYNC": {\n'
        '        "_mod_PLEX": "providers.sync._mod_PLEX",\n'
        f'        "_mod_TRAKT": "{module}",\n'
        "    },\n}\n"
    )
    return path


def test_prints_the_line_to_change_and_to_restore(cli: Runner, tmp_path: Path) -> None:
    """The command names the file and line, the new line and the original, and edits nothing."""
    path = registry(tmp_path / "cw", "providers.sync._mod_TRAKT")
    before = path.read_text()
    ran = cli("crosswatch", str(tmp_path / "cw"))
    assert ran.code == 0
    assert f"{path}, line 4" in ran.out
    assert '        "_mod_TRAKT": "crosswatch_trakt.crosswatch",' in ran.out
    assert '        "_mod_TRAKT": "providers.sync._mod_TRAKT",' in ran.out
    assert path.read_text() == before


def test_says_when_already_switched(cli: Runner, tmp_path: Path) -> None:
    """A registry that already loads this package is reported so, with the way back."""
    registry(tmp_path / "cw", "crosswatch_trakt.crosswatch")
    ran = cli("crosswatch", str(tmp_path / "cw"))
    assert "already uses this package" in ran.out
    assert "providers.sync._mod_TRAKT" in ran.out


def test_a_folder_without_crosswatch_is_a_usage_error(cli: Runner, tmp_path: Path) -> None:
    """A folder with no CrossWatch registry exits 2 with a sentence naming the file."""
    ran = cli("crosswatch", str(tmp_path))
    assert ran.code == 2
    assert "modules_registry.py cannot be read" in ran.err
