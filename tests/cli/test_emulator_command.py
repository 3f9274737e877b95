"""``emulator``: serves the bundled emulator until stopped, printing no token."""

from __future__ import annotations

import argparse
import io
import threading
import time

import requests

from crosswatch_trakt.cli.commands_emulator import serve
from crosswatch_trakt.cli.progress import Progress
from crosswatch_trakt.cli.runtime import Runtime


def test_emulator_serves_until_stopped() -> None:
    """The emulator answers on its port while serving and stops when told to."""
    args = argparse.Namespace(
        host="127.0.0.1",
        port=0,
        user="alice",
        empty=False,
        no_rate_limits=True,
        no_auto_approve=False,
    )
    out = io.StringIO()
    runtime = Runtime(args, out, Progress(io.StringIO(), quiet=True), {})
    stop = threading.Event()
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(serve(runtime, stop)))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while "serving at" not in out.getvalue() and time.monotonic() < deadline:
            stop.wait(0.01)
        url = out.getvalue().split("serving at ", 1)[1].split()[0]
        answer = requests.post(f"{url}/oauth/device/code", json={"client_id": "test-client-id"})
        assert answer.status_code == 200
    finally:
        stop.set()
        thread.join(timeout=10)
    assert codes == [0]
    assert "access_token" not in out.getvalue()
    assert "crosswatch-trakt --base-url" in out.getvalue()
