"""The transport: the account's one ``requests.Session`` and the deadline of every send.

It sets Trakt's required headers once, makes the connection pools stoppable by the request
deadline (``deadline.install``) and sends each request exactly once with ``deadline.fetch``:
connect and the whole answer within ``config.request_deadline_seconds``, its body within
``config.max_answer_bytes`` (``trakt.boundary``). Pacing, retries and
tokens are the layers above it (``trakt.pipeline``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import attrs
import requests

from crosswatch_trakt._version import __version__
from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.trakt.deadline import fetch, install

__all__ = ["USER_AGENT", "Transport", "host_of"]

USER_AGENT = f"crosswatch-trakt/{__version__}"


def host_of(url: str) -> str:
    """Return the host of ``url`` (for messages), or ``url`` itself."""
    return urlsplit(url).netloc or url


@attrs.define
class Transport:
    """One keep-alive ``requests.Session`` with Trakt's headers; one send per call."""

    config: TraktConfig
    http: requests.Session = attrs.field(factory=requests.Session, repr=False)

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

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """Send once; the whole answer within ``request_deadline_seconds`` (``deadline.fetch``)."""
        return fetch(
            self.http,
            method,
            url,
            host=host_of(url),
            timeout=self.config.timeout,
            deadline=self.config.request_deadline_seconds,
            max_bytes=self.config.max_answer_bytes,
            **kwargs,
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self.http.close()
