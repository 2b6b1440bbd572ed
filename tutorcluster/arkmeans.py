"""ARK-means: k-means whose centroids push each other apart until k is found.

ARK-means (advanced repulsive k-means) starts with too many centroids, an
upper guess ``n_clusters``, and lets them repel each other like magnets on a
table. A centroid's strength (its *mass*) grows with how well it holds a
group of points; a light centroid is pushed far, loses its points to heavier
neighbours and, once it owns no point, is deleted. The number of centroids
left at the end, ``n_clusters_``, is the estimate of k.

One iteration (Table 1 of the paper, rebuilt from its prose):

1. **assign** every point to the nearest *pushed* position mu_k + D_k (Eq. 9);
2. **delete** the clusters that received no point;
3. **update** every centroid to the mean of its points (plain k-means rule);
4. **push**: compute the masses (Eq. 10), the normaliser C (Eq. 11) and the
   repulsion D_k of every centroid from all the others (Eq. 3).

This module also holds the two baselines of the paper's experiments:
:class:`RKMeans`, the authors' earlier repulsive k-means (Section 2.2), and
:class:`KPrimeMeans`, k'-means after Zalik (2008).

References
----------
J. Kim, M. Ryu, S. Cha, "Approximate k values using Repulsive Force without
Domain Knowledge in k-means", KSII Trans. Internet and Information Systems
14(3):976-990, 2020. doi:10.3837/tiis.2020.03.004
K. R. Zalik, "An efficient k'-means clustering algorithm", Pattern
Recognition Letters 29(9):1385-1391, 2008.
Notebook: ``notebooks/03-arkmeans.ipynb``.
"""

import warnings
from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn.base import ClusterMixin

from ._snapshots import Snapshot, SnapshotEstimator
from ._validation import check_choice, check_fitted_X, check_int, check_n_clusters, check_real, check_rng
from .distances import NearestCentreMixin, nearest, row_blocks, squared_distances
from .kmeans import cluster_means

# ---------------------------------------------------------------------------
# The pieces shared by RK-means and ARK-means
# ---------------------------------------------------------------------------


def repulsion(centroids, masses, C):
    """The repulsion vector D_k of every centroid (Eq. 3), all pairs at once.

    With the pairwise mass M_kk' = w_k / w_k' (Eq. 4 for RK-means, Eq. 10 for
    ARK-means), Eq. 3 becomes

        D_k = (C / w_k) * sum_{k' != k} w_k' (mu_k - mu_k') / ||mu_k - mu_k'||^3.

    A centroid with mass 0 (a singleton, or identical points) neither pushes
    nor is pushed, and a pair of coincident centroids (r = 0) contributes
    nothing: both are filled in through boolean masks, so no division by zero
    ever happens (notebook, "Reading the paper: zero mass").

    Parameters
    ----------
    centroids : ndarray of shape (K, n_features)
    masses : ndarray of shape (K,)
        The weights w_k >= 0.
    C : float
        The normaliser (Eq. 5 or Eq. 11).

    Returns
    -------
    D : ndarray of shape (K, n_features)
    """
    diff = centroids[:, None, :] - centroids[None, :, :]        # mu_k - mu_k'
    r2 = np.einsum("kjd,kjd->kj", diff, diff)                    # ||mu_k - mu_k'||^2
    inv_r3 = np.zeros_like(r2)
    np.power(r2, -1.5, out=inv_r3, where=r2 > 0)                 # 1/r^3, 0 on the diagonal
    pushes = np.einsum("kj,kjd->kd", inv_r3 * masses[None, :], diff)
    D = np.zeros_like(centroids)
    heavy = masses > 0
    D[heavy] = C * pushes[heavy] / masses[heavy, None]
    return D


