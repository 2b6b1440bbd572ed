"""Time BatchSOM and AMSOM against MiniSom, per epoch, over an N sweep; whole fits at N = 100k.

Run from the repository root: ``PYTHONPATH=$PWD .venv/bin/python benchmarks/amsom.py``
(or from ``benchmarks/`` by ``make benchmarks``); about 6 minutes on a quiet 2-core
machine. ``BENCH_QUICK=1`` shrinks the sweep to a smoke test.

* **Per epoch, interleaved** (``_timing.compare``, medians of ROUNDS rounds, one thread
  for everything: BLAS and the BMU search): the CLUSTER data of the paper (four Gaussian
  groups in 2-D) at each N, on the map the SOM Toolbox rule gives (``vesanto_shape``:
  about 5 sqrt(N) neurons). One epoch of ours is one batch update of every weight from
  all N samples; one epoch of MiniSom's ``train_batch`` is N single-sample updates
  (MiniSom has no batch rule), so the comparison is the cost of one pass over the data,
  as a user meets it.
* **Whole fits**: BatchSOM and AMSOM with default parameters at N = 100k, d = 2: the
  wall-clock time of the fastest of FIT_REPEATS plain fits (one BLAS thread; the BMU search on
  every core, its default), the peak memory of one more fit under tracemalloc,
  the memory its ``history_`` holds, and where the time goes (one more fit under
  cProfile). The goal of the speed issue is at most 10 s and 1 GB each on 2 cores.
"""

import cProfile
import os
import pstats
import time

import numpy as np
from minisom import MiniSom
from threadpoolctl import threadpool_limits

import tutorcluster as tc
from tutorcluster import distances
from tutorcluster._snapshots import snapshot_nbytes
from tutorcluster.amsom import vesanto_shape

from _timing import compare, machine, peak_memory, quick, ratio_table, write_section

QUICK = quick()
SIZES = (1_000, 2_000) if QUICK else (1_000, 10_000, 100_000)
EPOCHS = 2            # epochs per timed call (the same for both)
ROUNDS = 2 if QUICK else 5
BIG = 5_000 if QUICK else 100_000
FIT_REPEATS = 2       # plain whole fits per estimator; the table shows the fastest


def cluster_data(n_samples, seed=0):
    """The paper's CLUSTER data at any size: four groups of 2-D Gaussian points."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 4.0]])
    return centres[rng.integers(0, 4, n_samples)] + 0.5 * rng.standard_normal((n_samples, 2))


def set_numba_threads(n):
    """Set numba's thread count (used by the compiled grid search); return the old one."""
    try:
        import numba
    except ImportError:
        return n
    old = numba.get_num_threads()
    numba.set_num_threads(n)
    return old


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

        workers, distances.TREE_WORKERS = distances.TREE_WORKERS, 1   # one thread here,
        numba_threads = set_numba_threads(1)                             # the grid's too
        try:
            medians = compare({"BatchSOM": ours, "MiniSom": minisom}, rounds=ROUNDS, threads=1)
        finally:
            distances.TREE_WORKERS = workers
            set_numba_threads(numba_threads)
        per_epoch = {name: seconds / EPOCHS for name, seconds in medians.items()}
        rows.append((f"N = {n_samples:,}, {rows_} x {cols} map, one epoch", per_epoch))
    return rows


#: Where a fit spends its time: (label, the functions whose cumulative time it is).
STAGES = (
    ("BMU search (Eq. 9; growth errors)", ("_two_best", "accumulated_errors")),
    ("weights (Eqs. 10-12)", ("batch_weights",)),
    ("positions (Eqs. 13-14)", ("move_positions",)),
    ("edges and neurons (ageing, pruning, removal, splits, edge lists)",
     ("age_edges", "prune_edges", "remove_isolated", "split", "edge_list")),
    ("history_ snapshots", ("_keep",)),
)


def stage_seconds(profile):
    """Cumulative seconds of each stage of STAGES in a cProfile run."""
    stats = pstats.Stats(profile).stats
    by_name = {}
    for (_, _, name), (_, _, _, cumulative, _) in stats.items():
        by_name[name] = by_name.get(name, 0.0) + cumulative
    return [sum(by_name.get(name, 0.0) for name in names) for _, names in STAGES]


