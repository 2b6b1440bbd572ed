"""FN-means (first-neighbour means) and the probabilistic neural network (PNN).

**FN-means** (Hoya 2022, Sec. 2) gives every item an arrow to its *first
neighbour*, the nearest other item (Eq. 3). The arrows split the items into
disjoint directed graphs (Eq. 5, Fig. 1); each graph is a cluster and its mean
is a representative vector. The means become the items of the next level,
and so on, until a single graph remains (step 2-3). No k, no initialisation,
no iterations inside a level: the only knob is the maximal level ``N_L``.

**PNN** (Specht 1990): every stored *centre* carries a class label and emits a
Gaussian bump of one shared radius ``sigma`` (Eq. 1); a class's score is the
sum of its centres' bumps (Eq. 2) and the prediction is the best-scoring
class. Hoya replaces each class's training vectors by its FN-means centres at
level ``N_L``, found separately per class (Sec. 2.3), and sets
``sigma = beta * d_max / N_c`` (Eq. 8).

The partition at every level is FINCH's (Sarfraz et al. 2019, Eq. 1): the
notebook shows why, and a test checks it.

References
----------
T. Hoya, "Reducing the number of centers in a probabilistic neural network via
applying the first neighbor means clustering algorithm", Array 14 (2022) 100161.
M. S. Sarfraz, V. Sharma and R. Stiefelhagen, "Efficient parameter-free
clustering using first neighbor relations", CVPR 2019.
D. F. Specht, "Probabilistic neural networks", Neural Networks 3(1):109-118, 1990.
Notebook: ``notebooks/04-fnmeans-pnn.ipynb``.
"""

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator, ClassifierMixin, ClusterMixin, clone
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._snapshots import Snapshot, SnapshotEstimator
from ._validation import check_choice, check_int, check_real, check_X
from .distances import squared_distances

_DTYPES = {"float64": np.float64, "float32": np.float32}


def _check_dtype(dtype):
    """Accept "float64"/"float32" or the NumPy types; return the NumPy type."""
    try:
        name = dtype if isinstance(dtype, str) else np.dtype(dtype).name
    except TypeError:
        name = repr(dtype)
    check_choice(name, "dtype", set(_DTYPES))
    return _DTYPES[name]


def _distance_blocks(V, block_size, dtype):
    """Yield ``(rows, D2, sq)``: squared distances from a block of rows of ``V`` to all of ``V``.

    ``D2 = |v_i|^2 - 2 v_i.v_j + |v_j|^2`` (one matrix product per block),
    clamped at 0 because rounding can make a tiny distance negative (spec
    Sec. 5.2: duplicates are at distance 0); ``sq`` holds the ``|v_j|^2``.
    Memory is O(block_size x N).
    """
    V = np.asarray(V, dtype=dtype)
    sq = np.einsum("ij,ij->i", V, V)
    for start in range(0, len(V), block_size):
        rows = np.arange(start, min(start + block_size, len(V)))
        D2 = V[rows] @ V.T
        D2 *= -2.0
        D2 += sq[None, :]
        D2 += sq[rows, None]
        np.maximum(D2, 0.0, out=D2)
        yield rows, D2, sq


