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
from functools import partial

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator, ClassifierMixin, ClusterMixin, clone
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ._snapshots import Snapshot, SnapshotEstimator
from ._validation import check_choice, check_int, check_real, check_scale
from .distances import (FIRST_NEIGHBOUR_ALGORITHMS, NearestCentreMixin, max_pairwise_distance,
                        near_first_neighbours, row_blocks, squared_distances, tie_tolerance)


def first_neighbours(V, *, tie_rtol=1e-12, algorithm="auto"):
    """The first neighbour of every row of ``V`` (Eq. 3), exactly.

    ``kappa[i] = argmin_{j != i} ||v_i - v_j||``. The paper does not discuss
    ties; the package gives them to the **lowest index** (the rule the proof
    "every cycle is a mutual pair" needs, notebook section 3). Because
    rounding turns exact decimal ties (1.1 against 1.1) into near-ties, ``j``
    counts as tied with the minimum when its squared distance is within
    ``tie_rtol * s`` of it, where ``s`` is the mean squared distance of the
    items to their mean (:func:`~tutorcluster.distances.distance_scale`): a
    tolerance in the units of the distances, so moving the data changes
    nothing.

    The search itself (:func:`~tutorcluster.distances.near_first_neighbours`)
    returns every near-minimal candidate with its exact float64 distance;
    the tie rule here is a filter on top of it.

    Parameters
    ----------
    V : array-like of shape (n_items, n_features)
        The items (training vectors at level 1, cluster means after that).
        At least two rows.
    tie_rtol : float, default=1e-12
        Relative tolerance of the tie rule; 0 keeps only exact ties.
    algorithm : {"auto", "kd_tree", "brute", "exact"}, default="auto"
        How the candidates are found: a KD-tree (low dimension), a blocked
        float32 search with an exact float64 re-check, or the readable
        term-by-term search. All give the same first neighbours; "auto"
        takes the KD-tree up to 10 features.

    Returns
    -------
    kappa : ndarray of shape (n_items,), int64
        The first neighbour of each item.
    distance : ndarray of shape (n_items,), float64
        ``||v_i - v_kappa_i||``, from the difference vectors (exact).

    See Also
    --------
    sklearn.neighbors.NearestNeighbors : the same neighbours (``n_neighbors=2``)
        away from ties; a test compares the two.
    """
    V = np.asarray(V, dtype=np.float64)
    if V.ndim != 2 or len(V) < 2:
        raise ValueError(f"first_neighbours needs at least 2 items in a 2-D array, got shape {V.shape}.")
    tie_rtol = check_real(tie_rtol, "tie_rtol", low=0)
    check_choice(algorithm, "algorithm", set(FIRST_NEIGHBOUR_ALGORITHMS))
    rows, cols, d2 = near_first_neighbours(V, tol=tie_tolerance(V, tie_rtol), algorithm=algorithm)
    # The tie rule: candidates come sorted by row, then column, so the first
    # candidate of each row is its lowest-index near-minimiser.
    _, first = np.unique(rows, return_index=True)
    return cols[first].astype(np.int64), np.sqrt(d2[first])


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


