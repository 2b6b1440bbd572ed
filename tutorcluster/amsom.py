"""AMSOM, the adaptive moving self-organizing map, and the classic batch SOM.

A classic self-organizing map (SOM) keeps its neurons on a fixed 2-D
lattice: only their *weights* (prototypes in the data space) learn.
AMSOM (Spanakis & Weiss, 2016) starts from the same lattice and changes
three things, each one a few lines below:

1. **moving neurons**: after every batch-SOM epoch each neuron's *position*
   in the output plane is pulled towards neurons whose weights are close and
   that win many samples (Eqs. 13-14, :func:`move_positions`);
2. **edges that live and die**: every sample links its best and second-best
   neuron; edges unused for ``age_max`` epochs are cut and a neuron left
   with no edge is removed (:func:`age_edges`, :meth:`AMSOM._iterate`);
3. **growth by cell division**: every ``t_add`` epochs the neuron with the
   largest error splits in two if that error exceeds the growth threshold
   ``GT = -ln(D) ln(SF)`` (Eqs. 15-18, :func:`split_children`).

Both estimators record one :class:`SOMSnapshot` per epoch (plus the initial
map), so ``tutorcluster.scrub`` shows the output plane and the data space
side by side (:class:`tutorcluster.views.amsom.SOMView`).

The extraction of the paper lost most of Eqs. 10-18 and every minus sign;
the rebuilt equations, the defaults that are ours and every ambiguity are
listed in the notebook, section "Reading the paper".

References
----------
G. Spanakis and G. Weiss, "AMSOM: Adaptive Moving Self-organizing Map for
Clustering and Visualization", ICAART 2016, pp. 129-140,
doi:10.5220/0005704801290140 (arXiv:1605.06047).
T. Kohonen, "Things you haven't heard about the Self-Organizing Map",
IEEE ICNN 1993 (the batch SOM).
J. Vesanto et al., "SOM Toolbox for Matlab 5", 2000 (``som_topol_struct``,
the map-size rule).
D. Alahakoon et al., "Dynamic self-organizing maps with controlled growth
for knowledge discovery", IEEE TNN 11(3), 2000 (the growth threshold).
Notebook: ``notebooks/02-amsom.ipynb``.
"""

import math
import numbers
import warnings
from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn.base import ClusterMixin

from .distances import (NearestCentreMixin, gaussian_kernel_product, nearest, nearest_fast,
                        pair_squared_distances, squared_distances, tree_query_order,
                        two_nearest_fast)
from ._snapshots import Snapshot, SnapshotEstimator
from ._validation import check_choice, check_int, check_real, check_rng, check_scale

#: The largest number of lattice neighbours: the default Q of each lattice.
LATTICE_DEGREE = {"rect": 4, "hex": 6}

#: The maps' kernel sums, fast: Eqs. 11 and 13 tile by tile
#: (:func:`tutorcluster.distances.gaussian_kernel_product`; BatchSOM and AMSOM's
#: Phase II) and AMSOM's Phase III over the edge list (O(edges),
#: :func:`neighbour_sums`). False uses the readable dense form: the
#: (n_units, n_units) kernels of Eqs. 12 and 14, times the mask E + I in
#: Phase III. The two agree to rounding and give the same maps (tests/test_amsom.py).
FAST_KERNELS = True


# --------------------------------------------------------------------------
# Phase I: the lattice
# --------------------------------------------------------------------------

def _round_half_up(value):
    """Round .5 upwards, as MATLAB's ``round`` does for positive numbers."""
    return int(math.floor(value + 0.5))


def vesanto_shape(X, lattice="rect", side_ratio="eig"):
    """The initial map size: the SOM Toolbox rule the paper uses (Sec. 3.1.1).

    The map gets ``m = ceil(5 sqrt(N))`` units. With ``l1 >= l2`` the two
    largest eigenvalues of the covariance of ``X``, the ratio of the two
    sides is ``l1 / l2`` (``side_ratio="eig"``, the paper's wording) or
    ``sqrt(l1 / l2)`` (``"sqrt_eig"``, the SOM Toolbox's ``som_topol_struct``),
    and 1 when ``l1 = 0`` or ``l2 m < l1``. Then
    ``cols = min(m, round(sqrt(m / ratio * s)))`` with ``s = sqrt(0.75)`` for
    a hexagonal lattice (its rows are closer together) and 1 for a
    rectangular one, and ``rows = round(m / cols)``; a map with a side of 1
    becomes a ``1 x max`` chain, and one feature always gives a ``1 x m``
    chain.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    lattice : {"rect", "hex"}, default="rect"
    side_ratio : {"eig", "sqrt_eig"}, default="eig"

    Returns
    -------
    rows, cols : int
        ``rows >= cols`` except for a chain (``rows = 1``).

    Examples
    --------
    >>> from tutorcluster.datasets import load
    >>> X, _ = load("wine", standardize=True)
    >>> vesanto_shape(X)   # 5 sqrt(178) = 66.7 -> 67 units -> 11 x 6 = 66
    (11, 6)
    """
    check_choice(lattice, "lattice", set(LATTICE_DEGREE))
    check_choice(side_ratio, "side_ratio", {"eig", "sqrt_eig"})
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"X must be a non-empty 2-D array, got shape {X.shape}.")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values.")
    # Data whose covariance overflows (|x| > 1e100) would give NaN eigenvalues.
    check_scale(X)
    n_samples, n_features = X.shape
    m = math.ceil(5 * math.sqrt(n_samples))
    if n_features == 1:  # som_topol_struct: 1-D data gets a chain
        return 1, m
    if n_samples < 2:
        ratio = 1.0
    else:
        eig = np.sort(np.linalg.eigvalsh(np.cov(X, rowvar=False)))[::-1]
        l1, l2 = max(eig[0], 0.0), max(eig[1], 0.0)
        if l1 == 0 or l2 * m < l1:
            ratio = 1.0
        else:
            ratio = l1 / l2 if side_ratio == "eig" else math.sqrt(l1 / l2)
    squeeze = math.sqrt(0.75) if lattice == "hex" else 1.0
    cols = min(m, _round_half_up(math.sqrt(m / ratio * squeeze)))
    cols = max(cols, 1)
    rows = _round_half_up(m / cols)
    if min(rows, cols) == 1:
        return 1, max(rows, cols)
    return rows, cols


def lattice_positions(rows, cols, lattice="rect"):
    """Positions r_i of the neurons of a ``rows x cols`` lattice.

    Neuron ``k = row * cols + col`` sits at ``(col, row)`` on a rectangular
    lattice and at ``(col + (row mod 2) / 2, row sqrt(3) / 2)`` on a
    hexagonal one, so that lattice neighbours are exactly 1 apart.

    Returns
    -------
    ndarray of shape (rows * cols, 2)
    """
    check_choice(lattice, "lattice", set(LATTICE_DEGREE))
    row, col = np.divmod(np.arange(rows * cols), cols)
    if lattice == "rect":
        return np.column_stack([col, row]).astype(float)
    return np.column_stack([col + 0.5 * (row % 2), row * math.sqrt(3) / 2])


