"""TraktConfig and PairOptions: seed defaults, validation naming key and value, hidden secrets."""

from __future__ import annotations

from typing import Any

import pytest

from crosswatch_trakt.config import PairOptions, TraktConfig, WriteChunks
from crosswatch_trakt.errors import ConfigError


def test_seed_defaults() -> None:
    """An almost empty mapping gives the seed's defaults."""
    config = TraktConfig.from_mapping({"client_id": "abc"})
    assert config.rate_limit.get_per_sec == 3.33
    assert config.rate_limit.post_per_sec == 1.0
    assert config.page_size == 250
    assert config.write_chunk_size is None
    assert config.chunk_sizes() == WriteChunks(flat=2000, nested=2000, floor=10)
    assert config.base_url == "https://api.trakt.tv"
    assert config.auth_url == "https://auth.trakt.tv"
    options = PairOptions.from_pair(None)
    assert options.history.add_collections.movies is True
    assert options.history.add_collections.shows is False
    assert options.history.number_fallback is False


@pytest.mark.parametrize(
    ("mapping", "key", "value"),
    [
        ({"page_size": 300}, "page_size", "300"),
        ({"page_size": 0}, "page_size", "0"),
        ({"rate_limit": {"get_per_sec": "fast"}}, "rate_limit.get_per_sec", "'fast'"),
        ({"rate_limit": {"post_per_sec": -1}}, "rate_limit.post_per_sec", "-1"),
        ({"timeout": "soon"}, "timeout", "'soon'"),
        ({"base_url": "http://api.trakt.tv"}, "base_url", "http://api.trakt.tv"),
        ({"write_chunk_size": True}, "write_chunk_size", "True"),
        ({"write_chunk_size": 0}, "write_chunk_size", "0"),
        ({"write_chunks": {"flat": 0}}, "write_chunks.flat", "0"),
        ({"write_chunks": {"nested": "many"}}, "write_chunks.nested", "'many'"),
        ({"write_chunks": {"floor": -5}}, "write_chunks.floor", "-5"),
    ],
)
def test_bad_values_name_key_and_value(mapping: dict[str, Any], key: str, value: str) -> None:
    """A bad value raises ConfigError whose message names the key and the bad value."""
    with pytest.raises(ConfigError) as info:
        TraktConfig.from_mapping({"client_id": "abc", **mapping})
    assert info.value.key == key
    assert value in str(info.value)


@pytest.mark.parametrize(
    ("mapping", "sizes"),
    [
        ({"write_chunks": {"flat": 800, "nested": 50}}, WriteChunks(800, 50, 10)),
        ({"write_chunk_size": 100}, WriteChunks(100, 100, 10)),
        ({"write_chunk_size": 2, "write_chunks": {"flat": 900}}, WriteChunks(2, 2, 2)),
        ({"write_chunks": {"nested": 4, "floor": 25}}, WriteChunks(2000, 4, 4)),
    ],
    ids=["per-kind", "older-key", "older-key-wins", "floor-clamped"],
)
def test_chunk_sizes_in_force(mapping: dict[str, Any], sizes: WriteChunks) -> None:
    """write_chunk_size, when set, sizes every body kind; the floor never exceeds a size."""
    assert TraktConfig.from_mapping({"client_id": "abc", **mapping}).chunk_sizes() == sizes


def test_missing_client_id() -> None:
    """A config without client_id is a ConfigError naming client_id."""
    with pytest.raises(ConfigError, match="client_id"):
        TraktConfig.from_mapping({})


def test_loopback_http_allowed() -> None:
    """Plain http is accepted for loopback hosts (the emulator) only."""
    config = TraktConfig.from_mapping({"client_id": "a", "base_url": "http://127.0.0.1:8765"})
    assert config.base_url == "http://127.0.0.1:8765"


def test_unknown_keys_warn_once(capsys: pytest.CaptureFixture[str]) -> None:
    """Unknown keys are ignored with one warning naming them."""
    TraktConfig.from_mapping({"client_id": "a", "colour": "blue", "shape": 1})
    out = capsys.readouterr().out
    assert out.count("config.unknown_keys") == 1
    assert "colour" in out
    assert "shape" in out


def test_secrets_not_in_repr() -> None:
    """Tokens and the client secret never appear in TraktConfig's repr."""
    config = TraktConfig.from_mapping(
        {
            "client_id": "abc",
            "client_secret": "the-secret-value",
            "access_token": "the-access-token",
            "refresh_token": "the-refresh-token",
        }
    )
    text = repr(config)
    for secret in ("the-secret-value", "the-access-token", "the-refresh-token"):
        assert secret not in text


@pytest.mark.parametrize(
    "pair",
    [
        {"features": {"history": {"number_fallback": "yes"}}},
        {"features": {"history": {"add_collections": {"movies": 1}}}},
        {"features": "history"},
    ],
)
def test_pair_options_are_strict(pair: dict[str, Any]) -> None:
    """Pair options reject values that are not of their type instead of coercing them."""
    with pytest.raises(ConfigError):
        PairOptions.from_pair(pair)


def test_pair_options_read() -> None:
    """History pair options are read from pair["features"]["history"]."""
    options = PairOptions.from_pair(
        {"features": {"history": {"add_collections": {"shows": True}, "number_fallback": True}}}
    )
    assert options.history.add_collections.shows is True
    assert options.history.add_collections.movies is True
    assert options.history.number_fallback is True
