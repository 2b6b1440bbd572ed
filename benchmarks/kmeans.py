"""tutorcluster.KMeans against scikit-learn's KMeans: N sweep, and N = 1M with k = 1000.

Both start from the same centres, run Lloyd's algorithm with one thread
(threadpoolctl) and give the same labels (checked below, and in
tests/test_kmeans.py). Timed interleaved, medians. Ours records two
snapshots per iteration by default; ``record_every=0`` builds only the last.

1. N = 1k, 10k, 100k (d = 2, k = 8, the defaults), five rounds; peak memory
   of our fit (tracemalloc). Goal: 100k within 10 s and 1 GB.
2. N = 1M, k = 1000: a fixed number of iterations, once; the peak resident
   memory of a fresh process. Goal: within 2 GB.

Run: ``cd benchmarks && ../.venv/bin/python kmeans.py`` (``BENCH_QUICK=1``: seconds).
"""

import numpy as np
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import make_blobs

import tutorcluster as tc

from _timing import compare, machine, peak_memory, quick, ratio_table, write_section
from arkmeans import process_peak

ROUNDS = 2 if quick() else 5
SIZES = [1_000, 5_000] if quick() else [1_000, 10_000, 100_000]
N_LARGE, K_LARGE = (20_000, 100) if quick() else (1_000_000, 1_000)
MAX_ITER_LARGE = 3


def data(n):
    X, _ = make_blobs(n_samples=n, centers=5, n_features=2, random_state=0)
    return tc.datasets.zscore(X)


def main():
    rows, memory = [], []
    for n in SIZES:
        X = data(n)
        start = tc.KMeans(8, random_state=0, max_iter=1).fit(X).init_centers_
        ours = lambda: tc.KMeans(8, init=start).fit(X)
        thin = lambda: tc.KMeans(8, init=start, record_every=0).fit(X)
        theirs = lambda: SklearnKMeans(8, init=start, n_init=1, algorithm="lloyd").fit(X)
        a, b = thin(), theirs()
        assert a.n_iter_ == b.n_iter_ and np.array_equal(a.labels_, b.labels_)
        rows.append((f"N = {n:,} ({a.n_iter_} iterations)",
                     compare({"tc.KMeans": ours, "tc.KMeans record_every=0": thin,
                              "sklearn lloyd": theirs}, rounds=ROUNDS, threads=1)))
        memory.append(f"| {n:,} | {peak_memory(ours) / 2**20:.1f} | {peak_memory(thin) / 2**20:.1f} |")

    X = data(N_LARGE)
    start = X[np.random.default_rng(0).choice(len(X), K_LARGE, replace=False)]
    big = compare({
        "tc.KMeans": lambda: tc.KMeans(K_LARGE, init=start, max_iter=MAX_ITER_LARGE, tol=0,
                                       record_every=0).fit(X),
        "sklearn lloyd": lambda: SklearnKMeans(K_LARGE, init=start, n_init=1, max_iter=MAX_ITER_LARGE,
                                               tol=0, algorithm="lloyd").fit(X),
    }, rounds=1, threads=1)
    rss = process_peak(f"tc.KMeans({K_LARGE}, max_iter={MAX_ITER_LARGE}, random_state=0, "
                       f"record_every=0).fit(X)", N_LARGE, K_LARGE)
    rss_data = process_peak("pass", N_LARGE, K_LARGE)
    text = "\n\n".join([
        f"Machine: {machine()}. One thread; the machine was shared with other jobs (absolute "
        f"times inflated). {ROUNDS} interleaved rounds, medians; same start, same labels.",
        ratio_table(rows, ours="tc.KMeans", unit="ms"),
        "| N | peak MB (default history) | peak MB (record_every=0) |\n|---|---|---|\n"
        + "\n".join(memory),
        f"**N = {N_LARGE:,}, k = {K_LARGE}** ({MAX_ITER_LARGE} iterations, one round; the "
        f"k-means++ start is not included): tc.KMeans "
        f"{1e3 * big['tc.KMeans'] / MAX_ITER_LARGE:.0f} ms per iteration, scikit-learn "
        f"{1e3 * big['sklearn lloyd'] / MAX_ITER_LARGE:.0f} ms "
        f"({big['tc.KMeans'] / big['sklearn lloyd']:.1f}x). Peak resident memory of a fresh "
        f"process fitting tc.KMeans (k-means++ start included): {rss:.0f} MB "
        f"(the data alone: {rss_data:.0f} MB). Goal: at most 2 GB.",
    ])
    write_section("kmeans", "tutorcluster.KMeans vs scikit-learn KMeans", text)


if __name__ == "__main__":
    main()
