"""Run the benchmark: ``python -m crosswatch_trakt.testing.bench [--small] [...]``."""

from __future__ import annotations

from crosswatch_trakt.testing.bench.bench import main

if __name__ == "__main__":
    raise SystemExit(main())
