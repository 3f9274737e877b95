"""The Trakt emulator's modules; ``crosswatch_trakt.testing`` re-exports its public names.

``world.py`` holds its state (``catalog.py``, ``store.py``, ``token_store.py``,
``ratelimit.py``, ``faults.py``, ``virtual_clock.py``), ``app.py`` and ``endpoints_*.py`` are
its WSGI application, ``fake.py`` and ``server.py`` serve it, ``builders.py`` seeds it and
``launch.py`` starts it from a command line. See ``docs/emulator.md``.
"""
