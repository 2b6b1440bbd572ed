"""Weighted mean subtractive clustering and its baselines.

Subtractive clustering (Chiu, 1994) finds cluster centres *and how many
there are* in one deterministic pass. Every data point gives off a Gaussian
"hill"; added together the hills form a mountain landscape, and a point's
height is its *potential* (Eq. 1). The tallest peak becomes a centre, the
landscape is carved down around it (Eqs. 2-3) so that its neighbours cannot
win next, and this repeats until what is left is too low (Chiu's
accept / grey-zone / reject rule).

Weighted mean subtractive clustering (WMSC; Chen, Qin & Jia, 2008) keeps the
peak picking but moves each chosen peak to the potential-weighted mean of
the points within ``ra`` of it (Eq. 4), so a centre can lie where there is no
data point (the middle of a ring), and carves the landscape around that new
centre (Eq. 5).

Mountain clustering (Yager & Filev, 1994) is the same search over the nodes
of a grid instead of the data points; kernel subtractive clustering (Kim et
al., 2005) measures the distances of Eq. 1 in the feature space of a Gaussian
kernel. Fuzzy c-means (Bezdek) is the paper's iterative baseline.

The paper's Eqs. 1-5 were printed as images and are lost from the text that
survives: Eqs. 1-3 are Chiu's and well documented; Eqs. 4-5 are rebuilt from
the paper's words (its Steps 2-3), and the other readings are available as
options. The notebook ``notebooks/05-wmsc.ipynb`` explains the choices in its
appendix "Reading the paper".

How the loop is made fast without changing a single decision: the
potentials change only when a centre is accepted, so the order of the
candidates is fixed between two accepts. The loop sorts the candidates once
per accept and walks down that list; a rejected candidate costs O(1) (its
neighbourhood, for WMSC, comes from a k-d tree), and Eq. 1 at a new centre is
evaluated only when the centre is accepted.

References
----------
J. Chen, Z. Qin and J. Jia, "A weighted mean subtractive clustering
algorithm", Information Technology Journal 7(2):356-360, 2008.
S. L. Chiu, "Fuzzy model identification based on cluster estimation",
J. Intelligent and Fuzzy Systems 2:267-278, 1994.
R. R. Yager and D. P. Filev, "Approximate clustering via the mountain
method", IEEE Trans. SMC 24(8):1279-1284, 1994.
D.-W. Kim, K. Y. Lee, D. Lee and K. H. Lee, "A kernel-based subtractive
clustering method", Pattern Recognition Letters 26:879-891, 2005.
J. C. Bezdek, "Pattern Recognition with Fuzzy Objective Function
Algorithms", Plenum, 1981.
Notebook: ``notebooks/05-wmsc.ipynb``.
"""

import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
from scipy.spatial import cKDTree
from sklearn.base import ClusterMixin

from ._snapshots import Snapshot, SnapshotEstimator
from ._validation import check_choice, check_fitted_X, check_int, check_n_clusters, check_real, check_rng
from .distances import NearestCentreMixin, nearest, row_blocks, squared_distances

#: Memory for one block of the potential computation (Eq. 1), in bytes.
BLOCK_BYTES = 32 * 2**20


# ---------------------------------------------------------------------------
# The landscape: normalisation and Eq. 1
# ---------------------------------------------------------------------------

def unit_hypercube(X, bounds=None):
    """Map ``X`` into the unit hypercube, feature by feature.

    ``x' = (x - min) / (max - min)``, clipped to [0, 1], with the bounds taken
    from ``X`` or given (Chiu; MATLAB ``subclust``). A feature whose span is
    0 gets span 1 (it maps to 0), so that ``x' * span + min`` always gives
    ``x`` back.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    bounds : array-like of shape (2, n_features), default=None
        Row 0 the minimum and row 1 the maximum of every feature; None uses
        the data's own.

    Returns
    -------
    X_unit : ndarray of shape (n_samples, n_features)
    low : ndarray of shape (n_features,)
    span : ndarray of shape (n_features,)
    """
    X = np.asarray(X, dtype=float)
    if bounds is None:
        low, high = X.min(axis=0), X.max(axis=0)
    else:
        bounds = np.asarray(bounds, dtype=float)
        if bounds.shape != (2, X.shape[1]):
            raise ValueError(
                f"bounds must have shape (2, n_features) = (2, {X.shape[1]}), got {bounds.shape}."
            )
        if not np.all(np.isfinite(bounds)):
            raise ValueError("bounds contains NaN or infinite values.")
        low, high = bounds
        if np.any(high < low):
            raise ValueError("bounds must have its minimum (row 0) <= its maximum (row 1).")
    span = high - low
    span = np.where(span > 0, span, 1.0)
    # Subtracting the minimum first keeps the digits that matter, whatever
    # the offset of the data (1e6 + 0.3 and 1e6 + 0.4 map to 0.3 and 0.4).
    return np.clip((X - low) / span, 0.0, 1.0), low.copy(), span


def kernel_squared_distances(d2, sigma):
    """Squared distance in the feature space of a Gaussian kernel.

    With ``K(x, y) = exp(-||x - y||^2 / sigma^2)``,
    ``||phi(x) - phi(y)||^2 = K(x, x) + K(y, y) - 2 K(x, y) = 2 - 2 K(x, y)``
    (Kim et al., 2005). It grows like ``2 d^2 / sigma^2`` for small ``d`` and
    never exceeds 2.

    Parameters
    ----------
    d2 : ndarray
        Squared Euclidean distances.
    sigma : float
        The kernel width.
    """
    return 2.0 - 2.0 * np.exp(-d2 / sigma**2)


