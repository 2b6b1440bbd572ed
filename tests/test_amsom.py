"""Tests of tutorcluster.amsom: BatchSOM, AMSOM, their equations and their view.

Notebook ``notebooks/02-amsom.ipynb``.
"""

import math
import warnings

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

import tutorcluster as tc
from tutorcluster import amsom
from tutorcluster.amsom import (AMSOM, BatchSOM, SOMSnapshot, adjacency_matrix, age_edges,
                                batch_weights, best_two_units, edge_list, lattice_edges,
                                lattice_positions, move_positions, accumulated_errors, prune_edges,
                                split_children, vesanto_shape)
from tutorcluster.datasets import load, make_cluster_data
from tutorcluster.metrics import quantization_error, topographic_error
from tutorcluster.testing import check_snapshot_protocol
from tutorcluster.views.amsom import majority_class, mean_edge_length

# Short runs that still reach every step (decay, growth, ageing, pruning, Phase III).
FAST = dict(max_epochs=40, decay_epochs=20, t_add=10, age_max=8, phase3_max_epochs=10)


@pytest.fixture(scope="module")
def iris():
    return load("iris", standardize=True)


@pytest.fixture(scope="module")
def iris_model(iris):
    X, _ = iris
    return AMSOM(random_state=0).fit(X)


def whitened(n_samples, scales, seed=0):
    """Data whose covariance is exactly diag(scales**2)."""
    Z = np.random.default_rng(seed).standard_normal((n_samples, len(scales)))
    Z -= Z.mean(axis=0)
    Z = Z @ np.linalg.inv(np.linalg.cholesky(np.cov(Z, rowvar=False))).T
    return Z * np.asarray(scales)


# --------------------------------------------------------------------------
# Phase I: map size and lattice
# --------------------------------------------------------------------------

class TestVesantoShape:
    def test_by_hand(self):
        # N = 100 -> m = 50 units; covariance eigenvalues 16 and 4.
        X = whitened(100, [4.0, 2.0])
        # "eig": ratio 4, cols = round(sqrt(50 / 4)) = round(3.54) = 4, rows = round(12.5) = 13
        # (MATLAB's round-half-up; Python's round would give 12).
        assert vesanto_shape(X) == (13, 4)
        # "sqrt_eig" (SOM Toolbox): ratio 2, cols = round(5) = 5, rows = 10.
        assert vesanto_shape(X, side_ratio="sqrt_eig") == (10, 5)
        # hex: cols = round(sqrt(12.5 * 0.866)) = round(3.29) = 3, rows = round(16.7) = 17.
        assert vesanto_shape(X, lattice="hex") == (17, 3)

    def test_paper_datasets(self):
        # The map-size rule (notebook, "Reading the paper"): wine (z-scored, "eig") gives 67 units -> 11 x 6 = 66, as in Table 2.
        assert vesanto_shape(load("wine", standardize=True)[0]) == (11, 6)
        X, _ = make_cluster_data()
        rows, cols = vesanto_shape(X)
        assert math.ceil(5 * math.sqrt(1000)) == 159 and rows * cols == 156

    def test_ratio_falls_back_to_one(self):
        # l2 * m < l1: the second direction is negligible, the ratio is 1 (a square-ish map).
        X = whitened(100, [10.0, 0.1])
        assert vesanto_shape(X) == (7, 7)          # cols = round(sqrt(50)) = 7, rows = round(7.14)
        # Identical points: l1 = 0, ratio 1.
        assert vesanto_shape(np.ones((100, 3))) == (7, 7)

    def test_one_feature_is_a_chain(self):
        assert vesanto_shape(np.arange(16.0).reshape(-1, 1)) == (1, 20)

    def test_bad_input(self):
        with pytest.raises(ValueError, match="NaN or infinite"):
            vesanto_shape(np.array([[0.0, np.nan], [1.0, 2.0]]))
        with pytest.raises(ValueError, match="2-D"):
            vesanto_shape(np.arange(5.0))
        with pytest.raises(ValueError, match="lattice"):
            vesanto_shape(np.ones((5, 2)), lattice="tri")
        with pytest.raises(ValueError, match="side_ratio"):
            vesanto_shape(np.ones((5, 2)), side_ratio="golden")


class TestLattice:
    def test_rect_positions_and_edges(self):
        positions = lattice_positions(2, 3, "rect")
        np.testing.assert_array_equal(positions, [[0, 0], [1, 0], [2, 0], [0, 1], [1, 1], [2, 1]])
        np.testing.assert_array_equal(
            lattice_edges(2, 3, "rect"), [[0, 1], [0, 3], [1, 2], [1, 4], [2, 5], [3, 4], [4, 5]])

    def test_hex_positions(self):
        positions = lattice_positions(2, 2, "hex")
        np.testing.assert_allclose(positions, [[0, 0], [1, 0], [0.5, math.sqrt(3) / 2],
                                               [1.5, math.sqrt(3) / 2]])

    @pytest.mark.parametrize("lattice, degree", [("rect", 4), ("hex", 6)])
    def test_neighbours_at_distance_one(self, lattice, degree):
        rows, cols = 6, 7
        positions = lattice_positions(rows, cols, lattice)
        edges = lattice_edges(rows, cols, lattice)
        lengths = np.linalg.norm(positions[edges[:, 0]] - positions[edges[:, 1]], axis=1)
        np.testing.assert_allclose(lengths, 1.0)
        assert np.all(edges[:, 0] < edges[:, 1])
        assert np.array_equal(edges, edges[np.lexsort((edges[:, 1], edges[:, 0]))])
        counts = np.bincount(edges.ravel(), minlength=rows * cols)
        assert counts.max() == degree
        interior = 2 * cols + 3                       # row 2, col 3
        assert counts[interior] == degree


# --------------------------------------------------------------------------
# Phase II: the equations, worked by hand
# --------------------------------------------------------------------------

