"""The retry policy: the one place that decides what a failed or transient answer means.

Every request runs under a ``RetryBudget`` opened for its ``Kind`` (a read, a write, a
one-shot OAuth call, the token refresh). The request loop (``trakt.pipeline``) hands the
budget each answer and each failure and does what it is told: take the answer, resend after
a ``Resend`` (sleeping, or pausing the throttle's bucket or everything), or let the typed
error the budget raises go up. No other module reads ``Retry-After`` or decides what a 429,
a 5xx, a 52x, a timeout or a refused connection means.

- **429**: a read or a write pauses its bucket (an HTML 429 from the edge: both buckets) for
  ``Retry-After`` as Trakt gives it (no backoff on top; at most ``RETRY_AFTER_CAP``), else
  300 s, and is resent (Trakt did not apply it). API 429s draw on a ``RateAllowance``: the
  seconds one call may wait on them in all (``config.rate_limit_wait_seconds``, shared by the
  requests a ``WriteRun`` hands it to); once it is spent ``RateLimited`` is raised. The HTML
  429's cool-down keeps the whole retry budget. The refresh is resent after ``Retry-After``;
  an OAuth call takes the answer (a device poll: ``slow_down``).
- **500-504, 520-522**: a read and the refresh are resent after backoff; a write raises
  ``AmbiguousWrite`` (also on 524), ``may_still_apply`` for the gateway timeouts 504 and 524.
- **no connection made** (refused, connect timeout): resent after backoff (an OAuth call:
  ``TransportError``); a refused connection only within ``config.refused_retry_seconds``
  (15 s: a refused port is a wrong address or a local outage far more often than a blip),
  and its ``Resend`` says ``refused``, never rate limiting.
- **timed out, dropped, stalled**: a read and the refresh are resent after backoff; a write
  raises ``AmbiguousWrite``, ``may_still_apply`` after a client timeout; an OAuth call raises
  ``TransportError``.
- **an answer outside the boundary** (``trakt.boundary``: too large, nested too deeply, a
  number out of range): never resent; a write raises ``AmbiguousWrite`` (Trakt has answered,
  so ``may_still_apply`` is false: it is settled by reading back, never resent blindly), the
  refresh ``AuthError``, any other request ``UnsafeAnswer``.
- **other statuses**: the typed error of ``errors.error_for_status`` (after the auth layer
  had its one refresh on a 401); the refresh and OAuth calls read their refusals themselves.

Backoff is exponential with jitter. A budget says ``None`` (give up: the typed error is
raised) once the total-time cap (``config.retry_total_seconds``, 120 s for the refresh) or the
attempt cap would be passed. Retries after no answer at all have their own, shorter cap
(``config.unreachable_retry_seconds``): a host that is down fails in about a minute, while
429s and 5xx may still be waited out for the whole budget. The random source is injectable so
tests are deterministic.
"""

from __future__ import annotations

import enum
import math
import random
import threading
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import NoReturn

import attrs
import requests
from urllib3.exceptions import MaxRetryError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from crosswatch_trakt.errors import AmbiguousWrite, AuthError, error_for_status
from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.trakt.answers import is_html, is_json, never_sent, transport_error
from crosswatch_trakt.trakt.boundary import Violation
from crosswatch_trakt.trakt.deadline import describe, refused

__all__ = [
    "AMBIGUOUS_STATUSES",
    "HTML_429_PAUSE",
    "REFRESH_TOTAL_SECONDS",
    "RETRY_AFTER_CAP",
    "RETRY_STATUSES",
    "Kind",
    "Pause",
    "RateAllowance",
    "Resend",
    "RetryBudget",
    "RetryPolicy",
    "may_still_apply",
    "retry_after_seconds",
    "slow_down",
]

