"""Paginated reads: ``page`` + ``limit`` always, walked to the page count Trakt reports.

Every page is checked against the ``X-Pagination-*`` headers: a page short of the limit
the server applied (before the last), a total that differs from ``X-Pagination-Item-Count``
or counts that change during the walk make the read incomplete. Any page that fails after
the session's retries raises ``IncompleteRead``: no partial list ever escapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

import attrs
import requests

from crosswatch_trakt.errors import (
    AccountLimitExceeded,
    AccountLocked,
    Forbidden,
    HttpError,
    IncompleteRead,
    VipOnly,
)
from crosswatch_trakt.support.contract import ProgressEvent
from crosswatch_trakt.trakt.answers import json_body


class PageSource(Protocol):
    """What a walk needs of the session: its page size, one GET, and a logger."""

    @property
    def page_size(self) -> int:
        """The ``limit`` asked for (Trakt clamps it to 250)."""

    def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, feature: str
    ) -> requests.Response:
        """GET ``path`` with the session's retries; raise a typed error on failure."""

    def log(self, feature: str) -> Any:
        """Return a logger for ``feature``."""


__all__ = ["PageInfo", "PageSource", "collect_pages", "iter_pages"]

#: errors that are final answers about the account, not a failed read: raised as they are
_FINAL = (Forbidden, AccountLocked, VipOnly, AccountLimitExceeded)


@attrs.frozen
class PageInfo:
    """Where a page sits in the walk: its number, the applied limit and the totals."""

    page: int
    limit: int
    page_count: int
    item_count: int


class ListChanged(IncompleteRead):
    """The list's counts changed between pages: the walk saw two different lists."""


def _header_int(response: requests.Response, name: str) -> int | None:
    raw = response.headers.get(name)
    try:
        return None if raw is None else int(raw)
    except ValueError:
        return None


def _page_info(response: requests.Response, page: int, rows: int, limit: int) -> PageInfo:
    page_count = _header_int(response, "X-Pagination-Page-Count")
    if page_count is None:  # not a paginated answer: one page holds everything
        return PageInfo(page=page, limit=max(rows, 1), page_count=page, item_count=rows)
    applied = _header_int(response, "X-Pagination-Limit") or limit
    item_count = _header_int(response, "X-Pagination-Item-Count")
    if item_count is None:
        item_count = (page_count - 1) * applied + rows if page >= page_count else -1
    return PageInfo(page=page, limit=applied, page_count=page_count, item_count=item_count)


def iter_pages(
    session: PageSource,
    path: str,
    *,
    feature: str,
    params: Mapping[str, Any] | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
) -> Iterator[tuple[list[Any], PageInfo]]:
    """Yield each page's rows with its ``PageInfo``; raise ``IncompleteRead`` on any gap."""
    limit = session.page_size
    first: PageInfo | None = None
    page = 1
    while True:
        query = {**(params or {}), "page": page, "limit": limit}
        try:
            response = session.get(path, query, feature=feature)
            rows = json_body(response, path)
        except _FINAL:
            raise
        except HttpError as exc:
            raise IncompleteRead(
                f"Reading {path} failed at page {page}: {exc}; nothing was returned."
            ) from exc
        if not isinstance(rows, list):
            raise IncompleteRead(
                f"Trakt answered page {page} of {path} with something else than a list."
            )
        info = _page_info(response, page, len(rows), limit)
        if first is None:
            first = info
        elif (info.page_count, info.item_count, info.limit) != (
            first.page_count,
            first.item_count,
            first.limit,
        ):
            raise ListChanged(f"{path} changed while it was being read (page {page}).")
        if info.page < info.page_count and len(rows) != info.limit:
            raise IncompleteRead(
                f"Page {page} of {path} held {len(rows)} rows, expected {info.limit}; "
                "nothing was returned."
            )
        if progress is not None:
            progress(
                ProgressEvent(
                    feature=feature,
                    phase="read",
                    done=page,
                    total=max(info.page_count, 1),
                    what=path.rstrip("/").rsplit("/", 1)[-1],
                )
            )
        yield rows, info
        if page >= info.page_count:
            return
        page += 1


def collect_pages(
    session: PageSource,
    path: str,
    *,
    feature: str,
    params: Mapping[str, Any] | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
    convert: Callable[[list[Any]], list[Any]] | None = None,
) -> list[Any]:
    """Return every row of the walk, checked against the item count (one restart if it moved).

    ``convert`` turns each page's rows into what is kept as the page arrives, so the raw
    JSON of a long walk is not held all at once; the count check is on the raw rows.
    """
    for attempt in (1, 2):
        rows: list[Any] = []
        count = 0
        info: PageInfo | None = None
        try:
            for page_rows, page_info in iter_pages(
                session, path, feature=feature, params=params, progress=progress
            ):
                count += len(page_rows)
                rows.extend(page_rows if convert is None else convert(page_rows))
                info = page_info
        except ListChanged:
            if attempt == 2:
                raise
            session.log(feature).info("http.paginate.restart", path=path)
            continue
        if info is not None and info.item_count >= 0 and count != info.item_count:
            raise IncompleteRead(
                f"Reading {path} gave {count} rows but Trakt counts {info.item_count}; "
                "nothing was returned."
            )
        session.log(feature).debug("http.paginate.done", path=path, rows=count)
        return rows
    raise AssertionError("unreachable")  # pragma: no cover
