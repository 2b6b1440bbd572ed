"""Tests of subtractive, weighted mean subtractive, mountain clustering and fuzzy c-means.

The algorithms are checked against an independent, unblocked re-implementation
of the paper's Steps 1-4 as the notebook reads them (``reference_run`` below;
notebook appendix "Reading the paper"), against the worked example of the
notebook computed by hand, and against the invariants and edge cases the
notebook states.
"""

import tracemalloc

import html
import re

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.utils.estimator_checks import parametrize_with_checks

import tutorcluster as tc
from tutorcluster import (
    FuzzyCMeans,
    MountainClustering,
    SubtractiveClustering,
    WeightedMeanSubtractiveClustering,
)
from tutorcluster.datasets import load, make_artdata
from tutorcluster.metrics import clustering_accuracy
from tutorcluster.subtractive import fuzzy_memberships, nearest_center, potentials, unit_hypercube
from tutorcluster.testing import assert_snapshots_equal, check_snapshot_protocol
from tutorcluster.views.subtractive import LandscapeView, badge_text

SUBTRACTIVE = [SubtractiveClustering, WeightedMeanSubtractiveClustering, MountainClustering]


@pytest.fixture(scope="module")
def artdata():
    return make_artdata()


@pytest.fixture(scope="module")
def iris():
    return load("iris")


# ---------------------------------------------------------------------------
# An independent implementation of Steps 1-4 (notebook, "Reading the paper")
# ---------------------------------------------------------------------------

def reference_run(X, ra, weighted, *, squash=1.5, accept=0.5, reject=0.15):
    """Plain full-matrix SC / WMSC, one candidate at a time. Returns centres (normalised)."""
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    Xn = (X - low) / span
    alpha, beta = 4 / ra**2, 4 / (squash * ra) ** 2
    D2 = cdist(Xn, Xn, "sqeuclidean")
    P = np.exp(-alpha * D2).sum(axis=1)
    p_ref = P.max()
    centres, heights = [], []
    while P.max() > 0:
        i = int(np.argmax(P))
        rho = P[i] / p_ref
        if weighted:
            nb = np.flatnonzero(D2[i] < ra**2)
            w = P[nb] / P[nb].sum()
            ct = w @ Xn[nb]
        else:
            ct = Xn[i]
        if rho > accept:
            ok = True
        elif rho <= reject:
            break
        else:
            d_min = min(np.linalg.norm(ct - c) for c in centres)
            ok = d_min / ra + rho >= 1
        if not ok:
            P[i] = 0
            continue
        if weighted:
            raw = np.exp(-alpha * ((Xn - ct) ** 2).sum(axis=1)).sum()
            carved = sum(h * np.exp(-beta * ((ct - c) ** 2).sum()) for h, c in zip(heights, centres))
            h = max(0.0, raw - carved)
        else:
            h = P[i]
        P = np.maximum(0, P - h * np.exp(-beta * ((Xn - ct) ** 2).sum(axis=1)))
        P[i] = 0
        centres.append(ct)
        heights.append(h)
    return np.array(centres), np.array(heights), low, span


# ---------------------------------------------------------------------------
# scikit-learn compatibility and the snapshot protocol
# ---------------------------------------------------------------------------

@parametrize_with_checks([
    SubtractiveClustering(),
    WeightedMeanSubtractiveClustering(),
    WeightedMeanSubtractiveClustering(center_potential="raw", weight_potential="initial"),
    MountainClustering(),
    tc.KernelSubtractiveClustering(),
    FuzzyCMeans(n_clusters=3),
])
def test_sklearn_compatible(estimator, check):
    check(estimator)


SNAPSHOT_FIELDS = {
    "centers_norm": "cluster_centers_norm_",
    "center_heights": "center_heights_",
}


@pytest.mark.parametrize("cls", SUBTRACTIVE)
def test_snapshot_protocol_artdata(cls, artdata):
    X, _ = artdata
    check_snapshot_protocol(cls(ra=0.5), X, attributes=SNAPSHOT_FIELDS)


@pytest.mark.parametrize("cls", SUBTRACTIVE)
def test_snapshot_protocol_iris(cls, iris):
    X, _ = iris
    model = cls(ra=0.4, grid_points=9) if cls is MountainClustering else cls(ra=0.4)
    check_snapshot_protocol(model, X, attributes=SNAPSHOT_FIELDS)


def test_snapshot_protocol_fuzzy_cmeans(iris):
    X, _ = iris
    check_snapshot_protocol(FuzzyCMeans(n_clusters=3), X,
                            attributes={"memberships": "memberships_"})


# ---------------------------------------------------------------------------
# Eq. 1 and the normalisation
# ---------------------------------------------------------------------------

