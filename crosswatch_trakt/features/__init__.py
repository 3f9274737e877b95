"""The Trakt features: each one module with a ``SPEC``, listed in ``features.registry``.

``features.engine`` runs the present-state features (watchlist, ratings) from their specs;
``features.history`` brings its own engine for exactly-once plays. Both write through the
one chunked-write loop in ``features.writer``.
"""
