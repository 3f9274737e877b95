"""A plain ``requests`` client for the emulator's API, used by the emulator tests."""

from __future__ import annotations

from typing import Any

import attrs
import requests

from crosswatch_trakt.testing import FakeTrakt, VirtualClock


@attrs.define
class Api:
    """A thin ``requests`` client; each write first advances the virtual clock one second."""

    fake: FakeTrakt
    clock: VirtualClock
    token: str | None
    session: requests.Session = attrs.field(factory=requests.Session)

    def url(self, path: str) -> str:
        """Return the emulator URL of ``path``."""
        return self.fake.base_url + path

    def headers(self, **extra: str) -> dict[str, str]:
        """Return the client's headers with ``extra`` overrides."""
        return {**self.fake.headers(self.token), **extra}

    def get(self, path: str, **params: Any) -> requests.Response:
        """GET ``path`` with ``params``."""
        return self.session.get(self.url(path), headers=self.headers(), params=params, timeout=5)

    def post(self, path: str, body: Any, *, pace: bool = True) -> requests.Response:
        """POST ``body``; with ``pace`` first advance the clock one second (the write limit)."""
        if pace:
            self.clock.advance(1)
        return self.session.post(self.url(path), headers=self.headers(), json=body, timeout=5)
