"""``emulator``: serves the bundled emulator until stopped, seeded and faulted from flags."""

from __future__ import annotations

import argparse
import io
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests

from crosswatch_trakt.cli.commands_emulator import serve
from crosswatch_trakt.cli.exitcodes import USAGE
from crosswatch_trakt.cli.main import build_parser, main
from crosswatch_trakt.cli.progressbar import Progress
from crosswatch_trakt.cli.runtime import Runtime
from crosswatch_trakt.support.clock import SystemClock
from crosswatch_trakt.testing.emulator.launch import build_fake, parse_fault


def _args(*flags: str) -> argparse.Namespace:
    return build_parser().parse_args(["emulator", "--port", "0", "--no-rate-limits", *flags])


@contextmanager
def _serving(*flags: str) -> Iterator[tuple[str, io.StringIO]]:
    out = io.StringIO()
    runtime = Runtime(_args(*flags), out, Progress(io.StringIO(), quiet=True), {})
    stop = threading.Event()
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(serve(runtime, stop)))
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while "serving at" not in out.getvalue() and thread.is_alive():
            assert time.monotonic() < deadline
            stop.wait(0.01)
        yield out.getvalue().split("serving at ", 1)[1].split()[0], out
    finally:
        stop.set()
        thread.join(timeout=10)
    assert codes == [0]


def test_emulator_serves_until_stopped() -> None:
    """The emulator answers on its port while serving and stops when told to."""
    with _serving() as (url, out):
        answer = requests.post(f"{url}/oauth/device/code", json={"client_id": "test-client-id"})
        assert answer.status_code == 200
    assert "access_token" not in out.getvalue()
    assert "crosswatch-trakt --base-url" in out.getvalue()


def test_injected_fault_fires() -> None:
    """A ``--fault`` given on the command line answers the matching request."""
    fault = "kind=status,status=503,method=POST,path=/oauth/device/code,times=1"
    with _serving("--fault", fault) as (url, out):
        body = {"client_id": "test-client-id"}
        assert requests.post(f"{url}/oauth/device/code", json=body).status_code == 503
        assert requests.post(f"{url}/oauth/device/code", json=body).status_code == 200
    assert "Injected 1 fault(s)" in out.getvalue()


def test_fault_spec_parsing() -> None:
    """A fault spec reads its typed fields; an unknown key or kind is an argument error."""
    fault = parse_fault("kind=status,status=429,path_re=/sync/.*,times=always,retry_after=none")
    assert (fault.status, fault.times, fault.retry_after) == (429, None, None)
    assert fault.matches("GET", "/sync/history", 1)
    with pytest.raises(argparse.ArgumentTypeError):
        parse_fault("colour=red")
    with pytest.raises(argparse.ArgumentTypeError):
        parse_fault("kind=explode")


def test_sized_account_and_empty_keeps_the_catalogue() -> None:
    """``--size`` seeds about N items; ``--empty`` leaves the account empty, titles known."""
    full = build_fake(_args("--size", "300"), SystemClock())
    user = full.users["alice"]
    counts = (len(user.watchlist), len(user.ratings), len(user.history))
    assert counts == (21, 39, 240)
    empty = build_fake(_args("--size", "300", "--empty"), SystemClock())
    assert not empty.users["alice"].history
    assert len(empty.catalog.movies) == len(full.catalog.movies)
    assert len(empty.catalog.shows) == len(full.catalog.shows)


def test_empty_demo_account_keeps_the_demo_catalogue() -> None:
    """``--empty`` without ``--size`` gives an empty account on the demo catalogue."""
    fake = build_fake(_args("--empty"), SystemClock())
    assert not fake.users["alice"].history
    assert fake.catalog.find("movie", {"tmdb": 603}) is not None


def test_busy_port_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    """A port in use is a usage error in one sentence, without werkzeug's advice."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["emulator", "--port", str(port), "--no-rate-limits"])
    err = capsys.readouterr().err
    assert code == USAGE
    assert f"Cannot serve on 127.0.0.1:{port}" in err
    assert "choose another --port" in err
    assert "Either identify" not in err
    assert "Emulator stopped" not in err
