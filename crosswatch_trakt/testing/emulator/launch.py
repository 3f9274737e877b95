"""Launching the emulator from its command-line options (``options``): seed, fault, serve.

Shared by ``python -m crosswatch_trakt.testing`` and ``crosswatch-trakt emulator``: the demo
account, or a synthetic one of a given size, or an empty account on the same catalogue.
"""

from __future__ import annotations

import argparse
import socket
from typing import Any

from crosswatch_trakt.support.clock import Clock
from crosswatch_trakt.testing.emulator.builders import seed_demo, seed_sized
from crosswatch_trakt.testing.emulator.fake import FakeTrakt
from crosswatch_trakt.testing.emulator.options import add_arguments, parse_fault, parse_paging

__all__ = ["add_arguments", "build_fake", "parse_fault", "parse_paging", "start"]


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
