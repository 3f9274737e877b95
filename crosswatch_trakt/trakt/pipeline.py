"""The request pipeline: auth, pacing, the retry policy and the transport, in one loop.

Layered the way httpx layers its client, outermost first:

1. **auth** (``trakt.bearer``): the request's ``Grant`` puts the bearer token on and answers
   a 401 with one refresh and one resend;
2. **pacing** (``trakt.throttle``): every send waits for its bucket (reads, writes) and
   tells it when the answer (or the failure) came, which spaces the next write;
   ``X-Ratelimit`` is fed back;
3. **retry policy** (``trakt.retry``): the request's ``RetryBudget`` decides what every answer
   and every failure means; this loop only does what it says (take the answer, resend after
   a sleep or a bucket pause, or let the typed error go up);
4. **transport** (``trakt.transport``, ``trakt.deadline``): one send within the deadline, its
   body within ``max_answer_bytes``.

An answer the loop takes has its JSON body parsed, once, within the boundary
(``trakt.boundary``: nesting, numbers) before anyone reads it, so even a caller that parses
the body itself (the token refresh) never meets a hostile one; what a violation means is
the retry policy's to say.

The pipeline is built before the session and the token manager, and both are given it:
the session sends API requests through it, the token manager its refresh (no cycle).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import requests

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.trakt.answers import parse_once
from crosswatch_trakt.trakt.bearer import Grant
from crosswatch_trakt.trakt.boundary import Violation
from crosswatch_trakt.trakt.retry import (
    Kind,
    Pause,
    RateAllowance,
    Resend,
    RetryBudget,
    RetryPolicy,
)
from crosswatch_trakt.trakt.shared_budget import SharedWindow
from crosswatch_trakt.trakt.throttle import Throttle
from crosswatch_trakt.trakt.transport import Transport, host_of

__all__ = ["Pipeline"]


@attrs.define
class Pipeline:
    """The account's request loop over its throttle, retry policy and transport."""

    clock: Clock = attrs.field(repr=False)
    throttle: Throttle = attrs.field(repr=False)
    retry: RetryPolicy = attrs.field(repr=False)
    transport: Transport = attrs.field(repr=False)

    @classmethod
    def create(
        cls, config: TraktConfig, clock: Clock, *, random: Callable[[], float] | None = None
    ) -> Pipeline:
        """Build the throttle, retry policy and transport from ``config``."""
        retry = RetryPolicy(
            clock,
            total_seconds=config.retry_total_seconds,
            transport_seconds=config.unreachable_retry_seconds,
            refused_seconds=config.refused_retry_seconds,
            rate_limit_seconds=config.rate_limit_wait_seconds,
            max_attempts=config.max_retries,
        )
        if random is not None:
            retry.random = random
        shared = SharedWindow.for_config(config, clock)
        throttle = Throttle.from_config(config.rate_limit, clock, shared)
        return cls(clock, throttle, retry, Transport(config))

    def send(
        self,
        kind: Kind,
        method: str,
        url: str,
        *,
        path: str,
        log: Any,
        grant: Grant | None = None,
        params: Mapping[str, Any] | None = None,
        data: str | None = None,
        headers: Mapping[str, str] | None = None,
        retry_seconds: float | None = None,
        allowance: RateAllowance | None = None,
    ) -> requests.Response:
        """Send until the retry policy takes an answer; return it, or raise its typed error.

        ``path`` names the request in messages and log lines (never the query or a body);
        ``allowance`` is the 429 allowance of the call the request belongs to, if any.
        """
        budget = self.retry.begin(retry_seconds, kind=kind, allowance=allowance)
        host = host_of(url)
        kwargs: dict[str, Any] = {"data": data}
        if kind.api:
            kwargs["params"] = dict(params) if params else None
        while True:
            bucket = self.throttle.bucket(method)
            bucket.acquire()
            if grant is not None:
                kwargs["headers"] = grant.headers(headers)
            try:
                response = self.transport.send(method, url, **kwargs)
            except requests.RequestException as exc:
                bucket.answered()
                self._wait(budget.after_failure(exc, method, path, host), budget, method, path, log)
                continue
            except Violation as exc:
                bucket.answered()
                budget.after_violation(exc, path, None)
            bucket.answered()
            if kind.api:
                self.throttle.observe(method, response.headers.get("X-Ratelimit"))
            if grant is not None and grant.unauthorized(response):
                continue
            resend = budget.after_answer(response, path)
            if resend is None:
                return self._checked(response, budget, path)
            self._wait(resend, budget, method, path, log)

    def _checked(
        self, response: requests.Response, budget: RetryBudget, path: str
    ) -> requests.Response:
        """Return a taken answer whose JSON body is within the boundary (or raise its error).

        The body is parsed here, once (``answers.parse_once``); ``answers.json_body`` returns
        that value.
        """
        try:
            parse_once(response)
        except Violation as exc:
            budget.after_violation(exc, path, response.status_code)
        return response

    def _wait(self, resend: Resend, budget: RetryBudget, method: str, path: str, log: Any) -> None:
        """Wait as the policy said: pause the bucket (or everything), or log and sleep."""
        delay = round(resend.delay, 3)
        if budget.kind is Kind.REFRESH:
            log.warning("auth.refresh_retry", cause=resend.cause, delay=delay)
            self.clock.sleep(resend.delay)
            return
        if resend.pause is not Pause.SLEEP:
            everything = resend.pause is Pause.EVERYTHING
            self.throttle.pause(method, resend.delay, everything=everything)
            log.warning(
                "http.retry",
                method=method,
                path=path,
                cause=resend.cause,
                html=resend.html,
                attempt=budget.attempts,
                delay=delay,
            )
            return
        # a refused connection is named at once (a warning), never left to look like a pause
        emit = log.warning if resend.cause == "refused" and budget.attempts == 1 else log.info
        emit(
            "http.retry",
            method=method,
            path=path,
            cause=resend.cause,
            attempt=budget.attempts,
            delay=delay,
        )
        self.clock.sleep(resend.delay)
