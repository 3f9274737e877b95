"""The emulator's command-line options: the account to seed, the faults to inject, the address.

Shared by ``python -m crosswatch_trakt.testing`` and ``crosswatch-trakt emulator``. Light on
purpose: building a parser imports nothing beyond the standard library (``crosswatch-trakt
--help`` stays fast); the fault and paging classes are imported when an option is parsed.
Every bad value is an ``argparse`` error: one sentence and exit 2, never a traceback.
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING, Any

from crosswatch_trakt.testing.emulator.fault_kinds import KINDS

if TYPE_CHECKING:
    from crosswatch_trakt.testing.emulator.faults import Fault
    from crosswatch_trakt.testing.emulator.responses import PagingQuirks

__all__ = [
    "FAULT_HELP",
    "PAGING_HELP",
    "add_arguments",
    "parse_fault",
    "parse_paging",
    "port_number",
    "size_number",
]

FAULT_HELP = (
    "inject a fault, e.g. 'kind=status,status=503,method=GET,path=/sync/watchlist,times=2' "
    "(keys: kind, method, path, path_re, status, times (n or always), page, html, "
    "retry_after, seconds, hostile, size; kinds: " + ", ".join(KINDS) + "); repeatable"
)
_INTS = {"status", "page", "size"}
_FLOATS = {"seconds", "retry_after"}


def _value(key: str, text: str) -> Any:
    if key in _INTS:
        return int(text)
    if key in _FLOATS:
        return None if text == "none" else float(text)
    if key == "times":
        return None if text in ("always", "none") else int(text)
    if key == "html":
        return text.lower() in ("1", "true", "yes")
    if key == "path_re":
        return re.compile(text)
    return text


def parse_fault(spec: str) -> Fault:
    """Return the ``Fault`` of ``key=value,...`` (``argparse`` type: errors are usage errors)."""
    import attrs

    from crosswatch_trakt.testing.emulator.faults import Fault

    known = {field.name for field in attrs.fields(Fault)} | {"path_re"}
    fields: dict[str, Any] = {}
    for part in filter(None, (piece.strip() for piece in spec.split(","))):
        key, sep, text = part.partition("=")
        key = key.strip()
        if not sep or key not in known:
            raise argparse.ArgumentTypeError(
                f"bad fault part {part!r}: use key=value, {FAULT_HELP}"
            )
        try:
            fields["path" if key == "path_re" else key] = _value(key, text.strip())
        except (ValueError, re.error) as exc:
            raise argparse.ArgumentTypeError(f"bad fault value {part!r}: {exc}") from exc
    try:
        return Fault(**fields)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; kinds: {', '.join(KINDS)}") from exc


PAGING_HELP = (
    "bend paginated answers like the live API, e.g. 'drop_counts,item_count_offset=10' "
    "(keys: drop_counts, drop_type, item_count_offset=N, filter_every=N, unpaged_limit=N)"
)


def parse_paging(spec: str) -> PagingQuirks:
    """Return the ``PagingQuirks`` of ``name[=value],...`` (``argparse`` type)."""
    from crosswatch_trakt.testing.emulator.responses import PagingQuirks

    fields: dict[str, Any] = {}
    flags = {"drop_counts", "drop_type"}
    numbers = {"item_count_offset", "filter_every", "unpaged_limit"}
    for part in filter(None, (piece.strip() for piece in spec.split(","))):
        key, sep, text = part.partition("=")
        key = key.strip()
        try:
            if key in flags and not sep:
                fields[key] = True
            elif key in numbers and sep:
                fields[key] = int(text)
            else:
                raise ValueError("unknown switch")
        except ValueError as exc:
            message = f"bad paging part {part!r} ({exc}): {PAGING_HELP}"
            raise argparse.ArgumentTypeError(message) from exc
    return PagingQuirks(**fields)


def _whole(text: str, what: str, low: int, high: int | None) -> int:
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        upper = f" to {high}" if high is not None else " or more"
        raise argparse.ArgumentTypeError(
            f"{what} must be a whole number {low}{upper}, not {text!r}"
        )
    return number


def port_number(text: str) -> int:
    """Return a TCP port, 0 (any free one) to 65535 (``argparse`` type)."""
    return _whole(text, "the port", 0, 65535)


def size_number(text: str) -> int:
    """Return an account size, 1 or more items (``argparse`` type)."""
    return _whole(text, "the size", 1, None)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the serving, seeding and fault options to ``parser``."""
    parser.add_argument(
        "--host", default="127.0.0.1",
        help="address to bind, IPv4 or IPv6 (default 127.0.0.1)",
    )  # fmt: skip
    parser.add_argument(
        "--port", type=port_number, default=8765, help="port (default 8765; 0: any free one)"
    )
    parser.add_argument("--user", default="alice", help="the emulator's user (default alice)")
    parser.add_argument(
        "--size", type=size_number, metavar="N",
        help="seed a synthetic account of about N items (7%% watchlist, 13%% ratings, the "
        "rest plays) instead of the demo account",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=1, help="the synthetic account's seed")
    parser.add_argument(
        "--empty", action="store_true",
        help="an empty account on the same catalogue (with --size: the same synthetic titles)",
    )  # fmt: skip
    parser.add_argument("--no-rate-limits", action="store_true", help="do not enforce them")
    parser.add_argument(
        "--edge-limits", action="store_true",
        help="limit like Trakt's edge: no X-Ratelimit, HTML 429 and a 5-minute block",
    )  # fmt: skip
    parser.add_argument("--paging", type=parse_paging, default=None, help=PAGING_HELP)
    parser.add_argument(
        "--no-auto-approve", action="store_true", help="device logins wait for approval"
    )
    parser.add_argument("--fault", action="append", type=parse_fault, default=[], help=FAULT_HELP)
