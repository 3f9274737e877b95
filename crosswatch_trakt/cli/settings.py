"""The command's settings: a TOML file, environment variables and command-line flags.

Precedence, highest first: flags (``--base-url``, ``--auth-url``, ``--state-dir``), then
environment variables, then the config file, then the defaults. The file has an optional
top-level ``state_dir``, a ``[trakt]`` table holding the provider config mapping (every
key of ``docs/configuration.md``) and a ``[pair]`` table (``HostContext.pair``, e.g.
``[pair.features.history]``). See ``docs/cli.md``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from crosswatch_trakt.cli.exitcodes import USAGE, CliError
from crosswatch_trakt.cli.plan import RemovalGuard
from crosswatch_trakt.support.state import warn_if_shared

__all__ = [
    "DEFAULT_API_URL",
    "ENV",
    "CliSettings",
    "default_config_path",
    "default_state_dir",
    "load_settings",
]

DEFAULT_API_URL = "https://api.trakt.tv"

#: setting -> environment variables, first found wins
ENV: dict[str, tuple[str, ...]] = {
    "config": ("CROSSWATCH_TRAKT_CONFIG",),
    "state_dir": ("CROSSWATCH_TRAKT_STATE_DIR",),
    "base_url": ("CROSSWATCH_TRAKT_BASE_URL",),
    "auth_url": ("CROSSWATCH_TRAKT_AUTH_URL",),
    "client_id": ("CROSSWATCH_TRAKT_CLIENT_ID", "TRAKT_CLIENT_ID"),
    "client_secret": ("CROSSWATCH_TRAKT_CLIENT_SECRET", "TRAKT_CLIENT_SECRET"),
}
FILE_KEYS = frozenset({"state_dir", "trakt", "pair", "import"})
GUARD_KEYS = frozenset({"max_remove_count", "max_remove_share"})


@attrs.frozen
class CliSettings:
    """Where the command's config came from, and the provider config mapping it builds."""

    trakt: Mapping[str, Any] = attrs.field(repr=False)
    state_dir: Path
    config_path: Path | None = None
    pair: Mapping[str, Any] | None = None
    guard: RemovalGuard = attrs.Factory(RemovalGuard)
    #: where each setting came from: ``flag --base-url``, ``environment NAME``, ``config file``
    #: (the ``[trakt]`` keys by name; ``state_dir`` and ``config`` too); unset ones are absent
    sources: Mapping[str, str] = attrs.Factory(dict)

    def require_client(self, *, secret: bool) -> None:
        """Raise a usage error when the client id (and, if asked, the secret) is not set."""
        if not self.trakt.get("client_id"):
            raise CliError(
                "No Trakt client id is configured: set client_id in the [trakt] table of the "
                "config file or the TRAKT_CLIENT_ID environment variable.",
                USAGE,
            )
        if secret and not self.trakt.get("client_secret"):
            raise CliError(
                "No Trakt client secret is configured: set client_secret in the [trakt] table "
                "of the config file or the TRAKT_CLIENT_SECRET environment variable.",
                USAGE,
            )


def _xdg(environ: Mapping[str, str], name: str, fallback: str) -> Path:
    base = environ.get(name)
    return Path(base) if base else Path.home() / fallback


def default_config_path(environ: Mapping[str, str]) -> Path:
    """Return ``$XDG_CONFIG_HOME/crosswatch-trakt/config.toml`` (``~/.config`` by default)."""
    return _xdg(environ, "XDG_CONFIG_HOME", ".config") / "crosswatch-trakt" / "config.toml"


def default_state_dir(environ: Mapping[str, str]) -> Path:
    """Return ``$XDG_STATE_HOME/crosswatch-trakt`` (``~/.local/state`` by default)."""
    return _xdg(environ, "XDG_STATE_HOME", ".local/state") / "crosswatch-trakt"


def _env(environ: Mapping[str, str], setting: str) -> str | None:
    for name in ENV[setting]:
        value = environ.get(name)
        if value:
            return value
    return None


