"""The pytest plugin in someone else's pytest run: lazy, and quiet without its optional deps.

Installing the package registers the plugin in every pytest run of that environment
(CrossWatch's developers run pytest where this package is installed), so importing it must
cost nothing and a missing optional dependency must only fail a test that asked for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crosswatch_trakt.testing import pytest_plugin

#: a child Python that cannot import these (``sys.modules[name] = None`` makes import fail)
BLOCK = "import sys\nfor name in {names!r}: sys.modules[name] = None\n"
IMPORT_ONLY = """
import crosswatch_trakt.testing.pytest_plugin
from crosswatch_trakt.testing import cassettes
assert cassettes.scrub_body('{"code": "x"}') == '{"code":"REDACTED"}'
print(sorted(m for m in sys.modules if m.startswith("crosswatch_trakt.testing.")))
"""
FOREIGN_TEST = '''
def test_foreign():
    """A test of some other project."""
    assert 1 + 1 == 2


def test_wants_a_cassette(trakt_cassette):
    """A test that asks for the cassette fixture without vcrpy installed."""
'''


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_importing_the_plugin_loads_neither_the_emulator_nor_vcrpy(tmp_path: Path) -> None:
    """The plugin module and the cassette helpers import without werkzeug and vcrpy."""
    code = BLOCK.format(names=["vcr", "werkzeug", "hypothesis"]) + IMPORT_ONLY
    done = _python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "crosswatch_trakt.testing.emulator" not in done.stdout


def test_require_fails_the_test_in_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixture whose optional dependency is missing fails with what to install."""
    monkeypatch.setitem(sys.modules, "vcr", None)
    with pytest.raises(pytest.fail.Exception, match=r"trakt_cassette fixture needs vcrpy"):
        pytest_plugin.require("vcr", "trakt_cassette")


def test_foreign_run_without_vcrpy_errs_only_in_the_cassette_test(
    tmp_path: Path,
) -> None:
    """In a pytest run without vcrpy the plugin loads, and only the cassette test errs."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_foreign.py").write_text(FOREIGN_TEST, encoding="utf-8")
    code = BLOCK.format(names=["vcr"]) + (
        "import pytest\n"
        "raise SystemExit(pytest.main(['-p', 'no:cacheprovider', '-rfE', 'test_foreign.py']))\n"
    )
    done = _python(code, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 passed, 1 error" in done.stdout
    assert "the trakt_cassette fixture needs vcrpy" in done.stdout
    assert "Error while loading plugin" not in done.stdout + done.stderr


def test_facade_names_resolve_on_first_use() -> None:
    """Every name of ``crosswatch_trakt.testing.__all__`` resolves; others are AttributeError."""
    import crosswatch_trakt.testing as facade

    for name in facade.__all__:
        assert getattr(facade, name).__name__ == name
    assert set(facade.__all__) <= set(dir(facade))
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        _ = facade.Nothing  # type: ignore[attr-defined]
