"""ARK-means, RK-means and k'-means against scikit-learn's KMeans, and at scale.

Three tables, all on ``make_blobs`` data (5 groups, d = 2, z-scored), one
thread for every library (threadpoolctl), timed interleaved (A B C ... per
round, medians):

1. **N sweep at the defaults** (initial k = 10): ARKMeans, RKMeans and
   KPrimeMeans against scikit-learn's ``KMeans(n_clusters=10)`` with one
   start and with ten (``n_init=10``, the fair baseline), for N = 1k, 10k,
   100k; with ARK-means' peak memory (tracemalloc) and the K it ends with.
   Goal: N = 100k in at most 10 s and 1 GB.
2. **N = 1M, k = 1000** (the large case): the assignment is blocked by a
   memory budget, so the peak stays near the size of X and one block.
   Goal: within 2 GB. A full run takes many iterations of about a second
   each, so this row runs a fixed number of iterations (``MAX_ITER_1M``)
   for both libraries, once (raise ``ROUNDS_1M`` for medians); ms per
   iteration is the comparable figure.

Run: ``cd benchmarks && ../.venv/bin/python arkmeans.py`` (about 3 minutes;
``BENCH_QUICK=1`` for a few seconds).
"""

import subprocess
import sys

import numpy as np
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import make_blobs

import tutorcluster as tc
from tutorcluster.datasets import zscore

from _timing import compare, machine, peak_memory, quick, ratio_table, write_section

ROUNDS = 2 if quick() else 5
SIZES = [1_000, 5_000] if quick() else [1_000, 10_000, 100_000]
N_LARGE, K_LARGE = (20_000, 100) if quick() else (1_000_000, 1_000)
MAX_ITER_1M = 3
ROUNDS_1M = 1


def data(n):
    X, _ = make_blobs(n_samples=n, centers=5, n_features=2, random_state=0)
    return zscore(X)


def sweep():
    rows, extra = [], []
    for n in SIZES:
        X = data(n)
        contenders = {
            "ARKMeans": lambda: tc.ARKMeans(10, random_state=0, record_every=0).fit(X),
            "RKMeans": lambda: tc.RKMeans(10, random_state=0, record_every=0).fit(X),
            "KPrimeMeans": lambda: tc.KPrimeMeans(10, random_state=0, record_every=0).fit(X),
            "sklearn n_init=1": lambda: SklearnKMeans(10, n_init=1, random_state=0).fit(X),
            "sklearn n_init=10": lambda: SklearnKMeans(10, n_init=10, random_state=0).fit(X),
        }
        rows.append((f"N = {n:,}", compare(contenders, rounds=ROUNDS, threads=1)))
        model = tc.ARKMeans(10, random_state=0, record_every=0).fit(X)
        peak = peak_memory(lambda: tc.ARKMeans(10, random_state=0, record_every=0).fit(X))
        peak_default = peak_memory(lambda: tc.ARKMeans(10, random_state=0).fit(X))
        extra.append(f"| {n:,} | {model.n_clusters_} | {model.n_iter_} | {peak / 2**20:.1f} | "
                     f"{peak_default / 2**20:.1f} |")
    table = ratio_table(rows, ours="ARKMeans")
    memory = ("| N | ARK-means K | iterations | peak MB (record_every=0) | peak MB (default history) |\n"
              "|---|---|---|---|---|\n" + "\n".join(extra))
    return table, memory


def process_peak(statement, n, k):
    """Peak resident memory (MB) of a fresh process that builds the data and runs ``statement``."""
    code = ("import resource, numpy as np, tutorcluster as tc\n"
            "from sklearn.datasets import make_blobs\n"
            "from sklearn.cluster import KMeans as SklearnKMeans\n"
            f"X, _ = make_blobs(n_samples={n}, centers=5, n_features=2, random_state=0)\n"
            "X = tc.datasets.zscore(X)\n"
            f"{statement}\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"})
    return float(out.stdout.split()[-1])


def large():
    X = data(N_LARGE)
    start = X[np.random.default_rng(0).choice(len(X), K_LARGE, replace=False)]
    ark = lambda: tc.ARKMeans(K_LARGE, max_iter=MAX_ITER_1M, random_state=0, record_every=0).fit(X)
    sk = lambda: SklearnKMeans(K_LARGE, init=start, n_init=1, max_iter=MAX_ITER_1M, tol=0,
                               algorithm="lloyd").fit(X)
    times = compare({"ARKMeans": ark, "sklearn lloyd": sk}, rounds=ROUNDS_1M, threads=1)
    peak = peak_memory(ark)
    peak_sk = peak_memory(sk)
    rss_ark = process_peak(f"tc.ARKMeans({K_LARGE}, max_iter={MAX_ITER_1M}, random_state=0, "
                           f"record_every=0).fit(X)", N_LARGE, K_LARGE)
    rss_kmeans = process_peak(f"tc.KMeans({K_LARGE}, max_iter={MAX_ITER_1M}, random_state=0, "
                              f"record_every=0).fit(X)", N_LARGE, K_LARGE)
    rss_none = process_peak("pass", N_LARGE, K_LARGE)
    lines = [f"N = {N_LARGE:,}, d = 2, k = {K_LARGE}, {MAX_ITER_1M} iterations each, "
             f"{ROUNDS_1M} round(s), one thread.", "",
             "| | ms per iteration | peak MB (tracemalloc) |", "|---|---|---|",
             f"| ARKMeans | {1e3 * times['ARKMeans'] / MAX_ITER_1M:.0f} | {peak / 2**20:.0f} |",
             f"| sklearn KMeans (lloyd) | {1e3 * times['sklearn lloyd'] / MAX_ITER_1M:.0f} | "
             f"{peak_sk / 2**20:.0f} |",
             "", f"Peak resident memory of a fresh process (data + fit, ru_maxrss): ARKMeans "
             f"{rss_ark:.0f} MB, tc.KMeans (k-means++ start) {rss_kmeans:.0f} MB; the data "
             f"alone {rss_none:.0f} MB. Goal: at most 2 GB (before: 11.3 GB for ARK-means).",
             "", f"X itself takes {X.nbytes / 2**20:.0f} MB; the full N x k distance matrix "
             f"would take {8 * N_LARGE * K_LARGE / 2**30:.1f} GB. scikit-learn's Cython "
             "allocates outside Python's allocator, so tracemalloc undercounts it."]
    return "\n".join(lines)


def main():
    table, memory = sweep()
    text = "\n\n".join([
        f"Machine: {machine()}. One thread for every library; the machine was shared with "
        f"other jobs, so absolute times are inflated, ratios (interleaved) less so. "
        f"{ROUNDS} interleaved rounds, medians. Data: make_blobs(N, centers=5, d=2), z-scored; "
        f"initial k = 10 for the three repulsive / penalised methods, k = 10 for scikit-learn.",
        "### N sweep (defaults)", table,
        "### ARK-means memory and result", memory,
        "### Large case", large(),
    ])
    write_section("arkmeans", "ARK-means, RK-means, k'-means vs scikit-learn KMeans", text)


if __name__ == "__main__":
    main()
