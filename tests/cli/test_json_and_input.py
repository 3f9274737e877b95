"""``--json`` everywhere, failures included; bad input as one sentence and exit 2."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from crosswatch_trakt.cli.main import main
from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.builders import seed_demo
from tests.cli.conftest import Runner


def _one_object(text: str) -> dict[str, object]:
    document = json.loads(text)
    assert isinstance(document, dict)
    return document


def test_a_refused_removal_is_a_json_failure(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """A mass removal refused for lack of --yes prints the error object on stdout and exits 2."""
    seed_demo(logged_in, "alice")
    path = tmp_path / "empty.json"
    path.write_text("{}")
    ran = cli("import", str(path), "--features", "history", "--remove-missing", "--json")
    assert ran.code == 2
    failure = _one_object(ran.out)
    assert failure["exit_code"] == 2
    assert failure["reason"] == "removal_not_confirmed"
    assert "removes 14 of the 14 history item(s)" in str(failure["error"])


@pytest.mark.parametrize(
    "argv",
    [
        ("snapshot", "nonsense", "--json"),
        ("--json", "import"),
        ("state", "reset", "--json", "--bogus"),
    ],
)
def test_usage_errors_are_json_too(cli: Runner, argv: tuple[str, ...]) -> None:
    """A bad command line with --json gives the error object and one sentence on stderr."""
    ran = cli(*argv)
    assert ran.code == 2
    assert _one_object(ran.out)["reason"] == "usage"
    assert ran.err.count("\n") == 1
    assert "usage:" not in ran.err


def test_login_required_is_a_json_failure(emulator_env: FakeTrakt, cli: Runner) -> None:
    """Not logged in, a reporting command says so once, naming the command to run."""
    ran = cli("snapshot", "watchlist", "--json")
    assert ran.code == 3
    failure = _one_object(ran.out)
    assert failure["reason"] == "auth_required"
    assert ran.err.count("crosswatch-trakt login") == 1
    assert "device login first" not in ran.err


def test_every_reporting_command_takes_json(logged_in: FakeTrakt, cli: Runner) -> None:
    """login, logout, state and its actions, config and demo answer with one JSON object."""
    assert _one_object(cli("login", "--json").out)["logged_in"] is True
    assert "files" in _one_object(cli("state", "--json").out)
    assert _one_object(cli("state", "clear-holds", "--json").out)["cleared"] == 0
    assert isinstance(_one_object(cli("state", "reset", "--json").out)["deleted"], list)
    assert "trakt" in _one_object(cli("config", "--json").out)
    assert _one_object(cli("logout", "--purge", "--json").out)["revoked"] is True


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo's --json report has every step's cost and the verdict, and nothing else."""
    assert main(["demo", "--json", "-q"]) == 0
    report = _one_object(capsys.readouterr().out)
    assert report["verified"] is True
    assert [step["name"] for step in report["steps"]][-1] == "second_pass"  # type: ignore[index]


