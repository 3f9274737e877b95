"""Run the stand-in in its own process: ``python -m tests.standin --port 0 --token T``.

It prints ``STANDIN <base url>`` on one line once it serves, and stops when its standard
input closes (so a parent that dies takes it along) or on SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys

from tests.standin.catalog import Catalog
from tests.standin.trakt_standin import Limits, TraktStandin


def main(argv: list[str] | None = None) -> int:
    """Serve until standard input closes."""
    parser = argparse.ArgumentParser(prog="python -m tests.standin")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default="standin-token")
    parser.add_argument("--client-id", default=None)
    parser.add_argument("--get-limit", type=int, default=500)
    parser.add_argument("--get-period", type=float, default=300.0)
    parser.add_argument("--write-period", type=float, default=1.0)
    parser.add_argument("--seconds-per-entry", type=float, default=0.0)
    parser.add_argument("--max-entries", type=int, default=None)
    parser.add_argument("--movies", type=int, default=Catalog.movies)
    parser.add_argument("--shows", type=int, default=Catalog.shows)
    parser.add_argument("--preload", default="{}", help='JSON: {"movie_plays": N, ...}')
    args = parser.parse_args(argv)
    limits = Limits(
        args.get_limit, args.get_period, args.write_period, args.seconds_per_entry, args.max_entries
    )
    catalog = Catalog(movies=args.movies, shows=args.shows)
    standin = TraktStandin(args.token, args.client_id, catalog, limits, port=args.port)
    standin.preload(**json.loads(args.preload))
    print("STANDIN", standin.start(), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        sys.stdin.read()
    standin.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
