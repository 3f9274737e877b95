"""``import``: the removal guard, and a restore that behaves the same whatever its route."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from crosswatch_trakt.testing import FakeTrakt
from crosswatch_trakt.testing.emulator.builders import seed_demo
from tests.cli.conftest import Runner


@pytest.fixture
def seeded(logged_in: FakeTrakt) -> FakeTrakt:
    """Return the logged-in emulator with alice's demo library."""
    seed_demo(logged_in, "alice")
    return logged_in


class _Terminal(io.BytesIO):
    """Standard input that claims to be a terminal, with a typed answer."""

    def isatty(self) -> bool:
        return True


def _empty_file(tmp_path: Path) -> Path:
    path = tmp_path / "empty.json"
    path.write_text("{}")
    return path


def test_wiping_a_feature_needs_yes(seeded: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """An empty file with --remove-missing is refused without --yes and writes nothing."""
    path = _empty_file(tmp_path)
    seeded.clear_log()
    ran = cli("import", str(path), "--features", "history", "--remove-missing")
    assert ran.code == 2
    assert "history: 0 to add, 14 to remove, 0 unchanged" in ran.out
    assert "this import removes 14 of the 14 history item(s) on Trakt" in ran.err
    assert "--yes" in ran.err
    assert seeded.log_count("POST") == 0
    assert len(seeded.users["alice"].history) == 14
    done = cli("import", str(path), "--features", "history", "--remove-missing", "--yes")
    assert done.code == 0, done.out
    assert not seeded.users["alice"].history


def test_dry_run_is_never_guarded(seeded: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """A dry run shows a large removal without asking for --yes."""
    ran = cli("import", str(_empty_file(tmp_path)), "--features", "history", "--remove-missing",
              "--dry-run")  # fmt: skip
    assert ran.code == 0
    assert "removes: 14 would be written" in ran.out


def test_terminal_asks_after_showing_the_plan(
    seeded: FakeTrakt, cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the plan is printed, then a typed ``yes`` lets the removal through."""
    path = _empty_file(tmp_path)
    for answer in (b"no\n", b"y\n", b"YES!\n"):  # only the word asked for lets it through
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(_Terminal(answer)))
        refused = cli("import", str(path), "--features", "watchlist", "--remove-missing")
        assert refused.code == 2
        assert "This import removes 6 of the 6 watchlist item(s) on Trakt" in refused.err
        assert "Type yes to go on" in refused.err
        assert len(seeded.users["alice"].watchlist) == 6
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(_Terminal(b"yes\n")))
    ran = cli("import", str(path), "--features", "watchlist", "--remove-missing")
    assert ran.code == 0
    assert ran.out.index("watchlist: 0 to add, 6 to remove") < ran.out.index("removes: 6")
    assert not seeded.users["alice"].watchlist


def test_thresholds_come_from_the_config_file(
    seeded: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """``[import] max_remove_count`` lowers the count a removal may reach without --yes."""
    watchlist = json.loads(cli("snapshot", "watchlist", "--json").out)
    keep = dict(sorted(watchlist.items())[:5])
    path = tmp_path / "five.json"
    path.write_text(json.dumps(keep))
    assert cli("import", str(path), "--features", "watchlist", "--remove-missing",
               "--dry-run").code == 0  # fmt: skip
    config = tmp_path / "config.toml"
    config.write_text("[import]\nmax_remove_count = 0\nmax_remove_share = 1.0\n")
    ran = cli("--config", str(config), "import", str(path), "--features", "watchlist",
              "--remove-missing")  # fmt: skip
    assert ran.code == 2
    assert "removes 1 of the 6 watchlist item(s)" in ran.err
    config.write_text("[import]\nmax_remove_share = 2\n")
    bad = cli("--config", str(config), "status")
    assert bad.code == 2
    assert "max_remove_share" in bad.err


def _collected(fake: FakeTrakt) -> int:
    return len(fake.users["alice"].collection)


def test_restore_writes_collections_only_when_asked(
    seeded: FakeTrakt, cli: Runner, tmp_path: Path
) -> None:
    """A history restore collects nothing by default; --add-collections movies collects."""
    path = tmp_path / "backup.json"
    assert cli("export", "--out", str(path), "--features", "history").code == 0
    seeded.add_user("alice")
    ran = cli("import", str(path))
    assert ran.code == 0, ran.out
    assert _collected(seeded) == 0
    seeded.add_user("alice")
    asked = cli("import", str(path), "--add-collections", "movies")
    assert asked.code == 0, asked.out
    assert "collection: 6 added" in asked.out
    assert _collected(seeded) == 6


def test_resumed_restore_collects_the_same(seeded: FakeTrakt, cli: Runner, tmp_path: Path) -> None:
    """A restore run again after its plays landed writes the same collection entries."""
    path = tmp_path / "backup.json"
    assert cli("export", "--out", str(path), "--features", "history").code == 0
    seeded.add_user("alice")
    assert cli("import", str(path)).code == 0  # the "interrupted" first route: no collections
    resumed = cli("import", str(path), "--add-collections", "movies,shows")
    assert resumed.code == 0, resumed.out
    assert "history: 0 to add" in resumed.out
    assert _collected(seeded) == 6 + 7  # six movies, and Breaking Bad's seven episodes
    fresh_json = cli("import", str(path), "--add-collections", "movies,shows", "--json")
    report = json.loads(fresh_json.out)
    assert report["collection"]["existing"] == 13
    assert cli("import", str(path), "--add-collections", "films").code == 2