def test_demo_does_not_repeat_its_step_titles(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo reports each step's cost itself: no ``...: done in 0.0 s`` echo on stderr."""
    assert main(["demo"]) == 0
    assert "done in" not in capsys.readouterr().err


def test_config_shows_sources_and_masks_secrets(
    emulator_env: FakeTrakt, cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``config`` names each setting's source and never prints the secret or a token."""
    config = tmp_path / "config.toml"
    config.write_text('[trakt]\ntimeout = 12\naccess_token = "tok-abcdef"\ncolour = "red"\n')
    config.chmod(0o600)
    ran = cli("--config", str(config), "config")
    assert ran.code == 0, ran.err
    assert emulator_env.client_secret not in ran.out + ran.err
    assert "tok-abcdef" not in ran.out + ran.err
    assert "timeout" in ran.out
    assert "[config file]" in ran.out
    assert "[environment TRAKT_CLIENT_SECRET]" in ran.out
    assert "[environment CROSSWATCH_TRAKT_BASE_URL]" in ran.out
    assert "colour is not a setting" in ran.out
    document = _one_object(cli("--config", str(config), "config", "--json").out)
    trakt = document["trakt"]
    assert isinstance(trakt, dict)
    assert trakt["client_secret"]["value"] == "*** (set)"
    assert trakt["page_size"]["source"] == "default"


def test_a_typo_in_pair_features_is_refused(cli: Runner, tmp_path: Path) -> None:
    """``[pair.features.histroy]`` is a usage error naming the features, not silently ignored."""
    config = tmp_path / "config.toml"
    config.write_text("[pair.features.histroy]\nnumber_fallback = true\n")
    config.chmod(0o600)
    ran = cli("--config", str(config), "state")
    assert ran.code == 2
    assert "histroy" in ran.err
    assert "choose from watchlist, ratings, history" in ran.err


def test_a_backup_of_another_feature_is_refused(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """A watchlist snapshot imported as ratings is refused before any plan, with exit 2."""
    seed_demo(logged_in, "alice")
    path = tmp_path / "watchlist.json"
    path.write_text(cli("snapshot", "watchlist", "--json").out)
    logged_in.clear_log()
    ran = cli("import", str(path), "--features", "ratings")
    assert ran.code == 2
    assert "holds no ratings" in ran.err
    assert logged_in.log_count("POST") == 0


def test_a_dry_run_says_checking_not_adding(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """A dry run's steps say what they check; nothing claims to be adding."""
    path = tmp_path / "ratings.json"
    item = {"type": "movie", "title": "Heat", "year": 1995, "ids": {"tmdb": 949}, "rating": 8}
    path.write_text(json.dumps({"ratings": [item]}))
    ran = cli("import", str(path), "--dry-run")
    assert ran.code == 0, ran.err
    assert "checking 1 item(s) to add (dry run)" in ran.err
    assert "adding" not in ran.err


def test_export_through_a_dangling_symlink_is_private(
    logged_in: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """``export --out`` through a dangling symlink creates its target with mode 0600."""
    link = tmp_path / "backup.json"
    link.symlink_to(tmp_path / "target.json")
    assert cli("export", "--out", str(link)).code == 0
    assert stat.S_IMODE(os.stat(tmp_path / "target.json").st_mode) == 0o600


def test_logout_purge_leaves_no_lock_file(
    logged_in: FakeTrakt, cli: Runner, state_dir: Path
) -> None:
    """``logout --purge`` deletes the folder's lock files along with the caches."""
    assert cli("export", "--features", "watchlist,ratings,history").code == 0
    assert list(state_dir.glob(".*.lock"))
    ran = cli("logout", "--purge")
    assert ran.code == 0, ran.err
    assert "lock file(s)" in ran.out
    assert not list(state_dir.glob(".*.lock"))


@pytest.mark.parametrize(
    ("flag", "said"),
    [
        (("--size", "-5"), "the size must be a whole number 1 or more"),
        (("--port", "99999"), "the port must be a whole number 0 to 65535"),
        (("--fault", "kind=explode"), "kinds:"),
    ],
)
def test_emulator_bad_input_is_one_sentence(
    capsys: pytest.CaptureFixture[str], flag: tuple[str, ...], said: str
) -> None:
    """The emulator's bad options end in one sentence and exit 2, never a traceback."""
    assert main(["emulator", *flag]) == 2
    err = capsys.readouterr().err
    assert said in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_completion_scripts_know_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """The bash, zsh and fish scripts name every command and its options."""
    for shell in ("bash", "zsh", "fish"):
        assert main(["completion", shell]) == 0
        text = capsys.readouterr().out
        for word in ("login", "snapshot", "clear-holds", "--dry-run", "--log-file", "config"):
            assert (word if shell != "fish" else word.lstrip("-")) in text, (shell, word)
