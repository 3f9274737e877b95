"""The package's layers: data flows one way, and no module imports its way back in a circle.

Every ``import`` in ``crosswatch_trakt`` is read with ``ast`` (function-local and
``TYPE_CHECKING`` imports included) and held against ``docs/architecture.md``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "crosswatch_trakt"
ROOT = "crosswatch_trakt"

#: (rank, layer name, module prefixes): a module may import its own layer and lower ranks.
#: Two layers of one rank (the Trakt client and the media model; the benchmark and the rest of
#: ``testing``: its facade, pytest plugin and cassettes) may not import each other.
LAYERS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (0, "errors", ("crosswatch_trakt._version", "crosswatch_trakt.errors")),
    (1, "support", ("crosswatch_trakt.support",)),
    (2, "config", ("crosswatch_trakt.config",)),
    (3, "media", ("crosswatch_trakt.media",)),
    (3, "trakt", ("crosswatch_trakt.trakt",)),
    (4, "features", ("crosswatch_trakt.features",)),
    (
        5,
        "front doors",
        (
            "crosswatch_trakt.hostspec",
            "crosswatch_trakt.plugin",
            "crosswatch_trakt.crosswatch",
        ),
    ),
    (6, "facade", ("crosswatch_trakt",)),
    (7, "emulator", ("crosswatch_trakt.testing.emulator",)),
    (8, "benchmark", ("crosswatch_trakt.testing.bench",)),
    (8, "testing", ("crosswatch_trakt.testing",)),
    (9, "cli", ("crosswatch_trakt.cli",)),
)


def module_name(path: Path) -> str:
    """Return the dotted name of a module file under the package."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> tuple[int, str]:
    """Return the rank and name of the most specific layer that holds ``module``."""
    best: tuple[int, int, str] | None = None
    for rank, name, prefixes in LAYERS:
        for prefix in prefixes:
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[0]):
                best = (len(prefix), rank, name)
    assert best is not None, f"{module} is in no layer: add it to LAYERS and the docs"
    return best[1], best[2]


def imports_of(module: str) -> Iterator[tuple[str, int]]:
    """Yield the package modules ``module`` imports, with the line of each import."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == ROOT:
                    yield _resolve(alias.name), node.lineno
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}:{node.lineno} uses a relative import"
            base = node.module or ""
            if base.split(".")[0] != ROOT:
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield (sub if sub in MODULES else _resolve(base)), node.lineno


def _resolve(name: str) -> str:
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


GRAPH: dict[str, set[str]] = {
    module: {target for target, _ in imports_of(module) if target != module} for module in MODULES
}


def import_circles() -> list[list[str]]:
    """Return every strongly connected group of two or more modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return circles


def test_the_graph_was_read() -> None:
    """The scan finds the package's modules and the imports between them."""
    assert "crosswatch_trakt.plugin" in MODULES
    assert "crosswatch_trakt.features.watchlist" in GRAPH["crosswatch_trakt.plugin"] or any(
        target.startswith("crosswatch_trakt.features")
        for target in GRAPH["crosswatch_trakt.plugin"]
    )
    assert sum(len(targets) for targets in GRAPH.values()) > 100


def test_no_import_circles() -> None:
    """No module imports its way back to itself, not even for type checking."""
    assert import_circles() == []


def test_circles_are_found() -> None:
    """The circle finder reports a circle when one is there (a check of the check)."""
    GRAPH["crosswatch_trakt.support.clock"].add("crosswatch_trakt.support.log")
    GRAPH["crosswatch_trakt.support.log"].add("crosswatch_trakt.support.clock")
    try:
        assert ["crosswatch_trakt.support.clock", "crosswatch_trakt.support.log"] in (
            import_circles()
        )
    finally:
        GRAPH["crosswatch_trakt.support.clock"].discard("crosswatch_trakt.support.log")
        GRAPH["crosswatch_trakt.support.log"].discard("crosswatch_trakt.support.clock")


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_down(module: str) -> None:
    """A module imports only its own layer and the layers below it (see architecture.md)."""
    rank, name = layer_of(module)
    wrong = []
    for target, line in imports_of(module):
        target_rank, target_name = layer_of(target)
        if target_name != name and target_rank >= rank:
            wrong.append(f"line {line}: {target} ({target_name})")
    assert wrong == [], f"{module} ({name}) imports upward or sideways: {wrong}"


def test_every_layer_is_documented() -> None:
    """docs/architecture.md names every layer's folder or module."""
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for _rank, _name, prefixes in LAYERS:
        for prefix in prefixes:
            path = prefix.removeprefix(ROOT + ".").replace(".", "/")
            if prefix == ROOT or not any(
                m == prefix or m.startswith(prefix + ".") for m in MODULES
            ):
                continue
            shown = f"`{path}/`" if (PACKAGE / path).is_dir() else f"`{path}.py`"
            assert shown in text, f"docs/architecture.md does not mention {shown}"


def test_module_file_names_are_unique() -> None:
    """No two modules of the package share a file name, so each is found by its name alone."""
    names = sorted(p.name for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")
    shared = {name for name in names if names.count(name) > 1} - {"__main__.py"}
    assert shared == set(), f"modules sharing a file name: {sorted(shared)}"
