"""``config``: the settings in force, where each came from, and the paths the command uses.

Every ``[trakt]`` setting is shown with its effective value (the default where unset) and its
source (``flag --base-url``, ``environment TRAKT_CLIENT_ID``, ``config file`` or
``default``); secrets are masked (``*** (set)``), never printed. It sends nothing to Trakt.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from crosswatch_trakt.cli.exitcodes import OK
from crosswatch_trakt.cli.render import Out, write_json
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.cli.settings import CliSettings, default_config_path
from crosswatch_trakt.config import PairOptions, TraktConfig
from crosswatch_trakt.support.log import SECRET_KEYS
from crosswatch_trakt.trakt.tokens import TOKENS_FILE

__all__ = ["config", "mask", "report"]

#: what a missing client id is shown as (the commands that need it say how to set it)
UNSET = "(not set)"


def mask(key: str, value: Any) -> Any:
    """Return ``value``, or ``*** (set)`` for a secret (``(not set)`` when empty)."""
    if key.lower() in SECRET_KEYS or key.endswith("_secret"):
        return "*** (set)" if value else UNSET
    return value


def _plain(value: Any) -> Any:
    return attrs.asdict(value) if attrs.has(type(value)) else value


def report(settings: CliSettings, environ: Mapping[str, str], log_file: str | None) -> Any:
    """Return the paths, every ``[trakt]`` setting with its source, the pair and the guard."""
    trakt = dict(settings.trakt)
    known = {field.name for field in attrs.fields(TraktConfig)}
    given = {key: value for key, value in trakt.items() if key in known}  # unknown: below
    effective = TraktConfig.from_mapping({"client_id": UNSET, **given})
    values: dict[str, dict[str, Any]] = {}
    for field in attrs.fields(TraktConfig):
        value = _plain(getattr(effective, field.name))
        values[field.name] = {
            "value": mask(field.name, value),
            "source": settings.sources.get(field.name, "default"),
        }
    config_path = settings.config_path or default_config_path(environ)
    tokens = settings.state_dir / TOKENS_FILE
    return {
        "paths": {
            "config_file": str(config_path),
            "config_file_found": settings.config_path is not None,
            "config_file_source": settings.sources.get("config", "default"),
            "state_dir": str(settings.state_dir),
            "state_dir_source": settings.sources.get("state_dir", "default"),
            "tokens_file": str(tokens),
            "logged_in": tokens.exists(),
            "log_file": log_file,
        },
        "trakt": values,
        "unknown_keys": sorted(str(key) for key in trakt if key not in known),
        "pair": attrs.asdict(PairOptions.from_pair(settings.pair)),
        "import": attrs.asdict(settings.guard),
    }


def _text(out: Out, found: Any) -> None:
    paths = found["paths"]
    exists = "" if paths["config_file_found"] else " (not found: defaults and environment only)"
    out.write(f"config file: {paths['config_file']}{exists} [{paths['config_file_source']}]\n")
    out.write(f"state folder: {paths['state_dir']} [{paths['state_dir_source']}]\n")
    login = "" if paths["logged_in"] else " (not logged in)"
    out.write(f"tokens file: {paths['tokens_file']}{login}\n")
    if paths["log_file"]:
        out.write(f"log file: {paths['log_file']}\n")
    out.write("[trakt]\n")
    width = max(len(key) for key in found["trakt"])
    for key, entry in found["trakt"].items():
        out.write(f"  {key:<{width}} = {entry['value']!r}  [{entry['source']}]\n")
    for key in found["unknown_keys"]:
        out.write(f"  {key} is not a setting: it is ignored (check its spelling)\n")
    out.write(f"[pair] {found['pair']}\n[import] {found['import']}\n")


def config(rt: Runtime) -> int:
    """Print the effective settings, their sources and the paths (secrets masked)."""
    found = report(rt.host.settings, rt.environ, rt.args.log_file)
    if rt.args.json:
        write_json(rt.out, found)
    else:
        _text(rt.out, found)
    return OK