#: Trakt's rate-limit answer
RATE_LIMITED = 429
#: statuses a GET is resent on after backoff (besides 429)
RETRY_STATUSES = frozenset({500, 501, 502, 503, 504, 520, 521, 522})
#: statuses after which a sent write may or may not have been applied
AMBIGUOUS_STATUSES = frozenset({500, 502, 503, 504, 520, 521, 522, 524})
#: gateway timeouts: the proxy stopped waiting, Trakt's backend may still apply the write
GATEWAY_TIMEOUTS = frozenset({504, 524})
#: the cool-down after a 429 that names no ``Retry-After`` (Cloudflare's HTML 429)
HTML_429_PAUSE = 300.0
#: the longest ``Retry-After`` waited as given (a longer one is waited this long)
RETRY_AFTER_CAP = 300.0
#: the total-time cap of the token refresh's retries
REFRESH_TOTAL_SECONDS = 120.0
#: failures after sending where Trakt has finished with the request (unless a timeout is inside)
FINISHED_FAILURES = (
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


class Kind(enum.Enum):
    """What a request is, which decides what its failures mean."""

    #: a GET of the API: resent on every transient answer
    READ = "read"
    #: a POST of the API: resent only when Trakt certainly did not apply it
    WRITE = "write"
    #: a device-login call or revoke: sent once, the caller reads every answer
    OAUTH = "oauth"
    #: the token refresh: resent on transient answers within ``REFRESH_TOTAL_SECONDS``
    REFRESH = "refresh"

    @property
    def api(self) -> bool:
        """Return whether the request goes to the API host (``X-Ratelimit`` is read)."""
        return self in (Kind.READ, Kind.WRITE)


class Pause(enum.Enum):
    """How a resend waits: sleep, or hold the throttle's bucket (or both buckets)."""

    SLEEP = "sleep"
    BUCKET = "bucket"
    EVERYTHING = "everything"


@attrs.frozen
class Resend:
    """The policy's answer "send it again": after ``delay`` seconds, waited as ``pause`` says."""

    delay: float
    cause: int | str
    pause: Pause = Pause.SLEEP
    html: bool = False


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """Return ``Retry-After`` in seconds (delta-seconds or an HTTP date), or ``None``."""
    raw = headers.get("Retry-After")
    if raw is None or not raw.strip():
        return None
    try:
        seconds = float(raw)
    except ValueError:
        return _date_delta(raw, now)
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _date_delta(raw: str, now: float) -> float | None:
    try:
        return max(0.0, parsedate_to_datetime(raw).timestamp() - now)
    except (TypeError, ValueError):
        return None


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


def slow_down(response: requests.Response) -> bool:
    """Return whether an OAuth answer asks the client to call less often (429).

    A device poll is never resent on it: the login answers ``slow_down`` and the host polls
    again later, with a longer interval.
    """
    return response.status_code == RATE_LIMITED


@attrs.define
class RateAllowance:
    """The seconds one call may still wait on API 429s, shared by all of its requests."""

    seconds: float
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False)

    def take(self, delay: float) -> bool:
        """Spend ``delay`` seconds if that many are left; return whether they were."""
        with self._lock:
            if delay > self.seconds:
                self.seconds = 0.0  # spent: the call's next 429 gives up at once
                return False
            self.seconds -= delay
            return True


@attrs.define
class RetryPolicy:
    """Backoff parameters: ``base * 2**n`` capped at ``max_delay``, half of it jittered."""

    clock: Clock = attrs.field(repr=False)
    total_seconds: float = 600.0
    transport_seconds: float = 60.0
    refused_seconds: float = 15.0
    rate_limit_seconds: float = 120.0
    base_delay: float = 1.0
    max_delay: float = 60.0
    max_attempts: int = 30
    random: Callable[[], float] = attrs.field(default=random.random, repr=False)

    def allowance(self) -> RateAllowance:
        """Return a fresh 429 allowance for one call (``rate_limit_seconds``)."""
        return RateAllowance(self.rate_limit_seconds)

    def begin(
        self,
        total_seconds: float | None = None,
        *,
        kind: Kind = Kind.READ,
        allowance: RateAllowance | None = None,
    ) -> RetryBudget:
        """Open a budget for one logical request (optionally with a shorter cap).

        ``allowance``: the call's 429 allowance, when the request is part of a larger call;
        otherwise the request gets one of its own.
        """
        cap = self.total_seconds if total_seconds is None else total_seconds
        if kind is Kind.REFRESH:
            cap = min(cap, REFRESH_TOTAL_SECONDS)
        now = self.clock.monotonic()
        return RetryBudget(
            self,
            deadline=now + min(cap, self.total_seconds),
            started=now,
            kind=kind,
            allowance=allowance if allowance is not None else self.allowance(),
        )


