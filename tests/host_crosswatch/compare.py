"""Requests per pass: this package's OPS beside CrossWatch's built-in Trakt module.

Run by ``tox -e crosswatch`` after the tests (needs ``CROSSWATCH_SRC``). Both modules run the
same four passes of the same PLEX -> TRAKT pair under CrossWatch's own orchestrator, each
against a fresh emulator account on loopback (the built-in module's ``https://api.trakt.tv``
requests are redirected to the emulator at the transport adapter). Nothing leaves the machine.
Prints a Markdown table; real time is used, as both modules pace themselves.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests.adapters

from crosswatch_trakt.support.clock import SystemClock
from crosswatch_trakt.testing import FakeTrakt

MODULES = {
    "crosswatch-trakt": "crosswatch_trakt.crosswatch",
    "CrossWatch built-in": "providers.sync._mod_TRAKT",
}


@contextmanager
def redirected(base_url: str) -> Iterator[None]:
    """Send every request for api.trakt.tv to ``base_url`` (the emulator on loopback)."""
    original = requests.adapters.HTTPAdapter.send
    target = urlsplit(base_url)

    def send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(request.url)
        if parts.hostname in ("api.trakt.tv", "auth.trakt.tv"):
            request.url = parts._replace(scheme=target.scheme, netloc=target.netloc).geturl()
        return original(self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign]
    try:
        yield
    finally:
        requests.adapters.HTTPAdapter.send = original  # type: ignore[method-assign]


def _fresh_host(src: str, config_base: Path, module: str) -> Any:
    for name in [m for m in sys.modules if m.startswith(("cw_platform", "providers"))]:
        del sys.modules[name]
    os.environ["CONFIG_BASE"] = str(config_base)
    os.environ["CW_PLEX_CID"] = "crosswatch-trakt-compare"  # else kept under /config
    if src not in sys.path:
        sys.path.insert(0, src)
    from host_crosswatch import fake_source
    from host_crosswatch.isolation import PACKAGES, redirect_config

    registry = importlib.import_module("cw_platform.modules_registry")
    registry.MODULES["SYNC"].update(_mod_PLEX=fake_source.__name__, _mod_TRAKT=module)
    facade = importlib.import_module("cw_platform.orchestrator.facade")
    importlib.import_module(module)
    builtin = module.startswith("providers.")  # its /config paths are redirected too
    redirect_config(src, config_base, PACKAGES if builtin else PACKAGES[:1])
    return facade


def four_passes(label: str, module: str, src: str) -> dict[str, Any]:
    """Run the four passes with ``module`` as TRAKT; return requests and outcomes per pass."""
    fake = FakeTrakt(clock=SystemClock())
    fake.add_user("alice")
    row: dict[str, Any] = {"module": label, "passes": []}
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp, fake.serve(), redirected(fake.base_url):
        os.chdir(tmp)  # CrossWatch's modules write a .cw_state folder in the working directory
        try:
            facade = _fresh_host(src, Path(tmp), module)
            row["passes"] = _passes(facade, fake, label)
        finally:
            os.chdir(here)
    return row


def _passes(facade: Any, fake: FakeTrakt, label: str) -> list[dict[str, Any]]:
    """Run pass 1 (write), 2 (unchanged), 3 (one of each dropped), 4 (unchanged)."""
    from host_crosswatch import fake_source
    from host_crosswatch.test_orchestrator import FEATURES, _trakt_state, build_library, host_config

    passes: list[dict[str, Any]] = []
    canonical = importlib.import_module("cw_platform.id_map").canonical_key
    library = build_library(fake, canonical)
    fake_source.OPS.library = library
    cfg = host_config(fake)
    for number in range(1, 5):
        if number == 3:
            for feature in FEATURES:
                key = next(
                    k
                    for k, v in library[feature].items()
                    if v["title"] == "Inception" or feature == "watchlist"
                )
                del library[feature][key]
        os.environ["CW_RUN_ID"] = f"{label}-{number}"
        fake.clear_log()
        summary = facade.Orchestrator(config=cfg, on_progress=lambda _line: None).run()
        state = _trakt_state(fake)
        passes.append(
            {
                "requests": len(fake.log),
                "posts": fake.log_count(method="POST"),
                "429s": fake.log_count(status=429),
                "added": summary.get("added"),
                "removed": summary.get("removed"),
                "unresolved": summary.get("unresolved"),
                "on_trakt": [len(part) for part in state],
            }
        )
    return passes


def main() -> int:
    """Print the comparison table (nothing, with the reason, when CROSSWATCH_SRC is unset)."""
    src = os.environ.get("CROSSWATCH_SRC", "")
    if not src:
        print("compare: skipped, CROSSWATCH_SRC is not set (a CrossWatch checkout).")
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from host_crosswatch.isolation import config_listing, redirecting_mkdir

    untouched = config_listing()
    original = os.mkdir
    with tempfile.TemporaryDirectory() as held:
        # the shared GET budget's record goes to the user's cache folder: keep it in ours
        os.environ["XDG_CACHE_HOME"] = str(Path(held) / "cache")
        os.mkdir = redirecting_mkdir(Path(held))  # type: ignore[assignment]
        try:
            rows = [four_passes(label, module, src) for label, module in MODULES.items()]
        finally:
            os.mkdir = original
    if config_listing() != untouched:
        print("compare: CrossWatch wrote under /config; the comparison is not isolated.")
        return 1
    print("| module | pass | requests | POSTs | 429s | added | removed | unresolved | on Trakt |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        for number, p in enumerate(row["passes"], start=1):
            on = "/".join(str(n) for n in p["on_trakt"])
            print(
                f"| {row['module']} | {number} | {p['requests']} | {p['posts']} | {p['429s']} |"
                f" {p['added']} |"
                f" {p['removed']} | {p['unresolved']} | {on} |"
            )
    print(json.dumps(rows), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
