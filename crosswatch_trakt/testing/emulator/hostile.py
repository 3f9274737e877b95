"""Hostile answers: what a broken proxy, a compromised edge or a bug could send back.

The fault kind ``hostile`` handles the request as usual (a write is applied), then bends its
answer as ``Fault.hostile`` says (the status of the handled answer is kept):

- ``nested``: a JSON body of 10,000 nested arrays (about 20 KB);
- ``number``: a JSON body holding ``1e999`` (``OverflowError`` for a careless ``int()``);
- ``bomb``: a gzip body that inflates to ``Fault.size`` bytes (1 GiB by default), compressed
  lazily as the client reads, so the emulator never holds it;
- ``endless``: a JSON body that never ends (chunked, until the client hangs up);
- ``ratelimit_nested`` / ``ratelimit_number``: the usual body with an ``X-Ratelimit`` header
  that is nested 10,000 deep or holds ``1e999``;
- ``runaway``: the usual page with ``X-Pagination-Page-Count: 1000000`` and an item count to
  match, so every page past the real ones comes back empty while the headers promise more.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from werkzeug.wrappers import Response

__all__ = ["HOSTILE", "NESTING", "RUNAWAY_PAGES", "bend"]

#: the hostile answers ``bend`` makes
HOSTILE: tuple[str, ...] = (
    "nested",
    "number",
    "bomb",
    "endless",
    "ratelimit_nested",
    "ratelimit_number",
    "runaway",
)
#: how deep ``nested`` answers and headers go
NESTING = 10_000
#: the page count a ``runaway`` answer claims
RUNAWAY_PAGES = 1_000_000
#: the piece a bomb or an endless body is produced in
PIECE = 64 * 1024
JSON_TYPE = "application/json; charset=utf-8"


def bend(response: Response, hostile: str, size: int) -> Response:
    """Return ``response`` bent as ``hostile`` says (see the module docstring)."""
    if hostile == "nested":
        return _json(response, b"[" * NESTING + b"]" * NESTING)
    if hostile == "number":
        return _json(response, b'{"added":{"movies":1e999},"items":[1e999]}')
    if hostile == "bomb":
        bomb = _json(response, _bomb(size))
        bomb.headers["Content-Encoding"] = "gzip"
        return bomb
    if hostile == "endless":
        return _json(response, _endless())
    if hostile == "ratelimit_nested":
        response.headers["X-Ratelimit"] = "[" * NESTING + "]" * NESTING
        return response
    if hostile == "ratelimit_number":
        response.headers["X-Ratelimit"] = (
            '{"name":"AUTHED_API_GET_LIMIT","period":1e999,"limit":1e999,'
            '"remaining":1e999,"until":"2030-01-01T00:00:00Z"}'
        )
        return response
    if hostile == "runaway":
        limit = int(response.headers.get("X-Pagination-Limit") or 100)
        response.headers["X-Pagination-Page-Count"] = str(RUNAWAY_PAGES)
        response.headers["X-Pagination-Item-Count"] = str(RUNAWAY_PAGES * limit)
        return response
    raise ValueError(f"unknown hostile answer {hostile!r}")


def _json(like: Response, body: bytes | Iterator[bytes]) -> Response:
    headers = {k: v for k, v in like.headers.items() if k.lower().startswith("x-")}
    return Response(body, status=like.status_code, headers=headers, content_type=JSON_TYPE)


def _bomb(size: int) -> Iterator[bytes]:
    """Yield a gzip stream of a JSON array padded with ``size`` bytes of spaces."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    yield packer.compress(b"[")
    block = b" " * PIECE
    left = size
    while left > 0:
        piece = block[: min(left, PIECE)]
        left -= len(piece)
        out = packer.compress(piece)
        if out:
            yield out
    yield packer.compress(b"]") + packer.flush()


def _endless() -> Iterator[bytes]:
    """Yield ``[0,0,0,...`` forever (the client hangs up)."""
    yield b"["
    piece = b"0," * (PIECE // 2)
    while True:
        yield piece