def test_potentials_equal_the_direct_sum():
    rng = np.random.default_rng(0)
    X = rng.random((120, 3))
    Q = rng.random((30, 3))
    direct = np.exp(-(4 / 0.3**2) * cdist(Q, X, "sqeuclidean")).sum(axis=1)
    np.testing.assert_allclose(potentials(Q, X, 0.3), direct, rtol=1e-12)
    # One row per block gives the same numbers.
    np.testing.assert_allclose(potentials(Q, X, 0.3, block_bytes=1), direct, rtol=1e-12)
    # At the data points the sum includes the point itself: P_i >= 1.
    assert np.all(potentials(X, X, 0.3) >= 1 - 1e-12)


def test_potentials_memory_is_bounded_by_the_block():
    X = np.random.default_rng(0).random((3000, 2))
    tracemalloc.start()
    potentials(X, X, 0.5, block_bytes=2**20)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    full_matrix = 3000 * 3000 * 8  # 72 MB
    assert peak < 8 * 2**20 < full_matrix


def test_unit_hypercube_round_trips_and_handles_a_constant_feature():
    X = np.array([[1.0, 5.0, 2.0], [3.0, 5.0, 4.0], [2.0, 5.0, 0.0]])
    Xn, low, span = unit_hypercube(X)
    assert Xn.min() == 0 and Xn.max() == 1
    np.testing.assert_array_equal(Xn[:, 1], 0.0)  # zero span maps to 0 with span 1
    np.testing.assert_allclose(Xn * span + low, X)
    # Given bounds: values outside are clipped to the cube.
    Xb, _, _ = unit_hypercube(X, bounds=[[0, 0, 1], [2, 10, 3]])
    np.testing.assert_allclose(Xb[:, 0], [0.5, 1.0, 1.0])
    np.testing.assert_allclose(Xb[:, 2], [0.5, 1.0, 0.0])


# ---------------------------------------------------------------------------
# The worked example of the notebook
# ---------------------------------------------------------------------------

# Four points on a small ring around (0.7, 0.7) and a pair far away; the
# bounds make the normalisation the identity, so the numbers can be followed.
TINY = np.array([[0.8, 0.7], [0.7, 0.8], [0.6, 0.7], [0.7, 0.6], [0.1, 0.1], [0.2, 0.1]])
TINY_BOUNDS = [[0.0, 0.0], [1.0, 1.0]]


def test_worked_example_by_hand():
    ra, rb = 0.5, 0.75
    alpha, beta = 4 / ra**2, 4 / rb**2
    D2 = ((TINY[:, None, :] - TINY[None, :, :]) ** 2).sum(axis=2)
    P = np.exp(-alpha * D2).sum(axis=1)                       # Eq. 1
    ring = 1 + 2 * np.exp(-alpha * 0.02) + np.exp(-alpha * 0.04)
    np.testing.assert_allclose(P[:4], ring, atol=1e-3)        # the far pair adds < 1e-3

    wmsc = WeightedMeanSubtractiveClustering(ra=ra, bounds=TINY_BOUNDS).fit(TINY)
    first = wmsc.history_[0]
    np.testing.assert_allclose(first.potential_before, P)
    i = int(np.argmax(P))
    assert first.candidate_index == i
    np.testing.assert_array_equal(first.neighbourhood, [0, 1, 2, 3])   # the ring, not the pair
    w = P[:4] / P[:4].sum()                                             # Eq. 4
    np.testing.assert_allclose(first.weights, w)
    np.testing.assert_allclose(first.center, w @ TINY[:4])
    np.testing.assert_allclose(first.center, [0.7, 0.7], atol=1e-5)     # where no point is
    H = np.exp(-alpha * ((TINY - first.center) ** 2).sum(axis=1)).sum()  # Eq. 5, k = 1
    assert first.center_height == pytest.approx(H)
    after = np.maximum(0, P - H * np.exp(-beta * ((TINY - first.center) ** 2).sum(axis=1)))
    after[i] = 0
    np.testing.assert_allclose(first.potential_after, after)
    np.testing.assert_array_equal(first.potential_after[:4], 0.0)       # the ring is flattened
    assert wmsc.n_clusters_ == 2
    np.testing.assert_allclose(wmsc.cluster_centers_[1], [0.15, 0.1], atol=1e-3)

    sc = SubtractiveClustering(ra=ra, bounds=TINY_BOUNDS).fit(TINY)
    # SC's centres are data points; after the first one the opposite ring
    # point is left at about 0.25 P_ref, in the grey zone, too close: rejected.
    assert all(any(np.array_equal(c, x) for x in TINY) for c in sc.cluster_centers_)
    decisions = [(s.decision, s.reason) for s in sc.history_]
    assert decisions[:3] == [("accept", "ratio>accept"), ("accept", "ratio>accept"),
                             ("reject", "grey: rho+d/ra<1")]
    third = sc.history_[2]
    opposite = {0: 2, 1: 3, 2: 0, 3: 1}[sc.center_indices_[0]]
    assert third.candidate_index == opposite
    assert third.d_min_over_ra == pytest.approx(0.2 / ra)