def tiny_cube(n_clusters, n_features, eps, rng):
    """The offsets v of Eq. 7: one random point on the surface of the cube [-eps, eps]^d per centroid.

    Component I (drawn uniformly) is -eps or +eps; the other components are
    uniform in [-eps, eps]. The random numbers are drawn in this order, so a
    seed gives the same start everywhere::

        V = rng.uniform(-eps, eps, (k, d)); I = rng.integers(0, d, k)
        s = rng.choice([-1.0, 1.0], k);     V[arange(k), I] = s * eps

    Returns
    -------
    ndarray of shape (n_clusters, n_features)
    """
    V = rng.uniform(-eps, eps, (n_clusters, n_features))
    I = rng.integers(0, n_features, n_clusters)
    s = rng.choice([-1.0, 1.0], n_clusters)
    V[np.arange(n_clusters), I] = s * eps
    return V


def tiny_ball(X, n_clusters, eps, rng):
    """ARK-means' initial centroids: random points on a tiny cube around the mean.

    Eq. 6 takes the mean of the data, Eq. 7 draws the offsets v
    (:func:`tiny_cube`), Eq. 8 adds them to the mean.

    Returns
    -------
    ndarray of shape (n_clusters, n_features)
    """
    return X.mean(axis=0) + tiny_cube(n_clusters, X.shape[1], eps, rng)


def delete_empty(labels, counts):
    """Delete the clusters without points; the survivors keep their order.

    Returns
    -------
    keep : ndarray of bool, shape (K,)
        The clusters that survive.
    deleted : ndarray of int
        The indices (old numbering) of the deleted clusters.
    labels : ndarray of shape (n_samples,)
        The labels renumbered 0..K'-1.
    """
    keep = counts > 0
    new_index = np.cumsum(keep) - 1
    return keep, np.flatnonzero(~keep), new_index[labels]


def _relative_change_small(previous, current, tol):
    """The stopping rule: |S_{t-1} - S_t| <= tol * S_{t-1} (tol=1e-4 is "0.01 %").

    ``previous`` is None at the first iteration, which never stops the run;
    S_{t-1} = 0 stops it.
    """
    if previous is None:
        return False
    return previous == 0 or abs(previous - current) <= tol * abs(previous)


def _check_run(estimator, X):
    """Validate the parameters every class shares; return k, tol, max_iter, rng.

    ``X`` has been validated by ``iter_fit`` already.
    """
    k = check_n_clusters(estimator.n_clusters, X.shape[0])
    tol = check_real(estimator.tol, "tol", low=0)
    max_iter = check_int(estimator.max_iter, "max_iter", minimum=1)
    return k, tol, max_iter, check_rng(estimator.random_state)


def centred(X):
    """``X`` moved so that its mean is the origin, and that mean.

    Every class below runs in these coordinates and adds the mean back to
    what it reports. Distances do not change under a translation, but their
    rounding does: data sitting at 1e7 with a spread of 1 keep only about 9
    of their 16 digits in ``x - mu``, and the tiny cube of Eq. 7 (0.0025
    wide) would be rounded to a coarse grid. Centred, the cube is exact and
    translating the data (and any given start) changes no label.
    """
    origin = X.mean(axis=0)
    return X - origin, origin


def _check_init(init, n_clusters, n_features, default):
    """Validate a user's initial centroids (or the name of the default)."""
    if isinstance(init, str):
        check_choice(init, "init", {default})
        return None
    centers = np.array(init, dtype=np.float64)
    if centers.shape != (n_clusters, n_features):
        raise ValueError(
            f"init must be {default!r} or an array of shape (n_clusters, n_features) = "
            f"{(n_clusters, n_features)}, got shape {centers.shape}."
        )
    if not np.all(np.isfinite(centers)):
        raise ValueError("init contains NaN or infinite values.")
    return centers


def _deleted_phrase(deleted):
    if deleted.size == 0:
        return "no cluster emptied"
    if deleted.size == 1:
        return "1 empty cluster deleted"
    return f"{deleted.size} empty clusters deleted"


