"""Time CentNN on the article's example against the plain per-sample loop.

Run with ``.venv/bin/python benchmarks/centnn.py``. The data are
``make_blobs(n_samples=5000, centers=10, cluster_std=0.9, random_state=0)``
with ``n_clusters=10`` (spec X1): epoch 0 plus 82 epochs, 8 splits and about
12,600 changes of owner. Each timing is the best of ``REPEATS`` runs; the
target for ``CentNN.fit`` is under 3 s on two cores.
"""

import time

import numpy as np

import tutorcluster as tc
from tutorcluster.centnn import centnn_plain

from _timing import best_time

REPEATS = 3


def main():
    X, _ = tc.datasets.make_centnn_blobs()
    rows = []
    fit_time, model = best_time(lambda: tc.CentNN(n_clusters=10).fit(X), REPEATS)
    rows.append(("CentNN.fit (screened epochs)", fit_time))
    sample_time, _ = best_time(lambda: tc.CentNN(n_clusters=10, record="sample", record_every=0).fit(X), REPEATS)
    rows.append(('CentNN.fit, record="sample"', sample_time))
    shuffled_time, _ = best_time(lambda: tc.CentNN(n_clusters=10, shuffle=True, random_state=0).fit(X), REPEATS)
    rows.append(("CentNN.fit, shuffle=True", shuffled_time))
    plain_time, (W, labels, _, n_epochs) = best_time(lambda: centnn_plain(X, 10), REPEATS)
    rows.append(("centnn_plain (per-sample loop)", plain_time))

    identical = (np.array_equal(W, model.cluster_centers_) and np.array_equal(labels, model.labels_)
                 and n_epochs == model.n_epochs_)
    changes = sum(s.n_changes for s in model.history_[1:])
    print(f"CentNN on the article's example: n = {len(X)}, M = 10, {model.n_epochs_} epochs "
          f"after epoch 0, {changes} changes of owner; best of {REPEATS} runs")
    print(f"{'what':<34} {'seconds':>8}")
    for name, seconds in rows:
        print(f"{name:<34} {seconds:>8.3f}")
    print(f"{'plain loop / screened fit':<34} {plain_time / fit_time:>8.1f}x")
    print(f"screened result identical to the plain loop: {identical}")
    print(f"target: CentNN.fit under 3 s -> {'met' if fit_time < 3 else 'NOT met'}")


if __name__ == "__main__":
    main()
