"""Subtractive clustering, WMSC and fuzzy c-means against their reference libraries.

* SubtractiveClustering against ``fuzzy_logic.clustering.SubtractClustering``
  (the fuzzy-logic-toolbox port of MATLAB's ``subclust``) on the same
  normalised data, same radius and squash factor 1.25 (MATLAB's default),
  interleaved. The port computes Eq. 1 in a Python double loop, so it runs
  only at the smallest N.
* FuzzyCMeans against ``skfuzzy.cmeans`` from the same initial memberships,
  a fixed number of iterations (tol = 0, so both run them all).
* The N sweep of our fits (d = 2, defaults), each in a fresh process, the
  three estimators interleaved, with wall and CPU seconds and peak memory;
  how long fuzzy c-means needs to meet its tolerance; and the history a
  default-recording SC keeps on ArtData-shaped data (the case that used to
  hold 2.78 GB of snapshots at N = 20,000).
* Eq. 1 itself: CPU seconds per 1e9 pairs of points, next to NumPy's ``exp``
  alone over as many numbers (what an exact float64 sum cannot go below).

Every comparison is interleaved (A B A B ...) with BLAS threads set to 1 (Eq. 1
also uses ``POTENTIAL_THREADS`` threads of its own, stated in the output);
medians over the rounds. The load average before and after is printed, since
the wall times mean little on a shared machine. ``BENCH_QUICK=1`` shrinks the
sweep. It takes about 3.5 CPU minutes: some 5 minutes on a quiet 2-core machine,
15 at a load average of 5 to 29.

Run: ``make benchmarks``, ``cd benchmarks && python wmsc.py`` or, from the
repository, ``PYTHONPATH=$PWD python benchmarks/wmsc.py``.
"""

import os
import statistics
import subprocess
import sys
import time

import numpy as np
from sklearn.datasets import make_blobs
from threadpoolctl import threadpool_limits

import tutorcluster as tc
from tutorcluster._snapshots import snapshot_nbytes
from tutorcluster.subtractive import POTENTIAL_THREADS, potentials

from _timing import compare, machine, peak_memory, quick, ratio_table, write_section

RA = 0.5
ROUNDS = 5
ESTIMATORS = ("SubtractiveClustering", "WeightedMeanSubtractiveClustering", "FuzzyCMeans")


def blobs(n, d=2):
    return make_blobs(n_samples=n, centers=5, n_features=d, random_state=0)[0]


def artdata_like(n, seed=0):
    """ArtData's shape with n points: a disc (a third) and a ring (two thirds)."""
    rng = np.random.default_rng(seed)
    n_disc = n // 3
    r = np.concatenate([0.2 * np.sqrt(rng.random(n_disc)), np.sqrt(0.01 + 0.03 * rng.random(n - n_disc))])
    t = 2 * np.pi * rng.random(n)
    centre = np.where(np.arange(n)[:, None] < n_disc, 0.2, 0.7)
    return centre + np.column_stack([r * np.cos(t), r * np.sin(t)])


def against_subclust(n):
    from fuzzy_logic.clustering import SubtractClustering

    X = blobs(n)
    ours = lambda: tc.SubtractiveClustering(ra=RA, squash_factor=1.25, record="end").fit(X)
    theirs = lambda: SubtractClustering(X.T.copy(), np.full(2, RA), sf=1.25)()
    centres_theirs = np.asarray(theirs()[0]).T   # the port returns one column per centre
    model = ours()
    same = (len(centres_theirs) == model.n_clusters_
            and np.allclose(np.sort(centres_theirs, axis=0), np.sort(model.cluster_centers_, axis=0), atol=1e-6))
    medians = compare({"ours": ours, "fuzzy-logic-toolbox": theirs}, rounds=ROUNDS if n <= 500 else 3)
    return medians, same, model.n_clusters_


def against_skfuzzy(n, c=5, iterations=30):
    import skfuzzy

    X = blobs(n)
    U0 = np.random.default_rng(0).random((c, n))
    U0 /= U0.sum(axis=0)

    def ours():
        # tc.FuzzyCMeans draws its start from the seed exactly as U0 above.
        return tc.FuzzyCMeans(c, tol=0.0, max_iter=iterations, random_state=0, record_every=0).fit(X)

    def theirs():
        return skfuzzy.cmeans(X.T, c, 2.0, error=0.0, maxiter=iterations, init=U0)

    a, b = ours(), theirs()
    same = np.allclose(np.sort(a.cluster_centers_, axis=0), np.sort(b[0], axis=0), atol=1e-6)
    return compare({"ours": ours, "scikit-fuzzy": theirs}, rounds=ROUNDS if n <= 10_000 else 3), same


