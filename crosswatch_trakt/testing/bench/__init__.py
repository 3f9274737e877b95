"""The request-count and speed benchmark: ``python -m crosswatch_trakt.testing.bench``.

``bench.py`` runs the scenarios as the host, ``bench_scenarios.py`` serves the emulator in a
child process, ``bench_restore.py`` is the restore scenario (R) and ``bench_report.py``
writes the tables and the targets. See ``docs/performance.md``.
"""