def centroid_paths(history):
    """Follow every initial centroid through the renumbering of the deletions.

    Parameters
    ----------
    history : sequence of ARKMeansSnapshot or RKMeansSnapshot
        A full history (``record_every=1``): iterations 1, 2, 3, ...

    Returns
    -------
    paths : list of ndarray
        ``paths[j]`` holds the positions of initial centroid j: its start,
        then its centroid after each iteration it survived.
    deleted_at : ndarray of int, shape (n_initial,)
        The iteration at which centroid j was deleted (0 if it survived).
    """
    history = tuple(history)
    if [s.iteration for s in history] != list(range(1, len(history) + 1)):
        raise ValueError("centroid_paths needs every iteration: fit with record_every=1.")
    start = history[0].previous_centers
    paths = [[point] for point in start]
    deleted_at = np.zeros(len(start), dtype=int)
    alive = np.arange(len(start))          # alive[i]: initial index of current cluster i
    for snapshot in history:
        deleted_at[alive[snapshot.deleted]] = snapshot.iteration
        alive = np.delete(alive, snapshot.deleted)
        for i, j in enumerate(alive):
            paths[j].append(snapshot.centers[i])
    return [np.array(p) for p in paths], deleted_at


def within_sums(X, labels, centroids, *, squared=True):
    """J_k: the sum over cluster k's points of ||x - mu_k||^2 (or of ||x - mu_k||).

    Worked through in blocks of rows, so no (n_samples, n_features)
    temporary is larger than the distance module's memory budget.
    """
    J = np.zeros(len(centroids))
    for rows in row_blocks(len(X), 8 * X.shape[1]):
        diff = X[rows] - centroids[labels[rows]]
        error = np.einsum("ij,ij->i", diff, diff)
        J += np.bincount(labels[rows], weights=error if squared else np.sqrt(error),
                         minlength=len(centroids))
    return J


# ---------------------------------------------------------------------------
# Snapshots
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, kw_only=True)
class ARKMeansSnapshot(Snapshot):
    """The state at the end of one ARK-means iteration.

    ``centers`` are the centroids mu after the update (also
    ``centroids``); ``labels`` are the assignment of this iteration.

    Attributes
    ----------
    n_clusters : int
        K_t, the clusters left after this iteration's deletions.
    repulsion : ndarray of shape (K_t, n_features)
        D, the push on each centroid from all the others (Eq. 3).
    pushed : ndarray of shape (K_t, n_features)
        mu + D, where the next assignment takes place (Eq. 9).
    masses : ndarray of shape (K_t,)
        w_k = sqrt(J_k N_k); the pairwise mass of Eq. 10 is w_k / w_k'.
    counts : ndarray of shape (K_t,)
        N_k, the points of each cluster.
    sse_pushed : float
        S_t = sum_n min_k ||x_n - (mu_k + D_k)||^2 at the assignment (the
        quantity of the stopping rule).
    sse : float
        sum_k J_k, the plain SSE to the updated centroids.
    deleted : ndarray of int
        Clusters deleted this iteration, in the previous numbering (at t=1,
        the numbering of the initial centroids).
    C : float
        The normaliser (Eq. 11).
    previous_centers : ndarray of shape (K_{t-1}, n_features)
        The centroids before this iteration (at t=1 the initial ones), in the
        previous numbering: they locate the deleted centroids.
    """

    n_clusters: int
    repulsion: np.ndarray
    pushed: np.ndarray
    masses: np.ndarray
    counts: np.ndarray
    sse_pushed: float
    sse: float
    deleted: np.ndarray
    C: float
    previous_centers: np.ndarray

    view = "tutorcluster.views.arkmeans.RepulsionView"

    @property
    def centroids(self):
        """The centroids mu (an alias of ``centers``, the paper's mu)."""
        return self.centers


