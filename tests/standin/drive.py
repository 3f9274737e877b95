"""Driving the product against the stand-in: through the pluggy hooks and the command line.

Also the cold reader run as its own process (``python -m tests.standin.drive read ...``), so
that its peak RSS is the adapter's alone.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pluggy
import structlog

from crosswatch_trakt import hostspec
from crosswatch_trakt.hostspec import HostContext

CLIENT_ID = "standin-client"
FEATURES = ("watchlist", "ratings", "history")


def quiet() -> None:
    """Keep the adapter's log events below warning off standard output."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def plugin_manager() -> pluggy.PluginManager:
    """Return a plugin manager loaded the way a host loads it."""
    manager = pluggy.PluginManager(hostspec.PROJECT_NAME)
    manager.add_hookspecs(hostspec)
    manager.load_setuptools_entrypoints(hostspec.PROJECT_NAME)
    return manager


def provider_config(base_url: str, token: str, cache: Path, **extra: Any) -> dict[str, Any]:
    """Return the adapter's config for the stand-in, the shared GET budget kept in ``cache``."""
    return {
        "client_id": CLIENT_ID,
        "access_token": token,
        "base_url": base_url,
        "auth_url": base_url,
        "shared_budget": {"folder": str(cache)},
        **extra,
    }


def restore(
    pm: pluggy.PluginManager, context: HostContext, work: Mapping[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """Add every feature's items through ``apply_adds``; return the results by feature."""
    results = {}
    for feature in FEATURES:
        results[feature] = pm.hook.apply_adds(
            provider="TRAKT", feature=feature, items=work[feature], context=context, dry_run=False
        )
    return results


def unconfirmed(results: Mapping[str, Any]) -> int:
    """Return how many items the results leave unresolved."""
    return sum(len(result["unresolved"]) for result in results.values())


def cli_import(
    base_url: str, token: str, state_dir: Path, cache: Path, backup: Path, extra_toml: str = ""
) -> tuple[int, dict[str, Any], float]:
    """Run ``crosswatch-trakt import BACKUP --json``; return (exit code, its JSON, wall s).

    ``extra_toml`` is appended to the config file (say a ``[trakt.rate_limit]`` table).
    """
    config = state_dir.parent / f"{state_dir.name}.toml"
    state_dir.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "[trakt]\n"
        f'client_id = "{CLIENT_ID}"\naccess_token = "{token}"\n'
        f'[trakt.shared_budget]\nfolder = "{cache}"\n{extra_toml}',
        encoding="utf-8",
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "XDG_CONFIG_HOME": str(cache / "cfg")}
    command = [sys.executable, "-m", "crosswatch_trakt.cli", "--config", str(config)]
    command += ["--base-url", base_url, "--state-dir", str(state_dir), "--json", "-q"]
    started = time.monotonic()
    done = subprocess.run(
        [*command, "import", str(backup)], env=env, capture_output=True, text=True, check=False
    )
    wall = time.monotonic() - started
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = {"stdout": done.stdout[-2000:], "stderr": done.stderr[-2000:]}
    return done.returncode, answer, wall


def vm_hwm_mb() -> float:
    """Return this process's peak resident set (VmHWM) in MB."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def read_cold(base_url: str, token: str, state_dir: Path, cache: Path) -> dict[str, Any]:
    """Index every feature through the hooks, holding each snapshot; return sizes and costs."""
    pm = plugin_manager()
    config = provider_config(base_url, token, cache)
    context = HostContext(config=config, state_dir=state_dir, run_id="cold-read")
    started, cpu = time.monotonic(), time.process_time()
    held = {}
    for feature in FEATURES:
        held[feature] = pm.hook.index_snapshot(provider="TRAKT", feature=feature, context=context)
    return {
        "items": {feature: len(snapshot) for feature, snapshot in held.items()},
        "wall_s": round(time.monotonic() - started, 1),
        "cpu_s": round(time.process_time() - cpu, 2),
        "peak_rss_mb": round(vm_hwm_mb(), 1),
    }


def read_in_child(
    base_url: str, token: str, state_dir: Path, cache: Path, plain: bool = False
) -> dict[str, Any]:
    """Run ``read_cold`` in a fresh Python process (its own peak RSS); return its report.

    ``plain``: as a plain install runs, without the optional ``fast`` extra (orjson).
    """
    block = "import sys; sys.modules['orjson'] = None; " if plain else ""
    code = f"{block}from tests.standin.drive import main; raise SystemExit(main())"
    command = [sys.executable, "-c", code, "read", base_url, token, str(state_dir), str(cache)]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, check=True)
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def main(argv: list[str] | None = None) -> int:
    """``read BASE_URL TOKEN STATE_DIR CACHE``: print ``read_cold``'s report as JSON."""
    parser = argparse.ArgumentParser(prog="python -m tests.standin.drive")
    parser.add_argument("action", choices=["read"])
    parser.add_argument("base_url")
    parser.add_argument("token")
    parser.add_argument("state_dir", type=Path)
    parser.add_argument("cache", type=Path)
    args = parser.parse_args(argv)
    quiet()
    print(json.dumps(read_cold(args.base_url, args.token, args.state_dir, args.cache)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
