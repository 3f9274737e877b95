"""``TraktSession``: the one HTTP path every feature uses.

The session is thin: it names each request (a read, a write, an OAuth call), opens its
credential on the auth layer (``trakt.bearer``) and hands it to the request pipeline
(``trakt.pipeline``: pacing, the retry policy, the transport with its deadline). What a 429,
a 5xx, a timeout or a refused connection means is decided by the retry policy alone
(``trakt.retry``, see ``docs/rate-limits.md``). Bodies are parsed as JSON only when they say
they are JSON. Every logger it hands out redacts the account's known secret values.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any

import attrs
import requests

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.support.contract import ProgressEvent
from crosswatch_trakt.support.log import get_logger, secrets_scope
from crosswatch_trakt.trakt.answers import json_body
from crosswatch_trakt.trakt.bearer import BearerAuth, TokenProvider
from crosswatch_trakt.trakt.pagination import (
    PageInfo,
    PageReader,
    ReadNotes,
    collect_pages,
    iter_pages,
)
from crosswatch_trakt.trakt.pipeline import Pipeline
from crosswatch_trakt.trakt.retry import Kind, RateAllowance

__all__ = ["TokenProvider", "TraktSession"]


@attrs.define
class TraktSession:
    """The account's HTTP session: named requests over the auth layer and the pipeline."""

    config: TraktConfig
    clock: Clock = attrs.field(repr=False)
    pipeline: Pipeline = attrs.field(repr=False)
    auth: BearerAuth = attrs.field(factory=BearerAuth, repr=False)
    #: what the reads noticed (item counts that disagreed with the rows walked)
    reads: ReadNotes = attrs.field(factory=ReadNotes, repr=False)

    @property
    def http(self) -> requests.Session:
        """Return the one keep-alive ``requests.Session`` (the transport's)."""
        return self.pipeline.transport.http

    @property
    def page_size(self) -> int:
        """Return the ``limit`` paginated reads ask for (``page_size`` in the config)."""
        return self.config.page_size

    def log(self, feature: str) -> Any:
        """Return a logger for ``feature`` that redacts this account's secrets."""
        return get_logger(feature, self.secrets)

    def secrets(self) -> list[str | None]:
        """Return the account's secret values: the client secret and every known token."""
        return [self.config.client_secret, *self.auth.secrets()]

    def rate_state(self) -> dict[str, Any]:
        """Return the current read and write budgets."""
        return self.pipeline.throttle.state()

    def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        feature: str,
        authed: bool = True,
        headers: Mapping[str, str] | None = None,
        retry_seconds: float | None = None,
    ) -> requests.Response:
        """GET ``path`` with retries; return the 2xx or 304 answer, else raise a typed error."""
        with secrets_scope(self.secrets):
            log = self.log(feature)
            return self.pipeline.send(
                Kind.READ,
                "GET",
                self._url(path),
                path=path,
                log=log,
                grant=self.auth.begin(authed, log),
                params=params,
                headers=headers,
                retry_seconds=retry_seconds,
            )

    def get_json(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        feature: str,
        authed: bool = True,
        retry_seconds: float | None = None,
    ) -> Any:
        """GET ``path`` and return its parsed JSON body."""
        response = self.get(
            path, params, feature=feature, authed=authed, retry_seconds=retry_seconds
        )
        return json_body(response, path)

    def paginate_pages(
        self,
        path: str,
        *,
        feature: str,
        params: Mapping[str, Any] | None = None,
        progress: Callable[[ProgressEvent], None] | None = None,
        unpaged: bool = False,
    ) -> Iterator[tuple[list[Any], PageInfo]]:
        """Yield ``(rows, PageInfo)`` page by page; the caller may stop early."""
        return iter_pages(
            self._pages(feature),
            path,
            feature=feature,
            params=params,
            progress=progress,
            unpaged=unpaged,
        )

    def paginate(
        self,
        path: str,
        *,
        feature: str,
        params: Mapping[str, Any] | None = None,
        progress: Callable[[ProgressEvent], None] | None = None,
        convert: Callable[[list[Any]], list[Any]] | None = None,
        unpaged: bool = False,
    ) -> list[Any]:
        """Return every row of a paginated read (each page through ``convert`` if given).

        ``unpaged``: a "pagination optional" endpoint, asked once without ``page`` and
        ``limit`` (pagination headers in the answer are still followed). Raises
        ``IncompleteRead`` rather than ever returning part of the list.
        """
        return collect_pages(
            self._pages(feature),
            path,
            feature=feature,
            params=params,
            progress=progress,
            convert=convert,
            unpaged=unpaged,
        )

    def post_json(
        self, path: str, body: Any, *, feature: str, allowance: RateAllowance | None = None
    ) -> Any:
        """POST ``body``; resend only when Trakt certainly did not apply it, else raise.

        ``allowance``: the 429 allowance of the call (``WriteRun``), shared by its writes.
        """
        data = json.dumps(body, separators=(",", ":"))
        return self._write("POST", path, data, feature, allowance)

    def delete(self, path: str, *, feature: str, allowance: RateAllowance | None = None) -> Any:
        """DELETE ``path`` (a write: paced and retried as one); return the parsed body, if any."""
        return self._write("DELETE", path, None, feature, allowance)

    def _write(
        self,
        method: str,
        path: str,
        data: str | None,
        feature: str,
        allowance: RateAllowance | None,
    ) -> Any:
        with secrets_scope(self.secrets):
            log = self.log(feature)
            response = self.pipeline.send(
                Kind.WRITE,
                method,
                self._url(path),
                path=path,
                log=log,
                grant=self.auth.begin(True, log),
                data=data,
                allowance=allowance,
            )
            return json_body(response, path)

    def oauth_post(self, path: str, body: Mapping[str, Any]) -> requests.Response:
        """POST to the OAuth host once (no bearer, no retry); the caller reads the answer."""
        with secrets_scope(self.secrets):
            return self.pipeline.send(
                Kind.OAUTH,
                "POST",
                self.config.auth_url.rstrip("/") + path,
                path=path,
                log=self.log("auth"),
                data=json.dumps(dict(body)),
            )

    def close(self) -> None:
        """Close the pooled connections."""
        self.pipeline.transport.close()

    def _url(self, path: str) -> str:
        return self.config.base_url.rstrip("/") + path

    def _pages(self, feature: str) -> PageReader:
        """Return what a walk needs: one GET per page, the page size, a logger, the notes."""
        return PageReader(
            fetch=partial(self.get, feature=feature),
            page_size=self.page_size,
            notes=self.reads,
            log=self.log(feature),
        )