@dataclass(frozen=True, eq=False, kw_only=True)
class RKMeansSnapshot(ARKMeansSnapshot):
    """The state at the end of one RK-means iteration.

    The same fields as :class:`ARKMeansSnapshot`, where ``centers`` (=
    ``pushed``) are the new centroids ``means + repulsion`` (Eq. 2), the
    masses are w_k = J_k (Eq. 4), ``C`` is Eq. 5 and ``sse`` = ``sse_pushed``
    is the SSE at the assignment.

    Attributes
    ----------
    means : ndarray of shape (K_t, n_features)
        The mean of each cluster's points, before the push.
    """

    means: np.ndarray


@dataclass(frozen=True, eq=False, kw_only=True)
class KPrimeMeansSnapshot(Snapshot):
    """The state at the end of one k'-means iteration (either phase).

    Attributes
    ----------
    phase : int
        1 (Lloyd k-means) or 2 (the penalised assignment).
    n_clusters : int
        Clusters left after this iteration's deletions.
    counts : ndarray of shape (K_t,)
    proportions : ndarray of shape (K_t,)
        p_j = N_j / N.
    cost : float
        sum_n ||x_n - m_j||^2 - E ln p_j of the current partition, centres
        and proportions (phase 1 reports the same quantity, for one curve).
    sse : float
        The plain SSE of the current partition.
    E : float
        The penalty weight.
    deleted : ndarray of int
        Clusters deleted this iteration (previous numbering).
    previous_centers : ndarray of shape (K_{t-1}, n_features)
    """

    phase: int
    n_clusters: int
    counts: np.ndarray
    proportions: np.ndarray
    cost: float
    sse: float
    E: float
    deleted: np.ndarray
    previous_centers: np.ndarray

    view = "tutorcluster.views.arkmeans.KPrimeView"



# ---------------------------------------------------------------------------
# ARK-means
# ---------------------------------------------------------------------------


