"""Tests of CentNN: the article's numbers, the paper's invariants, the screened
pass against the plain loop, memory of the histories, edge cases, bad input
and the views."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import parametrize_with_checks

import tutorcluster as tc
from tutorcluster import CentNN, CentNNEpochSnapshot, CentNNSampleSnapshot
from tutorcluster import centnn as centnn_module
from tutorcluster.centnn import _screened_pass, centnn_plain, neuron_errors
from tutorcluster._snapshots import snapshot_nbytes
from tutorcluster.testing import assert_snapshots_equal, check_snapshot_protocol
from tutorcluster.views.centnn import CentNNProgressView, CentNNSampleView, CentNNView

# The ten final centroids printed in the article ([A]), in its order.
ARTICLE_CENTROIDS = np.array([
    [-9.66726188, 6.62956078],
    [-8.57296482, -8.31582399],
    [9.30888233, -2.32652503],
    [5.82090263, 0.57715316],
    [5.55404696, 7.36294438],
    [-1.32316256, 7.86651609],
    [-1.63557118, 2.87845278],
    [2.08983389, 0.85729017],
    [1.47692106, 8.56662456],
    [0.90838486, 4.30719839],
])

# The notebook's worked example: six points, three neurons.
TINY = np.array([[6, 1], [6, 4], [2, 1], [1, 1], [6, 2], [6, 0]], dtype=float)


def assert_events_match(events, history):
    """``events_`` equals the epoch history field by field, labels left out."""
    assert len(events) == len(history)
    for event, snapshot in zip(events, history):
        assert event.labels is None
        for name in ("iteration", "centers", "counts", "n_changes", "changed", "inertia",
                     "event", "split_index", "repaired_index", "new_weight", "errors", "caption"):
            a, b = getattr(event, name), getattr(snapshot, name)
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                np.testing.assert_array_equal(a, b)
            else:
                assert a == b, name


@pytest.fixture(scope="module")
def article():
    X, _ = tc.datasets.make_centnn_blobs()
    return X, CentNN(n_clusters=10).fit(X)


@parametrize_with_checks([
    CentNN(n_clusters=3),
    CentNN(n_clusters=3, record="sample", shuffle=True, random_state=0, split_criterion="sum_dist"),
])
def test_sklearn_compatible(estimator, check):
    check(estimator)


# --- The article's example ----------------------------------------------------------

def test_article_initial_weights_are_the_centroid_plus_minus_epsilon():
    X, _ = tc.datasets.make_centnn_blobs()
    np.testing.assert_allclose(X.mean(axis=0), [0.38965411, 2.83785116], atol=5e-9)
    first = next(CentNN(n_clusters=10, record="sample").iter_fit(X))
    # The first sample is won by one of the two initial neurons (c + eps, c - eps).
    printed = {0: [0.43965411, 2.88785116], 1: [0.33965411, 2.78785116]}
    np.testing.assert_allclose(first.winner_before, printed[first.winner], atol=5e-9)


def test_article_run_reproduces_the_printed_numbers(article):
    X, model = article
    history = model.history_
    assert history[0].n_changes == len(X)
    assert history[0].counts.tolist() == [4499, 501]
    assert [s.iteration for s in history if s.event == "split"] == [1, 11, 19, 25, 31, 41, 72, 77]
    # Epoch 0 plus epochs 1..82, so 83 snapshots; the article says "81 epochs".
    assert model.n_epochs_ == 82 and len(history) == 83
    assert [s.iteration for s in history] == list(range(83))
    assert model.stop_reason_ == "converged" and model.n_clusters_ == 10
    assert model.inertia_ == pytest.approx(7412.386, abs=1e-3)
    np.testing.assert_allclose(model.cluster_centers_, ARTICLE_CENTROIDS, atol=1e-7)


def test_article_split_choice_does_not_matter_there(article):
    # On the article's data both errors pick the same neurons.
    X, model = article
    other = CentNN(n_clusters=10, split_criterion="sum_dist").fit(X)
    np.testing.assert_array_equal(other.cluster_centers_, model.cluster_centers_)
    np.testing.assert_array_equal(other.labels_, model.labels_)


# --- Invariants --------------------------------------------------------------------

def _labels(snapshot):
    """The labels of an epoch snapshot, or those rebuilt for an update snapshot."""
    return snapshot.labels if snapshot.labels is not None else snapshot.rebuild_labels()


def _check_means_and_counts(X, snapshot):
    labels = _labels(snapshot)
    presented = labels >= 0  # -1: not presented yet (epoch 0, sample mode)
    counts = np.bincount(labels[presented], minlength=len(snapshot.centers))
    np.testing.assert_array_equal(snapshot.counts, counts)
    for m in np.flatnonzero(counts):
        # Eq. (5): every weight is the mean of the samples it owns.
        np.testing.assert_allclose(snapshot.centers[m], X[labels == m].mean(axis=0),
                                   rtol=0, atol=1e-9)


def test_every_weight_is_the_mean_of_its_samples(article):
    X, model = article
    for snapshot in model.history_:
        _check_means_and_counts(X, snapshot)


def test_energy_never_increases_after_epoch_0(article):
    X, model = article
    inertias = np.array([s.inertia for s in model.history_])
    assert np.all(np.diff(inertias) <= 1e-9 * inertias[:-1])
    # A pass with changes strictly lowers J (Eq. 7); a pass without changes keeps it.
    for before, after in zip(model.history_, model.history_[1:]):
        if after.n_changes:
            assert after.inertia < before.inertia
        else:
            assert after.inertia == pytest.approx(before.inertia, rel=1e-12)


def test_result_is_a_lloyd_fixed_point(article):
    X, model = article
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    assert model.counts_.min() >= 1
    np.testing.assert_array_equal(model.counts_, np.bincount(model.labels_))
    means, _ = tc.kmeans.cluster_means(X, model.labels_, 10)
    np.testing.assert_allclose(model.cluster_centers_, means, atol=1e-9)
    # So a Lloyd step from these centres changes nothing.
    lloyd = tc.KMeans(n_clusters=10, init=model.cluster_centers_, max_iter=5).fit(X)
    np.testing.assert_array_equal(lloyd.labels_, model.labels_)


def test_split_events_follow_eq_6(article):
    X, model = article
    for before, after in zip(model.history_, model.history_[1:]):
        if before.event == "split":
            assert before.n_changes == 0
            s = before.split_index
            np.testing.assert_allclose(before.errors, neuron_errors(X, before.labels, before.centers))
            assert s == int(np.argmax(before.errors))
            np.testing.assert_array_equal(before.new_weight, before.centers[s] + 0.05)
            assert after.n_neurons == before.n_neurons + 1
        else:
            assert before.split_index == -1 and before.new_weight is None
    assert model.history_[-1].event == "stop"
    assert sum(s.event == "split" for s in model.history_) == 8


def test_changed_lists_exactly_the_relabelled_samples(article):
    X, model = article
    for before, after in zip(model.history_, model.history_[1:]):
        moved = np.flatnonzero(before.labels != after.labels)
        np.testing.assert_array_equal(np.sort(after.changed), moved)
        assert after.n_changes == len(moved)


def test_events_record_every_epoch_whatever_is_kept(article):
    X, model = article
    thinned = CentNN(n_clusters=10, record_every=10).fit(X)
    assert len(thinned.history_) == 10  # epochs 0, 10, ..., 80 and the last one
    assert_events_match(thinned.events_, model.history_)


# --- The screened pass equals the plain per-sample loop ----------------------------

def _plain_cases():
    rng = np.random.default_rng(0)
    X_iris, _ = tc.datasets.load("iris")
    X_wine, _ = tc.datasets.load("wine", standardize=True)
    X_digits, _ = tc.datasets.load("digits")
    X_3d, _ = make_blobs(n_samples=800, n_features=3, centers=6, random_state=2)
    X_dup = np.repeat(make_blobs(n_samples=60, centers=4, random_state=3)[0], 3, axis=0)
    return {
        "iris-3": (X_iris, 3, {}),
        "wine-5": (X_wine, 5, {}),
        "digits-10": (X_digits, 10, {}),
        "blobs3d-6-sum_dist": (X_3d, 6, {"split_criterion": "sum_dist"}),
        "blobs3d-6-shuffled": (X_3d, 6, {"shuffle": True, "random_state": 4}),
        "tiny-scale-4": (rng.normal(size=(200, 2)) * 1e-4, 4, {}),
        "duplicates-5": (X_dup, 5, {}),
        "uniform-12": (rng.uniform(size=(500, 2)), 12, {"epsilon": 0.01}),
    }


@pytest.mark.parametrize("name", list(_plain_cases()))
def test_screened_fit_equals_the_plain_loop_to_the_last_bit(name):
    X, M, params = _plain_cases()[name]
    model = CentNN(n_clusters=M, **params).fit(X)
    order = None
    if params.get("shuffle"):
        order = np.random.default_rng(params["random_state"]).permutation(len(X))
    W, labels, counts, n_epochs = centnn_plain(
        X, M, epsilon=params.get("epsilon", 0.05), order=order,
        split_criterion=params.get("split_criterion", "sse"))
    np.testing.assert_array_equal(model.cluster_centers_, W)
    np.testing.assert_array_equal(model.labels_, labels)
    np.testing.assert_array_equal(model.counts_, counts)
    assert model.n_epochs_ == n_epochs


def test_article_screened_fit_equals_the_plain_loop(article):
    X, model = article
    W, labels, counts, n_epochs = centnn_plain(X, 10)
    np.testing.assert_array_equal(model.cluster_centers_, W)
    np.testing.assert_array_equal(model.labels_, labels)
    assert n_epochs == 82


@pytest.mark.parametrize("chunks", [(1, 1), (1, 3), (5, 7), (16, 64)])
def test_chunk_sizes_do_not_change_the_result(monkeypatch, chunks):
    X, _ = make_blobs(n_samples=400, centers=5, cluster_std=2.0, random_state=5)
    reference = CentNN(n_clusters=5).fit(X)
    monkeypatch.setattr(centnn_module, "_MIN_CHUNK", chunks[0])
    monkeypatch.setattr(centnn_module, "_MAX_CHUNK", chunks[1])
    model = CentNN(n_clusters=5).fit(X)
    np.testing.assert_array_equal(model.cluster_centers_, reference.cluster_centers_)
    assert_snapshots_equal(model.history_, reference.history_)


def test_screened_pass_never_takes_a_neurons_last_sample():
    # Sample 0 is alone in neuron 0 yet nearer neuron 1; Eq. 4 would divide by 0.
    X = np.array([[0.0, 0.0], [1.0, 0.0], [1.2, 0.0], [5.0, 0.0]])
    W = np.array([[3.0, 0.0], [1.1, 0.0]])
    N = np.array([1, 3])
    labels = np.array([0, 1, 1, 1], dtype=np.int32)
    moves = list(_screened_pass(X, np.arange(4), W, N, labels))
    # Only sample 3 may move (to neuron 0, which then owns two samples).
    assert [(t, i, j) for _, t, i, j, _, _ in moves] == [(3, 1, 0)]
    assert labels.tolist() == [0, 1, 1, 0] and N.tolist() == [2, 2]
    np.testing.assert_allclose(W, [[4.0, 0.0], [1.1 - (5.0 - 1.1) / 2, 0.0]])


# --- The worked example of the notebook --------------------------------------------

def test_worked_example_by_hand():
    model = CentNN(n_clusters=3, record="sample").fit(TINY)
    epochs = model.events_
    # Epoch 0: c = (4.5, 1.5); samples 0, 2, 3 join neuron 0, samples 1, 4, 5 neuron 1.
    np.testing.assert_allclose(epochs[0].centers, [[3, 1], [6, 2]])
    assert model.history_[5].rebuild_labels().tolist() == [0, 1, 0, 0, 1, 1]
    # Epoch 1: sample 0 leaves neuron 0 for neuron 1 (Eqs. 3-4).
    assert epochs[1].changed.tolist() == [0]
    np.testing.assert_allclose(epochs[1].centers, [[1.5, 1], [6, 1.75]])
    # Epoch 2: no change, so neuron 1 (E = 8.75 > 0.5) is split at (6.05, 1.80).
    assert epochs[2].event == "split" and epochs[2].split_index == 1
    np.testing.assert_allclose(epochs[2].errors, [0.5, 8.75])
    np.testing.assert_allclose(epochs[2].new_weight, [6.05, 1.80])
    # Epoch 3: sample 1 moves to the newborn neuron 2; epoch 4: nothing moves, stop.
    assert epochs[3].changed.tolist() == [1]
    assert epochs[4].event == "stop" and model.n_epochs_ == 4
    np.testing.assert_allclose(model.cluster_centers_, [[1.5, 1], [6, 1], [6, 4]], atol=1e-12)
    # One sample snapshot per applied update: 6 in epoch 0, then 1 and 1.
    steps = [(s.iteration, s.sample, s.winner, s.loser) for s in model.history_]
    assert steps == [(0, 0, 0, -1), (0, 1, 1, -1), (0, 2, 0, -1), (0, 3, 0, -1),
                     (0, 4, 1, -1), (0, 5, 1, -1), (1, 0, 1, 0), (3, 1, 2, 1)]


def test_sample_snapshots_apply_the_two_gains():
    X, _ = make_blobs(n_samples=30, centers=3, random_state=7)
    model = CentNN(n_clusters=3, record="sample").fit(X)
    epoch_mode = CentNN(n_clusters=3).fit(X)
    total_changes = sum(s.n_changes for s in epoch_mode.history_)
    assert len(model.history_) == total_changes
    assert all(isinstance(s, CentNNSampleSnapshot) for s in model.history_)
    assert_events_match(model.events_, epoch_mode.history_)
    np.testing.assert_array_equal(model.cluster_centers_, epoch_mode.cluster_centers_)
    for s in model.history_:
        x, j, i = X[s.sample], s.winner, s.loser
        # Eq. (3) with N_j counted before the update, i.e. counts[j] - 1.
        np.testing.assert_array_equal(s.centers[j], s.winner_before + (x - s.winner_before) / s.counts[j])
        if i >= 0:
            # Eq. (4) with N_i counted before the update, i.e. counts[i] + 1.
            np.testing.assert_array_equal(s.centers[i], s.loser_before - (x - s.loser_before) / s.counts[i])
            assert _labels(s)[s.sample] == j
        _check_means_and_counts(X, s)
    assert (_labels(model.history_[0]) == -1).sum() == len(X) - 1
    # J drops at every owner change (Eq. 7), and a split does not change it.
    later = [s for s in model.history_ if s.loser >= 0]
    energies = [float(((X - s.centers[_labels(s)]) ** 2).sum()) for s in later]
    assert np.all(np.diff(energies) < 0)


# --- Snapshot protocol -------------------------------------------------------------

@pytest.mark.parametrize("params", [
    {},
    {"record": "sample"},
    {"shuffle": True},
    {"split_criterion": "sum_dist", "epsilon": 0.3},
])
def test_snapshot_protocol(params):
    X, _ = make_blobs(n_samples=120, centers=4, random_state=0)
    attributes = {"counts": "counts_"}
    if params.get("record") != "sample":
        attributes.update({"inertia": "inertia_", "n_neurons": "n_clusters_"})
    check_snapshot_protocol(CentNN(n_clusters=4, **params), X, attributes=attributes)


def test_shuffle_draws_one_order_for_the_whole_fit():
    X, _ = make_blobs(n_samples=300, centers=4, random_state=1)
    a = CentNN(n_clusters=4, shuffle=True, random_state=3, record="sample").fit(X)
    b = CentNN(n_clusters=4, shuffle=True, random_state=3).fit(X)
    order = np.random.default_rng(3).permutation(len(X))
    # Epoch 0 presents the samples in that order...
    assert [s.sample for s in a.history_[:len(X)]] == order.tolist()
    # ...and every later epoch too: the updates of one epoch come in that order.
    position = np.argsort(order)
    for epoch in range(1, a.n_epochs_ + 1):
        samples = [s.sample for s in a.history_ if s.iteration == epoch and s.loser >= 0]
        assert np.all(np.diff(position[samples]) > 0)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    unshuffled = CentNN(n_clusters=4, random_state=3).fit(X)
    assert unshuffled.history_[0].changed.tolist() == list(range(len(X)))


# --- Edge cases --------------------------------------------------------------------

def test_one_cluster_is_the_mean():
    X, _ = make_blobs(n_samples=50, centers=2, random_state=0)
    for record in ("epoch", "sample"):
        model = CentNN(n_clusters=1, record=record).fit(X)
        np.testing.assert_allclose(model.cluster_centers_, X.mean(axis=0)[None])
        assert model.labels_.tolist() == [0] * 50 and model.counts_.tolist() == [50]
        assert model.n_epochs_ == 0 and len(model.history_) == 1
        assert model.history_[0].event == "stop" and model.stop_reason_ == "converged"


def test_two_clusters_never_split():
    X, _ = make_blobs(n_samples=200, centers=2, random_state=0)
    model = CentNN(n_clusters=2).fit(X)
    assert all(s.event in (None, "stop") for s in model.history_)
    assert all(s.n_neurons == 2 for s in model.history_)


def test_every_sample_alone_when_n_clusters_equals_n():
    X = np.random.default_rng(1).normal(size=(12, 2))
    model = CentNN(n_clusters=12).fit(X)
    assert model.counts_.tolist() == [1] * 12
    assert model.inertia_ == pytest.approx(0, abs=1e-20)


def test_duplicates_end_in_the_same_cluster():
    X = np.repeat(make_blobs(n_samples=80, centers=3, random_state=4)[0], 2, axis=0)
    labels = CentNN(n_clusters=5).fit(X).labels_
    np.testing.assert_array_equal(labels[0::2], labels[1::2])


def test_tiny_scale_data_is_repaired():
    # With eps = 0.05 >> std = 1e-4 the second neuron and every newborn
    # neuron own nothing; the repair brings each onto a sample.
    X = np.random.default_rng(0).normal(size=(200, 2)) * 1e-4
    model = CentNN(n_clusters=4).fit(X)
    repairs = [s for s in model.history_ if s.event == "repair"]
    assert len(repairs) == 3
    for s in repairs:
        assert s.counts[s.repaired_index] == 0
        members = np.flatnonzero(s.labels == s.split_index)
        assert any(np.array_equal(s.new_weight, X[t]) for t in members)
    assert model.n_clusters_ == 4 and model.counts_.min() >= 1
    assert model.stop_reason_ == "converged"


def test_split_criterion_matters_with_an_outlier():
    # The squared error isolates a far outlier; the sum of distances
    # splits the big blob instead.
    rng = np.random.default_rng(0)
    big = rng.normal(size=(500, 2)) * 1.5
    small = rng.normal(size=(50, 2)) * 0.3 + [12, 0]
    X = np.vstack([big, small, [[12, 60]]])
    sse = CentNN(n_clusters=3).fit(X)
    dist = CentNN(n_clusters=3, split_criterion="sum_dist").fit(X)
    assert sorted(sse.counts_.tolist()) == [1, 50, 500]
    assert sse.labels_[-1] != sse.labels_[-2]
    assert 1 not in dist.counts_.tolist()


def test_max_epochs_stops_with_a_warning():
    X, _ = tc.datasets.make_centnn_blobs()
    with pytest.warns(ConvergenceWarning, match="max_epochs=5"):
        model = CentNN(n_clusters=10, max_epochs=5).fit(X)
    assert model.stop_reason_ == "max_epochs" and model.n_epochs_ == 5
    assert model.n_clusters_ == 3  # the first split is after epoch 1, the next after 11
    assert model.history_[-1].event == "stop"
    with pytest.warns(ConvergenceWarning):
        zero = CentNN(n_clusters=3, max_epochs=0).fit(X)
    assert zero.n_epochs_ == 0 and zero.counts_.tolist() == [4499, 501]


def test_max_epochs_right_after_a_split_in_sample_mode():
    # On tiny-scale data the neuron born after epoch 7 wins nothing in epoch 8.
    # With the cap at 8 no update shows the newborn neuron, so the sample-mode
    # history ends on the epoch snapshot, which does.
    X = np.random.default_rng(0).normal(size=(200, 2)) * 1e-4
    free = CentNN(n_clusters=4).fit(X)
    assert free.history_[7].event == "split" and free.history_[8].n_changes == 0
    with pytest.warns(ConvergenceWarning):
        model = CentNN(n_clusters=4, max_epochs=8, record="sample").fit(X)
    last = model.history_[-1]
    assert isinstance(last, CentNNEpochSnapshot) and last.iteration == 8
    assert isinstance(model.history_[-2], CentNNSampleSnapshot)
    np.testing.assert_array_equal(last.centers, model.cluster_centers_)
    assert model.n_clusters_ == 3 and model.counts_.tolist()[-1] == 0


def test_input_is_not_modified_and_lists_are_accepted():
    X, _ = make_blobs(n_samples=100, centers=3, random_state=0)
    original = X.copy()
    model = CentNN(n_clusters=3, shuffle=True, random_state=0).fit(X)
    np.testing.assert_array_equal(X, original)
    from_list = CentNN(n_clusters=3, shuffle=True, random_state=0).fit(X.tolist())
    np.testing.assert_array_equal(from_list.cluster_centers_, model.cluster_centers_)
    integers = CentNN(n_clusters=3).fit(np.round(X * 10).astype(int))
    assert integers.cluster_centers_.dtype == np.float64


def test_predict_new_points():
    X, _ = make_blobs(n_samples=300, centers=3, random_state=0)
    model = CentNN(n_clusters=3).fit(X)
    new = model.cluster_centers_ + 0.01
    assert model.predict(new).tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :1])


@pytest.mark.parametrize("X, message", [
    ([[0.0, np.nan], [1.0, 2.0]], "NaN"),
    ([[0.0, np.inf], [1.0, 2.0]], "infinity"),
    ([1.0, 2.0, 3.0], "reshape"),
    (np.empty((0, 2)), "0 sample"),
])
def test_bad_input(X, message):
    with pytest.raises(ValueError, match=message):
        CentNN(n_clusters=1).fit(X)


@pytest.mark.parametrize("params, message", [
    ({"n_clusters": 0}, "n_clusters must be >= 1"),
    ({"n_clusters": 2.5}, "n_clusters must be an integer"),
    ({"n_clusters": 7}, r"n_clusters=7 is larger than the number of samples \(6\)"),
    ({"n_clusters": 6}, r"n_clusters=6 is larger than the number of distinct samples \(5\)"),
    ({"n_clusters": 3, "epsilon": 0}, "epsilon must be > 0"),
    ({"n_clusters": 3, "epsilon": -0.1}, "epsilon must be > 0"),
    ({"n_clusters": 3, "epsilon": np.nan}, "epsilon must be a finite"),
    ({"n_clusters": 3, "max_epochs": -1}, "max_epochs must be >= 0"),
    ({"n_clusters": 3, "max_epochs": 2.0}, "max_epochs must be an integer"),
    ({"n_clusters": 3, "split_criterion": "max"}, "split_criterion must be one of"),
    ({"n_clusters": 3, "record": "iteration"}, "record must be one of"),
    ({"n_clusters": 3, "shuffle": "yes"}, "shuffle must be True or False"),
    ({"n_clusters": 3, "record_every": -1}, "record_every"),
])
def test_bad_parameters(params, message):
    X = np.array([[0.0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [4, 0]])
    with pytest.raises(ValueError, match=message):
        CentNN(**params).fit(X)


def test_constant_data_has_one_distinct_sample():
    X = np.ones((10, 3))
    with pytest.raises(ValueError, match=r"distinct samples \(1\)"):
        CentNN(n_clusters=2).fit(X)
    np.testing.assert_array_equal(CentNN(n_clusters=1).fit(X).cluster_centers_, [[1, 1, 1]])


# --- Views -------------------------------------------------------------------------

def test_epoch_views_draw_every_frame():
    X, _ = make_blobs(n_samples=200, centers=4, random_state=2)
    model = CentNN(n_clusters=4).fit(X)
    for view in (None, CentNNProgressView):
        player = tc.scrub(model, X, view=view, dpi=40)
        assert isinstance(player.stage.views[0], view or CentNNView)
        for frame in range(len(model.history_)):
            player.show(frame)
            assert player.picture.value[:8] == b"\x89PNG\r\n\x1a\n"
        assert "stop" in player.caption.value


def test_repair_and_split_frames_are_drawn():
    X = np.random.default_rng(0).normal(size=(200, 2)) * 1e-4
    model = CentNN(n_clusters=4).fit(X)
    player = tc.scrub(model, X, dpi=40)
    view = player.stage.views[0]
    for frame, snapshot in enumerate(model.history_):
        player.show(frame)
        if snapshot.event in ("split", "repair"):
            assert len(view.birth.get_offsets()) == 1 and len(view.ring.get_offsets()) == 1
    repair = next(s for s in model.history_ if s.event == "repair")
    player.show(model.history_.index(repair))
    assert len(view.jump.get_segments()) == 1


def test_sample_view_draws_arrows_and_side_by_side():
    X, _ = make_blobs(n_samples=30, centers=3, random_state=7)
    model = CentNN(n_clusters=3, record="sample").fit(X)
    player = tc.scrub(model, X, dpi=40)
    view = player.stage.views[0]
    assert isinstance(view, CentNNSampleView)
    for frame, snapshot in enumerate(model.history_):
        player.show(frame)
        # The arrows end on the weights after the update.
        tips = view.moves.get_offsets() + np.column_stack([view.moves.U, view.moves.V])
        np.testing.assert_allclose(tips[0], snapshot.centers[snapshot.winner])
        if snapshot.loser >= 0:
            np.testing.assert_allclose(tips[1], snapshot.centers[snapshot.loser])
    one = CentNN(n_clusters=1, record="sample").fit(X)
    tc.scrub([model, one], X)  # an epoch snapshot in the sample view
    tc.scrub([CentNN(n_clusters=3).fit(X), tc.KMeans(3, random_state=0).fit(X)], X)


def test_three_features_are_projected():
    X, _ = make_blobs(n_samples=90, n_features=3, centers=3, random_state=0)
    for record in ("epoch", "sample"):
        model = CentNN(n_clusters=3, record=record).fit(X)
        player = tc.scrub(model, X, dpi=40)
        player.show(len(model.history_) - 1)


def test_snapshot_types_and_aliases(article):
    X, model = article
    snapshot = model.history_[5]
    assert isinstance(snapshot, CentNNEpochSnapshot)
    assert snapshot.epoch == snapshot.iteration == 5
    assert snapshot.weights is snapshot.centers
    assert snapshot.labels.dtype == np.int32
    assert "Epoch 5, k = 3" in snapshot.caption and "Eqs. 3-4" in snapshot.caption


def test_warnings_are_not_raised_on_a_normal_fit():
    X, _ = make_blobs(n_samples=200, centers=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CentNN(n_clusters=4).fit(X)


# --- Memory of the histories -------------------------------------------------------

def test_update_snapshots_store_what_changed_not_the_labels():
    """At N = 10k, one labels copy per update took 1.1 GB; the log takes a few bytes per update."""
    X = np.random.default_rng(0).normal(size=(10_000, 2))
    model = CentNN(n_clusters=6, record="sample").fit(X)
    log = model.history_[0].log
    assert all(s.labels is None and s.log is log for s in model.history_[:-1])
    assert log.size >= len(X) and log.nbytes < 16 * log.size + 4 * len(X) * 2
    # Labels rebuilt at the last update of each epoch equal the epoch snapshots.
    epoch_mode = CentNN(n_clusters=6).fit(X)
    last_update = {s.iteration: s for s in model.history_}
    for snapshot in epoch_mode.history_:
        if snapshot.iteration in last_update:
            np.testing.assert_array_equal(last_update[snapshot.iteration].rebuild_labels(),
                                          snapshot.labels)
    np.testing.assert_array_equal(model.history_[-1].rebuild_labels(), model.labels_)


def test_label_log_replays_repeated_moves_in_order():
    log = centnn_module.LabelLog(3)
    labels = np.full(3, -1, dtype=np.int32)
    for t, j in [(0, 0), (1, 1), (2, 0), (0, 1), (0, 2), (1, 0), (0, 1)]:
        labels[t] = j
        log.append(t, j, labels)
        np.testing.assert_array_equal(log.labels_after(log.size - 1), labels)
    np.testing.assert_array_equal(log.labels_after(1), [0, 1, -1])
    np.testing.assert_array_equal(log.labels_after(4), [2, 1, 0])


def test_epoch_records_stay_small_whatever_record_every():
    """events_ kept every epoch's labels (62 MB at 200k with record_every=0)."""
    X = np.random.default_rng(1).normal(size=(20_000, 2))
    model = CentNN(n_clusters=8, record_every=0).fit(X)
    assert len(model.history_) == 1
    event_bytes = sum(snapshot_nbytes(s) for s in model.events_)
    labels_per_epoch = 4 * len(X) * len(model.events_)
    assert all(s.labels is None for s in model.events_)
    # Epoch 0 lists every sample; the rest is weights, counts and the changes.
    changes = sum(s.n_changes for s in model.events_)
    assert event_bytes <= 8 * changes + 200 * model.n_clusters_ * len(model.events_)
    assert event_bytes < labels_per_epoch / 4


