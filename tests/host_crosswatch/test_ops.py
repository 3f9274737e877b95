"""The CrossWatch front door against the emulator: CrossWatch's calls, keys, shapes and books."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import crosswatch_trakt.crosswatch as cw_module
from crosswatch_trakt import __version__, plugin
from crosswatch_trakt.crosswatch import TraktOps
from crosswatch_trakt.crosswatch.hostkeys import BuiltinKeys
from crosswatch_trakt.testing import FakeTrakt, VirtualClock

KEYS = BuiltinKeys


def movie(fake: FakeTrakt, title: str) -> dict[str, Any]:
    """Return a Plex-style host item for a catalogue movie (flat string ids)."""
    found = next(m for m in fake.catalog.movies.values() if m.title == title)
    ids = {k: str(v) for k, v in found.ids.items() if k in ("tmdb", "imdb") and v}
    return {"type": "movie", "title": found.title, "year": found.year, "ids": ids}


def plays_of(fake: FakeTrakt, title: str) -> int:
    """Return how many plays of ``title`` the emulator's user has."""
    return sum(1 for p in fake.users["alice"].history.values() if p.media.title == title)


def test_module_has_ops_with_the_protocol() -> None:
    """The module exposes OPS with every method CrossWatch's loader and planner call."""
    ops = cw_module.OPS
    for name in ("name", "label", "features", "capabilities", "build_index", "add", "remove"):
        assert callable(getattr(ops, name))
    assert callable(ops.is_configured)
    assert callable(ops.health)
    assert ops.name() == "TRAKT"
    assert ops.label() == "Trakt"


def test_manifest_matches_the_plugin() -> None:
    """features() and capabilities() state the same facts as provider_capabilities."""
    manifest = plugin.provider_capabilities()
    features = cw_module.OPS.features()
    for name, on in manifest["features"].items():
        assert features[name] is on
    caps = cw_module.OPS.capabilities()
    assert caps["index_semantics"] == manifest["capabilities"]["index_semantics"]
    assert caps["ratings"]["scale"] == manifest["capabilities"]["ratings"]["scale"]
    assert caps["history"]["multiple_plays"] is True
    assert caps["provides_ids"] is True


def test_get_manifest_is_what_the_providers_list_and_analyzer_read() -> None:
    """get_manifest() names TRAKT, carries the package version and the OPS facts."""
    manifest = cw_module.get_manifest()
    assert manifest["name"] == "TRAKT"
    assert manifest["label"] == "Trakt"
    assert manifest["version"] == __version__
    assert manifest["type"] == "sync"
    assert manifest["features"] == dict(cw_module.OPS.features())
    assert manifest["capabilities"] == dict(cw_module.OPS.capabilities())
    assert json.loads(json.dumps(manifest)) == manifest


@pytest.mark.parametrize(
    ("section", "configured"),
    [
        ({"client_id": "c", "access_token": "a"}, True),
        ({"client_id": "c", "refresh_token": "r"}, True),
        ({"client_id": "c", "access_token": ""}, False),
        ({"access_token": "a"}, False),
        (None, False),
    ],
)
def test_is_configured(section: dict[str, Any] | None, configured: bool) -> None:
    """A section counts as configured with a client id and an access or refresh token."""
    assert cw_module.OPS.is_configured({"trakt": section}) is configured