class ARKMeans(ClusterMixin, NearestCentreMixin, SnapshotEstimator):
    """ARK-means: repulsive k-means that estimates the number of clusters.

    Parameters
    ----------
    n_clusters : int, default=10
        The initial number of centroids k, an upper guess; the run deletes
        the ones it does not need.
    alpha : int, default=2
        The root of the normaliser C = (sum_k J_k)^(-1/alpha) (Eq. 11); the
        paper says "generally 1 or 2".
    eps : float, default=0.0025
        Half the side of the tiny cube the centroids start on (Eq. 7).
    tol : float, default=1e-4
        Stop when the modified SSE changes by at most ``tol`` times its
        previous value (the paper's 0.01 %).
    max_iter : int, default=100
        The largest number of iterations.
    init : "tiny-ball" or array of shape (n_clusters, n_features), default="tiny-ball"
        The tiny-ball start of Eq. 6-8, or the given centroids.
    forces_from : {"means", "assigned"}, default="means"
        Which centroids the masses and pushes of an iteration are measured
        at: the updated means (our reading, see Notes), or the centroids
        that were just used for the assignment (the literal line order of the
        paper's Table 1, lines 20-21 before 22-23), kept as a teaching toggle.
    push : bool, default=True
        False keeps D = 0 throughout: the tiny-cube start, the plain k-means
        update and the deletion of empty clusters without any repulsion (an
        ablation of the paper's central mechanism).
    random_state : int, Generator, RandomState or None, default=None
        Seeds the tiny ball (an int seeds ``np.random.default_rng``).
    record_every : int, default=1
        Keep every n-th snapshot in ``history_`` (0 keeps only the last).

    Attributes
    ----------
    init_centroids_ : ndarray of shape (n_clusters, n_features)
    cluster_centers_ : ndarray of shape (n_clusters_, n_features)
        The final centroids mu (means of their points).
    repulsion_ : ndarray of shape (n_clusters_, n_features)
        The final repulsion vectors D.
    pushed_centers_ : ndarray of shape (n_clusters_, n_features)
        mu + D, which :meth:`predict`, :meth:`transform` and :meth:`score`
        use (Eq. 9).
    labels_ : ndarray of shape (n_samples,)
        The last assignment.
    n_clusters_ : int
        The estimated number of clusters.
    n_iter_ : int
    sse_ : float
        The plain SSE sum_k J_k at the end.
    history_ : tuple of ARKMeansSnapshot
        One snapshot per iteration.

    Notes
    -----
    The forces are computed from the *updated* centroids, not from the
    positions used for the assignment: with the tiny-ball start the latter
    are ~1e-3 apart and the first push (~C/eps^2) would throw every
    centroid out of the data (notebook, "Reading the paper: when are the
    forces computed?"; ``forces_from="assigned"`` shows it). C and 1/r^2
    carry units, so results depend on the scale of X; this class does not
    standardise. It does centre: the run takes place in coordinates whose
    origin is the mean of X (Eq. 6), so translating X changes nothing.

    References
    ----------
    Kim, Ryu & Cha (2020), Sections 3.2-3.4, Eq. 6-11. Notebook
    ``notebooks/03-arkmeans.ipynb``.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from tutorcluster import ARKMeans
    >>> from tutorcluster.datasets import zscore
    >>> X, _ = make_blobs(n_samples=300, centers=3, random_state=3)
    >>> model = ARKMeans(n_clusters=10, random_state=0).fit(zscore(X))
    >>> model.n_clusters_
    3
    """

    _centres_attribute = "pushed_centers_"

    def __init__(self, n_clusters=10, *, alpha=2, eps=0.0025, tol=1e-4, max_iter=100,
                 init="tiny-ball", forces_from="means", push=True, random_state=None,
                 record_every=1):
        self.n_clusters = n_clusters
        self.alpha = alpha
        self.eps = eps
        self.tol = tol
        self.max_iter = max_iter
        self.init = init
        self.forces_from = forces_from
        self.push = push
        self.random_state = random_state
        self.record_every = record_every

    def _iterate(self, X, y=None):
        # Lines 2-3: input (X was validated by iter_fit).
        k, tol, max_iter, rng = _check_run(self, X)
        alpha = check_int(self.alpha, "alpha", minimum=1)
        eps = check_real(self.eps, "eps", low=0, low_inclusive=False)
        check_choice(self.forces_from, "forces_from", {"means", "assigned"})
        n_samples, n_features = X.shape
        # Eq. 6: the mean of the data becomes the origin of the run.
        X, origin = centred(X)

        # Lines 7-9: D = 0, and the tiny-ball start (Eq. 7-8) around the mean.
        centroids = _check_init(self.init, k, n_features, "tiny-ball")
        if centroids is None:
            if n_features == 1 and k > 2:
                warnings.warn(
                    f"With one feature the tiny ball of Eq. 7 has only two points "
                    f"(mean -eps and mean +eps), so at most 2 of the n_clusters={k} "
                    f"centroids can survive the first iteration.", UserWarning, stacklevel=3)
            centroids = tiny_cube(k, n_features, eps, rng)
        else:
            centroids = centroids - origin
        init_centroids = centroids + origin
        D = np.zeros_like(centroids)
        S_previous = None

        # Line 6: the main loop (sequential by nature: each step needs the last).
        for t in range(1, max_iter + 1):
            # Lines 11-14 (Eq. 9, Eq. 1): nearest pushed position; ties go to
            # the lowest index. Line 15: the modified SSE S_t.
            labels, distances = nearest(X, centroids + D)
            S_t = float(distances.sum())
            counts = np.bincount(labels, minlength=len(centroids))
            # Lines 16-19: delete empty clusters, renumber the rest in order.
            previous = centroids
            keep, deleted, labels = delete_empty(labels, counts)
            # Lines 22-23: the plain k-means update (the paper: "k-means
            # centroid update rule rather than Eq. 2").
            centroids, counts = cluster_means(X, labels, int(keep.sum()))
            # Lines 20-21, run after the update (see Notes): J_k measured from
            # the updated centroid (our reading), the masses w_k = sqrt(J_k N_k)
            # of Eq. 10 and the normaliser C of Eq. 11. The literal order
            # measures them at the centroids just used instead.
            at = centroids if self.forces_from == "means" else previous[keep]
            J = within_sums(X, labels, at)
            total = float(J.sum())
            C = total ** (-1.0 / alpha) if total > 0 else 0.0
            masses = np.sqrt(J * counts)
            D = repulsion(at, masses, C) if self.push else np.zeros_like(centroids)
            shown = centroids + origin
            yield partial(
                ARKMeansSnapshot,
                iteration=t, centers=shown, labels=labels, n_clusters=len(centroids),
                repulsion=D, pushed=shown + D, masses=masses, counts=counts,
                sse_pushed=S_t, sse=total, deleted=deleted, C=C,
                previous_centers=previous + origin,
                caption=f"Iteration {t}: points join the nearest pushed position mu+D "
                        f"(Eq. 9); {_deleted_phrase(deleted)}, K = {len(centroids)}; "
                        f"new pushes from masses (Eq. 10) and C = {C:.3g} (Eq. 11).",
            )
            # Lines 24-26: stop when S changes by at most 0.01 %.
            if _relative_change_small(S_previous, S_t, tol):
                break
            S_previous = S_t

        return {
            "init_centroids_": init_centroids,
            "cluster_centers_": centroids + origin,
            "repulsion_": D,
            "pushed_centers_": centroids + origin + D,
            "labels_": labels,
            "n_clusters_": len(centroids),
            "n_iter_": t,
            "sse_": total,
        }


