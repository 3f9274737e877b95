"""vcrpy set-up: scrubbing, matching and the cassette path convention.

Cassettes live in ``cassettes/<test module>/<test name>.yaml``. Recording is switched on by
``CROSSWATCH_TRAKT_RECORD=1``; it targets the emulator unless ``TRAKT_CLIENT_ID``,
``TRAKT_CLIENT_SECRET`` and ``TRAKT_ACCESS_TOKEN`` are set (then the real API).

vcrpy (the ``test`` extra) is imported by ``make_vcr`` only, so the scrubbing and path helpers
work without it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import vcr

REDACTED = "REDACTED"
RECORD_ENV = "CROSSWATCH_TRAKT_RECORD"
REAL_ENV = ("TRAKT_CLIENT_ID", "TRAKT_CLIENT_SECRET", "TRAKT_ACCESS_TOKEN")
#: JSON keys whose values are secrets in OAuth request and response bodies.
SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "client_secret",
        "client_id",
        "code",
        "device_code",
        "token",
        "id_token",
    }
)
SECRET_HEADERS = ("authorization", "trakt-api-key", "cookie", "set-cookie")
MATCH_ON = ("method", "path", "query", "body")


def _scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: REDACTED if k in SECRET_KEYS and v is not None else _scrub_json(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub_json(v) for v in value]
    return value


def scrub_body(body: bytes | str | None) -> bytes | str | None:
    """Replace secret values in a JSON (or form-encoded) body with ``REDACTED``."""
    if not body:
        return body
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except ValueError:
        pattern = r"(?i)\b(" + "|".join(sorted(SECRET_KEYS)) + r")=[^&]*"
        scrubbed = re.sub(pattern, lambda m: f"{m.group(1)}={REDACTED}", text)
    else:
        scrubbed = json.dumps(_scrub_json(data), separators=(",", ":"))
    return scrubbed.encode("utf-8") if isinstance(body, bytes) else scrubbed


def scrub_request(request: Any) -> Any:
    """``before_record_request``: redact secret headers and OAuth body values."""
    for name in list(request.headers):
        if name.lower() in SECRET_HEADERS:
            request.headers[name] = REDACTED
    request.body = scrub_body(request.body)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """``before_record_response``: drop cookies and redact tokens in the body."""
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in ("set-cookie", "cookie"):
            del headers[name]
    body = response.get("body", {})
    if isinstance(body, dict) and body.get("string"):
        body["string"] = scrub_body(body["string"])
        size = len(body["string"].encode() if isinstance(body["string"], str) else body["string"])
        for name in list(headers):
            if name.lower() == "content-length":
                headers[name] = [str(size)]
    return response


def make_vcr(cassette_dir: str | Path, record_mode: str = "none") -> vcr.VCR:
    """Return a ``vcr.VCR`` for ``cassette_dir``: scrubbing on, matching method/path/query/body.

    ``record_mode="none"`` replays only: any request not in the cassette raises instead of
    reaching the network. Headers are never matched (they are scrubbed).
    """
    import vcr

    return vcr.VCR(
        cassette_library_dir=str(cassette_dir),
        record_mode=record_mode,
        match_on=list(MATCH_ON),
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
        serializer="yaml",
    )


def cassette_path(root: str | Path, module: str, test: str) -> Path:
    """Return ``<root>/<test module>/<test name>.yaml`` (``[`` and ``]`` made file-safe)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", test).strip("_")
    return Path(root) / module.rsplit(".", 1)[-1] / f"{safe}.yaml"


def recording() -> bool:
    """Return whether ``CROSSWATCH_TRAKT_RECORD`` asks to record cassettes."""
    return os.environ.get(RECORD_ENV, "").strip().lower() in ("1", "true", "yes")


def real_credentials(environ: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """Return the real API credentials from the environment, or ``None`` if incomplete."""
    env = os.environ if environ is None else environ
    values = {name: env.get(name, "") for name in REAL_ENV}
    return values if all(values.values()) else None


_LEAKS = (
    re.compile(r"(?i)bearer\s+(?!REDACTED\b)([A-Za-z0-9._~+/=-]{8,})"),
    re.compile(r"(?im)^\s*-?\s*(?:authorization|trakt-api-key):\s*\n\s*-\s*(?!REDACTED\b)(\S+)"),
    re.compile(
        r"""(?i)["']?(?:access_token|refresh_token|client_secret|device_code)["']?"""
        r"""\s*[:=]\s*\\?["']?(?!REDACTED\b)([A-Za-z0-9._~+/-]{8,})"""
    ),
)


def find_secrets(text: str, known: Iterable[str] = ()) -> list[str]:
    """Return secret-looking values in ``text``: unredacted auth headers, tokens, ``known``."""
    found = [m.group(1) for pattern in _LEAKS for m in pattern.finditer(text)]
    found.extend(value for value in known if value and len(value) >= 8 and value in text)
    return found