def lattice_edges(rows, cols, lattice="rect"):
    """The lattice neighbours: 4 per neuron (rect) or 6 (hex), fewer at the border.

    Returns
    -------
    ndarray of shape (n_edges, 2)
        Pairs ``(i, j)`` with ``i < j`` in lexicographic order.
    """
    positions = lattice_positions(rows, cols, lattice)
    # Lattice neighbours are exactly 1 apart (squared distance 1).
    apart = squared_distances(positions, positions)
    return np.argwhere(np.triu(np.isclose(apart, 1.0), 1))


def edge_list(adjacency, ages=None):
    """The edges of a symmetric boolean adjacency matrix as ``(i, j)`` pairs, ``i < j``.

    Returns
    -------
    edges : ndarray of shape (n_edges, 2)
        Lexicographic order.
    edge_ages : ndarray of shape (n_edges,)
        ``ages[i, j]`` for each edge (zeros when ``ages`` is None).
    """
    i, j = true_entries(adjacency)         # row by row, so (i, j) is already sorted
    edges = np.column_stack([i, j])[i < j]
    if ages is None:
        return edges, np.zeros(len(edges), dtype=np.int64)
    return edges, ages[edges[:, 0], edges[:, 1]].astype(np.int64)


def true_entries(matrix):
    """Row and column of every true entry of a 2-D boolean matrix, row by row.

    The same as ``np.nonzero(matrix)``, from the flat indices
    ``i * n_columns + j`` (``np.flatnonzero``, about 20 times faster on a
    1,500 x 1,500 adjacency matrix).
    """
    return np.divmod(np.flatnonzero(matrix), matrix.shape[1])


def adjacency_matrix(edges, n_units):
    """The symmetric boolean (n_units, n_units) matrix of an edge list."""
    adjacency = np.zeros((n_units, n_units), dtype=bool)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    adjacency[edges[:, 0], edges[:, 1]] = True
    adjacency[edges[:, 1], edges[:, 0]] = True
    return adjacency


# --------------------------------------------------------------------------
# Phase II: one epoch, equation by equation
# --------------------------------------------------------------------------

def best_two_units(X, weights):
    """The best-matching unit c(x) and the second best c2(x) of every sample (Eq. 9).

    Ties go to the lowest index (``np.argmin`` returns the first minimum),
    as in :func:`tutorcluster.metrics.topographic_error`.

    Returns
    -------
    best, second : ndarray of shape (n_samples,)
        ``second`` equals ``best`` when there is a single unit.
    """
    best, second, _ = _two_best(X, weights)
    return best, second


def _two_best(X, weights, order=None):
    """Best and second-best unit and the best squared distance, blocked and centred.

    :func:`tutorcluster.distances.two_nearest` (blocks of the distance matrix
    within a memory budget, on data centred on the weights' mean), or a
    KD-tree in low dimension (:func:`tutorcluster.distances.two_nearest_tree`,
    the same units; ``order`` is the fit's :func:`~tutorcluster.distances.tree_query_order`
    of ``X``, which only makes it faster). A single unit is its own second best.
    """
    if len(weights) < 2:
        index, smallest = nearest(X, weights)
        return index, index, smallest
    return two_nearest_fast(X, weights, order=order)


def neighbourhood(positions, sigma, lattice_distances=None):
    """The Gaussian neighbourhood h_ji = exp(-||r_j - r_i||^2 / (2 sigma^2)) (Eq. 12).

    Parameters
    ----------
    positions : ndarray of shape (n_units, 2)
    sigma : float
    lattice_distances : ndarray of shape (n_units, n_units), default=None
        ``squared_distances(positions, positions)`` if the caller already
        has it (BatchSOM's lattice never moves, so it computes it once).

    Returns
    -------
    ndarray of shape (n_units, n_units), symmetric, ones on the diagonal.
    """
    if lattice_distances is None:
        lattice_distances = squared_distances(positions, positions)
    # One (n_units, n_units) array, divided and exponentiated in place.
    h = lattice_distances / (-2.0 * sigma ** 2)
    return np.exp(h, out=h)


def position_kernel(weights, sigma, gamma):
    """AMSOM's data-space neighbourhood delta_ji = exp(-||w_j - w_i||^2 / (gamma sigma)) (Eq. 14).

    Only "exp" and "gamma x sigma(t)" in the denominator survive in the
    source; the squared norm is our choice, by analogy with Eq. 12 (see the
    notebook, "Reading the paper"). It is kept in this one function so that
    another reading is a one-line change: :func:`move_positions`'s fast
    forms repeat ``gamma * sigma``, and step aside when this function is
    replaced.
    """
    kernel = squared_distances(weights, weights)
    kernel /= -(gamma * sigma)       # in place: one (n_units, n_units) array
    return np.exp(kernel, out=kernel)


#: The package's reading of Eq. 14: :func:`move_positions` takes its fast forms
#: only while ``position_kernel`` is this function.
_PACKAGE_POSITION_KERNEL = position_kernel


def batch_weights(X, best, weights, positions, sigma, mask=None, lattice_distances=None,
                  edges=None):
    """The batch SOM update (Eqs. 10-11).

    ``w_i <- sum_j h_ji S_j / sum_j h_ji n_j`` where ``n_j`` counts the samples
    whose BMU is ``j`` and ``S_j`` is their sum (``S_j = n_j x_bar_j``), so a
    dead unit (``n_j = 0``) contributes nothing and never divides by 0. A
    unit whose denominator is 0 (every ``h`` underflowed) keeps its weight.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    best : ndarray of shape (n_samples,)
        The BMU of each sample under the previous weights (Eq. 9).
    weights : ndarray of shape (n_units, n_features)
    positions : ndarray of shape (n_units, 2)
    sigma : float
        The neighbourhood width sigma(t).
    mask : ndarray of shape (n_units, n_units) of bool, default=None
        Phase III: only ``j`` in ``N(i) U {i}`` count.
    lattice_distances : ndarray of shape (n_units, n_units), default=None
        Passed to :func:`neighbourhood` by the dense form (the tiled one,
        :data:`FAST_KERNELS`, computes each tile's distances itself).
    edges : ndarray of shape (n_edges, 2), default=None
        Phase III's neighbours as an edge list instead of ``mask``
        (``mask = E + I``): the same sums over the edges only
        (:func:`neighbour_sums`), O(n_edges) instead of O(n_units^2).

    Returns
    -------
    new_weights : ndarray of shape (n_units, n_features)
    hits : ndarray of shape (n_units,)
        ``n_j``, the number of samples won by each unit.
    """
    n_units = len(weights)
    hits = np.bincount(best, minlength=n_units)
    # S_j, feature by feature (bincount is much faster than np.add.at).
    sums = np.column_stack([np.bincount(best, weights=X[:, k], minlength=n_units)
                            for k in range(X.shape[1])])
    if edges is not None:
        # Eq. 12 on each edge (i, j) only; h_ii = 1 gives the unit's own S_i and n_i.
        h = np.exp(edge_squared_distances(positions, edges) / (-2.0 * sigma ** 2))
        numerator = sums + neighbour_sums(edges, h, sums)
        denominator = hits + neighbour_sums(edges, h, hits[:, None])[:, 0]
    elif FAST_KERNELS and mask is None:
        # The same sums as below, Eq. 12 built a tile of rows at a time.
        both = gaussian_kernel_product(positions, 2.0 * sigma ** 2, np.column_stack([sums, hits]))
        numerator, denominator = both[:, :-1], both[:, -1]
    else:
        h = neighbourhood(positions, sigma, lattice_distances)
        if mask is not None:
            h *= mask
        numerator = h @ sums
        denominator = h @ hits
    new_weights = weights.copy()
    alive = denominator > 0
    new_weights[alive] = numerator[alive] / denominator[alive, None]
    return new_weights, hits