# ---------------------------------------------------------------------------
# Agreement with the reference implementation and the notebook's expected results
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, ra", [("artdata", 0.5), ("iris", 0.4), ("wine", 0.7), ("iris", 0.25)])
@pytest.mark.parametrize("weighted", [False, True])
def test_same_centres_as_the_reference(name, ra, weighted):
    X = make_artdata()[0] if name == "artdata" else load(name)[0]
    cls = WeightedMeanSubtractiveClustering if weighted else SubtractiveClustering
    model = cls(ra=ra, record="end").fit(X)
    centres, heights, low, span = reference_run(X, ra, weighted)
    np.testing.assert_allclose(model.cluster_centers_norm_, centres, atol=1e-9)
    np.testing.assert_allclose(model.cluster_centers_, centres * span + low, atol=1e-9)
    np.testing.assert_allclose(model.center_heights_, heights, rtol=1e-9)


def test_artdata_expected_results(artdata):
    X, y = artdata
    sc = SubtractiveClustering(ra=0.5).fit(X)
    wmsc = WeightedMeanSubtractiveClustering(ra=0.5).fit(X)
    mc = MountainClustering(ra=0.5).fit(X)
    fcm = FuzzyCMeans(n_clusters=2, random_state=0).fit(sc.normalise(X))
    for model in (sc, wmsc, mc):
        assert model.n_clusters_ == 2
    for labels in (sc.labels_, wmsc.labels_, mc.labels_, fcm.labels_):
        assert clustering_accuracy(y, labels) == 1.0
    assert len(sc.history_) == 73  # mostly grey-zone rejections (notebook section 6)
    ring = lambda c: c[np.argmin(np.linalg.norm(c - 0.7, axis=1))]  # noqa: E731
    # WMSC's ring centre is inside the hole, far from every point; SC's is a point.
    np.testing.assert_allclose(ring(wmsc.cluster_centers_), [0.67, 0.69], atol=0.01)
    assert np.linalg.norm(X - ring(wmsc.cluster_centers_), axis=1).min() > 0.05
    assert np.linalg.norm(X - ring(sc.cluster_centers_), axis=1).min() == 0
    # MC's grid nodes are closer to WMSC's centres than SC's points are.
    for c_sc, c_mc, c_w in zip(sorted(sc.cluster_centers_.tolist()), sorted(mc.cluster_centers_.tolist()),
                               sorted(wmsc.cluster_centers_.tolist())):
        assert np.linalg.norm(np.subtract(c_mc, c_w)) < np.linalg.norm(np.subtract(c_sc, c_w))
    # The paper's Fig. 2: WMSC's centres have the higher potential (Eq. 1).
    assert np.all(np.sort(wmsc.center_potentials(X)) > np.sort(sc.center_potentials(X)))


def test_iris_wmsc_finds_three_and_sc_four(iris):
    X, _ = iris
    assert WeightedMeanSubtractiveClustering(ra=0.4).fit(X).n_clusters_ == 3
    assert SubtractiveClustering(ra=0.4).fit(X).n_clusters_ == 4
    # Notebook appendix A: measuring d_min from the candidate gives 4.
    assert WeightedMeanSubtractiveClustering(ra=0.4, dmin_from="candidate").fit(X).n_clusters_ == 4


def test_wine_mirrors_the_pima_result():
    X, _ = load("wine")
    assert WeightedMeanSubtractiveClustering(ra=0.7).fit(X).n_clusters_ == 3
    assert SubtractiveClustering(ra=0.7).fit(X).n_clusters_ == 6


# ---------------------------------------------------------------------------
# Invariants of every snapshot
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("cls, ra", [(SubtractiveClustering, 0.5), (WeightedMeanSubtractiveClustering, 0.5),
                                     (MountainClustering, 0.5), (SubtractiveClustering, 0.25),
                                     (WeightedMeanSubtractiveClustering, 0.25)])
