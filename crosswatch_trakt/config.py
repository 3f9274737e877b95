"""``TraktConfig`` and the per-pair options, built from the host's mappings.

The host passes CrossWatch's ``trakt`` config section; unknown keys are ignored with one
warning, a bad value is a ``ConfigError`` that names the key and the value. Pair options
live in ``pair["features"][feature]``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

import attrs
import cattrs

from crosswatch_trakt.errors import ConfigError
from crosswatch_trakt.support import converter
from crosswatch_trakt.support.log import get_logger

__all__ = [
    "CollectionToggles",
    "HistoryOptions",
    "PairOptions",
    "RateLimitConfig",
    "SharedBudgetConfig",
    "TraktConfig",
    "WriteChunks",
    "WriteOptions",
]

MAX_PAGE_SIZE = 250
#: entries per write by default (issue 27): a history restore of 20,000 plays in 10 writes;
#: pakt nests up to 4,800 in one (see docs/decisions.md for the sources and the margin)
DENSE_ENTRIES = 2000
#: keys whose values a config error never repeats
SECRET_KEYS = frozenset({"client_secret", "access_token", "refresh_token"})
T = TypeVar("T")


def _positive(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if isinstance(value, bool) or value <= 0:
        raise ConfigError(attribute.name, f"must be a positive number, got {value!r}")


def _not_negative(instance: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if isinstance(value, bool) or value < 0:
        raise ConfigError(attribute.name, f"must be zero or a positive number, got {value!r}")


def _positive_or_none(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None:
        _positive(instance, attribute, value)


def _page_size(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    if isinstance(value, bool) or not 1 <= value <= MAX_PAGE_SIZE:
        raise ConfigError(attribute.name, f"must be an integer from 1 to 250, got {value!r}")


def _unknown_when_zero(value: Any) -> Any:
    """CrossWatch writes ``expires_at: 0`` (and empty strings) for "unknown": not expired."""
    if value == 0 and not isinstance(value, bool):
        return None
    if value == "":
        return None
    return value


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(instance: object, attribute: attrs.Attribute[Any], value: str) -> None:
    parts = urlsplit(value)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and _is_loopback(host):
        return
    raise ConfigError(
        attribute.name, f"must be an https URL (http only on loopback), got {value!r}"
    )


@attrs.frozen
class RateLimitConfig:
    """Request pacing: reads and writes per second, and the GET budget per window.

    ``write_margin_seconds``: a write starts no sooner than ``1 / post_per_sec`` plus this
    margin after the previous write was answered.
    """

    get_per_sec: float = attrs.field(default=3.33, validator=_positive)
    post_per_sec: float = attrs.field(default=1.0, validator=_positive)
    write_margin_seconds: float = attrs.field(default=0.1, validator=_not_negative)
    get_window_limit: int = attrs.field(default=500, validator=_positive)
    get_window_seconds: float = attrs.field(default=300.0, validator=_positive)


@attrs.frozen
class SharedBudgetConfig:
    """The GET budget shared by every run of one account and app on the machine.

    ``folder``: where its record is kept (``None``: the user's cache folder, see
    ``trakt.shared_budget``); ``account``: a label that keeps two logins of one app apart.
    """

    enabled: bool = True
    folder: str | None = None
    account: str = ""


@attrs.frozen
class WriteChunks:
    """Entries per write request by body kind, and the floor adaptive shrinking stops at.

    ``flat``: movies, shows, seasons and episodes sent by their own ids (one object each);
    ``nested``: seasons and episodes sent under their show by numbers, counted one by one.
    Both default to ``DENSE_ENTRIES``: every entry of a body counts one, whatever its shape.
    """

    flat: int = attrs.field(default=DENSE_ENTRIES, validator=_positive)
    nested: int = attrs.field(default=DENSE_ENTRIES, validator=_positive)
    floor: int = attrs.field(default=10, validator=_positive)


@attrs.frozen
class TraktConfig:
    """The provider's configuration; secrets never appear in its repr."""

    client_id: str = attrs.field(validator=attrs.validators.min_len(1))
    client_secret: str = attrs.field(default="", repr=False)
    access_token: str | None = attrs.field(default=None, repr=False)
    refresh_token: str | None = attrs.field(default=None, repr=False)
    expires_at: float | None = attrs.field(default=None, converter=_unknown_when_zero)
    token_created_at: float | None = attrs.field(default=None, converter=_unknown_when_zero)
    base_url: str = attrs.field(default="https://api.trakt.tv", validator=_url)
    auth_url: str = attrs.field(default="https://auth.trakt.tv", validator=_url)
    redirect_uri: str = "urn:ietf:wg:oauth:2.0:oob"
    timeout: float = attrs.field(default=30.0, validator=_positive)
    request_deadline_seconds: float = attrs.field(default=60.0, validator=_positive)
    max_answer_bytes: int = attrs.field(default=64 * 1024 * 1024, validator=_positive)
    unreachable_retry_seconds: float = attrs.field(default=60.0, validator=_positive)
    refused_retry_seconds: float = attrs.field(default=15.0, validator=_positive)
    rate_limit_wait_seconds: float = attrs.field(default=120.0, validator=_positive)
    writer_lock_wait_seconds: float = attrs.field(default=900.0, validator=_positive)
    rate_limit: RateLimitConfig = attrs.Factory(RateLimitConfig)
    shared_budget: SharedBudgetConfig = attrs.Factory(SharedBudgetConfig)
    page_size: int = attrs.field(default=MAX_PAGE_SIZE, validator=_page_size)
    write_chunks: WriteChunks = attrs.Factory(WriteChunks)
    #: the older single size: when set it is the size of every body kind
    write_chunk_size: int | None = attrs.field(default=None, validator=_positive_or_none)
    retry_total_seconds: float = attrs.field(default=600.0, validator=_positive)
    max_retries: int = attrs.field(default=30, validator=_positive)
    refresh_margin_seconds: float = attrs.field(default=3600.0, validator=_positive)
    unresolved_backoff_seconds: float = attrs.field(default=7 * 86400.0, validator=_positive)
    #: the watchlist's item limit, overriding the plan's from ``/users/settings``
    watchlist_limit: int | None = attrs.field(default=None, validator=_positive_or_none)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> TraktConfig:
        """Build the config from the host's ``trakt`` mapping, or raise ``ConfigError``."""
        return _build(cls, mapping, "")

    def chunk_sizes(self) -> WriteChunks:
        """Return the write chunk sizes in force (``write_chunk_size``, when set, sizes both)."""
        chunks = self.write_chunks
        if self.write_chunk_size is not None:
            size = self.write_chunk_size
            chunks = WriteChunks(flat=size, nested=size, floor=chunks.floor)
        return attrs.evolve(chunks, floor=min(chunks.floor, chunks.flat, chunks.nested))


