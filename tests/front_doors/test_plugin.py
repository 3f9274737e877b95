"""The plugin as a host sees it: discovery through the entry point, the manifest, routing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pluggy
import pytest

from crosswatch_trakt import plugin
from crosswatch_trakt.errors import FeatureNotSupported
from crosswatch_trakt.hostspec import HostContext, hookimpl


@pytest.fixture
def context(tmp_path: Path) -> HostContext:
    """A minimal host context."""
    return HostContext(config={"client_id": "abc"}, state_dir=tmp_path)


def test_entry_point_finds_the_plugin(pm: pluggy.PluginManager) -> None:
    """load_setuptools_entrypoints("crosswatch") registers crosswatch_trakt.plugin."""
    assert pm.is_registered(plugin)
    assert pm.get_name(plugin) == "trakt"
    pm.check_pending()


def test_capabilities_manifest(pm: pluggy.PluginManager) -> None:
    """provider_capabilities returns the TRAKT manifest, playlists served."""
    (manifest,) = pm.hook.provider_capabilities()
    assert manifest["name"] == "TRAKT"
    assert manifest["features"] == {
        "watchlist": True,
        "ratings": True,
        "history": True,
        "progress": True,
        "playlists": True,
    }
    assert manifest["capabilities"]["ratings"]["scale"] == [1, 10]


@pytest.mark.parametrize(
    ("hook", "kwargs"),
    [
        ("index_snapshot", {"feature": "watchlist"}),
        ("apply_adds", {"feature": "ratings", "items": [], "dry_run": False}),
        ("apply_removes", {"feature": "history", "items": [], "dry_run": True}),
        ("provider_health", {}),
        ("provider_auth_start", {}),
        ("provider_auth_poll", {"device_code": "x"}),
    ],
)
def test_other_providers_get_none(
    pm: pluggy.PluginManager, context: HostContext, hook: str, kwargs: dict[str, object]
) -> None:
    """Every hook returns None for a provider that is not TRAKT."""
    assert getattr(pm.hook, hook)(provider="SIMKL", context=context, **kwargs) is None


@pytest.mark.parametrize("feature", ["collections", ""])
def test_unsupported_features_raise(
    pm: pluggy.PluginManager, context: HostContext, feature: str
) -> None:
    """Unknown features raise FeatureNotSupported naming the feature."""
    with pytest.raises(FeatureNotSupported, match=r"not supported|unknown feature"):
        pm.hook.index_snapshot(provider="TRAKT", feature=feature, context=context)


def test_host_context_repr_hides_config(tmp_path: Path) -> None:
    """HostContext's repr never shows the config mapping, which holds the tokens."""
    ctx = HostContext(config={"access_token": "sekrit-token"}, state_dir=tmp_path)
    assert "sekrit-token" not in repr(ctx)


class PlexPlugin:
    """A second provider plugin, as a host with Plex and Trakt installed has."""

    @hookimpl
    def provider_capabilities(self) -> dict[str, Any]:
        """Return a Plex manifest."""
        return {"name": "PLEX", "label": "Plex", "features": {"watchlist": True}}


def test_capabilities_lists_every_plugin(pm: pluggy.PluginManager) -> None:
    """With a Plex plugin beside this one, the host sees both manifests, not just the first."""
    pm.register(PlexPlugin())
    names = sorted(manifest["name"] for manifest in pm.hook.provider_capabilities())
    assert names == ["PLEX", "TRAKT"]
