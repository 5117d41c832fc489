"""Helpers of ``scripts/bench.py``: one module per measured section, plus shared statistics.

Nothing here is imported by the client packages or the tests of the clients; the bench is kept
out of ``make test`` (only ``tests/bench/test_bench_smoke.py`` runs ``bench.py --quick``).
"""
