"""``TraktSession``: the one HTTP path every feature uses (pacing, retries, typed errors).

One ``requests.Session`` per account (keep-alive) with Trakt's required headers. GETs are
retried on transient answers within the retry budget; writes are resent only when Trakt
certainly did not apply them (429, 401, a connection that was never made). A 401 gets one
token refresh and one retry. Bodies are parsed as JSON only when they say they are JSON.

Any other failure after a write was sent raises ``AmbiguousWrite``, whose ``may_still_apply``
says whether Trakt may still be working on it: true when the client timed out waiting for the
answer, false when Trakt has finished with the request (it answered a 5xx, or the connection
was closed, reset or broken off after sending).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

import attrs
import requests
from urllib3.exceptions import MaxRetryError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from crosswatch_trakt._version import __version__
from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.errors import (
    AmbiguousWrite,
    AuthorizationRequired,
    TraktError,
    error_for_status,
)
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.support.contract import ProgressEvent
from crosswatch_trakt.support.log import get_logger
from crosswatch_trakt.trakt.answers import is_html, json_body, never_sent, transport_error
from crosswatch_trakt.trakt.deadline import describe, fetch, install
from crosswatch_trakt.trakt.pagination import PageInfo, ReadNotes, collect_pages, iter_pages
from crosswatch_trakt.trakt.retry import (
    HTML_429_PAUSE,
    RETRY_STATUSES,
    RetryBudget,
    RetryPolicy,
    retry_after_seconds,
)
from crosswatch_trakt.trakt.throttle import Throttle

__all__ = ["TokenProvider", "TraktSession", "may_still_apply"]

USER_AGENT = f"crosswatch-trakt/{__version__}"
AMBIGUOUS_STATUSES = frozenset({500, 502, 503, 504, 520, 521, 522, 524})
#: gateway timeouts: the proxy stopped waiting, Trakt's backend may still apply the write
GATEWAY_TIMEOUTS = frozenset({504, 524})
#: failures after sending where Trakt has finished with the request (unless a timeout is inside)
FINISHED_FAILURES = (
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


def may_still_apply(exc: requests.RequestException) -> bool:
    """Return whether Trakt may still apply a sent write that got no answer.

    A timeout means the client stopped waiting while the server may still be working;
    a connection closed, reset or broken off means the server is done with the request.
    Any other (unknown) failure counts as "may still apply".
    """
    if isinstance(exc, requests.Timeout):
        return True
    reason = exc.args[0] if exc.args else None
    if isinstance(reason, MaxRetryError):
        reason = reason.reason
    if isinstance(reason, Urllib3Timeout | TimeoutError):
        return True
    return not isinstance(exc, FINISHED_FAILURES)


class TokenProvider(Protocol):
    """What the session needs of the token manager."""

    def access_token(self) -> str:
        """Return a usable access token, refreshing ahead of expiry."""

    def after_unauthorized(self, rejected: str) -> str:
        """Return a new access token after Trakt refused ``rejected`` (refresh at most once)."""

    def secrets(self) -> list[str | None]:
        """Return the secret values that must never be logged."""


@attrs.define
class TraktSession:
    """The account's HTTP session: headers, throttle, retries, refresh on 401."""

    config: TraktConfig
    clock: Clock = attrs.field(repr=False)
    throttle: Throttle = attrs.field(repr=False)
    retry: RetryPolicy = attrs.field(repr=False)
    tokens: TokenProvider | None = attrs.field(default=None, repr=False)
    http: requests.Session = attrs.field(factory=requests.Session, repr=False)
    #: what the reads noticed (item counts that disagreed with the rows walked)
    reads: ReadNotes = attrs.field(factory=ReadNotes, repr=False)

    @classmethod
    def create(
        cls, config: TraktConfig, clock: Clock, *, random: Callable[[], float] | None = None
    ) -> TraktSession:
        """Build a session with throttle and retry policy from ``config``."""
        retry = RetryPolicy(
            clock,
            total_seconds=config.retry_total_seconds,
            transport_seconds=config.unreachable_retry_seconds,
            max_attempts=config.max_retries,
        )
        if random is not None:
            retry.random = random
        return cls(config, clock, Throttle.from_config(config.rate_limit, clock), retry)

    def __attrs_post_init__(self) -> None:
        install(self.http)
        self.http.headers.update(
            {
                "Content-Type": "application/json",
                "trakt-api-key": self.config.client_id,
                "trakt-api-version": "2",
                "User-Agent": USER_AGENT,
            }
        )

    @property
    def page_size(self) -> int:
        """Return the ``limit`` paginated reads ask for (``page_size`` in the config)."""
        return self.config.page_size

    def log(self, feature: str) -> Any:
        """Return a logger for ``feature`` that redacts this account's secrets."""
        return get_logger(feature, self._secrets)

    def _secrets(self) -> list[str | None]:
        known: list[str | None] = [self.config.client_secret]
        return known + (self.tokens.secrets() if self.tokens is not None else [])

    def rate_state(self) -> dict[str, Any]:
        """Return the current read and write budgets."""
        return self.throttle.state()

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
        budget = self.retry.begin(retry_seconds)
        token = self._token(authed)
        refreshed = False
        while True:
            self.throttle.read.acquire()
            try:
                response = self._send("GET", path, params=params, headers=headers, token=token)
            except (requests.ConnectionError, requests.Timeout) as exc:
                self._backoff(budget, "GET", path, feature, type(exc).__name__, exc)
                continue
            except requests.RequestException as exc:
                raise transport_error("GET", path, exc, host=_host(self.config.base_url)) from None
            status = response.status_code
            if status == 401 and token is not None and not refreshed:
                refreshed, token = True, self._refresh(token, feature)
                continue
            if status == 429:
                self._wait_429(budget, "GET", path, feature, response)
                continue
            if status in RETRY_STATUSES:
                self._backoff(budget, "GET", path, feature, status, None, response)
                continue
            if 200 <= status < 300 or status == 304:
                return response
            raise self._final_error(response, path, refreshed)

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
            self, path, feature=feature, params=params, progress=progress, unpaged=unpaged
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
            self,
            path,
            feature=feature,
            params=params,
            progress=progress,
            convert=convert,
            unpaged=unpaged,
        )

    def post_json(self, path: str, body: Any, *, feature: str) -> Any:
        """POST ``body``; resend only when Trakt certainly did not apply it, else raise."""
        budget = self.retry.begin()
        token = self._token(True)
        refreshed = False
        data = json.dumps(body, separators=(",", ":"))
        while True:
            self.throttle.write.acquire()
            try:
                response = self._send("POST", path, data=data, token=token)
            except requests.RequestException as exc:
                if never_sent(exc):
                    self._backoff(budget, "POST", path, feature, type(exc).__name__, exc)
                    continue
                raise AmbiguousWrite(
                    f"The write to {path} was sent but no answer arrived "
                    f"({describe(exc, _host(self.config.base_url))}); "
                    "it may or may not have been applied.",
                    url=path,
                    may_still_apply=may_still_apply(exc),
                ) from None
            status = response.status_code
            if status == 401 and not refreshed:
                refreshed, token = True, self._refresh(token, feature)
                continue
            if status == 429:
                self._wait_429(budget, "POST", path, feature, response)
                continue
            if status in AMBIGUOUS_STATUSES:
                raise AmbiguousWrite(
                    f"Trakt answered {status} to the write to {path}; "
                    "it may or may not have been applied.",
                    status=status,
                    url=path,
                    may_still_apply=status in GATEWAY_TIMEOUTS,
                )
            if 200 <= status < 300:
                return json_body(response, path)
            raise self._final_error(response, path, refreshed)

    def oauth_post(self, path: str, body: Mapping[str, Any]) -> requests.Response:
        """POST to the OAuth host once (no bearer, no retry); the caller reads the answer."""
        self.throttle.write.acquire()
        url = self.config.auth_url.rstrip("/") + path
        try:
            return self._fetch("POST", url, data=json.dumps(dict(body)))
        except requests.RequestException as exc:
            raise transport_error("POST", path, exc, host=_host(url)) from None

    def close(self) -> None:
        """Close the pooled connections."""
        self.http.close()

    def _token(self, authed: bool) -> str | None:
        if not authed:
            return None
        if self.tokens is None:
            raise AuthorizationRequired("Not logged in to Trakt: run the device login first.")
        return self.tokens.access_token()

    def _refresh(self, rejected: str | None, feature: str) -> str:
        if self.tokens is None or rejected is None:
            raise AuthorizationRequired("Trakt refused the request (401): log in again.")
        self.log(feature).info("http.unauthorized_refresh")
        return self.tokens.after_unauthorized(rejected)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: str | None = None,
        headers: Mapping[str, str] | None = None,
        token: str | None,
    ) -> requests.Response:
        extra = dict(headers or {})
        if token is not None:
            extra["Authorization"] = f"Bearer {token}"
        response = self._fetch(
            method,
            self.config.base_url.rstrip("/") + path,
            params=dict(params) if params else None,
            data=data,
            headers=extra,
        )
        self.throttle.observe(method, response.headers.get("X-Ratelimit"))
        return response

    def _fetch(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send once; the whole answer within ``request_deadline_seconds`` (``deadline.fetch``)."""
        return fetch(
            self.http,
            method,
            url,
            host=_host(url),
            timeout=self.config.timeout,
            deadline=self.config.request_deadline_seconds,
            **kwargs,
        )

    def _backoff(
        self,
        budget: RetryBudget,
        method: str,
        path: str,
        feature: str,
        cause: int | str,
        exc: requests.RequestException | None,
        response: requests.Response | None = None,
    ) -> None:
        delay = budget.next_delay(transport=exc is not None)
        if delay is None:
            if exc is not None:
                host, waited = _host(self.config.base_url), budget.elapsed()
                raise transport_error(method, path, exc, host=host, waited=waited) from None
            assert response is not None
            raise error_for_status(response.status_code, response.headers, path)
        self.log(feature).info(
            "http.retry",
            method=method,
            path=path,
            cause=cause,
            attempt=budget.attempts,
            delay=round(delay, 3),
        )
        self.clock.sleep(delay)

    def _wait_429(
        self, budget: RetryBudget, method: str, path: str, feature: str, response: requests.Response
    ) -> None:
        html = is_html(response)
        wait = retry_after_seconds(response.headers, self.clock.time())
        if wait is None:
            wait = HTML_429_PAUSE
        delay = budget.next_delay(at_least=wait)
        if delay is None:
            raise error_for_status(429, response.headers, path)
        self.throttle.pause(method, delay, everything=html)
        self.log(feature).warning(
            "http.retry",
            method=method,
            path=path,
            cause=429,
            html=html,
            attempt=budget.attempts,
            delay=round(delay, 3),
        )

    def _final_error(self, response: requests.Response, path: str, refreshed: bool) -> TraktError:
        if response.status_code == 401 and refreshed:
            return AuthorizationRequired(
                "Trakt refused the access token even after a refresh: log in again."
            )
        return error_for_status(response.status_code, response.headers, path)


def _host(url: str) -> str:
    return urlsplit(url).netloc or url
