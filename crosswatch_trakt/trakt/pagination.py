"""Paginated reads that real Trakt can satisfy and a truncation can never pass.

The rule (``docs/rate-limits.md#pagination``): a walk ends on a short or empty page, or on
the page count Trakt reports, whichever the answer proves. A full page never ends a walk
because a header is missing (trakt/trakt-api#198: a cached answer with no ``-Page-Count``).
A page before the reported page count is followed by the next page even when it is short
(rows filtered after counting, #82). An item count that disagrees with the rows walked is
logged and noted in the session's ``ReadNotes``, never a failure (#823: "may be
incorrect"). A page that fails after the session's retries, is not a list or is cut raises
``IncompleteRead``: no partial list ever escapes.

A walk has a read budget: it may read at most ``SPARE_PAGES`` pages more than twice the pages
its rows fill. Pages that stop bringing the rows their headers promise (a page count of
1,000,000 over empty pages) end it with ``IncompleteRead`` within a number of requests bounded
by the rows seen, never a walk of days.

``unpaged=True`` reads a "pagination optional" endpoint in one request without ``page`` and
``limit`` (every row, #919) and still follows pagination headers if the answer carries them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any

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

__all__ = ["CountMismatch", "PageInfo", "PageReader", "ReadNotes", "collect_pages", "iter_pages"]

#: pages a walk may read beyond twice those its rows fill (rows filtered after paging, #82)
SPARE_PAGES = 2
#: errors that are final answers about the account, not a failed read: raised as they are
_FINAL = (Forbidden, AccountLocked, VipOnly, AccountLimitExceeded)


@attrs.frozen
class CountMismatch:
    """A walk whose rows disagreed with Trakt's ``X-Pagination-Item-Count``."""

    path: str
    rows: int
    item_count: int

    def as_dict(self) -> dict[str, Any]:
        """Return the mismatch as plain data (for ``stats`` and health)."""
        return {"path": self.path, "rows": self.rows, "item_count": self.item_count}


@attrs.define
class ReadNotes:
    """What the session's reads noticed: item counts that disagreed with the rows walked."""

    total: int = 0
    recent: deque[CountMismatch] = attrs.field(factory=lambda: deque(maxlen=20))

    def note(self, mismatch: CountMismatch) -> None:
        """Remember one mismatch (the last 20 are kept)."""
        self.total += 1
        self.recent.append(mismatch)

    def since(self, mark: int) -> list[CountMismatch]:
        """Return the mismatches noted after ``total`` was ``mark`` (as far as kept)."""
        fresh = self.total - mark
        return list(self.recent)[-fresh:] if fresh > 0 else []

    def state(self) -> dict[str, Any]:
        """Return the notes as plain data (for ``provider_health``)."""
        return {"count_mismatches": self.total, "recent": [m.as_dict() for m in self.recent]}


@attrs.frozen
class PageReader:
    """What a walk needs (the session hands it in): one GET, the page size, a logger, notes."""

    #: GET one page (``path``, query) with the session's retries; raise a typed error on failure
    fetch: Callable[[str, dict[str, Any]], requests.Response] = attrs.field(repr=False)
    #: the ``limit`` asked for (Trakt clamps it to 250)
    page_size: int
    notes: ReadNotes = attrs.field(repr=False)
    log: Any = attrs.field(repr=False)


@attrs.frozen
class PageInfo:
    """One page of a walk: its number, the limit applied and the totals Trakt reported.

    ``page_count`` and ``item_count`` are ``None`` when the answer did not carry them;
    ``limit`` is the limit Trakt says it applied, else the one asked for (``None``: an
    unpaged answer with no pagination headers, which holds every row).
    """

    page: int
    limit: int | None
    page_count: int | None
    item_count: int | None


class ListChanged(IncompleteRead):
    """The list's counts changed between pages: the walk saw two different lists."""


def _header_int(response: requests.Response, name: str) -> int | None:
    raw = response.headers.get(name)
    try:
        value = None if raw is None else int(raw)
    except ValueError:
        return None
    return value if value is not None and value >= 0 else None


def _page_info(response: requests.Response, page: int, asked: int | None) -> PageInfo:
    applied = _header_int(response, "X-Pagination-Limit")
    return PageInfo(
        page=page,
        limit=applied if applied else asked,
        page_count=_header_int(response, "X-Pagination-Page-Count"),
        item_count=_header_int(response, "X-Pagination-Item-Count"),
    )


def walk_goes_on(info: PageInfo, rows: int, walked: int) -> bool:
    """Return whether the walk must read the page after this one (the rule, see above)."""
    if info.page_count is not None and info.page < info.page_count:
        return True  # the count proves more pages, even after a short (filtered) one
    if info.limit is None or rows == 0 or rows > info.limit:
        return False  # not paged (every row is here), or an empty page
    counted_more = info.item_count is not None and walked < info.item_count
    if rows == info.limit:  # a full page
        return info.page_count is None or counted_more
    return info.page_count is None and counted_more  # short: the end, unless a count says more