def potentials(points, X, ra, *, sigma=None, block_bytes=BLOCK_BYTES):
    """Eq. 1: the height of the mountain landscape of ``X`` at each of ``points``.

    ``P(y) = sum_j exp(-alpha ||y - x_j||^2)`` with ``alpha = 4 / ra^2``.
    At a data point the sum includes the point itself, so ``P_i >= 1``.

    The distances are computed a block of rows at a time (about
    ``block_bytes`` per block), so the memory stays bounded however many
    points there are: no ``len(points) x len(X)`` matrix is ever held unless
    it fits in one block.

    Parameters
    ----------
    points : array-like of shape (n_points, n_features)
        Where to evaluate the landscape (the data points themselves for
        subtractive clustering, grid nodes for mountain clustering).
    X : array-like of shape (n_samples, n_features)
        The data raising the landscape (normalised to the unit hypercube).
    ra : float
        The neighbourhood radius ``r_a``.
    sigma : float, default=None
        Kernel subtractive clustering: measure ``||y - x_j||^2`` in the
        feature space of a Gaussian kernel of width ``sigma``
        (:func:`kernel_squared_distances`). None uses the plain distance.
    block_bytes : int, default=32 MiB
        Memory for one block of squared distances (the factored form's
        tiles are smaller still: at most :data:`TILE_BYTES`).

    Returns
    -------
    ndarray of shape (n_points,)
    """
    symmetric = points is X  # the potentials of the data points themselves
    points = np.asarray(points, dtype=float)
    X = np.asarray(X, dtype=float)
    alpha = 4.0 / ra**2
    origin = X.mean(axis=0) if len(X) else np.zeros(X.shape[1])
    out = np.zeros(points.shape[0])
    if sigma is None:
        factored = _factored_potentials(points, X, alpha, origin, symmetric, block_bytes)
        if factored is not None:
            return factored

    def hills(block):  # exp(-alpha d^2) for a block of squared distances, in place
        if sigma is not None:
            block = kernel_squared_distances(block, sigma)
        block *= -alpha
        return np.exp(block, out=block)

    # The loop is over memory blocks, not over the algorithm: each block is
    # one vectorised (rows x n_samples) computation.
    for rows in row_blocks(points.shape[0], 8 * max(1, X.shape[0]), block_bytes):
        if symmetric:
            # exp(-alpha d_ij^2) is symmetric in i and j, so each pair is
            # computed once: the block covers columns start.., and the part
            # right of the diagonal block is also added to the columns' sums.
            start, stop = rows.start, rows.stop
            block = hills(squared_distances(X[rows], X[start:], origin=origin))
            out[rows] += block.sum(axis=1)
            out[stop:] += block[:, stop - start:].sum(axis=0)
        else:
            out[rows] = hills(squared_distances(points[rows], X, origin=origin)).sum(axis=1)
    return out


#: The factored form of Eq. 1 is used while ``alpha * max |x - origin|^2`` stays
#: below this: its factors then lie in [e^-30, e^60], far from over- and
#: underflow, and the exponent's rounding stays near 1e-14.
FACTORED_LIMIT = 30.0

#: Threads that share the tiles of Eq. 1. Fixed (not the machine's core
#: count) so that the potentials are the same numbers on every machine.
POTENTIAL_THREADS = 2

#: The factored Eq. 1 works on tiles of at most this many columns and
#: :data:`TILE_BYTES` bytes: small enough to stay in a core's cache between the
#: matrix product, the ``exp`` and the two sums that read it, which is about
#: twice as fast as streaming 32 MiB blocks through memory three times.
TILE_COLUMNS = 2048
TILE_BYTES = 2**20


