"""What a release carries: a README that reads right on the package index, honest metadata.

The built artifacts themselves are proven by ``tox -e artifacts`` (``tests/release/``); these
checks read the sources they are built from, so they also run from the unpacked sdist.
"""

from __future__ import annotations

import configparser
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from crosswatch_trakt import __version__

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
REPO = "https://github.com/crosswatch-trakt/crosswatch-trakt"
#: ``[text](target)`` and ``![alt](target)``; ``[label]: target``; ``<scheme:...>``; HTML
LINKS = (
    re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)"),
    re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.MULTILINE),
    re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]+)>"),
    re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)"""),
)
FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)


def links(markdown: str) -> list[str]:
    """Return the link targets of ``markdown`` in order of the patterns, code left out."""
    text = CODE_SPAN.sub("", FENCE.sub("", markdown))
    return [target for pattern in LINKS for target in pattern.findall(text)]


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_link_reader_finds_every_kind_and_skips_code() -> None:
    """The link reader sees inline, image, reference, autolink and HTML links, not code."""
    sample = (
        "[a](docs/a.md) ![i](img.png) <https://x.example/z> [x][r]\n"
        '[r]: docs/r.md\n<a href="b.md">b</a> `[c](code.md)`\n'
        "```sh\n[d](fence.md)\n```\n"
    )
    assert links(sample) == ["docs/a.md", "img.png", "docs/r.md", "https://x.example/z", "b.md"]


def test_readme_links_are_absolute() -> None:
    """Every README link is an absolute https URL, so it works on the package index's page."""
    found = links(_readme())
    assert found, "the README has links"
    relative = [target for target in found if not target.startswith("https://")]
    assert relative == [], f"relative links break on the package index: {relative}"


@pytest.mark.parametrize(
    "target",
    sorted(
        {
            target
            for target in [*links(_readme()), *_pyproject()["project"]["urls"].values()]
            if target.startswith((f"{REPO}/blob/main/", f"{REPO}/tree/main/"))
        }
    ),
)
def test_repository_links_name_files_that_exist(target: str) -> None:
    """A README or project URL into the main branch names a file or folder of this tree."""
    path = target.split("/main/", 1)[1].split("#", 1)[0]
    assert (ROOT / path).exists(), f"{target} names {path}, which does not exist"


def test_project_urls_point_at_the_repository() -> None:
    """The project URLs are the repository's home, documentation, changelog and issues."""
    urls = _pyproject()["project"]["urls"]
    assert set(urls) == {"Homepage", "Documentation", "Repository", "Changelog", "Issues"}
    assert all(url.startswith(REPO) for url in urls.values())


def test_license_is_the_full_mit_text() -> None:
    """LICENSE is the whole MIT licence with its copyright line, and the metadata names it."""
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 crosswatch-trakt developers\n")
    assert "Permission is hereby granted, free of charge" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text
    project = _pyproject()["project"]
    assert (project["license"], project["license-files"]) == ("MIT", ["LICENSE"])


def test_version_is_the_newest_changelog_release() -> None:
    """``__version__`` is the newest dated release in the changelog, below Unreleased."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.MULTILINE)
    assert headings[0] == ("Unreleased", "")
    version, date = headings[1]
    assert version == __version__
    assert date, f"the release {version} has no date"
    assert f"[Unreleased]: {REPO}/compare/v{__version__}...HEAD" in text
    assert f"[{__version__}]: {REPO}/releases/tag/v{__version__}" in text


def test_python_classifiers_are_the_versions_tox_tests() -> None:
    """Each Python version classifier has its tox env; the lowest is requires-python's."""
    project = _pyproject()["project"]
    claimed = [
        c.rsplit(" ", 1)[1]
        for c in project["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    tox = configparser.ConfigParser()
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    label = tox["tox"]["labels"].split("pythons =", 1)[1].splitlines()[0]
    tested = [f"3.{env.strip()[3:]}" for env in label.split(",")]
    assert claimed == tested
    assert project["requires-python"] == f">={claimed[0]}"


def test_classifiers_say_what_the_package_provides() -> None:
    """Typed with py.typed, a pytest plugin with its entry point, POSIX for its fcntl locks."""
    project = _pyproject()["project"]
    classifiers = set(project["classifiers"])
    assert "Typing :: Typed" in classifiers
    assert (ROOT / "crosswatch_trakt" / "py.typed").is_file()
    assert "Framework :: Pytest" in classifiers
    assert "pytest11" in project["entry-points"]
    assert "Operating System :: POSIX" in classifiers
    assert "Operating System :: OS Independent" not in classifiers


def test_sdist_names_what_its_tests_and_docs_read() -> None:
    """The sdist's include list has the cassettes, docs, docker recipe, mkdocs.yml, LICENSE."""
    include = _pyproject()["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    needed = ["crosswatch_trakt", "tests", "cassettes", "docs", "docker", "mkdocs.yml", "LICENSE"]
    needed += ["README.md", "CHANGELOG.md", "tox.ini"]
    assert [name for name in needed if name not in include] == []
