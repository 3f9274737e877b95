"""Servers that trickle, stay silent or refuse: each request has a deadline (issue 16, point 2).

Small hand-made loopback servers; the deadlines are short real seconds (a socket cannot run
on a virtual clock), the retry waits run on the virtual clock.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.errors import AmbiguousWrite, TransportError
from crosswatch_trakt.testing import VirtualClock
from crosswatch_trakt.trakt.account import TraktAccount

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"


class Server:
    """A loopback server answering each connection with ``mode``.

    ``trickle``: headers, then the body a byte at a time; ``trickle_headers``: the status line
    and headers a byte at a time; ``silent``: nothing.
    """

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            if self.mode == "trickle_headers":
                # the status line and headers one byte every 0.05 s: never a whole answer
                for byte in HEADERS * 50:
                    if self.stop.wait(0.05):
                        return
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        return
            elif self.mode == "trickle":
                conn.sendall(HEADERS)
                # one byte every 0.05 s: each read is quick, the answer never completes in time
                while not self.stop.wait(0.05):
                    try:
                        conn.sendall(b" ")
                    except OSError:
                        return
            else:
                self.stop.wait(5)

    def close(self) -> None:
        """Stop serving."""
        self.stop.set()
        self.sock.close()


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    """Serve in the mode named by the test's parameter."""
    srv = Server(request.param)
    yield srv
    srv.close()


def _account(base: str, tmp_path: Path) -> tuple[TraktAccount, VirtualClock]:
    clock = VirtualClock()
    config = TraktConfig.from_mapping(
        {
            "client_id": "cid",
            "access_token": "token",
            "base_url": base,
            "timeout": 0.2,
            "request_deadline_seconds": 0.4,
            "unreachable_retry_seconds": 10,
        }
    )
    return TraktAccount.create(config, tmp_path, clock=clock, random=lambda: 0.0), clock


@pytest.mark.parametrize(
    ("server", "said"),
    [("trickle", "stalled"), ("trickle_headers", "stalled"), ("silent", "timed out")],
    indirect=["server"],
)
def test_slow_server_fails_within_its_deadline(server: Server, said: str, tmp_path: Path) -> None:
    """A trickling or silent server fails after the retry cap, naming the host and the cause."""
    account, clock = _account(f"http://127.0.0.1:{server.port}", tmp_path)
    with pytest.raises(TransportError) as raised:
        account.session.get_json("/users/settings", feature="account")
    message = str(raised.value)
    assert f"127.0.0.1:{server.port}" in message
    assert said in message
    assert "gave up after" in message
    assert server.connections >= 2  # it was retried, within the unreachable budget
    assert sum(clock.slept) <= 10


def test_refused_connection_says_refused(tmp_path: Path) -> None:
    """A host with nothing listening is reported as refusing the connection."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    account, clock = _account(f"http://127.0.0.1:{port}", tmp_path)
    with pytest.raises(TransportError) as raised:
        account.session.get_json("/users/settings", feature="account")
    assert f"127.0.0.1:{port} refused the connection" in str(raised.value)
    assert sum(clock.slept) <= 10


def test_default_budget_gives_up_in_about_a_minute() -> None:
    """By default a host that never answers is given up on after about a minute of retries."""
    config = TraktConfig(client_id="cid")
    assert config.request_deadline_seconds == 60
    assert config.unreachable_retry_seconds == 60


@pytest.mark.parametrize("server", ["trickle", "trickle_headers"], indirect=True)
def test_trickled_write_is_ambiguous_not_hanging(server: Server, tmp_path: Path) -> None:
    """A write whose answer trickles is given up at the deadline and reported ambiguous."""
    account, _ = _account(f"http://127.0.0.1:{server.port}", tmp_path)
    with pytest.raises(AmbiguousWrite) as raised:
        account.session.post_json("/sync/history", {"movies": []}, feature="history")
    assert "stalled" in str(raised.value)
    assert raised.value.may_still_apply
    assert server.connections == 1  # a write that may have landed is never resent
