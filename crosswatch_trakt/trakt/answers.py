"""Reading answers (JSON only when labelled JSON; HTML never parsed) and transport failures."""

from __future__ import annotations

from typing import Any

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from crosswatch_trakt.errors import HttpError, TransportError
from crosswatch_trakt.trakt.boundary import Violation, decode
from crosswatch_trakt.trakt.deadline import describe

__all__ = ["is_html", "is_json", "json_body", "never_sent", "parse_once", "transport_error"]

#: where ``parse_once`` keeps a parsed body on its answer until ``json_body`` takes it
_PARSED = "_crosswatch_trakt_json"
#: no parsed body is kept
_NONE = object()


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

    The body is parsed within the boundary's bounds (``trakt.boundary``). The pipeline has
    parsed a taken answer already (``parse_once``), and that value is returned; so
    ``UnsafeAnswer`` here only guards a body that bypassed it.
    """
    parsed = vars(response).pop(_PARSED, _NONE)
    if parsed is not _NONE:
        return parsed
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


def parse_once(response: requests.Response) -> None:
    """Parse a JSON answer's body once, within the boundary, for ``json_body`` to return.

    Raises ``Violation`` for a body outside the bounds. An empty body, or one that is not
    JSON at all, is left for ``json_body`` to answer or to report naming the endpoint.
    """
    if not is_json(response) or not response.content.strip() or is_html(response):
        return
    try:
        parsed = decode(response.content)
    except ValueError:
        return  # json_body reports it (an HttpError naming the endpoint)
    vars(response)[_PARSED] = parsed


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
