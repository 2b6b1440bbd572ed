"""Time and peak memory of the potentials (Eq. 1) and of whole fits at N = 20,000.

Eq. 1 needs every pairwise distance: O(N^2 d) time. ``potentials`` computes
it a block of rows at a time (32 MiB of distances per block), so the memory
stays bounded however large N is; the target is a peak under 500 MB at
N = 20,000 (a full N x N float64 matrix would take 3.2 GB). For scale, the
table also shows the direct full-matrix computation at N = 5,000, and whole
SC / WMSC / mountain-clustering fits at N = 20,000 (``record="none"``, which
keeps only the last snapshot).

Peak memory is measured with ``tracemalloc`` (NumPy reports its buffers to
it); times (wall clock and CPU) are the best of a few runs, measured
without tracemalloc.

Run: ``.venv/bin/python benchmarks/wmsc.py`` (about a minute on two cores).
"""

import time
import tracemalloc
from importlib.metadata import version

import numpy as np
from scipy.spatial.distance import cdist
from sklearn.datasets import make_blobs

import tutorcluster as tc
from tutorcluster.subtractive import potentials, unit_hypercube

N_SAMPLES = 20_000
RA = 0.5
REPEATS = 2  # best of 2 runs
TARGET_MB = 500


def data(n_samples, n_features):
    X, _ = make_blobs(n_samples=n_samples, centers=5, n_features=n_features, random_state=0)
    return X


def measure(function, repeats=REPEATS):
    """Best wall and CPU time over ``repeats`` runs, then the peak memory of one more run (MB).

    The CPU time (all threads of this process) is shown beside the wall time
    because a shared machine can stretch the wall time a lot.
    """
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (min(walls), min(cpus)), peak / 1e6, result


def full_matrix_potentials(Xn, ra):
    """Eq. 1 the direct way: the whole N x N matrix at once (for comparison only)."""
    return np.exp(-(4 / ra**2) * cdist(Xn, Xn, "sqeuclidean")).sum(axis=1)


def main():
    print(f"numpy {version('numpy')}, scipy {version('scipy')}, tutorcluster {version('tutorcluster')}")
    print(f"data: make_blobs(centers=5, random_state=0), normalised to the unit hypercube; "
          f"ra = {RA}; best of {REPEATS} runs; peak memory by tracemalloc\n")
    header = f"{'what':<44}{'N':>8}{'d':>4}{'wall (s)':>10}{'CPU (s)':>9}{'peak (MB)':>11}{'result':>16}"
    print(header)
    print("-" * len(header))
    peaks = []
    for d in (2, 8):
        Xn, _, _ = unit_hypercube(data(N_SAMPLES, d))
        seconds, peak, P = measure(lambda: potentials(Xn, Xn, RA))
        peaks.append(peak)
        print(f"{'potentials (Eq. 1, 32 MiB blocks)':<44}{N_SAMPLES:>8}{d:>4}{seconds[0]:>10.2f}{seconds[1]:>9.2f}"
              f"{peak:>11.1f}{f'max P {P.max():.0f}':>16}")
    small, _, _ = unit_hypercube(data(5_000, 2))
    seconds, peak, P = measure(lambda: full_matrix_potentials(small, RA))
    blocked = potentials(small, small, RA)
    assert np.allclose(P, blocked), "blocked and full-matrix potentials differ"
    print(f"{'potentials, full N x N matrix (cdist)':<44}{5_000:>8}{2:>4}{seconds[0]:>10.2f}{seconds[1]:>9.2f}"
          f"{peak:>11.1f}{'same values':>16}")
    for d in (2, 8):
        X = data(N_SAMPLES, d)
        fits = {
            "SubtractiveClustering fit": tc.SubtractiveClustering(ra=RA, record="none"),
            "WeightedMeanSubtractiveClustering fit": tc.WeightedMeanSubtractiveClustering(ra=RA, record="none"),
        }
        if d == 2:
            fits["MountainClustering fit (41^2 nodes)"] = tc.MountainClustering(ra=RA, record="none")
        for name, model in fits.items():
            seconds, peak, fitted = measure(lambda: model.fit(X), repeats=1)
            print(f"{name:<44}{N_SAMPLES:>8}{d:>4}{seconds[0]:>10.2f}{seconds[1]:>9.2f}{peak:>11.1f}"
                  f"{f'{fitted.n_clusters_} centres':>16}")
    verdict = "met" if max(peaks) < TARGET_MB else "MISSED"
    print(f"\ntarget: peak memory of the potentials under {TARGET_MB} MB at N = {N_SAMPLES:,}: "
          f"{verdict} (largest peak {max(peaks):.0f} MB; a full N x N matrix would be "
          f"{N_SAMPLES**2 * 8 / 1e9:.1f} GB)")


if __name__ == "__main__":
    main()
