"""``TraktAccount``: one per Trakt login per process, shared by every feature and pair.

It owns the one ``TraktSession`` (keep-alive, throttle, retries), the token manager, the
state store, the last-activities gate and the per-run memo of ``/users/settings``.
``AccountRegistry.account_for(context)`` finds or builds it, keyed by API host, client id
and the resolved ``state_dir``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from crosswatch_trakt.config import TraktConfig
from crosswatch_trakt.errors import TraktError
from crosswatch_trakt.support.clock import Clock, SystemClock
from crosswatch_trakt.support.state import StateStore
from crosswatch_trakt.trakt.activities import ActivityGate
from crosswatch_trakt.trakt.bearer import BearerAuth
from crosswatch_trakt.trakt.oauth import DeviceLogin
from crosswatch_trakt.trakt.pipeline import Pipeline
from crosswatch_trakt.trakt.session import TraktSession
from crosswatch_trakt.trakt.tokens import SaveConfig, TokenManager
from crosswatch_trakt.trakt.user_settings import SettingsCache

__all__ = [
    "REGISTRY",
    "AccountRegistry",
    "AccountSource",
    "RunStops",
    "TraktAccount",
    "account_for",
]

AccountKey = tuple[str, str, str]

#: the watchlist limit assumed for a free account whose settings name none (CrossWatch's too)
FREE_WATCHLIST_ITEM_COUNT = 250


class AccountSource(Protocol):
    """Where an account comes from: a config mapping, a state folder, optional callbacks.

    A front door's call context (``HostContext``) has this shape; the Trakt client needs
    nothing else of it.
    """

    @property
    def config(self) -> Mapping[str, Any]:
        """The provider's config mapping."""

    @property
    def state_dir(self) -> Path:
        """The account's state folder."""

    @property
    def save_config(self) -> SaveConfig | None:
        """The callback that receives rotated tokens."""

    @property
    def run_id(self) -> str | None:
        """The host's run the call belongs to (``None``: unknown)."""

    @property
    def clock(self) -> Clock | None:
        """The clock (tests and the benchmark)."""


@attrs.define
class RunStops:
    """Features whose writes stopped for the rest of a run (420, 423, 426, lost login)."""

    stops: dict[str, tuple[str | None, TraktError]] = attrs.Factory(dict)

    def stop(self, feature: str, run_id: str | None, error: TraktError) -> None:
        """Stop ``feature``'s writes for ``run_id`` because of ``error``."""
        self.stops[feature] = (run_id, error)

    def stopped(self, feature: str, run_id: str | None) -> TraktError | None:
        """Return the error that stopped ``feature`` in this run, or ``None``."""
        entry = self.stops.get(feature)
        if entry is None or run_id is None or entry[0] != run_id:
            return None
        return entry[1]