@pytest.mark.parametrize("record", ["epoch", "sample"])
def test_thinning_builds_only_the_kept_snapshots(monkeypatch, record):
    X, _ = make_blobs(n_samples=300, centers=4, random_state=3)
    built = []
    for cls in (CentNNEpochSnapshot, CentNNSampleSnapshot):
        original = cls.__post_init__
        def counting(self, original=original):
            built.append(type(self))
            original(self)
        monkeypatch.setattr(cls, "__post_init__", counting)
    full = CentNN(n_clusters=4, record=record).fit(X)
    built.clear()
    thinned = CentNN(n_clusters=4, record=record, record_every=0).fit(X)
    n_history = sum(1 for kind in built if kind is not CentNNEpochSnapshot or record == "epoch")
    assert len(thinned.history_) == 1
    # events_ builds one small record per epoch; the history builds one snapshot.
    history_built = len(built) - len(thinned.events_)
    assert history_built == 1, (history_built, n_history, len(full.history_))
    np.testing.assert_array_equal(thinned.labels_, full.labels_)


def test_predict_is_nearest_centre_through_the_mixin(article):
    X, model = article
    from tutorcluster.distances import NearestCentreMixin
    assert isinstance(model, NearestCentreMixin)
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    np.testing.assert_allclose(-model.score(X), model.inertia_, rtol=1e-9)
    assert model.transform(X[:5]).shape == (5, 10)


