"""Reading answers (JSON only when labelled JSON; HTML never parsed) and transport failures."""

from __future__ import annotations

from typing import Any

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from crosswatch_trakt.errors import HttpError, TransportError
from crosswatch_trakt.trakt.boundary import Violation, decode
from crosswatch_trakt.trakt.deadline import describe

__all__ = ["is_html", "is_json", "json_body", "never_sent", "transport_error"]


def is_json(response: requests.Response) -> bool:
    """Return whether the answer says its body is JSON."""
    return "json" in response.headers.get("Content-Type", "").lower()


def is_html(response: requests.Response) -> bool:
    """Return whether the answer is an HTML page (Cloudflare) rather than an API answer."""
    if "html" in response.headers.get("Content-Type", "").lower():
        return True
    return response.content[:200].lstrip().lower().startswith((b"<!doctype", b"<html"))


def json_body(response: requests.Response, path: str) -> Any:
    """Return the parsed JSON body (``None`` when empty); never parse HTML or other text.

    The body is parsed within the boundary's bounds (``trakt.boundary``); the pipeline has
    checked them already, so ``UnsafeAnswer`` here only guards a body that bypassed it.
    """
    if response.status_code == 204 or not response.content.strip():
        return None
    if not is_json(response) or is_html(response):
        kind = response.headers.get("Content-Type") or "no content type"
        raise HttpError(
            f"Trakt answered {path} with a non-JSON body ({kind}); it was not parsed.",
            status=response.status_code,
            url=path,
        )
    try:
        return decode(response.content)
    except Violation as exc:
        raise exc.error(path, response.status_code) from None
    except ValueError:
        raise HttpError(
            f"Trakt answered {path} with a body that is not valid JSON.",
            status=response.status_code,
            url=path,
        ) from None


def never_sent(exc: requests.RequestException) -> bool:
    """Return whether the request certainly did not reach Trakt (no connection was made)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    return isinstance(reason, MaxRetryError) and isinstance(reason.reason, NewConnectionError)


def transport_error(
    method: str,
    path: str,
    exc: requests.RequestException,
    *,
    host: str = "Trakt",
    waited: float | None = None,
) -> TransportError:
    """Return the ``TransportError`` for a request that got no answer (no secret in it).

    It names the host and says whether it refused, timed out or stalled.
    """
    tried = f" (gave up after {waited:.0f} s of retries)" if waited else ""
    return TransportError(
        f"{method} {path} failed: {describe(exc, host)}{tried}; check the network and try again.",
        url=path,
    )
