"""Run the command as ``python -m crosswatch_trakt.cli``."""

from __future__ import annotations

from crosswatch_trakt.cli.main import main

raise SystemExit(main())