@attrs.define
class TraktAccount:
    """One Trakt login: session, tokens, state, change gate and settings memo."""

    config: TraktConfig
    clock: Clock = attrs.field(repr=False)
    store: StateStore = attrs.field(repr=False)
    session: TraktSession = attrs.field(repr=False)
    tokens: TokenManager = attrs.field(repr=False)
    activities: ActivityGate = attrs.field(repr=False)
    login: DeviceLogin = attrs.field(repr=False)
    _settings: SettingsCache = attrs.field(repr=False)
    #: features whose writes stopped for the rest of a run (420, 423, 426, lost login)
    stops: RunStops = attrs.field(factory=RunStops, repr=False)

    @classmethod
    def create(
        cls,
        config: TraktConfig,
        state_dir: Path | str,
        *,
        clock: Clock | None = None,
        save_config: SaveConfig | None = None,
        random: Callable[[], float] | None = None,
    ) -> TraktAccount:
        """Build an account, each part given what it needs when built (no request is made).

        The request pipeline comes first; the token manager refreshes through it, and the
        session sends through it with the token manager behind its auth layer.
        """
        clock = clock if clock is not None else SystemClock()
        store = StateStore(Path(state_dir), clock=clock)
        pipeline = Pipeline.create(config, clock, random=random)
        tokens = TokenManager(config, clock, store, pipeline, save_config)
        session = TraktSession(config, clock, pipeline, BearerAuth(tokens))
        activities = ActivityGate(session, clock)
        return cls(
            config=config,
            clock=clock,
            store=store,
            session=session,
            tokens=tokens,
            activities=activities,
            login=DeviceLogin(config, session, tokens),
            settings=SettingsCache(session, activities, store, clock),
        )

    def settings(
        self, run_id: str | None, *, retry_seconds: float | None = None, fresh: bool = False
    ) -> dict[str, Any]:
        """Return ``GET /users/settings`` (user, vip, limits, browsing) for this run.

        Served from ``trakt_settings.json`` while ``account.settings_at`` has not moved
        (``trakt.user_settings``); ``fresh`` reads them in this run if they came from the file.
        """
        if fresh:
            return self._settings.refresh(run_id)
        return self._settings.get(run_id, retry_seconds=retry_seconds)

    def watchlist_limit(self, run_id: str | None, *, fresh: bool = False) -> int | None:
        """Return the watchlist's item limit: configured, else the plan's, else a free plan's.

        ``watchlist_limit`` in the config wins (no request). Otherwise the plan's
        ``limits.watchlist.item_count`` from ``/users/settings`` (``null`` there: no limit).
        Settings that carry no ``limits`` at all get, for an account that is not VIP, the free
        plan's ``FREE_WATCHLIST_ITEM_COUNT``, as CrossWatch's own module assumes.
        """
        if self.config.watchlist_limit is not None:
            return self.config.watchlist_limit
        settings = self.settings(run_id, fresh=fresh)
        limits = settings.get("limits")
        if isinstance(limits, dict):
            node = limits.get("watchlist")
            count = node.get("item_count") if isinstance(node, dict) else None
            valid = isinstance(count, int) and not isinstance(count, bool) and count > 0
            return count if valid else None
        user = settings.get("user")
        flags = ("vip", "vip_og", "vip_ep")
        vip = isinstance(user, dict) and any(user.get(flag) is True for flag in flags)
        return None if vip else FREE_WATCHLIST_ITEM_COUNT

    def log(self, feature: str) -> Any:
        """Return a logger for ``feature`` that redacts this account's secrets."""
        return self.session.log(feature)

    def device_start(self) -> dict[str, Any]:
        """Start a device-code login (see ``DeviceLogin.start``)."""
        return self.login.start()

    def device_poll(self, device_code: str) -> dict[str, Any]:
        """Poll a device-code login once (see ``DeviceLogin.poll``)."""
        return self.login.poll(device_code)

    def revoke(self) -> bool:
        """Log out: revoke the token at Trakt and forget it locally."""
        return self.login.revoke()

    def close(self) -> None:
        """Close the session's pooled connections."""
        self.session.close()


def _without_tokens(config: TraktConfig) -> TraktConfig:
    return attrs.evolve(
        config, access_token=None, refresh_token=None, expires_at=None, token_created_at=None
    )


@attrs.define
class AccountRegistry:
    """The accounts of this process, one per (API host, client id, state folder)."""

    _accounts: dict[AccountKey, TraktAccount] = attrs.field(factory=dict, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False)

    def account_for(self, context: AccountSource) -> TraktAccount:
        """Return the account for ``context``, building it on first use (thread-safe).

        Every call checks the state folder's permissions once per run (``check_folder``).
        """
        account = self._account_for(context)
        account.store.check_folder(context.run_id)
        return account

    def _account_for(self, context: AccountSource) -> TraktAccount:
        config = TraktConfig.from_mapping(context.config)
        key: AccountKey = (config.base_url, config.client_id, str(context.state_dir.resolve()))
        with self._lock:
            account = self._accounts.get(key)
            if account is not None and _without_tokens(account.config) == _without_tokens(config):
                if context.save_config is not None:
                    account.tokens.save_config = context.save_config
                if config != account.tokens.config:
                    account.tokens.offer_config(config)
                return account
            if account is not None:
                account.close()
            account = TraktAccount.create(
                config, context.state_dir, clock=context.clock, save_config=context.save_config
            )
            self._accounts[key] = account
            return account

    def clear(self) -> None:
        """Close and forget every account (tests; a host reloading its config)."""
        with self._lock:
            for account in self._accounts.values():
                account.close()
            self._accounts.clear()

    def __len__(self) -> int:
        return len(self._accounts)


#: the process-wide registry ``plugin.py`` uses
REGISTRY = AccountRegistry()


def account_for(context: AccountSource) -> TraktAccount:
    """Return the process-wide account for ``context``."""
    return REGISTRY.account_for(context)
