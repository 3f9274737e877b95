"""crosswatch-trakt: the Trakt adapter for the CrossWatch media-sync engine."""

from crosswatch_trakt._version import __version__

__all__ = ["__version__"]
