"""The container recipe's steps (docker/Dockerfile), run against a CrossWatch tree in a venv.

There is no Docker daemon here, so the test does what the image build does, step by step:
CrossWatch's tree as its image holds it (``/app``, with the ``VERSION`` file its release build
stamps), a fresh virtual environment standing in for the image's Python, and every ``RUN``
line of the Dockerfile executed verbatim with ``/app`` pointing at the tree and the package
requirement pointing at this checkout (the release is not on the index yet when it is built).
Then CrossWatch's own registry, imported from the tree, must load this package for TRAKT, and
its web app's Trakt progress adapter must still import (opt-in like the other CrossWatch
tests; the Dockerfile's own shape is checked always).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .isolation import config_listing

SRC = os.environ.get("CROSSWATCH_SRC", "")
needs_crosswatch = pytest.mark.skipif(
    not SRC, reason="needs a CrossWatch checkout in CROSSWATCH_SRC (run: tox -e crosswatch)"
)
ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "docker" / "Dockerfile"
REQUIREMENT = '"crosswatch-trakt==${CROSSWATCH_TRAKT_VERSION}"'


def run_steps(dockerfile: Path) -> list[str]:
    """Return the Dockerfile's RUN commands, continuation lines joined, in order."""
    text = re.sub(r"\s*\\\n\s*", " ", dockerfile.read_text())
    return [line[4:].strip() for line in text.splitlines() if line.startswith("RUN ")]


def image_tree(into: Path) -> Path:
    """Copy CrossWatch's checkout as its image holds it: code only, VERSION stamped."""
    tree = into / "app"
    shutil.copytree(SRC, tree, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    (tree / "VERSION").write_text("v0.11.3")
    return tree


def test_the_dockerfile_pins_both_versions_and_switches_with_our_command() -> None:
    """The recipe builds FROM a pinned CrossWatch release and switches with install, then checks."""
    text = DOCKERFILE.read_text()
    assert re.search(r"^ARG CROSSWATCH_VERSION=\d+\.\d+\.\d+$", text, re.MULTILINE)
    assert "FROM ghcr.io/cenodude/crosswatch:${CROSSWATCH_VERSION}" in text
    steps = run_steps(DOCKERFILE)
    assert REQUIREMENT in steps[0]
    install = "crosswatch-trakt crosswatch install"
    assert steps[1] == f"{install} /app && {install} --check /app"


@needs_crosswatch
def test_the_recipe_steps_switch_a_crosswatch_tree(tmp_path: Path) -> None:
    """Every RUN step succeeds in a fresh venv; CrossWatch's registry then loads this package."""
    tree = image_tree(tmp_path)
    env_dir = tmp_path / "image-python"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    env = {
        **os.environ,
        "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path / "home"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("PYTHONPATH", None)
    for step in run_steps(DOCKERFILE):
        command = step.replace(REQUIREMENT, str(ROOT)).replace("/app", str(tree))
        done = subprocess.run(
            ["bash", "-c", command], env=env, cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{step}\n{done.stdout}\n{done.stderr}"
    registry = (tree / "cw_platform" / "modules_registry.py").read_text()
    assert '"_mod_TRAKT": "crosswatch_trakt.crosswatch",' in registry
    config = tmp_path / "config"
    probe = (  # CrossWatch's hard-coded /config paths are re-rooted first, as in the web test
        "import os, pathlib; "
        "from host_crosswatch.webapp_boot import redirecting_mkdir, reroot_on_import; "
        f"root = pathlib.Path({str(config)!r}); "
        "os.mkdir = redirecting_mkdir(root); "
        f"reroot_on_import({str(tree)!r}, root); "
        "from cw_platform.modules_registry import load_sync_ops; "
        "ops = load_sync_ops('TRAKT'); print(type(ops).__module__); "
        "import services.playback_progress.adapters.trakt"
    )
    untouched = config_listing()
    checked = subprocess.run(
        [sys.executable, "-c", probe],
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(tree), str(ROOT / "tests")]),
            "CONFIG_BASE": str(config),
            "CW_PLEX_CID": "crosswatch-trakt-tests",  # else kept under /config
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert config_listing() == untouched, "CrossWatch wrote under /config"
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip().startswith("crosswatch_trakt.crosswatch")
    undone = subprocess.run(
        ["crosswatch-trakt", "crosswatch", "uninstall", str(tree)], env=env, capture_output=True
    )
    assert undone.returncode == 0, undone.stderr
    assert tree_bytes(tree) == tree_bytes(Path(SRC)), "uninstall left the tree changed"


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Return every file of a CrossWatch tree by path (no VCS, caches or the stamped VERSION)."""
    skip = {".git", "__pycache__", ".pytest_cache"}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
        and not skip & set(path.relative_to(root).parts)
        and path.relative_to(root).as_posix() != "VERSION"
    }
