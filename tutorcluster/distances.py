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

The module has three parts: point-to-centre distances (``squared_distances``,
``nearest``, ``two_nearest``, ``NearestCentreMixin``, and the SOMs' Gaussian
kernel sums ``gaussian_kernel_product``); first neighbours, the
nearest *other* point of every point, for FN-means (``near_first_neighbours``,
``tie_tolerance``, ``max_pairwise_distance``); and a KD-tree search of the two
nearest centres for maps with many neurons in two or three dimensions
(``two_nearest_fast``, ``nearest_fast`` and ``tree_query_order``, used by the SOMs),
with a compiled grid search for large data when numba is installed
(``two_nearest_grid``).
"""

import functools

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


#: :func:`gaussian_kernel_product` builds its kernel in tiles of rows of at most
#: this many bytes: small enough to stay in a core's cache between the
#: distances, the ``exp`` and the matrix product that read it.
KERNEL_TILE_BYTES = 2**19


def gaussian_kernel_product(A, scale, V):
    """``K @ V`` for the Gaussian kernel ``K_ij = exp(-||a_i - a_j||^2 / scale)`` of the rows of ``A``.

    The same numbers as ``np.exp(squared_distances(A, A) / -scale) @ V`` (to
    rounding: the products are summed tile by tile), without the whole
    ``(n, n)`` kernel: a SOM needs its neighbourhood kernel only through a
    product with a few columns (Eq. 11: ``sum_j h_ji [S_j, n_j]``; Eq. 13:
    ``sum_j delta_ji [n_j, n_j r_j]``). Built whole, a 1,500-neuron kernel is
    18 MB streamed through memory half a dozen times; here each tile of
    rows is built (the squared distances, every tile on the same origin,
    the mean of ``A``), exponentiated and multiplied while it is still in
    the cache: about 3 times faster at 1,500 neurons. (Sharing the tiles
    between two threads, as the subtractive module's Eq. 1 does, gained
    nothing here: the tiles are too quick for the threads' overhead.)

    Parameters
    ----------
    A : ndarray of shape (n, n_features)
    scale : float
        The kernel's width: ``2 sigma^2`` for Eq. 12, ``gamma sigma`` for Eq. 14.
    V : ndarray of shape (n, n_columns)

    Returns
    -------
    ndarray of shape (n, n_columns)
    """
    reference = _reference(A, None)
    out = np.empty((len(A), V.shape[1]))
    for rows in row_blocks(len(A), 8 * len(A), KERNEL_TILE_BYTES):
        kernel = squared_distances(A[rows], A, origin=reference)
        kernel /= -scale
        np.exp(kernel, out=kernel)
        out[rows] = kernel @ V
    return out


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


# --- first neighbours (used by FN-means) ---------------------------------------
#
# The first neighbour of a point is its nearest *other* point. FN-means (and
# FINCH) need it for every point, exactly, and with a rule for ties. The
# functions below return, for every row, *all* the other rows whose squared
# distance is within a tolerance of the smallest one (the near-minimal
# candidates), with exact float64 distances; the caller applies its own tie
# rule on top (FN-means takes the lowest index). Three searches find them:
#
# * "kd_tree": scipy's cKDTree, in low dimension (a 100,000-point 2-D set in
#   a fraction of a second);
# * "brute": blocked float32 matrix products over the pairs of row blocks
#   (i, j) with i <= j only (a distance block serves both its rows and its
#   columns, which halves the work), then an exact float64 re-check of every
#   row whose two best float32 distances are too close to tell apart;
# * "exact": the readable reference, every distance squared term by term.
#
# All three work on the data moved to their mean, so translating the data
# changes no answer; distances are computed from differences, never from the
# expansion |x|^2 - 2 x.y + |y|^2, when they decide a candidate.

#: Above this many features, "auto" uses the blocked search instead of a KD-tree.
KD_TREE_MAX_FEATURES = 10

_EPS32 = float(np.finfo(np.float32).eps)
_EPS64 = float(np.finfo(np.float64).eps)


def distance_scale(X):
    """The squared size of a point set: the mean squared distance to its mean.

    Unchanged by a translation of ``X``, and in the units of a squared
    distance, so a tolerance ``rtol * distance_scale(X)`` means the same
    thing wherever the data sit (a tolerance relative to ``|x|^2`` grows with
    the offset and, at 1e6, swallows every real difference).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    float
    """
    X = np.asarray(X, dtype=np.float64)
    if len(X) == 0:
        return 0.0
    centred = X - X.mean(axis=0)
    return float(np.einsum("ij,ij->", centred, centred) / len(X))


def tie_tolerance(X, rtol):
    """The absolute tolerance on squared distances for a relative ``rtol``: ``rtol * distance_scale(X)``."""
    return float(rtol) * distance_scale(X)


def pair_squared_distances(X, rows, cols, *, budget=None):
    """Exact squared distances ``|X[rows[k]] - X[cols[k]]|^2`` for index pairs, term by term.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    rows, cols : ndarray of int, shape (n_pairs,)
    budget : int, default=None
        Bytes per block of difference vectors (:data:`BLOCK_BYTES`).

    Returns
    -------
    ndarray of shape (n_pairs,)
    """
    out = np.empty(len(rows))
    for block in row_blocks(len(rows), 8 * X.shape[1], budget):
        difference = X[rows[block]] - X[cols[block]]
        out[block] = np.einsum("ij,ij->i", difference, difference)
    return out


def _kd_tree_candidates(C, tol):
    """Candidate first neighbours from a KD-tree: a superset of the near-minimal ones."""
    from scipy.spatial import cKDTree

    n = len(C)
    tree = cKDTree(C)
    k = min(4, n)
    _, index = tree.query(C, k=k)
    rows = np.repeat(np.arange(n), k)
    cols = index.ravel()
    other = cols != rows
    d2 = np.full(n * k, np.inf)
    d2[other] = pair_squared_distances(C, rows[other], cols[other])
    d2 = d2.reshape(n, k)
    smallest = d2.min(axis=1)
    # The k returned neighbours are complete unless the k-th of them is still
    # (nearly) as near as the nearest: then more ties may lie beyond it.
    kth = d2[:, -1]
    slack = (smallest + tol) * (1 + 1e-9) + 4 * C.shape[1] * _EPS64 * smallest
    incomplete = np.flatnonzero((kth <= slack) & (k < n))
    keep = other.reshape(n, k)
    keep[incomplete] = False
    rows_out, cols_out = [rows.reshape(n, k)[keep]], [index[keep]]
    if incomplete.size:
        radius = np.sqrt(slack[incomplete]) * (1 + 1e-9) + 1e-300
        for i, found in zip(incomplete, tree.query_ball_point(C[incomplete], radius)):
            found = np.asarray(found, dtype=np.intp)
            found = found[found != i]
            rows_out.append(np.full(len(found), i))
            cols_out.append(found)
    return np.concatenate(rows_out), np.concatenate(cols_out)


def _two_smallest(D, axis):
    """Per row (``axis=1``) or column (``axis=0``): the smallest value, its index, the second smallest."""
    index = D.argmin(axis=axis)
    if axis == 1:
        picked = (np.arange(D.shape[0]), index)
    else:
        picked = (index, np.arange(D.shape[1]))
    best = D[picked].copy()
    D[picked] = np.inf
    second = D.min(axis=axis)
    D[picked] = best  # put it back: the same block serves the other side too
    return best, index, second


def _merge_two_smallest(state, where, best, index, second):
    """Fold a block's two smallest values into the running ones of rows ``where``."""
    old_best, old_index, old_second = state[0][where], state[1][where], state[2][where]
    better = best < old_best
    state[2][where] = np.where(better, np.minimum(old_best, second), np.minimum(old_second, best))
    state[0][where] = np.where(better, best, old_best)
    state[1][where] = np.where(better, index, old_index)


def _float32_block_pairs(C32, sq32, budget):
    """Float32 squared distances over the block pairs (I, J) with I <= J, each pair once.

    Distances are symmetric, so the block D[I, J] also gives D[J, I] read by
    columns: visiting only I <= J halves the work. Yields ``(I, J, D)`` with
    ``I`` and ``J`` slices of rows and ``D`` the float32 block (a fresh array).
    """
    n = len(C32)
    step = max(1, int(np.sqrt(budget / 4)))
    for a in range(0, n, step):
        I = slice(a, min(a + step, n))
        for b in range(a, n, step):
            J = slice(b, min(b + step, n))
            D = C32[I] @ C32[J].T
            D *= -2.0
            D += sq32[I, None]
            D += sq32[None, J]
            yield I, J, D


def _blocked_candidates(C, tol, budget):
    """Candidate first neighbours from a blocked float32 search with an exact re-check."""
    n, d = C.shape
    budget = BLOCK_BYTES if budget is None else budget
    C32 = C.astype(np.float32)
    sq32 = np.einsum("ij,ij->i", C32, C32)
    norms = np.sqrt(np.einsum("ij,ij->i", C, C))
    largest = float(norms.max())
    # A bound on |float32 distance - exact distance| for row i and any j:
    # rounding the data to float32 plus the (d + 2) roundings of the expansion.
    margin = (d + 4) * _EPS32 * (norms + largest) ** 2
    state = (np.full(n, np.inf), np.zeros(n, dtype=np.intp), np.full(n, np.inf))
    for I, J, D in _float32_block_pairs(C32, sq32, budget):
        if I == J:
            np.fill_diagonal(D, np.inf)
        best, index, second = _two_smallest(D, axis=1)
        _merge_two_smallest(state, I, best.astype(np.float64), index + J.start,
                            second.astype(np.float64))
        if I != J:  # the same block, read by columns, serves the rows of J
            best, index, second = _two_smallest(D, axis=0)
            _merge_two_smallest(state, J, best.astype(np.float64), index + I.start,
                                second.astype(np.float64))
    best, index, second = state
    # A row is settled when its float32 runner-up is provably farther than
    # the tolerance from its float32 best: its best is then the only candidate.
    unsettled = np.flatnonzero(second - best <= 2 * margin + tol)
    settled = np.setdiff1d(np.arange(n), unsettled, assume_unique=True)
    rows_out, cols_out = [settled], [index[settled]]
    if unsettled.size:
        # Re-check these rows against every column in float64: keep all
        # columns within the float64 rounding bound of the row's minimum.
        margin64 = (d + 4) * _EPS64 * (norms[unsettled] + largest) ** 2
        for block in row_blocks(len(unsettled), 8 * n, budget):
            rows = unsettled[block]
            D = squared_distances(C[rows], C, origin=np.zeros(d))
            D[np.arange(len(rows)), rows] = np.inf
            limit = D.min(axis=1) + 2 * margin64[block] + tol
            r, c = np.nonzero(D <= limit[:, None])
            rows_out.append(rows[r])
            cols_out.append(c)
    return np.concatenate(rows_out), np.concatenate(cols_out)


def _exact_candidates(C, tol, budget):
    """The readable reference: every squared distance term by term, in row blocks."""
    n, d = C.shape
    rows_out, cols_out = [], []
    for block in row_blocks(n, 8 * n * d, budget):
        rows = np.arange(n)[block]
        D = squared_distances_exact(C[rows], C)
        D[np.arange(len(rows)), rows] = np.inf      # an item is not its own neighbour
        r, c = np.nonzero(D <= D.min(axis=1, keepdims=True) + tol)
        rows_out.append(rows[r])
        cols_out.append(c)
    return np.concatenate(rows_out), np.concatenate(cols_out)


FIRST_NEIGHBOUR_ALGORITHMS = ("auto", "kd_tree", "brute", "exact")


def near_first_neighbours(X, *, tol=0.0, algorithm="auto", budget=None):
    """Every near-minimal other row of every row: the candidates for its first neighbour.

    For row ``i`` the candidates are the rows ``j != i`` with
    ``|x_i - x_j|^2 <= min_{k != i} |x_i - x_k|^2 + tol``, with the exact
    (term by term, float64) squared distance. With ``tol=0`` they are the
    exact minimisers (several only on exact ties).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), n_samples >= 2
    tol : float, default=0.0
        Absolute tolerance on squared distances (see :func:`tie_tolerance`).
    algorithm : {"auto", "kd_tree", "brute", "exact"}, default="auto"
        The search (see the comment above this block); "auto" takes
        "kd_tree" up to :data:`KD_TREE_MAX_FEATURES` features, else "brute".
        All give the same answer.
    budget : int, default=None
        Bytes per temporary block (:data:`BLOCK_BYTES`).

    Returns
    -------
    rows, cols : ndarray of int, shape (n_candidates,)
        The pairs ``(i, j)``, sorted by ``i`` then ``j``; every row appears.
    squared_distance : ndarray of shape (n_candidates,)
        Their exact squared distances.
    """
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    if algorithm == "auto":
        algorithm = "kd_tree" if d <= KD_TREE_MAX_FEATURES else "brute"
    C = X - X.mean(axis=0)
    if algorithm == "kd_tree":
        rows, cols = _kd_tree_candidates(C, tol)
    elif algorithm == "brute":
        rows, cols = _blocked_candidates(C, tol, budget)
    elif algorithm == "exact":
        rows, cols = _exact_candidates(C, tol, budget)
    else:
        raise ValueError(f"algorithm must be one of {list(FIRST_NEIGHBOUR_ALGORITHMS)}, got {algorithm!r}.")
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    d2 = pair_squared_distances(C, rows, cols, budget=budget)
    # The final filter, on exact distances: within tol of the row's minimum.
    smallest = np.full(n, np.inf)
    np.minimum.at(smallest, rows, d2)
    keep = d2 <= smallest[rows] + tol
    return rows[keep], cols[keep], d2[keep]


def max_pairwise_distance(X, *, budget=None):
    """The largest Euclidean distance between two rows of ``X`` (0 for fewer than two rows).

    In two dimensions the farthest pair lies on the convex hull, so only the
    hull's vertices are compared. Otherwise a blocked float32 pass over the
    upper triangle of pairs finds the rows that may hold the maximum, and
    those rows are re-checked exactly in float64. Shift-safe: the data are
    moved to their mean first.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    budget : int, default=None
        Bytes per temporary block (:data:`BLOCK_BYTES`).

    Returns
    -------
    float
    """
    X = np.asarray(X, dtype=np.float64)
    n, d = X.shape
    if n < 2:
        return 0.0
    C = X - X.mean(axis=0)
    if d == 1:
        return float(C.max() - C.min())
    if d == 2 and n > 3:
        from scipy.spatial import ConvexHull, QhullError

        try:
            hull = C[ConvexHull(C).vertices]
        except QhullError:  # all points on a line: fall through to the general pass
            pass
        else:
            largest = max(float(squared_distances_exact(hull[rows], hull).max())
                          for rows in row_blocks(len(hull), 16 * len(hull), budget))
            return float(np.sqrt(largest))
    budget = BLOCK_BYTES if budget is None else budget
    C32 = C.astype(np.float32)
    sq32 = np.einsum("ij,ij->i", C32, C32)
    norms = np.sqrt(np.einsum("ij,ij->i", C, C))
    margin = (d + 4) * _EPS32 * (norms + norms.max()) ** 2
    row_max = np.full(n, -np.inf)
    for I, J, D in _float32_block_pairs(C32, sq32, budget):
        row_max[I] = np.maximum(row_max[I], D.max(axis=1))
        row_max[J] = np.maximum(row_max[J], D.max(axis=0))
    # Only rows whose float32 maximum may reach the overall maximum can hold it.
    suspects = np.flatnonzero(row_max + margin >= np.max(row_max - margin))
    largest = 0.0
    for block in row_blocks(len(suspects), 8 * n * d, budget):
        largest = max(largest, float(squared_distances_exact(C[suspects[block]], C).max()))
    return float(np.sqrt(largest))

# --------------------------------------------------------------------------
# The two nearest neurons of many points in low dimension (used by the SOMs)
# --------------------------------------------------------------------------

#: Largest number of features for which :func:`two_nearest_fast` uses a KD-tree.
TREE_MAX_FEATURES = 3
#: Fewest centres for which :func:`two_nearest_fast` uses a KD-tree.
TREE_MIN_CENTRES = 64
#: Threads for a KD-tree query (``cKDTree.query(workers=...)``); -1 uses every
#: core, as NumPy's matrix products do. The answer does not depend on it.
TREE_WORKERS = -1


def tree_query_order(X):
    """An order of the rows of ``X`` that keeps nearby points together, for the KD-tree search.

    A KD-tree answers a query fastest when the previous query went to the
    same branches (they are still in the CPU cache). A SOM asks about the
    same points every epoch, so it computes this order once per fit and
    passes it to :func:`two_nearest_tree`: the order in which a KD-tree over
    ``X`` stores its points, leaf by leaf (a leaf is a small box of nearby
    points). On 100,000 2-D points it saves about a third of every query;
    the answer is the same in any order.

    Parameters
    ----------
    X : ndarray of shape (n_X, n_features)

    Returns
    -------
    ndarray of int, shape (n_X,), or None
        A permutation of ``range(n_X)``; None when :func:`two_nearest_fast`
        would not use a tree (more than :data:`TREE_MAX_FEATURES` features).
    """
    from scipy.spatial import cKDTree

    if X.shape[1] > TREE_MAX_FEATURES or len(X) == 0:
        return None
    return cKDTree(X).indices


def two_nearest_tree(X, Y, *, order=None):
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
    order : ndarray of int, shape (n_X,), default=None
        The order in which to ask the tree about the rows of ``X``
        (:func:`tree_query_order`); the results come back in the rows' own
        order, so it changes only the speed.

    Returns
    -------
    best, second, best_squared_distance : as for :func:`two_nearest`
    """
    from scipy.spatial import cKDTree

    k = min(3, len(Y))
    tree = cKDTree(Y)
    # Ask in the cache-friendly order (the rows' own order when there is none).
    asked = X if order is None else X[order]
    distance, index = tree.query(asked, k=k, workers=TREE_WORKERS)
    best, second = index[:, 0].copy(), index[:, 1].copy()
    # Two equally near centres: the lower index is the best.
    tie = (distance[:, 0] == distance[:, 1]) & (second < best)
    best[tie], second[tie] = second[tie], best[tie]
    smallest = distance[:, 0] ** 2
    if k == 3:
        # The tie may reach past the third centre returned: ask the dense search.
        unsure = np.flatnonzero(distance[:, 1] == distance[:, 2])
        if len(unsure):
            best[unsure], second[unsure], smallest[unsure] = two_nearest(asked[unsure], Y)
    if order is None:
        return best, second, smallest
    # Put each answer back on its row (three 1-D arrays: cheaper than moving
    # the (n_X, k) arrays of the query).
    answers = []
    for values in (best, second, smallest):
        on_rows = np.empty_like(values)
        on_rows[order] = values
        answers.append(on_rows)
    return tuple(answers)


#: Use the compiled grid search (:func:`two_nearest_grid`) when numba is
#: installed; False always asks the KD-tree. The answer does not depend on it.
COMPILED_SEARCH = True
#: Fewest rows of ``X`` for which :func:`two_nearest_fast` uses the grid. It
#: saves about 0.2 us of CPU a row and an epoch, and importing numba costs a process
#: about 1.7 s (and 125 MB) once: worth it for large data only.
GRID_MIN_SAMPLES = 50_000
#: The most rings of cells the grid search looks through around a point
#: before it hands the point to the KD-tree. The answer does not depend on it.
GRID_RINGS = 3

# The compiled grid search is imported by the first search that can use it,
# not with the package: numba and LLVM add about 125 MB to a process.
@functools.cache
def compiled_grid():
    """The module of the compiled grid search, imported on first use; None without numba."""
    try:
        from . import _grid_numba
    except ImportError:  # numba is not installed
        return None
    return _grid_numba


def two_nearest_grid(X, Y, *, order=None):
    """:func:`two_nearest_tree`, answered by a compiled grid of cells over the centres.

    The same units and distances as the KD-tree (see
    ``tutorcluster/_grid_numba.py`` for how the grid is searched), in about
    half its CPU time, on every core. Needs numba, at least 2 features and 3
    centres. A row whose second and third nearest tie is handed to
    :func:`two_nearest`, as the tree search does; a row not settled within
    :data:`GRID_RINGS` rings of cells (far from every centre) to
    :func:`two_nearest_tree`.

    Parameters
    ----------
    X : ndarray of shape (n_X, n_features), n_features >= 2
    Y : ndarray of shape (n_Y, n_features), n_Y >= 3
    order : ndarray of int, shape (n_X,), default=None
        As for :func:`two_nearest_tree`: only the speed depends on it.

    Returns
    -------
    best, second, best_squared_distance : as for :func:`two_nearest`
    """
    X, Y = np.ascontiguousarray(X, dtype=float), np.ascontiguousarray(Y, dtype=float)
    visit = np.arange(len(X)) if order is None else np.asarray(order, dtype=np.intp)
    best, second, smallest, status = compiled_grid().two_nearest_grid(X, Y, visit, GRID_RINGS)
    for code, search in ((1, two_nearest), (2, two_nearest_tree)):
        rows = np.flatnonzero(status == code)     # ties, then rows far from every centre
        if len(rows):
            best[rows], second[rows], smallest[rows] = search(X[rows], Y)
    return best, second, smallest


def two_nearest_fast(X, Y, *, order=None):
    """The fastest exact search of the two nearest centres for this shape of data.

    In low dimension (at most :data:`TREE_MAX_FEATURES` features) with at
    least :data:`TREE_MIN_CENTRES` centres: :func:`two_nearest_grid` when
    numba is installed (and :data:`COMPILED_SEARCH` is on), with at least 2
    features and :data:`GRID_MIN_SAMPLES` rows, else :func:`two_nearest_tree`; otherwise the blocked
    dense :func:`two_nearest`. All give the same units. ``order`` (from
    :func:`tree_query_order`) is passed to the grid or the tree.
    """
    if X.shape[1] <= TREE_MAX_FEATURES and len(Y) >= TREE_MIN_CENTRES:
        if (COMPILED_SEARCH and X.shape[1] >= 2 and len(X) >= GRID_MIN_SAMPLES
                and compiled_grid() is not None):
            return two_nearest_grid(X, Y, order=order)
        return two_nearest_tree(X, Y, order=order)
    return two_nearest(X, Y)


def nearest_fast(X, Y, *, order=None):
    """:func:`nearest` by the same search as :func:`two_nearest_fast` (the same units).

    Used by the SOMs wherever they need only the best unit, so that every
    step of a fit sees the same best-matching units.

    Returns
    -------
    index, squared_distance : as for :func:`nearest`
    """
    if len(Y) < 2:
        return nearest(X, Y)
    best, _, smallest = two_nearest_fast(X, Y, order=order)
    return best, smallest