def first_neighbours(V, *, tie_rtol=1e-12, block_size=1024, dtype="float64"):
    """The first neighbour of every row of ``V`` (Eq. 3), exactly.

    ``kappa[i] = argmin_{j != i} ||v_i - v_j||``. Ties go to the **lowest
    index**; because rounding turns exact decimal ties (1.1 vs 1.1) into
    near-ties, ``j`` counts as tied with the minimum when
    ``D2[i, j] <= min_j D2[i, :] + tie_rtol * (|v_i|^2 + |v_j|^2 + 1)``
    (spec Sec. 5.1; the paper does not discuss ties).

    Parameters
    ----------
    V : array-like of shape (n_items, n_features)
        The items (training vectors at level 1, cluster means after that).
        At least two rows.
    tie_rtol : float, default=1e-12
        Relative tolerance of the tie rule; 0 gives a plain argmin (which
        also takes the lowest index among exactly equal distances).
    block_size : int, default=1024
        Rows per block: memory stays O(block_size x n_items) (at most two
        blocks of distances exist at once, 2 x 1024 x 10,000 x 8 bytes = 160 MiB
        for 10,000 items in float64).
    dtype : {"float64", "float32"}, default="float64"
        Arithmetic of the search. float32 is about twice as fast; its
        rounding (~1e-7 relative) is far above the default ``tie_rtol``, so
        near-ties are then broken by rounding, as in FINCH.

    Returns
    -------
    kappa : ndarray of shape (n_items,), int64
        The first neighbour of each item.
    distance : ndarray of shape (n_items,), float64
        ``||v_i - v_kappa_i||``, recomputed from the difference vectors (exact,
        not from the expansion above).

    See Also
    --------
    sklearn.neighbors.NearestNeighbors : the same neighbours (``n_neighbors=2``)
        away from ties; a test compares the two.
    """
    V = np.asarray(V, dtype=np.float64)
    if V.ndim != 2 or len(V) < 2:
        raise ValueError(f"first_neighbours needs at least 2 items in a 2-D array, got shape {V.shape}.")
    tie_rtol = check_real(tie_rtol, "tie_rtol", low=0)
    block_size = check_int(block_size, "block_size", minimum=1)
    dtype = _check_dtype(dtype)
    kappa = np.empty(len(V), dtype=np.int64)
    distance = np.empty(len(V))
    for rows, D2, sq in _distance_blocks(V, block_size, dtype):
        # Spec Sec. 5.3: an item is not its own first neighbour.
        D2[np.arange(len(rows)), rows] = np.inf
        nearest = D2.min(axis=1)
        if tie_rtol > 0:
            # The tie rule, rearranged so the only (block x N) temporaries are
            # D2 itself and a boolean mask; argmax returns the first True, i.e.
            # the lowest index among the (near-)minimisers.
            D2 -= tie_rtol * sq[None, :]
            tied = D2 <= (nearest + tie_rtol * (sq[rows] + 1.0))[:, None]
            kappa[rows] = tied.argmax(axis=1)
        else:
            kappa[rows] = D2.argmin(axis=1)
        distance[rows] = np.linalg.norm(V[rows] - V[kappa[rows]], axis=1)
    return kappa, distance