def test_best_two_units_ties_go_to_the_lowest_index():
    X = np.array([[0.0], [2.0]])
    W = np.array([[1.0], [1.0], [3.0], [-1.0]])     # units 0 and 1 tie for both samples
    best, second = best_two_units(X, W)
    np.testing.assert_array_equal(best, [0, 0])
    np.testing.assert_array_equal(second, [1, 1])


def test_batch_weights_by_hand():
    # Two neurons one cell apart; samples 0 and 1 go to neuron 0, sample 4 to neuron 1.
    X = np.array([[0.0], [1.0], [4.0]])
    W = np.array([[0.0], [3.0]])
    R = np.array([[0.0, 0.0], [1.0, 0.0]])
    best, _ = best_two_units(X, W)
    new, hits = batch_weights(X, best, W, R, sigma=1.0)
    h = math.exp(-1 / 2)                            # Eq. 12 at distance 1, sigma 1
    np.testing.assert_array_equal(hits, [2, 1])
    np.testing.assert_allclose(new[:, 0], [(1 + 4 * h) / (2 + h), (h * 1 + 4) / (2 * h + 1)])


def test_batch_weights_keep_a_unit_whose_denominator_is_zero():
    X = np.array([[0.0], [1.0]])
    W = np.array([[0.5], [9.0]])
    R = np.array([[0.0, 0.0], [50.0, 0.0]])         # h underflows to 0 between the two
    best, _ = best_two_units(X, W)
    new, hits = batch_weights(X, best, W, R, sigma=0.1)
    np.testing.assert_array_equal(hits, [2, 0])
    assert new[0, 0] == 0.5 and new[1, 0] == 9.0    # the dead unit keeps its weight


def test_move_positions_by_hand():
    R = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 4.0]])
    W = np.array([[0.0], [1.0], [3.0]])
    hits = np.array([2, 1, 0])
    sigma, gamma, alpha = 2.0, 1.0, 0.5
    d = lambda a, b: math.exp(-(a - b) ** 2 / (gamma * sigma))   # Eq. 14
    new = move_positions(R, W, hits, sigma, gamma, alpha)
    # Neuron 0: pulled by neuron 1 (1 hit) only; neuron 2 has no hit.
    k01 = 1 * d(0, 1)
    np.testing.assert_allclose(new[0], R[0] + alpha * k01 * (R[1] - R[0]) / (2 + k01))
    # Neuron 2: pulled by neurons 0 and 1.
    k20, k21 = 2 * d(3, 0), 1 * d(3, 1)
    pull = (k20 * (R[0] - R[2]) + k21 * (R[1] - R[2])) / (k20 + k21)
    np.testing.assert_allclose(new[2], R[2] + alpha * pull)
    # Synchronous: neuron 1 uses the old position of neuron 0.
    k10 = 2 * d(1, 0)
    np.testing.assert_allclose(new[1], R[1] + alpha * k10 * (R[0] - R[1]) / (k10 + 1))


def test_move_positions_alpha_zero_changes_nothing():
    rng = np.random.default_rng(1)
    R, W = rng.random((6, 2)), rng.random((6, 3))
    assert np.array_equal(move_positions(R, W, rng.integers(0, 5, 6), 1.0, 5.0, 0.0), R)


def test_age_edges_by_epoch():
    E = adjacency_matrix([[0, 1], [1, 2]], 4)
    A = np.zeros((4, 4), dtype=np.int64)
    A[0, 1] = A[1, 0] = 5
    age_edges(E, A, best=np.array([2, 2, 3]), second=np.array([1, 1, 0]))
    # Every old edge is one epoch older, then (2, 1) and (3, 0) are linked with age 0.
    edges, ages = edge_list(E, A)
    np.testing.assert_array_equal(edges, [[0, 1], [0, 3], [1, 2]])
    np.testing.assert_array_equal(ages, [6, 0, 0])


def literal_sample_ageing(E, A, best, second):
    """Fig. 3, steps 2.3-2.5, one sample at a time."""
    E, A = E.copy(), A.copy()
    for a, b in zip(best, second):
        A[a, E[a]] += 1
        A[E[a], a] += 1
        E[a, b] = E[b, a] = True
        A[a, b] = A[b, a] = 0
    return E, A


@pytest.mark.parametrize("seed", range(5))
def test_sample_ageing_closed_form_equals_the_loop(seed):
    rng = np.random.default_rng(seed)
    n_units, n_samples = 7, 40
    E = np.triu(rng.random((n_units, n_units)) < 0.4, 1)
    E |= E.T
    A = np.where(E, rng.integers(0, 6, (n_units, n_units)), 0)
    A = np.triu(A, 1) + np.triu(A, 1).T
    best = rng.integers(0, n_units, n_samples)
    second = (best + rng.integers(1, n_units, n_samples)) % n_units
    expected_E, expected_A = literal_sample_ageing(E, A, best, second)
    age_edges(E, A, best, second, mode="sample")
    np.testing.assert_array_equal(E, expected_E)
    np.testing.assert_array_equal(A, expected_A)


def test_accumulated_errors_are_summed_distances():
    X = np.array([[0.0, 0.0], [3.0, 4.0], [10.0, 0.0]])
    W = np.array([[0.0, 0.0], [10.0, 1.0]])
    np.testing.assert_allclose(accumulated_errors(X, W), [5.0, 1.0])


def test_split_children_eqs_15_to_18():
    w_q, r_q = np.array([2.0, -4.0]), np.array([1.0, 1.0])
    w_f, r_f = np.array([0.0, 0.0]), np.array([3.0, 1.0])
    (w1, w2), (r1, r2) = split_children(w_q, r_q, w_f, r_f, beta=0.25)
    np.testing.assert_allclose(w1, [2.5, -5.0])        # (1 + beta) w_q
    np.testing.assert_allclose(w2, [-0.5, 1.0])        # -beta w_q
    np.testing.assert_allclose(w1 + w2, w_q)           # function preserving
    np.testing.assert_allclose(r1, r_q)
    np.testing.assert_allclose(r2, [2.0, 1.0])         # midpoint of q and f
    (w1, w2), _ = split_children(w_q, r_q, w_f, r_f, beta=0.25, rule="midpoint")
    np.testing.assert_allclose(w1, w_q)
    np.testing.assert_allclose(w2, [1.0, -2.0])


