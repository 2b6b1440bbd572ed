"""Tests of the seeded data sets: shapes, seeds, and the recipes the notebooks describe."""

import numpy as np
import pytest

from tutorcluster import datasets


@pytest.mark.parametrize("name, shape, n_classes", [
    ("iris", (150, 4), 3), ("wine", (178, 13), 3),
    ("breast_cancer", (569, 30), 2), ("digits", (1797, 64), 10),
])
def test_bundled_loaders(name, shape, n_classes):
    X, y = datasets.load(name)
    assert X.shape == shape and X.dtype == float and len(np.unique(y)) == n_classes
    Z, _ = datasets.load(name, standardize=True)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-10)
    assert np.all(np.isfinite(Z))


def test_unknown_dataset_is_refused():
    with pytest.raises(ValueError, match="must be one of"):
        datasets.load("pima")


def test_zscore_uses_the_reference_statistics():
    train = np.array([[0.0, 1.0], [2.0, 1.0]])
    np.testing.assert_allclose(datasets.zscore(np.array([[1.0, 3.0]]), train), [[0.0, 2.0]])


def test_centnn_blobs_are_the_article_data():
    X, y = datasets.make_centnn_blobs()
    assert X.shape == (5000, 2) and len(np.unique(y)) == 10
    # The article prints the data mean before the first split.
    np.testing.assert_allclose(X.mean(axis=0), [0.38965411, 2.83785116], atol=1e-8)


def test_cluster_data_follows_the_amsom_recipe():
    X, y = datasets.make_cluster_data()
    rng = np.random.default_rng(0)
    corners = np.array([[0, 0], [4, 0], [0, 4], [4, 4]], float)
    np.testing.assert_array_equal(X, corners[y] + 0.5 * rng.standard_normal((1000, 2)))
    assert np.bincount(y).tolist() == [250] * 4


def test_four_quadrants_are_mirror_images():
    X, y = datasets.make_four_quadrants()
    q = X[y == 0]
    np.testing.assert_array_equal(X[y == 2], -q)
    np.testing.assert_array_equal(X[y == 1], q * [-1, 1])


def test_artdata_is_a_disc_and_a_ring():
    X, y = datasets.make_artdata()
    assert X.shape == (300, 2) and np.bincount(y).tolist() == [100, 200]
    disc = np.linalg.norm(X[y == 0] - [0.2, 0.2], axis=1)
    ring = np.linalg.norm(X[y == 1] - [0.7, 0.7], axis=1)
    assert disc.max() <= 0.2 and ring.min() >= 0.1 and ring.max() <= 0.2
    np.testing.assert_array_equal(datasets.make_artdata()[0], X)
    assert not np.array_equal(datasets.make_artdata(seed=1)[0], X)
