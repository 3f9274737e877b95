"""Run the emulator standalone: ``python -m crosswatch_trakt.testing --port 8765``."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

from crosswatch_trakt.support.clock import SystemClock
from crosswatch_trakt.testing.emulator.launch import add_arguments, build_fake, start


def main(argv: Sequence[str] | None = None) -> int:
    """Serve a seeded emulator until interrupted; print URL, client and tokens."""
    parser = argparse.ArgumentParser(prog="python -m crosswatch_trakt.testing")
    add_arguments(parser)
    parser.add_argument("--token-lifetime", type=int, default=7 * 86400)
    args = parser.parse_args(argv)
    fake = build_fake(args, SystemClock(), token_lifetime=args.token_lifetime)
    tokens = fake.issue_tokens(args.user)
    try:
        url = start(fake, args.host, args.port)
    except OSError as exc:
        print(f"Cannot serve on {args.host}:{args.port} ({exc.strerror}).", file=sys.stderr)
        return 2
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