class FNMeans(ClusterMixin, NearestCentreMixin, SnapshotEstimator):
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
    algorithm : {"auto", "kd_tree", "brute", "exact"}, default="auto"
        The first-neighbour search (see :func:`first_neighbours`): a KD-tree
        up to 10 features, else a blocked float32 search with an exact
        float64 re-check; "exact" is the readable term-by-term search. The
        hierarchy is the same whichever is used.
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

    ``predict`` / ``transform`` / ``score`` use the nearest of
    ``cluster_centers_`` (the deepest stored level).

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

    def __init__(self, max_level=None, *, tie_rtol=1e-12, algorithm="auto", record_every=1):
        self.max_level = max_level
        self.tie_rtol = tie_rtol
        self.algorithm = algorithm
        self.record_every = record_every

    def _link(self, V):
        """Step 2-2 at one level: first neighbours and the graphs they form."""
        kappa, fn_dist = first_neighbours(V, tie_rtol=self.tie_rtol, algorithm=self.algorithm)
        return kappa, fn_dist, first_neighbour_clusters(kappa)

    def _iterate(self, X, y=None):
        if self.max_level is not None:
            check_int(self.max_level, "max_level", minimum=1)
        check_real(self.tie_rtol, "tie_rtol", low=0)
        check_choice(self.algorithm, "algorithm", set(FIRST_NEIGHBOUR_ALGORITHMS))
        n = len(X)

        means, labels, sizes = [], [], []
        V, weights, point_labels, level = X, np.ones(n), np.arange(n), 1
        linked = self._link(V) if n > 1 else None
        first = linked[0].copy() if n > 1 else np.full(n, -1, dtype=np.int64)
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
            # A lazy frame: built (and its arrays copied) only if the history keeps it.
            yield partial(
                FNMeansSnapshot,
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

        if means:
            centres, centre_sizes, final_labels = means[-1].copy(), sizes[-1].copy(), labels[-1].copy()
        else:  # 1, 2 or 3 samples: level 1 is already one graph (notebook section 5).
            centres = X.mean(axis=0, keepdims=True)
            centre_sizes = np.array([n])
            final_labels = np.zeros(n, dtype=np.int64)
        return {
            "first_neighbours_": first,
            "n_levels_": len(means),
            "reached_top_": linked is not None or n == 1,
            "level_means_": tuple(means),
            "level_sizes_": tuple(sizes),
            "level_labels_": np.array(labels, dtype=np.int64).reshape(len(labels), n),
            "cluster_centers_": centres,
            "cluster_sizes_": centre_sizes,
            "labels_": final_labels,
            "n_clusters_": len(centres),
        }

    def centres(self, level=None, *, return_sizes=False):
        """The centres FN-means gives at level ``N_L`` (what a PNN stores).

        The means of the deepest stored level ``<= level``. A hierarchy that
        ends before ``level`` gives its coarsest means; one with no stored
        level (1-3 samples) gives the overall mean.

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
    plain scikit-learn classifier, not a :class:`~tutorcluster.SnapshotEstimator`.
    The clusterer fitted on each class is kept in ``clusterers_``; its
    ``history_`` (one snapshot per level, each holding a copy of the class's
    data) is dropped unless ``keep_histories=True``, so that a PNN with few
    centres is also a small object. With ``keep_histories=True`` an FNMeans
    clusterer can be scrubbed class by class.

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
        vectors behind its centre. Both are extensions (notebook section
        "The N_L = 2 lesson: sum, mean or weighted").
    clusterer : estimator, dict or None, default=None
        None stores every training vector. An estimator with
        ``cluster_centers_`` and ``labels_`` is cloned and fitted on each
        class. A dict ``{class: estimator}`` gives each class its own one
        (k-means with matched counts, for instance).
    keep_histories : bool, default=False
        Keep each class clusterer's ``history_`` (for the player). By
        default the clusterers are fitted with ``record_every=0`` where they
        accept it and their history is then emptied.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    d_max_ : float or None
        Largest distance between two training vectors (Eq. 8); None when
        ``sigma`` is given (it is then not needed, and not computed).
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

    def __init__(self, beta=1.0, *, sigma=None, aggregate="sum", clusterer=None,
                 keep_histories=False):
        self.beta = beta
        self.sigma = sigma
        self.aggregate = aggregate
        self.clusterer = clusterer
        self.keep_histories = keep_histories

    def _class_clusterer(self, label):
        if isinstance(self.clusterer, dict):
            if label not in self.clusterer:
                raise ValueError(f"clusterer has no entry for class {label}.")
            clusterer = clone(self.clusterer[label])
        else:
            clusterer = clone(self.clusterer)
        if not self.keep_histories and "record_every" in clusterer.get_params():
            clusterer.set_params(record_every=0)   # build one snapshot, not one per level
        return clusterer

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
        check_scale(X)   # 1e300 would make d_max overflow to inf, and sigma NaN
        check_classification_targets(y)
        check_real(self.beta, "beta", low=0, low_inclusive=False)
        if self.sigma is not None:
            check_real(self.sigma, "sigma", low=0, low_inclusive=False)
        check_choice(self.aggregate, "aggregate", {"sum", "mean", "weighted"})
        if not isinstance(self.keep_histories, (bool, np.bool_)):
            raise ValueError(f"keep_histories must be True or False, got {self.keep_histories!r}.")
        if not (self.clusterer is None or isinstance(self.clusterer, dict)
                or hasattr(self.clusterer, "fit")):
            raise ValueError(f"clusterer must be None, an estimator or a dict, got {self.clusterer!r}.")

        self.classes_, y_index = np.unique(y, return_inverse=True)
        # Eq. 8 uses the whole training set (all classes), before clustering;
        # with a given sigma it is not needed, so the fit costs only the clustering.
        self.d_max_ = None if self.sigma is not None else max_pairwise_distance(X)
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
                if not self.keep_histories and hasattr(fitted, "history_"):
                    fitted.history_ = ()
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
        instead of ``log 0`` (notebook section "Scores in log space").

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
        # Blocks of queries whose (rows, n_centres) temporaries fit the memory budget.
        for rows in row_blocks(len(X), 3 * 8 * len(self.centres_)):
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


@dataclass(frozen=True, eq=False, kw_only=True)
class ClassHierarchySnapshot(Snapshot):
    """Level ``N_L`` of a PNN's class-wise FN-means centres (``iteration`` is ``N_L``).

    Attributes
    ----------
    centers : ndarray of shape (n_centres, n_features)
        Every class's FN-means centres at this level, class by class.
    labels : ndarray of shape (n_samples,)
        The centre each training vector belongs to at this level.
    classes : ndarray of shape (n_samples,)
        The class index of each training vector.
    centre_classes : ndarray of shape (n_centres,)
        The class index of each centre.
    sizes : ndarray of shape (n_centres,)
        Training vectors behind each centre.
    n_centres : ndarray of shape (n_classes,)
        Centres per class.
    sigma : float
        The PNN's radius (Eq. 8 unless given), the same at every level.
    aggregate : str
        How the view combines a class's bumps ("sum" is Eq. 2).
    """

    classes: np.ndarray
    centre_classes: np.ndarray
    sizes: np.ndarray
    n_centres: np.ndarray
    sigma: float
    aggregate: str

    view = "tutorcluster.views.fnmeans.ClassHierarchyView"


def class_hierarchy(X, y, *, max_level=None, sigma=None, aggregate="sum"):
    """The class-wise hierarchy of a PNN with FN-means centres, one snapshot per level.

    Hoya clusters each class separately (Sec. 2.3); this runs FN-means on
    every class and returns, for each level ``N_L = 1, 2, ...``, the centres
    a PNN would store. A class whose hierarchy ends earlier keeps its
    deepest level. ``tc.scrub(class_hierarchy(X, y), X)`` plays the levels
    with the PNN's decision regions (two-feature data).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    max_level : int or None, default=None
        The deepest level; None goes as deep as the deepest class.
    sigma : float or None, default=None
        The PNN's radius; None uses Eq. 8.
    aggregate : {"sum", "mean", "weighted"}, default="sum"
        Recorded for the view's decision regions.

    Returns
    -------
    history : tuple of ClassHierarchySnapshot
    """
    check_choice(aggregate, "aggregate", {"sum", "mean", "weighted"})
    pnn = PNN(sigma=sigma, aggregate=aggregate, clusterer=FNMeans(max_level=max_level)).fit(X, y)
    X = np.asarray(X, dtype=np.float64)
    y_index = np.searchsorted(pnn.classes_, np.asarray(y))
    clusterers = [pnn.clusterers_[label] for label in pnn.classes_]
    depth = max(1, max(c.n_levels_ for c in clusterers))
    history = []
    for level in range(1, depth + 1):
        centres, sizes, centre_classes = [], [], []
        labels = np.empty(len(X), dtype=np.int64)
        for index, clusterer in enumerate(clusterers):
            class_centres, class_sizes = clusterer.centres(level, return_sizes=True)
            deepest = min(level, clusterer.n_levels_)
            members = np.flatnonzero(y_index == index)
            own = (clusterer.level_labels_[deepest - 1] if deepest else np.zeros(len(members), dtype=np.int64))
            labels[members] = own + sum(len(c) for c in centres)
            centres.append(class_centres)
            sizes.append(class_sizes)
            centre_classes.append(np.full(len(class_centres), index))
        n_centres = np.array([len(c) for c in centres])
        history.append(ClassHierarchySnapshot(
            iteration=level, centers=np.vstack(centres), labels=labels, classes=y_index,
            centre_classes=np.concatenate(centre_classes), sizes=np.concatenate(sizes),
            n_centres=n_centres, sigma=float(pnn.sigma_), aggregate=aggregate,
            caption=(f"N_L = {level}: every class clustered on its own (Sec. 2.3) keeps "
                     f"{n_centres.sum()} centres ({', '.join(map(str, n_centres))} per class); "
                     f"regions by Eq. 2 with the {aggregate!r} aggregate.")))
    return tuple(history)