def test_snapshot_invariants(cls, ra, iris):
    X, _ = iris
    model = cls(ra=ra).fit(X)
    Xn = model.normalise(X)
    candidates = model.grid_ if cls is MountainClustering else Xn
    history = model.history_
    assert [s.iteration for s in history] == list(range(1, len(history) + 1))
    np.testing.assert_allclose(history[0].potential_before, model.potential0_)
    p_ref = model.potential0_.max()
    for n, s in enumerate(history):
        before, after = s.potential_before, s.potential_after
        i = s.candidate_index
        assert s.candidate_potential == before.max() == before[i] > 0
        assert i == int(np.argmax(before))  # lowest index on ties
        assert s.ratio == pytest.approx(s.candidate_potential / p_ref)
        np.testing.assert_array_equal(s.candidate, candidates[i])
        assert s.weights.sum() == pytest.approx(1.0) and np.all(s.weights >= 0)
        assert i in s.neighbourhood
        if cls is WeightedMeanSubtractiveClustering:
            dist = np.linalg.norm(Xn[s.neighbourhood] - Xn[i], axis=1)
            assert np.all(dist < ra)  # the strict ball of Eq. 4
            outside = np.setdiff1d(np.arange(len(X)), s.neighbourhood)
            assert np.all(np.linalg.norm(Xn[outside] - Xn[i], axis=1) >= ra)
            np.testing.assert_allclose(s.weights, before[s.neighbourhood] / before[s.neighbourhood].sum())
        else:
            np.testing.assert_array_equal(s.center, s.candidate)
        np.testing.assert_allclose(s.center_original, s.center * (s.bounds[1] - s.bounds[0]) + s.bounds[0])
        if s.decision == "accept":  # Eq. 1 at the centre is computed only on accept
            assert s.center_raw_potential == pytest.approx(potentials(s.center[None], Xn, ra)[0])
        else:
            assert s.center_raw_potential is None
        # The decision follows Chiu's rule.
        if s.decision == "accept":
            assert s.ratio > s.accept_ratio or s.d_min_over_ra + s.ratio >= 1
            assert s.center_height is not None and s.center_height >= 0
            assert np.all(after <= before + 1e-12) and np.all(after >= 0) and after[i] == 0
            np.testing.assert_allclose(s.centers_norm[-1], s.center)
            assert len(s.centers_norm) == s.n_centers_before + 1
        else:
            assert s.center_height is None
            assert len(s.centers_norm) == s.n_centers_before
        if s.decision == "reject":
            assert s.reject_ratio < s.ratio <= s.accept_ratio
            assert s.d_min_over_ra + s.ratio < 1
            expected = before.copy()
            expected[i] = 0
            np.testing.assert_array_equal(after, expected)  # nothing carved
        if s.decision == "stop":
            np.testing.assert_array_equal(after, before)
            assert n == len(history) - 1
        if s.reject_ratio < s.ratio <= s.accept_ratio and s.n_centers_before:
            nearest = np.linalg.norm(s.centers_norm[:s.n_centers_before] - s.center, axis=1).min()
            assert s.d_min_over_ra == pytest.approx(nearest / ra)
        elif s.reason in ("ratio>accept", "ratio<=reject"):
            assert s.d_min_over_ra is None
        if cls is SubtractiveClustering and s.decision == "accept":
            assert s.center_height == s.candidate_potential  # Eq. 3: PotVal(c_k)
        # Each frame continues from the previous one (separate copies).
        if n:
            np.testing.assert_array_equal(s.potential_before, history[n - 1].potential_after)
            assert not np.shares_memory(s.potential_before, history[n - 1].potential_after)
        if s.labels is not None:
            np.testing.assert_array_equal(s.labels, nearest_center(Xn, s.centers_norm))
        assert (s.labels is None) == (n < len(history) - 1)  # labels on the last frame only


def test_wmsc_landscape_height_is_the_carved_landscape_at_the_centre(iris):
    X, _ = iris
    model = WeightedMeanSubtractiveClustering(ra=0.3).fit(X)
    Xn = model.normalise(X)
    beta = 4 / (1.5 * 0.3) ** 2
    C, H = model.cluster_centers_norm_, model.center_heights_
    assert len(C) > 3
    for k in range(len(C)):
        raw = potentials(C[k:k + 1], Xn, 0.3)[0]
        carved = sum(H[l] * np.exp(-beta * ((C[k] - C[l]) ** 2).sum()) for l in range(k))
        assert H[k] == pytest.approx(max(0.0, raw - carved))


@pytest.mark.parametrize("option, expected", [("raw", "center_raw_potential"), ("selected", "candidate_potential")])
def test_wmsc_centre_potential_options(option, expected, iris):
    X, _ = iris
    model = WeightedMeanSubtractiveClustering(ra=0.4, center_potential=option).fit(X)
    for s in model.history_:
        if s.decision == "accept":
            assert s.center_height == getattr(s, expected)


def test_wmsc_initial_weights_use_eq1_potentials(iris):
    X, _ = iris
    model = WeightedMeanSubtractiveClustering(ra=0.4, weight_potential="initial").fit(X)
    for s in model.history_:
        P0 = model.potential0_[s.neighbourhood]
        np.testing.assert_allclose(s.weights, P0 / P0.sum())


# ---------------------------------------------------------------------------
# Fitted attributes, predict, record modes and max_centers
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("cls", SUBTRACTIVE)
def test_centres_in_data_units_and_predict(cls, iris):
    X, _ = iris
    model = cls(ra=0.4).fit(X)
    low, high = model.bounds_
    np.testing.assert_array_equal(low, X.min(axis=0))
    np.testing.assert_allclose(model.cluster_centers_, model.cluster_centers_norm_ * (high - low) + low)
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    assert model.n_clusters_ == len(model.cluster_centers_) == len(model.center_heights_)
    if cls is SubtractiveClustering:
        np.testing.assert_allclose(model.cluster_centers_, X[model.center_indices_])
    if cls is MountainClustering:
        np.testing.assert_allclose(model.cluster_centers_norm_, model.grid_[model.center_indices_])


def test_labels_ties_go_to_the_lower_centre():
    Xn = np.array([[0.5, 0.5], [0.0, 0.5]])
    centres = np.array([[0.25, 0.5], [0.75, 0.5]])  # exactly as far from (0.5, 0.5)
    np.testing.assert_array_equal(nearest_center(Xn, centres), [0, 0])