def _factored_potentials(points, X, alpha, origin, symmetric, block_bytes):
    """Eq. 1 as ``P_i = a_i * sum_j exp(2 alpha y_i . x_j) b_j`` (None when unsafe).

    ``exp(-alpha ||y - x||^2) = exp(-alpha |y|^2) exp(2 alpha y . x) exp(-alpha |x|^2)``
    (all centred on ``origin``): per pair one product (in the matrix product
    ``Y @ X.T``) and one ``exp``; the sums over ``j`` are matrix-vector
    products. Same values as the direct sum to about 1e-14, in about a third
    of the time. Wide data or a small ``ra`` make the factors overflow:
    then it returns None and the caller sums directly.

    The pairs are taken a tile at a time (rows ``r`` of ``Y`` against at most
    :data:`TILE_COLUMNS` columns ``c`` of ``X``), each tile used three times
    while it is still in the cache: ``E = exp(2 alpha Y[r] @ X[c].T)``, its
    row sums ``E @ b[c]`` and, for the data points themselves, its column
    sums ``a[r] @ E``.
    """
    Y, Xc = points - origin, X - origin
    reach = max(float(np.einsum("ij,ij->i", Xc, Xc).max(initial=0.0)),
                float(np.einsum("ij,ij->i", Y, Y).max(initial=0.0)))
    if alpha * reach > FACTORED_LIMIT:
        return None
    a = np.exp(-alpha * np.einsum("ij,ij->i", Y, Y))
    b = np.exp(-alpha * np.einsum("ij,ij->i", Xc, Xc))
    Y2 = 2.0 * alpha * Y
    width = max(1, min(TILE_COLUMNS, len(Xc)))
    # Rows per tile: never more than the width, so that a diagonal block of
    # the symmetric case fits in its first tile.
    height = max(1, min(width, min(block_bytes, TILE_BYTES) // (8 * width)))
    blocks = list(row_blocks(len(Y), 1, height))
    rows_part = np.zeros(len(Y))  # sum_j e_ij b_j over the pairs done row-wise

    def share(worker):
        # Worker w takes row blocks w, w + T, w + 2T, ... (a fixed split, so the
        # sums are added in the same order on every machine and every run).
        cols = np.zeros(len(Xc))  # sum_i a_i e_ij over the pairs done column-wise
        tile = np.empty(height * width)
        for rows in blocks[worker::POTENTIAL_THREADS]:
            start, stop = rows.start, rows.stop
            # Symmetric: each pair once. The tiles cover columns start.., and
            # what lies right of the diagonal block also adds to those columns.
            first = start if symmetric else 0
            row_sum = np.zeros(stop - start)
            for left in range(first, len(Xc), width):
                right = min(left + width, len(Xc))
                E = tile[:(stop - start) * (right - left)].reshape(stop - start, right - left)
                np.matmul(Y2[rows], Xc[left:right].T, out=E)
                np.exp(E, out=E)
                row_sum += E @ b[left:right]
                if symmetric:
                    skip = max(0, stop - left)  # the diagonal block's columns (first tile only)
                    cols[left + skip:right] += a[rows] @ E[:, skip:]
            rows_part[rows] = row_sum
        return cols

    # NumPy releases the GIL inside exp and the matrix products, so the
    # tiles are shared by a few threads: Eq. 1 is most of a fit's time.
    if len(blocks) > 1:
        with ThreadPoolExecutor(POTENTIAL_THREADS) as pool:
            cols_part = sum(pool.map(share, range(POTENTIAL_THREADS)))
    else:
        cols_part = sum(share(worker) for worker in range(POTENTIAL_THREADS))
    out = a * rows_part
    if symmetric:
        out += b * cols_part
    return out


def _squared_distances_to(points, centre):
    """Squared distance from every row of ``points`` to one ``centre`` (exact)."""
    return ((points - centre) ** 2).sum(axis=1)


def nearest_center(X_unit, centers_unit):
    """Label of the nearest centre for each row (ties go to the lower index)."""
    return nearest(X_unit, centers_unit)[0]


# ---------------------------------------------------------------------------
# The snapshot: what changed, not the whole landscape
# ---------------------------------------------------------------------------

class Landscape:
    """The potentials right after one carve, shared by the frames that follow it.

    Between two accepted centres the landscape does not change, except that
    each rejected candidate's potential is set to 0. So the frames of one
    stretch share one read-only copy of the potentials (``carved``) and the
    log of the candidates examined in the run (``log``); a frame rebuilds
    its own potentials from them when asked. This keeps the history of a
    long run (thousands of grey-zone rejections) at a few bytes per frame.

    Parameters
    ----------
    carved : ndarray of shape (n_candidates,)
        The potentials after the carve (read-only; never changed).
    log : _CandidateLog
        The candidate indices examined so far in the run (append-only).
    start : int
        How many candidates had been examined when this carve happened.
    """

    __slots__ = ("carved", "log", "start")

    def __init__(self, carved, log, start):
        self.carved = carved
        self.log = log
        self.start = start

    def at(self, position):
        """The potentials when ``position`` candidates had been examined."""
        P = np.array(self.carved, copy=True)
        P[self.log.indices[self.start:position]] = 0.0  # the rejected ones since the carve
        P.setflags(write=False)
        return P

    @property
    def nbytes(self):
        return self.carved.nbytes

    def __eq__(self, other):
        return (isinstance(other, Landscape) and self.start == other.start
                and np.array_equal(self.carved, other.carved)
                and np.array_equal(self.log.indices, other.log.indices))

    __hash__ = None

    def __repr__(self):
        return f"Landscape(<{len(self.carved)} potentials>, start={self.start})"


class _CandidateLog:
    """The candidate indices examined in one run, in order (append-only)."""

    __slots__ = ("_buffer", "size")

    def __init__(self):
        self._buffer = np.empty(64, dtype=np.intp)
        self.size = 0

    def append(self, index):
        if self.size == len(self._buffer):
            self._buffer = np.concatenate([self._buffer, np.empty_like(self._buffer)])
        self._buffer[self.size] = index
        self.size += 1

    @property
    def indices(self):
        return self._buffer[:self.size]


@dataclass(frozen=True, eq=False, kw_only=True)
class SubtractiveSnapshot(Snapshot):
    """One candidate of (weighted mean, kernel) subtractive or mountain clustering.

    ``iteration`` counts the candidates examined (1, 2, ...), ``centers``
    holds the centres accepted so far in the data's own units. ``labels``
    is None until the last frame (the candidate loop assigns no labels; at
    the end each point goes to its nearest centre). The "normalised" fields
    are in the unit hypercube where the algorithm works.

    The potentials are not stored per frame: a frame keeps the shared
    :class:`Landscape` of the last carve and rebuilds ``potential_before``
    and ``potential_after`` from it when they are read.

    Attributes
    ----------
    candidate_set : {"points", "grid"}
        Whether the candidates (and the potentials) are the data points
        (SC, WMSC, KSC) or grid nodes (mountain clustering).
    n_centers_before : int
        Centres accepted before this candidate.
    potential_before, potential_after : ndarray of shape (n_candidates,)
        (Properties.) Every candidate's potential before and after this step.
    candidate_index : int
        Which candidate has the largest current potential (lowest index on
        ties).
    candidate, candidate_original : ndarray of shape (n_features,)
        That candidate, normalised and in the data's units.
    candidate_potential : float
        Its current potential ``P_k^*``.
    ratio : float
        ``rho = P_k^* / P_ref``, ``P_ref`` being the first candidate's potential.
    neighbourhood : ndarray of int
        The points averaged by Eq. 4 (``||x_j - c_k|| < ra``); ``[candidate_index]``
        for SC, KSC and mountain clustering.
    weights : ndarray of float
        Their weights in Eq. 4 (they sum to 1).
    center, center_original : ndarray of shape (n_features,)
        The centre this candidate would add (its weighted mean for WMSC,
        the candidate itself otherwise), normalised and in the data's units.
    center_height : float or None
        ``H_k``, the height subtracted around the centre (Eqs. 3 and 5);
        None unless the candidate was accepted.
    center_raw_potential : float or None
        Eq. 1 at the centre on the uncarved landscape; computed only for
        an accepted centre (None otherwise).
    d_min_over_ra : float or None
        Distance from the centre to the nearest accepted centre over ``ra``,
        when the ratio fell in the grey zone (None otherwise).
    decision : {"accept", "reject", "stop"}
    reason : str
        ``"ratio>accept"``, ``"grey: rho+d/ra>=1"``, ``"grey: rho+d/ra<1"``,
        ``"ratio<=reject"`` or ``"max_centers"``.
    centers_norm : ndarray of shape (n_centers, n_features)
        The accepted centres after this step, normalised.
    center_heights : ndarray of shape (n_centers,)
        Their heights ``H_l``: with ``centers_norm`` they give the carved
        landscape anywhere (the view draws it).
    ra, rb, accept_ratio, reject_ratio : float
        The settings, so that a frame can be drawn on its own.
    sigma : float or None
        The kernel width of kernel subtractive clustering (None otherwise).
    bounds : ndarray of shape (2, n_features)
        The normalisation: row 0 the minimum, row 1 ``minimum + span``.
    landscape, landscape_after : Landscape
        The shared potentials of the last carve before and after this step
        (the same object unless this candidate was accepted).
    position : int
        Candidates examined before this one (``iteration - 1``).
    """

    candidate_set: str
    n_centers_before: int
    candidate_index: int
    candidate: np.ndarray
    candidate_original: np.ndarray
    candidate_potential: float
    ratio: float
    neighbourhood: np.ndarray
    weights: np.ndarray
    center: np.ndarray
    center_original: np.ndarray
    center_height: float | None
    center_raw_potential: float | None
    d_min_over_ra: float | None
    decision: str
    reason: str
    centers_norm: np.ndarray
    center_heights: np.ndarray
    ra: float
    rb: float
    accept_ratio: float
    reject_ratio: float
    sigma: float | None
    bounds: np.ndarray
    landscape: Landscape
    landscape_after: Landscape
    position: int

    view = "tutorcluster.views.subtractive.SubtractiveView"

    @property
    def potential_before(self):
        """Every candidate's potential when this candidate was picked (read-only)."""
        return self.landscape.at(self.position)

    @property
    def potential_after(self):
        """Every candidate's potential after this step (read-only)."""
        if self.landscape_after is not self.landscape:  # accepted: the new carve
            return self.landscape_after.at(self.position + 1)
        if self.decision == "stop":
            return self.potential_before
        return self.landscape.at(self.position + 1)  # rejected: one more zero


# ---------------------------------------------------------------------------
# Subtractive clustering
# ---------------------------------------------------------------------------

#: The values of ``record``: which candidates make a frame.
RECORD_UNITS = {"candidate", "center", "end"}


class SubtractiveClustering(ClusterMixin, NearestCentreMixin, SnapshotEstimator):
    """Chiu's subtractive clustering, recorded candidate by candidate.

    The data are normalised to the unit hypercube; every point's potential
    is Eq. 1; the point with the largest potential is the next candidate
    and Chiu's rule decides:

    * ``rho = P_k^* / P_ref > accept_ratio``: accept it and carve the
      landscape around it (Eqs. 2-3);
    * ``rho <= reject_ratio``: stop;
    * otherwise (grey zone) accept it if ``d_min / ra + rho >= 1``, where
      ``d_min`` is its distance to the nearest accepted centre; if not,
      reject it (its potential becomes 0, nothing is carved) and try the
      next highest point.

    Parameters
    ----------
    ra : float, default=0.5
        Neighbourhood radius ``r_a`` in normalised units.
    squash_factor : float, default=1.5
        ``r_b = squash_factor * r_a``, the radius of the carving (1.5 in Chiu
        and the WMSC paper; MATLAB's default is 1.25).
    accept_ratio : float, default=0.5
        Upper threshold of Chiu's rule.
    reject_ratio : float, default=0.15
        Lower threshold; ``0 < reject_ratio < 1`` and
        ``reject_ratio <= accept_ratio <= 1``.
    bounds : array-like of shape (2, n_features), default=None
        Minimum and maximum of every feature for the normalisation; None
        uses the data's.
    max_centers : int, default=None
        Stop after this many centres (no limit when None).
    record : {"candidate", "center", "end"}, default="candidate"
        What one frame of ``history_`` is: one **candidate** examined
        (accepted, rejected, or the final stop), one accepted **center**
        (plus the final stop), or only the **end** of the run. A frame holds
        a few numbers and the centres, not the landscape (see
        :class:`SubtractiveSnapshot`), so "candidate" is affordable even
        for runs of thousands of candidates.
    record_every : int, default=1
        Keep every n-th recorded frame in ``history_`` (0 keeps only the last).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters_, n_features)
        The centres in the data's own units.
    cluster_centers_norm_ : ndarray of shape (n_clusters_, n_features)
        The centres in the unit hypercube.
    center_heights_ : ndarray of shape (n_clusters_,)
        The height ``H_k`` subtracted around each centre.
    center_indices_ : ndarray of shape (n_clusters_,)
        The candidate (data point or grid node) that produced each centre.
    potential0_ : ndarray of shape (n_candidates,)
        Every candidate's potential before any carving (Eq. 1).
    labels_ : ndarray of shape (n_samples,)
        Nearest centre of each training point (normalised space).
    n_clusters_ : int
        The number of centres found.
    n_iter_ : int
        Candidates examined (accepted, rejected, or stopped at).
    bounds_ : ndarray of shape (2, n_features)
        The normalisation used: minimum and ``minimum + span``.
    history_ : tuple of SubtractiveSnapshot

    Examples
    --------
    >>> from tutorcluster.datasets import make_artdata
    >>> from tutorcluster import SubtractiveClustering
    >>> X, y = make_artdata()
    >>> SubtractiveClustering(ra=0.5).fit(X).n_clusters_
    2
    """

    _candidate_set = "points"  # where the potentials live: the data points
    _carve_eq = 3              # the equation of the carving, for the captions
    _centres_attribute = "cluster_centers_norm_"  # predict compares in the unit hypercube

    def __init__(self, ra=0.5, *, squash_factor=1.5, accept_ratio=0.5, reject_ratio=0.15,
                 bounds=None, max_centers=None, record="candidate", record_every=1):
        self.ra = ra
        self.squash_factor = squash_factor
        self.accept_ratio = accept_ratio
        self.reject_ratio = reject_ratio
        self.bounds = bounds
        self.max_centers = max_centers
        self.record = record
        self.record_every = record_every

    # -- the parts that differ between SC, WMSC, KSC and mountain clustering --

    def _check_params(self):
        """Validate the parameters shared by SC, WMSC, KSC and mountain clustering."""
        check_real(self.ra, "ra", low=0, low_inclusive=False)
        check_real(self.squash_factor, "squash_factor", low=0, low_inclusive=False)
        check_real(self.reject_ratio, "reject_ratio", low=0, high=1,
                   low_inclusive=False, high_inclusive=False)
        check_real(self.accept_ratio, "accept_ratio", high=1)
        if self.accept_ratio < self.reject_ratio:
            raise ValueError(
                f"accept_ratio must be >= reject_ratio, got accept_ratio={self.accept_ratio} "
                f"and reject_ratio={self.reject_ratio}."
            )
        if self.max_centers is not None:
            check_int(self.max_centers, "max_centers", minimum=1)
        check_choice(self.record, "record", RECORD_UNITS)

    def _candidates(self, X_unit):
        """The places where potentials live: the data points themselves."""
        return X_unit

    def _sigma(self, X_unit):
        """The kernel width (kernel subtractive clustering only)."""
        return None

    def _prepare(self, X_unit):
        """Anything the centre rule needs once per fit (WMSC: a k-d tree)."""
        return None

    def _center(self, index, candidates, X_unit, P, P0, helper):
        """Where candidate ``index`` puts its centre: SC keeps the point itself."""
        return np.array([index]), np.ones(1), candidates[index].copy()

    def _height(self, index, centre, P, raw, centres, heights):
        """Eq. 3: SC subtracts the chosen point's current potential PotVal(c_k)."""
        return float(P[index])

    def _d2(self, d2, sigma):
        """The squared distance the landscape uses (kernel-induced for KSC)."""
        return d2 if sigma is None else kernel_squared_distances(d2, sigma)

    def _dmin_point(self, index, centre, candidates):
        """The point whose distance to the accepted centres enters the grey-zone test."""
        return centre

    # -- the loop --------------------------------------------------------------

    def _iterate(self, X, y=None):
        self._check_params()
        ra = float(self.ra)
        rb = float(self.squash_factor) * ra
        beta = 4.0 / rb**2
        X_unit, low, span = unit_hypercube(X, self.bounds)
        bounds = np.vstack([low, low + span])
        bounds.setflags(write=False)
        candidates = self._candidates(X_unit)
        sigma = self._sigma(X_unit)
        helper = self._prepare(X_unit)
        n_features = X.shape[1]
        record = self.record

        # Step 1 (Eq. 1): the potential of every candidate.
        P0 = potentials(candidates, X_unit, ra, sigma=sigma)
        P = P0.copy()
        p_ref = float(P0.max())  # the first candidate's potential
        centres, heights, indices = [], [], []
        log = _CandidateLog()

        def freeze(values):
            values = np.array(values, copy=True)
            values.setflags(write=False)
            return values

        # The order of the candidates only changes when the landscape is
        # carved: sort once per carve and walk down the list. A stable sort
        # of -P picks the lowest index among equal potentials, as argmax does.
        def ranking(P):
            order = np.argsort(-P, kind="stable")
            return order[P[order] > 0]

        landscape = Landscape(freeze(P), log, 0)
        order, next_in_order = ranking(P), 0
        empty = np.empty((0, n_features))
        iteration = 0
        # The search is sequential by nature: each candidate depends on the
        # landscape carved by all the centres before it.
        while next_in_order < len(order):  # nothing left standing: end without another frame
            i = int(order[next_in_order])
            next_in_order += 1
            iteration += 1
            log.append(i)
            # Step 2: the candidate is the highest remaining peak.
            p_star = float(P[i])
            rho = p_star / p_ref
            nb, w, centre = self._center(i, candidates, X_unit, P, P0, helper)
            n_before = len(centres)
            d_ratio, height, raw = None, None, None

            # Chiu's stopping rule (the paper cites Li et al. 1999, whose
            # rule could not be found; see the notebook, "Reading the paper").
            if self.max_centers is not None and n_before >= self.max_centers:
                decision, reason = "stop", "max_centers"
            elif rho > self.accept_ratio:
                decision, reason = "accept", "ratio>accept"
            elif rho <= self.reject_ratio:
                decision, reason = "stop", "ratio<=reject"
            else:
                # Grey zone. d_min is measured from the centre that would be
                # added (the weighted mean for WMSC): appendix "Reading the paper".
                d2 = _squared_distances_to(np.array(centres), self._dmin_point(i, centre, candidates))
                d_ratio = float(np.sqrt(self._d2(d2, sigma).min()) / ra)
                if d_ratio + rho >= 1:
                    decision, reason = "accept", "grey: rho+d/ra>=1"
                else:
                    decision, reason = "reject", "grey: rho+d/ra<1"

            before = landscape
            if decision == "accept":
                # Eq. 1 at the centre, only now that it is accepted.
                raw = float(potentials(centre[None, :], X_unit, ra, sigma=sigma)[0])
                # Step 3 (Eqs. 2-3 / Eq. 5): carve a Gaussian of radius r_b
                # around the centre, never below 0 (MATLAB clips; Chiu does not,
                # which never changes the maximum).
                height = self._height(i, centre, P, raw, np.array(centres).reshape(-1, n_features),
                                      np.array(heights))
                carve = height * np.exp(-beta * self._d2(_squared_distances_to(candidates, centre), sigma))
                P = np.maximum(0.0, P - carve)
                P[i] = 0.0  # the candidate is used up (appendix "Reading the paper")
                centres.append(centre)
                heights.append(height)
                indices.append(i)
                landscape = Landscape(freeze(P), log, iteration)
                order, next_in_order = ranking(P), 0
            elif decision == "reject":
                P[i] = 0.0  # rejected: its potential goes, nothing is carved

            done = decision == "stop" or next_in_order >= len(order)
            if record == "candidate" or (record == "center" and decision == "accept") or done:
                current = np.array(centres).reshape(-1, n_features) if centres else empty
                yield partial(
                    SubtractiveSnapshot,
                    iteration=iteration,
                    centers=current * span + low,
                    labels=nearest_center(X_unit, current) if done and centres else None,
                    caption=self._caption(iteration, i, p_star, rho, d_ratio, decision, reason,
                                          len(nb), len(centres)),
                    candidate_set=self._candidate_set,
                    n_centers_before=n_before,
                    candidate_index=i,
                    candidate=candidates[i],
                    candidate_original=candidates[i] * span + low,
                    candidate_potential=p_star,
                    ratio=rho,
                    neighbourhood=nb,
                    weights=w,
                    center=centre,
                    center_original=centre * span + low,
                    center_height=height,
                    center_raw_potential=raw,
                    d_min_over_ra=d_ratio,
                    decision=decision,
                    reason=reason,
                    centers_norm=current,
                    center_heights=np.array(heights),
                    ra=ra, rb=rb,
                    accept_ratio=float(self.accept_ratio),
                    reject_ratio=float(self.reject_ratio),
                    sigma=sigma,
                    bounds=bounds,
                    landscape=before,
                    landscape_after=landscape,
                    position=iteration - 1,
                )
            if decision == "stop":
                break

        current = np.array(centres).reshape(-1, n_features) if centres else empty
        fitted = {
            "cluster_centers_norm_": current,
            "cluster_centers_": current * span + low,
            "center_heights_": np.array(heights),
            "center_indices_": np.array(indices, dtype=np.int64),
            "potential0_": P0,
            "labels_": nearest_center(X_unit, current),
            "n_clusters_": len(centres),
            "n_iter_": iteration,
            "bounds_": np.array(bounds),
        }
        fitted.update(self._extra_fitted(candidates, sigma))
        return fitted

    def _extra_fitted(self, candidates, sigma):
        return {}

    def _caption(self, iteration, i, p_star, rho, d_ratio, decision, reason, n_nb, n_centres):
        kind = "grid node" if self._candidate_set == "grid" else "point"
        head = f"Candidate {iteration}: {kind} #{i}, potential {p_star:.3g}, rho = {rho:.2f}"
        if reason == "ratio>accept":
            tail = (f"> accept ratio {self.accept_ratio:g}: ACCEPTED as centre {n_centres}, "
                    f"landscape carved (Eq. {self._carve_eq}).")
        elif reason == "ratio<=reject":
            tail = f"<= reject ratio {self.reject_ratio:g}: STOP with {n_centres} centres."
        elif reason == "max_centers":
            tail = f"but max_centers={self.max_centers} is reached: STOP."
        elif decision == "accept":
            tail = (f"is in the grey zone and rho + d_min/ra = {rho + d_ratio:.2f} >= 1 (far from the "
                    f"other centres): ACCEPTED as centre {n_centres} (Eq. {self._carve_eq}).")
        else:
            tail = (f"is in the grey zone and rho + d_min/ra = {rho + d_ratio:.2f} < 1 (too close to a "
                    f"centre): REJECTED, its potential set to 0, nothing carved.")
        return f"{head} {tail}"

    # -- using the fitted model -----------------------------------------------

    def _centres(self, X):
        # NearestCentreMixin: compare in the unit hypercube, as for labels_.
        return self.normalise(X), self.cluster_centers_norm_

    def normalise(self, X):
        """Map ``X`` to the unit hypercube with the training bounds (clipped to [0, 1]).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        X = check_fitted_X(self, X, "cluster_centers_norm_")
        return np.clip((X - self.bounds_[0]) / (self.bounds_[1] - self.bounds_[0]), 0.0, 1.0)

    def center_potentials(self, X):
        """Eq. 1 at each centre over the data ``X`` (the paper's Figs. 2-4).

        Always the plain Eq. 1, also for kernel subtractive clustering (the
        paper re-evaluates KSC's centres "by using conventional distance").

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Usually the training data.

        Returns
        -------
        ndarray of shape (n_clusters_,)
        """
        return potentials(self.cluster_centers_norm_, self.normalise(X), self.ra)


class WeightedMeanSubtractiveClustering(SubtractiveClustering):
    """Weighted mean subtractive clustering (Chen, Qin & Jia, 2008).

    Subtractive clustering, except that each candidate's centre moves to the
    potential-weighted mean of the points within ``ra`` of it (Eq. 4), and
    the landscape is carved around that centre (Eq. 5). The candidate itself
    is then used up (its potential set to 0), since the carving, no longer
    centred on it, may leave it standing. The stopping rule is Chiu's, with
    ``d_min`` measured from the new centre.

    Parameters
    ----------
    ra, squash_factor, accept_ratio, reject_ratio, bounds, max_centers, record, record_every
        As for :class:`SubtractiveClustering`.
    center_potential : {"landscape", "raw", "selected"}, default="landscape"
        The height ``H_k`` subtracted around the new centre in Eq. 5 (lost
        from the paper): the carved landscape's height at the new centre
        (``"landscape"``, our reconstruction), Eq. 1 at the new centre
        (``"raw"``), or the candidate's current potential (``"selected"``).
    weight_potential : {"current", "initial"}, default="current"
        The potentials that weight Eq. 4: the current, carved ones (those
        that picked the candidate) or the uncarved ones of Eq. 1.
    dmin_from : {"center", "candidate"}, default="center"
        Where the grey-zone distance ``d_min`` is measured from: the new
        centre or the candidate data point.

    Attributes
    ----------
    As for :class:`SubtractiveClustering`.

    References
    ----------
    Chen, Qin & Jia (2008), Steps 1-4 and Eqs. 4-5; notebook
    ``05-wmsc.ipynb``, sections "The equations" and "Reading the paper".

    Examples
    --------
    >>> from tutorcluster.datasets import make_artdata
    >>> from tutorcluster import WeightedMeanSubtractiveClustering
    >>> X, y = make_artdata()
    >>> model = WeightedMeanSubtractiveClustering(ra=0.5).fit(X)
    >>> model.cluster_centers_.round(2)  # the ring's centre first: inside its hole
    array([[0.67, 0.69],
           [0.21, 0.19]])
    """

    _carve_eq = 5

    def __init__(self, ra=0.5, *, squash_factor=1.5, accept_ratio=0.5, reject_ratio=0.15,
                 bounds=None, max_centers=None, center_potential="landscape",
                 weight_potential="current", dmin_from="center", record="candidate", record_every=1):
        super().__init__(ra=ra, squash_factor=squash_factor, accept_ratio=accept_ratio,
                         reject_ratio=reject_ratio, bounds=bounds, max_centers=max_centers,
                         record=record, record_every=record_every)
        self.center_potential = center_potential
        self.weight_potential = weight_potential
        self.dmin_from = dmin_from

    def _check_params(self):
        super()._check_params()
        check_choice(self.center_potential, "center_potential", {"landscape", "raw", "selected"})
        check_choice(self.weight_potential, "weight_potential", {"current", "initial"})
        check_choice(self.dmin_from, "dmin_from", {"center", "candidate"})

    def _prepare(self, X_unit):
        # The neighbourhood of every candidate is needed, rejected ones
        # included (d_min is measured from the weighted mean): a k-d tree
        # finds it without scanning all N points. In many dimensions a tree
        # prunes little, so a plain scan is used there.
        return cKDTree(X_unit) if X_unit.shape[1] <= 8 else None

    def _center(self, index, candidates, X_unit, P, P0, tree):
        # Eq. 4: the points strictly within r_a of the candidate ("radius
        # smaller than r_a"; the candidate itself is always one of them),
        # weighted by their potential.
        ra2 = self.ra**2
        if tree is None:
            nb = np.flatnonzero(_squared_distances_to(X_unit, X_unit[index]) < ra2)
        else:
            # The tree's ball is closed (<=); re-check strictly with the same
            # exact sum of squares as the scan, in index order.
            near = np.sort(np.asarray(tree.query_ball_point(X_unit[index], self.ra * (1 + 1e-9)),
                                      dtype=np.intp))
            nb = near[_squared_distances_to(X_unit[near], X_unit[index]) < ra2]
        # Equal weights for all-zero potentials are never needed: the
        # candidate is in its own neighbourhood with the largest current
        # potential (> 0), and every initial potential is >= 1.
        w = (P if self.weight_potential == "current" else P0)[nb]
        w = w / w.sum()
        return nb, w, w @ X_unit[nb]

    def _height(self, index, centre, P, raw, centres, heights):
        # Eq. 5 (reconstructed): how much to subtract around the new centre.
        if self.center_potential == "selected":
            return float(P[index])
        if self.center_potential == "raw":
            return raw
        # "landscape": the height of the carved landscape at the new centre,
        # H_k = max(0, P(c~_k) - sum_l H_l exp(-beta ||c~_k - c~_l||^2)).
        beta = 4.0 / (self.squash_factor * self.ra) ** 2
        carved = heights @ np.exp(-beta * _squared_distances_to(centres, centre)) if len(heights) else 0.0
        return float(max(0.0, raw - carved))

    def _dmin_point(self, index, centre, candidates):
        return centre if self.dmin_from == "center" else candidates[index]


class KernelSubtractiveClustering(SubtractiveClustering):
    """Kernel subtractive clustering (Kim, Lee, Lee & Lee, 2005).

    Subtractive clustering with every distance of Eqs. 1-3 and of the grey
    zone measured in the feature space of a Gaussian kernel,
    ``||phi(x) - phi(y)||^2 = 2 - 2 exp(-||x - y||^2 / sigma^2)``: a hill
    falls like SC's near its point and levels off at ``exp(-2 alpha)`` far
    from it. The centres are data points, as in SC.

    Parameters
    ----------
    ra, squash_factor, accept_ratio, reject_ratio, bounds, max_centers, record, record_every
        As for :class:`SubtractiveClustering` (``ra`` is measured in the
        kernel's feature space).
    sigma : float or "median", default=sqrt(2)
        The kernel width, in normalised units. The WMSC paper says only that
        KSC's parameters were "set the same as in Kim et al."; we do not have
        their value. The default ``sqrt(2)`` keeps ``ra`` meaning what it
        means for SC: ``2 - 2 exp(-d^2 / 2) = d^2 - d^4 / 4 + ...``, so near
        a point the kernel distance is the Euclidean one, and hills differ
        from SC's only far from their point (where they level off at
        ``exp(-2 alpha)`` instead of falling to 0). ``"median"`` is the usual
        heuristic of kernel methods: the median distance between pairs of
        (normalised) points, over at most 1,000 evenly spaced rows. A
        smaller sigma narrows every hill (the kernel distance near a point is
        about ``sqrt(2) d / sigma``), so more centres are found.

    Attributes
    ----------
    sigma_ : float
        The kernel width used.
    As for :class:`SubtractiveClustering` otherwise.
    """

    def __init__(self, ra=0.5, *, squash_factor=1.5, accept_ratio=0.5, reject_ratio=0.15,
                 bounds=None, max_centers=None, sigma=2**0.5, record="candidate", record_every=1):
        super().__init__(ra=ra, squash_factor=squash_factor, accept_ratio=accept_ratio,
                         reject_ratio=reject_ratio, bounds=bounds, max_centers=max_centers,
                         record=record, record_every=record_every)
        self.sigma = sigma

    def _check_params(self):
        super()._check_params()
        if not (isinstance(self.sigma, str) and self.sigma == "median"):
            check_real(self.sigma, "sigma", low=0, low_inclusive=False)

    def _sigma(self, X_unit):
        if not isinstance(self.sigma, str):
            return float(self.sigma)
        sample = X_unit[:: max(1, len(X_unit) // 1000)]
        d2 = squared_distances(sample, sample)
        pairs = np.sqrt(d2[np.triu_indices(len(sample), k=1)])
        sigma = float(np.median(pairs)) if pairs.size else 0.0
        return sigma if sigma > 0 else 1.0  # all points equal: any width gives one centre

    def _extra_fitted(self, candidates, sigma):
        return {"sigma_": sigma}


class MountainClustering(SubtractiveClustering):
    """Mountain clustering: subtractive clustering over the nodes of a grid.

    The candidates are the ``g^d`` nodes of a regular grid over the unit
    hypercube; each node's potential is Eq. 1 evaluated there, and the
    search, carving and stopping rule are those of subtractive clustering,
    so the two are directly comparable. Yager & Filev's original kernel and
    threshold stop differ in detail (see the notebook, "Reading the paper").

    A grid can only find a peak to within half a cell: a data point can lie
    ``h sqrt(d) / 2`` from its nearest node, ``h = 1 / (g - 1)``. When that
    exceeds ``ra / 2`` (a hill there has fallen to ``e^-1`` of its top) the
    fit warns that the grid is too coarse for ``ra``: its nodes then sample
    the landscape too sparsely, and the number of centres found depends on
    ``g`` more than on the data.

    Parameters
    ----------
    ra, squash_factor, accept_ratio, reject_ratio, bounds, max_centers, record, record_every
        As for :class:`SubtractiveClustering`.
    grid_points : int, default=None
        Nodes per axis ``g``; None takes the largest ``g <= 41`` with
        ``g^d <= max_grid_nodes`` (41 in 2-D, 21 in 4-D).
    max_grid_nodes : int, default=200_000
        Refuse grids with more nodes than this (the cost grows as ``g^d``).

    Attributes
    ----------
    grid_ : ndarray of shape (g^d, n_features)
        The grid nodes, normalised (``potential0_`` is their potential).
    As for :class:`SubtractiveClustering` otherwise.
    """

    _candidate_set = "grid"

    def __init__(self, ra=0.5, *, squash_factor=1.5, accept_ratio=0.5, reject_ratio=0.15,
                 bounds=None, max_centers=None, grid_points=None, max_grid_nodes=200_000,
                 record="candidate", record_every=1):
        super().__init__(ra=ra, squash_factor=squash_factor, accept_ratio=accept_ratio,
                         reject_ratio=reject_ratio, bounds=bounds, max_centers=max_centers,
                         record=record, record_every=record_every)
        self.grid_points = grid_points
        self.max_grid_nodes = max_grid_nodes

    def grid_size(self, n_features):
        """The nodes per axis ``g`` this model uses in ``n_features`` dimensions."""
        limit = check_int(self.max_grid_nodes, "max_grid_nodes", minimum=2)
        d = n_features
        if self.grid_points is None:
            g = min(41, int(np.floor(limit ** (1.0 / d) + 1e-9)))
            if g < 2:
                raise ValueError(
                    f"Mountain clustering in {d} dimensions needs at least 2**{d} = {2**d} grid "
                    f"nodes, more than max_grid_nodes={limit}."
                )
        else:
            g = check_int(self.grid_points, "grid_points", minimum=2)
            if g**d > limit:
                raise ValueError(
                    f"grid_points={g} in {d} dimensions gives {g}**{d} = {g**d} grid nodes, more "
                    f"than max_grid_nodes={limit}."
                )
        return g

    def _candidates(self, X_unit):
        d = X_unit.shape[1]
        g = self.grid_size(d)
        reach = np.sqrt(d) / (2 * (g - 1))  # farthest a point can be from its nearest node
        if reach > self.ra / 2:
            warnings.warn(
                f"MountainClustering: the grid of {g} nodes per axis in {d} dimensions is coarse "
                f"for ra={self.ra:g}: a point can lie {reach:.2f} from its nearest node, more than "
                f"ra/2 = {self.ra / 2:.2f}, so the centres found depend on the grid. Use more "
                f"grid_points (about {int(np.ceil(np.sqrt(d) / self.ra)) + 1} per axis), a larger "
                f"ra, or SubtractiveClustering, whose candidates are the data points.",
                UserWarning, stacklevel=4)
        axis = np.linspace(0.0, 1.0, g)
        return np.stack(np.meshgrid(*[axis] * d, indexing="ij"), axis=-1).reshape(-1, d)

    def _extra_fitted(self, candidates, sigma):
        return {"grid_": candidates}


# ---------------------------------------------------------------------------
# Fuzzy c-means
# ---------------------------------------------------------------------------

def fuzzy_memberships(X, centres, m):
    """Membership of every point in every cluster (fuzzy c-means).

    ``u_ik = 1 / sum_j (d_ik / d_jk)^(2/(m-1))``. A point at distance 0 from
    one or more centres belongs to those centres only, in equal shares.

    Returns
    -------
    ndarray of shape (n_samples, n_clusters)
        Rows sum to 1.
    """
    return np.ascontiguousarray(_memberships(squared_distances(centres, X), m).T)


def _memberships(d2, m):
    """The memberships ``u_ik`` from the squared distances ``d2[i, k] = ||x_k - v_i||^2``.

    Written as ``u_ik = d_ik^(-2/(m-1)) / sum_j d_jk^(-2/(m-1))``: N x c
    powers, not the N x c x c ratios of the textbook form. The arrays are
    (clusters, points), as in Bezdek and scikit-fuzzy, so that the sums and
    minima over the few clusters run along whole rows of points.

    Parameters
    ----------
    d2 : ndarray of shape (n_clusters, n_samples)
    m : float

    Returns
    -------
    ndarray of shape (n_clusters, n_samples)
        Columns sum to 1.
    """
    # Dividing by each point's smallest distance first keeps the powers in
    # range (d2 ** (-1/(m-1)) of a tiny distance would overflow).
    smallest = d2.min(axis=0)
    hit = smallest == 0  # points lying on a centre
    inverse = d2 / np.where(hit, 1.0, smallest)
    with np.errstate(divide="ignore"):
        np.power(inverse, -1.0 / (m - 1.0), out=inverse)
    if hit.any():
        inverse[:, hit] = d2[:, hit] == 0
    inverse /= inverse.sum(axis=0)
    return inverse


class TrainingData:
    """The training data of one fit, shared (read-only) by its snapshots.

    Fuzzy c-means' memberships are a function of the centres and the data,
    so a frame keeps the centres and this shared reference and computes its
    memberships when they are read: the history costs ``c x d`` numbers per
    frame, not ``N x c``.
    """

    __slots__ = ("X",)

    def __init__(self, X):
        self.X = np.array(X, copy=True)
        self.X.setflags(write=False)

    def __eq__(self, other):
        return isinstance(other, TrainingData) and np.array_equal(self.X, other.X)

    __hash__ = None

    def __repr__(self):
        return f"TrainingData(<array {self.X.shape}>)"


@dataclass(frozen=True, eq=False, kw_only=True)
class FuzzyCMeansSnapshot(Snapshot):
    """One iteration of fuzzy c-means.

    Attributes
    ----------
    memberships : ndarray of shape (n_samples, n_clusters)
        (Property.) ``u_ik`` for the centres of this frame (rows sum to 1):
        the random start at frame 0, computed from ``centers`` after it.
        ``labels`` (the argmax) is stored on the last frame only; a view
        takes the argmax of ``memberships``.
    initial_memberships : ndarray or None
        The random memberships of frame 0 (None at later frames).
    previous_centers : ndarray of shape (n_clusters, n_features)
        The centres of the previous frame (equal to ``centers`` at frame 0).
    change : float
        ``max |U_t - U_(t-1)|``, the stopping criterion (NaN at frame 0).
    objective : float
        ``J_m = sum_ik u_ik^m ||x_k - v_i||^2``.
    m : float
        The fuzzifier.
    data : TrainingData
        The shared training data.
    """

    initial_memberships: np.ndarray | None
    previous_centers: np.ndarray
    change: float
    objective: float
    m: float
    data: TrainingData

    view = "tutorcluster.views.subtractive.FuzzyCMeansView"

    @property
    def memberships(self):
        """``u_ik`` of this frame, rows summing to 1 (read-only)."""
        if self.initial_memberships is not None:
            return self.initial_memberships
        U = fuzzy_memberships(self.data.X, self.centers, self.m)
        U.setflags(write=False)
        return U


class FuzzyCMeans(ClusterMixin, NearestCentreMixin, SnapshotEstimator):
    """Fuzzy c-means (Bezdek), the WMSC paper's iterative baseline.

    Alternates the two conditions of a minimum of
    ``J_m = sum_ik u_ik^m ||x_k - v_i||^2``:

    * centres: ``v_i = sum_k u_ik^m x_k / sum_k u_ik^m``;
    * memberships: ``u_ik = 1 / sum_j (d_ik / d_jk)^(2/(m-1))``.

    It starts from random memberships (``U = default_rng(seed).random((c, N))``
    normalised over the clusters) and stops when no membership changes by
    more than ``tol``. Frame 0 shows the random memberships and their
    weighted means; each later frame is one iteration (new centres, then the
    memberships they give).

    The largest membership is also the nearest centre (``u_ik`` falls with
    ``d_ik``), so ``predict``, ``transform`` and ``score`` are the
    nearest-centre ones.

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters c.
    m : float, default=2.0
        The fuzzifier (> 1); the larger, the fuzzier.
    tol : float, default=1e-5
        Stop when ``max |U_t - U_(t-1)| < tol``.
    max_iter : int, default=300
        The largest number of iterations.
    random_state : int, Generator or None, default=None
        Seeds the initial memberships.
    record_every : int, default=1
        Keep every n-th snapshot in ``history_`` (0 keeps only the last).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    memberships_ : ndarray of shape (n_samples, n_clusters)
        The memberships for the final centres.
    labels_ : ndarray of shape (n_samples,)
        The cluster of largest membership (the same as ``predict``).
    objective_ : float
        ``J_m`` at the end.
    n_iter_ : int
        Iterations run.
    history_ : tuple of FuzzyCMeansSnapshot
    """

    def __init__(self, n_clusters=8, *, m=2.0, tol=1e-5, max_iter=300, random_state=None,
                 record_every=1):
        self.n_clusters = n_clusters
        self.m = m
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state
        self.record_every = record_every

    def _iterate(self, X, y=None):
        c = check_n_clusters(self.n_clusters, X.shape[0])
        m = check_real(self.m, "m", low=1, low_inclusive=False)
        tol = check_real(self.tol, "tol", low=0)
        max_iter = check_int(self.max_iter, "max_iter", minimum=1)
        rng = check_rng(self.random_state)
        data = TrainingData(X)

        # The memberships are held as U[i, k] (clusters, points), the layout
        # of Bezdek and scikit-fuzzy; a frame shows them as (points, clusters).
        def centres_of(W):  # v_i = sum_k u_ik^m x_k / sum_k u_ik^m, with W = U^m
            return (W @ X) / W.sum(axis=1, keepdims=True)

        def objective(W, d2):  # J_m = sum_ik u_ik^m ||x_k - v_i||^2
            # einsum, not np.vdot: vdot goes through BLAS, whose threads made
            # this 25,000-term sum cost 7 ms instead of 0.01 ms on a busy machine.
            return float(np.einsum("ik,ik->", W, d2))

        # One reference point for every distance of the fit (the data do not move).
        origin = X.mean(axis=0)

        # Start: random memberships, normalised over the clusters.
        U = rng.random((c, X.shape[0]))
        U /= U.sum(axis=0)
        W = U ** m
        V = centres_of(W)
        yield partial(
            FuzzyCMeansSnapshot,
            iteration=0, centers=V, previous_centers=V, labels=None,
            initial_memberships=U.T, change=float("nan"),
            objective=objective(W, squared_distances(V, X, origin=origin)), m=m, data=data,
            caption=f"Start: random memberships for {c} clusters; the centres are their "
                    f"weighted means (u^{m:g}).",
        )
        iteration = 0
        # Sequential by nature: each iteration starts from the last one's memberships.
        for iteration in range(1, max_iter + 1):
            # Step 1: centres are the u^m-weighted means; step 2: new memberships.
            V_old, V = V, centres_of(W)
            d2 = squared_distances(V, X, origin=origin)
            U_new = _memberships(d2, m)
            # The stopping criterion, max |U_t - U_(t-1)|, in one temporary.
            step = U_new - U
            change = float(np.abs(step, out=step).max())
            U = U_new
            W = U ** m  # used twice: J_m now, the centres of the next iteration
            J = objective(W, d2)
            last = change < tol or iteration == max_iter
            yield partial(
                FuzzyCMeansSnapshot,
                iteration=iteration, centers=V, previous_centers=V_old,
                labels=np.argmax(U, axis=0) if last else None, initial_memberships=None,
                change=change, objective=J, m=m, data=data,
                caption=f"Iteration {iteration}: centres = u^{m:g}-weighted means, then new "
                        f"memberships; max change {change:.2e}"
                        + (f" < tol {tol:g}: converged." if change < tol else "."),
            )
            if change < tol:
                break
        return {
            "cluster_centers_": V,
            "memberships_": np.ascontiguousarray(U.T),
            "labels_": np.argmax(U, axis=0),
            "objective_": J,
            "n_iter_": iteration,
        }

    def predict_memberships(self, X):
        """The memberships of each row of ``X`` (rows sum to 1)."""
        X = check_fitted_X(self, X)
        return fuzzy_memberships(X, self.cluster_centers_, self.m)
