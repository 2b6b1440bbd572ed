"""Distances, written once for every estimator.

Every algorithm in this package asks the same few questions: how far is each
point from each centre, which centre is nearest, which two are nearest. This
module answers them once, in a way that is safe for any data:

* **Centred.** ``|x - c|^2`` is computed as ``|x|^2 - 2 x.c + |c|^2``, one
  matrix product instead of a loop. That expansion loses the digits that
  matter when the data sit far from the origin (points near 1e6 with a spread
  of 1 keep only about 4 of their 16 digits in the difference of two 1e12
  terms). Subtracting a reference point first (``origin``, by default the
  mean of the centres) removes the offset, so translating the data and the
  centres together changes no answer.
* **Blocked by a memory budget in bytes.** ``nearest`` works through the
  rows of ``X`` in blocks whose ``(rows, n_centres)`` distance matrix takes
  at most :data:`BLOCK_BYTES`, so 1,000,000 points and 1,000 centres need
  64 MB, not 8 GB.
* **Exact where it matters.** :func:`squared_distances_exact` squares the
  differences term by term (no expansion), for the algorithms whose result
  depends on the order of two nearly equal distances (CentNN's per-sample
  rule, FN-means' tie rule).

A student reading an algorithm module sees ``nearest(X, centres)`` where
the paper says "the nearest centre"; the numerical care lives here.
"""

import numpy as np
from sklearn.base import TransformerMixin

from ._validation import check_fitted_X

#: Largest temporary distance matrix a blocked computation builds, in bytes.
BLOCK_BYTES = 64 * 2**20


