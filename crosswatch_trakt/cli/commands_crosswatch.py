"""``crosswatch``: print how to make a CrossWatch installation use this package for Trakt.

It reads CrossWatch's module registry in the given folder and prints the one line to change
(and the line that switches back); it changes no file. See docs/crosswatch.md.
"""

from __future__ import annotations

import re
from pathlib import Path

from crosswatch_trakt.cli.exitcodes import OK, USAGE, CliError
from crosswatch_trakt.cli.runtime import Runtime

__all__ = ["MODULE", "REGISTRY", "crosswatch", "snippet"]

#: where CrossWatch keeps its fixed registry of sync modules, below its folder
REGISTRY = Path("cw_platform") / "modules_registry.py"
#: the module CrossWatch should load for TRAKT
MODULE = "crosswatch_trakt.crosswatch"
_LINE = re.compile(r'^(?P<indent>\s*)"_mod_TRAKT"\s*:\s*"(?P<module>[^"]+)"\s*,?\s*$')


def snippet(folder: Path) -> str:
    """Return the instructions for ``folder`` (a CrossWatch checkout or installation)."""
    registry = folder / REGISTRY
    try:
        lines = registry.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CliError(
            f"{registry} cannot be read ({exc.strerror or exc}): give the folder that holds "
            "CrossWatch's cw_platform/ (in the container: /app).",
            USAGE,
        ) from None
    for number, line in enumerate(lines, start=1):
        match = _LINE.match(line)
        if match is None:
            continue
        indent, current = match["indent"], match["module"]
        original = "providers.sync._mod_TRAKT" if current == MODULE else current
        state = "already uses this package" if current == MODULE else f"loads {current}"
        return (
            f"CrossWatch in {folder} {state} for TRAKT.\n"
            f"1. Install this package into CrossWatch's Python: pip install crosswatch-trakt\n"
            f"2. In {registry}, line {number}, use:\n"
            f'{indent}"_mod_TRAKT": "{MODULE}",\n'
            f"3. Restart CrossWatch. To switch back, put the line back as it was:\n"
            f'{indent}"_mod_TRAKT": "{original}",\n'
        )
    raise CliError(f'{registry} has no "_mod_TRAKT" line: is this CrossWatch 0.11 or later?', USAGE)


def crosswatch(rt: Runtime) -> int:
    """Print the registry line that makes CrossWatch load this package for Trakt."""
    rt.out.write(snippet(Path(rt.args.folder)))
    return OK
