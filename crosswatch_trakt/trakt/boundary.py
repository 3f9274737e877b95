"""The answer boundary: what comes off the wire is read within bounds before anything uses it.

Three bounds hold for every answer, whoever sent it (Trakt, a proxy, a captive portal):

- **size**: the body is read in pieces, after decompression, and given up on as soon as it
  passes ``config.max_answer_bytes`` (a gzip bomb or an endless body never fills memory);
- **nesting**: a JSON body nested deeper than ``MAX_DEPTH`` is refused before it is parsed
  (Python's parser would raise ``RecursionError`` on about 1,000 levels);
- **numbers**: a JSON number must be a whole number within 64 bits or a finite float
  (``1e999`` and ``NaN`` are refused), so no later ``int()`` or arithmetic overflows.

A body outside them raises ``Violation``; the retry policy (``trakt.retry``) turns it into the
typed error of the request's kind, naming the endpoint. ``header_json`` reads a JSON header
(``X-Ratelimit``) within the same bounds, and answers ``None`` for one it cannot trust.

With the optional ``fast`` extra (orjson) a body is parsed by orjson when it can be, and by the
standard library's parser otherwise; the result, or the error, is the same either way
(``parse`` says how, ``tests/trakt/test_boundary.py`` holds it).
"""

from __future__ import annotations

import json
import math
import re
from array import array
from collections.abc import Callable
from itertools import accumulate
from typing import Any

import requests

from crosswatch_trakt.errors import UnsafeAnswer

try:
    from orjson import loads as _fast_loads  # the optional "fast" extra
except ImportError:  # a plain install: the standard library's parser alone
    FAST_LOADS: Callable[[bytes], Any] | None = None
else:
    FAST_LOADS = _fast_loads

__all__ = [
    "FAST_LOADS",
    "HEADER_BYTES",
    "MAX_DEPTH",
    "MAX_INT",
    "Violation",
    "check",
    "decode",
    "header_json",
    "parse",
    "read_body",
]

#: the deepest JSON nesting read (Trakt's deepest answer, a show's seasons' episodes, is ~6)
MAX_DEPTH = 64
#: the largest whole number read (Trakt's history ids are 64-bit)
MAX_INT = 2**64
#: the longest JSON header read
HEADER_BYTES = 4096
#: the piece a body is read in (decompressed at most this much at a time)
PIECE = 64 * 1024

#: the most digits a whole number may have before it is not even converted
MAX_DIGITS = 40

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
#: openers as +1 and closers as -1 (signed bytes); every other byte is dropped
_SIGNS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
#: every byte but the quote and the brackets (deleted to find the brackets outside strings)
_NOT_MARKS = bytes(b for b in range(256) if b not in b'"[]{}')
#: digits as 0: a quick test for a run of 19 (orjson's bound) or 20 (the exact scan's)
_DIGIT_RUNS = bytes.maketrans(b"0123456789", b"0000000000")
_LONG_RUN = b"0" * 19
#: numbers that may be out of range: 20 digits or more, or an exponent of three digits
_SUSPECT = re.compile(
    rb"(?<![\d.eE+-])-?\d+(?:\.\d+)?[eE][-+]?\d{3,}|(?<![\d.eE+-])-?\d{20,}(?:\.\d+)?(?:[eE][-+]?\d+)?"
)


class Violation(Exception):
    """An answer outside the boundary; ``what`` says which bound, in words."""

    def __init__(self, what: str) -> None:
        self.what = what
        super().__init__(what)

    def error(self, path: str, status: int | None) -> UnsafeAnswer:
        """Return the typed error of a read of ``path`` whose answer broke the bound."""
        return UnsafeAnswer(
            f"Trakt's answer to {path} was not read ({self.what}); try again later.",
            status=status,
            url=path,
        )


def read_body(response: requests.Response, limit: int) -> bytes:
    """Read the whole (decompressed) body of a streamed answer, or raise ``Violation``.

    The body becomes ``response.content`` (as ``requests`` itself keeps it). A declared
    ``Content-Length`` over the limit is refused before a byte is read.
    """
    declared = response.headers.get("Content-Length", "")
    encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
    if declared.isdecimal() and int(declared) > limit and not encoded:
        response.close()
        raise Violation(_too_large(limit))
    pieces: list[bytes] = []
    size = 0
    for piece in response.iter_content(PIECE):
        size += len(piece)
        if size > limit:
            response.close()
            raise Violation(_too_large(limit))
        pieces.append(piece)
    body = b"".join(pieces)
    response._content = body  # where requests keeps a body it has read
    return body


