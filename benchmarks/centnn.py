"""CentNN against scikit-learn's KMeans (n_init=1 and 10), interleaved, over an N sweep.

Data: ``make_blobs(n, centers=10, cluster_std=0.9, random_state=0)`` in 2-D
(the article's generator at other sizes), ``n_clusters=10``, default
parameters (one epoch snapshot per epoch kept). Every contender runs once
per round, A B C A B C ..., on one BLAS/OpenMP thread; the table gives the
median of ``ROUNDS`` rounds and the ratio to CentNN. Also: the screened fit
against the plain per-sample loop (bit-identical results, checked here),
the memory of a default fit at 100k (goal: 10 s and 1 GB) and the memory of
``record="sample"`` at 10k (a labels copy per update took 1.1 GB before).

Run: ``python benchmarks/centnn.py`` from ``benchmarks/`` (``BENCH_QUICK=1``:
small N, 2 rounds).
"""

import numpy as np
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import make_blobs
from threadpoolctl import threadpool_limits

import tutorcluster as tc
from tutorcluster import centnn as centnn_module
from tutorcluster.centnn import centnn_plain

from _timing import compare, machine, peak_memory, quick, ratio_table, write_section

QUICK = quick()
SIZES = [1_000, 5_000] if QUICK else [1_000, 10_000, 50_000, 100_000]
ROUNDS = 2 if QUICK else 5
M = 10


COMPILED = centnn_module.compiled_epochs()   # None when numba is not installed


def numpy_path(function):
    """Run ``function`` with the compiled epochs switched off (the NumPy reference path)."""
    def run():
        centnn_module._compiled = None
        try:
            return function()
        finally:
            centnn_module._compiled = COMPILED
    return run


def data(n):
    return make_blobs(n_samples=n, centers=M, cluster_std=0.9, random_state=0)[0]


def main():
    if COMPILED is not None:   # compile once, outside the timings
        tc.CentNN(n_clusters=3).fit(data(300))
    rows, quality = [], []
    for n in SIZES:
        X = data(n)
        contenders = {"CentNN": lambda: tc.CentNN(n_clusters=M).fit(X)}
        if COMPILED is not None:
            contenders["CentNN, NumPy path"] = numpy_path(lambda: tc.CentNN(n_clusters=M).fit(X))
        medians = compare({
            **contenders,
            "sklearn KMeans n_init=1": lambda: SklearnKMeans(M, n_init=1, random_state=0).fit(X),
            "sklearn KMeans n_init=10": lambda: SklearnKMeans(M, n_init=10, random_state=0).fit(X),
        }, rounds=ROUNDS, threads=1)
        rows.append((f"N = {n:,}", medians))
        ours = tc.CentNN(n_clusters=M).fit(X)
        with threadpool_limits(1):
            ten = SklearnKMeans(M, n_init=10, random_state=0).fit(X)
        quality.append(f"| {n:,} | {ours.n_epochs_} | {ours.inertia_:.6g} | {ten.inertia_:.6g} |")

    X = data(5_000 if not QUICK else 2_000)
    plain = compare({
        "CentNN (screened)": numpy_path(lambda: tc.CentNN(n_clusters=M, record_every=0).fit(X)),
        "centnn_plain (per-sample loop)": lambda: centnn_plain(X, M),
    }, rounds=ROUNDS, threads=1)
    model = tc.CentNN(n_clusters=M, record_every=0).fit(X)
    W, labels, _, n_epochs = centnn_plain(X, M)
    identical = (np.array_equal(W, model.cluster_centers_) and np.array_equal(labels, model.labels_)
                 and n_epochs == model.n_epochs_)
    assert identical

    big = 5_000 if QUICK else 100_000
    X_big = data(big)
    seconds = rows[-1][1]["CentNN"] if SIZES[-1] == big else None
    peak = peak_memory(lambda: tc.CentNN(n_clusters=M).fit(X_big))
    X_slow = data(2_000 if QUICK else 10_000)
    slow_holder = {}
    slow_peak = peak_memory(lambda: slow_holder.setdefault("m", tc.CentNN(n_clusters=M, record="sample").fit(X_slow)))
    slow = slow_holder["m"]
    log_bytes = slow.history_[0].log.nbytes

    text = f"""
Machine: {machine()}; one thread for every contender (threadpoolctl). The machine was shared with
other jobs while this ran: absolute times are inflated, the ratios of interleaved runs are meaningful.
Data: `make_blobs(N, centers=10, cluster_std=0.9, random_state=0)`, 2-D, `n_clusters=10`, default
parameters. Median of {ROUNDS} interleaved rounds (A B C A B C ...). "CentNN" uses the compiled epochs
{"(numba installed)" if COMPILED is not None else "only if numba is installed (it was not: NumPy path)"};
"CentNN, NumPy path" is the readable reference, bit-identical to it.

{ratio_table(rows, ours="CentNN")}

Energy J reached (CentNN's is deterministic; k-means++ keeps the best of ten starts):

| N | CentNN epochs | CentNN J | sklearn n_init=10 J |
|---|---|---|---|
{chr(10).join(quality)}

Screened NumPy epochs against the plain per-sample loop (N = {len(X):,}, identical results: {identical}):

{ratio_table([(f"N = {len(X):,}", plain)], ours="CentNN (screened)")}

Scale goal (N = {big:,}, d = 2, defaults: at most 10 s and 1 GB): median {seconds or float("nan"):.1f} s
(table above, loaded machine), peak {peak / 2**20:.0f} MB traced by tracemalloc (a separate run).

Slow motion at N = {len(X_slow):,} (`record="sample"`): {len(slow.history_):,} update snapshots,
label log {log_bytes / 2**20:.2f} MB, peak {slow_peak / 2**20:.0f} MB for the whole fit (one copy of
the labels per update took 1.1 GB at this size before the log).
"""
    write_section("centnn", "CentNN against scikit-learn's KMeans", text)


if __name__ == "__main__":
    main()
