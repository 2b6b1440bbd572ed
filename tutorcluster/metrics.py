"""Scores the notebooks use to compare clusterings.

* external (against known classes): :func:`clustering_accuracy` (one-to-one
  Hungarian matching), :func:`purity` and :func:`dehuri_index`;
* internal (geometry only): :func:`dunn_index` (Dunn's original and the
  Bezdek-Pal v33 variant); the Davies-Bouldin index is scikit-learn's
  ``sklearn.metrics.davies_bouldin_score``;
* self-organising maps: :func:`quantization_error` and
  :func:`topographic_error` (graph-based, so they serve the lattice SOM and
  AMSOM alike).
"""

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from .distances import nearest, two_nearest


def contingency(y_true, y_pred):
    """The cluster-by-class count matrix.

    Returns
    -------
    table : ndarray of shape (n_clusters, n_classes)
        ``table[c, k]`` counts the points of class ``k`` in cluster ``c``
        (clusters and classes in sorted order of their labels).
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(
            f"y_true and y_pred must be 1-D and of equal length, got shapes "
            f"{y_true.shape} and {y_pred.shape}."
        )
    if y_true.size == 0:
        raise ValueError("y_true and y_pred are empty.")
    _, classes = np.unique(y_true, return_inverse=True)
    _, clusters = np.unique(y_pred, return_inverse=True)
    table = np.zeros((clusters.max() + 1, classes.max() + 1), dtype=np.int64)
    np.add.at(table, (clusters, classes), 1)
    return table


def clustering_accuracy(y_true, y_pred):
    """Accuracy after matching clusters to classes one-to-one.

    The Hungarian algorithm (``scipy.optimize.linear_sum_assignment``) pairs
    each cluster with at most one class so that as many points as possible
    agree. Points in clusters left without a class count as errors, so too
    many clusters lower the score (unlike :func:`purity`).

    Returns
    -------
    accuracy : float in [0, 1]
    """
    table = contingency(y_true, y_pred)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return table[rows, cols].sum() / table.sum()


def purity(y_true, y_pred):
    """Fraction of points that belong to their cluster's majority class.

    Purity reaches 1 when every point is its own cluster, so read it
    together with the number of clusters.
    """
    table = contingency(y_true, y_pred)
    return table.max(axis=1).sum() / table.sum()


def dehuri_index(y_true, y_pred):
    """The "Dehuri index" of the WMSC paper: purity as a percentage.

    Each cluster is given its majority class and the index is the
    percentage of points correctly classified that way (notebook
    ``05-wmsc.ipynb``, appendix A, says why this reading).
    """
    return 100.0 * purity(y_true, y_pred)


def _check_labelled_data(X, labels):
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels)
    if X.ndim != 2 or labels.shape != (X.shape[0],):
        raise ValueError(
            f"X must be 2-D and labels 1-D with one label per row, got shapes "
            f"{X.shape} and {labels.shape}."
        )
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values.")
    return X, labels


def dunn_index(X, labels, variant="original"):
    """Dunn's index: the smallest gap between clusters over the largest cluster.

    Larger is better. Two variants:

    * ``"original"`` (Dunn, 1973): the gap between two clusters is the
      smallest distance between their points (single linkage) and a
      cluster's size is its diameter (largest distance between its points);
    * ``"v33"`` (Bezdek & Pal, 1998): the gap is the *average* distance
      between the points of the two clusters and the size is twice the mean
      distance of a cluster's points to its centroid.

    Returns NaN with fewer than two clusters and ``inf`` when every cluster
    has size 0 (all its points coincide).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    labels : array-like of shape (n_samples,)
    variant : {"original", "v33"}, default="original"

    References
    ----------
    J. C. Dunn, "A fuzzy relative of the ISODATA process ...", J. Cybernetics 3(3), 1973.
    J. C. Bezdek and N. R. Pal, "Some new indexes of cluster validity",
    IEEE Trans. SMC-B 28(3), 1998.
    """
    X, labels = _check_labelled_data(X, labels)
    if variant not in ("original", "v33"):
        raise ValueError(f"variant must be 'original' or 'v33', got {variant!r}.")
    clusters = [X[labels == c] for c in np.unique(labels)]
    if len(clusters) < 2:
        return float("nan")
    if variant == "original":
        sizes = [cdist(c, c).max() for c in clusters]
    else:
        sizes = [2 * np.linalg.norm(c - c.mean(axis=0), axis=1).mean() for c in clusters]
    gaps = []
    for i in range(len(clusters)):
        for j in range(i + 1, len(clusters)):
            between = cdist(clusters[i], clusters[j])
            gaps.append(between.min() if variant == "original" else between.mean())
    largest = max(sizes)
    if largest == 0:
        return float("inf")
    return float(min(gaps) / largest)


def _best_two_units(X, weights):
    """Index of the best and second-best unit of every sample (lowest index on ties)."""
    best, second, _ = two_nearest(X, weights)
    return best, second


def quantization_error(X, weights):
    """Mean Euclidean distance from each sample to its best-matching unit.

    ``QE = (1/N) sum_k ||x_k - w_c(x_k)||`` (not squared), as in the SOM
    Toolbox and MiniSom.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_units, n_features)
    """
    X = np.asarray(X, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if X.ndim != 2 or weights.ndim != 2 or X.shape[1] != weights.shape[1]:
        raise ValueError(
            f"X and weights must be 2-D with the same number of features, got "
            f"shapes {X.shape} and {weights.shape}."
        )
    if len(X) == 0 or len(weights) == 0:
        raise ValueError("X and weights must not be empty.")
    return float(np.sqrt(nearest(X, weights)[1]).mean())


def topographic_error(X, weights, edges):
    """Fraction of samples whose two best units are not joined by an edge.

    The edges are those of the map's graph: the lattice neighbours of a
    classic SOM, or AMSOM's learned edges. NaN with fewer than two units.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    weights : array-like of shape (n_units, n_features)
    edges : array-like of shape (n_edges, 2)
        Pairs of unit indices (either order).
    """
    X = np.asarray(X, dtype=float)
    weights = np.asarray(weights, dtype=float)
    if len(weights) < 2:
        return float("nan")
    quantization_error(X, weights)  # the same shape checks
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    adjacent = np.zeros((len(weights), len(weights)), dtype=bool)
    adjacent[edges[:, 0], edges[:, 1]] = True
    adjacent[edges[:, 1], edges[:, 0]] = True
    best, second = _best_two_units(X, weights)
    return float(np.mean(~adjacent[best, second]))