@attrs.frozen
class CollectionToggles:
    """Whether confirmed history plays are also written to the collection, per kind."""

    movies: bool = True
    shows: bool = False


@attrs.frozen
class HistoryOptions:
    """History pair options (CrossWatch's History -> Advanced)."""

    add_collections: CollectionToggles = attrs.Factory(CollectionToggles)
    number_fallback: bool = False
    allow_released: bool = False
    remove_all_plays: bool = False


@attrs.frozen
class WriteOptions:
    """Options shared by the watchlist and ratings features (none yet beyond the defaults)."""


@attrs.frozen
class PairOptions:
    """The per-feature options of one sync pair."""

    history: HistoryOptions = attrs.Factory(HistoryOptions)

    @classmethod
    def from_pair(cls, pair: Mapping[str, Any] | None) -> PairOptions:
        """Read ``pair["features"]``; a missing pair or feature gives the defaults.

        A feature may be given as CrossWatch gives it: ``true``/``false`` (on or off, no
        options) or a mapping with CrossWatch's own ``enable``, ``add`` and ``remove``
        switches (the host acts on those; they are accepted without a warning) beside ours.
        """
        features = (pair or {}).get("features") or {}
        if not isinstance(features, Mapping):
            raise ConfigError("pair.features", f"must be a mapping, got {features!r}")
        history = _feature_options(features.get("history"), "pair.features.history")
        return cls(history=_build(HistoryOptions, history, "pair.features.history."))


#: switches CrossWatch keeps in a pair's feature block; the host acts on them, not us
HOST_FEATURE_SWITCHES = frozenset({"enable", "add", "remove"})


def _feature_options(raw: Any, key: str) -> Mapping[str, Any]:
    if raw is None or isinstance(raw, bool):
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(key, f"must be true, false or a mapping, got {raw!r}")
    return {name: value for name, value in raw.items() if name not in HOST_FEATURE_SWITCHES}


def _build(cls: type[T], mapping: Mapping[str, Any], prefix: str) -> T:
    if not isinstance(mapping, Mapping):
        raise ConfigError(prefix.rstrip(".") or "config", f"must be a mapping, got {mapping!r}")
    _warn_unknown(cls, mapping, prefix)
    try:
        return converter.structure(dict(mapping), cls)
    except ConfigError as exc:
        raise ConfigError(prefix + exc.key, str(exc).split(": ", 1)[1]) from None
    except (cattrs.BaseValidationError, ValueError, TypeError) as exc:
        raise _config_error(exc, mapping, prefix) from None


def _config_error(exc: BaseException, mapping: Mapping[str, Any], prefix: str) -> ConfigError:
    nested = _find_config_error(exc)
    if nested is not None:
        return ConfigError(prefix + nested.key, str(nested).split(": ", 1)[1])
    message = converter.error_messages(exc)[0]
    text, _, path = message.partition(" @ $")
    key = path.lstrip(".") or "config"
    value: Any = mapping
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if key.rpartition(".")[2] in SECRET_KEYS:  # never repeat a secret, even a malformed one
        return ConfigError(prefix + key, f"{text}, got a value of type {type(value).__name__}")
    return ConfigError(prefix + key, f"{text}, got {value!r}")


def _find_config_error(exc: BaseException) -> ConfigError | None:
    if isinstance(exc, ConfigError):
        return exc
    for inner in getattr(exc, "exceptions", ()):
        found = _find_config_error(inner)
        if found is not None:
            note = next(iter(getattr(inner, "__notes__", [])), "")
            parent = _attribute_from_note(note)
            if parent and parent != found.key:
                return ConfigError(f"{parent}.{found.key}", str(found).split(": ", 1)[1])
            return found
    return None


def _attribute_from_note(note: object) -> str:
    name = getattr(note, "name", "")
    return name if isinstance(name, str) else ""


def _warn_unknown(cls: type[Any], mapping: Mapping[str, Any], prefix: str) -> None:
    known = {field.name for field in attrs.fields(cls)}
    unknown = sorted(str(key) for key in mapping if key not in known)
    if unknown:
        get_logger("config").warning("config.unknown_keys", keys=[prefix + k for k in unknown])