FIT = r"""
import resource, sys, time
import numpy as np
from sklearn.datasets import make_blobs
from threadpoolctl import threadpool_limits
from threadpoolctl import threadpool_limits
import tutorcluster as tc
X = make_blobs(n_samples=int(sys.argv[2]), centers=5, n_features=2, random_state=0)[0]
make = {"SubtractiveClustering": lambda: tc.SubtractiveClustering(),
        "WeightedMeanSubtractiveClustering": lambda: tc.WeightedMeanSubtractiveClustering(),
        "FuzzyCMeans": lambda: tc.FuzzyCMeans(random_state=0)}[sys.argv[1]]
with threadpool_limits(1):
    wall, cpu = time.perf_counter(), time.process_time()
    model = make().fit(X)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(wall, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, len(model.history_), model.n_iter_)
"""


def fresh_fit(name, n):
    """One default fit in a fresh process: wall and CPU seconds, peak RSS (MB), frames kept, n_iter_."""
    out = subprocess.run([sys.executable, "-c", FIT, name, str(n)], capture_output=True, text=True, check=True)
    wall, cpu, rss, frames, n_iter = out.stdout.split()
    return float(wall), float(cpu), float(rss), int(frames), int(n_iter)


def default_fits(sizes, rounds):
    """The default-fit table: fresh processes, the estimators interleaved, medians over ``rounds``."""
    lines = ["| estimator | N | wall (s) | CPU (s) | peak RSS (MB) | frames kept | n_iter_ |",
             "|---|---|---|---|---|---|---|"]
    for n in sizes:
        runs = {name: [] for name in ESTIMATORS}
        for _ in range(rounds):
            for name in ESTIMATORS:
                runs[name].append(fresh_fit(name, n))
        for name in ESTIMATORS:
            wall, cpu, rss = (statistics.median(run[k] for run in runs[name]) for k in range(3))
            frames, n_iter = runs[name][0][3:]
            lines.append(f"| {name} | {n:,} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {frames} | {n_iter} |")
    return lines


def eq1_throughput(n, rounds=3):
    """CPU and wall seconds per 1e9 pairs for Eq. 1 at the data points, and for ``exp`` alone."""
    X = np.random.default_rng(0).random((n, 2))
    pairs = n * n / 2  # each pair once (the sum is symmetric)
    # Exponents as at ra = 0.5 in the unit square, 1 MiB of them: in the cache, like a tile.
    values = -32.0 * np.random.default_rng(1).random(2**17)
    out = np.empty_like(values)
    calls = int(np.ceil(pairs / values.size))
    cases = {f"Eq. 1, N = {n:,} ({POTENTIAL_THREADS} threads)": (lambda: potentials(X, X, RA), pairs),
             "np.exp alone, float64 (1 thread)": (lambda: [np.exp(values, out=out) for _ in range(calls)],
                                                    calls * values.size)}
    times = {case: [] for case in cases}
    with threadpool_limits(1):
        for _ in range(rounds):
            for case, (function, count) in cases.items():
                wall, cpu = time.perf_counter(), time.process_time()
                function()
                times[case].append(((time.perf_counter() - wall) * 1e9 / count,
                                    (time.process_time() - cpu) * 1e9 / count))
    lines = ["| computation | wall s per 1e9 pairs | CPU s per 1e9 pairs |", "|---|---|---|"]
    for case, runs in times.items():
        lines.append(f"| {case} | {statistics.median(r[0] for r in runs):.2f} | "
                     f"{statistics.median(r[1] for r in runs):.2f} |")
    return lines


