"""Response helpers: JSON, empty and HTML answers, and Trakt's pagination."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from werkzeug.wrappers import Response

from crosswatch_trakt.testing.emulator.faults import cloudflare_page

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


@attrs.define
class PagingQuirks:
    """Switches for the paginated answers the live API has been seen to send.

    ``drop_counts``: no ``X-Pagination-Page-Count`` / ``-Item-Count`` (a Cloudflare cache
    hit, trakt/trakt-api#198); ``item_count_offset``: ``-Item-Count`` off by this many
    (#823); ``filter_every``: every n-th row of the list is counted and paged but left out
    of the page it falls on (rows filtered after paging, #82); ``drop_type``: rows come
    without ``type`` (recorded 2015 answers of ``/sync/ratings/{type}``);
    ``unpaged_limit``: "pagination optional" endpoints paginate at this limit even when
    neither ``page`` nor ``limit`` is sent (a future change to paging). ``paths`` limits the
    quirks to those request paths (``None``: every paginated answer).
    """

    drop_counts: bool = False
    item_count_offset: int = 0
    filter_every: int | None = None
    drop_type: bool = False
    unpaged_limit: int | None = None
    paths: frozenset[str] | None = None

    def applies(self, path: str) -> bool:
        """Return whether the quirks apply to an answer for ``path``."""
        return self.paths is None or path in self.paths


def paginate(
    args: Mapping[str, str],
    rows: Sequence[Any],
    *,
    always: bool = True,
    quirks: PagingQuirks | None = None,
    render: Callable[[Any], Any] | None = None,
) -> Response:
    """Answer one page of ``rows`` with the four ``X-Pagination-*`` headers.

    ``limit`` defaults to 100 and is clamped to 250. With ``always=False`` (ratings) a
    request without ``page`` and ``limit`` gets every row as a single page. ``quirks``
    (already checked against the path) bend the answer as the live API does. ``render``
    turns each item of the page into its row (only the page's items are rendered).
    """
    page = requested_page(args)
    quirks = quirks or PagingQuirks()
    if not always and "page" not in args and "limit" not in args:
        limit = quirks.unpaged_limit or max(1, len(rows))
    else:
        limit = min(_positive_int(args.get("limit")) or DEFAULT_LIMIT, MAX_LIMIT)
    total = len(rows)
    start = (page - 1) * limit
    body = [render(row) if render else row for row in rows[start : start + limit]]
    headers = {"X-Pagination-Page": str(page), "X-Pagination-Limit": str(limit)}
    if not quirks.drop_counts:
        headers["X-Pagination-Page-Count"] = str(math.ceil(total / limit))
        headers["X-Pagination-Item-Count"] = str(max(0, total + quirks.item_count_offset))
    if quirks.filter_every:
        every = quirks.filter_every
        body = [row for i, row in enumerate(body, start=start + 1) if i % every]
    if quirks.drop_type:
        body = [{k: v for k, v in row.items() if k != "type"} for row in body]
    return json_response(body, headers=headers)
