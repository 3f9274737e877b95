"""Prove the built artifacts, not the checkout: what ``tox -e artifacts`` runs.

1. Build the sdist, and the wheel from the sdist (``python -m build``); ``twine check
   --strict`` both.
2. Contents: the sdist holds every file of the package, tests, cassettes and docs, with
   ``mkdocs.yml``, ``LICENSE`` and ``tox.ini``; the wheel holds the package, ``py.typed``,
   the licence, the entry points and honest metadata, and no tests.
3. The wheel alone, no extras, in a fresh virtual environment: ``crosswatch-trakt --version``,
   ``--help``, every subcommand's ``--help`` and ``demo`` exit 0, and write nothing to HOME.
4. A foreign pytest in that environment (pytest added, nothing else): a throwaway project's
   one test passes with the plugin loaded; the emulator fixture works and the cassette
   fixture fails, in one sentence, only the test that asks for it (no vcrpy there).
5. The unpacked sdist: its tests pass and its docs build (``mkdocs build --strict``) in a
   second environment holding the wheel with the ``test`` and ``docs`` extras.

Everything is written under the work folder (``WORK``, emptied first; a temporary folder when
none is given): the commands run with HOME, the XDG folders and TMPDIR inside it. Only pip
keeps its usual download cache. ``--keep DIR`` copies the checked wheel and sdist to ``DIR``
at the end, for the release (``docs/releasing.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DESCRIPTION = "Build the wheel and the sdist and prove them in fresh virtual environments."
SDIST_FOLDERS = ("crosswatch_trakt", "tests", "cassettes", "docs", "docker")
SDIST_FILES = (
    "pyproject.toml",
    "PKG-INFO",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    "tox.ini",
    "mkdocs.yml",
)
JUNK = ("__pycache__", ".pyc", ".tox/", ".git/", "site/", ".pytest_cache", ".hypothesis")
WHEEL_FILES = ("crosswatch_trakt/py.typed", "crosswatch_trakt/testing/emulator/app.py")
METADATA_LINES = (
    "Metadata-Version: 2.4",
    "License-Expression: MIT",
    "Classifier: Framework :: Pytest",
    "Classifier: Typing :: Typed",
    "Project-URL: Changelog, ",
    "Requires-Dist: werkzeug",
    "Requires-Dist: vcrpy>=6.0; extra == 'test'",
)
#: printed by the fresh environment: every subcommand path of the command's parser
WALK = """
import argparse, json
from crosswatch_trakt.cli.main import COMMANDS, build_parser

def walk(parser, path):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield path + [name]
                yield from walk(sub, path + [name])

print(json.dumps({"commands": sorted(COMMANDS), "paths": list(walk(build_parser(), []))}))
"""
FOREIGN_PROJECT = '[project]\nname = "someone-else"\n\n[tool.pytest.ini_options]\n'
FOREIGN_TEST = '''
def test_someone_elses_code():
    """A test of a project that knows nothing of crosswatch-trakt."""
    assert sorted([3, 1, 2]) == [1, 2, 3]
'''
FIXTURE_TESTS = '''
def test_the_emulator_fixture_works(fake_trakt):
    """The emulator fixtures need nothing beyond a plain install."""
    assert fake_trakt.base_url.startswith("http://127.0.0.1:")


def test_wants_a_cassette(trakt_cassette):
    """Asks for the fixture whose vcrpy (the test extra) is not installed."""
'''


class CheckFailed(Exception):
    """A check of the artifacts failed; the message says which and shows the output."""


def run(
    command: Sequence[str | Path],
    *,
    cwd: Path,
    env: Mapping[str, str],
    expect: int = 0,
    timeout: float = 900,
) -> str:
    """Run ``command``; return its stdout, or raise ``CheckFailed`` on another exit code."""
    words = [str(word) for word in command]
    shown = ["<script>" if "\n" in word else word for word in words]
    print("$ " + " ".join(shown), flush=True)
    done = subprocess.run(
        words,
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != expect:
        output = done.stdout + done.stderr
        raise CheckFailed(f"exit {done.returncode}, expected {expect}: {' '.join(shown)}\n{output}")
    return done.stdout


def require(condition: bool, message: str) -> None:
    """Raise ``CheckFailed`` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise CheckFailed(message)


def clean_env() -> dict[str, str]:
    """Return the environment a user's shell would have, without tox's and this project's.

    The real HOME stays, so pip keeps using its download cache and configuration.
    """
    dropped = ("TOX_", "PYTEST_", "CROSSWATCH_TRAKT_", "TRAKT_", "VIRTUAL_ENV", "PYTHON")
    return {k: v for k, v in os.environ.items() if not k.startswith(dropped)}


