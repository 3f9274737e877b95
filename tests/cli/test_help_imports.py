"""``--help`` stays about as fast as a Python start: it imports no command's dependencies.

Measured by what is imported (``python -X importtime``), never by the clock.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: what a command imports when it runs, and ``--help`` must not
HEAVY = (
    "requests",
    "urllib3",
    "structlog",
    "werkzeug",
    "cattrs",
    "pluggy",
    "attr",
    "typing_extensions",
)


def _imported(*argv: str) -> set[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "crosswatch_trakt.cli", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode in (0, 2), done.stderr
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.parametrize(
    "argv",
    [("--help",), ("snapshot", "--help"), ("emulator", "--help"), ("import", "--help"), ("bogus",)],
)
def test_help_imports_no_heavy_module(argv: tuple[str, ...]) -> None:
    """``--help`` and a usage error import none of requests, structlog, werkzeug and the like."""
    modules = _imported(*argv)
    assert "crosswatch_trakt.cli.parser" in modules
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert not heavy, f"{' '.join(argv)} imports {heavy}"


def test_the_parser_knows_the_registry_features() -> None:
    """The parser's feature list (kept light, without the registry) is the registry's."""
    from crosswatch_trakt.cli.parser import FEATURES
    from crosswatch_trakt.features.registry import feature_names

    assert feature_names() == FEATURES


def test_every_command_and_global_option_is_documented() -> None:
    """``docs/cli.md`` has a section per command and names every global option."""
    from crosswatch_trakt.cli.main import COMMANDS
    from crosswatch_trakt.cli.parser import build_parser

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"### `{name}" in text, f"docs/cli.md has no section for {name}"
    for action in build_parser()._actions:
        for option in action.option_strings:
            if option.startswith("--") and option not in ("--help", "--version"):
                assert f"`{option}" in text, f"docs/cli.md does not name {option}"