@attrs.define
class RetryBudget:
    """The retries left for one logical request, and what its answers mean."""

    policy: RetryPolicy
    deadline: float
    started: float = 0.0
    attempts: int = 0
    waited: float = 0.0
    kind: Kind = Kind.READ
    allowance: RateAllowance = attrs.field(kw_only=True, repr=False)

    def backoff(self) -> float:
        """Return the next exponential delay with "equal jitter" (between d/2 and d)."""
        policy = self.policy
        delay = min(policy.max_delay, policy.base_delay * 2.0 ** min(self.attempts, 30))
        jitter: float = policy.random()
        return delay / 2 + jitter * delay / 2

    def elapsed(self) -> float:
        """Return the clock seconds since the budget was opened."""
        return self.policy.clock.monotonic() - self.started

    def next_delay(
        self,
        at_least: float = 0.0,
        *,
        transport: bool = False,
        refused: bool = False,
        backoff: bool = True,
    ) -> float | None:
        """Count a retry; return how long to wait first, or ``None`` when the budget is spent.

        ``transport``: the request got no answer at all, so the shorter unreachable cap counts;
        ``refused``: the connection was refused, so the shorter refused cap counts too.
        ``backoff=False``: wait exactly ``at_least`` (a ``Retry-After``), no backoff on top.
        """
        delay = max(self.backoff(), at_least) if backoff else at_least
        self.attempts += 1
        if self.attempts > self.policy.max_attempts:
            return None
        if self.policy.clock.monotonic() + delay > self.deadline:
            return None
        if transport and self.elapsed() + delay > self.policy.transport_seconds:
            return None
        if refused and self.elapsed() + delay > self.policy.refused_seconds:
            return None
        self.waited += delay
        return delay

    def after_failure(
        self, exc: requests.RequestException, method: str, path: str, host: str
    ) -> Resend:
        """Decide about a request that got no answer: resend after a delay, or raise.

        Raises ``TransportError`` (gave up, or not worth resending) or, for a write that may
        have reached Trakt, ``AmbiguousWrite`` with ``may_still_apply``.
        """
        kind = self.kind
        if kind is Kind.OAUTH:
            raise transport_error(method, path, exc, host=host) from None
        if kind is Kind.WRITE and not never_sent(exc):
            raise AmbiguousWrite(
                f"The write to {path} was sent but no answer arrived "
                f"({describe(exc, host)}); it may or may not have been applied.",
                url=path,
                may_still_apply=may_still_apply(exc),
            ) from None
        if kind is Kind.READ and not isinstance(exc, requests.ConnectionError | requests.Timeout):
            raise transport_error(method, path, exc, host=host) from None
        was_refused = refused(exc)
        delay = self.next_delay(transport=True, refused=was_refused)
        if delay is None:
            waited = None if kind is Kind.REFRESH else self.elapsed()
            raise transport_error(method, path, exc, host=host, waited=waited) from None
        if was_refused:
            return Resend(delay, "refused")
        return Resend(delay, "transport" if kind is Kind.REFRESH else type(exc).__name__)

    def after_violation(self, exc: Violation, path: str, status: int | None) -> NoReturn:
        """Raise the typed error of an answer outside the boundary (never resent)."""
        if self.kind is Kind.WRITE:
            raise AmbiguousWrite(
                f"Trakt's answer to the write to {path} was not read ({exc.what}); "
                "the write may or may not have been applied.",
                status=status,
                url=path,
                may_still_apply=False,
            ) from None
        if self.kind is Kind.REFRESH:
            raise AuthError(
                f"Trakt's answer to the login renewal was not read ({exc.what}); "
                "try again later, and log in again if it persists."
            ) from None
        raise exc.error(path, status) from None

    def after_answer(self, response: requests.Response, path: str) -> Resend | None:
        """Decide about an answer: ``None`` (the caller takes it), a ``Resend``, or raise.

        Raises the typed error of a final status (``error_for_status``), of a retry budget
        spent (``RateLimited``, ``ServerError``; ``AuthError`` for the refresh) or
        ``AmbiguousWrite`` for a write Trakt may or may not have applied.
        """
        status = response.status_code
        if self.kind is Kind.OAUTH:
            return None
        if self.kind is Kind.REFRESH:
            return self._refresh_answer(response)
        if status == RATE_LIMITED:
            return self._rate_limited(response, path)
        if self.kind is Kind.WRITE and status in AMBIGUOUS_STATUSES:
            raise AmbiguousWrite(
                f"Trakt answered {status} to the write to {path}; "
                "it may or may not have been applied.",
                status=status,
                url=path,
                may_still_apply=status in GATEWAY_TIMEOUTS,
            )
        if self.kind is Kind.READ and status in RETRY_STATUSES:
            delay = self.next_delay()
            if delay is None:
                raise error_for_status(status, response.headers, path)
            return Resend(delay, status)
        if 200 <= status < 300 or (self.kind is Kind.READ and status == 304):
            return None
        raise error_for_status(status, response.headers, path)

    def _rate_limited(self, response: requests.Response, path: str) -> Resend:
        """Hold the whole bucket after a 429 (an HTML 429 from the edge: every request).

        The wait is ``Retry-After`` as given (at most ``RETRY_AFTER_CAP``), else 300 s. An API
        429 spends the call's ``RateAllowance``; the HTML cool-down only the retry budget.
        """
        html = is_html(response)
        asked = retry_after_seconds(response.headers, self.policy.clock.time())
        wait = HTML_429_PAUSE if asked is None else min(asked, RETRY_AFTER_CAP)
        delay = self.next_delay(at_least=wait, backoff=False)
        if delay is None or not (html or self.allowance.take(delay)):
            raise error_for_status(RATE_LIMITED, response.headers, path)
        pause = Pause.EVERYTHING if html else Pause.BUCKET
        return Resend(delay, RATE_LIMITED, pause, html=html)

    def _refresh_answer(self, response: requests.Response) -> Resend | None:
        """Take a JSON 2xx or a refusal (400, 401) of the refresh; resend anything else."""
        status = response.status_code
        if (200 <= status < 300 and is_json(response)) or status in (400, 401):
            return None
        wait = retry_after_seconds(response.headers, self.policy.clock.time()) or 0.0
        delay = self.next_delay(at_least=wait)
        if delay is None:
            raise AuthError(f"Trakt could not renew the login (HTTP {status}); try again later.")
        return Resend(delay, status)
