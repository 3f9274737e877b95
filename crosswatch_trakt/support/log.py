"""structlog loggers with the ``[TRAKT:<feature>]`` prefix and secret redaction.

Library etiquette: this module never configures logging. Each logger runs our two
processors (redaction, then the prefix and the ``provider``/``feature`` fields) and then
whatever processor chain the application configured, looked up at call time.

``get_logger`` is the one logger factory. Redaction blanks secret-named fields, Bearer tokens
and known secret values: those of the logger's own ``secrets`` source (an account binds its
own, ``TraktSession.log``) and those of the account whose request is running in this thread
or task (``secrets_scope``), so a line logged on an account's behalf by code that does not
know the account (the state store reading the token file, say) is redacted too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import attrs
import structlog

REDACTED = "***"
SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "client_secret",
        "authorization",
        "token",
        "password",
        "device_code",
        "code",
    }
)
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")

EventDict = MutableMapping[str, Any]
SecretSource = Callable[[], Iterable[str | None]]

#: the secret source of the account whose request runs in this context (``secrets_scope``)
_SCOPE: ContextVar[SecretSource | None] = ContextVar("crosswatch_trakt_secrets", default=None)


@contextmanager
def secrets_scope(secrets: SecretSource) -> Iterator[None]:
    """Make every logger redact the values of ``secrets`` while the block runs (this context)."""
    token = _SCOPE.set(secrets)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def known_secrets(own: SecretSource | None = None) -> list[str | None]:
    """Return the values of ``own`` and of the running account's scope, if any."""
    known = list(own()) if own is not None else []
    scoped = _SCOPE.get()
    if scoped is not None:
        known.extend(scoped())
    return known


def redact_text(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Return ``text`` with Bearer tokens and every given secret replaced by ``***``."""
    text = _BEARER.sub(f"Bearer {REDACTED}", text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def _redact_value(value: Any, secrets: list[str | None]) -> Any:
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, dict):
        return {
            k: REDACTED if str(k).lower() in SECRET_KEYS else _redact_value(v, secrets)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return type(value)(_redact_value(v, secrets) for v in value)
    if isinstance(value, BaseException):
        return redact_text(repr(value), secrets)
    return value


@attrs.frozen
class Redactor:
    """A processor that blanks secret keys, Bearer tokens and known secret values.

    Known values: those of ``secrets`` and of the running account's ``secrets_scope``.
    """

    secrets: SecretSource | None = None

    def __call__(self, logger: Any, method: str, event_dict: EventDict) -> EventDict:
        """Redact every field of ``event_dict``."""
        known = known_secrets(self.secrets)
        for key in list(event_dict):
            if key.lower() in SECRET_KEYS:
                event_dict[key] = REDACTED
            else:
                event_dict[key] = _redact_value(event_dict[key], known)
        return event_dict


@attrs.frozen
class Prefixer:
    """A processor that adds ``provider``/``feature`` and the ``[TRAKT:<feature>]`` prefix."""

    feature: str

    def __call__(self, logger: Any, method: str, event_dict: EventDict) -> EventDict:
        """Prefix the event and add the provider and feature fields."""
        event_dict["event"] = f"[TRAKT:{self.feature}] {event_dict.get('event', '')}"
        event_dict.setdefault("provider", "TRAKT")
        event_dict.setdefault("feature", self.feature)
        return event_dict


def _application_chain(logger: Any, method: str, event_dict: EventDict) -> Any:
    """Run the processors the application configured, as they are at call time."""
    result: Any = event_dict
    for processor in structlog.get_config()["processors"]:
        result = processor(logger, method, result)
    return result


def get_logger(feature: str, secrets: SecretSource | None = None) -> Any:
    """Return a structlog logger for ``feature`` whose output never carries a secret."""
    return structlog.wrap_logger(
        None,
        processors=[Redactor(secrets), Prefixer(feature), _application_chain],
    )
