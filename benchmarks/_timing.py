"""The one timing helper every benchmark script uses.

Benchmarks report the *fastest* of a few runs: on a shared machine the
slower runs measure the other programs as much as ours.
"""

import time


def best_time(function, repeats=3):
    """The shortest wall-clock time of ``repeats`` calls of ``function``, and its last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result
