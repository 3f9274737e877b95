"""Run the emulator standalone: ``python -m crosswatch_trakt.testing --port 8765``."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

from crosswatch_trakt.support.clock import SystemClock
from crosswatch_trakt.testing.builders import seed_demo
from crosswatch_trakt.testing.fake import FakeTrakt


def main(argv: Sequence[str] | None = None) -> int:
    """Serve a seeded emulator until interrupted; print URL, client and tokens."""
    parser = argparse.ArgumentParser(prog="python -m crosswatch_trakt.testing")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--user", default="alice")
    parser.add_argument("--empty", action="store_true", help="do not seed the demo account")
    parser.add_argument("--no-rate-limits", action="store_true")
    parser.add_argument("--no-auto-approve", action="store_true", help="device logins stay pending")
    parser.add_argument("--token-lifetime", type=int, default=7 * 86400)
    args = parser.parse_args(argv)
    fake = FakeTrakt(
        clock=SystemClock(),
        rate_limits=not args.no_rate_limits,
        token_lifetime=args.token_lifetime,
        auto_approve=None if args.no_auto_approve else args.user,
    )
    if args.empty:
        fake.add_user(args.user)
    else:
        seed_demo(fake, args.user)
    tokens = fake.issue_tokens(args.user)
    url = fake.start(args.host, args.port)
    print(f"Trakt emulator serving at {url}", flush=True)
    print(f"user:          {args.user}")
    print(f"client_id:     {fake.client_id}")
    print(f"client_secret: {fake.client_secret}")
    print(f"access_token:  {tokens['access_token']}")
    print(f"refresh_token: {tokens['refresh_token']}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
