"""FN-means and the PNN against their reference libraries, interleaved.

Cases (every contender on the same data, one BLAS thread, medians of at
least 5 interleaved rounds, ratios of the medians):

1. FN-means, the whole hierarchy, on 784-dimensional digit-like images (the
   8 x 8 scikit-learn digits upsampled to 24 x 24, placed at a random shift in
   a 28 x 28 frame, plus noise), against FINCH (``finch-clust``, Euclidean
   distance, no early exit: the same partitions). Before timing, the
   partitions are compared level by level (ARI).
2. FN-means on 2-D Gaussian data, N sweep 1k .. 1M, against FINCH where it
   runs exact (finch-clust switches to approximate neighbours from 20,000
   points); the peak memory of our fit (tracemalloc) at each N.
3. The PNN with FN-means centres (N_L = 1) against scikit-learn's
   KNeighborsClassifier (k = 1, brute force), fit + predict, N sweep.
4. PNN.fit with a given sigma against Eq. 8's sigma (d_max computed).

Run: ``python benchmarks/fnmeans.py`` (``BENCH_QUICK=1`` for a tiny run).
"""

import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import KNeighborsClassifier

import tutorcluster as tc
from _timing import compare, machine, peak_memory, quick, ratio_table, write_section

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # "pynndescent is not installed": we stay below ann_threshold
    from finch import FINCH

ROUNDS = 5
THREADS = 1


def digit_like(n_samples, seed=0):
    """MNIST-sized (28 x 28 = 784) images built from scikit-learn's 8 x 8 digits.

    Each image is a digit upsampled 3x (nearest neighbour) to 24 x 24, put at
    a random offset (0..4 pixels each way) in a 28 x 28 frame, with Gaussian
    noise (0.05 on the [-1, 1] scale, so no two images tie), scaled to [-1, 1].
    """
    rng = np.random.default_rng(seed)
    digits = load_digits()
    pick = rng.integers(len(digits.images), size=n_samples)
    images = np.kron(digits.images[pick], np.ones((3, 3))) / 8 - 1
    frames = np.full((n_samples, 28, 28), -1.0)
    dx, dy = rng.integers(0, 5, size=(2, n_samples))
    for i in range(n_samples):
        frames[i, dy[i]:dy[i] + 24, dx[i]:dx[i] + 24] = images[i]
    frames += 0.05 * rng.normal(size=frames.shape)
    return np.clip(frames.reshape(n_samples, 784), -1, 1), digits.target[pick]


def finch(X):
    return FINCH(X, distance="euclidean", ensure_early_exit=False, verbose=False)


def level_aris(ours, theirs_partitions):
    """ARI between our level l and FINCH's partition l, for the levels both have."""
    shared = min(len(ours.level_labels_), theirs_partitions.shape[1])
    return [adjusted_rand_score(ours.level_labels_[l], theirs_partitions[:, l]) for l in range(shared)]


def main():
    small = quick()
    lines = [f"Machine: {machine()}; {THREADS} BLAS thread for every contender; medians of "
             f"{ROUNDS} interleaved rounds. The machine was shared with other jobs while this ran, "
             f"so absolute times are inflated; the ratios are the meaningful numbers.", ""]

    # 1. 784-dimensional digit-like images.
    n_784 = 1000 if small else 10_000
    X, _ = digit_like(n_784)
    ours = tc.FNMeans(record_every=0).fit(X)
    partitions, counts, _ = finch(X)
    aris = level_aris(ours, partitions)
    medians = compare({"FNMeans": lambda: tc.FNMeans(record_every=0).fit(X),
                       "finch-clust": lambda: finch(X)}, rounds=ROUNDS, threads=THREADS)
    lines += [f"### 1. The whole hierarchy on {n_784:,} x 784 digit-like images", "",
              ratio_table([(f"{n_784:,} x 784", medians)], ours="FNMeans"), "",
              f"Clusters per level, ours: {[len(m) for m in ours.level_means_]}; FINCH: "
              f"{list(counts)}. ARI between the two at each shared level: "
              f"{[round(a, 4) for a in aris]}.", ""]
    assert min(aris) == 1.0, aris

    # 2. 2-D N sweep.
    rows, memory = [], []
    for n in ([1000, 10_000] if small else [1000, 10_000, 100_000, 1_000_000]):
        X2 = np.random.default_rng(n).normal(size=(n, 2))
        contenders = {"FNMeans": lambda: tc.FNMeans(record_every=0).fit(X2)}
        if n <= 10_000:   # finch-clust turns approximate from 20,000 points
            contenders["finch-clust"] = lambda: finch(X2)
            assert min(level_aris(tc.FNMeans().fit(X2), finch(X2)[0])) == 1.0
        rounds = ROUNDS
        medians = compare(contenders, rounds=rounds, threads=THREADS)
        if "finch-clust" not in medians:
            medians["finch-clust"] = float("nan")
        rows.append((f"N = {n:,}, d = 2", medians))
        peak = peak_memory(lambda: tc.FNMeans().fit(X2))
        memory.append(f"| {n:,} | {peak / 2**20:.0f} |")
    lines += ["### 2. FN-means on 2-D Gaussian data (defaults; KD-tree search)", "",
              ratio_table(rows, ours="FNMeans"), "",
              "finch-clust is not run from 20,000 points (it switches to approximate "
              "neighbours there, so it would no longer compute the same partitions).", "",
              "| N | peak memory of FNMeans().fit, MiB (tracemalloc) |", "|---|---|", *memory, ""]

    # 3. PNN against scikit-learn's 1-NN classifier.
    rows, accuracy = [], []
    for n in ([1000] if small else [1000, 5000]):
        X3, y3 = digit_like(n + 500, seed=1)
        train, test = slice(0, n), slice(n, n + 500)

        def pnn():
            return tc.PNN(clusterer=tc.FNMeans(max_level=1)).fit(X3[train], y3[train]).predict(X3[test])

        def knn():
            return KNeighborsClassifier(n_neighbors=1, algorithm="brute").fit(
                X3[train], y3[train]).predict(X3[test])

        rows.append((f"{n:,} training + 500 test images, 784-d", compare(
            {"PNN (FN-means N_L = 1)": pnn, "1-NN (scikit-learn)": knn}, rounds=ROUNDS, threads=THREADS)))
        accuracy.append(f"{n:,}: PNN {np.mean(pnn() == y3[test]):.3f}, 1-NN {np.mean(knn() == y3[test]):.3f}")
    lines += ["### 3. PNN with FN-means centres against KNeighborsClassifier (fit + predict)", "",
              ratio_table(rows, ours="PNN (FN-means N_L = 1)"), "",
              "Test accuracy: " + "; ".join(accuracy) + ".", ""]

    # 4. What Eq. 8's d_max costs.
    X4, y4 = digit_like(1000 if small else 10_000, seed=2)
    sigma = tc.PNN().fit(X4[:200], y4[:200]).sigma_
    medians = compare({"sigma given": lambda: tc.PNN(sigma=sigma, clusterer=tc.FNMeans(max_level=1)).fit(X4, y4),
                       "sigma from Eq. 8": lambda: tc.PNN(clusterer=tc.FNMeans(max_level=1)).fit(X4, y4)},
                      rounds=ROUNDS, threads=THREADS)
    lines += [f"### 4. PNN.fit on {len(X4):,} x 784: a given sigma skips d_max", "",
              ratio_table([(f"{len(X4):,} x 784, FN-means N_L = 1", medians)], ours="sigma given"), ""]

    write_section("fnmeans", "FN-means and the PNN", "\n".join(lines))


if __name__ == "__main__":
    main()