def fcm_convergence(n):
    """How many iterations a default FuzzyCMeans needs to meet its tolerance on the sweep's data."""
    X = blobs(n)
    capped = tc.FuzzyCMeans(random_state=0, record_every=0).fit(X)
    free = tc.FuzzyCMeans(random_state=0, max_iter=5000, record_every=0).fit(X)
    return (f"FuzzyCMeans defaults (c = 8, tol = 1e-5, max_iter = 300) at N = {n:,} on the sweep's 5 blobs: "
            f"{capped.n_iter_} iterations, last change {capped.history_[-1].change:.1e}; without the cap it "
            f"converges after {free.n_iter_}. Eight centres for five blobs leave some centres sharing a blob, "
            f"where J_m is nearly flat, so the change shrinks by only about 1% per iteration; with c = 5 it "
            f"converges in {tc.FuzzyCMeans(5, random_state=0, record_every=0).fit(X).n_iter_}.")


def load():
    return "load average {:.2f}, {:.2f}, {:.2f} (1, 5, 15 min)".format(*os.getloadavg())


def main():
    small = [300] if quick() else [300, 1000]
    sweep = [1000, 10_000] if quick() else [1000, 10_000, 100_000]
    before = load()
    lines = [f"Machine: {machine()}; BLAS threads 1; Eq. 1 of SC and WMSC shares its tiles over "
             f"{POTENTIAL_THREADS} threads of its own (a fixed split). At the start: {before}.", ""]

    rows = []
    for n in small:
        medians, same, k = against_subclust(n)
        rows.append((f"SC fit, N = {n:,}, d = 2 (same {k} centres: {same})", medians))
    lines += ["### SubtractiveClustering against fuzzy-logic-toolbox's `subclust` port", "",
              ratio_table(rows, ours="ours"), ""]

    rows = []
    for n in ([1000, 10_000] if quick() else [1000, 10_000, 100_000]):
        medians, same = against_skfuzzy(n)
        rows.append((f"FCM, c = 5, 30 iterations, N = {n:,} (same centres: {same})", medians))
    lines += ["### FuzzyCMeans against scikit-fuzzy's `cmeans` (same start, same iterations)", "",
              ratio_table(rows, ours="ours"), ""]

    lines += ["### Default fits, d = 2, one fresh process each (goal at N = 100,000: 10 s and 1 GB)", "",
              "The three estimators in turn, medians of 3 rounds. CPU counts every thread of the process, "
              "so on an idle 2-core machine SC's and WMSC's wall time is about half their CPU time.", ""]
    lines += default_fits(sweep, rounds=3)
    lines += ["", fcm_convergence(sweep[-1]), ""]

    lines += ["### Eq. 1 per pair", "",
              "Eq. 1 at the N data points is symmetric, so each pair is computed once: N^2 / 2 pairs, "
              "5e9 at N = 100,000, one exp each, read by both sums while its tile is in the cache. "
              "The exp row is NumPy's float64 exp over as many numbers (per 1e9 values): what an "
              "exact float64 sum cannot go below.", ""]
    lines += eq1_throughput(10_000 if quick() else 30_000)
    lines.append("")

    n = 4000 if quick() else 20_000
    X = artdata_like(n)
    start = time.perf_counter()
    peak = peak_memory(lambda: tc.SubtractiveClustering(ra=RA).fit(X))
    model = tc.SubtractiveClustering(ra=RA).fit(X)
    seconds = time.perf_counter() - start
    kept = sum(snapshot_nbytes(s) for s in model.history_)
    shared = sum(landscape.nbytes for landscape in {id(s.landscape): s.landscape for s in model.history_}.values())
    full = len(model.history_) * 8 * 3 * n
    lines += [f"### History of a default SC fit on {n:,} ArtData-shaped points", "",
              f"{len(model.history_):,} frames (one per candidate), {model.n_clusters_} centres; frames "
              f"{kept / 2**20:.1f} MB plus {shared / 2**20:.1f} MB of shared carved landscapes, against "
              f"{full / 2**30:.2f} GB if every frame held 2N potentials and N labels; peak of the fit "
              f"{peak / 2**20:.0f} MB (tracemalloc); two fits in {seconds:.1f} s.", ""]
    busy = max(os.getloadavg()) > 0.5 * (os.cpu_count() or 1)
    lines += [f"At the end: {load()}. "
              + ("The machine was shared with other jobs while this ran: ratios from interleaved "
                 "runs hold, absolute times (wall more than CPU) are inflated." if busy else
                 "The machine was otherwise idle."), ""]
    write_section("wmsc", "Subtractive clustering, WMSC and fuzzy c-means", "\n".join(lines))


if __name__ == "__main__":
    main()