# ---------------------------------------------------------------------------
# RK-means (the authors' earlier algorithm, Section 2.2)
# ---------------------------------------------------------------------------


class RKMeans(ClusterMixin, NearestCentreMixin, SnapshotEstimator):
    """RK-means: repulsive k-means from random data points (the paper's baseline).

    Each iteration assigns every point to its nearest centroid (Eq. 1),
    deletes empty clusters, and moves each centroid to the mean of its points
    plus its repulsion (Eq. 2), with masses J_k = sum ||mu_k - x_n|| (plain
    norm, Eq. 4) and C = 1 / sum_k J_k (Eq. 5), all measured at the
    centroids just used for the assignment.

    Parameters
    ----------
    n_clusters : int, default=10
        The initial number of centroids.
    tol : float, default=1e-4
        Stop when the SSE at assignment changes by at most ``tol`` times its
        previous value.
    max_iter : int, default=100
    init : "random" or array of shape (n_clusters, n_features), default="random"
        k distinct data points drawn with ``rng.choice(N, k, replace=False)``,
        or the given centroids.
    random_state : int, Generator, RandomState or None, default=None
    record_every : int, default=1

    Attributes
    ----------
    init_centroids_, cluster_centers_, repulsion_, labels_, n_clusters_,
    n_iter_, sse_, history_
        As for :class:`ARKMeans`; ``cluster_centers_`` are the pushed means
        of Eq. 2 (``predict`` uses them) and ``labels_`` the last assignment
        (to the centroids before that push). ``sse_`` is the SSE at the last
        assignment.

    References
    ----------
    Kim, Ryu & Cha (2020), Section 2.2, Eq. 1-5 (the RK-means paper itself
    was not available). Notebook ``notebooks/03-arkmeans.ipynb``.
    """

    def __init__(self, n_clusters=10, *, tol=1e-4, max_iter=100, init="random",
                 random_state=None, record_every=1):
        self.n_clusters = n_clusters
        self.tol = tol
        self.max_iter = max_iter
        self.init = init
        self.random_state = random_state
        self.record_every = record_every

    def _iterate(self, X, y=None):
        k, tol, max_iter, rng = _check_run(self, X)
        n_samples, n_features = X.shape
        X, origin = centred(X)

        # Step (1): k distinct data points.
        centroids = _check_init(self.init, k, n_features, "random")
        if centroids is None:
            centroids = X[rng.choice(n_samples, k, replace=False)].copy()
        else:
            centroids = centroids - origin
        init_centroids = centroids + origin
        S_previous = None

        for t in range(1, max_iter + 1):  # sequential: each step needs the last
            # Step (2), Eq. 1: nearest centroid.
            labels, distances = nearest(X, centroids)
            S_t = float(distances.sum())
            counts = np.bincount(labels, minlength=len(centroids))
            previous = centroids
            keep, deleted, labels = delete_empty(labels, counts)
            used = centroids[keep]
            # Eq. 4-5: J_k with the plain norm, from the centroids just used.
            J = within_sums(X, labels, used, squared=False)
            total = float(J.sum())
            C = 1.0 / total if total > 0 else 0.0
            D = repulsion(used, J, C)
            # Step (3), Eq. 2: the mean of the points plus the repulsion.
            means, counts = cluster_means(X, labels, len(used))
            centroids = means + D
            shown = centroids + origin
            yield partial(
                RKMeansSnapshot,
                iteration=t, centers=shown, labels=labels, n_clusters=len(centroids),
                repulsion=D, pushed=shown, masses=J, counts=counts, sse_pushed=S_t,
                sse=S_t, deleted=deleted, C=C, previous_centers=previous + origin,
                means=means + origin,
                caption=f"Iteration {t}: points join the nearest centroid (Eq. 1); "
                        f"{_deleted_phrase(deleted)}, K = {len(centroids)}; every centroid "
                        f"moves to its mean plus its push D (Eq. 2-5).",
            )
            if _relative_change_small(S_previous, S_t, tol):
                break
            S_previous = S_t

        return {
            "init_centroids_": init_centroids,
            "cluster_centers_": centroids + origin,
            "repulsion_": D,
            "labels_": labels,
            "n_clusters_": len(centroids),
            "n_iter_": t,
            "sse_": S_t,
        }


