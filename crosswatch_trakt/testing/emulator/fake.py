"""``FakeTrakt``: the emulator's state (``TraktWorld``) served over loopback HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import attrs

from crosswatch_trakt.testing.emulator import (
    endpoints_history,
    endpoints_lists,
    endpoints_oauth,
    endpoints_playback,
    endpoints_sync,
)
from crosswatch_trakt.testing.emulator.app import TraktApp
from crosswatch_trakt.testing.emulator.server import ServerThread, start_server
from crosswatch_trakt.testing.emulator.world import LoggedRequest, TraktWorld, When

__all__ = ["FakeTrakt", "LoggedRequest", "When"]


@attrs.define
class FakeTrakt(TraktWorld):
    """An in-process Trakt API (and OAuth server) with state tests control, served on loopback.

    Every state change takes ``lock``; helpers move ``last_activities`` like the API does.
    ``auto_approve``: a username that approves every new device login at once.
    """

    _server: ServerThread | None = attrs.field(default=None, init=False, repr=False)
    _app: TraktApp | None = attrs.field(default=None, init=False, repr=False)

    # serving
    @property
    def app(self) -> TraktApp:
        """Return the WSGI application (usable without a server, e.g. by werkzeug's test client)."""
        if self._app is None:
            routes = [
                *endpoints_sync.ROUTES,
                *endpoints_history.ROUTES,
                *endpoints_playback.ROUTES,
                *endpoints_lists.ROUTES,
                *endpoints_oauth.ROUTES,
            ]
            self._app = TraktApp(self, routes)
        return self._app

    @property
    def base_url(self) -> str:
        """Return the server's URL (API and OAuth); only while serving."""
        if self._server is None:
            raise RuntimeError("FakeTrakt is not serving: use `with fake.serve():`")
        return self._server.base_url

    @property
    def serving(self) -> bool:
        """Return whether the server is running."""
        return self._server is not None

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[FakeTrakt]:
        """Serve on ``host:port`` (0: an ephemeral port) in a thread; yield ``self``."""
        self.start(host, port)
        try:
            yield self
        finally:
            self.stop()

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start serving (see ``serve``) and return the base URL."""
        if self._server is None:
            self._server = start_server(self.app, host, port)
        return self._server.base_url

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def provider_config(
        self, username: str | None = None, tokens: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Return the adapter's provider config for this emulator (serving), logged in if asked.

        With ``username`` (and no ``tokens``) a token pair is issued now; with neither, the
        config holds no tokens, ready for a device login.
        """
        config: dict[str, Any] = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "base_url": self.base_url,
            "auth_url": self.base_url,
        }
        if tokens is None and username is not None:
            tokens = self.issue_tokens(username)
        if tokens is not None:
            config["access_token"] = tokens["access_token"]
            config["refresh_token"] = tokens["refresh_token"]
            config["expires_at"] = tokens["created_at"] + tokens["expires_in"]
        return config
