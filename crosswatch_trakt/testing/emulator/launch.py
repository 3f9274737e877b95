"""The emulator's command-line options: the account to seed, and the faults to inject.

Shared by ``python -m crosswatch_trakt.testing`` and ``crosswatch-trakt emulator``: the demo
account, or a synthetic one of a given size, or an empty account on the same catalogue.
"""

from __future__ import annotations

import argparse
import re
import socket
from typing import Any

import attrs

from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.testing.emulator.builders import seed_demo, seed_sized
from crosswatch_trakt.testing.emulator.fake import FakeTrakt
from crosswatch_trakt.testing.emulator.faults import KINDS, Fault
from crosswatch_trakt.testing.emulator.responses import PagingQuirks

__all__ = ["add_arguments", "build_fake", "parse_fault", "parse_paging", "start"]

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
    fields: dict[str, Any] = {}
    known = {field.name for field in attrs.fields(Fault)} | {"path_re"}
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the serving, seeding and fault options to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765; 0: any)")
    parser.add_argument("--user", default="alice", help="the emulator's user (default alice)")
    parser.add_argument(
        "--size", type=int, metavar="N",
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


def start(fake: FakeTrakt, host: str, port: int) -> str:
    """Start serving and return the URL; a port in use raises ``OSError`` (never exits).

    werkzeug prints advice and calls ``sys.exit`` when it cannot bind, so the port is tried
    first, the way the server binds it (``SO_REUSEADDR``).
    """
    if port:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    return fake.start(host, port)


def build_fake(args: argparse.Namespace, clock: Clock, **options: Any) -> FakeTrakt:
    """Return an emulator seeded and faulted as ``args`` say."""
    fake = FakeTrakt(
        clock=clock,
        rate_limits=not args.no_rate_limits,
        edge_rate_limits=getattr(args, "edge_limits", False),
        auto_approve=None if args.no_auto_approve else args.user,
        **options,
    )
    if args.size is not None:
        seed_sized(fake, args.user, args.size, seed=args.seed, empty=args.empty)
    else:
        seed_demo(fake, args.user, empty=args.empty)
    for fault in args.fault:
        fake.faults.add(fault)
    if getattr(args, "paging", None) is not None:
        fake.paging = args.paging
    return fake
