"""The ``crosswatch-trakt`` command: a small host that loads the plugin through pluggy.

Install it with the ``cli`` extra; see ``docs/cli.md``. The entry point is
``crosswatch_trakt.cli.main:main``.
"""
