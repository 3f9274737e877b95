"""CrossWatch's configuration and environment, read into the adapter's ``HostContext``.

CrossWatch passes its whole app config with the chosen Trakt instance as ``cfg["trakt"]``
and tells the pair and the run through ``CW_PAIR_*`` and ``CW_RUN_ID``. This module reads
the ``trakt`` section under CrossWatch's names and defaults, keeps one state folder per
Trakt instance under the host's config base, and writes rotated tokens back into the
host's config the way CrossWatch's own login does.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

import attrs

from crosswatch_trakt.errors import ConfigError
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.support.contract import HostContext
from crosswatch_trakt.support.log import get_logger

__all__ = [
    "HONOURED_KEYS",
    "TokenWriter",
    "config_base",
    "context_for",
    "instance_id",
    "pair_options",
    "provider_config",
    "state_dir",
]

#: the ``trakt`` keys the adapter takes from CrossWatch's section, under the same names
HONOURED_KEYS = (
    "client_id",
    "client_secret",
    "access_token",
    "refresh_token",
    "expires_at",
    "timeout",
    "max_retries",
    "base_url",
    "auth_url",
)
#: the token keys written back into the host's config after a refresh
TOKEN_KEYS = ("access_token", "refresh_token", "expires_at")
STATE_FOLDER = "crosswatch_trakt"


def _section(cfg: Mapping[str, Any]) -> Mapping[str, Any]:
    section = cfg.get("trakt") if isinstance(cfg, Mapping) else None
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise ConfigError("trakt", "must be a mapping (CrossWatch's trakt section)")
    return section


def provider_config(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Return the adapter's provider mapping from CrossWatch's ``trakt`` section.

    Only the keys the adapter honours are taken; CrossWatch's other keys (page sizes, ETag
    switches, chunk sizes the host applies itself, the device-login state) are its own.
    """
    section = _section(cfg)
    out: dict[str, Any] = {
        key: section[key] for key in HONOURED_KEYS if section.get(key) not in (None, "")
    }
    limit = section.get("watchlist_limit")  # CrossWatch: a positive integer, else unset
    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
        out["watchlist_limit"] = limit
    rate = section.get("rate_limit")
    if isinstance(rate, Mapping):
        out["rate_limit"] = {
            key: rate[key] for key in ("get_per_sec", "post_per_sec") if rate.get(key) is not None
        }
    return out


def _collection_kinds(raw: Any) -> set[str]:
    if isinstance(raw, str):
        values = raw.split(",")
    elif isinstance(raw, (list, tuple)):
        values = [str(value) for value in raw]
    else:
        values = []
    return {value.strip().lower() for value in values} & {"movies", "shows"}


def pair_options(cfg: Mapping[str, Any]) -> dict[str, Any]:
    """Return the pair's history options from CrossWatch's names and defaults.

    ``history_number_fallback`` (default off); ``history_collection`` (default off) with
    ``history_collection_types`` (``movies``, ``shows``; movies when none are named).
    """
    section = _section(cfg)
    kinds: set[str] = set()
    if section.get("history_collection") is True:
        kinds = _collection_kinds(section.get("history_collection_types")) or {"movies"}
    return {
        "features": {
            "history": {
                "number_fallback": section.get("history_number_fallback") is True,
                "add_collections": {"movies": "movies" in kinds, "shows": "shows" in kinds},
            }
        }
    }


def instance_id(environ: Mapping[str, str]) -> str:
    """Return the Trakt instance of this call from the pair (or health) variables."""
    raw = ""
    if environ.get("CW_PAIR_SRC", "").strip().upper() == "TRAKT":
        raw = environ.get("CW_PAIR_SRC_INSTANCE", "")
    elif environ.get("CW_PAIR_DST", "").strip().upper() == "TRAKT":
        raw = environ.get("CW_PAIR_DST_INSTANCE", "")
    else:
        key = environ.get("CW_PAIR_KEY", "")
        if key.upper().startswith("HEALTH:TRAKT#"):
            raw = key.split("#", 1)[1]
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", raw.strip()).strip("._")
    return clean or "default"


def config_base(environ: Mapping[str, str]) -> Path:
    """Return the host's config base: the running host's, ``CONFIG_BASE``, else ``/config``."""
    module = sys.modules.get("cw_platform.config_base")
    known = getattr(module, "CONFIG", None)
    if isinstance(known, Path):
        return known
    return Path(environ.get("CONFIG_BASE") or "/config")


def state_dir(environ: Mapping[str, str]) -> Path:
    """Return this instance's state folder: ``<config base>/.cw_state/crosswatch_trakt/<id>``."""
    return config_base(environ) / ".cw_state" / STATE_FOLDER / instance_id(environ)


@attrs.define
class TokenWriter:
    """Writes rotated tokens into the host's config, as CrossWatch's own login does.

    The ``cfg`` mapping the host passed is updated in place (later calls of the same run use
    the new pair); inside a running CrossWatch the config file is updated too, through the
    host's ``load_config``/``save_config``, in the instance's block.
    """

    cfg: MutableMapping[str, Any] = attrs.field(repr=False)
    instance: str = "default"

    def __call__(self, values: Mapping[str, Any]) -> None:
        """Write ``values`` (the new token pair) into the host's config."""
        update = {key: _host_value(key, values.get(key)) for key in TOKEN_KEYS if key in values}
        section = self.cfg.get("trakt")
        if isinstance(section, MutableMapping):
            section.update(update)
        self._save(update)

    def _save(self, update: Mapping[str, Any]) -> None:
        if "cw_platform.config_base" not in sys.modules:
            return
        host = importlib.import_module("cw_platform.config_base")
        stored = host.load_config()
        block = stored.setdefault("trakt", {})
        if self.instance != "default":
            block = block.setdefault("instances", {}).setdefault(self.instance, {})
        block.update(update)
        host.save_config(stored)
        get_logger("auth").info("auth.host_config_saved", instance=self.instance)


def _host_value(key: str, value: Any) -> Any:
    if key == "expires_at":
        return int(value) if isinstance(value, (int, float)) else 0
    return "" if value is None else value


def context_for(
    cfg: Mapping[str, Any], environ: Mapping[str, str] | None = None, clock: Clock | None = None
) -> HostContext:
    """Return the ``HostContext`` of one CrossWatch call (config, pair, run, state, tokens)."""
    env = os.environ if environ is None else environ
    instance = instance_id(env)
    writer = TokenWriter(cfg, instance) if isinstance(cfg, MutableMapping) else None
    return HostContext(
        config=provider_config(cfg),
        state_dir=state_dir(env),
        pair={"id": env.get("CW_PAIR_KEY") or None, **pair_options(cfg)},
        save_config=writer,
        run_id=env.get("CW_RUN_ID") or None,
        clock=clock,
    )
