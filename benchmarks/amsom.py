"""Time BatchSOM and AMSOM against MiniSom, per epoch, over an N sweep; whole fits at N = 100k.

Run from ``benchmarks/`` (``make benchmarks`` does): ``../.venv/bin/python amsom.py``.
``BENCH_QUICK=1`` shrinks the sweep to a smoke test.

* **Per epoch, interleaved** (``_timing.compare``, medians of ROUNDS rounds, one BLAS
  thread): the CLUSTER data of the paper (four Gaussian groups in 2-D) at each N,
  on the map the SOM Toolbox rule gives (``vesanto_shape``: about 5 sqrt(N)
  neurons). One epoch of ours is one batch update of every weight from all N
  samples; one epoch of MiniSom's ``train_batch`` is N single-sample updates
  (MiniSom has no batch rule), so the comparison is the cost of one pass over
  the data, as a user meets it.
* **Whole fits**: BatchSOM and AMSOM with default parameters at N = 100k, d = 2,
  once each, with their epoch counts and peak memory (tracemalloc). The goal of
  the speed issue is at most 10 s and 1 GB each.
"""

import time

import numpy as np
from minisom import MiniSom
from threadpoolctl import threadpool_limits

import tutorcluster as tc
from tutorcluster.amsom import vesanto_shape

from _timing import compare, machine, peak_memory, quick, ratio_table, write_section

QUICK = quick()
SIZES = (1_000, 2_000) if QUICK else (1_000, 10_000, 100_000)
EPOCHS = 2            # epochs per timed call (the same for both)
ROUNDS = 2 if QUICK else 5
BIG = 5_000 if QUICK else 100_000


def cluster_data(n_samples, seed=0):
    """The paper's CLUSTER data at any size: four groups of 2-D Gaussian points."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 4.0]])
    return centres[rng.integers(0, 4, n_samples)] + 0.5 * rng.standard_normal((n_samples, 2))


def per_epoch_rows():
    rows = []
    for n_samples in SIZES:
        X = cluster_data(n_samples)
        rows_, cols = vesanto_shape(X)
        sigma0 = max(rows_, cols) / 2

        def ours():
            tc.BatchSOM(grid_shape=(rows_, cols), max_epochs=EPOCHS, decay_epochs=EPOCHS,
                        random_state=0, record_every=0).fit(X)

        def minisom():
            som = MiniSom(rows_, cols, 2, sigma=sigma0, learning_rate=0.5, random_seed=0)
            som.train_batch(X, EPOCHS * n_samples)

        medians = compare({"BatchSOM": ours, "MiniSom": minisom}, rounds=ROUNDS, threads=1)
        per_epoch = {name: seconds / EPOCHS for name, seconds in medians.items()}
        rows.append((f"N = {n_samples:,}, {rows_} x {cols} map, one epoch", per_epoch))
    return rows


def whole_fits():
    X = cluster_data(BIG)
    lines = ["| estimator | N | fit (s) | epochs | neurons at the end | peak memory (MB) |",
             "|---|---|---|---|---|---|"]
    for cls in (tc.BatchSOM, tc.AMSOM):
        fitted = {}

        def fit():
            with threadpool_limits(1):
                start = time.perf_counter()
                fitted["model"] = cls(random_state=0).fit(X)
                fitted["seconds"] = time.perf_counter() - start

        peak = peak_memory(fit)
        model = fitted["model"]
        lines.append(f"| {cls.__name__} (defaults) | {BIG:,} | {fitted['seconds']:.1f} | "
                     f"{model.n_epochs_} | {len(model.weights_)} | {peak / 2**20:.0f} |")
    return "\n".join(lines)


def main():
    table = ratio_table(per_epoch_rows(), ours="BatchSOM", unit="ms")
    fits = whole_fits()
    text = f"""
{machine()}; one BLAS thread (threadpoolctl); medians of {ROUNDS} interleaved rounds of
{EPOCHS} epochs each. The machine was shared with other jobs: absolute times are inflated,
ratios from interleaved runs are meaningful.

Per epoch, on the paper's CLUSTER data at each N, on the map of the SOM Toolbox rule
(about 5 sqrt(N) neurons). Our BMU search is a KD-tree in 2-D (the same units as the
blocked, centred matrix-product search, which a test checks); MiniSom's epoch is N
single-sample updates.

{table}

Whole fits with default parameters, d = 2 (the peak is what NumPy allocates, by tracemalloc;
the timed run is inside tracemalloc, which slows it slightly):

{fits}
"""
    write_section("amsom", "BatchSOM and AMSOM against MiniSom", text)


if __name__ == "__main__":
    main()
