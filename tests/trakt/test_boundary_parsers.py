"""The boundary's parsers: orjson (the ``fast`` extra) and the standard library's give one result.

Also the bracket scan that bounds nesting without parsing (``_outside_brackets``), held
against the depth of what the parser builds, and the pipeline's one parse per answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crosswatch_trakt.hostspec import HostContext
from crosswatch_trakt.testing import VirtualClock
from crosswatch_trakt.trakt import boundary
from crosswatch_trakt.trakt.account import AccountRegistry
from crosswatch_trakt.trakt.boundary import MAX_DEPTH, Violation, _outside_brackets, parse
from tests.conftest import Standin
from tests.features.test_history_remove_standin import _History

orjson = pytest.importorskip("orjson", reason="the fast extra (orjson) is not installed here")

#: text that tries to confuse a scan of the raw bytes: brackets, quotes and escapes in strings
TRICKY = st.text(alphabet=st.sampled_from(list('ab[]{}"\\/:,\u00e9\u2028')), max_size=12)
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TRICKY
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TRICKY, inner, max_size=4),
    max_leaves=30,
)

#: bodies at the edges of what the two parsers read alike, and of the bounds
EDGES = [
    b"[9223372036854775807, -9223372036854775808]",
    b"[9223372036854775808, -9223372036854775809]",
    b"[18446744073709551615, 18446744073709551616, -18446744073709551616]",
    b"[1234567890123456789, 12345678901234567890.5, 99999999999999999999]",
    b"[1e308, 1e309, -1e400, 1e-400, -0, -0.0, 0.1, 5E+3]",
    b"[NaN]",
    b"[Infinity, -Infinity]",
    b'{"a": 1, "a": 2}',
    b'["\\ud800", "\\udc00x", "\\u0000"]',
    '["é", {"t": "\\"]"}]'.encode("utf-16"),
    b'["\xff"]',
    b"[1, 2",
    b"",
    b"  [ ]  ",
    b'"text"',
    b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
]


def outcome(body: bytes, fast: Any) -> tuple[str, str]:
    """Return what ``parse`` gives: the value's repr (types show), or the error and its text."""
    try:
        return ("value", repr(parse(body, fast)))
    except (Violation, ValueError) as exc:
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("body", EDGES)
def test_parsers_agree_at_the_edges(body: bytes) -> None:
    """Big numbers, constants, surrogates, UTF-16 and broken bodies: one outcome either way."""
    assert outcome(body, orjson.loads) == outcome(body, None)


@settings(max_examples=300)
@given(VALUES, st.booleans())
def test_parsers_agree_on_any_json(value: Any, ascii_only: bool) -> None:
    """Any JSON value, written either way, parses to the same value by both parsers."""
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert outcome(body, orjson.loads) == outcome(body, None)


def depth(value: Any) -> int:
    """Return how deep the containers of a parsed value nest (a scalar is 0)."""
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


def scanned_depth(body: bytes) -> int:
    """Return the deepest nesting the bracket scan finds in ``body``."""
    level = deepest = 0
    for byte in _outside_brackets(body):
        level += 1 if byte in b"[{" else -1
        deepest = max(deepest, level)
    return deepest


@settings(max_examples=300)
@given(VALUES, st.booleans())
def test_bracket_scan_finds_the_parsed_depth(value: Any, ascii_only: bool) -> None:
    """Brackets, quotes and backslashes inside strings never move the scanned depth."""
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert scanned_depth(body) == depth(value)


def test_an_answer_is_parsed_once(
    standin: Standin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read's body is scanned and parsed once (by the pipeline), not again by its reader."""
    _History.plays = {}
    base = standin(_History)
    config = {"client_id": "standin", "base_url": base, "auth_url": base, "access_token": "a"}
    context = HostContext(config=config, state_dir=tmp_path, clock=VirtualClock())
    session = AccountRegistry().account_for(context).session
    scanned: list[bytes] = []
    real = boundary._checked

    def counting(body: bytes) -> bool:
        scanned.append(body)
        return real(body)

    monkeypatch.setattr(boundary, "_checked", counting)
    assert session.get_json("/sync/last_activities", feature="test")["all"]
    assert len(scanned) == 1
