"""Response helpers: JSON, empty and HTML answers, and Trakt's pagination."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from werkzeug.wrappers import Response

from crosswatch_trakt.testing.faults import cloudflare_page

DEFAULT_LIMIT = 100
MAX_LIMIT = 250
JSON_TYPE = "application/json; charset=utf-8"


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Return ``data`` as a JSON answer."""
    return Response(
        json.dumps(data, separators=(",", ":")),
        status=status,
        headers=dict(headers or {}),
        content_type=JSON_TYPE,
    )


def empty(status: int, headers: Mapping[str, str] | None = None) -> Response:
    """Return an answer without a body."""
    return Response(b"", status=status, headers=dict(headers or {}), content_type="text/plain")


def html(status: int, headers: Mapping[str, str] | None = None) -> Response:
    """Return a Cloudflare-style HTML error page."""
    return Response(
        cloudflare_page(status),
        status=status,
        headers=dict(headers or {}),
        content_type="text/html; charset=UTF-8",
    )


def _positive_int(value: str | None) -> int | None:
    try:
        number = int(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and number > 0 else None


def requested_page(args: Mapping[str, str]) -> int:
    """Return the requested ``page`` (1 when absent or invalid)."""
    return _positive_int(args.get("page")) or 1


def paginate(args: Mapping[str, str], rows: Sequence[Any], *, always: bool = True) -> Response:
    """Answer one page of ``rows`` with the four ``X-Pagination-*`` headers.

    ``limit`` defaults to 100 and is clamped to 250. With ``always=False`` (ratings) a
    request without ``page`` and ``limit`` gets every row as a single page.
    """
    page = requested_page(args)
    if not always and "page" not in args and "limit" not in args:
        limit = max(1, len(rows))
    else:
        limit = min(_positive_int(args.get("limit")) or DEFAULT_LIMIT, MAX_LIMIT)
    total = len(rows)
    start = (page - 1) * limit
    headers = {
        "X-Pagination-Page": str(page),
        "X-Pagination-Limit": str(limit),
        "X-Pagination-Page-Count": str(math.ceil(total / limit)),
        "X-Pagination-Item-Count": str(total),
    }
    return json_response(list(rows[start : start + limit]), headers=headers)