def home_env(work: Path) -> dict[str, str]:
    """Return ``clean_env()`` with HOME, the XDG folders and TMPDIR inside ``work``."""
    folders = {
        "HOME": "home",
        "XDG_CONFIG_HOME": "home/.config",
        "XDG_STATE_HOME": "home/.local/state",
        "XDG_CACHE_HOME": "home/.cache",
        "XDG_DATA_HOME": "home/.local/share",
        "TMPDIR": "tmp",
    }
    for folder in ("home", "tmp"):
        (work / folder).mkdir(parents=True, exist_ok=True)
    return {**clean_env(), **{name: str(work / folder) for name, folder in folders.items()}}


def build(work: Path) -> tuple[Path, Path]:
    """Build the sdist and the wheel from it into ``work/dist``; twine-check both."""
    dist = work / "dist"
    env = clean_env()
    run([sys.executable, "-m", "build", "--outdir", dist, ROOT], cwd=work, env=env)
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    run([sys.executable, "-m", "twine", "check", "--strict", sdist, wheel], cwd=work, env=env)
    return sdist, wheel


def _checkout_files(folder: str) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def check_sdist(sdist: Path) -> None:
    """The sdist holds the package, tests, cassettes and docs whole, and no junk."""
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    wanted = set(SDIST_FILES).union(*(_checkout_files(folder) for folder in SDIST_FOLDERS))
    missing = sorted(wanted - names)
    require(not missing, f"the sdist lacks {len(missing)} file(s): {missing[:20]}")
    junk = sorted(name for name in names if any(part in name for part in JUNK))
    require(not junk, f"the sdist carries junk: {junk[:20]}")
    print(f"ok: the sdist holds {len(names)} files, every one its tests and docs need")


def check_wheel(wheel: Path) -> None:
    """The wheel holds the package, its licence and entry points, and says what it is."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(name.split("/")[0] for name in names if name.endswith(".dist-info/METADATA"))
        metadata = archive.read(f"{info}/METADATA").decode("utf-8")
        entry_points = archive.read(f"{info}/entry_points.txt").decode("utf-8")
    missing = [name for name in [*WHEEL_FILES, f"{info}/licenses/LICENSE"] if name not in names]
    require(not missing, f"the wheel lacks {missing}")
    require(not any(name.startswith("tests/") for name in names), "the wheel carries tests/")
    lines = metadata.splitlines()
    absent = [want for want in METADATA_LINES if not any(x.startswith(want) for x in lines)]
    require(not absent, f"the wheel's METADATA lacks {absent}")
    for group in ("[console_scripts]", "[crosswatch]", "[pytest11]"):
        require(group in entry_points, f"the wheel has no {group} entry point")
    print(f"ok: the wheel holds {len(names)} files, the licence, entry points and metadata")


def make_venv(path: Path, work: Path) -> Path:
    """Create a fresh virtual environment at ``path``; return its ``bin`` folder."""
    run([sys.executable, "-m", "venv", path], cwd=work, env=clean_env())
    return path / "bin"


def pip_install(bin_dir: Path, work: Path, *requirements: str) -> None:
    """Install ``requirements`` with the environment's own pip (its usual cache and index)."""
    command: list[str | Path] = [bin_dir / "python", "-m", "pip", "install", "--quiet"]
    command += requirements
    run(command, cwd=work, env=clean_env())


def check_plain_install(wheel: Path, work: Path) -> Path:
    """The wheel alone: the command, every subcommand's help and the demo; HOME stays empty."""
    bin_dir = make_venv(work / "venv-plain", work)
    pip_install(bin_dir, work, str(wheel))
    env = home_env(work)
    command = bin_dir / "crosswatch-trakt"
    version = run([command, "--version"], cwd=work, env=env).strip()
    require(version.endswith(wheel.name.split("-")[1]), f"--version says {version!r}")
    tree = json.loads(run([bin_dir / "python", "-c", WALK], cwd=work, env=env))
    tops = sorted(path[0] for path in tree["paths"] if len(path) == 1)
    require(tops == tree["commands"], f"the parser's commands {tops} != {tree['commands']}")
    for path in [[], *tree["paths"]]:
        text = run([command, *path, "--help"], cwd=work, env=env)
        require(text.startswith("usage: crosswatch-trakt"), f"{path} --help printed {text!r}")
    run([bin_dir / "python", "-m", "crosswatch_trakt.cli", "--help"], cwd=work, env=env)
    print(f"ok: --version, --help and {len(tree['paths'])} subcommands' --help, no extras")
    report = run([command, "demo"], cwd=work, env=env, timeout=300)
    require("Every item was confirmed" in report, f"the demo did not verify:\n{report}")
    written = sorted(str(p.relative_to(work)) for p in (work / "home").rglob("*"))
    require(not written, f"the commands wrote into HOME: {written}")
    print("ok: the demo ran from the plain install and wrote nothing to HOME")
    return bin_dir


