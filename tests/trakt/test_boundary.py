"""The answer boundary, unit by unit and against a tiny stand-in server that is not the emulator."""

from __future__ import annotations

import gzip
import http.server
import zlib
from pathlib import Path
from typing import Any

import pytest

from crosswatch_trakt.errors import AmbiguousWrite, IncompleteRead, UnsafeAnswer
from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import VirtualClock
from crosswatch_trakt.trakt.account import AccountRegistry, TraktAccount
from crosswatch_trakt.trakt.boundary import MAX_DEPTH, Violation, decode, header_json
from crosswatch_trakt.trakt.throttle import RateLimitInfo
from tests.conftest import Standin

NESTED = b"[" * 10_000 + b"]" * 10_000


def test_decode_reads_ordinary_json() -> None:
    """Strings holding brackets, 64-bit ids and floats are read as they are."""
    body = (
        b'[{"title": "[[[{{{ NaN 1e999", "id": 9223372036854775807, "x": 1.5e3, "t": "\\"]",'
        b' "f": 0.123456789012345678901, "big": 12345678901234567890.5, "small": 1e-300}]'
    )
    assert decode(body) == [
        {
            "title": "[[[{{{ NaN 1e999",
            "id": 2**63 - 1,
            "x": 1500.0,
            "t": '"]',
            "f": 0.123456789012345678901,
            "big": 12345678901234567890.5,
            "small": 1e-300,
        }
    ]


@pytest.mark.parametrize(
    ("body", "bound"),
    [
        (NESTED, "nested"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nested"),
        (b'{"n": 1e999}', "out of range"),
        (b'{"n": -1e999}', "out of range"),
        (b"[NaN]", "not a number"),
        (b"[Infinity]", "not a number"),
        (b"[" + b"9" * 5000 + b"]", "5000 digits"),
        (b"[" + b"9" * 30 + b"]", "64 bits"),
        (b'[1, {"a": [2e-999, 3E+400]}]', "out of range"),
    ],
)
def test_decode_refuses_what_breaks_a_bound(body: bytes, bound: str) -> None:
    """Deep nesting, infinite or huge numbers and NaN raise Violation, never Recursion/Overflow."""
    with pytest.raises(Violation, match=bound):
        decode(body)


def test_decode_at_the_depth_bound_reads() -> None:
    """Exactly MAX_DEPTH levels are still read."""
    assert decode(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None


@pytest.mark.parametrize(
    "value",
    [
        "[" * 10_000 + "]" * 10_000,
        '{"name":"AUTHED_API_GET_LIMIT","limit":1e999}',
        '{"name":"AUTHED_API_GET_LIMIT","limit":' + "9" * 5000 + "}",
        "x" * 5000,
    ],
)
def test_hostile_ratelimit_headers_read_as_nothing(value: str) -> None:
    """An X-Ratelimit that is nested, huge or holds 1e999 parses as no information at all."""
    assert header_json(value) is None or RateLimitInfo.parse(value) is None


def test_ratelimit_numbers_out_of_range_are_dropped() -> None:
    """A limit beyond 10^9 is not believed; the rest of the header still is."""
    info = RateLimitInfo.parse('{"name":"AUTHED_API_GET_LIMIT","limit":1e300,"period":300}')
    assert info is not None
    assert info.limit is None
    assert info.period == 300.0


class _Standin(http.server.BaseHTTPRequestHandler):
    """Answers every request with the hostile body its path names."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        """Answer a read."""
        self._answer()

    def do_POST(self) -> None:
        """Answer a write (the body is read and dropped)."""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def _answer(self) -> None:
        kind = self.path.rsplit("/", 1)[-1]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if kind == "nested":
            self.send_header("Content-Length", str(len(NESTED)))
            self.end_headers()
            self.wfile.write(NESTED)
        elif kind == "bomb":
            body = _bomb(32 * 1024 * 1024)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif kind == "endless":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            piece = b"0," * 32768
            try:
                while True:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            except OSError:
                return  # the client hung up, as it should
        else:
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"[]")

    def log_message(self, format: str, *args: Any) -> None:
        """Print nothing."""


def _bomb(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * 65536
    parts = [packer.compress(b"[")]
    parts += [packer.compress(block) for _ in range(size // len(block))]
    return b"".join([*parts, packer.compress(b"]"), packer.flush()])


@pytest.fixture
def account(standin: Standin, tmp_path: Path) -> TraktAccount:
    """Return an account whose API host is the stand-in, reading at most 1 MiB per answer."""
    base = standin(_Standin)
    config = {
        "client_id": "standin",
        "base_url": base,
        "auth_url": base,
        "access_token": "a",
        "refresh_token": "r",
        "max_answer_bytes": 1024 * 1024,
        "timeout": 5,
    }
    context = HostContext(config=config, state_dir=tmp_path, clock=VirtualClock())
    return AccountRegistry().account_for(context)


def test_bomb_is_measured_decompressed() -> None:
    """The stand-in's bomb is small on the wire and large inflated (the test is meaningful)."""
    body = _bomb(32 * 1024 * 1024)
    assert len(body) < 1024 * 1024 < len(gzip.decompress(body))


@pytest.mark.parametrize(
    ("kind", "bound"),
    [("nested", "nested 10000 levels"), ("bomb", "max_answer_bytes"), ("endless", "max_answer")],
)
def test_standin_read_is_a_typed_error(account: TraktAccount, kind: str, bound: str) -> None:
    """A read answered by the stand-in with a hostile body is UnsafeAnswer naming its path."""
    with pytest.raises(UnsafeAnswer, match=bound) as caught:
        account.session.get_json(f"/hostile/{kind}", feature="test", authed=False)
    assert f"/hostile/{kind}" in str(caught.value)


@pytest.mark.parametrize("kind", ["nested", "bomb", "endless"])
def test_standin_write_is_ambiguous_and_settled(account: TraktAccount, kind: str) -> None:
    """A write answered with a hostile body is an AmbiguousWrite Trakt has finished with."""
    with pytest.raises(AmbiguousWrite) as caught:
        account.session.post_json(f"/hostile/{kind}", {"movies": []}, feature="test")
    assert caught.value.may_still_apply is False
    assert "may or may not have been applied" in str(caught.value)


def test_standin_ordinary_answer_reads(account: TraktAccount) -> None:
    """The stand-in's ordinary answer goes through the same boundary untouched."""
    assert account.session.get_json("/fine", feature="test", authed=False) == []


class _Runaway(http.server.BaseHTTPRequestHandler):
    """A stand-in whose every page is empty while its headers promise 1,000,000 pages."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        """Answer an empty page with a runaway page count."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Pagination-Page-Count", "1000000")
        self.send_header("X-Pagination-Item-Count", "250000000")
        self.send_header("X-Pagination-Limit", "250")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, format: str, *args: Any) -> None:
        """Print nothing."""


def test_standin_runaway_walk_ends_at_once(standin: Standin, tmp_path: Path) -> None:
    """Against a stand-in, empty pages promising a million more end the walk after two."""
    base = standin(_Runaway)
    config = {"client_id": "standin", "base_url": base, "auth_url": base, "access_token": "a"}
    context = HostContext(config=config, state_dir=tmp_path, clock=VirtualClock())
    session = AccountRegistry().account_for(context).session
    with pytest.raises(IncompleteRead, match="1,000,000 pages"):
        session.paginate("/sync/watchlist", feature="watchlist")
    assert session.rate_state()["read"]["requests"] == 2
