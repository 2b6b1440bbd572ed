"""Per-iteration time of tutorcluster.KMeans against scikit-learn's Lloyd.

Data: 10,000 x 10, 8 clusters. Both start from the same centres and run the
same iterations (they agree exactly; see tests/test_kmeans.py). Ours also
records two snapshots per iteration (copies of labels and centres).
Target: within 3x of scikit-learn per iteration.

Run: python benchmarks/kmeans.py
"""

import time

import numpy as np
from sklearn.cluster import KMeans as SklearnKMeans
from threadpoolctl import threadpool_limits
from sklearn.datasets import make_blobs

import tutorcluster as tc

from _timing import best_time


def main():
    X, _ = make_blobs(n_samples=10_000, n_features=10, centers=8, cluster_std=4.0, random_state=0)
    start = tc.KMeans(n_clusters=8, init="random", random_state=0, max_iter=1).fit(X).init_centers_
    ours_time, ours = best_time(lambda: tc.KMeans(n_clusters=8, init=start).fit(X), 7)
    thin_time, _ = best_time(lambda: tc.KMeans(n_clusters=8, init=start, record_every=0).fit(X), 7)
    sk_time, theirs = best_time(lambda: SklearnKMeans(n_clusters=8, init=start, n_init=1,
                                                      algorithm="lloyd").fit(X), 7)
    with threadpool_limits(1):  # scikit-learn's Cython uses every core; ours is plain NumPy
        sk1_time, _ = best_time(lambda: SklearnKMeans(n_clusters=8, init=start, n_init=1,
                                                       algorithm="lloyd").fit(X), 7)
    assert ours.n_iter_ == theirs.n_iter_ and np.array_equal(ours.labels_, theirs.labels_)
    n = ours.n_iter_
    print(f"10,000 x 10, 8 clusters, {n} iterations (same for both)")
    print(f"{'':<34} {'ms / iteration':>15}")
    print(f"{'tutorcluster.KMeans':<34} {1000 * ours_time / n:>15.2f}")
    print(f"{'tutorcluster.KMeans record_every=0':<34} {1000 * thin_time / n:>15.2f}")
    print(f"{'sklearn KMeans(algorithm=lloyd)':<34} {1000 * sk_time / n:>15.2f}")
    print(f"{'  the same on one thread':<34} {1000 * sk1_time / n:>15.2f}")
    print(f"ratio ours / scikit-learn: {ours_time / sk_time:.2f}x "
          f"({ours_time / sk1_time:.2f}x against one thread)")


if __name__ == "__main__":
    main()