def whole_fits():
    X = cluster_data(BIG)
    lines = ["| estimator | N | fit (s) | CPU (s) | epochs | neurons at the end "
             "| peak memory (MB) | of which history_ (MB) |", "|---|---|---|---|---|---|---|---|"]
    stage_lines = ["| estimator | fit under cProfile (s) | "
                   + " | ".join(label for label, _ in STAGES) + " |",
                   "|---|---|" + "---|" * len(STAGES)]
    for cls in (tc.BatchSOM, tc.AMSOM):
        with threadpool_limits(1):
            runs = []
            for _ in range(FIT_REPEATS):     # the fastest of a few: the least disturbed
                start, cpu = time.perf_counter(), time.process_time()
                model = cls(random_state=0).fit(X)
                runs.append((time.perf_counter() - start, time.process_time() - cpu))
            seconds, cpu = min(runs)
            peak = peak_memory(lambda: cls(random_state=0).fit(X))
            profile = cProfile.Profile()
            start = time.perf_counter()
            profile.runcall(lambda: cls(random_state=0).fit(X))
            profiled = time.perf_counter() - start
        history = sum(snapshot_nbytes(snapshot) for snapshot in model.history_)
        lines.append(f"| {cls.__name__} (defaults) | {BIG:,} | {seconds:.1f} | {cpu:.1f} | "
                     f"{model.n_epochs_} | {len(model.weights_)} | {peak / 2**20:.0f} | "
                     f"{history / 2**20:.0f} |")
        stages = stage_seconds(profile)
        stage_lines.append(f"| {cls.__name__} | {profiled:.1f} | "
                           + " | ".join(f"{t:.1f} ({t / profiled:.0%})" for t in stages) + " |")
    return "\n".join(lines), "\n".join(stage_lines)


def numba_state():
    try:
        import numba
    except ImportError:
        return "it is not installed here"
    return f"numba {numba.__version__} is installed here"


def load():
    return "{:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg())


def main():
    load_before, started = load(), time.perf_counter()
    table = ratio_table(per_epoch_rows(), ours="BatchSOM", unit="ms")
    fits, stages = whole_fits()
    minutes = (time.perf_counter() - started) / 60
    text = f"""
{machine()}. Load average (1, 5, 15 min) {load_before} at the start and {load()} at the
end of this run, which took {minutes:.1f} min: on a shared machine absolute times are
inflated, ratios from interleaved runs are meaningful.

Per epoch, on the paper's CLUSTER data at each N, on the map of the SOM Toolbox rule
(about 5 sqrt(N) neurons); one thread for everything (BLAS and our BMU search), medians of
{ROUNDS} interleaved rounds of {EPOCHS} epochs each. Our BMU search in 2-D is a KD-tree,
queried in a cache-friendly order of the samples, or, from {distances.GRID_MIN_SAMPLES:,}
samples on when numba is installed ({numba_state()}), a compiled search of a grid of cells
over the neurons (the same units as the blocked, centred matrix-product search, which tests
check). The neighbourhood sums of Eqs. 11 and 13 are
built a tile of rows at a time, in the cache, and AMSOM's Phase III sums over the edges only
(the same maps as the dense (M, M) kernels, which a test checks). MiniSom's epoch is N
single-sample updates.

{table}

Whole fits with default parameters, d = 2: the fastest of {FIT_REPEATS} plain fits (one BLAS
thread; the BMU search on every core, its default; CPU is the process time of all
threads), then the same fit under tracemalloc for the peak of what NumPy allocates, and
the bytes its `history_` (one snapshot per epoch) keeps:

{fits}

Where the time goes (the same fit under cProfile; cumulative seconds, so a stage
includes what it calls; the rest is the loop itself and the per-epoch bookkeeping):

{stages}
"""
    write_section("amsom", "BatchSOM and AMSOM against MiniSom", text)


if __name__ == "__main__":
    main()