def row_blocks(n_rows, bytes_per_row, budget=None):
    """Slices that cut ``n_rows`` rows into blocks of at most ``budget`` bytes.

    Parameters
    ----------
    n_rows : int
        How many rows to cover.
    bytes_per_row : int
        What one row of the temporary costs (8 bytes times the number of
        centres for a float64 distance matrix).
    budget : int, default=None
        Bytes per block; ``None`` means :data:`BLOCK_BYTES`.

    Yields
    ------
    rows : slice
        ``slice(start, stop)``, in order, covering ``range(n_rows)``.
    """
    budget = BLOCK_BYTES if budget is None else budget
    step = max(1, int(budget // max(1, bytes_per_row)))
    for start in range(0, n_rows, step):
        yield slice(start, min(start + step, n_rows))


def _reference(Y, origin):
    if origin is not None:
        return np.asarray(origin, dtype=float)
    return Y.mean(axis=0) if len(Y) else np.zeros(Y.shape[1])


def squared_distances(X, Y, *, origin=None):
    """Squared Euclidean distance from every row of ``X`` to every row of ``Y``.

    Both are first moved by the same reference point ``origin`` (distances do
    not change under a translation, but the rounding of the expansion
    ``|x|^2 - 2 x.y + |y|^2`` does), then the expansion is built in one
    ``(n_X, n_Y)`` buffer. Rounding can still make a tiny distance negative,
    so the result is clipped at 0.

    Parameters
    ----------
    X : ndarray of shape (n_X, n_features)
    Y : ndarray of shape (n_Y, n_features)
    origin : ndarray of shape (n_features,), default=None
        The reference point; by default the mean of ``Y`` (the centres are
        few, so this costs nothing and sits inside the data).

    Returns
    -------
    ndarray of shape (n_X, n_Y)
    """
    reference = _reference(Y, origin)
    X = X - reference
    Y = Y - reference
    distances = X @ Y.T
    distances *= -2.0
    distances += np.einsum("ij,ij->i", X, X)[:, None]
    distances += np.einsum("ij,ij->i", Y, Y)[None, :]
    return np.maximum(distances, 0.0, out=distances)


def squared_distances_exact(X, Y):
    """Squared distances computed term by term: ``sum((x - y)**2)``.

    Never expanded, so two distances compare exactly as the differences
    say; costs an ``(n_X, n_Y, n_features)`` temporary, so callers pass
    small blocks. Used where the algorithm's result depends on which of two
    nearly equal distances is smaller.

    Parameters
    ----------
    X : ndarray of shape (n_X, n_features)
    Y : ndarray of shape (n_Y, n_features)

    Returns
    -------
    ndarray of shape (n_X, n_Y)
    """
    return ((X[:, None, :] - Y[None, :, :]) ** 2).sum(axis=-1)


def nearest(X, Y, *, origin=None, budget=None):
    """The nearest row of ``Y`` for every row of ``X``, and its squared distance.

    The rows of ``X`` are processed in blocks (see :func:`row_blocks`), so
    memory stays bounded whatever the number of points. Among equally near
    rows of ``Y`` the first wins, as with ``argmin``.

    Parameters
    ----------
    X : ndarray of shape (n_X, n_features)
    Y : ndarray of shape (n_Y, n_features), n_Y >= 1
    origin : ndarray of shape (n_features,), default=None
        Reference point for :func:`squared_distances` (the mean of ``Y``).
    budget : int, default=None
        Bytes per block (:data:`BLOCK_BYTES`).

    Returns
    -------
    index : ndarray of int, shape (n_X,)
    squared_distance : ndarray of float, shape (n_X,)
    """
    reference = _reference(Y, origin)
    index = np.empty(len(X), dtype=np.intp)
    smallest = np.empty(len(X))
    for rows in row_blocks(len(X), 8 * len(Y), budget):
        distances = squared_distances(X[rows], Y, origin=reference)
        index[rows] = distances.argmin(axis=1)
        smallest[rows] = np.take_along_axis(distances, index[rows, None], axis=1)[:, 0]
    return index, smallest


def two_nearest(X, Y, *, origin=None, budget=None):
    """The nearest and the second-nearest row of ``Y`` for every row of ``X``.

    Self-organising maps need both: the best-matching unit, and the runner-up
    that an edge to it is drawn towards.

    Parameters
    ----------
    X : ndarray of shape (n_X, n_features)
    Y : ndarray of shape (n_Y, n_features), n_Y >= 2
    origin, budget : as for :func:`nearest`

    Returns
    -------
    best : ndarray of int, shape (n_X,)
    second : ndarray of int, shape (n_X,)
    best_squared_distance : ndarray of float, shape (n_X,)
    """
    reference = _reference(Y, origin)
    best = np.empty(len(X), dtype=np.intp)
    second = np.empty(len(X), dtype=np.intp)
    smallest = np.empty(len(X))
    for rows in row_blocks(len(X), 8 * len(Y), budget):
        distances = squared_distances(X[rows], Y, origin=reference)
        best[rows] = distances.argmin(axis=1)
        smallest[rows] = np.take_along_axis(distances, best[rows, None], axis=1)[:, 0]
        np.put_along_axis(distances, best[rows, None], np.inf, axis=1)
        second[rows] = distances.argmin(axis=1)
    return best, second, smallest


class NearestCentreMixin(TransformerMixin):
    """``predict``, ``transform`` and ``score`` for a model that is a set of centres.

    An estimator whose fitted model is a set of centres (k-means, CentNN,
    a SOM's neurons, ...) answers "which cluster is this point in?" the same
    way: by its nearest centre. Subclasses name the attribute that holds the
    centres in ``_centres_attribute`` (``"cluster_centers_"`` unless told).
    """

    _centres_attribute = "cluster_centers_"

    def _centres(self, X):
        X = check_fitted_X(self, X, self._centres_attribute)
        return X, getattr(self, self._centres_attribute)

    def predict(self, X):
        """The index of the nearest centre for each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        X, centres = self._centres(X)
        return nearest(X, centres)[0]

    def transform(self, X):
        """The Euclidean distance from each row of ``X`` to each centre.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        distances : ndarray of shape (n_samples, n_centres)
        """
        X, centres = self._centres(X)
        return np.sqrt(squared_distances(X, centres))

    def score(self, X, y=None):
        """Minus the sum of squared distances to the nearest centres (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        score : float
        """
        X, centres = self._centres(X)
        return -float(nearest(X, centres)[1].sum())


# --------------------------------------------------------------------------
# AMSOM (issues 10-11): the two nearest neurons of many points in low dimension
# --------------------------------------------------------------------------

#: Largest number of features for which :func:`two_nearest_fast` uses a KD-tree.
TREE_MAX_FEATURES = 3
#: Fewest centres for which :func:`two_nearest_fast` uses a KD-tree.
TREE_MIN_CENTRES = 64


def two_nearest_tree(X, Y):
    """:func:`two_nearest` answered by a KD-tree (``scipy.spatial.cKDTree``).

    In two or three dimensions a tree over the centres finds the two nearest
    of each point in O(log M) instead of O(M): a 1,600-neuron map and
    100,000 points take a few hundredths of a second instead of a second.
    The tree computes each distance term by term (no expansion, so it is
    shift-safe too). Ties follow :func:`two_nearest`: among equally near
    centres the lowest index wins; a row whose second and third nearest tie
    is handed to :func:`two_nearest` itself.

    Parameters
    ----------
    X : ndarray of shape (n_X, n_features)
    Y : ndarray of shape (n_Y, n_features), n_Y >= 2

    Returns
    -------
    best, second, best_squared_distance : as for :func:`two_nearest`
    """
    from scipy.spatial import cKDTree

    k = min(3, len(Y))
    distance, index = cKDTree(Y).query(X, k=k)
    best, second = index[:, 0].copy(), index[:, 1].copy()
    # Two equally near centres: the lower index is the best.
    tie = (distance[:, 0] == distance[:, 1]) & (second < best)
    best[tie], second[tie] = second[tie], best[tie]
    smallest = distance[:, 0] ** 2
    if k == 3:
        # The tie may reach past the third centre returned: ask the dense search.
        unsure = np.flatnonzero(distance[:, 1] == distance[:, 2])
        if len(unsure):
            best[unsure], second[unsure], smallest[unsure] = two_nearest(X[unsure], Y)
    return best, second, smallest


def two_nearest_fast(X, Y):
    """:func:`two_nearest_tree` in low dimension with many centres, else :func:`two_nearest`."""
    if X.shape[1] <= TREE_MAX_FEATURES and len(Y) >= TREE_MIN_CENTRES:
        return two_nearest_tree(X, Y)
    return two_nearest(X, Y)
