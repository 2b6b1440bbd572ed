"""Tests of ARK-means, RK-means and k'-means (notebook 03, "Reading the paper")."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_blobs
from sklearn.utils.estimator_checks import parametrize_with_checks

import tutorcluster as tc
from tutorcluster import ARKMeans, KPrimeMeans, RKMeans
from tutorcluster.arkmeans import centroid_paths, delete_empty, repulsion, tiny_ball
from tutorcluster.datasets import make_four_quadrants
from tutorcluster.metrics import clustering_accuracy
from tutorcluster.testing import assert_snapshots_equal, check_snapshot_protocol
from tutorcluster.views.arkmeans import KPrimeView, RepulsionView, nice_factor

no_warnings = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(n_samples=350, centers=4, random_state=1)


def repulsion_by_loops(mu, w, C):
    """Eq. 3 written literally, pair by pair, with M_kk' = w_k / w_k'."""
    D = np.zeros_like(mu)
    for k in range(len(mu)):
        if w[k] == 0:
            continue
        for j in range(len(mu)):
            r = np.linalg.norm(mu[k] - mu[j])
            if j == k or r == 0:
                continue
            inverse_mass = w[j] / w[k]                      # 1 / M_kk'
            D[k] += C * (1 / r**2) * inverse_mass * (mu[k] - mu[j]) / r
    return D


def stops(previous, current, tol=1e-4):
    return previous == 0 or abs(previous - current) <= tol * previous


# --- scikit-learn compatibility and the snapshot protocol ------------------

@parametrize_with_checks([ARKMeans(n_clusters=3), RKMeans(n_clusters=3), KPrimeMeans(n_clusters=3)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator, attributes", [
    (ARKMeans(n_clusters=10), {"repulsion": "repulsion_", "pushed": "pushed_centers_",
                               "n_clusters": "n_clusters_", "sse": "sse_"}),
    (RKMeans(n_clusters=10), {"repulsion": "repulsion_", "n_clusters": "n_clusters_",
                              "sse": "sse_"}),
    (KPrimeMeans(n_clusters=10), {"n_clusters": "n_clusters_", "proportions": "proportions_",
                                  "cost": "cost_", "E": "E_"}),
])
def test_snapshot_protocol(estimator, attributes, blobs):
    model = check_snapshot_protocol(estimator, blobs[0], attributes=attributes)
    assert model.n_iter_ == len(model.history_)
    assert [s.iteration for s in model.history_] == list(range(1, model.n_iter_ + 1))


# --- the pieces --------------------------------------------------------------

def test_tiny_ball_follows_the_recipe_exactly():
    X = np.random.default_rng(5).normal(size=(40, 3))
    model = ARKMeans(n_clusters=7, max_iter=1, random_state=11).fit(X)
    rng = np.random.default_rng(11)
    V = rng.uniform(-0.0025, 0.0025, (7, 3))
    I = rng.integers(0, 3, 7)
    s = rng.choice([-1.0, 1.0], 7)
    V[np.arange(7), I] = s * 0.0025
    np.testing.assert_array_equal(model.init_centroids_, X.mean(axis=0) + V)


def test_tiny_ball_lies_on_the_surface_of_the_cube():
    X = np.random.default_rng(0).normal(size=(10, 4))
    v = tiny_ball(X, 50, 0.01, np.random.default_rng(3)) - X.mean(axis=0)
    assert np.all(np.abs(v) <= 0.01 + 1e-15)
    np.testing.assert_allclose(np.abs(v).max(axis=1), 0.01)  # one coordinate is +-eps (Eq. 7)


@no_warnings
def test_vectorised_repulsion_equals_eq3_pair_by_pair():
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(12, 3))
    mu[5] = mu[2]                      # a coincident pair (A6)
    w = rng.uniform(0.5, 3.0, 12)
    w[7] = 0.0                         # a zero mass (A5)
    D = repulsion(mu, w, 0.37)
    np.testing.assert_allclose(D, repulsion_by_loops(mu, w, 0.37), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(D[7], 0.0)


@no_warnings
def test_repulsion_balances_like_newtons_third_law():
    # w_k^2 D_k = C sum_k' w_k w_k' (mu_k - mu_k') / r^3: the pair (k, k') and the
    # pair (k', k) cancel, so the w^2-weighted pushes add up to zero.
    rng = np.random.default_rng(1)
    mu, w = rng.normal(size=(30, 2)), rng.uniform(0.1, 5, 30)
    D = repulsion(mu, w, 2.0)
    np.testing.assert_allclose((w[:, None] ** 2 * D).sum(axis=0), 0.0, atol=1e-9)


@no_warnings
def test_repulsion_with_all_centroids_at_one_point_is_zero():
    assert not repulsion(np.ones((4, 2)), np.ones(4), 1.0).any()
    assert repulsion(np.zeros((1, 3)), np.ones(1), 5.0).tolist() == [[0.0, 0.0, 0.0]]


def test_delete_empty_keeps_the_order_of_the_survivors():
    labels = np.array([0, 3, 3, 1, 0])
    keep, deleted, new = delete_empty(labels, np.bincount(labels, minlength=5))
    assert keep.tolist() == [True, True, False, True, False]
    assert deleted.tolist() == [2, 4]
    assert new.tolist() == [0, 2, 2, 1, 0]


# --- the worked example of the notebook --------------------------------------

@no_warnings
def test_worked_example_by_hand():
    X = np.array([[0, 0], [2, 0], [0, 2], [2, 2], [6, 1], [8, 1]], dtype=float)
    init = np.array([[1, 1], [7, 1], [4, 1]], dtype=float)
    model = ARKMeans(n_clusters=3, init=init).fit(X)
    first = model.history_[0]
    assert first.labels.tolist() == [0, 0, 0, 0, 1, 1]
    assert first.deleted.tolist() == [2]                 # nothing chose (4, 1)
    np.testing.assert_array_equal(first.centers, [[1, 1], [7, 1]])
    np.testing.assert_array_equal(first.counts, [4, 2])
    assert first.sse == 10.0                              # J = 8 + 2
    assert first.sse_pushed == 10.0
    np.testing.assert_allclose(first.masses, [np.sqrt(32), 2.0])
    assert first.C == pytest.approx(1 / np.sqrt(10))      # Eq. 11 with alpha = 2
    push_heavy = 1 / np.sqrt(10) * 2 / np.sqrt(32) * 6 / 6**3
    push_light = 1 / np.sqrt(10) * np.sqrt(32) / 2 * 6 / 6**3
    np.testing.assert_allclose(first.repulsion, [[-push_heavy, 0], [push_light, 0]])
    assert push_light / push_heavy == pytest.approx(8.0)  # (w_0 / w_1)^2 = 32 / 4
    # Iteration 2: the same partition, S grows by the squared pushes, which is
    # more than 0.01 %; iteration 3 repeats it exactly and stops.
    second = model.history_[1]
    assert second.sse_pushed == pytest.approx(10 + 4 * push_heavy**2 + 2 * push_light**2)
    assert model.n_iter_ == 3 and model.n_clusters_ == 2
    assert model.history_[2].sse_pushed == second.sse_pushed


# --- ARK-means invariants ----------------------------------------------------

@no_warnings
@pytest.mark.parametrize("alpha", [1, 2])
def test_every_ark_iteration_follows_the_equations(alpha, blobs):
    X = blobs[0]
    model = ARKMeans(n_clusters=20, alpha=alpha, random_state=3).fit(X)
    pushed_before = model.init_centroids_
    for t, s in enumerate(model.history_, start=1):
        d2 = ((X[:, None, :] - pushed_before[None]) ** 2).sum(axis=2)
        chosen = d2.argmin(axis=1)                                  # Eq. 9 and Eq. 1
        assert s.sse_pushed == pytest.approx(d2.min(axis=1).sum())
        survivors = np.unique(chosen)
        assert s.deleted.tolist() == sorted(set(range(len(pushed_before))) - set(survivors))
        np.testing.assert_array_equal(s.labels, np.searchsorted(survivors, chosen))
        assert s.n_clusters == len(survivors) == len(s.centers)
        np.testing.assert_array_equal(s.counts, np.bincount(s.labels))
        for j in range(s.n_clusters):
            np.testing.assert_allclose(s.centers[j], X[s.labels == j].mean(axis=0))
        J = np.array([((X[s.labels == j] - s.centers[j]) ** 2).sum() for j in range(s.n_clusters)])
        assert s.sse == pytest.approx(J.sum())
        np.testing.assert_allclose(s.masses, np.sqrt(J * s.counts))     # Eq. 10
        assert s.C == pytest.approx(J.sum() ** (-1 / alpha))           # Eq. 11
        np.testing.assert_allclose(s.repulsion, repulsion_by_loops(s.centers, s.masses, s.C),
                                   rtol=1e-10, atol=1e-14)
        np.testing.assert_array_equal(s.pushed, s.centers + s.repulsion)
        np.testing.assert_array_equal(
            s.previous_centers, model.init_centroids_ if t == 1 else model.history_[t - 2].centers)
        pushed_before = s.pushed
    K = [s.n_clusters for s in model.history_]
    assert K == sorted(K, reverse=True)


def test_ark_stops_exactly_when_the_modified_sse_settles(blobs):
    for seed in range(4):
        model = ARKMeans(n_clusters=10, random_state=seed).fit(blobs[0])
        S = [s.sse_pushed for s in model.history_]
        assert not any(stops(a, b) for a, b in zip(S[:-2], S[1:-1]))
        assert model.n_iter_ == 100 or stops(S[-2], S[-1])


def test_max_iter_caps_the_run(blobs):
    model = ARKMeans(n_clusters=10, max_iter=2, random_state=0).fit(blobs[0])
    assert model.n_iter_ == 2 and len(model.history_) == 2


def test_a_seed_reproduces_the_run_and_another_seed_changes_it(blobs):
    a = ARKMeans(n_clusters=10, random_state=4).fit(blobs[0])
    b = ARKMeans(n_clusters=10, random_state=4).fit(blobs[0])
    c = ARKMeans(n_clusters=10, random_state=5).fit(blobs[0])
    assert_snapshots_equal(a.history_, b.history_)
    assert not np.array_equal(a.init_centroids_, c.init_centroids_)


def test_predict_uses_the_pushed_positions(blobs):
    X = blobs[0]
    model = ARKMeans(n_clusters=10, random_state=0).fit(X)
    expected = ((X[:, None] - model.pushed_centers_[None]) ** 2).sum(axis=2).argmin(axis=1)
    np.testing.assert_array_equal(model.predict(X), expected)
    assert np.mean(model.predict(X) != model.labels_) < 0.02


@no_warnings
def test_scaling_the_data_scales_the_first_push_by_s_to_the_minus_2_over_alpha_minus_2(blobs):
    X = blobs[0]
    init = X[[0, 50, 100, 150, 200]]
    for alpha in (1, 2):
        a = ARKMeans(n_clusters=5, alpha=alpha, init=init, max_iter=1).fit(X)
        b = ARKMeans(n_clusters=5, alpha=alpha, init=10 * init, max_iter=1).fit(10 * X)
        np.testing.assert_array_equal(a.labels_, b.labels_)
        np.testing.assert_allclose(b.repulsion_, a.repulsion_ * 10.0 ** (-2 / alpha - 2), rtol=1e-9)


def test_the_light_cluster_is_pushed_hardest():
    # Two clusters of equal spread: the one with fewer points has less mass,
    # so its push is longer by (w_heavy / w_light)^2.
    X, _ = make_blobs([200, 20], centers=[[0, 0], [6, 0]], cluster_std=0.8, random_state=0)
    model = ARKMeans(n_clusters=2, init=np.array([[0.0, 0], [6, 0]]), max_iter=1).fit(X)
    s = model.history_[0]
    lengths = np.linalg.norm(s.repulsion, axis=1)
    light, heavy = s.masses.argmin(), s.masses.argmax()
    assert lengths[light] > lengths[heavy]
    assert lengths[light] / lengths[heavy] == pytest.approx((s.masses[heavy] / s.masses[light]) ** 2)


# --- edge cases ---------------------------------------------------------------

@no_warnings
def test_identical_points_end_in_one_cluster_at_the_point():
    X = np.tile([3.0, -1.0], (25, 1))
    model = ARKMeans(n_clusters=6, random_state=0).fit(X)
    assert model.n_clusters_ == 1 and model.n_iter_ <= 3
    np.testing.assert_array_equal(model.cluster_centers_, [[3.0, -1.0]])
    np.testing.assert_array_equal(model.repulsion_, 0.0)
    assert model.history_[-1].C == 0.0


@no_warnings
@pytest.mark.parametrize("cls", [ARKMeans, RKMeans, KPrimeMeans])
def test_duplicate_rows_work(cls):
    X = np.repeat(make_blobs(30, centers=3, random_state=2)[0], 3, axis=0)
    model = cls(n_clusters=8, random_state=0).fit(X)
    assert 1 <= model.n_clusters_ <= 8
    assert set(np.unique(model.labels_)) == set(range(model.n_clusters_))


def test_one_cluster_sits_at_the_mean(blobs):
    model = ARKMeans(n_clusters=1, random_state=0).fit(blobs[0])
    np.testing.assert_allclose(model.cluster_centers_[0], blobs[0].mean(axis=0))
    assert model.n_iter_ == 2 and not model.repulsion_.any()


def test_one_feature_warns_and_keeps_at_most_two_clusters():
    X = np.concatenate([np.arange(10.0), np.arange(30.0, 40.0), np.arange(70.0, 80.0)])[:, None]
    with pytest.warns(UserWarning, match="only two points"):
        model = ARKMeans(n_clusters=5, random_state=0).fit(X)
    assert model.history_[0].n_clusters <= 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ARKMeans(n_clusters=2, random_state=0).fit(X)           # k <= 2: no warning


def test_duplicate_initial_centroids_lose_to_the_lowest_index(blobs):
    X = blobs[0]
    init = X[[0, 0, 100, 200, 100]]
    model = ARKMeans(n_clusters=5, init=init).fit(X)
    assert model.history_[0].deleted.tolist() == [1, 4]


def test_cluster_locking_demo():
    X, y = make_four_quadrants()
    start = np.array([[4.0, 4], [-4, 4], [-4, -4], [4, -4], [0, 0]])
    rk = RKMeans(n_clusters=5, init=start).fit(X)
    assert rk.n_clusters_ == 5
    assert np.bincount(rk.labels_)[4] == 16                    # locked at the centre
    np.testing.assert_allclose(rk.cluster_centers_[4], 0.0, atol=1e-12)
    ark = ARKMeans(n_clusters=5, random_state=0).fit(X)
    assert ark.n_clusters_ == 4 and clustering_accuracy(y, ark.labels_) == 1.0


def test_iris_ordering_of_fig5():
    # Fig. 5: ARK-means about 75 %, k'-means about 60 % with 2 clusters, RK-means
    # about 50 %, k-means lowest (k = 1..30, random_state=1).
    X, y = load_iris(return_X_y=True)
    ks = range(1, 31)
    def mean_accuracy(cls):
        return np.mean([clustering_accuracy(y, cls(n_clusters=k, random_state=1, record_every=0)
                                            .fit(X).labels_) for k in ks])
    ark, rk, kp, km = (mean_accuracy(c) for c in (ARKMeans, RKMeans, KPrimeMeans, tc.KMeans))
    assert ark > kp > rk > km
    assert ark == pytest.approx(0.78, abs=0.03)
    kp_clusters = [KPrimeMeans(n_clusters=k, random_state=1).fit(X).n_clusters_ for k in ks]
    assert kp_clusters.count(2) >= 28


# --- RK-means -----------------------------------------------------------------

@no_warnings
def test_every_rk_iteration_follows_the_equations(blobs):
    X = blobs[0]
    model = RKMeans(n_clusters=12, random_state=2).fit(X)
    rng = np.random.default_rng(2)
    # The run is centred on the mean of X, so the start comes back within rounding.
    np.testing.assert_allclose(model.init_centroids_, X[rng.choice(len(X), 12, replace=False)],
                               rtol=0, atol=1e-12)
    before = model.init_centroids_
    for s in model.history_:
        d2 = ((X[:, None] - before[None]) ** 2).sum(axis=2)
        chosen = d2.argmin(axis=1)
        survivors = np.unique(chosen)
        np.testing.assert_array_equal(s.labels, np.searchsorted(survivors, chosen))
        assert s.sse == s.sse_pushed == pytest.approx(d2.min(axis=1).sum())
        used = before[survivors]
        J = np.array([np.linalg.norm(X[s.labels == j] - used[j], axis=1).sum()
                      for j in range(len(used))])                  # Eq. 4, plain norm
        np.testing.assert_allclose(s.masses, J)
        assert s.C == pytest.approx(1 / J.sum())                   # Eq. 5
        np.testing.assert_allclose(s.repulsion, repulsion_by_loops(used, J, s.C), rtol=1e-10)
        means = np.array([X[s.labels == j].mean(axis=0) for j in range(len(used))])
        np.testing.assert_allclose(s.means, means)
        np.testing.assert_allclose(s.centers, means + s.repulsion)  # Eq. 2
        np.testing.assert_array_equal(s.pushed, s.centers)
        before = s.centers


def test_rk_predict_is_the_nearest_centroid(blobs):
    model = RKMeans(n_clusters=6, random_state=0).fit(blobs[0])
    d2 = ((blobs[0][:, None] - model.cluster_centers_[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(model.predict(blobs[0]), d2.argmin(axis=1))


# --- k'-means -----------------------------------------------------------------

def test_kprime_phases_and_penalised_assignment(blobs):
    X = blobs[0]
    model = KPrimeMeans(n_clusters=10, random_state=0).fit(X)
    phases = [s.phase for s in model.history_]
    assert phases == sorted(phases) and set(phases) == {1, 2}
    E = ((X - X.mean(axis=0)) ** 2).sum(axis=1).mean()
    assert model.E_ == pytest.approx(E)
    phase2 = [n for n, s in enumerate(model.history_) if s.phase == 2]
    costs = [model.history_[phase2[0] - 1].cost] + [model.history_[n].cost for n in phase2]
    assert all(b <= a + 1e-9 for a, b in zip(costs, costs[1:]))   # the cost never increases
    for n in phase2:
        before, s = model.history_[n - 1], model.history_[n]
        cost = ((X[:, None] - before.centers[None]) ** 2).sum(axis=2) - E * np.log(before.proportions)
        chosen = cost.argmin(axis=1)
        np.testing.assert_array_equal(s.labels, np.searchsorted(np.unique(chosen), chosen))
        np.testing.assert_allclose(s.proportions, np.bincount(s.labels) / len(X))
        assert s.cost == pytest.approx(((X - s.centers[s.labels]) ** 2).sum()
                                       - E * np.log(s.proportions[s.labels]).sum())


def test_kprime_without_penalty_is_kmeans(blobs):
    X = blobs[0]
    model = KPrimeMeans(n_clusters=4, E=0.0, random_state=0).fit(X)
    phase1_end = [s for s in model.history_ if s.phase == 1][-1]
    np.testing.assert_array_equal(model.labels_, phase1_end.labels)


# --- bad input ----------------------------------------------------------------

@pytest.mark.parametrize("cls", [ARKMeans, RKMeans, KPrimeMeans])
@pytest.mark.parametrize("X, message", [
    (np.array([[0.0, np.nan], [1.0, 1.0]]), "NaN"),
    (np.array([[0.0, np.inf], [1.0, 1.0]]), "infinity"),
    (np.arange(5.0), "reshape"),
    (np.empty((0, 2)), "0 sample"),
])
def test_bad_data_is_refused(cls, X, message):
    with pytest.raises(ValueError, match=message):
        cls(n_clusters=1).fit(X)


@pytest.mark.parametrize("cls, params, message", [
    (ARKMeans, {"n_clusters": 11}, "larger than the number of samples"),
    (RKMeans, {"n_clusters": 11}, "larger than the number of samples"),
    (KPrimeMeans, {"n_clusters": 11}, "larger than the number of samples"),
    (ARKMeans, {"n_clusters": 0}, "n_clusters must be >= 1"),
    (ARKMeans, {"n_clusters": 2.5}, "n_clusters must be an integer"),
    (ARKMeans, {"alpha": 0}, "alpha must be >= 1"),
    (ARKMeans, {"alpha": 1.5}, "alpha must be an integer"),
    (ARKMeans, {"eps": 0.0}, "eps must be > 0"),
    (ARKMeans, {"tol": -1.0}, "tol must be >= 0"),
    (ARKMeans, {"max_iter": 0}, "max_iter must be >= 1"),
    (ARKMeans, {"init": "random"}, "init must be one of"),
    (ARKMeans, {"n_clusters": 2, "init": np.zeros((3, 2))}, "init must be 'tiny-ball' or an array"),
    (ARKMeans, {"n_clusters": 1, "init": [[np.nan, 0.0]]}, "init contains NaN"),
    (RKMeans, {"init": "tiny-ball"}, "init must be one of"),
    (RKMeans, {"tol": "small"}, "tol must be a finite real"),
    (KPrimeMeans, {"E": -1.0}, "E must be >= 0"),
    (KPrimeMeans, {"max_iter": 0}, "max_iter must be >= 1"),
    (ARKMeans, {"random_state": "seed"}, "random_state"),
    (ARKMeans, {"record_every": -1}, "record_every"),
])
def test_bad_parameters_are_refused(cls, params, message):
    X = np.random.default_rng(0).random((10, 2))
    with pytest.raises(ValueError, match=message):
        cls(**{"n_clusters": 3, **params}).fit(X)


# --- paths and views ----------------------------------------------------------

def test_centroid_paths_follow_the_renumbering(blobs):
    model = ARKMeans(n_clusters=15, random_state=0).fit(blobs[0])
    paths, deleted_at = centroid_paths(model.history_)
    assert len(paths) == 15
    survivors = np.flatnonzero(deleted_at == 0)
    assert len(survivors) == model.n_clusters_
    np.testing.assert_array_equal(np.array([p[-1] for p in np.array(paths, dtype=object)[survivors]]),
                                  model.cluster_centers_)
    for path, t in zip(paths, deleted_at):
        assert len(path) == (model.n_iter_ + 1 if t == 0 else t)
    with pytest.raises(ValueError, match="record_every=1"):
        centroid_paths(ARKMeans(n_clusters=15, random_state=0, record_every=3).fit(blobs[0]).history_)


def test_nice_factor():
    assert [nice_factor(v) for v in (0.7, 1, 3, 9.9, 180, 0)] == [0.5, 1, 2, 5, 100, 1]


@no_warnings
@pytest.mark.parametrize("cls, view", [(ARKMeans, RepulsionView), (RKMeans, RepulsionView),
                                       (KPrimeMeans, KPrimeView)])
def test_the_player_draws_every_frame(cls, view):
    X, _ = make_blobs(n_samples=300, centers=4, n_features=3, random_state=0)
    model = cls(n_clusters=12, random_state=0).fit(X)
    player = tc.scrub(model, X)
    drawn = player.stage.views[0]
    assert isinstance(drawn, view)
    for frame in range(len(model.history_)):
        player.stage.draw(frame)          # what the slider does, without the PNG encoding
        snapshot = model.history_[frame]
        assert len(drawn.gone_now.get_offsets()) == len(snapshot.deleted)
        assert len(drawn.centers.get_offsets()) == snapshot.n_clusters
    player.show(len(model.history_) - 1)
    assert player.picture.value[:4] == b"\x89PNG"
    if view is RepulsionView:
        assert drawn.arrow_scale == nice_factor(drawn.arrow_scale) >= 1
        assert len(drawn.arrows.U) == 12                           # one arrow per initial centroid


def test_side_by_side_and_thinned_histories_draw(blobs):
    X = blobs[0]
    rk = RKMeans(n_clusters=8, random_state=0).fit(X)
    ark = ARKMeans(n_clusters=8, random_state=0, record_every=2).fit(X)
    player = tc.scrub([rk, ark], X)
    for frame in range(player.stage.n_frames):
        player.stage.draw(frame)
    player.show(player.stage.n_frames - 1)
    assert player.picture.value[:4] == b"\x89PNG"
    assert player.stage.views[1].paths is None                    # thinned: no trails


# --- shift safety (the run is centred on the mean of X) ------------------------

@pytest.mark.parametrize("offset", [1e3, 1e7])
def test_shifting_x_and_its_start_changes_nothing(offset, blobs):
    """Uncentred, a shift by 1e7 ended with K = 10 instead of 7 (given start)."""
    X = blobs[0]
    start = tiny_ball(X, 20, 0.0025, np.random.default_rng(0))
    here = ARKMeans(n_clusters=20, init=start).fit(X)
    there = ARKMeans(n_clusters=20, init=start + offset).fit(X + offset)
    assert here.n_clusters_ == there.n_clusters_
    np.testing.assert_array_equal(here.labels_, there.labels_)
    for a, b in zip(here.history_, there.history_):        # the pushes (Eq. 3) too
        np.testing.assert_allclose(a.repulsion, b.repulsion, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(there.cluster_centers_ - offset, here.cluster_centers_, atol=1e-6)


@pytest.mark.parametrize("offset", [1e3, 1e7])
def test_the_tiny_ball_moves_with_the_data(offset, blobs):
    X = blobs[0]
    here = ARKMeans(n_clusters=20, random_state=0).fit(X)
    there = ARKMeans(n_clusters=20, random_state=0).fit(X + offset)
    np.testing.assert_allclose(there.init_centroids_ - offset, here.init_centroids_, rtol=0,
                               atol=1e-12 * max(1.0, offset))
    np.testing.assert_array_equal(here.labels_, there.labels_)


@pytest.mark.parametrize("cls", [RKMeans, KPrimeMeans])
def test_baselines_do_not_move_with_the_data(cls, blobs):
    X = blobs[0]
    here = cls(n_clusters=10, random_state=0).fit(X)
    there = cls(n_clusters=10, random_state=0).fit(X + 1e7)
    np.testing.assert_array_equal(here.labels_, there.labels_)


def test_the_start_of_the_tiny_cube_is_eq7_around_the_mean(blobs):
    X = blobs[0]
    model = ARKMeans(n_clusters=8, random_state=5, max_iter=1).fit(X)
    V = tc.arkmeans.tiny_cube(8, 2, 0.0025, np.random.default_rng(5))
    np.testing.assert_allclose(model.init_centroids_, X.mean(axis=0) + V, rtol=0, atol=1e-12)


# --- the literal force order ---------------------------------------------------

def test_forces_from_the_assigned_centroids_collapse_k():
    """Forces from the tiny cube itself are ~C/eps^2: every run collapses."""
    X, _ = load_iris(return_X_y=True)
    ks = range(4, 31, 2)
    literal = [ARKMeans(n_clusters=k, forces_from="assigned", random_state=1,
                        record_every=0).fit(X).n_clusters_ for k in ks]
    ours = [ARKMeans(n_clusters=k, random_state=1, record_every=0).fit(X).n_clusters_ for k in ks]
    assert np.mean(literal) < 2 < np.mean(ours)
    first = ARKMeans(n_clusters=10, forces_from="assigned", random_state=1).fit(X).history_[0]
    assert np.abs(first.repulsion).max() > 10 * np.ptp(X)


def test_forces_from_the_assigned_centroids_follow_the_equations(blobs):
    X = blobs[0]
    model = ARKMeans(n_clusters=6, forces_from="assigned", random_state=0).fit(X)
    for s in model.history_:
        used = s.previous_centers[np.setdiff1d(np.arange(len(s.previous_centers)), s.deleted)]
        J = np.array([((X[s.labels == j] - used[j]) ** 2).sum() for j in range(s.n_clusters)])
        np.testing.assert_allclose(s.masses, np.sqrt(J * s.counts))
        np.testing.assert_allclose(s.repulsion, repulsion_by_loops(used, s.masses, s.C),
                                   rtol=1e-8, atol=1e-12)


# --- the shared nearest-centre mixin -------------------------------------------

def test_transform_and_score_use_the_pushed_positions(blobs):
    X = blobs[0]
    model = ARKMeans(n_clusters=10, random_state=0).fit(X)
    d2 = ((X[:, None] - model.pushed_centers_[None]) ** 2).sum(axis=2)
    np.testing.assert_allclose(model.transform(X) ** 2, d2, atol=1e-9)
    assert model.score(X) == pytest.approx(-d2.min(axis=1).sum())


def test_blocked_assignment_equals_one_block(blobs, monkeypatch):
    """A tiny memory budget (many blocks) gives the same run as the default one."""
    X = blobs[0]
    reference = {cls: cls(n_clusters=10, random_state=0).fit(X) for cls in (ARKMeans, RKMeans, KPrimeMeans)}
    monkeypatch.setattr(tc.distances, "BLOCK_BYTES", 8 * 10 * 7)   # 7 rows per block
    for cls, ref in reference.items():
        model = cls(n_clusters=10, random_state=0).fit(X)
        assert len(model.history_) == len(ref.history_)
        for a, b in zip(model.history_, ref.history_):   # sums over blocks round differently
            np.testing.assert_array_equal(a.labels, b.labels)
            np.testing.assert_allclose(a.centers, b.centers, rtol=1e-12)
        np.testing.assert_array_equal(model.predict(X), ref.predict(X))


def test_record_every_zero_builds_only_the_last_frame(blobs, monkeypatch):
    built = []
    original = tc.ARKMeansSnapshot.__post_init__
    monkeypatch.setattr(tc.ARKMeansSnapshot, "__post_init__",
                        lambda self: (built.append(self.iteration), original(self))[1])
    model = ARKMeans(n_clusters=10, random_state=0, record_every=0).fit(blobs[0])
    assert built == [model.n_iter_] and len(model.history_) == 1


# --- the view -------------------------------------------------------------------

def test_the_pushed_marker_sits_at_the_arrow_tip(blobs):
    """With arrows drawn f times longer, the hollow circle is at mu + f D, not under mu."""
    from tutorcluster.widgets import Stage
    X = blobs[0]                                  # raw blobs: tiny pushes, long arrows
    model = ARKMeans(n_clusters=10, random_state=0).fit(X)
    stage = Stage([model], X)
    view = stage.views[0]
    assert view.arrow_scale > 1
    for frame, s in enumerate(model.history_):
        stage.draw(frame)
        np.testing.assert_allclose(view.pushed.get_offsets(), s.centers + view.arrow_scale * s.repulsion)
    assert f"{view.arrow_scale:g}D" in view.pushed.get_label()
    assert any("previous frame" in text.get_text() for text in view.ax.texts)


def test_the_view_is_blitted_with_its_note_and_legend_in_the_background(blobs):
    """The player blits RepulsionView (tests/test_player.py checks every blitted frame
    equals a full draw, pixel for pixel); the note and the legend under the panel, which
    never change, stay in the cached background instead of being drawn every frame."""
    from tutorcluster.widgets import Stage
    X = tc.datasets.zscore(blobs[0])
    stage = Stage([ARKMeans(n_clusters=10, random_state=0).fit(X)], X)
    view = stage.views[0]
    assert view.points in stage.animated and view.k_text in stage.animated
    note = next(text for text in view.ax.texts if "previous frame" in text.get_text())
    assert note not in stage.animated and view.ax.get_legend() not in stage.animated


def test_without_push_the_run_is_tiny_cube_kmeans_with_deletion(blobs):
    X = blobs[0]
    model = ARKMeans(n_clusters=10, push=False, random_state=0).fit(X)
    assert all(np.all(s.repulsion == 0) for s in model.history_)
    np.testing.assert_array_equal(model.pushed_centers_, model.cluster_centers_)
    same_start = ARKMeans(n_clusters=10, random_state=0, max_iter=1).fit(X)
    np.testing.assert_array_equal(model.history_[0].labels, same_start.labels_)