def move_positions(positions, weights, hits, sigma, gamma, alpha, mask=None, edges=None):
    """AMSOM's position update (Eq. 13), synchronous.

    ``r_i <- r_i + alpha sum_j n_j delta_ji (r_j - r_i) / sum_j n_j delta_ji``:
    each neuron moves a fraction ``alpha`` of the way to the average
    position of the neurons close to it *in the data space* (``delta``,
    Eq. 14, on the weights just updated by Eq. 11), weighted by how many
    samples they win. Every new position is computed from the old ones. A
    neuron whose denominator is 0 stays where it is.

    ``mask`` (Phase III: only ``j`` in ``N(i) U {i}``) or, the same sums
    over an edge list, ``edges``: as for :func:`batch_weights`. The fast
    forms (:data:`FAST_KERNELS`) know only the package's reading of Eq. 14:
    another reading swapped in for :func:`position_kernel` (the notebook's
    exercise does) takes the dense form, which calls it.

    Returns
    -------
    ndarray of shape (n_units, 2)
    """
    ours = position_kernel is _PACKAGE_POSITION_KERNEL
    if edges is not None and not ours:
        mask = adjacency_matrix(edges, len(positions)) | np.eye(len(positions), dtype=bool)
        edges = None
    # [n_j, n_j r_j]: sum_j delta_ji times these is [total_i, sum_j n_j delta_ji r_j].
    pulled_by = np.column_stack([hits, hits[:, None] * positions])
    if edges is not None:
        # Eq. 14 on each edge (i, j) only. The term j = i (delta_ii = 1) adds
        # n_i to the denominator and n_i (r_i - r_i) = 0 to the step.
        delta = np.exp(edge_squared_distances(weights, edges) / -(gamma * sigma))
        pulled = neighbour_sums(edges, delta, pulled_by)
        total = hits + pulled[:, 0]
        step = pulled[:, 1:] - pulled[:, [0]] * positions
    elif FAST_KERNELS and ours and mask is None:
        # The same sums as below, Eq. 14 built a tile of rows at a time.
        pulled = gaussian_kernel_product(weights, gamma * sigma, pulled_by)
        total = pulled[:, 0]
        step = pulled[:, 1:] - total[:, None] * positions
    else:
        pull = position_kernel(weights, sigma, gamma)
        if mask is not None:
            pull *= mask
        pull *= hits[None, :]                         # n_j delta_ji, row i
        total = pull.sum(axis=1)
        step = pull @ positions - total[:, None] * positions
    new_positions = positions.copy()
    moving = total > 0
    new_positions[moving] += alpha * step[moving] / total[moving, None]
    return new_positions


def edge_squared_distances(points, edges):
    """``||a_i - a_j||^2`` for every edge ``(i, j)``, term by term (Phase III's Eqs. 12 and 14)."""
    return pair_squared_distances(points, edges[:, 0], edges[:, 1])


def neighbour_sums(edges, strength, values):
    """For every unit i, the sum over its edges (i, j) of ``strength_ij values_j``.

    This is ``K @ values`` for the symmetric matrix K with ``K_ij = K_ji =
    strength`` on each edge and 0 elsewhere (the diagonal too), summed over
    the edge list, both ends of each edge, instead of over a dense
    ``(n_units, n_units)`` matrix that is mostly zeros: Phase III's
    neighbourhood is at most Q edges per unit.

    Parameters
    ----------
    edges : ndarray of shape (n_edges, 2)
        Each edge ``(i, j)`` once.
    strength : ndarray of shape (n_edges,)
    values : ndarray of shape (n_units, n_columns)

    Returns
    -------
    ndarray of shape (n_units, n_columns)
    """
    i, j = edges[:, 0], edges[:, 1]
    n_units = len(values)
    # Column by column: i gets strength * values_j, and j gets strength * values_i.
    return np.column_stack([np.bincount(i, weights=strength * column[j], minlength=n_units)
                            + np.bincount(j, weights=strength * column[i], minlength=n_units)
                            for column in np.asarray(values, dtype=float).T])


def age_edges(adjacency, ages, best, second, mode="epoch"):
    """Age the edges, and link each sample's two best units (Fig. 3, steps 2.3-2.5), in place.

    For each sample, in order, with ``a = c(x)`` and ``b = c2(x)``: (1) every
    edge of ``a`` gets one step older, (2) ``a`` and ``b`` are linked, (3) the
    age of that edge is reset to 0.

    * ``mode="epoch"`` (default): ages count *epochs*, as the text says
      ("30 epochs"; "A = 2 means they were closest 2 epochs ago"): every
      existing edge gets one epoch older, then every pair (c, c2) of this
      epoch is linked with age 0.
    * ``mode="sample"``: the literal per-sample loop of Fig. 3, over the
      samples in their given order, computed in closed form (no Python loop):
      an edge refreshed last at step k* has age #{k > k*: a_k in {p, q}}; an
      edge not refreshed gets A + #{k: a_k in {p, q}}.

    Parameters
    ----------
    adjacency : ndarray of shape (n_units, n_units) of bool
        E, modified in place.
    ages : ndarray of shape (n_units, n_units) of int
        A, modified in place (0 where there is no edge).
    best, second : ndarray of shape (n_samples,)
    mode : {"epoch", "sample"}
    """
    if mode == "epoch":
        ages += adjacency            # +1 on every edge (ages are 0 where there is none)
        adjacency[best, second] = adjacency[second, best] = True
        ages[best, second] = ages[second, best] = 0
        return
    n_samples, n_units = len(best), len(adjacency)
    steps = np.arange(n_samples)
    last = np.full((n_units, n_units), -1)          # k*: last step that linked {p, q}
    np.maximum.at(last, (np.minimum(best, second), np.maximum(best, second)), steps)
    # Sorted keys a_k * N + k: the wins of unit p after step k are one searchsorted away.
    keys = best * n_samples + steps
    keys.sort()

    def wins_after(unit, step):
        return (np.searchsorted(keys, (unit + 1) * n_samples)
                - np.searchsorted(keys, unit * n_samples + step, side="right"))

    p, q = true_entries(np.triu(adjacency, 1) | (last >= 0))
    k_star = last[p, q]
    wins = wins_after(p, k_star) + wins_after(q, k_star)
    new_ages = np.where(k_star >= 0, wins, ages[p, q] + wins)
    adjacency[p, q] = adjacency[q, p] = True
    ages[p, q] = ages[q, p] = new_ages


