"""Time ARK-means, RK-means and k'-means at N = 10,000 points and k = 100.

Prints, for each algorithm: the time of its first iteration (taken from
``iter_fit``), the time of a whole fit, the number of iterations, the mean
time per iteration and the clusters left. The force step alone (the
vectorised Eq. 3 for 100 centroids) is timed on its own, and the k-means
baselines (tutorcluster and scikit-learn, one start, Lloyd) give the scale.

Run: ``.venv/bin/python benchmarks/arkmeans.py`` (about half a minute).
"""

import time
from importlib.metadata import version

import numpy as np
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import make_blobs

import tutorcluster as tc
from tutorcluster.arkmeans import repulsion
from tutorcluster.datasets import zscore

from _timing import best_time

N_SAMPLES, N_CLUSTERS, N_FEATURES, N_CENTERS = 10_000, 100, 2, 5
REPEATS = 3  # best of 3 runs


def first_iteration(model, X):
    generator = model.iter_fit(X)
    start = time.perf_counter()
    next(generator)
    elapsed = time.perf_counter() - start
    generator.close()
    return elapsed


def main():
    X, _ = make_blobs(n_samples=N_SAMPLES, centers=N_CENTERS, n_features=N_FEATURES,
                      random_state=0)
    X = zscore(X)
    print(f"numpy {version('numpy')}, scikit-learn {version('scikit-learn')}, "
          f"tutorcluster {version('tutorcluster')}")
    print(f"data: make_blobs(N={N_SAMPLES}, centers={N_CENTERS}, d={N_FEATURES}), z-scored; "
          f"initial k = {N_CLUSTERS}; best of {REPEATS} runs\n")
    models = {
        "ARKMeans": lambda: tc.ARKMeans(N_CLUSTERS, random_state=0, record_every=0),
        "RKMeans": lambda: tc.RKMeans(N_CLUSTERS, random_state=0, record_every=0),
        "KPrimeMeans": lambda: tc.KPrimeMeans(N_CLUSTERS, random_state=0, record_every=0),
        "tc.KMeans (k-means++)": lambda: tc.KMeans(N_CLUSTERS, random_state=0, record_every=0),
    }
    header = f"{'algorithm':<24}{'1st iter (ms)':>14}{'fit (s)':>10}{'iters':>7}{'ms/iter':>10}{'K':>6}"
    print(header)
    print("-" * len(header))
    for name, make in models.items():
        first = min(first_iteration(make(), X) for _ in range(REPEATS))
        total, model = best_time(lambda: make().fit(X), REPEATS)
        K = getattr(model, "n_clusters_", model.cluster_centers_.shape[0])
        print(f"{name:<24}{first * 1e3:>14.1f}{total:>10.3f}{model.n_iter_:>7}"
              f"{total / model.n_iter_ * 1e3:>10.1f}{K:>6}")
    total, model = best_time(lambda: SklearnKMeans(N_CLUSTERS, n_init=1, algorithm="lloyd",
                                                   random_state=0).fit(X))
    print(f"{'sklearn KMeans (lloyd)':<24}{'':>14}{total:>10.3f}{model.n_iter_:>7}"
          f"{total / model.n_iter_ * 1e3:>10.1f}{N_CLUSTERS:>6}")

    mu = np.random.default_rng(0).normal(size=(N_CLUSTERS, N_FEATURES))
    w = np.random.default_rng(1).uniform(1, 2, N_CLUSTERS)
    forces, _ = best_time(lambda: repulsion(mu, w, 0.1), repeats=20)
    print(f"\nforce step alone (Eq. 3, {N_CLUSTERS} centroids, all pairs vectorised): "
          f"{forces * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