# ---------------------------------------------------------------------------
# k'-means (after Zalik, 2008)
# ---------------------------------------------------------------------------


def penalised_nearest(X, centres, penalty):
    """argmin_j ||x - m_j||^2 + penalty_j for every row of X, in memory-bounded blocks."""
    labels = np.empty(len(X), dtype=np.intp)
    origin = centres.mean(axis=0)
    for rows in row_blocks(len(X), 8 * len(centres)):
        cost = squared_distances(X[rows], centres, origin=origin)
        cost += penalty[None, :]
        labels[rows] = cost.argmin(axis=1)
    return labels


class KPrimeMeans(ClusterMixin, SnapshotEstimator):
    """k'-means (after Zalik, 2008): k-means, then a penalty that empties small clusters.

    *Phase 1* runs Lloyd's k-means from k random distinct data points until
    no label changes. *Phase 2* assigns every point by the penalised cost
    ``||x - m_j||^2 - E ln p_j``, where p_j = N_j / N is the share of cluster j
    in the previous partition, then updates m_j and p_j. A small cluster pays
    a large penalty -E ln p_j, loses its points and is deleted. Both phases
    delete empty clusters as they appear.

    Parameters
    ----------
    n_clusters : int, default=10
        The initial number of centres.
    E : float or None, default=None
        The penalty weight; None uses the total variance
        (1/N) sum_n ||x_n - mean||^2 (our choice: Zalik's rule was not
        available; this reproduces the ARK paper's k'-means result on iris).
    tol : float, default=1e-4
        Phase 2 stops when the cost changes by at most ``tol`` times its
        previous value.
    max_iter : int, default=100
        The largest number of iterations of *each* phase.
    init : "random" or array of shape (n_clusters, n_features), default="random"
    random_state : int, Generator, RandomState or None, default=None
    record_every : int, default=1

    Attributes
    ----------
    init_centroids_, cluster_centers_, labels_, n_clusters_, n_iter_, history_
        As for :class:`ARKMeans` (``n_iter_`` counts both phases).
    E_ : float
        The penalty weight used.
    proportions_ : ndarray of shape (n_clusters_,)
    cost_ : float
        The final penalised cost.

    References
    ----------
    K. R. Zalik, Pattern Recognition Letters 29(9), 2008 (reconstructed from
    its abstract and the ARK-means paper's Section 2.1). Notebook
    ``notebooks/03-arkmeans.ipynb``.
    """

    def __init__(self, n_clusters=10, *, E=None, tol=1e-4, max_iter=100, init="random",
                 random_state=None, record_every=1):
        self.n_clusters = n_clusters
        self.E = E
        self.tol = tol
        self.max_iter = max_iter
        self.init = init
        self.random_state = random_state
        self.record_every = record_every

    def _iterate(self, X, y=None):
        k, tol, max_iter, rng = _check_run(self, X)
        n_samples, n_features = X.shape
        X, origin = centred(X)
        if self.E is None:
            E = float(np.einsum("ij,ij->", X, X) / n_samples)
        else:
            E = check_real(self.E, "E", low=0)

        centres = _check_init(self.init, k, n_features, "random")
        if centres is None:
            centres = X[rng.choice(n_samples, k, replace=False)].copy()
        else:
            centres = centres - origin
        init_centroids = centres + origin

        def step(centres, proportions, phase, t):
            # One assignment and update. Phase 1 assigns by ||x - m_j||^2 alone;
            # phase 2 adds the penalty -E ln p_j of the previous partition.
            if phase == 1:
                labels = nearest(X, centres)[0]
            else:
                labels = penalised_nearest(X, centres, -E * np.log(proportions))
            keep, deleted, labels = delete_empty(labels, np.bincount(labels, minlength=len(centres)))
            new_centres, counts = cluster_means(X, labels, int(keep.sum()))
            proportions = counts / n_samples
            sse = float(within_sums(X, labels, new_centres).sum())
            cost = sse - E * float(counts @ np.log(proportions))
            snapshot = partial(
                KPrimeMeansSnapshot,
                iteration=t, centers=new_centres + origin, labels=labels, phase=phase,
                n_clusters=len(new_centres), counts=counts, proportions=proportions, cost=cost,
                sse=sse, E=E, deleted=deleted, previous_centers=centres + origin,
                caption=(f"Phase 1, iteration {t}: k-means step" if phase == 1 else
                         f"Phase 2, iteration {t}: points pay ||x-m||^2 - E ln p (E = {E:.3g})")
                        + f"; {_deleted_phrase(deleted)}, K = {len(new_centres)}; cost {cost:.4g}.",
            )
            return snapshot, new_centres, proportions, labels, cost

        # Phase 1: Lloyd's k-means until no label changes (sequential loop).
        t, labels_before, proportions = 0, None, None
        for _ in range(max_iter):
            t += 1
            snapshot, centres, proportions, labels, cost = step(centres, proportions, 1, t)
            yield snapshot
            if labels_before is not None and np.array_equal(labels, labels_before):
                break
            labels_before = labels

        # Phase 2: the penalised assignment argmin ||x - m_j||^2 - E ln p_j, until
        # the cost changes by at most tol (relative).
        cost_before = cost
        for _ in range(max_iter):
            t += 1
            snapshot, centres, proportions, labels, cost = step(centres, proportions, 2, t)
            yield snapshot
            if _relative_change_small(cost_before, cost, tol):
                break
            cost_before = cost

        return {
            "init_centroids_": init_centroids,
            "cluster_centers_": centres + origin,
            "labels_": labels,
            "proportions_": proportions,
            "n_clusters_": len(centres),
            "n_iter_": t,
            "cost_": cost,
            "E_": E,
        }

    def predict(self, X):
        """The cheapest centre of each row of ``X`` under ||x - m_j||^2 - E ln p_j.

        Not the nearest centre: k'-means keeps the penalty of its phase 2, so
        a point between a large and a small cluster goes to the large one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        X = check_fitted_X(self, X)
        return penalised_nearest(X, self.cluster_centers_, -self.E_ * np.log(self.proportions_))