@pytest.mark.parametrize("cls", SUBTRACTIVE)
def test_record_modes_give_the_same_model(cls, artdata):
    X, _ = artdata
    full = cls(ra=0.5).fit(X)
    accepted = cls(ra=0.5, record="center").fit(X)
    none = cls(ra=0.5, record="end").fit(X)
    expected = [s for s in full.history_[:-1] if s.decision == "accept"] + [full.history_[-1]]
    assert_snapshots_equal(accepted.history_, expected)
    assert_snapshots_equal(none.history_, full.history_[-1:])
    for model in (accepted, none):
        np.testing.assert_array_equal(model.cluster_centers_, full.cluster_centers_)
        np.testing.assert_array_equal(model.labels_, full.labels_)


def test_max_centers_caps_and_records_the_stop(iris):
    X, _ = iris
    model = WeightedMeanSubtractiveClustering(ra=0.25, max_centers=2).fit(X)
    assert model.n_clusters_ == 2
    last = model.history_[-1]
    assert (last.decision, last.reason) == ("stop", "max_centers")
    free = WeightedMeanSubtractiveClustering(ra=0.25).fit(X)
    assert free.n_clusters_ > 2
    np.testing.assert_allclose(model.cluster_centers_, free.cluster_centers_[:2])


def test_stop_reasons_cover_the_rule(artdata):
    X, _ = artdata
    reasons = {s.reason for s in SubtractiveClustering(ra=0.5).fit(X).history_}
    assert reasons == {"ratio>accept", "grey: rho+d/ra<1", "ratio<=reject"}
    grey_accept = {s.reason for s in SubtractiveClustering(ra=0.25).fit(load("iris")[0]).history_}
    assert "grey: rho+d/ra>=1" in grey_accept


# ---------------------------------------------------------------------------
# Edge cases
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("cls", SUBTRACTIVE)
@pytest.mark.parametrize("n", [1, 7])
def test_identical_points_give_one_centre(cls, n):
    X = np.tile([[1.0, -2.0, 3.5]], (n, 1))
    model = cls().fit(X)
    assert model.n_clusters_ == 1
    np.testing.assert_allclose(model.cluster_centers_, X[:1])
    np.testing.assert_array_equal(model.labels_, 0)
    if cls is not MountainClustering:
        np.testing.assert_allclose(model.potential0_, n)


@pytest.mark.parametrize("cls", [SubtractiveClustering, WeightedMeanSubtractiveClustering])
def test_tiny_radius_makes_every_distinct_point_a_centre(cls, iris):
    X, _ = iris
    n_distinct = len(np.unique(X, axis=0))
    assert n_distinct == 149
    model = cls(ra=0.01, record="end").fit(X)
    assert model.n_clusters_ == 149
    assert len(np.unique(model.cluster_centers_.round(9), axis=0)) == 149


def test_huge_radius_gives_the_potential_weighted_mean(iris):
    X, _ = iris
    model = WeightedMeanSubtractiveClustering(ra=20.0).fit(X)
    assert model.n_clusters_ == 1
    w = model.potential0_ / model.potential0_.sum()
    np.testing.assert_allclose(model.cluster_centers_[0], w @ X)
    np.testing.assert_allclose(model.cluster_centers_[0], X.mean(axis=0), rtol=1e-3)


@pytest.mark.filterwarnings("ignore:MountainClustering")
def test_mountain_grid_size():
    X2 = np.random.default_rng(0).random((20, 2))
    X4 = np.random.default_rng(0).random((20, 4))
    assert len(MountainClustering().fit(X2).grid_) == 41**2
    assert len(MountainClustering().fit(X4).grid_) == 21**4
    assert len(MountainClustering(grid_points=5).fit(X4).grid_) == 5**4
    with pytest.raises(ValueError, match="more than max_grid_nodes"):
        MountainClustering(grid_points=30).fit(X4)
    with pytest.raises(ValueError, match="2\\*\\*30"):
        MountainClustering().fit(np.random.default_rng(0).random((20, 30)))
    with pytest.raises(ValueError, match="grid_points must be >= 2"):
        MountainClustering(grid_points=1).fit(X2)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("cls", SUBTRACTIVE + [FuzzyCMeans])
@pytest.mark.parametrize("X, message", [
    (np.array([[0.0, np.nan], [1.0, 1.0]]), "NaN"),
    (np.array([[0.0, np.inf], [1.0, 1.0]]), "infinity"),
    (np.arange(5.0), "Expected 2D array"),
    (np.empty((0, 2)), "0 sample"),
])
def test_bad_data(cls, X, message):
    model = cls(n_clusters=1) if cls is FuzzyCMeans else cls()
    with pytest.raises(ValueError, match=message):
        model.fit(X)


