"""Tests of the k-means baseline: scikit-learn agreement, protocol, bad input."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SklearnKMeans
from sklearn.datasets import make_blobs
from sklearn.utils.estimator_checks import parametrize_with_checks

from tutorcluster import KMeans, KMeansSnapshot
from tutorcluster.distances import squared_distances
from tutorcluster.kmeans import kmeans_plusplus
from tutorcluster.testing import assert_snapshots_equal, check_snapshot_protocol


@parametrize_with_checks([KMeans(n_clusters=3)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_snapshot_protocol():
    X, _ = make_blobs(n_samples=200, centers=4, random_state=0)
    check_snapshot_protocol(KMeans(n_clusters=4), X,
                            attributes={"centers": "cluster_centers_"})


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("init", ["random", "k-means++"])
def test_same_result_as_sklearn_lloyd_from_same_start(seed, init):
    X, _ = make_blobs(n_samples=600, centers=5, cluster_std=2.5, random_state=seed)
    ours = KMeans(n_clusters=5, init=init, random_state=seed).fit(X)
    theirs = SklearnKMeans(n_clusters=5, init=ours.init_centers_, n_init=1,
                           algorithm="lloyd").fit(X)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, atol=1e-10)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-10)


def test_history_alternates_assign_and_update():
    X, _ = make_blobs(n_samples=300, centers=3, random_state=1)
    model = KMeans(n_clusters=3, random_state=0).fit(X)
    steps = [s.step for s in model.history_]
    assert steps[0] == "init"
    body = steps[1:] if steps[-1] == "update" else steps[1:-1]
    assert body == ["assign", "update"] * (len(body) // 2)
    # An update moves every centre to the mean of its points (Step 2).
    for snapshot in model.history_:
        if snapshot.step == "update":
            for j, centre in enumerate(snapshot.centers):
                np.testing.assert_allclose(centre, X[snapshot.labels == j].mean(axis=0))
    # An assignment gives every point its nearest centre (Step 1).
    for snapshot in model.history_:
        if snapshot.step == "assign":
            nearest = squared_distances(X, snapshot.centers).argmin(axis=1)
            np.testing.assert_array_equal(snapshot.labels, nearest)


def test_update_inertia_is_the_parallel_axis_theorem():
    # Each update snapshot's inertia, computed from the previous one, equals
    # the inertia computed directly from the points.
    X, _ = make_blobs(n_samples=400, centers=5, cluster_std=2.0, random_state=4)
    model = KMeans(n_clusters=5, init="random", random_state=0).fit(X + 100.0)
    for snapshot in model.history_:
        if snapshot.step in ("assign", "update"):
            direct = ((X + 100.0 - snapshot.centers[snapshot.labels]) ** 2).sum()
            assert snapshot.inertia == pytest.approx(direct, rel=1e-9)


def test_inertia_never_increases():
    X, _ = make_blobs(n_samples=500, centers=6, cluster_std=3.0, random_state=2)
    model = KMeans(n_clusters=6, init="random", random_state=3).fit(X)
    inertias = [s.inertia for s in model.history_[1:]]
    assert all(b <= a + 1e-9 for a, b in zip(inertias, inertias[1:]))


def test_record_every_thins_history_without_changing_result():
    X, _ = make_blobs(n_samples=300, centers=3, random_state=1)
    full = KMeans(n_clusters=3, random_state=0).fit(X)
    thin = KMeans(n_clusters=3, random_state=0, record_every=3).fit(X)
    expected = list(full.history_[::3])
    if (len(full.history_) - 1) % 3:
        expected.append(full.history_[-1])
    assert_snapshots_equal(thin.history_, expected)
    assert len(thin.history_) < len(full.history_)
    np.testing.assert_array_equal(thin.cluster_centers_, full.cluster_centers_)
    assert thin.history_[-1].caption == full.history_[-1].caption


def test_kmeans_plusplus_draws_distinct_points_and_is_seeded():
    X, _ = make_blobs(n_samples=100, centers=4, random_state=0)
    a = kmeans_plusplus(X, 4, np.random.default_rng(0))
    b = kmeans_plusplus(X, 4, np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)
    assert len(np.unique(a, axis=0)) == 4
    assert all(any(np.array_equal(c, x) for x in X) for c in a)


def test_identical_points_give_one_centre_there():
    X = np.ones((10, 2))
    model = KMeans(n_clusters=1, random_state=0).fit(X)
    np.testing.assert_array_equal(model.cluster_centers_, [[1.0, 1.0]])
    assert model.inertia_ == 0


def test_empty_cluster_is_restarted_at_a_far_point():
    # Two centres start on the same side; the second owns nothing at first.
    X = np.array([[0.0], [0.1], [0.2], [10.0]])
    model = KMeans(n_clusters=2, init=np.array([[0.1], [-50.0]])).fit(X)
    assert sorted(np.bincount(model.labels_)) == [1, 3]


def test_predict_and_transform():
    X, _ = make_blobs(n_samples=200, centers=3, random_state=0)
    model = KMeans(n_clusters=3, random_state=0).fit(X)
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    assert model.transform(X).shape == (200, 3)
    assert model.score(X) == pytest.approx(-model.inertia_)


@pytest.mark.parametrize("X, message", [
    (np.array([[0.0, np.nan], [1.0, 1.0]]), "NaN"),
    (np.array([[0.0, np.inf], [1.0, 1.0]]), "infinity"),
    (np.arange(5.0), "Expected 2D array"),
    (np.empty((0, 2)), "0 sample"),
])
def test_bad_data_is_refused(X, message):
    with pytest.raises(ValueError, match=message):
        KMeans(n_clusters=1).fit(X)


@pytest.mark.parametrize("params, message", [
    ({"n_clusters": 11}, "larger than the number of samples"),
    ({"n_clusters": 0}, "n_clusters must be >= 1"),
    ({"n_clusters": 2.5}, "n_clusters must be an integer"),
    ({"n_clusters": 2, "init": "best"}, "init must be one of"),
    ({"n_clusters": 2, "init": np.zeros((3, 2))}, "init must have shape"),
    ({"n_clusters": 2, "max_iter": 0}, "max_iter must be >= 1"),
    ({"n_clusters": 2, "tol": -1.0}, "tol must be >= 0"),
    ({"n_clusters": 2, "record_every": -1}, "record_every"),
    ({"n_clusters": 2, "random_state": "seed"}, "random_state"),
])
def test_bad_parameters_are_refused(params, message):
    X = np.random.default_rng(0).random((10, 2))
    with pytest.raises(ValueError, match=message):
        KMeans(**params).fit(X)


def test_frames_that_are_not_kept_are_never_built(monkeypatch):
    # The update and assign frames are lazy (functools.partial): record_every=0
    # builds the start (yielded built) and the last frame only.
    X, _ = make_blobs(n_samples=300, centers=4, random_state=0)
    built = []
    original = KMeansSnapshot.__post_init__
    monkeypatch.setattr(KMeansSnapshot, "__post_init__", lambda self: (built.append(self.step), original(self)))
    model = KMeans(n_clusters=4, init="random", random_state=1, record_every=0).fit(X)
    assert model.n_iter_ > 2 and len(built) == 2 and len(model.history_) == 1


@pytest.mark.parametrize("factor", [1e-300, 1e300])
def test_scales_whose_distances_overflow_are_refused(factor):
    X, _ = make_blobs(n_samples=50, centers=2, random_state=0)
    with pytest.raises(ValueError, match="Standardise"):
        KMeans(n_clusters=2, random_state=0).fit(X * factor)


def test_partition_does_not_move_with_an_explicit_start():
    X, _ = make_blobs(n_samples=300, centers=4, random_state=0)
    start = X[:4].copy()
    reference = KMeans(n_clusters=4, init=start).fit(X)
    for offset in (1e3, 1e6):
        moved = KMeans(n_clusters=4, init=start + offset).fit(X + offset)
        np.testing.assert_array_equal(moved.labels_, reference.labels_)
        assert moved.n_iter_ == reference.n_iter_
