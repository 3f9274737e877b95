"""Configuration: the TOML file, environment variables and flags, and their precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from crosswatch_trakt.cli.exitcodes import CliError
from crosswatch_trakt.cli.settings import load_settings

CONFIG = """
state_dir = "~/trakt-state"

[trakt]
client_id = "file-id"
client_secret = "file-secret"
page_size = 100

[pair.features.history]
number_fallback = true
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_file_values_are_read(tmp_path: Path) -> None:
    """The [trakt] table, state_dir and the [pair] table come from the file."""
    path = _write(tmp_path, CONFIG)
    settings = load_settings({"HOME": str(tmp_path)}, config=str(path))
    assert settings.trakt == {
        "client_id": "file-id",
        "client_secret": "file-secret",
        "page_size": 100,
    }
    assert settings.state_dir == Path.home() / "trakt-state"
    assert settings.pair == {"features": {"history": {"number_fallback": True}}}


def test_default_config_path_follows_xdg(tmp_path: Path) -> None:
    """Without --config the file is $XDG_CONFIG_HOME/crosswatch-trakt/config.toml."""
    folder = tmp_path / "xdg" / "crosswatch-trakt"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(CONFIG)
    settings = load_settings({"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert settings.trakt["client_id"] == "file-id"


def test_missing_default_file_is_fine(tmp_path: Path) -> None:
    """A missing default config file gives empty settings and the XDG state folder."""
    settings = load_settings({"XDG_CONFIG_HOME": str(tmp_path), "XDG_STATE_HOME": "/s"})
    assert settings.trakt == {}
    assert settings.state_dir == Path("/s/crosswatch-trakt")


def test_environment_beats_file_and_flags_beat_environment(tmp_path: Path) -> None:
    """Env vars override the file; --base-url and --state-dir override both."""
    path = _write(tmp_path, CONFIG)
    environ = {
        "TRAKT_CLIENT_ID": "env-id",
        "CROSSWATCH_TRAKT_CLIENT_SECRET": "env-secret",
        "TRAKT_CLIENT_SECRET": "ignored",
        "CROSSWATCH_TRAKT_BASE_URL": "https://env.example",
        "CROSSWATCH_TRAKT_STATE_DIR": "/env-state",
    }
    settings = load_settings(
        environ, config=str(path), base_url="http://127.0.0.1:8765", state_dir="/flag-state"
    )
    assert settings.trakt["client_id"] == "env-id"
    assert settings.trakt["client_secret"] == "env-secret"
    assert settings.trakt["base_url"] == "http://127.0.0.1:8765"
    assert settings.state_dir == Path("/flag-state")


def test_base_url_points_oauth_there_too(tmp_path: Path) -> None:
    """--base-url sets auth_url as well, unless it is the real API or auth_url is given."""
    emulator = load_settings({}, config=None, base_url="http://127.0.0.1:8765")
    assert emulator.trakt["auth_url"] == "http://127.0.0.1:8765"
    real = load_settings({}, base_url="https://api.trakt.tv")
    assert "auth_url" not in real.trakt
    explicit = load_settings({}, base_url="http://127.0.0.1:1", auth_url="http://127.0.0.1:2")
    assert explicit.trakt["auth_url"] == "http://127.0.0.1:2"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[trakt\nclient_id = 1", "not valid TOML"),
        ("client_id = 'x'", "unknown top-level key(s) client_id"),
        ("trakt = 5", "trakt must be a table"),
        ("state_dir = 5", "state_dir must be a string"),
    ],
)
def test_bad_files_are_usage_errors(tmp_path: Path, text: str, message: str) -> None:
    """A broken or misshapen config file is a usage error that names the problem."""
    path = _write(tmp_path, text)
    with pytest.raises(CliError) as info:
        load_settings({}, config=str(path))
    assert info.value.code == 2
    assert message in str(info.value)


def test_config_file_is_used_by_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """CROSSWATCH_TRAKT_CONFIG names the file a command reads."""
    path = _write(tmp_path, "[trakt]\nclient_id = 'file-id'\nbase_url = 'http://127.0.0.1:9'\n")
    monkeypatch.setenv("CROSSWATCH_TRAKT_CONFIG", str(path))
    from crosswatch_trakt.cli.main import main

    assert main(["--state-dir", str(tmp_path / "s"), "snapshot", "watchlist"]) == 3
    assert "login" in capsys.readouterr().err