@pytest.mark.parametrize("params, message", [
    ({"ra": 0}, "ra must be > 0"),
    ({"ra": -1.0}, "ra must be > 0"),
    ({"ra": "big"}, "ra must be a finite real number"),
    ({"squash_factor": 0}, "squash_factor must be > 0"),
    ({"reject_ratio": 0}, "reject_ratio must be > 0"),
    ({"reject_ratio": 1.0, "accept_ratio": 1.0}, "reject_ratio must be < 1"),
    ({"accept_ratio": 1.5}, "accept_ratio must be <= 1"),
    ({"accept_ratio": 0.1, "reject_ratio": 0.2}, "accept_ratio must be >= reject_ratio"),
    ({"max_centers": 0}, "max_centers must be >= 1"),
    ({"record": "some"}, "record must be one of"),
    ({"bounds": [[0.0, 0.0]]}, "bounds must have shape"),
    ({"bounds": [[1.0, 0.0], [0.0, 1.0]]}, "bounds must have its minimum"),
])
@pytest.mark.parametrize("cls", SUBTRACTIVE)
def test_bad_parameters(cls, params, message):
    X = np.random.default_rng(0).random((10, 2))
    with pytest.raises(ValueError, match=message):
        cls(**params).fit(X)


@pytest.mark.parametrize("params, message", [
    ({"center_potential": "mean"}, "center_potential must be one of"),
    ({"weight_potential": "final"}, "weight_potential must be one of"),
    ({"dmin_from": "peak"}, "dmin_from must be one of"),
])
def test_bad_wmsc_options(params, message):
    with pytest.raises(ValueError, match=message):
        WeightedMeanSubtractiveClustering(**params).fit(np.eye(3))


@pytest.mark.parametrize("params, message", [
    ({"n_clusters": 7}, "n_clusters=7 is larger than the number of samples \\(5\\)"),
    ({"n_clusters": 2, "m": 1.0}, "m must be > 1"),
    ({"n_clusters": 2, "tol": -1}, "tol must be >= 0"),
    ({"n_clusters": 2, "max_iter": 0}, "max_iter must be >= 1"),
])
def test_bad_fcm_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        FuzzyCMeans(**params).fit(np.random.default_rng(0).random((5, 2)))


# ---------------------------------------------------------------------------
# Fuzzy c-means
# ---------------------------------------------------------------------------

def test_fcm_follows_bezdeks_recipe_and_equations(iris):
    X, _ = iris
    model = FuzzyCMeans(n_clusters=3, random_state=4).fit(X)
    U0 = np.random.default_rng(4).random((3, len(X)))
    U0 /= U0.sum(axis=0)
    np.testing.assert_allclose(model.history_[0].memberships, U0.T)
    for prev, s in zip(model.history_, model.history_[1:]):
        Um = prev.memberships ** 2
        np.testing.assert_allclose(s.centers, (Um.T @ X) / Um.sum(axis=0)[:, None])  # v_i
        d = cdist(X, s.centers)
        expected = 1 / ((d[:, :, None] / d[:, None, :]) ** 2).sum(axis=2)          # u_ik
        np.testing.assert_allclose(s.memberships, expected)
        if s.labels is not None:
            np.testing.assert_array_equal(s.labels, s.memberships.argmax(axis=1))
        assert s.change == pytest.approx(np.abs(s.memberships - prev.memberships).max())
    assert model.history_[-1].change < 1e-5 <= model.history_[-2].change
    objectives = [s.objective for s in model.history_]
    assert all(b <= a + 1e-9 for a, b in zip(objectives, objectives[1:]))  # J_m never rises
    for s in model.history_:   # J_m = sum_ik u_ik^m ||x_k - v_i||^2
        assert s.objective == pytest.approx((s.memberships ** 2 * cdist(X, s.centers, "sqeuclidean")).sum(),
                                            rel=1e-12)
    assert model.objective_ == model.history_[-1].objective
    np.testing.assert_array_equal(model.predict(X), model.labels_)


def test_fcm_memberships_at_a_centre():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    U = fuzzy_memberships(X, np.array([[0.0, 0.0], [0.0, 0.0], [2.0, 0.0]]), 2.0)
    np.testing.assert_allclose(U[0], [0.5, 0.5, 0.0])   # shared by the two coinciding centres
    np.testing.assert_allclose(U[1], [1 / 3, 1 / 3, 1 / 3])  # all at distance 1
    np.testing.assert_allclose(U[2], [0.0, 0.0, 1.0])


def test_fcm_finds_blobs():
    X, y = make_blobs(n_samples=300, centers=4, random_state=3)
    model = FuzzyCMeans(n_clusters=4, random_state=0).fit(X)
    assert adjusted_rand_score(y, model.labels_) > 0.95
    assert adjusted_rand_score(tc.KMeans(4, random_state=0).fit(X).labels_, model.labels_) > 0.95


# ---------------------------------------------------------------------------
# The views
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("cls, data", [(SubtractiveClustering, "artdata"),
                                       (WeightedMeanSubtractiveClustering, "artdata"),
                                       (MountainClustering, "artdata"),
                                       (WeightedMeanSubtractiveClustering, "iris"),
                                       (MountainClustering, "iris")])
