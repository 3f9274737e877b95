"""CrossWatch's real web app in a subprocess, driven over HTTP the way its UI drives it.

``copy_tree`` copies a CrossWatch checkout into a test's folder and ``switch_tree`` switches
the copy over to this package; ``WebApp`` starts ``crosswatch.main`` from the copy on
loopback (``webapp_boot``), with ``CONFIG_BASE``, ``HOME``, ``TMPDIR`` and the working
folder inside the test's folder, signs in as its UI's first-run setup does, and calls its API.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import attrs
import requests

import crosswatch_trakt

from . import fake_source

__all__ = ["WebApp", "copy_tree", "guarded_python", "switch_tree"]

#: how long the app may take to start, and a run to finish (seconds of real time)
START_DEADLINE = 30.0
RUN_DEADLINE = 45.0
_POLL = 0.1


def copy_tree(src: str, dest: Path) -> Path:
    """Copy the CrossWatch checkout ``src`` to ``dest`` (without its git folder or caches)."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".git", "__pycache__"))
    return dest


def switch_tree(tree: Path) -> str:
    """Switch the CrossWatch ``tree`` over to this package with the project's own command.

    That is ``crosswatch-trakt crosswatch install DIR``, run as ``python -m
    crosswatch_trakt.cli`` with this interpreter; return what it said.
    """
    command = [sys.executable, "-m", "crosswatch_trakt.cli", "crosswatch", "install", str(tree)]
    env = {
        **os.environ,
        "PYTHONPATH": _import_root(crosswatch_trakt),  # the package this test process runs
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"install failed ({done.returncode}): {done.stdout}{done.stderr}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _import_root(module: Any) -> str:
    """Return the ``sys.path`` entry ``module`` (a module or a package) was imported from."""
    path = Path(module.__file__).resolve()
    depth = module.__name__.count(".") + (path.name == "__init__.py")
    return str(path.parents[depth])


def _boot_module() -> str:
    return f"{fake_source.__name__.rpartition('.')[0]}.webapp_boot"


def guarded_python(root: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a Python whose ``webapp_boot.guard`` keeps it inside ``root``."""
    boot = (
        f"from {_boot_module()} import guard; import pathlib; "
        f"guard(({str(root)!r},), pathlib.Path({str(root / 'outside.jsonl')!r}))\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": _import_root(fake_source)}
    command = [sys.executable, "-c", boot + code]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


@attrs.define
class WebApp:
    """CrossWatch's app from ``tree``, run with ``root`` (the test's folder) as its world."""

    tree: Path
    root: Path
    port: int = attrs.field(factory=_free_port)
    session: requests.Session = attrs.field(factory=requests.Session, init=False)
    _process: subprocess.Popen[bytes] | None = attrs.field(default=None, init=False)

    @property
    def url(self) -> str:
        """Return the app's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def config(self) -> Path:
        """Return CrossWatch's config base (``CONFIG_BASE``)."""
        return self.root / "config"

    @property
    def outside(self) -> list[dict[str, Any]]:
        """Return what the guard refused: writes outside the folder, traffic beyond loopback."""
        record = self.root / "outside.jsonl"
        lines = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
        return [json.loads(line) for line in lines]

    @property
    def log(self) -> str:
        """Return the app's console output so far."""
        return (self.root / "app.log").read_text(encoding="utf-8", errors="replace")

    def start(self, library: dict[str, list[dict[str, Any]]]) -> None:
        """Start the app serving the fake Plex ``library``; return once it answers."""
        for name in ("config", "home", "tmp", "work"):
            (self.root / name).mkdir(exist_ok=True)
        (self.root / "library.json").write_text(json.dumps(library), encoding="utf-8")
        settings = {
            "root": str(self.root),
            "tree": str(self.tree),
            "port": self.port,
            "library": str(self.root / "library.json"),
        }
        (self.root / "boot.json").write_text(json.dumps(settings), encoding="utf-8")
        paths = [str(self.tree), _import_root(crosswatch_trakt), _import_root(fake_source)]
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths)),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "CONFIG_BASE": str(self.config),
            "HOME": str(self.root / "home"),
            "TMPDIR": str(self.root / "tmp"),
            "CW_PLEX_CID": "crosswatch-trakt-tests",  # else Plex's client id is kept under /config
            "CROSSWATCH_TRAKT_TESTING": "1",
            "TZ": "UTC",
        }
        boot = _boot_module()
        with (self.root / "app.log").open("wb") as out:
            self._process = subprocess.Popen(
                [sys.executable, "-m", boot, str(self.root / "boot.json")],
                cwd=self.root / "work",
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self._wait(self._answers, START_DEADLINE, "the app to answer /api/health")

    def stop(self) -> int | None:
        """Stop the app (SIGTERM, as ``docker stop`` does); return its exit code."""
        self.session.close()
        if self._process is None:
            return None
        self._process.terminate()
        try:
            code = self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            code = self._process.wait(timeout=15)
        self._process = None
        return code

    def _answers(self) -> bool:
        """Return whether this process's app answers (its banner names our port)."""
        assert self._process is not None
        if self._process.poll() is not None:
            raise AssertionError(f"the app exited ({self._process.returncode}):\n{self.log}")
        if f"127.0.0.1:{self.port}" not in self.log:  # its start-up banner names the address
            return False  # not up yet; whoever answers on the port now is not our app
        try:
            return requests.get(f"{self.url}/api/health", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False  # bound in a moment

    def _wait(self, ready: Any, deadline: float, what: str) -> Any:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            answer = ready()
            if answer:
                return answer
            # the app is a real process on the real clock (no clock can be injected into it):
            # poll it at a fixed interval, bounded by ``deadline``
            time.sleep(_POLL)
        raise AssertionError(f"gave up waiting {deadline:.0f} s for {what}:\n{self.log[-4000:]}")

    # the API, as the UI calls it

    def get(self, path: str) -> Any:
        """``GET`` ``path``; return its JSON (a non-200 answer fails the test)."""
        response = self.session.get(f"{self.url}{path}", timeout=30)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()

    def post(self, path: str, body: Any = None) -> Any:
        """``POST`` ``body`` (none: an empty request) to ``path`` from the app's own origin."""
        response = self.session.post(
            f"{self.url}{path}", json=body, headers={"Origin": self.url}, timeout=30
        )
        assert response.status_code == 200, f"POST {path}: {response.status_code} {response.text}"
        return response.json()

    def sign_up(self, username: str = "admin", password: str = "crosswatch-tests") -> None:
        """Set the first administrator up, as the UI's first-run screen does (a session cookie)."""
        answer = self.post(
            "/api/app-auth/credentials",
            {"enabled": True, "username": username, "password": password},
        )
        assert answer.get("ok") is True, answer

    def save_config(self, sections: dict[str, Any]) -> None:
        """Save config sections as the settings page does (merged into the stored config)."""
        answer = self.post("/api/config", sections)
        assert answer.get("ok") is True, answer

    def run(self, *, dry_run: bool) -> dict[str, Any]:
        """Sync as the UI does, wait for the run to end, return its summary.

        The "Dry run" switch of the sync settings is saved (``sync.dry_run``), then the Sync
        button posts ``/api/run`` with no body. The run is over when the summary of a run
        started after the request has an exit code and the app's run status says no sync
        thread is alive.
        """
        self._wait(lambda: not self.get("/api/run/cancel")["running"], RUN_DEADLINE, "idle")
        self.save_config({"sync": {"dry_run": dry_run}})
        asked = time.time()
        started = self.post("/api/run")
        assert started.get("ok") is True, started

        def finished() -> dict[str, Any] | None:
            summary = self.get("/api/run/summary")
            ours = float(summary.get("raw_started_ts") or 0) >= asked
            if not ours or summary.get("exit_code") is None or summary.get("running"):
                return None
            return summary if not self.get("/api/run/cancel")["running"] else None

        summary: dict[str, Any] = self._wait(finished, RUN_DEADLINE, "the run to finish")
        return summary

    def sync_events(self) -> list[dict[str, Any]]:
        """Return the JSON events of the last run's log (the UI's sync log)."""
        lines = self.get("/api/logs/dump?channel=SYNC&n=3000")["lines"]
        events = []
        for line in lines:
            text = str(line.get("line", line) if isinstance(line, dict) else line).strip()
            if text.startswith("{"):
                events.append(json.loads(text))
        return events
