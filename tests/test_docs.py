"""Every hook and every configuration key has its own section in docs/."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from crosswatch_trakt import hostspec
from crosswatch_trakt.config import HistoryOptions, TraktConfig
from crosswatch_trakt.features.registry import REGISTRY
from crosswatch_trakt.hostspec import REASONS

DOCS = Path(__file__).resolve().parent.parent / "docs"
HEADING = re.compile(r"^#{2,4} `([^`]+)`", re.MULTILINE)


def _sections() -> set[str]:
    return {m for path in DOCS.rglob("*.md") for m in HEADING.findall(path.read_text())}


def _hooks() -> list[str]:
    return [name for name in dir(hostspec) if hasattr(getattr(hostspec, name), "crosswatch_spec")]


def _config_keys(cls: type, prefix: str = "") -> list[str]:
    keys = []
    for field in attrs.fields(attrs.resolve_types(cls)):
        keys.append(prefix + field.name)
        if isinstance(field.type, type) and attrs.has(field.type):
            keys.extend(_config_keys(field.type, f"{prefix}{field.name}."))
    return keys


def _all_config_keys() -> list[str]:
    return _config_keys(TraktConfig) + _config_keys(HistoryOptions, "history.")


def test_hooks_found() -> None:
    """The hook list the docs test checks is the thirteen hooks of the contract."""
    assert len(_hooks()) == 13


@pytest.mark.parametrize("hook", _hooks())
def test_every_hook_documented(hook: str) -> None:
    """Each hook in hostspec has a section headed with its name in docs/."""
    assert hook in _sections(), f"docs/ has no '### `{hook}`' section"


@pytest.mark.parametrize("key", _all_config_keys())
def test_every_config_key_documented(key: str) -> None:
    """Each TraktConfig field and pair option has a section headed with its key in docs/."""
    assert key in _sections(), f"docs/ has no '### `{key}`' section"


def test_every_reason_documented() -> None:
    """Each reason code appears in the host contract's reason table."""
    text = (DOCS / "host-contract.md").read_text()
    for reason in REASONS:
        assert f"| `{reason}` |" in text


def test_every_reason_has_troubleshooting_advice() -> None:
    """Each reason code has a row in the troubleshooting page saying what to do."""
    text = (DOCS / "troubleshooting.md").read_text()
    for reason in REASONS:
        assert f"| `{reason}`" in text, f"docs/troubleshooting.md has no row for {reason}"


@pytest.mark.parametrize("feature", sorted(REGISTRY))
def test_every_feature_has_its_page(feature: str) -> None:
    """Each feature of the registry has ``docs/features/<name>.md`` in the site's navigation."""
    page = DOCS / "features" / f"{feature}.md"
    assert page.is_file(), f"docs/features/{feature}.md is missing"
    assert f'feature="{feature}"' in page.read_text()
    assert f"features/{feature}.md" in (DOCS.parent / "mkdocs.yml").read_text()


@pytest.mark.parametrize("feature", sorted(REGISTRY))
def test_every_feature_index_file_is_documented(feature: str) -> None:
    """Each feature's index file has its section in ``docs/state-files.md``."""
    name = REGISTRY[feature].files.index
    assert f"`{name}`" in (DOCS / "state-files.md").read_text(), name