def test_view_draws_every_frame(cls, data, artdata, iris):
    X = (artdata if data == "artdata" else iris)[0]
    model = (cls(ra=0.5, grid_points=9) if data == "iris" and cls is MountainClustering else cls(ra=0.5)).fit(X)
    player = tc.scrub(model, X)
    # Every frame updates the artists; a few are rendered to PNG (the slow part).
    for frame in range(len(model.history_)):
        assert player.stage.draw(frame) == model.history_[frame].caption
    for frame in (0, len(model.history_) - 1):
        player.show(frame)
        shown = html.unescape(re.sub(r"<[^>]+>", "", player.caption.value))
        assert shown.endswith(model.history_[frame].caption)
        assert player.picture.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_side_by_side_landscapes_and_fcm_view(artdata):
    X, _ = artdata
    models = [SubtractiveClustering().fit(X), WeightedMeanSubtractiveClustering().fit(X)]
    player = tc.scrub(models, X, view=LandscapeView)
    for frame in range(player.stage.n_frames):
        player.stage.draw(frame)
    player.show(1)
    fcm = FuzzyCMeans(n_clusters=2, random_state=0).fit(X)
    player = tc.scrub(fcm, X)
    for frame in range(len(fcm.history_)):
        player.stage.draw(frame)
    player.show(len(fcm.history_) - 1)
    assert player.picture.value[:4] == b"\x89PNG"


def test_the_map_badge_names_the_decision_and_the_test_that_made_it(iris):
    X = iris[0]
    history = (SubtractiveClustering(ra=0.3).fit(X).history_
               + SubtractiveClustering(ra=0.3, max_centers=2).fit(X).history_)
    for s in history:
        text = badge_text(s)
        assert text.startswith(s.decision.upper())
        if s.reason == "ratio>accept":
            assert text.endswith(f"{s.ratio:.2f} > {s.accept_ratio:g}")
        elif s.reason == "ratio<=reject":
            assert text.endswith(f"{s.ratio:.2f} \u2264 {s.reject_ratio:g}")
        elif s.reason.startswith("grey"):
            value = s.ratio + s.d_min_over_ra
            sign = "\u2265" if value >= 1 else "<"
            assert text.endswith(f"{value:.2f} {sign} 1")
        else:
            assert "max_centers" in text
    assert len({s.reason for s in history}) == 5  # every kind of decision was checked


# ---------------------------------------------------------------------------
# Kernel subtractive clustering, the mountain grid warning, histories in memory
# ---------------------------------------------------------------------------

def reference_ksc(X, ra, sigma, *, squash=1.5, accept=0.5, reject=0.15):
    """Plain full-matrix kernel SC: every squared distance is 2 - 2 K(x, y)."""
    Xn = unit_hypercube(X)[0]
    alpha, beta = 4 / ra**2, 4 / (squash * ra) ** 2
    D2 = 2 - 2 * np.exp(-cdist(Xn, Xn, "sqeuclidean") / sigma**2)
    P = np.exp(-alpha * D2).sum(axis=1)
    p_ref, centres = P.max(), []
    while P.max() > 0:
        i = int(np.argmax(P))
        rho = P[i] / p_ref
        if rho <= reject:
            break
        if rho <= accept and min(np.sqrt(D2[i, c]) for c in centres) / ra + rho < 1:
            P[i] = 0
            continue
        P = np.maximum(0, P - P[i] * np.exp(-beta * D2[i]))
        P[i] = 0
        centres.append(i)
    return np.array(centres)


@pytest.mark.parametrize("sigma", [2**0.5, 0.5])
def test_kernel_sc_matches_the_reference(sigma, iris):
    X, _ = iris
    model = tc.KernelSubtractiveClustering(ra=0.4, sigma=sigma).fit(X)
    np.testing.assert_array_equal(model.center_indices_, reference_ksc(X, 0.4, sigma))
    assert model.sigma_ == sigma