def test_watchlist_index_in_host_keys_and_shapes(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """The watchlist snapshot is keyed by the host's keys, with flat string ids."""
    snapshot = ops.build_index(cw_cfg, feature="watchlist")
    assert len(snapshot) == 6
    for key, item in snapshot.items():
        assert key == KEYS.key(item)
        assert all(isinstance(v, str) for v in item["ids"].values())
    season = next(item for item in snapshot.values() if item["type"] == "season")
    assert season["series_title"] == "The Office"
    assert KEYS.key(season).endswith("#season:2")


def test_history_index_keys_plays_by_epoch_oldest_first(
    ops: TraktOps, cw_cfg: dict[str, Any]
) -> None:
    """History plays are keyed <key>@<epoch>, carry _trakt_history_id, oldest first."""
    snapshot = ops.build_index(cw_cfg, feature="history")
    keys = list(snapshot)
    epochs = [int(key.rsplit("@", 1)[1]) for key in keys]
    assert epochs == sorted(epochs)
    matrix = [item for item in snapshot.values() if item.get("title") == "The Matrix"]
    assert len(matrix) == 2
    for key, item in snapshot.items():
        assert isinstance(item["_trakt_history_id"], str)
        assert key == KEYS.event_key(item)
    episode = next(item for item in snapshot.values() if item["type"] == "episode")
    assert episode["series_title"] == "Breaking Bad"
    assert "#s01e" in KEYS.key(episode)


def test_adds_are_booked_under_the_host_keys(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt, cw_env: dict[str, str]
) -> None:
    """Added, skipped and unresolved items carry the keys the host computes for them."""
    present = movie(fake_trakt, "Interstellar")  # on the watchlist already
    new = movie(fake_trakt, "The Matrix")
    unknown = {"type": "movie", "title": "Nope", "year": 1900, "ids": {"tmdb": "99999999"}}
    result = ops.add(cw_cfg, [present, new, unknown], feature="watchlist")
    assert result["confirmed_keys"] == [KEYS.key(new)]
    assert result["skipped_keys"] == [KEYS.key(present)]
    (entry,) = result["unresolved"]
    assert entry["key"] == "tmdb:99999999"
    assert entry["hint"] == entry["reason"] == "not_found"
    assert result["count"] == result["confirmed"] == 1
    cw_env["CW_RUN_ID"] = "run-2"
    again = ops.add(cw_cfg, [new], feature="watchlist")
    assert again["skipped_keys"] == [KEYS.key(new)]
    assert again["confirmed_keys"] == []


def test_history_adds_echo_the_event_key_and_never_duplicate(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt, cw_env: dict[str, str]
) -> None:
    """A play sent with _cw_event_key is confirmed under it, and the next pass skips it."""
    play = {**movie(fake_trakt, "Dune"), "watched_at": "2025-09-01T20:00:00Z"}
    play["_cw_event_key"] = f"{KEYS.key(play)}@1756756800"
    play["_cw_rewatch_sync"] = True
    first = ops.add(cw_cfg, [play], feature="history")
    assert first["confirmed_keys"] == [play["_cw_event_key"]]
    cw_env["CW_RUN_ID"] = "run-2"
    second = ops.add(cw_cfg, [play], feature="history")
    assert second["skipped_keys"] == [play["_cw_event_key"]]
    assert plays_of(fake_trakt, "Dune") == 1


def test_history_remove_deletes_exactly_the_play_it_names(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt, cw_env: dict[str, str]
) -> None:
    """Removing one of two plays from the snapshot deletes that play, confirmed by its key."""
    snapshot = ops.build_index(cw_cfg, feature="history")
    first_key, first = next((k, v) for k, v in snapshot.items() if v["title"] == "The Matrix")
    cw_env["CW_RUN_ID"] = "run-2"
    sent = {**first, "_cw_event_key": first_key}  # as the host sends it in rewatch mode
    result = ops.remove(cw_cfg, [sent], feature="history")
    assert result["confirmed_keys"] == [first_key]
    left = [p for p in fake_trakt.users["alice"].history.values() if p.media.title == "The Matrix"]
    assert [str(p.id) for p in left] != [first["_trakt_history_id"]]
    assert len(left) == 1
    cw_env["CW_RUN_ID"] = "run-3"
    after = ops.build_index(cw_cfg, feature="history")
    assert first_key not in after
    assert sum(1 for v in after.values() if v["title"] == "The Matrix") == 1


def test_dry_run_writes_nothing_and_lists_no_key(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """A dry run sends no write, lists no key, and counts what the real run would do."""
    present = movie(fake_trakt, "Interstellar")  # on the watchlist already
    new = movie(fake_trakt, "The Matrix")
    bad = {"type": "movie"}
    ops.build_index(cw_cfg, feature="watchlist")  # as the host's planner does first
    result = ops.add(cw_cfg, [present, new, bad], feature="watchlist", dry_run=True)
    assert result["confirmed_keys"] == result["skipped_keys"] == result["unresolved"] == []
    assert result["presence_confirmed_keys"] == result["unresolved_keys"] == []
    assert (result["count"], result["skipped"]) == (1, 1)
    assert result["dry_run_keys"] == ["tmdb:603"]
    assert [e["item"] for e in result["dry_run_unresolved"]] == [bad]
    assert result["dry_run"] is True
    assert fake_trakt.log_count(method="POST") == 0


def test_adds_list_presence_and_one_key_per_item(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """Plays are listed once each under the key the host sent them as; presence is listed."""
    plays = [
        {**movie(fake_trakt, title), "watched_at": "2025-09-01T20:00:00Z"}
        for title in ("Dune", "Interstellar")
    ]
    result = ops.add(cw_cfg, plays, feature="history")
    assert result["confirmed_keys"] == [KEYS.key(play) for play in plays]
    assert result["presence_confirmed_keys"] == result["confirmed_keys"]
    assert result["count"] == result["confirmed"] == 2
    removed = ops.remove(cw_cfg, plays[:1], feature="history")
    assert "presence_confirmed_keys" not in removed


def test_health_in_the_host_shape(ops: TraktOps, cw_cfg: dict[str, Any]) -> None:
    """A working login reports ok with every served feature on."""
    report = ops.health(cw_cfg, emit=lambda *a, **k: None)
    assert report["ok"] is True
    assert report["status"] == "ok"
    assert report["features"]["history"] is True
    assert report["features"]["playlists"] is True
    assert isinstance(report["latency_ms"], int)


def test_health_carries_what_crosswatchs_run_reads(ops: TraktOps, cw_cfg: dict[str, Any]) -> None:
    """health has the api block CrossWatch's pacing and run log read, and a reason on failure."""
    report = ops.health(cw_cfg)
    assert report["api"]["last_activities"]["status"] == 200
    assert isinstance(report["api"]["rate_limit"]["remaining"], int)
    assert "reason" not in report["details"]
    dead = ops.health({"trakt": {"client_id": "c"}})
    assert dead["api"]["last_activities"]["status"] == 401
    assert dead["details"]["reason"].startswith("auth_required")


def test_health_auth_failed_when_the_login_is_dead(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """A revoked login with no usable refresh is auth_failed, so the host skips the pair."""
    fake_trakt.revoke_tokens("alice")
    report = ops.health(cw_cfg)
    assert report == {**report, "ok": False, "status": "auth_failed"}
    assert not any(report["features"].values())


def test_health_not_configured_is_auth_failed(ops: TraktOps) -> None:
    """With no login in the section, health says auth_failed without a request."""
    report = ops.health({"trakt": {"client_id": "c"}})
    assert (report["ok"], report["status"]) == (False, "auth_failed")


@pytest.mark.parametrize(("limit", "refused"), [(0, 0), (1, 1), ("x", 0)])
def test_crosswatchs_watchlist_limit_is_honoured(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt, limit: Any, refused: int
) -> None:
    """trakt.watchlist_limit caps the watchlist; 0 or nonsense means unset, as in CrossWatch."""
    have = len(fake_trakt.users["alice"].watchlist)
    cw_cfg["trakt"]["watchlist_limit"] = have + limit if limit == 1 else limit  # room for one
    items = [movie(fake_trakt, "The Matrix"), movie(fake_trakt, "Inception")]
    result = ops.add(cw_cfg, items, feature="watchlist")
    assert result["reason_counts"].get("account_limit", 0) == refused
    assert result["confirmed"] == 2 - refused


def test_expires_at_zero_means_unknown(
    ops: TraktOps, cw_cfg: dict[str, Any], fake_trakt: FakeTrakt
) -> None:
    """expires_at 0 (CrossWatch's unknown) does not force a token refresh."""
    cw_cfg["trakt"]["expires_at"] = 0
    ops.build_index(cw_cfg, feature="watchlist")
    assert fake_trakt.log_count(path="/oauth/token") == 0


def test_rotated_tokens_are_written_back(
    ops: TraktOps,
    cw_cfg: dict[str, Any],
    fake_trakt: FakeTrakt,
    trakt_clock: VirtualClock,
    cw_env: dict[str, str],
) -> None:
    """A refresh writes the new pair into the host's trakt section and the state folder."""
    old = cw_cfg["trakt"]["refresh_token"]
    cw_cfg["trakt"]["expires_at"] = int(trakt_clock.time()) + 10  # inside the refresh margin
    ops.build_index(cw_cfg, feature="watchlist")
    assert fake_trakt.log_count(path="/oauth/token", status=200) == 1
    section = cw_cfg["trakt"]
    assert section["refresh_token"] != old
    assert section["expires_at"] > trakt_clock.time()
    state = Path(cw_env["CONFIG_BASE"]) / ".cw_state" / "crosswatch_trakt" / "default"
    stored = json.loads((state / "trakt_tokens.json").read_text())
    assert section["refresh_token"] in json.dumps(stored)


def test_pair_features_in_crosswatch_shapes(ops: TraktOps, cw_cfg: dict[str, Any]) -> None:
    """CrossWatch's history toggles reach the feature options (collection, number fallback)."""
    from crosswatch_trakt.config import PairOptions
    from crosswatch_trakt.crosswatch.hostconfig import pair_options

    cw_cfg["trakt"].update(history_collection=True, history_collection_types="movies,shows")
    cw_cfg["trakt"]["history_number_fallback"] = True
    options = PairOptions.from_pair(pair_options(cw_cfg)).history
    assert options.number_fallback is True
    assert (options.add_collections.movies, options.add_collections.shows) == (True, True)
    cw_cfg["trakt"]["history_collection"] = False
    off = PairOptions.from_pair(pair_options(cw_cfg)).history.add_collections
    assert (off.movies, off.shows) == (False, False)


def test_playlists_are_not_a_plain_feature(ops: TraktOps, cw_cfg: dict[str, Any]) -> None:
    """Playlists are served per list (the playlist methods); a plain add is a clear error."""
    from crosswatch_trakt.errors import FeatureNotSupported

    assert ops.build_index(cw_cfg, feature="playlists") == {}  # the demo account has no lists
    with pytest.raises(FeatureNotSupported, match="list by list"):
        ops.add(cw_cfg, [{"type": "movie"}], feature="playlists")
