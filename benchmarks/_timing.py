"""The one timing harness every benchmark script uses.

How we measure, so that two numbers side by side mean something:

* **Interleaved.** The contenders run in turn, A B A B ..., for ``rounds``
  rounds, so a slow moment of the machine (another process, a thermal dip)
  hits both alike instead of one.
* **Medians**, not means or minima, and the **ratio** of the medians.
* **Threads fixed** with threadpoolctl (``threads=1`` by default: our code
  is NumPy and the reference libraries would otherwise use every core), and
  stated in the table.
* **The same data** for every contender; each case may also check that the
  answers agree before it is timed.

Each script calls :func:`compare` per case and :func:`write_section` once;
``make benchmarks`` runs every script and joins the sections into
``benchmarks/RESULTS.md`` with the machine they ran on.

Speed is never asserted in the tests: the tests assert equality with the
readable path, and this folder measures.
"""

import os
import platform
import statistics
import time
import tracemalloc
from pathlib import Path

from threadpoolctl import threadpool_info, threadpool_limits

RESULTS = Path(__file__).with_name("results")


def best_time(function, repeats=3):
    """The shortest wall-clock time of ``repeats`` calls of ``function``, and its last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def quick():
    """True when ``BENCH_QUICK=1``: scripts then shrink their sweeps (for smoke tests)."""
    return os.environ.get("BENCH_QUICK") == "1"


def compare(contenders, *, rounds=5, threads=1):
    """Time ``contenders`` interleaved and return their median times.

    Parameters
    ----------
    contenders : dict
        ``{name: function of no arguments}``; the first is the one the
        ratios are taken against ("ours").
    rounds : int, default=5
        Rounds of A B C ...; each contender runs once per round.
    threads : int or None, default=1
        BLAS and OpenMP threads for every call (None leaves them alone).

    Returns
    -------
    medians : dict
        ``{name: median seconds}``, in the order given.
    """
    times = {name: [] for name in contenders}
    limit = threadpool_limits(threads) if threads is not None else None
    try:
        for _ in range(rounds):
            for name, function in contenders.items():
                start = time.perf_counter()
                function()
                times[name].append(time.perf_counter() - start)
    finally:
        if limit is not None:
            limit.unregister()
    return {name: statistics.median(values) for name, values in times.items()}


def peak_memory(function):
    """Peak memory that ``function()`` allocates through Python and NumPy, in bytes.

    tracemalloc sees NumPy's allocations (NumPy reports them to it), not
    those of compiled libraries that bypass Python's allocator.
    """
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def ratio_table(rows, *, ours, unit="s"):
    """A markdown table of median times with the ratio of each to ``ours``.

    Parameters
    ----------
    rows : list of (str, dict)
        ``(case description, {name: median seconds})``.
    ours : str
        The contender the ratios divide by.
    """
    names = list(rows[0][1]) if rows else []
    scale = {"s": 1.0, "ms": 1e3}[unit]
    header = "| case | " + " | ".join(f"{n} ({unit})" for n in names) + " | " + " | ".join(
        f"{n} / {ours}" for n in names if n != ours) + " |"
    lines = [header, "|" + "---|" * (1 + 2 * len(names) - 1)]
    for case, medians in rows:
        cells = [f"{scale * medians[n]:.4g}" for n in names]
        ratios = [f"{medians[n] / medians[ours]:.2f}x" for n in names if n != ours]
        lines.append(f"| {case} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


def machine():
    """One line naming the machine, Python, NumPy's BLAS and the thread setting."""
    import numpy as np

    blas = ", ".join(sorted({f"{i['internal_api']} {i.get('version') or ''}".strip()
                             for i in threadpool_info()}))
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"NumPy {np.__version__} ({blas})")


def write_section(name, title, text):
    """Write one script's results to ``benchmarks/results/<name>.md`` (and print them)."""
    RESULTS.mkdir(exist_ok=True)
    body = f"## {title}\n\n{text.strip()}\n"
    (RESULTS / f"{name}.md").write_text(body, encoding="utf-8")
    print(body)
