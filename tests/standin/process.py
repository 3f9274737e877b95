"""The stand-in in a child process, so that the adapter's memory is measured without it."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class StandinProcess:
    """``python -m tests.standin`` as a context manager: ``base_url``, ``stats()``, ``plays()``."""

    def __init__(self, *args: str) -> None:
        self.args = list(args)
        self.base_url = ""
        self._child: subprocess.Popen[str] | None = None

    def __enter__(self) -> StandinProcess:
        command = [sys.executable, "-m", "tests.standin", *self.args]
        child = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self._child = child
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line.startswith("STANDIN "):
            child.kill()
            raise RuntimeError(f"the stand-in did not start: {line!r}")
        self.base_url = line.split()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        if self._child is not None:
            assert self._child.stdin is not None
            self._child.stdin.close()
            self._child.wait(timeout=30)
            self._child = None

    def _call(self, path: str, data: dict[str, Any] | None = None) -> Any:
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(self.base_url + path, data=body)
        with urllib.request.urlopen(request, timeout=120) as answer:
            return json.loads(answer.read())

    def stats(self) -> dict[str, Any]:
        """Return the stand-in's counters."""
        result: dict[str, Any] = self._call("/_standin/stats")
        return result

    def plays(self) -> list[list[Any]]:
        """Return every play as ``[type, trakt id, watched_at]``."""
        result: list[list[Any]] = self._call("/_standin/plays")
        return result

    def seed(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """Apply a write without counting it (the account's other apps)."""
        result: dict[str, Any] = self._call("/_standin/seed", {"path": path, "body": body})
        return result

    def preload(self, **sizes: Any) -> dict[str, Any]:
        """Fill the account and return the counters."""
        result: dict[str, Any] = self._call("/_standin/preload", sizes)
        return result
