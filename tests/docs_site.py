"""Check the built documentation site: every fenced block of the sources became a code block.

Run after ``mkdocs build`` (``tox -e docs``): ``python tests/docs_site.py docs SITE``. A fence
Python-Markdown does not take (inside a numbered list, say) leaves its backticks and language
name as text; this finds the page, and says how many blocks it expected.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

__all__ = ["fenced_blocks", "main", "page_of", "problems"]

FENCE = re.compile(r"^\s*(```|~~~)")
PRE = re.compile(r"<pre\b")


def fenced_blocks(markdown: str) -> int:
    """Return how many fenced code blocks ``markdown`` holds."""
    fences = sum(1 for line in markdown.splitlines() if FENCE.match(line))
    return fences // 2


def page_of(source: Path, docs: Path, site: Path) -> Path:
    """Return the built page of ``source`` (``cli.md`` -> ``cli/index.html``)."""
    relative = source.relative_to(docs).with_suffix("")
    if relative.name == "index":
        return site / relative.parent / "index.html"
    return site / relative / "index.html"


def problems(docs: Path, site: Path) -> list[str]:
    """Return a sentence per page whose fenced blocks did not all become code blocks."""
    found = []
    for source in sorted(docs.rglob("*.md")):
        expected = fenced_blocks(source.read_text(encoding="utf-8"))
        page = page_of(source, docs, site)
        if not page.exists():
            found.append(f"{source}: no built page {page}")
            continue
        html = page.read_text(encoding="utf-8")
        blocks = len(PRE.findall(html))
        if blocks < expected or "```" in html:
            found.append(f"{source}: {expected} fenced block(s), {blocks} code block(s) in {page}")
    return found


def main(argv: list[str]) -> int:
    """Check ``SITE`` against ``DOCS``; print the problems and return 1 if any."""
    docs, site = Path(argv[0]), Path(argv[1])
    found = problems(docs, site)
    for problem in found:
        print(problem, file=sys.stderr)
    print(f"{len(found)} page(s) with fenced blocks not rendered as code", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
