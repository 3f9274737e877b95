"""The CrossWatch front door: a drop-in for CrossWatch's own Trakt sync module.

CrossWatch loads sync providers from a fixed registry of modules and uses each module's
``OPS`` object. Point its ``TRAKT`` entry at this module (``docs/crosswatch.md``) and the
engine runs this adapter's features, account and state, in its own keys and shapes. Nothing
here imports CrossWatch; inside a running CrossWatch its key function and config store are
used.
"""

from __future__ import annotations

from typing import Any

from crosswatch_trakt.crosswatch.ops import TraktOps

__all__ = ["OPS", "TraktOps", "get_manifest"]

#: the object CrossWatch's registry loads
OPS = TraktOps()


def get_manifest() -> dict[str, Any]:
    """Return the provider manifest CrossWatch's providers list and analyzer look for."""
    return OPS.manifest()
