"""The command's small host: a pluggy ``PluginManager`` that calls the hooks like CrossWatch.

The plugin is found through the ``crosswatch`` entry point, never imported directly. Every
command invocation is one host run with a fresh ``run_id`` (so the adapter reads
``last_activities`` at most once per invocation); the demo starts a new run per pass.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Literal

import attrs
import pluggy

from crosswatch_trakt import hostspec
from crosswatch_trakt.cli.exitcodes import TRAKT_ERROR, CliError
from crosswatch_trakt.cli.progressbar import Progress
from crosswatch_trakt.cli.settings import CliSettings
from crosswatch_trakt.config import CollectionToggles
from crosswatch_trakt.hostspec import ApplyResult, HostContext, HostItem, Snapshot
from crosswatch_trakt.support.clock import Clock

__all__ = ["PROVIDER", "Action", "CliHost", "load_plugins", "new_run_id"]

PROVIDER = "TRAKT"
Action = Literal["add", "remove"]


def load_plugins() -> pluggy.PluginManager:
    """Return a plugin manager with the host contract and every ``crosswatch`` plugin loaded."""
    pm = pluggy.PluginManager(hostspec.PROJECT_NAME)
    pm.add_hookspecs(hostspec)
    pm.load_setuptools_entrypoints(hostspec.PROJECT_NAME)
    return pm


def new_run_id() -> str:
    """Return a fresh run id."""
    return f"cli-{uuid.uuid4().hex[:12]}"


def _answer(value: Any, hook: str) -> Any:
    if value is None:
        raise CliError(
            f"No plugin answered {hook} for TRAKT: reinstall crosswatch-trakt so its "
            "'crosswatch' entry point is registered.",
            TRAKT_ERROR,
        )
    return value


@attrs.define
class CliHost:
    """Calls the TRAKT hooks with a ``HostContext`` built from the settings."""

    settings: CliSettings
    progress: Progress
    clock: Clock | None = attrs.field(default=None, repr=False)
    pm: pluggy.PluginManager = attrs.field(factory=load_plugins, repr=False)
    run_id: str = attrs.field(factory=new_run_id)

    def new_run(self) -> str:
        """Start a new host run (a new ``run_id``) and return its id."""
        self.run_id = new_run_id()
        return self.run_id

    def context(self) -> HostContext:
        """Return the ``HostContext`` of the current run."""
        return HostContext(
            config=self.settings.trakt,
            state_dir=self.settings.state_dir,
            pair=self.settings.pair,
            progress=self.progress.report,
            run_id=self.run_id,
            clock=self.clock,
        )

    def capabilities(self) -> dict[str, Any]:
        """Return the TRAKT manifest."""
        for manifest in self.pm.hook.provider_capabilities.get_hookimpls():
            answer = manifest.function()
            if isinstance(answer, dict) and answer.get("name") == PROVIDER:
                return answer
        raise CliError(
            "The TRAKT plugin is not installed: reinstall crosswatch-trakt.", TRAKT_ERROR
        )

    def features(self) -> tuple[str, ...]:
        """Return the features the manifest announces as supported."""
        announced = self.capabilities()["features"]
        return tuple(name for name, on in announced.items() if on)

    def snapshot(self, feature: str) -> Snapshot:
        """Return ``index_snapshot`` for ``feature``."""
        answer = self.pm.hook.index_snapshot(
            provider=PROVIDER, feature=feature, context=self.context()
        )
        snapshot: Snapshot = _answer(answer, "index_snapshot")
        return snapshot

    def apply(
        self, action: Action, feature: str, items: Sequence[HostItem], *, dry_run: bool
    ) -> ApplyResult:
        """Call ``apply_adds`` or ``apply_removes`` for ``items``."""
        hook = self.pm.hook.apply_adds if action == "add" else self.pm.hook.apply_removes
        answer = hook(
            provider=PROVIDER,
            feature=feature,
            items=list(items),
            context=self.context(),
            dry_run=dry_run,
        )
        result: ApplyResult = _answer(answer, f"apply_{action}s")
        return result

    def health(self) -> dict[str, Any]:
        """Return ``provider_health``."""
        report: dict[str, Any] = _answer(
            self.pm.hook.provider_health(provider=PROVIDER, context=self.context()),
            "provider_health",
        )
        return report

    def auth_start(self) -> dict[str, Any]:
        """Return ``provider_auth_start`` (user code, URL, interval, expiry)."""
        started: dict[str, Any] = _answer(
            self.pm.hook.provider_auth_start(provider=PROVIDER, context=self.context()),
            "provider_auth_start",
        )
        return started

    def auth_poll(self, device_code: str) -> dict[str, Any]:
        """Return ``provider_auth_poll`` for ``device_code``."""
        state: dict[str, Any] = _answer(
            self.pm.hook.provider_auth_poll(
                provider=PROVIDER, context=self.context(), device_code=device_code
            ),
            "provider_auth_poll",
        )
        return state

    # The contract has no logout or activities hook: like CrossWatch's own Trakt settings
    # page, the command uses the plugin's account API for these two.

    def logout(self) -> bool:
        """Revoke the login at Trakt and delete the stored tokens; return Trakt's confirmation."""
        from crosswatch_trakt.trakt.account import account_for

        return account_for(self.context()).revoke()

    def logged_in(self) -> bool:
        """Return whether a token pair is stored (or configured) for this account."""
        from crosswatch_trakt.trakt.account import account_for

        return account_for(self.context()).tokens.current() is not None

    def collect(
        self, items: Sequence[HostItem], toggles: CollectionToggles, *, dry_run: bool
    ) -> dict[str, Any] | None:
        """Write collection entries for the plays ``items`` (at each item's first play)."""
        from crosswatch_trakt.features.history.collection import add_collections
        from crosswatch_trakt.media.hostitems import host_to_play
        from crosswatch_trakt.media.models import Play
        from crosswatch_trakt.trakt.account import account_for

        plays = [play for play in map(host_to_play, items) if isinstance(play, Play)]
        account = account_for(self.context())
        return add_collections(account, plays, toggles, dry_run=dry_run)

    def last_activities(self) -> dict[str, Any]:
        """Return this run's ``/sync/last_activities`` (the adapter's change gate)."""
        from crosswatch_trakt.trakt.account import account_for

        return account_for(self.context()).activities.activities(self.run_id)