def _parse_toml(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    data: dict[str, Any] = tomllib.loads(text)
    return data


def read_config_file(path: Path, *, required: bool) -> dict[str, Any]:
    """Read the TOML config file (a missing default is empty); anything wrong is a usage error."""
    try:
        with path.open(encoding="utf-8") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            text = handle.read()
    except FileNotFoundError:
        if required:
            raise CliError(
                f"The config file {path} does not exist: check --config.", USAGE
            ) from None
        return {}
    except OSError as exc:
        raise CliError(f"The config file {path} cannot be read ({exc.strerror}).", USAGE) from exc
    except UnicodeDecodeError:
        raise CliError(f"The config file {path} is not UTF-8 text.", USAGE) from None
    warn_if_shared(path, mode, "config file")
    try:
        data = _parse_toml(text)
    except ValueError as exc:
        raise CliError(f"The config file {path} is not valid TOML: {exc}.", USAGE) from exc
    unknown = sorted(set(data) - FILE_KEYS)
    if unknown:
        raise CliError(
            f"The config file {path} has unknown top-level key(s) {', '.join(unknown)}: "
            "put provider settings in the [trakt] table.",
            USAGE,
        )
    for table in ("trakt", "pair", "import"):
        if not isinstance(data.get(table, {}), dict):
            raise CliError(
                f"In the config file {path}, {table} must be a table ([{table}]).", USAGE
            )
    _check_pair_features(data.get("pair", {}), path)
    return data


def _check_pair_features(pair: Mapping[str, Any], path: Path) -> None:
    """Refuse a ``[pair.features.X]`` whose X is no feature (a typo would be ignored silently)."""
    from crosswatch_trakt.cli.parser import FEATURES

    features = pair.get("features", {})
    if not isinstance(features, dict):
        raise CliError(
            f"In the config file {path}, pair.features must be a table ([pair.features]).", USAGE
        )
    unknown = sorted(str(name) for name in features if name not in FEATURES)
    if unknown:
        raise CliError(
            f"In the config file {path}, [pair.features] names no feature "
            f"{', '.join(unknown)}: choose from {', '.join(FEATURES)}.",
            USAGE,
        )


def _guard(table: Any, path: Path) -> RemovalGuard:
    """Return the ``[import]`` table's removal thresholds (the defaults where unset)."""
    unknown = sorted(set(table) - GUARD_KEYS)
    if unknown:
        raise CliError(f"In the config file {path}, [import] has unknown key(s) {unknown}.", USAGE)
    guard = RemovalGuard()
    count = table.get("max_remove_count", guard.max_count)
    share = table.get("max_remove_share", guard.max_share)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise CliError(
            f"In the config file {path}, import.max_remove_count must be a whole number >= 0.",
            USAGE,
        )
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise CliError(
            f"In the config file {path}, import.max_remove_share must be between 0 and 1.",
            USAGE,
        )
    return RemovalGuard(max_count=count, max_share=float(share))


def load_settings(
    environ: Mapping[str, str],
    *,
    config: str | None = None,
    base_url: str | None = None,
    auth_url: str | None = None,
    state_dir: str | None = None,
) -> CliSettings:
    """Build the settings from the flags given, the environment and the config file."""
    sources: dict[str, str] = {}
    explicit = config or _env(environ, "config")
    if config:
        sources["config"] = "flag --config"
    elif explicit:
        sources["config"] = _env_source(environ, "config")
    path = Path(explicit).expanduser() if explicit else default_config_path(environ)
    data = read_config_file(path, required=explicit is not None)
    trakt: dict[str, Any] = dict(data.get("trakt", {}))
    sources.update((key, "config file") for key in trakt)
    for key in ("client_id", "client_secret", "base_url", "auth_url"):
        value = _env(environ, key)
        if value:
            trakt[key] = value
            sources[key] = _env_source(environ, key)
    for key, flag in (("base_url", base_url), ("auth_url", auth_url)):
        if flag:
            trakt[key] = flag
            sources[key] = "flag --" + key.replace("_", "-")
    api = trakt.get("base_url")
    if isinstance(api, str) and "auth_url" not in trakt and api.rstrip("/") != DEFAULT_API_URL:
        trakt["auth_url"] = api  # the emulator (or a proxy) serves OAuth on the same host
        sources["auth_url"] = "the base_url (no auth_url set)"
    folder = state_dir or _env(environ, "state_dir") or data.get("state_dir")
    if folder is not None and not isinstance(folder, str):
        raise CliError(f"In the config file {path}, state_dir must be a string.", USAGE)
    if folder:
        sources["state_dir"] = (
            "flag --state-dir"
            if state_dir
            else _env_source(environ, "state_dir")
            if _env(environ, "state_dir")
            else "config file"
        )
    root = Path(folder).expanduser() if folder else default_state_dir(environ)
    return CliSettings(
        trakt=trakt,
        state_dir=root,
        config_path=path if data else None,
        pair=data.get("pair"),
        guard=_guard(data.get("import", {}), path),
        sources=sources,
    )


def _env_source(environ: Mapping[str, str], setting: str) -> str:
    """Return ``environment NAME`` for the variable that set ``setting``."""
    name = next(name for name in ENV[setting] if environ.get(name))
    return f"environment {name}"
