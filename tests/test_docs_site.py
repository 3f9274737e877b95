"""The built-site check of ``tox -e docs``: it finds a fenced block that did not become code."""

from __future__ import annotations

from pathlib import Path

from tests.docs_site import fenced_blocks, page_of, problems


def _site(tmp_path: Path, html: str) -> tuple[Path, Path]:
    docs, site = tmp_path / "docs", tmp_path / "site"
    docs.mkdir()
    (docs / "index.md").write_text("1. step\n\n    ```sh\n    run\n    ```\n", encoding="utf-8")
    site.mkdir()
    (site / "index.html").write_text(html, encoding="utf-8")
    return docs, site


def test_a_fence_rendered_as_inline_code_is_found(tmp_path: Path) -> None:
    """A list's fence that came out as ``<code>sh run</code>`` is named with its page."""
    docs, site = _site(tmp_path, "<ol><li><p>step</p><p><code>sh\nrun</code></p></li></ol>")
    found = problems(docs, site)
    assert len(found) == 1
    assert "1 fenced block(s), 0 code block(s)" in found[0]


def test_a_fence_rendered_as_a_code_block_passes(tmp_path: Path) -> None:
    """A fence that became ``<pre><code>`` is fine."""
    docs, site = _site(tmp_path, "<ol><li><p>step</p><pre><code>run</code></pre></li></ol>")
    assert problems(docs, site) == []


def test_pages_and_fences_are_counted_like_mkdocs(tmp_path: Path) -> None:
    """``cli.md`` is ``cli/index.html``; two fence lines are one block."""
    docs, site = tmp_path / "docs", tmp_path / "site"
    assert page_of(docs / "cli.md", docs, site) == site / "cli" / "index.html"
    assert page_of(docs / "features" / "index.md", docs, site) == site / "features" / "index.html"
    assert fenced_blocks("```toml\na = 1\n```\n\n~~~\nb\n~~~\n") == 2
