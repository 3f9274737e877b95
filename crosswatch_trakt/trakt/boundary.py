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
"""

from __future__ import annotations

import json
import math
import re
from array import array
from itertools import accumulate
from typing import Any

import requests

from crosswatch_trakt.errors import UnsafeAnswer

__all__ = [
    "HEADER_BYTES",
    "MAX_DEPTH",
    "MAX_INT",
    "Violation",
    "check",
    "decode",
    "header_json",
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
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SHAPES = bytes.maketrans(b"0123456789eE+-", b"0000000000eess")
#: what a number that may be out of range looks like in ``_SHAPES`` (a quick test first)
_SUSPECT_SHAPES = (b"0" * 20, b"e000", b"es000")
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

    Raises ``ValueError`` (as ``json`` does) for a body that is not JSON at all.
    """
    data = body.encode() if isinstance(body, str) else body
    check(data)
    return json.loads(data, parse_constant=_no_constant)


def check(body: bytes) -> None:
    """Raise ``Violation`` when a body breaks the nesting or number bound; else return.

    No parsing: the strings are blanked and the rest scanned at C speed, so the pipeline can
    check every answer it takes and the one parse (``decode``) happens where it is read. A
    body that is not JSON at all breaks no bound: whoever reads it reports that
    (``answers.json_body`` raises an ``HttpError`` naming the endpoint).
    """
    bare = _STRING.sub(b'""', body)
    brackets = bare.translate(_SIGNS, _NOT_BRACKETS)
    depth = max(accumulate(array("b", brackets)), default=0)
    if depth > MAX_DEPTH:
        raise Violation(f"the JSON is nested {depth} levels deep (at most {MAX_DEPTH} are read)")
    for constant in (b"NaN", b"Infinity"):
        if constant in bare:
            raise Violation(f"the JSON holds {constant.decode()}, which is not a number")
    shapes = bare.translate(_SHAPES)  # digits as 0, exponents as e, signs as s
    if any(shape in shapes for shape in _SUSPECT_SHAPES):
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
