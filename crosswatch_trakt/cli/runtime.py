"""What every command gets: its arguments, output streams, progress, and the host (lazily)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import BinaryIO

import attrs

from crosswatch_trakt.cli.host import CliHost
from crosswatch_trakt.cli.progressbar import Progress
from crosswatch_trakt.cli.render import Out
from crosswatch_trakt.cli.settings import load_settings
from crosswatch_trakt.support.clock import Clock

__all__ = ["Runtime"]


@attrs.define
class Runtime:
    """One command invocation: ``args``, ``out`` (results), ``progress`` (stderr), ``host``."""

    args: argparse.Namespace
    out: Out
    progress: Progress
    environ: Mapping[str, str] = attrs.field(repr=False)
    clock: Clock | None = attrs.field(default=None, repr=False)
    stdin: BinaryIO | None = attrs.field(default=None, repr=False)
    _host: CliHost | None = attrs.field(default=None, repr=False)

    @property
    def host(self) -> CliHost:
        """Return the host, built on first use from the flags, environment and config file."""
        if self._host is None:
            settings = load_settings(
                self.environ,
                config=self.args.config,
                base_url=self.args.base_url,
                auth_url=self.args.auth_url,
                state_dir=self.args.state_dir,
            )
            self._host = CliHost(settings, self.progress, clock=self.clock)
        return self._host