def over_budget(page: int, walked: int, limit: int | None) -> bool:
    """Return whether ``page`` pages are more than ``walked`` rows justify (the read budget)."""
    return limit is not None and page >= SPARE_PAGES + 2 * -(-walked // limit)


def _runaway(path: str, info: PageInfo, walked: int) -> IncompleteRead:
    promised = f"{info.page_count:,} pages" if info.page_count is not None else "more pages"
    if info.item_count is not None:
        promised += f", {info.item_count:,} rows"
    return IncompleteRead(
        f"Trakt's pages of {path} stopped bringing the rows their headers promise "
        f"({promised}; {walked:,} rows in {info.page:,} pages); nothing was returned."
    )


def _divisor(applied: int, most: int) -> int:
    """Return the largest limit up to ``most`` that divides ``applied`` (pages line up)."""
    return next(d for d in range(min(applied, most), 0, -1) if applied % d == 0)


def _changed(first: PageInfo, info: PageInfo) -> bool:
    pairs = (
        (first.page_count, info.page_count),
        (first.item_count, info.item_count),
        (first.limit, info.limit),
    )
    return any(a is not None and b is not None and a != b for a, b in pairs)


def iter_pages(
    reader: PageReader,
    path: str,
    *,
    feature: str,
    params: Mapping[str, Any] | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
    unpaged: bool = False,
) -> Iterator[tuple[list[Any], PageInfo]]:
    """Yield each page's rows with its ``PageInfo``; raise ``IncompleteRead`` on any gap."""
    asked: int | None = None if unpaged else reader.page_size
    first: PageInfo | None = None
    previous: list[Any] | None = None
    page, walked = 1, 0
    while True:
        query = dict(params or {})
        if asked is not None:
            query.update(page=page, limit=asked)
        try:
            response = reader.fetch(path, query)
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
        info = _page_info(response, page, asked)
        # a changed count first: new rows on top can push page 1's rows onto page 2
        if first is None:
            first = info
        elif _changed(first, info):
            raise ListChanged(f"{path} changed while it was being read (page {page}).")
        if rows and rows == previous:
            if info.page_count is not None and page > info.page_count:
                return  # a page past the count, asked because the item count said more
            raise IncompleteRead(
                f"Trakt answered page {page} of {path} with the rows of page {page - 1}; "
                "the list cannot be walked, nothing was returned."
            )
        walked += len(rows)
        if progress is not None:
            total = max(info.page_count or page, page, 1)
            what = path.rstrip("/").rsplit("/", 1)[-1]
            progress(
                ProgressEvent(feature=feature, phase="read", done=page, total=total, what=what)
            )
        yield rows, info
        if not walk_goes_on(info, len(rows), walked):
            return
        if over_budget(page, walked, info.limit):
            raise _runaway(path, info, walked)
        previous, page = rows, page + 1
        if asked is None and info.limit is not None:
            # an unpaged read that came back paged: go on from the rows already read, with
            # a limit Trakt accepts on paged requests that divides the one it applied
            asked = _divisor(info.limit, reader.page_size)
            page, first = info.limit // asked + 1, None


def collect_pages(
    reader: PageReader,
    path: str,
    *,
    feature: str,
    params: Mapping[str, Any] | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
    convert: Callable[[list[Any]], list[Any]] | None = None,
    unpaged: bool = False,
) -> list[Any]:
    """Return every row of the walk (one restart if the list changed during it).

    ``convert`` turns each page's rows into what is kept as the page arrives, so the raw
    JSON of a long walk is not held all at once. A total that differs from the item count
    Trakt reported is logged and noted in ``reader.notes``; the rows walked are returned.
    """
    for attempt in (1, 2):
        rows: list[Any] = []
        count = 0
        info: PageInfo | None = None
        try:
            for page_rows, page_info in iter_pages(
                reader, path, feature=feature, params=params, progress=progress, unpaged=unpaged
            ):
                count += len(page_rows)
                rows.extend(page_rows if convert is None else convert(page_rows))
                info = page_info
        except ListChanged:
            if attempt == 2:
                raise
            reader.log.info("http.paginate.restart", path=path)
            continue
        if info is not None and info.item_count is not None and count != info.item_count:
            reader.notes.note(CountMismatch(path, count, info.item_count))
            reader.log.warning(
                "http.paginate.count_mismatch", path=path, rows=count, item_count=info.item_count
            )
        reader.log.debug("http.paginate.done", path=path, rows=count)
        return rows
    raise AssertionError("unreachable")  # pragma: no cover