def test_kernel_sc_default_sigma_keeps_ra_local_and_median_is_documented(artdata):
    X, _ = artdata
    # sigma = sqrt(2): 2 - 2 exp(-d^2/2) = d^2 - d^4/4 + ..., so the hills are SC's near
    # their point and the same two clusters are found.
    ksc = tc.KernelSubtractiveClustering(ra=0.5).fit(X)
    sc = SubtractiveClustering(ra=0.5).fit(X)
    assert ksc.n_clusters_ == sc.n_clusters_ == 2
    median = tc.KernelSubtractiveClustering(ra=0.5, sigma="median").fit(X)
    Xn = unit_hypercube(X)[0][:: max(1, len(X) // 1000)]
    assert median.sigma_ == pytest.approx(np.median(cdist(Xn, Xn)[np.triu_indices(len(Xn), 1)]))
    assert median.n_clusters_ > 2  # narrower hills: more centres
    with pytest.raises(ValueError, match="sigma must be > 0"):
        tc.KernelSubtractiveClustering(sigma=0.0).fit(X)


def test_mountain_grid_coarser_than_ra_warns(iris):
    X, _ = iris
    with pytest.warns(UserWarning, match="coarse for ra=0.4"):
        MountainClustering(ra=0.4, grid_points=5).fit(X)   # reach 0.25 > 0.2
    X8 = np.random.default_rng(0).random((50, 8))
    with pytest.warns(UserWarning, match="grid of 4 nodes per axis in 8 dimensions"):
        MountainClustering(ra=0.5).fit(X8)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MountainClustering(ra=0.4, grid_points=9).fit(X)   # reach 0.125: fine


def artdata_like(n, seed=0):
    """ArtData's shape with n points: a disc (a third) and a ring (two thirds)."""
    rng = np.random.default_rng(seed)
    n_disc = n // 3
    r = np.concatenate([0.2 * np.sqrt(rng.random(n_disc)), np.sqrt(0.01 + 0.03 * rng.random(n - n_disc))])
    t = 2 * np.pi * rng.random(n)
    centre = np.where(np.arange(n)[:, None] < n_disc, 0.2, 0.7)
    return centre + np.column_stack([r * np.cos(t), r * np.sin(t)])


def test_a_long_run_keeps_its_history_small():
    """Issue: SC with default recording held 2.78 GB on 20,000 ring-shaped points (5,545 frames).

    A frame now keeps the shared landscape of the last carve and its own few
    numbers; the potentials are rebuilt when read. (4,000 points keep the
    test quick: about 900 frames, mostly grey-zone rejections.)
    """
    X = artdata_like(4000)
    tracemalloc.start()
    model = SubtractiveClustering(ra=0.5).fit(X)
    held, _ = tracemalloc.get_traced_memory()   # what the fitted model (and its history) holds
    tracemalloc.stop()
    frames = len(model.history_)
    assert frames > 500
    per_frame_full = 3 * 8 * len(X)              # 2N potentials + N labels, as before
    assert held < 0.05 * frames * per_frame_full, (held / 2**20, frames)
    # The rebuilt potentials are the ones the readable path gives.
    for n in (1, frames // 2, frames - 1):
        np.testing.assert_array_equal(model.history_[n].potential_before,
                                      model.history_[n - 1].potential_after)


def test_fcm_history_stores_centres_not_memberships():
    X, _ = make_blobs(n_samples=20_000, centers=4, random_state=0)
    tracemalloc.start()
    model = FuzzyCMeans(n_clusters=4, random_state=0).fit(X)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert model.n_iter_ > 10
    per_frame_full = 8 * X.size * 2 + 8 * len(X)   # an (N, c) membership matrix and N labels
    assert held < 5 * per_frame_full, (held / 2**20, model.n_iter_)
    np.testing.assert_array_equal(model.history_[-1].memberships, model.memberships_)


@pytest.mark.parametrize("cls", [FuzzyCMeans, SubtractiveClustering, WeightedMeanSubtractiveClustering])
def test_tiny_scales_are_refused_with_the_fix(cls, iris):
    """FuzzyCMeans used to return NaN centres after 300 iterations at 1e-300, silently."""
    X, _ = iris
    with pytest.raises(ValueError, match="Standardise X first"):
        cls().fit(X * 1e-300)


def test_record_values_name_the_frame_unit(artdata):
    X, _ = artdata
    with pytest.raises(ValueError, match=r"record must be one of \['candidate', 'center', 'end'\]"):
        SubtractiveClustering(record="full").fit(X)
    model = SubtractiveClustering(record="center").fit(X)
    assert [s.decision for s in model.history_] == ["accept", "accept", "stop"]


@pytest.mark.parametrize("ra", [0.5, 0.05])   # factored form, and the direct sum it falls back to
def test_factored_and_direct_potentials_agree(ra):
    from tutorcluster import subtractive
    X = np.random.default_rng(1).random((700, 2))
    direct = np.exp(-(4 / ra**2) * cdist(X, X, "sqeuclidean")).sum(axis=1)
    np.testing.assert_allclose(potentials(X, X, ra), direct, rtol=1e-12)
    np.testing.assert_allclose(potentials(X[:40], X, ra, block_bytes=1), direct[:40], rtol=1e-12)
    used = subtractive._factored_potentials(X, X, 4 / ra**2, X.mean(axis=0), True, 2**20)
    assert (used is None) == (ra == 0.05)


@pytest.mark.parametrize("width, block_bytes", [(50, 8 * 50 * 7), (64, 1), (4096, 2**20)])
def test_tiled_potentials_equal_the_direct_sum(width, block_bytes, monkeypatch):
    """The factored Eq. 1 in cache-sized tiles: diagonal, off-diagonal and ragged tiles add up."""
    from tutorcluster import subtractive
    monkeypatch.setattr(subtractive, "TILE_COLUMNS", width)
    rng = np.random.default_rng(2)
    X, Q = rng.random((333, 2)), rng.random((41, 2))
    for points in (X, Q):
        direct = np.exp(-16 * cdist(points, X, "sqeuclidean")).sum(axis=1)
        np.testing.assert_allclose(potentials(points, X, 0.5, block_bytes=block_bytes), direct, rtol=1e-12)