def test_prune_edges_keeps_the_youngest_like_figure_8():
    # Fig. 8: with Q = 4, neuron 4 has five edges; the oldest (to neuron 6) goes.
    E = adjacency_matrix([[4, 1], [4, 2], [4, 3], [4, 5], [4, 6]], 7)
    A = np.zeros((7, 7), dtype=np.int64)
    for other, age in [(1, 0), (2, 3), (3, 1), (5, 2), (6, 9)]:
        A[4, other] = A[other, 4] = age
    R = lattice_positions(1, 7)
    assert prune_edges(E, A, R, 4) == 1
    assert not E[4, 6] and not E[6, 4] and A[4, 6] == 0
    assert E[4, [1, 2, 3, 5]].all()


def test_prune_edges_ties_go_to_the_shorter_edge_then_the_lower_index():
    E = adjacency_matrix([[0, 1], [0, 2], [0, 3]], 4)
    A = np.zeros((4, 4), dtype=np.int64)
    R = np.array([[0.0, 0.0], [3.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    prune_edges(E, A, R, 2)
    # Same age: neuron 1 (3 away) goes; neurons 2 and 3 are both 1 away and stay.
    np.testing.assert_array_equal(np.flatnonzero(E[0]), [2, 3])
    prune_edges(E, A, R, 1)
    np.testing.assert_array_equal(np.flatnonzero(E[0]), [2])


def literal_pruning(E, A, R, Q):
    """Fig. 8 one neuron at a time: each crowded neuron keeps its Q youngest edges."""
    E, A = E.copy(), A.copy()
    drop = np.zeros_like(E)
    for p in np.flatnonzero(E.sum(axis=1) > Q):
        neighbours = np.flatnonzero(E[p])
        length = np.linalg.norm(R[neighbours] - R[p], axis=1)
        order = np.lexsort((neighbours, length, A[p, neighbours]))
        drop[p, neighbours[order[Q:]]] = True
    drop |= drop.T
    E[drop] = False
    A[drop] = 0
    return E, A


@pytest.mark.parametrize("seed", range(5))
def test_prune_edges_equals_the_loop_over_neurons(seed):
    rng = np.random.default_rng(seed)
    n_units = 30
    E = np.triu(rng.random((n_units, n_units)) < 0.3, 1)
    E |= E.T
    A = np.where(E, rng.integers(0, 4, (n_units, n_units)), 0)   # many equal ages
    A = np.triu(A, 1) + np.triu(A, 1).T
    R = rng.integers(0, 3, (n_units, 2)).astype(float)            # many equal lengths
    expected_E, expected_A = literal_pruning(E, A, R, 3)
    n_dropped = int((E & ~expected_E).sum() // 2)
    assert n_dropped > 0
    assert prune_edges(E, A, R, 3) == n_dropped
    np.testing.assert_array_equal(E, expected_E)
    np.testing.assert_array_equal(A, expected_A)


def test_edge_list_is_the_upper_triangle_in_lexicographic_order():
    rng = np.random.default_rng(0)
    E = np.triu(rng.random((40, 40)) < 0.2, 1)
    E |= E.T
    A = np.where(E, rng.integers(0, 9, (40, 40)), 0)
    edges, ages = edge_list(E, A)
    np.testing.assert_array_equal(edges, np.argwhere(np.triu(E, 1)))
    np.testing.assert_array_equal(ages, A[np.triu(E, 1)])
    assert edge_list(np.zeros((3, 3), dtype=bool))[0].shape == (0, 2)


def test_neighbourhood_from_cached_lattice_distances_is_the_same():
    from tutorcluster.distances import squared_distances
    R = lattice_positions(7, 5, "hex")
    np.testing.assert_array_equal(amsom.neighbourhood(R, 1.7, squared_distances(R, R)),
                                  np.exp(-squared_distances(R, R) / (2.0 * 1.7 ** 2)))
    np.testing.assert_array_equal(amsom.position_kernel(R, 1.7, 5.0),
                                  np.exp(-squared_distances(R, R) / (5.0 * 1.7)))


# --------------------------------------------------------------------------
# The estimators
# --------------------------------------------------------------------------

@pytest.mark.parametrize("lattice", ["rect", "hex"])
def test_amsom_reduces_to_batch_som(iris, lattice):
    """The notebook's baseline reduction: alpha = 0, no growth, no ageing out, no pruning -> the classic SOM."""
    X, _ = iris
    som = BatchSOM(lattice=lattice, random_state=3).fit(X)
    still = AMSOM(lattice=lattice, alpha=0.0, t_add=10**6, age_max=math.inf,
                  max_neighbors=math.inf, phase3_max_epochs=0, random_state=3).fit(X)
    assert len(som.history_) == len(still.history_) > 100
    for a, b in zip(som.history_, still.history_):
        assert a.iteration == b.iteration
        assert np.array_equal(a.weights, b.weights)            # exactly, epoch by epoch
        assert np.array_equal(a.positions, b.positions)
        assert len(b.added_ids) == len(b.removed_ids) == 0
    assert som.stop_reason_ == still.stop_reason_ == "converged"


def test_same_random_state_same_initial_weights(iris):
    X, _ = iris
    som = BatchSOM(random_state=7, max_epochs=1).fit(X)
    model = AMSOM(random_state=7, max_epochs=1, phase3_max_epochs=0).fit(X)
    assert np.array_equal(som.history_[0].weights, model.history_[0].weights)
    # Weights start uniform inside each feature's range (A9).
    W = som.history_[0].weights
    assert np.all(W >= X.min(axis=0)) and np.all(W <= X.max(axis=0))
    expected = np.random.default_rng(7).uniform(X.min(axis=0), X.max(axis=0), size=W.shape)
    assert np.array_equal(W, expected)


@pytest.mark.parametrize("estimator", [BatchSOM(max_epochs=40, decay_epochs=20),
                                       BatchSOM(lattice="hex", max_epochs=15),
                                       AMSOM(**FAST),
                                       AMSOM(lattice="hex", age_mode="sample", **FAST)],
                         ids=["batch-rect", "batch-hex", "amsom-rect", "amsom-hex-sample"])
def test_snapshot_protocol(iris, estimator):
    X, y = iris
    model = check_snapshot_protocol(estimator, X, attributes={
        "weights": "weights_", "positions": "positions_", "edges": "edges_", "ages": "ages_",
        "ids": "ids_", "qe": "quantization_error_", "te": "topographic_error_"})
    assert all(isinstance(s, SOMSnapshot) for s in model.history_)
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    np.testing.assert_array_equal(model.cluster_centers_, model.weights_)


def test_snapshot_fields_match_the_metrics_module(iris_model, iris):
    X, _ = iris
    for s in iris_model.history_[::7]:
        assert s.qe == pytest.approx(quantization_error(X, s.weights), rel=1e-12)
        assert s.te == topographic_error(X, s.weights, s.edges)
        np.testing.assert_array_equal(s.hits, np.bincount(s.labels, minlength=s.n_neurons))
        np.testing.assert_array_equal(s.labels, best_two_units(X, s.weights)[0])


def test_amsom_invariants(iris_model, iris):
    X, _ = iris
    model, history = iris_model, iris_model.history_
    q_max, t_add, age_max = 4, model.t_add, model.age_max
    seen = set(history[0].ids.tolist())
    assert history[0].phase == 1 and history[0].n_neurons == 64
    phases = [s.phase for s in history]
    assert phases == sorted(phases) and set(phases) == {1, 2, 3}
    split_epochs = []
    for before, s in zip(history, history[1:]):
        n = s.n_neurons
        assert len(s.ids) == len(s.weights) == len(s.positions) == len(s.hits) == n >= 2
        # Persistent ids: sorted, never reused, and the bookkeeping adds up.
        assert np.all(np.diff(s.ids) > 0)
        assert set(s.ids.tolist()) == (set(before.ids.tolist()) - set(s.removed_ids.tolist())
                                       | set(s.added_ids.tolist()))
        assert not set(s.added_ids.tolist()) & seen
        seen |= set(s.ids.tolist())
        # Edges: i < j, lexicographic, young enough, at most Q per neuron, no isolated neuron.
        e = s.edges
        assert np.all(e[:, 0] < e[:, 1])
        assert np.array_equal(e, e[np.lexsort((e[:, 1], e[:, 0]))])
        assert np.all(s.ages >= 0) and np.all(s.ages <= age_max)
        degree = np.bincount(e.ravel(), minlength=n)
        assert degree.max() <= q_max and degree.min() >= 1
        assert s.hits.sum() == len(X)
        if s.split is not None:
            parent, partner, u1, u2, beta = s.split
            split_epochs.append(s.iteration)
            assert parent in before.ids and partner in before.ids and parent not in s.ids
            np.testing.assert_array_equal(s.added_ids, [u1, u2])
            i1, i2 = np.searchsorted(s.ids, [u1, u2])
            # Eqs. 15-16: w_u1 = (1 + beta)(w_u1 + w_u2); Eq. 18: r_u2 = (r_u1 + r_f) / 2.
            np.testing.assert_allclose(s.weights[i1], (1 + beta) * (s.weights[i1] + s.weights[i2]))
            if partner in s.ids:
                r_f = s.positions[np.searchsorted(s.ids, partner)]
                np.testing.assert_allclose(s.positions[i2], (s.positions[i1] + r_f) / 2)
        else:
            assert len(s.added_ids) == 0
    # Growth: at most every t_add epochs, the first at t_add at the earliest.
    assert split_epochs and split_epochs[0] >= t_add and np.all(np.diff(split_epochs) >= t_add)
    assert model.growth_threshold_ == pytest.approx(-math.log(4) * math.log(0.5))
    # The map sizes itself: fewer neurons than the initial lattice.
    assert model.weights_.shape[0] < history[0].n_neurons


def test_schedules_and_phases(iris_model):
    model, history = iris_model, iris_model.history_
    sigma0, T = 16 / 2, model.decay_epochs
    for s in history:
        if s.phase == 2:
            fraction = min(s.iteration - 1, T) / T
            assert s.sigma == pytest.approx(sigma0 * (1 / sigma0) ** fraction)
            assert s.alpha == pytest.approx(0.01 * (1 - fraction))
    phase3 = [s for s in history if s.phase == 3]
    assert phase3 and all(s.sigma == 1.0 and s.alpha == 0.001 for s in phase3)
    # Phase III freezes the structure.
    last2 = [s for s in history if s.phase == 2][-1]
    for s in phase3:
        assert np.array_equal(s.ids, last2.ids) and np.array_equal(s.edges, last2.edges)
        assert np.array_equal(s.ages, last2.ages)
    # Termination (A3): after T, no structural change and |dQE| < eps1.
    assert model.stop_reason_ == "converged" and model.n_phase2_epochs_ > T
    previous = history[model.n_phase2_epochs_ - 1]
    assert abs(last2.qe - previous.qe) < model.eps1
    assert len(last2.added_ids) == len(last2.removed_ids) == 0
    assert model.n_epochs_ == history[-1].iteration == model.n_phase2_epochs_ + len(phase3)


def test_constant_alpha_collapses_the_map(iris):
    """A4: a constant alpha contracts the positions until the map collapses."""
    X, _ = iris
    spread = lambda m: np.ptp(m.positions_, axis=0).max()
    decaying = AMSOM(random_state=0, record_every=0).fit(X)
    constant = AMSOM(alpha_schedule="constant", random_state=0, record_every=0).fit(X)
    assert spread(constant) < 0.01 * spread(decaying)
    assert constant.quantization_error_ > 1.5 * decaying.quantization_error_


def test_batch_som_on_the_lattice(iris):
    X, _ = iris
    som = BatchSOM(lattice="hex", grid_shape=(5, 4), random_state=0).fit(X)
    np.testing.assert_array_equal(som.edges_, lattice_edges(5, 4, "hex"))
    np.testing.assert_array_equal(som.positions_, lattice_positions(5, 4, "hex"))
    assert all(np.array_equal(s.positions, som.positions_) for s in som.history_)
    assert som.topographic_error_ == topographic_error(X, som.weights_, som.edges_)
    # sigma0 defaults to max(rows, cols) / 2 and reaches sigma_final at T + 1.
    assert som.history_[1].sigma == 2.5 and som.history_[101].sigma == pytest.approx(1.0)


# --------------------------------------------------------------------------
# Edge cases
# --------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [BatchSOM, AMSOM])
@pytest.mark.parametrize("X, message", [
    (np.array([[0.0, 1.0], [np.nan, 2.0], [1.0, 1.0]]), "NaN"),
    (np.array([[0.0, 1.0], [np.inf, 2.0], [1.0, 1.0]]), "infinity"),
    (np.arange(6.0), "Expected 2D array"),
    (np.zeros((0, 2)), "0 sample"),
    (np.zeros((1, 2)), "1 sample"),
    (np.zeros((4, 0)), "0 feature"),
])
def test_bad_data(cls, X, message):
    with pytest.raises(ValueError, match=message):
        cls().fit(X)


@pytest.mark.parametrize("params, message", [
    ({"lattice": "tri"}, "lattice"),
    ({"grid_shape": (1, 1)}, "at least 2"),
    ({"grid_shape": (3,)}, "grid_shape"),
    ({"grid_shape": (0, 4)}, "rows"),
    ({"side_ratio": "golden"}, "side_ratio"),
    ({"sigma0": 0}, "sigma0"),
    ({"sigma_final": -1.0}, "sigma_final"),
    ({"decay_epochs": 0}, "decay_epochs"),
    ({"eps1": -1e-6}, "eps1"),
    ({"max_epochs": 0}, "max_epochs"),
    ({"record_every": -1}, "record_every"),
])
@pytest.mark.parametrize("cls", [BatchSOM, AMSOM])
def test_bad_common_parameters(cls, params, message):
    with pytest.raises(ValueError, match=message):
        cls(**params).fit(np.random.default_rng(0).random((20, 2)))


@pytest.mark.parametrize("params, message", [
    ({"spread_factor": 0.0}, "spread_factor"),
    ({"spread_factor": 1.0}, "spread_factor"),
    ({"gamma": 0.0}, "gamma"),
    ({"alpha": -0.1}, "alpha"),
    ({"alpha_schedule": "cosine"}, "alpha_schedule"),
    ({"alpha_phase3": -1.0}, "alpha_phase3"),
    ({"age_max": -1}, "age_max"),
    ({"age_max": 2.5}, "age_max"),
    ({"t_add": 0}, "t_add"),
    ({"max_neighbors": 0}, "max_neighbors"),
    ({"eps2": -1.0}, "eps2"),
    ({"phase3_max_epochs": -1}, "phase3_max_epochs"),
    ({"age_mode": "step"}, "age_mode"),
    ({"split_rule": "random"}, "split_rule"),
    ({"growth_threshold": -1.0}, "growth_threshold"),
])
def test_bad_amsom_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        AMSOM(**params).fit(np.random.default_rng(0).random((20, 2)))


def test_one_feature_warns_about_the_growth_threshold():
    X = np.random.default_rng(0).random((30, 1))
    with pytest.warns(UserWarning, match="growth threshold"):
        model = AMSOM(random_state=0, **FAST).fit(X)
    assert model.growth_threshold_ == 0.0 and model.grid_shape_ == (1, 28)
    assert any(s.split is not None for s in model.history_)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AMSOM(growth_threshold=1.0, random_state=0, **FAST).fit(X)


def test_tiny_data_never_goes_below_two_neurons():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])      # m = ceil(5 sqrt 3) = 9 -> 5 x 2
    model = AMSOM(random_state=0, **{**FAST, "age_max": 0}).fit(X)
    assert all(s.n_neurons >= 2 and not math.isnan(s.te) for s in model.history_)
    assert model.grid_shape_ == (5, 2) and model.history_[0].n_neurons == 10
    assert model.weights_.shape[0] < 10                       # dead units were removed


def test_identical_points():
    X = np.ones((10, 3))
    model = AMSOM(random_state=0, **FAST).fit(X)
    assert model.quantization_error_ == 0.0
    assert all(s.split is None for s in model.history_)      # errors are 0 <= GT
    som = BatchSOM(random_state=0, max_epochs=5).fit(X)
    assert som.quantization_error_ == 0.0


def test_growth_without_neighbours_uses_the_nearest_weight():
    X = np.array([[0.0, 0.0], [0.2, 0.0], [5.0, 5.0], [9.0, 9.0]])
    state = amsom._Map(np.array([[0.0, 0.0], [9.0, 9.0], [4.0, 4.0]]),
                       lattice_positions(1, 3), np.zeros((3, 3), dtype=bool))
    # Errors: neuron 0 wins (0, 0) and (0.2, 0): 0.2; neuron 1 wins (9, 9): 0;
    # neuron 2 wins (5, 5): sqrt(2). So q = 2, and with no edge f is the
    # nearest weight to (4, 4): (0, 0) at sqrt(32), not (9, 9) at sqrt(50).
    split = AMSOM(split_rule="midpoint")._grow(X, state, 0.1, np.random.default_rng(0))
    parent, partner, u1, u2, _ = split
    assert (parent, partner, u1, u2) == (2, 0, 3, 4)
    np.testing.assert_array_equal(state.ids, [0, 1, 3, 4])
    np.testing.assert_allclose(state.weights[2:], [[4.0, 4.0], [2.0, 2.0]])
    assert state.adjacency[2, 3] and state.adjacency.sum() == 2


def test_growth_needs_an_error_above_the_threshold():
    X = np.array([[0.0, 0.0], [0.2, 0.0]])
    state = amsom._Map(np.array([[0.0, 0.0], [1.0, 1.0]]), lattice_positions(1, 2),
                       adjacency_matrix([[0, 1]], 2))
    assert AMSOM()._grow(X, state, 0.2, np.random.default_rng(0)) is None   # error 0.2 is not > 0.2
    assert len(state.ids) == 2


# --------------------------------------------------------------------------
# scikit-learn compatibility
# --------------------------------------------------------------------------

def _expected_failures(estimator):
    return {
        "check_clustering": "labels_ are the best-matching units of a map of about 5 sqrt(N) "
                            "neurons (the map-size rule), not 3 clusters, so their ARI against 3 blobs is low.",
    }


@parametrize_with_checks(
    [BatchSOM(max_epochs=20, decay_epochs=10),
     AMSOM(max_epochs=20, decay_epochs=10, t_add=5, age_max=5, phase3_max_epochs=5)],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# --------------------------------------------------------------------------
# The view
# --------------------------------------------------------------------------

def test_view_draws_every_frame(iris_model, iris):
    X, y = iris
    player = tc.scrub(iris_model, X, y)
    view = player.stage.views[0]
    for frame in range(player.stage.n_frames):
        player.stage.draw(frame)
        snapshot = iris_model.history_[frame]
        assert len(view.map_nodes.get_offsets()) == snapshot.n_neurons
        assert np.isnan(view.map_edges.get_xdata()).sum() == len(snapshot.edges)  # one break each
        added = len(view.map_added.get_offsets())
        assert added == len(snapshot.added_ids)
    split_frame = next(n for n, s in enumerate(iris_model.history_) if s.split is not None)
    player.show(split_frame)
    assert player.picture.value[:4] == b"\x89PNG"
    assert len(view.map_removed.get_offsets()) == 1          # the parent, at its old position


def test_view_side_by_side_without_classes(iris):
    X, _ = iris
    models = [BatchSOM(random_state=0, max_epochs=5).fit(X),
              AMSOM(random_state=0, **FAST).fit(X)]
    player = tc.scrub(models, X)
    player.show(player.stage.n_frames - 1)
    assert player.picture.value[:4] == b"\x89PNG"


def test_view_helpers():
    labels = np.array([0, 0, 0, 2, 2])
    classes = np.array([1, 1, 0, 0, 0])
    np.testing.assert_array_equal(majority_class(labels, classes, 3), [1, -1, 0])
    W = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    np.testing.assert_allclose(mean_edge_length(W, np.array([[0, 1], [0, 2]])), [3.0, 5.0, 1.0])
    with pytest.raises(ValueError, match="one label per row"):
        tc.scrub(AMSOM(random_state=0, **FAST).fit(np.random.default_rng(0).random((20, 2))),
                 np.random.default_rng(0).random((20, 2)), [0, 1])


# The numeric core (issues 10 and 11)

@pytest.mark.parametrize("n_features", [1, 2, 3])
def test_the_tree_search_finds_the_same_two_units_as_the_dense_one(n_features):
    from tutorcluster.distances import two_nearest, two_nearest_tree
    rng = np.random.default_rng(n_features)
    X = rng.standard_normal((3000, n_features)) + 1e6   # far from the origin, too
    W = rng.standard_normal((200, n_features)) + 1e6
    tree, dense = two_nearest_tree(X, W), two_nearest(X, W)
    np.testing.assert_array_equal(tree[0], dense[0])
    np.testing.assert_array_equal(tree[1], dense[1])
    np.testing.assert_allclose(tree[2], dense[2], rtol=1e-6, atol=1e-9)


def test_the_query_order_and_the_threads_change_nothing(monkeypatch):
    from tutorcluster import distances
    rng = np.random.default_rng(0)
    X = rng.standard_normal((5000, 2))
    W = rng.standard_normal((300, 2))
    order = distances.tree_query_order(X)
    assert np.array_equal(np.sort(order), np.arange(len(X)))
    plain = distances.two_nearest_tree(X, W)
    for workers in (1, 2):
        monkeypatch.setattr(distances, "TREE_WORKERS", workers)
        for got, want in zip(distances.two_nearest_tree(X, W, order=order), plain):
            np.testing.assert_array_equal(got, want)
    assert distances.tree_query_order(rng.standard_normal((10, 4))) is None
    best, smallest = distances.nearest_fast(X, W, order=order)
    fastest = distances.two_nearest_fast(X, W, order=order)
    np.testing.assert_array_equal(best, fastest[0])
    np.testing.assert_array_equal(smallest, fastest[2])
    np.testing.assert_array_equal(best, plain[0])


def grid_cases():
    """(X, W) pairs that test every branch of the compiled grid search."""
    rng = np.random.default_rng(0)
    far = rng.standard_normal((4000, 2)) * 3
    yield "random 2-D, far from the origin", rng.standard_normal((4000, 2)) + 1e6, \
        rng.standard_normal((300, 2)) + 1e6
    yield "random 3-D", rng.standard_normal((4000, 3)), rng.standard_normal((300, 3))
    # A map shrunk to a small patch: every point is far, most rows go to the KD-tree.
    yield "collapsed map", far, 1e-3 * rng.standard_normal((300, 2))
    W = lattice_positions(12, 12)            # many exact ties (handed to the dense search)
    yield "lattice ties", np.vstack([W + 0.5, W, rng.uniform(-1, 12, (500, 2))]), W
    yield "centres on a line", far, np.column_stack([np.linspace(-3, 3, 100), np.zeros(100)])
    yield "duplicate centres", far, np.repeat(rng.standard_normal((50, 2)), 3, axis=0)


@pytest.mark.parametrize("rings", [0, 3, 1000])
def test_the_compiled_grid_search_finds_the_same_units_as_the_tree(rings, monkeypatch):
    pytest.importorskip("numba")
    from tutorcluster import distances
    monkeypatch.setattr(distances, "GRID_RINGS", rings)   # the answer must not depend on it
    for name, (X, W) in ((case[0], case[1:]) for case in grid_cases()):
        order = distances.tree_query_order(X)
        tree = distances.two_nearest_tree(X, W)
        for got in (distances.two_nearest_grid(X, W), distances.two_nearest_grid(X, W, order=order)):
            np.testing.assert_array_equal(got[0], tree[0], err_msg=name)
            np.testing.assert_array_equal(got[1], tree[1], err_msg=name)
            np.testing.assert_allclose(got[2], tree[2], rtol=1e-12, atol=1e-12, err_msg=name)
        dense = distances.two_nearest(X, W)
        if name != "random 2-D, far from the origin":    # the dense expansion rounds otherwise
            np.testing.assert_array_equal(got[0], dense[0], err_msg=name)


def test_the_compiled_search_is_used_with_numba_and_changes_no_fit(monkeypatch):
    numba = pytest.importorskip("numba")
    from tutorcluster import distances
    X, _ = make_cluster_data()
    monkeypatch.setattr(distances, "GRID_MIN_SAMPLES", 0)   # the grid even for small data
    calls = []
    grid = distances.two_nearest_grid
    monkeypatch.setattr(distances, "two_nearest_grid",
                        lambda *args, **kwargs: calls.append(1) or grid(*args, **kwargs))
    compiled = AMSOM(random_state=0, **FAST).fit(X)
    assert calls, "the SOMs did not use the compiled search"
    monkeypatch.setattr(distances, "COMPILED_SEARCH", False)
    calls.clear()
    tree = AMSOM(random_state=0, **FAST).fit(X)
    assert not calls
    np.testing.assert_array_equal(compiled.labels_, tree.labels_)
    np.testing.assert_array_equal(compiled.edges_, tree.edges_)
    np.testing.assert_array_equal(compiled.ages_, tree.ages_)
    np.testing.assert_allclose(compiled.weights_, tree.weights_, rtol=1e-12, atol=1e-12)
    assert compiled.n_epochs_ == tree.n_epochs_


def test_the_tree_search_breaks_ties_like_the_dense_one():
    from tutorcluster.distances import two_nearest, two_nearest_tree
    W = lattice_positions(10, 10)            # 100 units on the integer grid
    X = np.array([[0.5, 0.5], [2.5, 3.0], [4.0, 4.5], [7.0, 7.0], [0.5, 0.0]])
    for got, want in zip(two_nearest_tree(X, W), two_nearest(X, W)):
        np.testing.assert_array_equal(got, want)
    # Asked in another order, the ties (some handed to the dense search) land on their rows.
    for got, want in zip(two_nearest_tree(X, W, order=np.array([3, 0, 4, 1, 2])),
                         two_nearest(X, W)):
        np.testing.assert_array_equal(got, want)


def test_the_fast_path_and_the_readable_path_give_the_same_map(monkeypatch):
    from tutorcluster import distances
    X, _ = make_cluster_data()
    fast = AMSOM(random_state=0, **FAST).fit(X)
    monkeypatch.setattr(distances, "TREE_MAX_FEATURES", 0)     # always the dense search
    dense = AMSOM(random_state=0, **FAST).fit(X)
    np.testing.assert_array_equal(fast.labels_, dense.labels_)
    np.testing.assert_allclose(fast.weights_, dense.weights_, rtol=1e-9, atol=1e-9)
    assert fast.n_epochs_ == dense.n_epochs_


@pytest.mark.parametrize("factor", [1e150, 1e-150])
@pytest.mark.parametrize("cls", [BatchSOM, AMSOM])
def test_extreme_scales_get_the_clear_message_not_a_nan_error(cls, factor, iris):
    X, _ = iris
    with pytest.raises(ValueError, match="Standardise X first"):
        cls(random_state=0).fit(X * factor)
    if factor > 1:
        with pytest.raises(ValueError, match="Standardise X first"):
            vesanto_shape(X * factor)


def test_split_about_the_data_mean_moves_with_the_data():
    w_q, w_f = np.array([1.0, 2.0]), np.array([3.0, 1.0])
    r_q, r_f = np.zeros(2), np.array([1.0, 0.0])
    (a1, a2), _ = split_children(w_q, r_q, w_f, r_f, 0.3, origin=np.zeros(2))
    shift = np.array([1e6, -5e5])
    (b1, b2), _ = split_children(w_q + shift, r_q, w_f + shift, r_f, 0.3, origin=shift)
    np.testing.assert_allclose(b1 - shift, a1)
    np.testing.assert_allclose(b2 - shift, a2)
    np.testing.assert_allclose(a1 + a2, w_q)          # function preserving about the origin


def test_fits_are_committed_whole_and_frames_are_lazy(iris):
    X, _ = iris
    model = AMSOM(random_state=0, **FAST)
    frames = model.iter_fit(X)
    next(frames), next(frames)
    frames.close()
    assert not hasattr(model, "weights_") and not hasattr(model, "growth_threshold_")
    full = AMSOM(random_state=0, **FAST).fit(X)
    last = AMSOM(random_state=0, record_every=0, **FAST).fit(X)
    assert len(last.history_) == 1
    np.testing.assert_array_equal(last.history_[0].centers, full.history_[-1].centers)
    np.testing.assert_array_equal(last.weights_, full.weights_)


def test_predict_transform_score_come_from_the_nearest_centre(iris):
    X, _ = iris
    model = BatchSOM(random_state=0, max_epochs=30, decay_epochs=10).fit(X)
    np.testing.assert_array_equal(model.predict(X), model.labels_)
    distances = model.transform(X)
    np.testing.assert_allclose(distances.min(axis=1).mean(), model.quantization_error_)


def test_view_has_a_class_legend_and_a_progress_marker(iris_model, iris):
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from tutorcluster.views.amsom import SOMView
    X, y = iris
    figure = Figure(figsize=SOMView.figsize, layout="constrained")
    view = SOMView(figure, X, iris_model.history_, y=y)
    frame = len(iris_model.history_) // 2
    view.draw(iris_model.history_[frame], frame)
    assert list(view.progress_marker.get_xdata()) == [iris_model.history_[frame].iteration] * 2
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert [f"class {k}" for k in range(3)] == labels[:3]


# The fast kernel sums (the speed issue): the same numbers as the dense kernels, to rounding.

def test_gaussian_kernel_product_is_the_dense_kernel_times_v(monkeypatch):
    from tutorcluster import distances
    rng = np.random.default_rng(0)
    A = rng.standard_normal((50, 2)) * 3 + 1e3       # off the origin, too
    V = rng.random((50, 3))
    dense = np.exp(distances.squared_distances(A, A) / -4.5) @ V
    # Tiles of 7 rows (the last one shorter) and one tile: the same numbers to rounding
    # (each tile's products are summed on their own, so the last bits may differ).
    monkeypatch.setattr(distances, "KERNEL_TILE_BYTES", 8 * 50 * 7)
    np.testing.assert_allclose(distances.gaussian_kernel_product(A, 4.5, V), dense, rtol=1e-12)
    monkeypatch.setattr(distances, "KERNEL_TILE_BYTES", 2**20)
    np.testing.assert_allclose(distances.gaussian_kernel_product(A, 4.5, V), dense, rtol=1e-12)


def random_map(n_units=40, n_samples=500, seed=0):
    """Weights, positions, BMUs and an edge list with at most 4 edges per unit, one unit without any."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, 3))
    W = rng.standard_normal((n_units, 3))
    R = rng.random((n_units, 2)) * 6
    pairs = {(min(i, j), max(i, j)) for i, j in rng.integers(0, n_units - 1, (2 * n_units, 2)) if i != j}
    adjacency = adjacency_matrix(sorted(pairs), n_units)
    adjacency &= np.cumsum(adjacency, axis=1) <= 2      # thin it out (the mask stays symmetric below)
    adjacency &= adjacency.T
    best = best_two_units(X, W)[0]
    best[best == 3] = 4                                  # unit 3 wins nothing (n_3 = 0)
    return X, W, R, best, adjacency


def test_phase3_sums_over_the_edges_are_the_dense_masked_sums():
    from tutorcluster.amsom import true_entries
    X, W, R, best, adjacency = random_map()
    assert not adjacency[-1].any()                       # the last unit has no edge
    edges, _ = edge_list(adjacency)
    mask = adjacency | np.eye(len(W), dtype=bool)
    # Equal to rounding (bincount over the edges vs a matrix product over the mask).
    dense, hits = batch_weights(X, best, W, R, 1.0, mask=mask)
    sparse, hits_sparse = batch_weights(X, best, W, R, 1.0, edges=edges)
    np.testing.assert_array_equal(hits, hits_sparse)
    np.testing.assert_allclose(sparse, dense, rtol=1e-12, atol=1e-14)
    dense = move_positions(R, W, hits, 1.0, 5.0, 0.5, mask=mask)
    sparse = move_positions(R, W, hits, 1.0, 5.0, 0.5, edges=edges)
    np.testing.assert_allclose(sparse, dense, rtol=1e-12, atol=1e-14)
    # true_entries is np.nonzero.
    for got, want in zip(true_entries(adjacency), np.nonzero(adjacency)):
        np.testing.assert_array_equal(got, want)


def test_a_swapped_in_position_kernel_is_used_by_every_form(monkeypatch):
    # The notebook's exercise replaces position_kernel: the fast forms must step aside.
    X, W, R, best, adjacency = random_map()
    edges, _ = edge_list(adjacency)
    hits = np.bincount(best, minlength=len(W))
    monkeypatch.setattr(amsom, "position_kernel", lambda weights, sigma, gamma: np.eye(len(weights)))
    # delta = identity: no neuron pulls another, so nothing moves, exactly.
    assert np.array_equal(move_positions(R, W, hits, 1.0, 5.0, 0.5), R)
    assert np.array_equal(move_positions(R, W, hits, 1.0, 5.0, 0.5, edges=edges), R)


def fit_both_ways(monkeypatch, cls, X, **params):
    """One fit with the fast kernel sums (tiles of 16 rows), one with the readable dense ones."""
    from tutorcluster import distances
    monkeypatch.setattr(distances, "KERNEL_TILE_BYTES", 8 * 200 * 16)
    fast = cls(**params).fit(X)
    monkeypatch.setattr(amsom, "FAST_KERNELS", False)
    dense = cls(**params).fit(X)
    monkeypatch.setattr(amsom, "FAST_KERNELS", True)
    return fast, dense


@pytest.mark.parametrize("cls, data, params", [
    (AMSOM, "iris", dict(random_state=0)),
    (AMSOM, "wine", dict(random_state=1)),
    (AMSOM, "cluster", dict(random_state=0, **FAST)),
    (AMSOM, "cluster", dict(random_state=1, lattice="hex", **FAST)),
    (BatchSOM, "iris", dict(random_state=0))])
def test_the_fast_kernel_sums_give_the_same_maps(monkeypatch, cls, data, params):
    # "The same": every snapshot has the same neurons, edges, ages, BMUs and hits, and
    # the fit the same epochs and stop reasons, exactly; weights, positions, QE and TE
    # agree to 1e-10 (they differ in the last bits: the tiles and the edge sums add
    # the same terms in another order). A map with two neurons whose weights agree
    # to the last bit can see a sample's BMU swap between them (iris, hex lattice,
    # age_mode="sample", seed 0 does, in Phase III): such a tie has no stable answer.
    X = make_cluster_data()[0] if data == "cluster" else load(data, standardize=True)[0]
    fast, dense = fit_both_ways(monkeypatch, cls, X, **params)
    assert fast.n_epochs_ == dense.n_epochs_ and fast.stop_reason_ == dense.stop_reason_
    assert len(fast.history_) == len(dense.history_)
    for a, b in zip(fast.history_, dense.history_):
        for name in ("ids", "edges", "ages", "labels", "hits"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
        np.testing.assert_allclose(a.weights, b.weights, rtol=0, atol=1e-10)
        np.testing.assert_allclose(a.positions, b.positions, rtol=0, atol=1e-10)
        assert a.qe == pytest.approx(b.qe, abs=1e-10) and a.te == pytest.approx(b.te, abs=1e-10)
