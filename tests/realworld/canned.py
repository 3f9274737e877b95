"""A loopback server that answers with recorded live-API answers, and a shape comparison."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

FULL = ("Page", "Limit", "Page-Count", "Item-Count")


@attrs.frozen
class Listing:
    """A recorded list answer: its rows, paged at ``limit``, and which headers it carried."""

    rows: list[dict[str, Any]]
    limit: int = 250
    headers: tuple[str, ...] = FULL
    item_count: int | None = None
    #: an unpaged request gets every row on one page (``pagination optional``, #919)
    optional: bool = False
    #: a page past the last answers the last page again (some servers clamp ``page``)
    clamp: bool = False

    def answer(self, args: Mapping[str, str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """Return the rows and headers the live API sends for a request with ``args``."""
        unpaged = self.optional and "page" not in args and "limit" not in args
        limit = max(1, len(self.rows)) if unpaged else self.limit
        page = int(args.get("page", "1"))
        if self.clamp:
            page = min(page, max(1, -(-len(self.rows) // limit)))
        rows = self.rows[(page - 1) * limit : page * limit]
        values = {
            "Page": page,
            "Limit": limit,
            "Page-Count": -(-len(self.rows) // limit),
            "Item-Count": len(self.rows) if self.item_count is None else self.item_count,
        }
        return rows, {f"X-Pagination-{k}": str(values[k]) for k in self.headers}


@attrs.define
class Canned:
    """The WSGI app: each path answers its recorded body or ``Listing``; the rest is 404."""

    answers: dict[str, Any]
    requests: list[tuple[str, dict[str, str]]] = attrs.Factory(list)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request from the recorded answers."""
        request = Request(environ)
        self.requests.append((request.path, dict(request.args)))
        found = self.answers.get(request.path)
        if found is None:
            response = Response(b"", status=404)
        elif isinstance(found, Listing):
            rows, headers = found.answer(request.args)
            response = Response(json.dumps(rows), headers=headers, content_type="application/json")
        else:
            response = Response(json.dumps(found), content_type="application/json")
        result: Iterable[bytes] = response(environ, start_response)
        return result


def shape(value: Any, key: str | None = None) -> Any:
    """Return the shape of a JSON value: keys and scalar types (``ids`` contents vary by age)."""
    if key == "ids":
        return "ids"
    if isinstance(value, dict):
        return {k: shape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return "null" if value is None else type(value).__name__


def same_shape(recorded: Any, emulated: Any, where: str = "$") -> list[str]:
    """Return where two shapes differ (a recorded ``null`` matches any scalar: nullable)."""
    if isinstance(recorded, dict) and isinstance(emulated, dict):
        problems = [f"{where}: keys {sorted(set(recorded) ^ set(emulated))}"]
        if set(recorded) == set(emulated):
            problems = []
            for k in recorded:
                problems += same_shape(recorded[k], emulated[k], f"{where}.{k}")
        return problems
    if isinstance(recorded, list) and isinstance(emulated, list):
        if len(recorded) != len(emulated):
            return [f"{where}: {len(recorded)} rows vs {len(emulated)}"]
        found: list[str] = []
        for i, (a, b) in enumerate(zip(recorded, emulated, strict=True)):
            found += same_shape(a, b, f"{where}[{i}]")
        return found
    if "null" in (recorded, emulated) and not isinstance(recorded, (dict, list)):
        return []
    return [] if recorded == emulated else [f"{where}: {recorded} vs {emulated}"]
