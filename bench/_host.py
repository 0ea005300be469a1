"""How fast the host was while a benchmark ran.

This VM shares its cores with other machines: one pure-Python loop of 30 million additions
took from 0.71 s to 5.1 s on different hours of one day (2026-12-02), and every figure in
the table moves with it. So each
benchmark's rows are followed by the time of one fixed loop measured just before and just
after it: a reader can tell a change in the code from a change in the host, and compare
figures taken on different hours.
"""

from __future__ import annotations

import time

ADDITIONS = 10_000_000


def loop_seconds(runs: int = 3) -> float:
    """Best of ``runs`` timings of ``ADDITIONS`` integer additions in a Python loop (one core)."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        total = 0
        for i in range(ADDITIONS):
            total += i
        best = min(best, time.perf_counter() - start)
    return best
