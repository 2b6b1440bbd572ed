"""k-means (Lloyd's algorithm): the baseline every notebook compares against.

Lloyd's algorithm alternates two half-steps until the centres stop moving:

1. **assign**: every point joins its nearest centre;
2. **update**: every centre moves to the mean of the points that joined it.

Each half-step is one snapshot, so the player shows both halves of an
iteration. The stopping rule and the treatment of empty clusters follow
``sklearn.cluster.KMeans(algorithm="lloyd")``, so that from the same initial
centres both give the same centres and labels (a test checks this).

References
----------
S. P. Lloyd, "Least squares quantization in PCM", IEEE Trans. Information
Theory 28(2):129-137, 1982.
D. Arthur and S. Vassilvitskii, "k-means++: the advantages of careful
seeding", SODA 2007.
Notebook: ``notebooks/00-introduction.ipynb``.
"""

from dataclasses import dataclass
from functools import partial

import numpy as np
from sklearn.base import ClusterMixin

from .distances import NearestCentreMixin, nearest, squared_distances
from ._snapshots import Snapshot, SnapshotEstimator
from ._validation import check_choice, check_int, check_n_clusters, check_real, check_rng


def cluster_means(X, labels, n_clusters):
    """The mean of each cluster's points, and the cluster sizes.

    A cluster with no points gets a row of NaN; the caller decides what to
    do with it.
    """
    counts = np.bincount(labels, minlength=n_clusters)
    # Column j of the sums adds up feature j over each cluster's points.
    sums = np.column_stack([np.bincount(labels, weights=X[:, j], minlength=n_clusters)
                            for j in range(X.shape[1])])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts[:, None]
    return means, counts


def kmeans_plusplus(X, n_clusters, rng):
    """Choose initial centres with k-means++ (Arthur & Vassilvitskii, 2007).

    The first centre is a data point drawn uniformly; each next one is a data
    point drawn with probability proportional to its squared distance to the
    nearest centre chosen so far (uniformly if every distance is 0).

    Returns
    -------
    ndarray of shape (n_clusters, n_features)
    """
    n_samples = X.shape[0]
    chosen = [rng.integers(n_samples)]
    closest = squared_distances(X, X[chosen])[:, 0]
    for _ in range(1, n_clusters):
        total = closest.sum()
        if total > 0:
            index = rng.choice(n_samples, p=closest / total)
        else:
            index = rng.integers(n_samples)
        chosen.append(index)
        closest = np.minimum(closest, squared_distances(X, X[[index]])[:, 0])
    return X[chosen].copy()


@dataclass(frozen=True, eq=False, kw_only=True)
class KMeansSnapshot(Snapshot):
    """One half-step of Lloyd's algorithm.

    Attributes
    ----------
    step : {"init", "assign", "update"}
        Which half of the iteration this frame shows.
    previous_centers : ndarray of shape (n_clusters, n_features)
        The centres before an update (equal to ``centers`` otherwise), so a
        view can draw how far each centre moved.
    n_changed : int
        Points that changed cluster in this assignment (all of them at the
        first one).
    inertia : float
        Sum of squared distances of the points to their centres.
    """

    step: str
    previous_centers: np.ndarray
    n_changed: int
    inertia: float

    view = "tutorcluster.views.kmeans.KMeansView"


