"""Reliability harness: gunicorn on loopback, a fixed-concurrency load generator, and the figures.

``python -m stress`` (what ``make stress`` runs) plays the long form of ``tests/reliability``
and prints the summary table; the test suite plays the short form with the same code.
"""
