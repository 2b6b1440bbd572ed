"""Properties every estimator shares, checked over all of them at once.

* a fit is committed whole: abandoning ``iter_fit`` part-way changes nothing;
* translating the data (and any explicit start) leaves the partition unchanged;
* data whose squared distances overflow or underflow float64 get a clear
  error (or, for an estimator that rescales its input anyway, the same answer),
  never a silently wrong partition;
* bad input gets a ``ValueError`` that names the problem;
* importing the algorithms does not import the drawing stack.

Each paper module owns its entry in ``ESTIMATORS``; everything else here is shared.
"""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_blobs

import tutorcluster as tc
from tutorcluster.testing import check_fit_committed_whole, check_shift_invariance

X_BLOBS, Y_BLOBS = make_blobs(n_samples=90, centers=[[0, 0], [6, 0], [3, 5]], cluster_std=0.6,
                              random_state=0)
X_OTHER, _ = make_blobs(n_samples=40, n_features=3, centers=2, random_state=1)

# name -> function of the shift vector that returns a fresh estimator for data
# moved by that shift (estimators with an explicit start move it too).
ESTIMATORS = {
    "KMeans": lambda shift: tc.KMeans(3, random_state=0),
    "CentNN": lambda shift: tc.CentNN(3),
    "BatchSOM": lambda shift: tc.BatchSOM(max_epochs=20, decay_epochs=10, random_state=0),
    "AMSOM": lambda shift: tc.AMSOM(max_epochs=20, decay_epochs=10, t_add=5, age_max=5,
                                    phase3_max_epochs=5, random_state=0),
    "ARKMeans": lambda shift: tc.ARKMeans(6, random_state=0),
    "RKMeans": lambda shift: tc.RKMeans(6, random_state=0),
    "KPrimeMeans": lambda shift: tc.KPrimeMeans(6, random_state=0),
    "FNMeans": lambda shift: tc.FNMeans(),
    "SubtractiveClustering": lambda shift: tc.SubtractiveClustering(0.5),
    "WeightedMeanSubtractiveClustering": lambda shift: tc.WeightedMeanSubtractiveClustering(0.5),
    "MountainClustering": lambda shift: tc.MountainClustering(0.5, grid_points=11),
    "FuzzyCMeans": lambda shift: tc.FuzzyCMeans(3, random_state=0),
    "KernelSubtractiveClustering": lambda shift: tc.KernelSubtractiveClustering(0.5),
}
NAMES = sorted(ESTIMATORS)


@pytest.mark.parametrize("name", NAMES)
def test_fit_is_committed_whole(name):
    make = ESTIMATORS[name]
    model = check_fit_committed_whole(make(np.zeros(2)), X_BLOBS, X_OTHER)
    assert model.predict(X_OTHER).shape == (len(X_OTHER),)


@pytest.mark.parametrize("name", NAMES)
def test_partition_does_not_move_with_the_data(name):
    check_shift_invariance(ESTIMATORS[name], X_BLOBS, offsets=(1e3, 1e6))


def test_pnn_predictions_do_not_move_with_the_data():
    reference = tc.PNN().fit(X_BLOBS, Y_BLOBS).predict(X_BLOBS)
    for offset in (1e3, 1e6):
        moved = tc.PNN().fit(X_BLOBS + offset, Y_BLOBS).predict(X_BLOBS + offset)
        assert np.array_equal(moved, reference), offset


@pytest.mark.parametrize("factor", [1e150, 1e-150])
@pytest.mark.parametrize("name", NAMES + ["PNN"])
def test_extreme_scales_are_refused_or_handled(name, factor):
    """At 1e150 squared distances overflow, at 1e-150 they underflow."""
    fit_y = Y_BLOBS if name == "PNN" else None
    make = (lambda shift: tc.PNN()) if name == "PNN" else ESTIMATORS[name]
    reference = make(np.zeros(2)).fit(X_BLOBS, fit_y)
    try:
        scaled = make(np.zeros(2)).fit(X_BLOBS * factor, fit_y)
    except ValueError as error:
        assert "Standardise" in str(error), str(error)
        return
    # An estimator that rescales its input itself must give the same answer.
    if name == "PNN":
        assert np.array_equal(scaled.predict(X_BLOBS * factor), reference.predict(X_BLOBS))
    else:
        assert np.array_equal(scaled.labels_, reference.labels_)
        assert np.all(np.isfinite(scaled.cluster_centers_))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad, message", [
    (np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]]), "NaN"),
    (np.array([[0.0, np.inf], [1.0, 2.0], [3.0, 4.0]]), "infinity"),
    (np.arange(6.0), "Reshape"),
    (np.empty((0, 2)), "0 sample"),
])
def test_bad_input_gets_a_clear_error(name, bad, message):
    with pytest.raises(ValueError, match=message):
        ESTIMATORS[name](np.zeros(2)).fit(bad)


def test_importing_the_algorithms_does_not_import_the_drawing_stack():
    code = ("import sys, tutorcluster; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'PIL') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", loaded.stdout
