"""Run the README's two commands verbatim, in order, in a fresh copy of the project.

``tox -e readme`` runs this in a fresh virtual environment (its ``python3`` and ``pip`` come
first on ``PATH``); it is not part of the test run because the first command runs the whole
tox suite. The commands are read from the ``sh`` blocks of the "The two commands" section,
so the check follows the README as it is. They run in a copy of the work tree (without
``.tox``, ``.git`` and caches), as in a fresh checkout, so the project's own ``.tox`` and
installs are left alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## The two commands"
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)
SKIP = shutil.ignore_patterns(
    ".tox", ".git", ".venv", "__pycache__", ".*_cache", ".hypothesis", "site", "*.egg-info"
)


def readme_commands(text: str) -> list[str]:
    """Return the command lines of the ``sh`` blocks in the README's two-commands section."""
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return [
        line.strip()
        for block in BLOCK.findall(section)
        for line in block.splitlines()
        if line.strip()
    ]


def main(argv: list[str]) -> int:
    """Copy the project to ``argv[0]``, run every command there; return the first failure."""
    if len(argv) != 1:
        print("usage: readme_commands.py FRESH_FOLDER", file=sys.stderr)
        return 2
    checkout = Path(argv[0])
    shutil.rmtree(checkout, ignore_errors=True)
    shutil.copytree(ROOT, checkout, ignore=SKIP)
    commands = readme_commands((checkout / "README.md").read_text(encoding="utf-8"))
    if len(commands) != 2:
        print(f"expected the README's two commands, found {commands!r}", file=sys.stderr)
        return 1
    # a user's shell, not the outer tox run's: drop tox's own variables
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOX_")}
    for command in commands:
        print(f"$ {command}", flush=True)
        done = subprocess.run(["bash", "-c", command], cwd=checkout, env=env, check=False)
        if done.returncode != 0:
            print(f"README command failed ({done.returncode}): {command}", file=sys.stderr)
            return done.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