def _too_large(limit: int) -> str:
    return f"the body is larger than max_answer_bytes ({limit:,} bytes)"


def decode(body: bytes | str) -> Any:
    """Parse a JSON body within the nesting and number bounds, or raise ``Violation``.

    Raises ``ValueError`` (as ``json`` does) for a body that is not JSON at all. The bounds
    cost a few per cent of the parse: ``check`` scans the bytes at C speed, and the parser
    itself refuses the constants (``NaN``) and the floats out of range (``1e999``).
    """
    return parse(body.encode() if isinstance(body, str) else body, FAST_LOADS)


def parse(data: bytes, fast: Callable[[bytes], Any] | None) -> Any:
    """``decode`` with ``fast`` (orjson's ``loads``) tried first; None: the standard library's.

    ``fast`` is tried only on a body without a run of 19 digits (orjson reads a whole number
    beyond 64 bits as a float, where ``json`` keeps it whole). Whatever it refuses (``NaN``,
    ``1e999``, a lone surrogate, UTF-16) the standard parser reads or names, so the result or
    the error is the same with or without it.
    """
    if not _checked(data) and fast is not None:
        try:
            return fast(data)
        except ValueError:
            pass  # the standard parser below gives the value, or the error, json gives
    try:
        return json.loads(data, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:  # the check counts what the parser nests; this is the backstop
        raise Violation("the JSON is nested too deep to read") from None


def check(body: bytes) -> None:
    """Raise ``Violation`` when a body breaks the nesting or whole-number bound; else return.

    No parsing: the brackets outside strings (``_outside_brackets``) give the depth, and a
    run of 20 digits anywhere sends the body to the exact number scan (``_suspect_numbers``).
    A body that is not JSON at all breaks no bound: whoever reads it reports that
    (``answers.json_body`` raises an ``HttpError`` naming the endpoint). Floats and the
    constants are bounded by ``decode``'s parser, which reads every one of them.
    """
    _checked(body)


def _checked(body: bytes) -> bool:
    """``check``; return whether the body holds a run of 19 digits or more."""
    depth = max(accumulate(array("b", _outside_brackets(body).translate(_SIGNS))), default=0)
    if depth > MAX_DEPTH:
        raise Violation(f"the JSON is nested {depth} levels deep (at most {MAX_DEPTH} are read)")
    shapes = body.translate(_DIGIT_RUNS)
    if _LONG_RUN not in shapes:
        return False
    if _LONG_RUN + b"0" in shapes:
        _suspect_numbers(_STRING.sub(b'""', body))
    return True


def _outside_brackets(body: bytes) -> bytes:
    r"""Return the brackets of ``body`` that stand outside its strings, in order.

    The escapes that could hide a quote (``\\`` and ``\"``) are dropped first, then
    everything but quotes and brackets. Two quotes next to each other then close one string
    and open the next (or open and close an empty one), so dropping them keeps every
    remaining pair a string; the brackets between such a pair were written inside one.
    """
    plain = body
    if b"\\" in plain:  # one byte: found at memory speed, and most bodies have none
        plain = plain.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = plain.translate(None, _NOT_MARKS).replace(b'""', b"")
    if b'"' in marks:  # a string holds a bracket (a title like "[REC]")
        marks = b"".join(marks.split(b'"')[::2])
    return marks


def _suspect_numbers(bare: bytes) -> None:
    """Check every number of a body whose strings are blanked that may be out of range."""
    for match in _SUSPECT.finditer(bare):
        _number(match.group().decode())


def header_json(value: str | None) -> Any:
    """Return a JSON header's value, or ``None`` when absent, not JSON or out of bounds."""
    if not value or len(value) > HEADER_BYTES:
        return None
    try:
        return decode(value)
    except (Violation, ValueError):
        return None


def _number(text: str) -> None:
    """Check one suspect number (20 or more digits, or a three-digit exponent)."""
    if any(c in text for c in ".eE"):
        if not math.isfinite(float(text)):
            raise Violation(f"the JSON holds a number out of range ({text[:20]})")
        return
    if len(text) > MAX_DIGITS:
        raise Violation(f"the JSON holds a number of {len(text)} digits")
    if abs(int(text)) > MAX_INT:
        raise Violation("the JSON holds a whole number beyond 64 bits")


def _no_constant(text: str) -> float:
    raise Violation(f"the JSON holds {text}, which is not a number")


def _finite_float(text: str) -> float:
    """Return the float ``text`` writes, or raise ``Violation`` for one out of range."""
    value = float(text)
    if not math.isfinite(value):
        raise Violation(f"the JSON holds a number out of range ({text[:20]})")
    return value
