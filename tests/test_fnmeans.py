"""Tests of FN-means and the PNN (Hoya 2022; notebook ``04-fnmeans-pnn.ipynb``)."""

import pickle

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import pdist
from sklearn.datasets import make_blobs
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestNeighbors
from sklearn.utils.estimator_checks import parametrize_with_checks

import tutorcluster as tc
from tutorcluster.distances import (distance_scale, max_pairwise_distance, near_first_neighbours,
                                    tie_tolerance)
from tutorcluster.fnmeans import (FNMeans, FNMeansSnapshot, PNN, first_neighbour_clusters,
                                  first_neighbours)
from tutorcluster.testing import check_snapshot_protocol
from tutorcluster.views.fnmeans import (FNMeansView, draw_first_neighbour_graph, graph_layout,
                                        plot_centre_images, plot_decision_regions)

# The paper's Eq. 5, 1-based, and its two clusters (paper Sec. 2.2, Fig. 1).
PAPER_S_FN = [2, 5, 2, 3, 9, 5, 14, 7, 11, 5, 1, 10, 8, 8]
PAPER_C1 = {1, 2, 3, 4, 5, 6, 9, 10, 11, 12}
PAPER_C2 = {7, 8, 13, 14}


def brute_force_first_neighbours(X):
    """Lowest-index argmin of exact squared distances (X holds integers).

    Also returns how many rows have more than one nearest neighbour.
    """
    X = np.asarray(X, dtype=np.int64)
    D = ((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2).astype(float)
    np.fill_diagonal(D, np.inf)
    minimisers = D == D.min(axis=1, keepdims=True)
    return np.argmax(minimisers, axis=1), int(np.sum(minimisers.sum(axis=1) > 1))


def finch_partitions(X):
    """FINCH (Sarfraz et al. 2019) without early exit, written independently.

    Each level: first neighbours of the current means, the adjacency of FINCH
    Eq. (1), its connected components, then means recomputed from the
    *original* points (Eq. 6), not from the previous means (Eq. 7).
    """
    X = np.asarray(X, dtype=float)
    labels = np.arange(len(X))
    means = X
    partitions = []
    while len(means) > 1:
        D = ((means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
        np.fill_diagonal(D, np.inf)
        kappa = D.argmin(axis=1)
        n = len(means)
        i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        A = (kappa[i] == j) | (kappa[j] == i) | (kappa[i] == kappa[j])
        k, components = connected_components(csr_matrix(A), directed=False)
        if k == 1:
            break
        labels = components[labels]
        partitions.append(labels)
        means = np.array([X[labels == c].mean(axis=0) for c in range(k)])
    return partitions


def same_partition(a, b):
    """True if two label vectors define the same partition (any numbering)."""
    pairs = set(zip(a.tolist(), b.tolist()))
    return len(pairs) == len(set(a.tolist())) == len(set(b.tolist()))


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(n_samples=300, centers=5, cluster_std=1.3, random_state=3)
    return X


@pytest.fixture(scope="module")
def digits_split():
    X, y = tc.datasets.load("digits")
    return train_test_split(X / 8 - 1, y, test_size=0.3, stratify=y, random_state=0)


# --- first neighbours ------------------------------------------------------

def test_paper_eq5_example_gives_the_papers_two_clusters():
    kappa = np.array(PAPER_S_FN) - 1
    labels = first_neighbour_clusters(kappa)
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1])
    assert set(np.flatnonzero(labels == 0) + 1) == PAPER_C1
    assert set(np.flatnonzero(labels == 1) + 1) == PAPER_C2


def test_first_neighbours_match_sklearn_and_brute_force_away_from_ties():
    X = np.random.default_rng(0).normal(size=(400, 5))
    kappa, distance = first_neighbours(X, algorithm="brute")
    nn_distance, nn_index = NearestNeighbors(n_neighbors=2).fit(X).kneighbors(X)
    np.testing.assert_array_equal(kappa, nn_index[:, 1])
    np.testing.assert_allclose(distance, nn_distance[:, 1], rtol=1e-12)
    D = ((X[:, None] - X[None]) ** 2).sum(axis=2)
    np.fill_diagonal(D, np.inf)
    np.testing.assert_array_equal(kappa, D.argmin(axis=1))


@pytest.mark.parametrize("name, scale", [("iris", 10), ("digits", 1)])
def test_ties_go_to_the_lowest_index(name, scale):
    # Integer (digits) or one-decimal (iris) data: exact ties exist and the
    # exact answer can be computed in integers.
    X, _ = tc.datasets.load(name)
    exact, n_tied = brute_force_first_neighbours(np.round(X * scale))
    assert n_tied == {"iris": 17, "digits": 18}[name]  # the counts the notebook quotes
    for algorithm in ("auto", "kd_tree", "brute", "exact"):
        kappa, _ = first_neighbours(X, algorithm=algorithm)
        np.testing.assert_array_equal(kappa, exact, err_msg=algorithm)
    if name == "iris":
        # Rounding turns iris's decimal ties into near-ties: a plain argmin
        # (tie_rtol=0) then misses the lowest index on some rows.
        plain, _ = first_neighbours(X, tie_rtol=0, algorithm="exact")
        assert np.sum(plain != exact) > 0


@pytest.mark.parametrize("n_features", [2, 20])
def test_every_search_and_block_size_gives_the_readable_answer(n_features):
    X = np.random.default_rng(1).normal(size=(500, n_features))
    X = np.vstack([X, X[:40], np.round(X[40:90], 1)])          # duplicates and near-duplicates
    tol = tie_tolerance(X, 1e-12)
    reference = near_first_neighbours(X, tol=tol, algorithm="exact")
    for algorithm in ("kd_tree", "brute"):
        for budget in (None, 4 * 37 ** 2, 4 * 600 ** 2, 8):    # blocks of 37 rows, 600, one row
            found = near_first_neighbours(X, tol=tol, algorithm=algorithm, budget=budget)
            for a, b in zip(found[:2], reference[:2]):
                np.testing.assert_array_equal(a, b, err_msg=f"{algorithm}, budget {budget}")
            np.testing.assert_array_equal(found[2], reference[2])


@pytest.mark.parametrize("offset", [1e4, 1e5, 1e6])
@pytest.mark.parametrize("algorithm", ["kd_tree", "brute", "exact"])
def test_first_neighbours_do_not_move_with_the_data(offset, algorithm):
    # Before the shared first-neighbour search, 1000 Gaussian 2-D points moved
    # by 1e4 got 55 wrong first neighbours (tie tolerance relative to |x|^2
    # and an uncentred expansion), by 1e5 827, and by 1e6 no level at all.
    X = np.random.default_rng(0).normal(size=(1000, 2))
    kappa, distance = first_neighbours(X, algorithm=algorithm)
    moved, moved_distance = first_neighbours(X + offset, algorithm=algorithm)
    assert np.sum(moved != kappa) == 0
    np.testing.assert_allclose(moved_distance, distance, rtol=1e-6)
    model, shifted = FNMeans().fit(X), FNMeans(algorithm=algorithm).fit(X + offset)
    assert shifted.n_levels_ == model.n_levels_ >= 3
    np.testing.assert_array_equal(shifted.level_labels_, model.level_labels_)


def test_the_tie_tolerance_is_relative_to_the_distance_scale():
    X = np.random.default_rng(2).normal(size=(50, 3))
    assert distance_scale(X + 1e6) == pytest.approx(distance_scale(X), rel=1e-6)
    assert tie_tolerance(10 * X, 1e-12) == pytest.approx(100 * tie_tolerance(X, 1e-12))


def test_duplicates_are_first_neighbours_of_each_other():
    X = np.array([[0.0, 0.0], [5.0, 5.0], [0.0, 0.0], [9.0, 1.0], [5.0, 5.0]])
    kappa, distance = first_neighbours(X)
    assert kappa[0] == 2 and kappa[2] == 0 and kappa[1] == 4 and kappa[4] == 1
    assert distance[0] == 0 and distance[1] == 0


@pytest.mark.parametrize("n_features", [1, 2, 5, 40])
def test_max_pairwise_distance_is_the_largest_pairwise_distance(n_features):
    X = np.random.default_rng(n_features).normal(size=(300, n_features))
    for data in (X, X + 1e6, np.zeros((4, n_features)), X[:2]):
        for budget in (None, 4 * 50 ** 2):
            assert max_pairwise_distance(data, budget=budget) == pytest.approx(
                pdist(data).max(), rel=1e-9, abs=1e-9)
    line = np.column_stack([np.arange(10.0), 2 * np.arange(10.0)])   # a degenerate 2-D hull
    assert max_pairwise_distance(line) == pytest.approx(pdist(line).max())
    assert max_pairwise_distance(X[:1]) == 0.0


# --- FN-means: the hierarchy's invariants --------------------------------------

def random_data(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rng.integers(50, 400), rng.integers(1, 6)))
    if seed % 2:  # add exact duplicates
        X = np.vstack([X, X[: len(X) // 5]])
    return X


@pytest.mark.parametrize("seed", range(6))
def test_hierarchy_invariants(seed):
    X = random_data(seed)
    model = FNMeans().fit(X)
    n_items = len(X)
    previous_labels = np.arange(len(X))
    assert model.n_levels_ <= int(np.floor(np.log2(len(X))))
    for level, snapshot in enumerate(model.history_, start=1):
        assert snapshot.iteration == level and len(snapshot.points) == n_items
        kappa = snapshot.kappa
        # Every cycle of i -> kappa_i is a mutual pair, so #clusters = #pairs.
        assert snapshot.mutual.sum() == 2 * snapshot.n_clusters
        # Every cluster holds >= 2 items, so each level at least halves.
        assert np.bincount(snapshot.item_labels).min() >= 2
        assert 2 <= snapshot.n_clusters <= n_items // 2
        # Items are joined to their first neighbour; labels by first appearance.
        assert np.all(snapshot.item_labels == snapshot.item_labels[kappa])
        _, first = np.unique(snapshot.item_labels, return_index=True)
        assert np.all(np.diff(first) > 0)
        np.testing.assert_array_equal(snapshot.edges, np.column_stack([np.arange(n_items), kappa]))
        # The partition of the training vectors coarsens the previous one.
        np.testing.assert_array_equal(snapshot.labels, snapshot.item_labels[previous_labels])
        # Eq. 7 equals the direct means of the original points (Eq. 6).
        direct = np.array([X[snapshot.labels == c].mean(axis=0) for c in range(snapshot.n_clusters)])
        np.testing.assert_allclose(snapshot.centers, direct, rtol=1e-10, atol=1e-12)
        np.testing.assert_array_equal(snapshot.sizes, np.bincount(snapshot.labels))
        np.testing.assert_array_equal(model.level_labels_[level - 1], snapshot.labels)
        previous_labels, n_items = snapshot.labels, snapshot.n_clusters
    assert model.reached_top_ and model.history_[-1].is_top
    assert not any(s.is_top for s in model.history_[:-1])
    # The next level would be a single graph (step 2-3).
    assert first_neighbour_clusters(first_neighbours(model.cluster_centers_)[0]).max() == 0


@pytest.mark.parametrize("seed", range(4))
def test_partitions_equal_finch(seed):
    X = random_data(seed)
    model = FNMeans().fit(X)
    finch = finch_partitions(X)
    assert len(finch) == model.n_levels_
    for ours, theirs in zip(model.level_labels_, finch):
        assert same_partition(ours, theirs)


def test_finch_adjacency_has_the_same_components_at_every_level(blobs):
    for snapshot in FNMeans().fit(blobs).history_:
        kappa, n = snapshot.kappa, len(snapshot.kappa)
        i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        A = (kappa[i] == j) | (kappa[j] == i) | (kappa[i] == kappa[j])
        k, components = connected_components(csr_matrix(A), directed=False)
        assert k == snapshot.n_clusters
        assert same_partition(components, snapshot.item_labels)


def test_partition_does_not_depend_on_the_order_without_ties(blobs):
    order = np.random.default_rng(0).permutation(len(blobs))
    a = FNMeans().fit(blobs).level_labels_
    b = FNMeans().fit(blobs[order]).level_labels_
    assert a.shape == b.shape
    for level_a, level_b in zip(a, b):
        assert same_partition(level_a[order], level_b)


def test_max_level_cuts_the_same_hierarchy(blobs):
    full = FNMeans().fit(blobs)
    assert full.n_levels_ >= 3
    cut = FNMeans(max_level=2).fit(blobs)
    assert cut.n_levels_ == 2 and not cut.reached_top_ and not cut.history_[-1].is_top
    np.testing.assert_array_equal(cut.level_labels_, full.level_labels_[:2])
    np.testing.assert_array_equal(cut.cluster_centers_, full.level_means_[1])
    np.testing.assert_array_equal(cut.centres(1), full.centres(1))
    with pytest.raises(ValueError, match="fit with max_level >= 3"):
        cut.centres(3)
    # A hierarchy that ends before N_L gives its coarsest means.
    np.testing.assert_array_equal(full.centres(50), full.cluster_centers_)
    centres, sizes = full.centres(2, return_sizes=True)
    assert sizes.sum() == len(blobs) and len(centres) == len(sizes)


def test_snapshot_protocol(blobs):
    model = check_snapshot_protocol(
        FNMeans(), blobs,
        attributes={"sizes": "cluster_sizes_", "n_clusters": "n_clusters_"})
    assert all(isinstance(s, FNMeansSnapshot) for s in model.history_)
    assert "top of the hierarchy" in model.history_[-1].caption
    check_snapshot_protocol(FNMeans(max_level=1, algorithm="brute"), blobs)


def test_level_one_is_the_top_for_two_or_three_samples():
    for n in (2, 3):
        X = np.arange(2.0 * n).reshape(n, 2) ** 2
        model = FNMeans().fit(X)
        assert model.n_levels_ == 0 and model.history_ == () and model.reached_top_
        np.testing.assert_allclose(model.centres(1), X.mean(axis=0, keepdims=True))
        np.testing.assert_array_equal(model.labels_, np.zeros(n))


def test_one_sample():
    model = FNMeans().fit([[1.0, 2.0]])
    np.testing.assert_array_equal(model.centres(), [[1.0, 2.0]])
    np.testing.assert_array_equal(model.first_neighbours_, [-1])
    assert model.n_levels_ == 0 and model.history_ == ()


def test_identical_points_form_one_cluster_at_level_one():
    X = np.ones((6, 3))
    model = FNMeans().fit(X)
    np.testing.assert_array_equal(model.first_neighbours_, [1, 0, 0, 0, 0, 0])
    assert model.n_levels_ == 0
    np.testing.assert_array_equal(model.centres(1), X[:1])


def test_every_search_gives_the_same_hierarchy(blobs):
    a = FNMeans(algorithm="exact").fit(blobs)
    for algorithm in ("auto", "kd_tree", "brute"):
        b = FNMeans(algorithm=algorithm).fit(blobs)
        np.testing.assert_array_equal(a.level_labels_, b.level_labels_)
        assert b.cluster_centers_.dtype == np.float64


def test_history_is_built_only_for_the_kept_levels(blobs, monkeypatch):
    built = []
    original = FNMeansSnapshot.__post_init__
    monkeypatch.setattr(FNMeansSnapshot, "__post_init__",
                        lambda self: (built.append(self.iteration), original(self))[1])
    model = FNMeans(record_every=0).fit(blobs)
    assert built == [model.n_levels_] and len(model.history_) == 1


def test_predict_is_the_nearest_centre_of_the_deepest_level(blobs):
    model = FNMeans(max_level=2).fit(blobs)
    D = ((blobs[:, None] - model.cluster_centers_[None]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(model.predict(blobs), D.argmin(axis=1))


@pytest.mark.parametrize("X, message", [
    ([[1.0, np.nan], [0.0, 1.0]], "NaN"),
    ([[1.0, np.inf], [0.0, 1.0]], "infinity"),
    ([1.0, 2.0, 3.0], "Expected 2D array"),
    (np.empty((0, 2)), "0 sample"),
])
def test_bad_data(X, message):
    with pytest.raises(ValueError, match=message):
        FNMeans().fit(X)


@pytest.mark.parametrize("params, message", [
    ({"max_level": 0}, "max_level must be >= 1"),
    ({"max_level": 1.5}, "max_level must be an integer"),
    ({"tie_rtol": -1.0}, "tie_rtol must be >= 0"),
    ({"algorithm": "ball_tree"}, "algorithm must be one of"),
    ({"algorithm": 5}, "algorithm must be one of"),
])
def test_bad_parameters(blobs, params, message):
    with pytest.raises(ValueError, match=message):
        FNMeans(**params).fit(blobs)


def test_bad_first_neighbour_input():
    with pytest.raises(ValueError, match="at least 2 items"):
        first_neighbours([[1.0, 2.0]])
    with pytest.raises(ValueError, match="values in 0..len"):
        first_neighbour_clusters([1, 5, 0])
    with pytest.raises(ValueError, match="integer"):
        first_neighbour_clusters([0.5, 1.0])


# --- PNN ----------------------------------------------------------------------

def test_pnn_worked_example_by_hand():
    # Three 1-D centres, sigma given: o_j(x) = sum_i exp(-(x - t_i)^2 / sigma^2) (Eqs. 1-2).
    X = np.array([[0.0], [1.0], [3.0]])
    y = np.array(["a", "a", "b"])
    pnn = PNN(sigma=1.0).fit(X, y)
    x = 2.0
    o_a = np.exp(-(x - 0) ** 2) + np.exp(-(x - 1) ** 2)
    o_b = np.exp(-(x - 3) ** 2)
    np.testing.assert_allclose(pnn.log_scores([[x]]), np.log([[o_a, o_b]]), rtol=1e-12)
    np.testing.assert_allclose(pnn.predict_proba([[x]]), [[o_a, o_b]] / (o_a + o_b), rtol=1e-12)
    assert pnn.predict([[x]])[0] == "a"  # 0.3862 > 0.3679


def test_sigma_follows_eq8(blobs):
    y = (blobs[:, 0] > np.median(blobs[:, 0])).astype(int)
    pnn = PNN(beta=0.5).fit(blobs, y)
    assert pnn.d_max_ == pytest.approx(pdist(blobs).max())
    assert pnn.sigma_ == pytest.approx(0.5 * pdist(blobs).max() / 2)
    given = PNN(sigma=0.3).fit(blobs, y)
    assert given.sigma_ == 0.3 and given.d_max_ is None   # not needed, so not computed


def test_pnn_refuses_data_whose_distances_overflow(blobs):
    # max(0.0, nan) is 0.0: at 1e300 the PNN used to say "all training
    # vectors coincide (d_max = 0)". The scale guard names the real problem.
    y = np.arange(len(blobs)) % 2
    with pytest.raises(ValueError, match="overflow float64.*Standardise X first"):
        PNN().fit(blobs * 1e300, y)
    with pytest.raises(ValueError, match="underflow"):
        PNN().fit(blobs * 1e-300, y)


def test_a_fitted_pnn_keeps_no_histories_unless_asked(digits_split):
    # With every class clusterer's history the FN-means PNN pickled larger
    # than the full PNN (127 MiB against 60 MiB at 10k x 784).
    X_train, _, y_train, _ = digits_split
    full = len(pickle.dumps(PNN().fit(X_train, y_train)))
    small = PNN(clusterer=FNMeans(max_level=1)).fit(X_train, y_train)
    kept = PNN(clusterer=FNMeans(max_level=1), keep_histories=True).fit(X_train, y_train)
    assert all(c.history_ == () for c in small.clusterers_.values())
    assert all(len(c.history_) == 1 for c in kept.clusterers_.values())
    assert len(pickle.dumps(small)) < full < len(pickle.dumps(kept))
    np.testing.assert_array_equal(small.centres_, kept.centres_)
    assert tc.PNN(keep_histories=True).fit(X_train[:50], y_train[:50]).clusterers_ == {}


def test_far_queries_never_give_nan():
    X, y = make_blobs(n_samples=60, centers=3, random_state=0)
    pnn = PNN(beta=0.05).fit(X, y)
    far = np.array([[1e4, 1e4], [-1e5, 3.0], [60.0, -80.0]])
    proba = pnn.predict_proba(far)
    assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1)
    assert np.all(np.isfinite(pnn.log_scores(far)))
    # Far away the nearest centre's bump dominates every other one.
    nearest = np.argmin(((far[:, None] - pnn.centres_[None]) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(pnn.predict(far), pnn.centre_classes_[nearest])
    # A direct computation underflows to 0/0 on the same queries.
    with np.errstate(all="ignore"):
        bumps = np.exp(-((far[:, None] - pnn.centres_[None]) ** 2).sum(axis=2) / pnn.sigma_ ** 2)
        assert np.isnan(bumps.sum(axis=1) / bumps.sum(axis=1)).any()


def test_aggregates_differ_by_their_log_terms(digits_split):
    X_train, X_test, y_train, _ = digits_split
    kwargs = {"clusterer": FNMeans(max_level=1)}
    total = PNN(**kwargs).fit(X_train, y_train)
    mean = PNN(aggregate="mean", **kwargs).fit(X_train, y_train)
    np.testing.assert_allclose(mean.log_scores(X_test[:50]),
                               total.log_scores(X_test[:50]) - np.log(total.n_centres_))
    weighted = PNN(aggregate="weighted", **kwargs).fit(X_train, y_train)
    direct = np.stack([
        np.log((total.centre_sizes_ * np.exp(-((X_test[:50, None] - total.centres_[None]) ** 2).sum(axis=2)
                                            / total.sigma_ ** 2))[:, total.centre_classes_ == c].sum(axis=1))
        for c in total.classes_], axis=1)
    np.testing.assert_allclose(weighted.log_scores(X_test[:50]), direct, rtol=1e-10)
    # With every training vector as a centre, each size is 1: "weighted" is "sum".
    np.testing.assert_allclose(PNN(aggregate="weighted").fit(X_train, y_train).log_scores(X_test[:20]),
                               PNN().fit(X_train, y_train).log_scores(X_test[:20]))


def test_centres_come_from_the_clusterer_class_by_class(digits_split):
    X_train, _, y_train, _ = digits_split
    pnn = PNN(clusterer=FNMeans(max_level=2)).fit(X_train, y_train)
    for label, count in zip(pnn.classes_, pnn.n_centres_):
        own = FNMeans().fit(X_train[y_train == label]).centres(2)
        np.testing.assert_array_equal(pnn.centres_[pnn.centre_classes_ == label], own)
        assert count == len(own)
        assert pnn.centre_sizes_[pnn.centre_classes_ == label].sum() == np.sum(y_train == label)
        assert isinstance(pnn.clusterers_[label], FNMeans)
    # Matched counts: k-means with each class's FN-means count.
    counts = dict(zip(pnn.classes_, pnn.n_centres_))
    kmeans = {c: tc.KMeans(n_clusters=int(k), init="random", random_state=0) for c, k in counts.items()}
    matched = PNN(clusterer=kmeans).fit(X_train, y_train)
    np.testing.assert_array_equal(matched.n_centres_, pnn.n_centres_)


def test_digits_accuracy_and_size_match_the_notebook(digits_split):
    X_train, X_test, y_train, y_test = digits_split
    full = PNN().fit(X_train, y_train)
    assert len(full.centres_) == len(X_train) == 1257
    assert full.score(X_test, y_test) >= 0.98
    reduced = PNN(clusterer=FNMeans(max_level=1)).fit(X_train, y_train)
    assert reduced.score(X_test, y_test) >= 0.97
    assert len(reduced.centres_) < 0.25 * len(X_train)


def test_single_sample_class_and_single_class():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [8.0, 8.0]])
    pnn = PNN(clusterer=FNMeans(max_level=1)).fit(X, [0, 0, 0, 1])
    np.testing.assert_array_equal(pnn.centres_[pnn.centre_classes_ == 1], [[8.0, 8.0]])
    np.testing.assert_allclose(pnn.centres_[pnn.centre_classes_ == 0], [X[:3].mean(axis=0)])
    one = PNN().fit(X, ["only"] * 4)
    assert list(one.predict([[3.0, 3.0], [100.0, 0.0]])) == ["only", "only"]
    np.testing.assert_array_equal(one.predict_proba([[3.0, 3.0]]), [[1.0]])


def test_ties_between_classes_go_to_the_lowest_class():
    pnn = PNN(sigma=1.0).fit([[-1.0], [1.0]], [7, 3])
    assert pnn.predict([[0.0]])[0] == 3


def test_identical_training_vectors_need_an_explicit_sigma():
    X, y = np.ones((4, 2)), [0, 1, 0, 1]
    with pytest.raises(ValueError, match="d_max = 0"):
        PNN().fit(X, y)
    assert PNN(sigma=1.0).fit(X, y).predict([[1.0, 1.0]])[0] == 0


@pytest.mark.parametrize("params, message", [
    ({"beta": 0.0}, "beta must be > 0"),
    ({"sigma": -1.0}, "sigma must be > 0"),
    ({"aggregate": "max"}, "aggregate must be one of"),
    ({"clusterer": "kmeans"}, "clusterer must be None, an estimator or a dict"),
    ({"clusterer": {0: FNMeans()}}, "no entry for class 1"),
    ({"keep_histories": "yes"}, "keep_histories must be True or False"),
])
def test_pnn_bad_parameters(blobs, params, message):
    y = np.arange(len(blobs)) % 2
    with pytest.raises(ValueError, match=message):
        PNN(**params).fit(blobs, y)


def test_pnn_bad_data(blobs):
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        PNN().fit(blobs, np.zeros(len(blobs) - 1))
    with pytest.raises(ValueError, match="NaN"):
        PNN().fit([[np.nan, 1.0], [0.0, 1.0]], [0, 1])
    with pytest.raises(ValueError, match="1 sample"):
        PNN().fit([[1.0, 2.0]], [0])
    pnn = PNN().fit(blobs, np.arange(len(blobs)) % 2)
    with pytest.raises(ValueError, match="features"):
        pnn.predict(np.ones((2, 3)))


# --- scikit-learn's checks -------------------------------------------------

@parametrize_with_checks(
    [FNMeans(), FNMeans(max_level=2, algorithm="brute"), PNN(),
     PNN(clusterer=FNMeans(max_level=1), aggregate="weighted")],
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


# --- views ------------------------------------------------------------------

def test_view_draws_every_level(blobs):
    model = FNMeans().fit(blobs)
    player = tc.scrub(model, blobs)
    view = player.stage.views[0]
    assert isinstance(view, FNMeansView)
    for frame, snapshot in enumerate(model.history_):
        player.show(frame)
        assert len(player.picture.value) > 1000
        assert len(view.arrows.get_segments()) == len(snapshot.points)
        assert len(view.heads.get_paths()) == len(snapshot.points)
        assert np.isnan(view.mutual.get_xdata()).sum() == snapshot.n_clusters  # one break each
        assert len(view.means.get_offsets()) == snapshot.n_clusters


def test_graph_drawing_of_the_paper_example():
    from matplotlib.figure import Figure

    kappa = np.array(PAPER_S_FN) - 1
    positions = graph_layout(kappa)
    labels = first_neighbour_clusters(kappa)
    # The two graphs are drawn apart and no two nodes coincide.
    assert positions[labels == 0, 0].max() < positions[labels == 1, 0].min()
    assert pdist(positions).min() > 0.3
    ax = Figure().subplots()
    np.testing.assert_array_equal(draw_first_neighbour_graph(kappa, ax), positions)


def test_pnn_pictures(digits_split):
    from matplotlib.figure import Figure

    X, y = make_blobs(n_samples=80, centers=3, random_state=0)
    pnn = PNN(clusterer=FNMeans(max_level=1)).fit(X, y)
    ax = Figure().subplots()
    plot_decision_regions(pnn, X, y, ax, resolution=40, title="regions")
    assert ax.get_title() == "regions"
    X_train, _, y_train, _ = digits_split
    figure = plot_centre_images(PNN(clusterer=FNMeans(max_level=2)).fit(X_train, y_train),
                                max_per_class=5)
    assert len(figure.axes) == 10 * 5


def test_levels_with_more_than_twenty_clusters_get_distinct_colours():
    from tutorcluster.views.fnmeans import cluster_colors

    for n_clusters in (20, 25, 60):
        colours = cluster_colors(np.arange(n_clusters), n_clusters)
        assert len(np.unique(colours.round(6), axis=0)) == n_clusters
    many = cluster_colors(np.arange(200), 200)
    assert many.shape == (200, 4) and np.all((many >= 0) & (many <= 1))
    X, _ = make_blobs(n_samples=300, centers=4, cluster_std=1.0, random_state=0)
    model = FNMeans().fit(X)
    assert model.history_[0].n_clusters > 20       # the notebook's player: 25 clusters at level 1
    view = tc.scrub(model, X).stage.views[0]
    view.draw(model.history_[0], 0)
    means = view.means.get_facecolor()
    assert len(np.unique(means.round(6), axis=0)) == model.history_[0].n_clusters


def test_class_hierarchy_figure_shows_every_level_and_aggregate():
    from tutorcluster.views.fnmeans import plot_class_hierarchy

    X, y = make_blobs(n_samples=400, centers=4, cluster_std=1.4, random_state=1)
    figure, pnns = plot_class_hierarchy(X, y, levels=(1, 2), aggregates=("sum", "weighted"),
                                        resolution=30)
    assert len(figure.axes) == 4 and set(pnns) == {("sum", 1), ("sum", 2), ("weighted", 1), ("weighted", 2)}
    # One radius for every panel, and the centres are those of each level.
    assert len({pnn.sigma_ for pnn in pnns.values()}) == 1
    np.testing.assert_array_equal(pnns["sum", 2].centres_, pnns["weighted", 2].centres_)
    assert len(pnns["sum", 2].centres_) < len(pnns["sum", 1].centres_)
    assert "N_L = 2" in figure.axes[1].get_title()


def test_class_hierarchy_holds_the_pnns_centres_level_by_level():
    from tutorcluster.fnmeans import ClassHierarchySnapshot, class_hierarchy
    from tutorcluster.views.fnmeans import ClassHierarchyView

    X, y = make_blobs(n_samples=400, centers=4, cluster_std=1.4, random_state=1)
    history = class_hierarchy(X, y)
    assert len(history) >= 3 and all(isinstance(s, ClassHierarchySnapshot) for s in history)
    for snapshot in history:
        pnn = PNN(clusterer=FNMeans(max_level=snapshot.iteration)).fit(X, y)
        np.testing.assert_array_equal(snapshot.centers, pnn.centres_)
        np.testing.assert_array_equal(snapshot.sizes, pnn.centre_sizes_)
        assert snapshot.sigma == pnn.sigma_
        # Every training vector belongs to a centre of its own class.
        np.testing.assert_array_equal(snapshot.centre_classes[snapshot.labels], snapshot.classes)
    player = tc.scrub([history, class_hierarchy(X, y, aggregate="weighted")], X)
    views = player.stage.views
    assert all(isinstance(v, ClassHierarchyView) for v in views)
    for frame in range(len(history)):
        player.show(frame)
        assert len(views[0].centres.get_offsets()) == len(history[frame].centers)
    # The sum and the weighted aggregate draw different regions at level 2.
    assert not np.array_equal(views[0].regions[1], views[1].regions[1])