# --- The optional compiled epochs (numba) ------------------------------------------

@pytest.mark.parametrize("case", ["article", "shuffled", "ties", "one feature", "five features", "repair"])
def test_compiled_epochs_equal_the_numpy_path_to_the_last_bit(monkeypatch, case):
    pytest.importorskip("numba")
    rng = np.random.default_rng(3)
    params = {"n_clusters": 6}
    if case == "article":
        X, params = tc.datasets.make_centnn_blobs()[0], {"n_clusters": 10}
    elif case == "shuffled":
        X, _ = make_blobs(n_samples=800, centers=5, random_state=4)
        params.update(shuffle=True, random_state=1)
    elif case == "ties":
        X = np.repeat(rng.integers(0, 4, size=(150, 2)).astype(float), 2, axis=0)
    elif case == "one feature":
        X = rng.normal(size=(600, 1))
    elif case == "five features":
        X, _ = make_blobs(n_samples=700, n_features=5, centers=6, random_state=2)
    else:
        X, params = rng.normal(size=(200, 2)) * 1e-4, {"n_clusters": 4}
    assert centnn_module.compiled_epochs() is not None
    compiled = CentNN(**params).fit(X)
    monkeypatch.setattr(centnn_module, "_compiled", None)
    reference = CentNN(**params).fit(X)
    np.testing.assert_array_equal(compiled.cluster_centers_, reference.cluster_centers_)
    np.testing.assert_array_equal(compiled.labels_, reference.labels_)
    assert compiled.n_epochs_ == reference.n_epochs_
    assert_events_match(compiled.events_, reference.history_)