def first_neighbour_clusters(kappa):
    """The clusters of a first-neighbour array: weak components of ``i -> kappa[i]``.

    Step 2-2 of the paper: the arrows ``i -> kappa_i`` form disjoint directed
    graphs (Fig. 1); the items of each graph are one cluster.

    Parameters
    ----------
    kappa : array-like of shape (n_items,)
        Zero-based first-neighbour indices (any array of targets in
        ``0..n_items-1``, e.g. the paper's Eq. 5 example minus 1).

    Returns
    -------
    labels : ndarray of shape (n_items,), int64
        The cluster of each item, numbered 0, 1, ... in order of first
        appearance (item 0 is always in cluster 0).
    """
    kappa = np.asarray(kappa)
    n = len(kappa)
    if kappa.ndim != 1 or n == 0 or kappa.dtype.kind not in "iu" or kappa.min() < 0 or kappa.max() >= n:
        raise ValueError("kappa must be a non-empty 1-D integer array with values in 0..len(kappa)-1.")
    graph = csr_matrix((np.ones(n), (np.arange(n), kappa)), shape=(n, n))
    _, components = connected_components(graph, directed=True, connection="weak")
    # Renumber by first appearance, so labels do not depend on scipy's order.
    _, first = np.unique(components, return_index=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[components]


def max_distance(X, *, block_size=1024):
    """``d_max``: the largest Euclidean distance over all pairs of rows (Eq. 8).

    A blocked O(N^2 d) pass, like :func:`first_neighbours` with max instead of
    argmin; memory O(block_size x N).
    """
    X = np.asarray(X, dtype=np.float64)
    block_size = check_int(block_size, "block_size", minimum=1)
    largest = 0.0
    for _, D2, _ in _distance_blocks(X, block_size, np.float64):
        largest = max(largest, float(D2.max()))
    return float(np.sqrt(largest))


@dataclass(frozen=True, eq=False, kw_only=True)
class FNMeansSnapshot(Snapshot):
    """One level of the FN-means hierarchy (``iteration`` is the level ``l``).

    Attributes
    ----------
    points : ndarray of shape (n_items, n_features)
        ``V``: the items searched at this level (the training vectors at
        level 1, the previous level's means after that; step 2-1).
    weights : ndarray of shape (n_items,)
        How many training vectors each item stands for (1 at level 1).
    kappa : ndarray of shape (n_items,)
        First neighbour of each item (Eq. 3, zero-based, ties to the lowest index).
    fn_dist : ndarray of shape (n_items,)
        Distance from each item to its first neighbour.
    edges : ndarray of shape (n_items, 2)
        The arrows ``(i, kappa_i)`` of the graph of Fig. 1.
    mutual : ndarray of shape (n_items,), bool
        ``kappa[kappa[i]] == i``: the item is half of a mutual pair. With exact
        neighbours every graph holds exactly one mutual pair.
    item_labels : ndarray of shape (n_items,)
        The cluster of each item (weak component of its graph).
    labels : ndarray of shape (n_samples,)
        The partition of the *original* training vectors at this level.
    centers : ndarray of shape (n_clusters, n_features)
        The cluster means (Eq. 6 at level 1, Eq. 7 after).
    sizes : ndarray of shape (n_clusters,)
        Training vectors per cluster, ``N_C(i)``.
    n_clusters : int
        ``N_Cl``, the number of graphs at this level (at least 2).
    is_top : bool
        True when the next level's arrows form one single graph: the top of
        the hierarchy (step 2-3), so these are the coarsest means.
    """

    points: np.ndarray
    weights: np.ndarray
    kappa: np.ndarray
    fn_dist: np.ndarray
    edges: np.ndarray
    mutual: np.ndarray
    item_labels: np.ndarray
    sizes: np.ndarray
    n_clusters: int
    is_top: bool

    view = "tutorcluster.views.fnmeans.FNMeansView"


class FNMeans(ClusterMixin, SnapshotEstimator):
    """First-neighbour means: FINCH's partitions with Hoya's instantaneous means.

    Level ``l`` (paper Sec. 2.2, steps 2-1 to 2-4): take the items ``V`` (the
    training vectors at level 1, the means of level ``l-1`` after), find each
    item's first neighbour, join every item to it, and average each resulting
    graph. If the arrows form a single graph, the top is reached and the
    algorithm stops; that one-graph level is not stored (step 2-3), so every
    stored level has at least two clusters.

    Parameters
    ----------
    max_level : int or None, default=None
        ``N_L``, the deepest level to compute; None runs to the top.
    tie_rtol : float, default=1e-12
        Near-tie tolerance of the first-neighbour search (see
        :func:`first_neighbours`); 0 is a plain argmin.
    block_size : int, default=1024
        Rows per block of the first-neighbour search (memory O(block_size x N)).
    dtype : {"float64", "float32"}, default="float64"
        Arithmetic of the first-neighbour search; the means are always float64.
    record_every : int, default=1
        Keep every n-th snapshot in ``history_`` (0 keeps only the last).

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The means of the deepest stored level, i.e. ``centres(max_level)``;
        the single overall mean when no level has two clusters (2 or 3
        samples, or one sample).
    cluster_sizes_ : ndarray of shape (n_clusters,)
        Training vectors per cluster.
    labels_ : ndarray of shape (n_samples,)
        The partition of the training vectors at that level.
    n_clusters_ : int
        ``len(cluster_centers_)``.
    n_levels_ : int
        Stored levels (each with at least two clusters).
    level_labels_ : ndarray of shape (n_levels_, n_samples)
        ``level_labels_[l - 1]`` is the partition at level ``l``.
    level_means_ : tuple of ndarray
        ``level_means_[l - 1]`` holds the means at level ``l``.
    level_sizes_ : tuple of ndarray
        The matching cluster sizes.
    first_neighbours_ : ndarray of shape (n_samples,)
        The first neighbour of every training vector (level 1); -1 when
        there is a single sample.
    reached_top_ : bool
        True if the run ended at the top of the hierarchy (the next level
        would be one graph), False if it stopped at ``max_level``.
    history_ : tuple of FNMeansSnapshot
        One snapshot per stored level.

    Examples
    --------
    >>> import numpy as np
    >>> from tutorcluster import FNMeans
    >>> X = np.array([[0.0], [1.0], [5.0], [6.5], [20.0], [21.0], [23.0]])
    >>> model = FNMeans().fit(X)
    >>> model.level_labels_
    array([[0, 0, 1, 1, 2, 2, 2]])
    >>> model.n_levels_, model.reached_top_
    (1, True)

    References
    ----------
    Hoya, Array 14 (2022) 100161, Sec. 2; notebook ``04-fnmeans-pnn.ipynb``,
    sections "2. First neighbours" and "5. The algorithm and the package call".
    """

    def __init__(self, max_level=None, *, tie_rtol=1e-12, block_size=1024, dtype="float64",
                 record_every=1):
        self.max_level = max_level
        self.tie_rtol = tie_rtol
        self.block_size = block_size
        self.dtype = dtype
        self.record_every = record_every

    def _link(self, V):
        """Step 2-2 at one level: first neighbours and the graphs they form."""
        kappa, fn_dist = first_neighbours(V, tie_rtol=self.tie_rtol, block_size=self.block_size,
                                          dtype=self.dtype)
        return kappa, fn_dist, first_neighbour_clusters(kappa)

    def _iterate(self, X, y=None):
        X = check_X(self, X)
        if self.max_level is not None:
            check_int(self.max_level, "max_level", minimum=1)
        check_real(self.tie_rtol, "tie_rtol", low=0)
        check_int(self.block_size, "block_size", minimum=1)
        _check_dtype(self.dtype)
        n = len(X)

        means, labels, sizes = [], [], []
        V, weights, point_labels, level = X, np.ones(n), np.arange(n), 1
        linked = self._link(V) if n > 1 else None
        self.first_neighbours_ = linked[0].copy() if n > 1 else np.full(n, -1, dtype=np.int64)
        # Step 2-3: when the arrows form a single graph the top is reached;
        # that level is not stored, so every stored level has >= 2 clusters.
        while linked is not None and linked[2].max() > 0:
            kappa, fn_dist, item_labels = linked
            n_clusters = int(item_labels.max()) + 1
            # Eq. 7 (Eq. 6 at level 1, where every weight is 1): a cluster's
            # mean is the size-weighted mean of its items' means, so the
            # training vectors are never revisited.
            membership = csr_matrix((weights, (item_labels, np.arange(len(V)))),
                                    shape=(n_clusters, len(V)))
            cluster_sizes = np.bincount(item_labels, weights=weights).round().astype(np.int64)
            cluster_means = np.asarray(membership @ V) / cluster_sizes[:, None]
            point_labels = item_labels[point_labels]
            means.append(cluster_means)
            sizes.append(cluster_sizes)
            labels.append(point_labels)
            # The next level is linked before this one is shown, so that the
            # snapshot can say whether it is the top of the hierarchy.
            deeper = self.max_level is None or level < self.max_level
            linked = self._link(cluster_means) if deeper else None
            is_top = linked is not None and linked[2].max() == 0
            mutual = kappa[kappa] == np.arange(len(V))
            yield FNMeansSnapshot(
                iteration=level, centers=cluster_means, labels=point_labels, points=V,
                weights=weights, kappa=kappa, fn_dist=fn_dist,
                edges=np.column_stack([np.arange(len(V)), kappa]), mutual=mutual,
                item_labels=item_labels, sizes=cluster_sizes, n_clusters=n_clusters,
                is_top=bool(is_top),
                caption=(f"Level {level}: {len(V)} items, each with an arrow to its first "
                         f"neighbour (Eq. 3), form {n_clusters} graphs around "
                         f"{int(mutual.sum()) // 2} mutual pairs; each graph's mean is a centre "
                         f"(Eq. {6 if level == 1 else 7})"
                         + (". The next level is one graph: top of the hierarchy (step 2-3)."
                            if is_top else ".")),
            )
            V, weights, level = cluster_means, cluster_sizes.astype(np.float64), level + 1

        self.n_levels_ = len(means)
        self.reached_top_ = linked is not None or n == 1
        self.level_means_ = tuple(means)
        self.level_sizes_ = tuple(sizes)
        self.level_labels_ = np.array(labels, dtype=np.int64).reshape(len(labels), n)
        if means:
            self.cluster_centers_ = means[-1].copy()
            self.cluster_sizes_ = sizes[-1].copy()
            self.labels_ = labels[-1].copy()
        else:  # 1, 2 or 3 samples: level 1 is already one graph (spec Sec. 6).
            self.cluster_centers_ = X.mean(axis=0, keepdims=True)
            self.cluster_sizes_ = np.array([n])
            self.labels_ = np.zeros(n, dtype=np.int64)
        self.n_clusters_ = len(self.cluster_centers_)

    def centres(self, level=None, *, return_sizes=False):
        """The centres FN-means gives at level ``N_L`` (what a PNN stores).

        The means of the deepest stored level ``<= level``. A hierarchy that
        ends before ``level`` gives its coarsest means; one with no stored
        level (1-3 samples) gives the overall mean (spec Sec. 5.8).

        Parameters
        ----------
        level : int or None, default=None
            ``N_L``; None means ``max_level`` (the fitted ``cluster_centers_``).
        return_sizes : bool, default=False
            Also return the number of training vectors behind each centre.

        Returns
        -------
        centres : ndarray of shape (n_centres, n_features)
        sizes : ndarray of shape (n_centres,), only if ``return_sizes``
        """
        check_is_fitted(self, "level_means_")
        if level is None:
            centres, sizes = self.cluster_centers_, self.cluster_sizes_
        else:
            level = check_int(level, "level", minimum=1)
            if level > self.n_levels_ and not self.reached_top_:
                raise ValueError(
                    f"level={level} is deeper than the {self.n_levels_} level(s) computed with "
                    f"max_level={self.max_level}; fit with max_level >= {level}."
                )
            deepest = min(level, self.n_levels_)
            if deepest == 0:  # no stored level: the overall mean
                centres, sizes = self.cluster_centers_, self.cluster_sizes_
            else:
                centres, sizes = self.level_means_[deepest - 1], self.level_sizes_[deepest - 1]
        centres, sizes = centres.copy(), sizes.copy()
        return (centres, sizes) if return_sizes else centres


def _centres_of(clusterer):
    """Centres and sizes of any fitted clusterer with ``cluster_centers_`` and ``labels_``."""
    for attribute in ("cluster_centers_", "labels_"):
        if not hasattr(clusterer, attribute):
            raise ValueError(
                f"clusterer {type(clusterer).__name__} has no {attribute} after fit; the PNN "
                f"needs a clusterer with cluster_centers_ and labels_ (e.g. FNMeans, KMeans)."
            )
    centres = np.asarray(clusterer.cluster_centers_, dtype=np.float64)
    sizes = np.bincount(np.asarray(clusterer.labels_), minlength=len(centres))
    return centres, sizes


class PNN(ClassifierMixin, BaseEstimator):
    """Probabilistic neural network with class-wise centres (Specht 1990; Hoya 2022).

    Every centre ``t_i`` of class ``j`` adds a Gaussian bump to class ``j``'s
    score, ``o_j(x) = sum_i exp(-||x - t_i||^2 / sigma^2)`` (Eqs. 1-2); the
    prediction is the best-scoring class. The centres are every training
    vector (``clusterer=None``, Specht's original PNN) or the centres a
    clusterer finds in each class separately (Hoya's "divide and conquer",
    Sec. 2.3), e.g. ``FNMeans(max_level=1)``.

    The PNN has no iterations (fitting is one pass per class), so it is a
    plain scikit-learn classifier, not a :class:`~tutorcluster.SnapshotEstimator`;
    the clusterer fitted on each class is kept in ``clusterers_``, and an
    FNMeans clusterer can be scrubbed class by class.

    Parameters
    ----------
    beta : float, default=1.0
        Eq. 8: ``sigma = beta * d_max / N_c`` (the paper always uses 1).
    sigma : float or None, default=None
        The shared radius; None computes it with Eq. 8. Required when all
        training vectors coincide (``d_max = 0``).
    aggregate : {"sum", "mean", "weighted"}, default="sum"
        How a class's bumps are combined. "sum" is Eq. 2 (Hoya). "mean"
        divides by the class's number of centres (Specht's density
        estimate); "weighted" multiplies each bump by the number of training
        vectors behind its centre (spec Sec. 5.5). Both are extensions.
    clusterer : estimator, dict or None, default=None
        None stores every training vector. An estimator with
        ``cluster_centers_`` and ``labels_`` is cloned and fitted on each
        class. A dict ``{class: estimator}`` gives each class its own one
        (k-means with matched counts, for instance).
    block_size : int, default=1024
        Rows per block when computing distances (d_max and predictions).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    d_max_ : float
        Largest distance between two training vectors (Eq. 8).
    sigma_ : float
        The radius used.
    centres_ : ndarray of shape (n_centres, n_features)
        Every centre, grouped class by class in the order of ``classes_``.
    centre_classes_ : ndarray of shape (n_centres,)
        The class label of each centre.
    centre_sizes_ : ndarray of shape (n_centres,)
        Training vectors behind each centre.
    n_centres_ : ndarray of shape (n_classes,)
        Centres per class.
    clusterers_ : dict
        The fitted clusterer of each class (empty when ``clusterer=None``).

    References
    ----------
    Hoya, Array 14 (2022) 100161, Eqs. 1, 2 and 8; notebook
    ``04-fnmeans-pnn.ipynb``, section "1. The probabilistic neural network".
    """

    def __init__(self, beta=1.0, *, sigma=None, aggregate="sum", clusterer=None, block_size=1024):
        self.beta = beta
        self.sigma = sigma
        self.aggregate = aggregate
        self.clusterer = clusterer
        self.block_size = block_size

    def _class_clusterer(self, label):
        if isinstance(self.clusterer, dict):
            if label not in self.clusterer:
                raise ValueError(f"clusterer has no entry for class {label}.")
            return clone(self.clusterer[label])
        return clone(self.clusterer)

    def fit(self, X, y):
        """Store the class-wise centres and set the radius (Eq. 8).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors (normalised as the notebook explains).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : PNN
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        check_real(self.beta, "beta", low=0, low_inclusive=False)
        if self.sigma is not None:
            check_real(self.sigma, "sigma", low=0, low_inclusive=False)
        check_choice(self.aggregate, "aggregate", {"sum", "mean", "weighted"})
        check_int(self.block_size, "block_size", minimum=1)
        if not (self.clusterer is None or isinstance(self.clusterer, dict)
                or hasattr(self.clusterer, "fit")):
            raise ValueError(f"clusterer must be None, an estimator or a dict, got {self.clusterer!r}.")

        self.classes_, y_index = np.unique(y, return_inverse=True)
        # Eq. 8 uses the whole training set (all classes), before clustering.
        self.d_max_ = max_distance(X, block_size=self.block_size)
        if self.sigma is None:
            self.sigma_ = self.beta * self.d_max_ / len(self.classes_)
            if self.sigma_ == 0:
                raise ValueError(
                    f"sigma = beta * d_max / N_c is 0 because all training vectors coincide "
                    f"(d_max = 0, n_samples = {len(X)}{', 1 sample' if len(X) == 1 else ''}); "
                    f"pass sigma explicitly."
                )
        else:
            self.sigma_ = float(self.sigma)

        centres, classes, sizes = [], [], []
        self.clusterers_ = {}
        for index, label in enumerate(self.classes_):
            X_class = X[y_index == index]
            if self.clusterer is None:  # Specht's PNN: every training vector is a centre.
                class_centres, class_sizes = X_class, np.ones(len(X_class), dtype=np.int64)
            else:
                fitted = self._class_clusterer(label).fit(X_class)
                self.clusterers_[label] = fitted
                class_centres, class_sizes = _centres_of(fitted)
            centres.append(class_centres)
            sizes.append(class_sizes)
            classes.append(np.full(len(class_centres), index))
        self.centres_ = np.vstack(centres)
        self.centre_sizes_ = np.concatenate(sizes).astype(np.int64)
        self._centre_index = np.concatenate(classes)
        self.centre_classes_ = self.classes_[self._centre_index]
        self.n_centres_ = np.array([len(c) for c in centres])
        return self

    def log_scores(self, X):
        """``log o_j(x)`` for every class (Eq. 2 in log space).

        Each class's log-sum-exp is shifted by that class's largest term, so a
        query far from every centre gets large negative but finite scores
        instead of ``log 0`` (spec Sec. 6).

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)

        Returns
        -------
        scores : ndarray of shape (n_queries, n_classes)
        """
        check_is_fitted(self, "centres_")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        # Centres are grouped by class, so each class is one slice [start, stop).
        starts = np.concatenate([[0], np.cumsum(self.n_centres_)[:-1]])
        offset = np.zeros(len(self.centres_))
        if self.aggregate == "weighted":
            with np.errstate(divide="ignore"):  # an empty k-means cluster weighs 0
                offset = np.log(self.centre_sizes_.astype(np.float64))
        scores = np.empty((len(X), len(self.classes_)))
        for start in range(0, len(X), self.block_size):
            rows = slice(start, start + self.block_size)
            # Eq. 1 in log space: log h_i(x) = -||x - t_i||^2 / sigma^2 (no factor 2).
            log_h = -squared_distances(X[rows], self.centres_) / self.sigma_ ** 2 + offset
            largest = np.maximum.reduceat(log_h, starts, axis=1)
            bumps = np.exp(log_h - largest[:, self._centre_index])
            scores[rows] = largest + np.log(np.add.reduceat(bumps, starts, axis=1))
        if self.aggregate == "mean":
            scores -= np.log(self.n_centres_)
        return scores

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`."""
        scores = self.log_scores(X)
        largest = scores.max(axis=1, keepdims=True)
        return scores - largest - np.log(np.exp(scores - largest).sum(axis=1, keepdims=True))

    def predict_proba(self, X):
        """``o_j / sum_k o_k`` (not in the paper), computed in log space.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)

        Returns
        -------
        proba : ndarray of shape (n_queries, n_classes)
            Rows sum to 1, even for queries far from every centre.
        """
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """The class with the highest score (Eq. 2); the lowest class on ties.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)

        Returns
        -------
        y : ndarray of shape (n_queries,)
        """
        scores = self.log_scores(X)
        return self.classes_[np.argmax(scores, axis=1)]