def accumulated_errors(X, weights, order=None):
    """GSOM's accumulated error of each neuron: E_i = sum over its samples of ||x - w_i||.

    The paper speaks of the neuron's "quantization error"; we take the sum
    (Alahakoon et al., 2000), not the mean, since the mean hardly ever
    exceeds GT (see the notebook, "Reading the paper"). This is the error the
    growth check compares with GT (CentNN's ``neuron_errors`` is a different
    quantity). The best units are found by the same search as every other
    step of the fit (:func:`tutorcluster.distances.nearest_fast`; ``order``
    as for :func:`_two_best`).
    """
    best, smallest = nearest_fast(X, weights, order=order)
    return np.bincount(best, weights=np.sqrt(smallest), minlength=len(weights))


def split_children(w_q, r_q, w_f, r_f, beta, rule="eq16", origin=None):
    """Weights and positions of the two children of a split neuron (Eqs. 15-18).

    ``w_u1 = (1 + beta) w_q`` (Eq. 15), ``w_u2 = -beta w_q`` (Eq. 16; the
    minus sign, lost in the source, makes ``w_u1 + w_u2 = w_q`` as in Odri's
    function-preserving split), ``r_u1 = r_q`` (Eq. 17) and
    ``r_u2 = (r_q + r_f) / 2`` (Eq. 18). ``rule="midpoint"`` (ours) uses
    ``w_u1 = w_q`` and ``w_u2 = (w_q + w_f) / 2`` instead.

    Eqs. 15-16 scale ``w_q`` about the origin of the data space, so they
    depend on where the origin is: the paper's data are standardised (mean
    0). We scale about ``origin`` (AMSOM passes the training mean), which is
    the paper's rule on centred data and makes the split, like every other
    step, indifferent to a translation of the data (our choice; see the
    notebook, "Reading the paper").

    Returns
    -------
    (w_u1, w_u2), (r_u1, r_u2)
    """
    if rule == "eq16":
        centre = np.zeros_like(w_q) if origin is None else np.asarray(origin, dtype=float)
        offset = w_q - centre
        weights = (centre + (1 + beta) * offset, centre - beta * offset)
    else:
        weights = (w_q.copy(), (w_q + w_f) / 2)
    return weights, (r_q.copy(), (r_q + r_f) / 2)


def prune_edges(adjacency, ages, positions, max_neighbors):
    """Keep at most Q edges per neuron: its Q youngest (Sec. 3.2.3, Fig. 8), in place.

    Ties go first to the shorter edge in the output plane, then to the
    lower index (our choice). An edge dropped by either end is dropped.

    Returns
    -------
    int
        The number of edges dropped.
    """
    degree = adjacency.sum(axis=1)
    crowded = np.flatnonzero(degree > max_neighbors)
    # Every edge (p, j) of a neuron p with more than Q edges, one row each.
    rows, j = true_entries(adjacency[crowded])
    p = crowded[rows]
    length = np.linalg.norm(positions[j] - positions[p], axis=1)
    # Sort by neuron, then each neuron's edges youngest first, shorter first, lower j first;
    order = np.lexsort((j, length, ages[p, j], p))
    p, j = p[order], j[order]
    # the rank of an edge among its neuron's edges is its place after that neuron's first one.
    rank = np.arange(len(p)) - np.searchsorted(p, p)
    p, j = p[rank >= max_neighbors], j[rank >= max_neighbors]
    adjacency[p, j] = adjacency[j, p] = False
    ages[p, j] = ages[j, p] = 0
    # An edge dropped by both of its ends is counted once.
    return len(np.unique(np.minimum(p, j) * len(adjacency) + np.maximum(p, j)))


# --------------------------------------------------------------------------
# The snapshot and the estimators
# --------------------------------------------------------------------------

@dataclass(frozen=True, eq=False, kw_only=True)
class SOMSnapshot(Snapshot):
    """The map at the end of one epoch (BatchSOM and AMSOM alike).

    ``iteration`` is the epoch (0 for the initial map), ``centers`` the
    weights and ``labels`` the BMU of every training sample under them.

    Attributes
    ----------
    phase : int
        1 (initial map), 2 (training) or 3 (AMSOM's smoothing).
    ids : ndarray of shape (n_neurons,)
        Persistent neuron ids, never reused (a split gives two new ids).
    positions : ndarray of shape (n_neurons, 2)
        The positions r_i in the output plane.
    edges : ndarray of shape (n_edges, 2)
        Pairs ``(i, j)``, ``i < j``, of indices into this snapshot, in
        lexicographic order (the lattice edges for BatchSOM).
    ages : ndarray of shape (n_edges,)
        The age of each edge in epochs (zeros for BatchSOM).
    n_neurons : int
    added_ids, removed_ids : ndarray
        Ids of the neurons added and removed during this epoch.
    split : tuple or None
        ``(parent_id, f_id, u1_id, u2_id, beta)`` when a neuron split.
    hits : ndarray of shape (n_neurons,)
        Training samples won by each neuron under the final weights.
    qe, te : float
        Quantization and topographic error on the training set.
    sigma, alpha : float
        The neighbourhood width and the position learning rate used.
    """

    phase: int
    ids: np.ndarray
    positions: np.ndarray
    edges: np.ndarray
    ages: np.ndarray
    n_neurons: int
    added_ids: np.ndarray
    removed_ids: np.ndarray
    split: tuple | None
    hits: np.ndarray
    qe: float
    te: float
    sigma: float
    alpha: float

    view = "tutorcluster.views.amsom.SOMView"

    @property
    def epoch(self):
        """The epoch (the same as ``iteration``)."""
        return self.iteration

    @property
    def weights(self):
        """The neuron weights (the same as ``centers``)."""
        return self.centers


_NO_IDS = np.zeros(0, dtype=np.int64)


