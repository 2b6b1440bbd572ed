"""Tests of tutorcluster.metrics against hand-worked examples and brute force."""

import itertools

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from tutorcluster import metrics


def test_accuracy_matches_clusters_to_classes_one_to_one():
    y = [0, 0, 0, 1, 1, 1]
    assert metrics.clustering_accuracy(y, [5, 5, 5, 2, 2, 2]) == 1.0
    assert metrics.clustering_accuracy(y, [1, 1, 0, 0, 0, 0]) == pytest.approx(5 / 6)
    # A third cluster has no class left: its points count as errors.
    assert metrics.clustering_accuracy(y, [0, 0, 2, 1, 1, 1]) == pytest.approx(5 / 6)


def test_accuracy_equals_brute_force_over_all_matchings():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 3, 60), rng.integers(0, 4, 60)
    best = max(
        accuracy_score(y_true, np.array([dict(zip(perm, range(4))).get(p, -1) for p in y_pred]))
        for perm in itertools.permutations(range(4))
    )
    assert metrics.clustering_accuracy(y_true, y_pred) == pytest.approx(best)


def test_purity_and_dehuri_index():
    y = [0, 0, 0, 1, 1, 1]
    pred = [0, 0, 1, 1, 1, 1]
    assert metrics.purity(y, pred) == pytest.approx(5 / 6)
    assert metrics.dehuri_index(y, pred) == pytest.approx(500 / 6)
    assert metrics.purity(y, np.arange(6)) == 1.0


def test_contingency_refuses_mismatched_or_empty_labels():
    with pytest.raises(ValueError, match="equal length"):
        metrics.contingency([0, 1], [0])
    with pytest.raises(ValueError, match="empty"):
        metrics.contingency([], [])


def _brute_dunn(X, labels, variant):
    groups = [X[labels == c] for c in np.unique(labels)]
    dist = lambda a, b: np.sqrt(((a - b) ** 2).sum())
    if variant == "original":
        sizes = [max(dist(a, b) for a in g for b in g) for g in groups]
        gaps = [min(dist(a, b) for a in g for b in h) for g, h in itertools.combinations(groups, 2)]
    else:
        sizes = [2 * np.mean([dist(a, g.mean(0)) for a in g]) for g in groups]
        gaps = [np.mean([dist(a, b) for a in g for b in h]) for g, h in itertools.combinations(groups, 2)]
    return min(gaps) / max(sizes)


@pytest.mark.parametrize("variant", ["original", "v33"])
def test_dunn_index_equals_its_definition(variant):
    rng = np.random.default_rng(1)
    X = rng.random((30, 3))
    labels = rng.integers(0, 3, 30)
    assert metrics.dunn_index(X, labels, variant) == pytest.approx(_brute_dunn(X, labels, variant))


def test_dunn_index_worked_example():
    # Two pairs of points: diameters 1 and 2, closest points of the pairs 3 apart.
    X = np.array([[0.0, 0.0], [1.0, 0.0], [4.0, 0.0], [6.0, 0.0]])
    assert metrics.dunn_index(X, [0, 0, 1, 1]) == pytest.approx(3 / 2)


def test_dunn_index_degenerate_cases():
    X = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    assert np.isnan(metrics.dunn_index(X, [0, 0, 0]))
    assert metrics.dunn_index(X, [0, 0, 1]) == float("inf")
    with pytest.raises(ValueError, match="variant"):
        metrics.dunn_index(X, [0, 0, 1], variant="v99")
    with pytest.raises(ValueError, match="NaN"):
        metrics.dunn_index(np.array([[np.nan, 0.0], [0.0, 0.0]]), [0, 1])
    with pytest.raises(ValueError, match="one label per row"):
        metrics.dunn_index(X, [0, 1])


def test_quantization_error_is_the_mean_distance_to_the_best_unit():
    X = np.array([[0.0, 0.0], [3.0, 4.0]])
    W = np.array([[0.0, 0.0], [3.0, 0.0]])
    assert metrics.quantization_error(X, W) == pytest.approx((0 + 4) / 2)
    with pytest.raises(ValueError, match="same number of features"):
        metrics.quantization_error(X, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="empty"):
        metrics.quantization_error(np.empty((0, 2)), W)


def test_topographic_error_counts_best_pairs_without_an_edge():
    # Three units on a line 0 - 1 - 2 (edges 0-1 and 1-2).
    W = np.array([[0.0], [1.0], [2.0]])
    edges = np.array([[0, 1], [2, 1]])
    X = np.array([[0.2], [1.4], [1.0]])  # best pairs (0,1), (1,2), (1,0 or 2): all linked
    assert metrics.topographic_error(X, W, edges) == 0.0
    # Without the 1-2 edge the sample at 1.4 (best 1, second 2) is an error.
    assert metrics.topographic_error(X, W, [[0, 1]]) == pytest.approx(1 / 3)
    assert np.isnan(metrics.topographic_error(X, W[:1], np.empty((0, 2))))