class KMeans(ClusterMixin, NearestCentreMixin, SnapshotEstimator):
    """k-means clustering with Lloyd's algorithm, recorded half-step by half-step.

    Parameters
    ----------
    n_clusters : int, default=8
        The number of clusters k.
    init : {"k-means++", "random"} or array of shape (n_clusters, n_features), default="k-means++"
        How to choose the initial centres: k-means++ seeding, k distinct data
        points drawn uniformly, or the given array.
    max_iter : int, default=300
        The largest number of iterations (one assignment plus one update).
    tol : float, default=1e-4
        Stop when the summed squared movement of the centres is at most
        ``tol`` times the mean variance of the features (scikit-learn's rule).
        The run also stops, earlier, when an assignment changes no label.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation.
    record_every : int, default=1
        Keep every n-th snapshot in ``history_`` (0 keeps only the last).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The final centres.
    labels_ : ndarray of shape (n_samples,)
        The cluster of each training point (its nearest final centre).
    inertia_ : float
        Sum of squared distances of the points to their centres.
    n_iter_ : int
        Iterations run.
    init_centers_ : ndarray of shape (n_clusters, n_features)
        The initial centres.
    history_ : tuple of KMeansSnapshot
        The recorded half-steps: "init", then "assign" and "update" in turn.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from tutorcluster import KMeans
    >>> X, _ = make_blobs(n_samples=300, centers=3, random_state=0)
    >>> model = KMeans(n_clusters=3, random_state=0).fit(X)
    >>> model.history_[1].step, model.history_[2].step
    ('assign', 'update')
    """

    def __init__(self, n_clusters=8, *, init="k-means++", max_iter=300, tol=1e-4,
                 random_state=None, record_every=1):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.record_every = record_every

    def _initial_centers(self, X, rng):
        if isinstance(self.init, str):
            check_choice(self.init, "init", {"k-means++", "random"})
            if self.init == "k-means++":
                return kmeans_plusplus(X, self.n_clusters, rng)
            return X[rng.choice(X.shape[0], self.n_clusters, replace=False)].copy()
        centers = np.array(self.init, dtype=np.float64)
        if centers.shape != (self.n_clusters, X.shape[1]):
            raise ValueError(
                f"init must have shape (n_clusters, n_features) = "
                f"{(self.n_clusters, X.shape[1])}, got {centers.shape}."
            )
        if not np.all(np.isfinite(centers)):
            raise ValueError("init contains NaN or infinite values.")
        return centers

    def _iterate(self, X, y=None):
        check_n_clusters(self.n_clusters, X.shape[0])
        check_int(self.max_iter, "max_iter", minimum=1)
        check_real(self.tol, "tol", low=0)
        rng = check_rng(self.random_state)
        k = self.n_clusters

        # Step 0: initial centres.
        centers = self._initial_centers(X, rng)
        init_centers = centers.copy()
        yield KMeansSnapshot(
            iteration=0, step="init", centers=centers, previous_centers=centers,
            labels=None, n_changed=0, inertia=float("nan"),
            caption=f"Start: {k} initial centres ({self._init_name()}).",
        )

        # scikit-learn scales tol by the mean variance of the features, so the
        # same tol means the same thing whatever the units of X.
        shift_tol = np.mean(np.var(X, axis=0)) * self.tol
        labels_old = np.full(X.shape[0], -1)
        converged_on_labels = False
        for iteration in range(1, self.max_iter + 1):
            # Step 1 (assign): every point joins its nearest centre.
            labels, distances = nearest(X, centers)
            n_changed = int(np.sum(labels != labels_old))
            inertia = float(distances.sum())
            yield partial(KMeansSnapshot,
                iteration=iteration, step="assign", centers=centers, previous_centers=centers,
                labels=labels, n_changed=n_changed, inertia=inertia,
                caption=f"Iteration {iteration}, step 1 (assign): every point joins its "
                        f"nearest centre; {n_changed} points changed cluster.",
            )

            # Step 2 (update): every centre moves to the mean of its points.
            new_centers, counts = cluster_means(X, labels, k)
            empty = np.flatnonzero(counts == 0)
            moves = ((new_centers - centers) ** 2).sum(axis=1)
            if empty.size:
                new_centers, labels = self._relocate_empty(X, centers, labels, new_centers, empty)
                moves = ((new_centers - centers) ** 2).sum(axis=1)
                new_inertia = float(((X - new_centers[labels]) ** 2).sum())
            else:
                # Moving centre j to the mean of its N_j points lowers J by
                # exactly N_j ||new_j - old_j||^2 (the parallel-axis theorem):
                # this is why the update step can never increase J.
                new_inertia = inertia - float(counts @ moves)
            shift = float(moves.sum())
            yield partial(KMeansSnapshot,
                iteration=iteration, step="update", centers=new_centers, previous_centers=centers,
                labels=labels, n_changed=0, inertia=new_inertia,
                caption=f"Iteration {iteration}, step 2 (update): every centre moves to the "
                        f"mean of its points (total squared shift {shift:.3g})"
                        + (f"; {empty.size} empty cluster(s) restarted at far points." if empty.size else "."),
            )
            centers = new_centers
            if np.array_equal(labels, labels_old):
                converged_on_labels = True
                break
            if shift <= shift_tol:
                break
            labels_old = labels

        if not converged_on_labels:
            # The centres moved in the last update, so assign once more: the
            # labels must belong to the final centres (scikit-learn does the same).
            new_labels, distances = nearest(X, centers)
            n_changed = int(np.sum(new_labels != labels))
            labels = new_labels
            yield partial(KMeansSnapshot,
                iteration=iteration, step="assign", centers=centers, previous_centers=centers,
                labels=labels, n_changed=n_changed, inertia=float(distances.sum()),
                caption=f"Stop after iteration {iteration}: final assignment to the final "
                        f"centres; {n_changed} points changed cluster.",
            )

        return {
            "cluster_centers_": centers,
            "labels_": labels,
            "inertia_": float(((X - centers[labels]) ** 2).sum()),
            "n_iter_": iteration,
            "init_centers_": init_centers,
        }

    def _init_name(self):
        return self.init if isinstance(self.init, str) else "given array"

    @staticmethod
    def _relocate_empty(X, centers, labels, new_centers, empty):
        """Restart each empty cluster at a point far from its centre.

        As in scikit-learn, the points farthest from their current centres
        are taken, one per empty cluster, and become singleton clusters; the
        clusters they leave have their means recomputed.
        """
        labels = labels.copy()
        distances = ((X - centers[labels]) ** 2).sum(axis=1)
        farthest = np.argsort(-distances, kind="stable")[: empty.size]
        labels[farthest] = empty
        new_centers, _ = cluster_means(X, labels, len(centers))
        return new_centers, labels