def _check_int_or_inf(value, name, minimum):
    """An integer >= minimum, or ``inf`` (no limit)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and value == math.inf:
        return math.inf
    return check_int(value, name, minimum=minimum)


class BatchSOM(ClusterMixin, NearestCentreMixin, SnapshotEstimator):
    """The classic batch self-organizing map on a fixed lattice (Kohonen, 1993).

    Each epoch finds every sample's best-matching unit (Eq. 9) and sets
    every weight to the neighbourhood-weighted mean of the samples
    (Eqs. 10-12); the positions and the lattice never change. It is AMSOM's
    baseline: same initial map, sigma schedule and stopping rule.

    Parameters
    ----------
    lattice : {"rect", "hex"}, default="rect"
        Rectangular (4 neighbours) or hexagonal (6 neighbours) lattice.
    grid_shape : (int, int) or None, default=None
        ``(rows, cols)``; None uses :func:`vesanto_shape` on the training data.
    side_ratio : {"eig", "sqrt_eig"}, default="eig"
        The side-ratio rule of :func:`vesanto_shape` when ``grid_shape`` is None.
    sigma0 : float or None, default=None
        The initial neighbourhood width; None gives ``max(rows, cols) / 2``.
    sigma_final : float, default=1.0
        The final width (one lattice cell).
    decay_epochs : int, default=100
        T: ``sigma(t) = sigma0 (sigma_final / sigma0) ** (min(t - 1, T) / T)``.
    eps1 : float, default=1e-6
        Stop after epoch t > T when the training QE changes by less than eps1.
    max_epochs : int, default=1000
        The largest number of epochs.
    random_state : int, Generator or None, default=None
        Seeds the initial weights (uniform in each feature's range).
    record_every : int, default=1
        Keep every n-th snapshot in ``history_`` (0 keeps only the last).

    Attributes
    ----------
    weights_, cluster_centers_ : ndarray of shape (n_neurons, n_features)
        The final weights (two copies of the same values).
    positions_ : ndarray of shape (n_neurons, 2)
        The lattice positions.
    edges_ : ndarray of shape (n_edges, 2)
        The lattice edges (used for the topographic error).
    ages_ : ndarray of shape (n_edges,)
        Zeros (a lattice does not age).
    ids_ : ndarray of shape (n_neurons,)
        ``0..n_neurons-1``.
    labels_ : ndarray of shape (n_samples,)
        The BMU of each training sample.
    grid_shape_ : (int, int)
    n_epochs_ : int
        Epochs run.
    stop_reason_ : {"converged", "max_epochs"}
    quantization_error_, topographic_error_ : float
        On the training set.
    history_ : tuple of SOMSnapshot

    References
    ----------
    T. Kohonen, "Things you haven't heard about the Self-Organizing Map", 1993.
    Notebook ``02-amsom.ipynb``, section "The classic SOM".

    Examples
    --------
    >>> from tutorcluster import BatchSOM
    >>> from tutorcluster.datasets import load
    >>> X, y = load("iris", standardize=True)
    >>> som = BatchSOM(random_state=0).fit(X)
    >>> som.grid_shape_, som.weights_.shape     # 5 sqrt(150) -> 62 units -> 16 x 4
    ((16, 4), (64, 4))
    """

    def __init__(self, *, lattice="rect", grid_shape=None, side_ratio="eig", sigma0=None,
                 sigma_final=1.0, decay_epochs=100, eps1=1e-6, max_epochs=1000,
                 random_state=None, record_every=1):
        self.lattice = lattice
        self.grid_shape = grid_shape
        self.side_ratio = side_ratio
        self.sigma0 = sigma0
        self.sigma_final = sigma_final
        self.decay_epochs = decay_epochs
        self.eps1 = eps1
        self.max_epochs = max_epochs
        self.random_state = random_state
        self.record_every = record_every

    # Shared by both estimators -------------------------------------------

    _min_samples = 2

    def _check_common(self):
        """Validate the parameters both maps share (the data are validated by ``iter_fit``)."""
        check_choice(self.lattice, "lattice", set(LATTICE_DEGREE))
        check_choice(self.side_ratio, "side_ratio", {"eig", "sqrt_eig"})
        if self.sigma0 is not None:
            check_real(self.sigma0, "sigma0", low=0, low_inclusive=False)
        check_real(self.sigma_final, "sigma_final", low=0, low_inclusive=False)
        check_int(self.decay_epochs, "decay_epochs", minimum=1)
        check_real(self.eps1, "eps1", low=0)
        check_int(self.max_epochs, "max_epochs", minimum=1)

    def _shape(self, X):
        if self.grid_shape is None:
            return vesanto_shape(X, self.lattice, self.side_ratio)
        shape = self.grid_shape
        if not isinstance(shape, (tuple, list)) or len(shape) != 2:
            raise ValueError(f"grid_shape must be a pair (rows, cols) or None, got {shape!r}.")
        rows = check_int(shape[0], "grid_shape[0] (rows)", minimum=1)
        cols = check_int(shape[1], "grid_shape[1] (cols)", minimum=1)
        if rows * cols < 2:
            raise ValueError(f"grid_shape={tuple(shape)} gives {rows * cols} neuron; "
                             f"a map needs at least 2.")
        return rows, cols

    def _initial_map(self, X, rng):
        """Phase I: lattice, positions, and weights uniform in each feature's range (A9)."""
        rows, cols = self._shape(X)
        positions = lattice_positions(rows, cols, self.lattice)
        # The first draw of the generator, so BatchSOM and AMSOM with the same
        # random_state start from the same weights.
        weights = rng.uniform(X.min(axis=0), X.max(axis=0), size=(rows * cols, X.shape[1]))
        sigma0 = max(rows, cols) / 2 if self.sigma0 is None else float(self.sigma0)
        return (rows, cols), weights, positions, sigma0

    def _schedule(self, epoch, sigma0):
        """sigma(t), geometric from sigma0 to sigma_final over T epochs, and s = min(t-1, T) / T."""
        fraction = min(epoch - 1, self.decay_epochs) / self.decay_epochs
        return sigma0 * (self.sigma_final / sigma0) ** fraction, fraction

    @staticmethod
    def _measure(X, weights, adjacency, order=None):
        """BMUs, hits, QE and TE of the map under the final weights of an epoch.

        QE and TE are :func:`tutorcluster.metrics.quantization_error` and
        :func:`~tutorcluster.metrics.topographic_error` (a test checks that
        they agree), computed from one search instead of three (the QE from
        the best distances the search has found).
        """
        best, second, smallest = _two_best(X, weights, order)
        hits = np.bincount(best, minlength=len(weights))
        qe = float(np.mean(np.sqrt(smallest)))
        te = float(np.mean(~adjacency[best, second])) if len(weights) > 1 else float("nan")
        return best, second, hits, qe, te

    @staticmethod
    def _fitted(grid_shape, weights, positions, edges, ages, ids, labels, qe, te, epoch, reason):
        """The fitted attributes, committed together when the fit ends."""
        return {"grid_shape_": grid_shape, "weights_": weights,
                "cluster_centers_": weights.copy(), "positions_": positions, "edges_": edges,
                "ages_": ages, "ids_": ids, "labels_": labels, "quantization_error_": qe,
                "topographic_error_": te, "n_epochs_": epoch, "stop_reason_": reason}

    # The algorithm ---------------------------------------------------------

    def _iterate(self, X, y=None):
        self._check_common()
        rng = check_rng(self.random_state)
        (rows, cols), weights, positions, sigma0 = self._initial_map(X, rng)
        n_units = rows * cols
        edges = lattice_edges(rows, cols, self.lattice)
        ages = np.zeros(len(edges), dtype=np.int64)
        ids = np.arange(n_units)
        adjacency = adjacency_matrix(edges, n_units)
        # Computed once per fit: the search order of X, and for the dense
        # form of Eq. 12 the lattice distances ||r_j - r_i||^2 (the lattice
        # never moves; the tiled form recomputes them tile by tile, in the cache).
        order = tree_query_order(X)
        lattice_distances = None if FAST_KERNELS else squared_distances(positions, positions)
        best, _, hits, qe, te = self._measure(X, weights, adjacency, order)

        def snapshot(epoch, phase, sigma, caption):
            # A lazy frame: built only if the history keeps it.
            return partial(
                SOMSnapshot, iteration=epoch, centers=weights, labels=best, caption=caption, phase=phase,
                ids=ids, positions=positions, edges=edges, ages=ages, n_neurons=n_units,
                added_ids=_NO_IDS, removed_ids=_NO_IDS, split=None, hits=hits, qe=qe, te=te,
                sigma=sigma, alpha=0.0)

        yield snapshot(0, 1, sigma0,
                       f"Initial map: a {rows}x{cols} {self.lattice} lattice, weights drawn "
                       f"uniformly in each feature's range; QE {qe:.3g}.")
        reason, epoch = "max_epochs", 0
        for epoch in range(1, self.max_epochs + 1):
            sigma, _ = self._schedule(epoch, sigma0)
            # Eq. 11 with the BMUs of the previous weights (Eq. 9), which are
            # the ones measured at the end of the previous epoch.
            weights, _ = batch_weights(X, best, weights, positions, sigma,
                                       lattice_distances=lattice_distances)
            previous_qe = qe
            best, _, hits, qe, te = self._measure(X, weights, adjacency, order)
            yield snapshot(epoch, 2, sigma,
                           f"Epoch {epoch}: batch update (Eq. 11) with sigma = {sigma:.3g}; "
                           f"QE {qe:.4g}, TE {te:.3g}, {np.sum(hits == 0)} dead units.")
            # Termination (A3): the absolute change of the QE, once sigma is final.
            if epoch > self.decay_epochs and abs(qe - previous_qe) < self.eps1:
                reason = "converged"
                break
        return self._fitted((rows, cols), weights, positions, edges, ages, ids, best, qe, te,
                            epoch, reason)


class _Map:
    """AMSOM's mutable state: weights W, positions R, edges E, ages A and persistent ids.

    ``largest_age`` bounds every age the fit can reach: below 2**31 the (M, M)
    age matrix is int32, half the memory traffic of int64 in every epoch
    (None: no bound is known, int64).
    """

    def __init__(self, weights, positions, adjacency, largest_age=None):
        self.weights = weights
        self.positions = positions
        self.adjacency = adjacency
        small = largest_age is not None and largest_age < np.iinfo(np.int32).max
        age_type = np.int32 if small else np.int64
        self.ages = np.zeros(adjacency.shape, dtype=age_type)
        self.ids = np.arange(len(weights))
        self.next_id = len(weights)

    def __len__(self):
        return len(self.weights)

    def keep(self, mask):
        """Keep the neurons where ``mask`` is true; return the ids removed."""
        removed = self.ids[~mask]
        self.weights = self.weights[mask]
        self.positions = self.positions[mask]
        self.adjacency = self.adjacency[mask][:, mask]   # np.ix_ is 5 times slower here
        self.ages = self.ages[np.ix_(mask, mask)]
        self.ids = self.ids[mask]
        return removed

    def remove_isolated(self, X):
        """Remove every neuron with no edge, never going below 2 neurons; return their ids.

        If fewer than 2 would be left, the isolated neurons that win the most
        samples of ``X`` (then the lowest index) stay (our choice; the paper
        does not say).
        """
        isolated = np.flatnonzero(~self.adjacency.any(axis=1))
        may_go = max(len(self) - 2, 0)
        if len(isolated) > may_go:
            hits = np.bincount(nearest(X, self.weights)[0], minlength=len(self))
            isolated = isolated[np.lexsort((isolated, -hits[isolated]))][len(isolated) - may_go:]
        mask = np.ones(len(self), dtype=bool)
        mask[isolated] = False
        return self.keep(mask) if len(isolated) else _NO_IDS

    def split(self, q, f, beta, rule, origin=None):
        """Replace neuron q by two children that inherit its edges (Eqs. 15-18, Fig. 7).

        Both children keep q's edges with age 0 and are linked to each other;
        they go to the end of the arrays with two new ids. Returns their ids.
        """
        (w1, w2), (r1, r2) = split_children(self.weights[q], self.positions[q],
                                            self.weights[f], self.positions[f], beta, rule,
                                            origin)
        n = len(self)
        self.weights = np.vstack([self.weights, w1, w2])
        self.positions = np.vstack([self.positions, r1, r2])
        adjacency = np.zeros((n + 2, n + 2), dtype=bool)
        adjacency[:n, :n] = self.adjacency
        adjacency[n, :n] = adjacency[n + 1, :n] = self.adjacency[q]
        adjacency[n, n + 1] = adjacency[n + 1, n] = True
        adjacency[:n, n:] = adjacency[n:, :n].T
        ages = np.zeros((n + 2, n + 2), dtype=self.ages.dtype)
        ages[:n, :n] = self.ages
        self.adjacency, self.ages = adjacency, ages
        children = np.array([self.next_id, self.next_id + 1])
        self.ids = np.concatenate([self.ids, children])
        self.next_id += 2
        mask = np.ones(n + 2, dtype=bool)
        mask[q] = False
        self.keep(mask)
        return children


class AMSOM(BatchSOM):
    """The Adaptive Moving Self-Organizing Map (Spanakis & Weiss, 2016).

    Phase I builds the same lattice and weights as :class:`BatchSOM`.
    Each Phase II epoch then (Fig. 3): finds the two best units of every
    sample (Eq. 9); ages the edges and links every (best, second) pair;
    updates the weights (Eq. 11) and then the positions (Eq. 13); removes
    the edges older than ``age_max`` and the neurons left with no edge;
    every ``t_add`` epochs splits the neuron with the largest error if it
    exceeds ``GT = -ln(D) ln(SF)`` (Eqs. 15-18); and keeps at most Q edges
    per neuron. Phase III freezes the structure and smooths weights and
    positions with the immediate neighbours only.

    Parameters
    ----------
    lattice, grid_shape, side_ratio, sigma0, sigma_final, decay_epochs, eps1, max_epochs
        As for :class:`BatchSOM` (Phase I and the sigma schedule).
    spread_factor : float, default=0.5
        SF in (0, 1): the growth threshold is ``-ln(D) ln(SF)``.
    gamma : float, default=5.0
        gamma of Eq. 14: small values move neurons more (the paper: 1-10
        works best; about 100 is close to the classic SOM).
    alpha : float, default=0.01
        alpha_0, the position learning rate of Eq. 13.
    alpha_schedule : {"linear", "constant"}, default="linear"
        "linear" (ours, A4): alpha decays linearly to 0 at epoch T + 1, as
        sigma reaches its final value. "constant" keeps alpha_0, which
        collapses the map over many epochs (the notebook shows why).
    alpha_phase3 : float, default=0.001
        alpha in Phase III.
    age_max : int or inf, default=30
        Edges older than this (in epochs) are removed.
    t_add : int, default=30
        At least this many epochs between two growth checks.
    max_neighbors : int, inf or None, default=None
        Q, the most edges a neuron keeps; None gives 4 (rect) or 6 (hex).
    eps2 : float, default=1e-10
        Phase III stops when the training QE changes by less than eps2.
    phase3_max_epochs : int, default=100
        The longest Phase III (0 skips it).
    age_mode : {"epoch", "sample"}, default="epoch"
        See :func:`age_edges`.
    split_rule : {"eq16", "midpoint"}, default="eq16"
        See :func:`split_children`.
    growth_threshold : float or None, default=None
        None uses GT = -ln(D) ln(SF) (0 when D = 1, with a warning).
    random_state : int, Generator or None, default=None
        Seeds the initial weights (first draw) and the split factors beta.
    record_every : int, default=1
        Keep every n-th snapshot in ``history_`` (0 keeps only the last).

    Attributes
    ----------
    weights_, cluster_centers_, positions_, edges_, ages_, ids_, labels_, grid_shape_
        As for :class:`BatchSOM`, for the final, adapted map.
    growth_threshold_ : float
        The GT used.
    n_epochs_ : int
        Epochs run in Phases II and III together.
    n_phase2_epochs_ : int
    stop_reason_ : {"converged", "max_epochs"}
        Why Phase II stopped.
    phase3_stop_reason_ : {"converged", "phase3_max_epochs", "skipped"}
    quantization_error_, topographic_error_ : float
        On the training set (the training TE is near 0 by construction:
        compare TE on held-out data).
    history_ : tuple of SOMSnapshot

    References
    ----------
    G. Spanakis and G. Weiss, "AMSOM: Adaptive Moving Self-organizing Map
    for Clustering and Visualization", ICAART 2016.
    Notebook ``02-amsom.ipynb``, sections "AMSOM, one idea at a time" and
    "Reading the paper".

    Examples
    --------
    >>> from tutorcluster import AMSOM
    >>> from tutorcluster.datasets import load
    >>> X, y = load("iris", standardize=True)
    >>> model = AMSOM(random_state=0).fit(X)
    >>> model.history_[0].n_neurons, model.weights_.shape[0]
    (64, 46)
    """

    def __init__(self, *, lattice="rect", grid_shape=None, side_ratio="eig", spread_factor=0.5,
                 gamma=5.0, alpha=0.01, alpha_schedule="linear", alpha_phase3=0.001, age_max=30,
                 t_add=30, max_neighbors=None, sigma0=None, sigma_final=1.0, decay_epochs=100,
                 eps1=1e-6, eps2=1e-10, max_epochs=1000, phase3_max_epochs=100, age_mode="epoch",
                 split_rule="eq16", growth_threshold=None, random_state=None, record_every=1):
        super().__init__(lattice=lattice, grid_shape=grid_shape, side_ratio=side_ratio,
                         sigma0=sigma0, sigma_final=sigma_final, decay_epochs=decay_epochs,
                         eps1=eps1, max_epochs=max_epochs, random_state=random_state,
                         record_every=record_every)
        self.spread_factor = spread_factor
        self.gamma = gamma
        self.alpha = alpha
        self.alpha_schedule = alpha_schedule
        self.alpha_phase3 = alpha_phase3
        self.age_max = age_max
        self.t_add = t_add
        self.max_neighbors = max_neighbors
        self.eps2 = eps2
        self.phase3_max_epochs = phase3_max_epochs
        self.age_mode = age_mode
        self.split_rule = split_rule
        self.growth_threshold = growth_threshold

    def _check_params(self, n_features):
        check_real(self.spread_factor, "spread_factor", low=0, high=1,
                   low_inclusive=False, high_inclusive=False)
        check_real(self.gamma, "gamma", low=0, low_inclusive=False)
        check_real(self.alpha, "alpha", low=0)
        check_choice(self.alpha_schedule, "alpha_schedule", {"linear", "constant"})
        check_real(self.alpha_phase3, "alpha_phase3", low=0)
        age_max = _check_int_or_inf(self.age_max, "age_max", minimum=0)
        check_int(self.t_add, "t_add", minimum=1)
        if self.max_neighbors is None:
            max_neighbors = LATTICE_DEGREE[self.lattice]
        else:
            max_neighbors = _check_int_or_inf(self.max_neighbors, "max_neighbors", minimum=1)
        check_real(self.eps2, "eps2", low=0)
        check_int(self.phase3_max_epochs, "phase3_max_epochs", minimum=0)
        check_choice(self.age_mode, "age_mode", {"epoch", "sample"})
        check_choice(self.split_rule, "split_rule", {"eq16", "midpoint"})
        if self.growth_threshold is not None:
            growth_threshold = check_real(self.growth_threshold, "growth_threshold", low=0)
        else:
            # GT = -ln(D) ln(SF) (Sec. 3.1.2; GSOM has D where AMSOM has ln D).
            growth_threshold = -math.log(n_features) * math.log(self.spread_factor)
            if n_features == 1:
                warnings.warn(
                    "With one feature ln(D) = 0, so the growth threshold GT = -ln(D) ln(SF) is 0 "
                    "and a neuron splits every t_add epochs; pass growth_threshold= to set one.",
                    UserWarning, stacklevel=4)
        return age_max, max_neighbors, growth_threshold

    def _grow(self, X, state, growth_threshold, rng, order=None):
        """The growth check (Sec. 3.2.2): split the worst neuron if its error exceeds GT.

        Returns ``(parent_id, f_id, u1_id, u2_id, beta)`` or None.
        """
        errors = accumulated_errors(X, state.weights, order)
        q = int(np.argmax(errors))
        if not errors[q] > growth_threshold:
            return None
        neighbours = np.flatnonzero(state.adjacency[q])
        if len(neighbours):
            # f: the neighbour of q with the largest error (lowest index on ties).
            f = int(neighbours[np.argmax(errors[neighbours])])
        else:
            # q has no edge: f is the neuron with the nearest weight.
            gaps = np.linalg.norm(state.weights - state.weights[q], axis=1)
            gaps[q] = np.inf
            f = int(np.argmin(gaps))
        beta = float(rng.standard_normal())
        parent, partner = int(state.ids[q]), int(state.ids[f])
        u1, u2 = state.split(q, f, beta, self.split_rule, X.mean(axis=0))
        return parent, partner, int(u1), int(u2), beta

    def _iterate(self, X, y=None):
        self._check_common()
        age_max, max_neighbors, growth_threshold = self._check_params(X.shape[1])
        rng = check_rng(self.random_state)

        # Phase I (Fig. 3, steps 1.1-1.6): lattice, weights, positions, E from
        # the lattice, A = 0, GT.
        (rows, cols), weights, positions, sigma0 = self._initial_map(X, rng)
        # An age grows by at most 1 an epoch ("epoch" mode) or 1 a sample
        # ("sample" mode), and is cut once it passes age_max.
        per_epoch = len(X) if self.age_mode == "sample" else 1
        largest_age = (min(age_max, self.max_epochs) + 1) * per_epoch
        state = _Map(weights, positions,
                     adjacency_matrix(lattice_edges(rows, cols, self.lattice), rows * cols),
                     largest_age)

        order = tree_query_order(X)     # once per fit: only makes the BMU search faster

        def measure():
            edges, edge_ages = edge_list(state.adjacency, state.ages)
            best, second, hits, qe, te = self._measure(X, state.weights, state.adjacency, order)
            return edges, edge_ages, best, second, hits, qe, te

        def snapshot(epoch, phase, sigma, alpha, added, removed, split, caption):
            # A lazy frame: every array passed here is rebound, never changed
            # in place, after the yield (state.adjacency and state.ages are not passed).
            return partial(
                SOMSnapshot, iteration=epoch, centers=state.weights, labels=best, caption=caption,
                phase=phase, ids=state.ids, positions=state.positions, edges=edges,
                ages=edge_ages, n_neurons=len(state), added_ids=added, removed_ids=removed,
                split=split, hits=hits, qe=qe, te=te, sigma=sigma, alpha=alpha)

        edges, edge_ages, best, second, hits, qe, te = measure()
        yield snapshot(0, 1, sigma0, self.alpha, _NO_IDS, _NO_IDS, None,
                       f"Phase I: a {rows}x{cols} {self.lattice} lattice of {len(state)} neurons "
                       f"linked to their lattice neighbours; GT = {growth_threshold:.3g}.")

        # Phase II: training (Fig. 3, step 2).
        last_growth, epoch, reason = 0, 0, "max_epochs"
        for epoch in range(1, self.max_epochs + 1):
            sigma, fraction = self._schedule(epoch, sigma0)
            alpha = self.alpha * (1 - fraction) if self.alpha_schedule == "linear" else self.alpha
            # Steps 2.1-2.5: the (best, second) pairs under the previous weights
            # (measured at the end of the previous epoch) age and link edges.
            age_edges(state.adjacency, state.ages, best, second, self.age_mode)
            # Step 2.6 (Eq. 11), then step 2.7 (Eq. 13) with the new weights.
            new_weights, n_j = batch_weights(X, best, state.weights, state.positions, sigma)
            state.positions = move_positions(state.positions, new_weights, n_j, sigma,
                                             self.gamma, alpha)
            state.weights = new_weights
            # Removal (A2): edges older than age_max, then neurons left with no edge.
            old = state.adjacency & (state.ages > age_max)
            state.adjacency[old] = False
            state.ages[old] = 0
            n_cut = int(old.sum() // 2)
            removed = [state.remove_isolated(X)]
            # Growth (Eqs. 15-18), at most every t_add epochs; after removal (A8).
            split = None
            if epoch - last_growth >= self.t_add:
                split = self._grow(X, state, growth_threshold, rng, order)
                if split is not None:
                    last_growth = epoch
            # Keep at most Q edges per neuron (Fig. 8), then drop isolated neurons.
            n_pruned = 0
            if max_neighbors != math.inf:
                n_pruned = prune_edges(state.adjacency, state.ages, state.positions, max_neighbors)
                removed.append(state.remove_isolated(X))
            removed = np.concatenate(removed)
            added = np.array(split[2:4]) if split is not None else _NO_IDS
            removed = np.concatenate([removed, [split[0]]]) if split is not None else removed
            previous_qe = qe
            edges, edge_ages, best, second, hits, qe, te = measure()
            yield snapshot(epoch, 2, sigma, alpha, added, removed, split,
                           self._caption(epoch, sigma, alpha, n_cut + n_pruned, removed, split,
                                         len(state), qe))
            # Termination (A3): once sigma and alpha are final, no neuron came
            # or went, and the QE changed by less than eps1.
            if (epoch > self.decay_epochs and len(added) == 0 and len(removed) == 0
                    and abs(qe - previous_qe) < self.eps1):
                reason = "converged"
                break
        n_phase2_epochs = epoch

        # Phase III (Sec. 3.3): structure frozen; Eqs. 11 and 13 over the
        # immediate neighbours only, sigma = sigma_final, alpha = alpha_phase3.
        # The edges (and their ages) no longer change: `edges` is the edge
        # list of the last measure, which every Phase III snapshot shares.
        phase3_reason = "skipped" if self.phase3_max_epochs == 0 else "phase3_max_epochs"
        if FAST_KERNELS:
            neighbours = dict(edges=edges)
        else:
            neighbours = dict(mask=state.adjacency | np.eye(len(state), dtype=bool))
        for epoch in range(epoch + 1, epoch + self.phase3_max_epochs + 1):
            sigma, alpha = float(self.sigma_final), float(self.alpha_phase3)
            new_weights, n_j = batch_weights(X, best, state.weights, state.positions, sigma,
                                             **neighbours)
            state.positions = move_positions(state.positions, new_weights, n_j, sigma,
                                             self.gamma, alpha, **neighbours)
            state.weights = new_weights
            previous_qe = qe
            best, second, hits, qe, te = self._measure(X, state.weights, state.adjacency, order)
            yield snapshot(epoch, 3, sigma, alpha, _NO_IDS, _NO_IDS, None,
                           f"Epoch {epoch} (Phase III): smoothing over the immediate neighbours "
                           f"(Eqs. 11, 13; sigma = {sigma:g}, alpha = {alpha:g}); QE {qe:.4g}.")
            if abs(qe - previous_qe) < self.eps2:
                phase3_reason = "converged"
                break
        fitted = self._fitted((rows, cols), state.weights, state.positions, edges, edge_ages,
                              state.ids, best, qe, te, epoch, reason)
        fitted.update(growth_threshold_=growth_threshold, n_phase2_epochs_=n_phase2_epochs,
                      phase3_stop_reason_=phase3_reason)
        return fitted

    @staticmethod
    def _caption(epoch, sigma, alpha, n_cut, removed, split, n_neurons, qe):
        events = []
        if n_cut:
            events.append(f"{n_cut} edge(s) cut")
        if split is not None:
            events.append(f"neuron {split[0]} split into {split[2]} and {split[3]} "
                          f"(Eqs. 15-18, beta = {split[4]:.2f})")
        gone = len(removed) - (split is not None)
        if gone:
            events.append(f"{gone} neuron(s) removed")
        return (f"Epoch {epoch} (Phase II): weights by Eq. 11 (sigma = {sigma:.3g}), positions by "
                f"Eq. 13 (alpha = {alpha:.2g}); " + ("; ".join(events) + "; " if events else "")
                + f"{n_neurons} neurons, QE {qe:.4g}.")
