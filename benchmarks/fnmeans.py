"""Time FN-means on 10,000 x 784 generated data, against FINCH when it is installed.

Prints one table (wall time, best of REPEATS runs, every contender on THREADS
BLAS threads): the level-1 first-neighbour search and the whole hierarchy
(float64 and float32 search), scikit-learn's exact brute-force 1-NN for
reference, and the reference FINCH package (``finch-clust``, Euclidean
distance, no early exit) when it can be imported; then the peak memory of
each (tracemalloc) and how many level-1 first neighbours FINCH agrees on.

    .venv/bin/python benchmarks/fnmeans.py [n_samples]

FINCH is optional: install it in a separate environment to compare, e.g.
``python -m venv /tmp/finch && /tmp/finch/bin/pip install finch-clust`` plus
this package; the row is skipped when ``import finch`` fails.
"""

import os
import sys
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from tutorcluster.fnmeans import FNMeans, first_neighbours

N_SAMPLES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
N_FEATURES = 784   # MNIST-sized vectors, as in the paper's MNIST-10K
N_CLASSES = 10
REPEATS = 3        # best of 3: the machine may be shared
THREADS = 1        # BLAS threads for every contender; one core is the steadiest comparison


def digit_like_data(n_samples, n_features, seed=0):
    """Ten classes on 20-dimensional subspaces plus noise, scaled to [-1, 1].

    Like images, each class varies along a few directions only, so first
    neighbours are meaningful (pure isotropic noise in 784-d would make every
    distance nearly equal).
    """
    rng = np.random.default_rng(seed)
    labels = rng.integers(N_CLASSES, size=n_samples)
    prototypes = rng.uniform(-1, 1, size=(N_CLASSES, n_features))
    directions = rng.normal(size=(N_CLASSES, 20, n_features)) / np.sqrt(n_features)
    coefficients = rng.normal(size=(n_samples, 20)) * 4
    X = prototypes[labels] + np.einsum("nk,nkf->nf", coefficients, directions[labels])
    X += 0.3 * rng.normal(size=X.shape)
    return np.clip(X, -1, 1)


def measure(function):
    """Best wall time of REPEATS calls, then the peak traced memory of one more call."""
    seconds = float("inf")
    with threadpool_limits(limits=THREADS):
        for _ in range(REPEATS):
            start = time.perf_counter()
            result = function()
            seconds = min(seconds, time.perf_counter() - start)
        tracemalloc.start()
        function()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return result, seconds, peak / 2**20


def finch_reference(X):
    """FINCH with Euclidean distance and no early exit, or None if not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "pynndescent is not installed"
            from finch import FINCH
    except ImportError:
        return None
    return lambda: FINCH(X, distance="euclidean", ensure_early_exit=False, verbose=False)


def main():
    X = digit_like_data(N_SAMPLES, N_FEATURES)
    print(f"FN-means benchmark: {N_SAMPLES} x {N_FEATURES} generated data, "
          f"{THREADS} BLAS thread(s) of {os.cpu_count()} CPUs, NumPy {np.__version__}, "
          f"best of {REPEATS} runs")
    rows = []

    kappa64, t, mem = measure(lambda: first_neighbours(X)[0])
    rows.append(("level-1 first neighbours, float64", t, mem))
    kappa32, t, mem = measure(lambda: first_neighbours(X, dtype="float32")[0])
    rows.append(("level-1 first neighbours, float32", t, mem))
    model, t_all64, mem = measure(lambda: FNMeans(record_every=0).fit(X))
    rows.append((f"whole hierarchy ({model.n_levels_} levels), float64", t_all64, mem))
    _, t_all32, mem = measure(lambda: FNMeans(dtype="float32", record_every=0).fit(X))
    rows.append(("whole hierarchy, float32", t_all32, mem))
    brute = NearestNeighbors(n_neighbors=2, algorithm="brute")
    nn, t, mem = measure(lambda: brute.fit(X).kneighbors(X, return_distance=False))
    rows.append(("sklearn brute-force 1-NN (C++ buffers untraced)", t, mem))

    finch = finch_reference(X)
    if finch is not None:
        (partitions, counts, _), t_finch, mem = measure(finch)
        rows.append((f"FINCH, finch-clust ({len(counts)} partitions)", t_finch, mem))

    print()
    print(f"{'what':<46} {'seconds':>8} {'peak MiB':>9}")
    for name, seconds, peak in rows:
        print(f"{name:<46} {seconds:8.2f} {peak:9.0f}")
    print()
    print(f"levels: clusters per level {[len(m) for m in model.level_means_]}")
    print(f"float32 search agrees with float64 on {np.mean(kappa32 == kappa64):.4%} of first neighbours")
    print(f"sklearn brute-force 1-NN agrees on {np.mean(nn[:, 1] == kappa64):.4%}")
    if finch is None:
        print("FINCH (finch-clust) is not installed: comparison skipped.")
        return
    agree = np.mean([len(set(zip(a, b))) == len(set(a)) == len(set(b))
                     for a, b in zip(model.level_labels_, partitions.T)])
    print(f"FINCH partitions: {list(counts)}; ours: {[len(m) for m in model.level_means_]}; "
          f"identical partitions on {agree:.0%} of the shared levels")
    print(f"time ratio FINCH / FN-means (whole hierarchy): float64 {t_finch / t_all64:.2f}, "
          f"float32 {t_finch / t_all32:.2f}")


if __name__ == "__main__":
    main()