def check_foreign_pytest(bin_dir: Path, work: Path) -> None:
    """Someone else's pytest where the package is installed: untouched, plugin loaded."""
    pip_install(bin_dir, work, "pytest")
    env = home_env(work)
    project = work / "foreign"
    project.mkdir()
    (project / "pyproject.toml").write_text(FOREIGN_PROJECT, encoding="utf-8")
    (project / "test_theirs.py").write_text(FOREIGN_TEST, encoding="utf-8")
    output = run([bin_dir / "python", "-m", "pytest"], cwd=project, env=env)
    plugins = next((line for line in output.splitlines() if line.startswith("plugins:")), "")
    require("crosswatch-trakt" in plugins, f"the plugin was not loaded:\n{output}")
    require("1 passed" in output, f"the foreign test did not pass:\n{output}")
    (project / "test_theirs.py").unlink()
    (project / "test_fixtures.py").write_text(FIXTURE_TESTS, encoding="utf-8")
    output = run([bin_dir / "python", "-m", "pytest", "-rE"], cwd=project, env=env, expect=1)
    require("1 passed, 1 error" in output, f"expected the emulator to pass:\n{output}")
    require("the trakt_cassette fixture needs vcrpy" in output, f"no clear reason:\n{output}")
    print("ok: a foreign pytest passes with the plugin loaded; only the cassette test errs")


def check_sdist_tests(sdist: Path, wheel: Path, work: Path) -> None:
    """The unpacked sdist's tests pass and its docs build, with the test and docs extras."""
    with tarfile.open(sdist) as archive:
        archive.extractall(work / "sdist", filter="data")
    (tree,) = (work / "sdist").iterdir()
    bin_dir = make_venv(work / "venv-sdist", work)
    pip_install(bin_dir, work, f"{wheel}[test,docs]")
    env = {**home_env(work), "CROSSWATCH_TRAKT_TESTING": "1"}
    pytest: list[str | Path] = [bin_dir / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    summary = run(pytest, cwd=tree, env=env, timeout=1800).strip().splitlines()[-1]
    print(f"ok: the sdist's tests: {summary}")
    site = work / "site"
    run([bin_dir / "mkdocs", "build", "--strict", "--site-dir", site], cwd=tree, env=env)
    require((site / "index.html").is_file(), "mkdocs built no index.html")
    print("ok: the sdist's docs build with mkdocs --strict")


def check(work: Path, keep: Path | None) -> None:
    """Run every check in order, timing each; copy the artifacts to ``keep`` when all pass."""
    started = time.monotonic()
    sdist, wheel = build(work)
    check_sdist(sdist)
    check_wheel(wheel)
    bin_dir = check_plain_install(wheel, work)
    check_foreign_pytest(bin_dir, work)
    check_sdist_tests(sdist, wheel, work)
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        for artifact in (sdist, wheel):
            shutil.copy2(artifact, keep / artifact.name)
        print(f"kept {sdist.name} and {wheel.name} in {keep}")
    print(f"all artifact checks passed in {time.monotonic() - started:.0f} s")


def main(argv: Sequence[str]) -> int:
    """Parse ``[WORK] [--keep DIR]``, run the checks; 0 when all pass, 1 on the first failure."""
    parser = argparse.ArgumentParser(prog="artifacts.py", description=DESCRIPTION)
    parser.add_argument("work", nargs="?", type=Path, help="work folder (emptied first)")
    parser.add_argument("--keep", type=Path, help="copy the checked wheel and sdist here")
    args = parser.parse_args(argv)
    keep = args.keep.resolve() if args.keep else None
    with tempfile.TemporaryDirectory(prefix="crosswatch-trakt-artifacts-") as scratch:
        work = Path(args.work).resolve() if args.work else Path(scratch)
        if args.work and work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True, exist_ok=True)
        try:
            check(work, keep)
        except CheckFailed as failure:
            print(f"artifact check failed: {failure}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
