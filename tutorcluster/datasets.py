"""The seeded data every notebook uses.

Only scikit-learn's bundled loaders or data generated with a fixed seed:
nothing here downloads anything, so every notebook runs offline.
"""

import numpy as np
from sklearn import datasets as _sk

_BUNDLED = {
    "iris": _sk.load_iris,
    "wine": _sk.load_wine,
    "breast_cancer": _sk.load_breast_cancer,
    "digits": _sk.load_digits,
}


def load(name, *, standardize=False):
    """Load one of scikit-learn's bundled data sets as ``(X, y)``.

    Parameters
    ----------
    name : {"iris", "wine", "breast_cancer", "digits"}
    standardize : bool, default=False
        Z-score every feature (a feature with standard deviation 0 is only
        centred).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    """
    if name not in _BUNDLED:
        raise ValueError(f"name must be one of {sorted(_BUNDLED)}, got {name!r}.")
    X, y = _BUNDLED[name](return_X_y=True)
    X = X.astype(float)
    if standardize:
        X = zscore(X)
    return X, y


def zscore(X, reference=None):
    """Z-score the columns of ``X`` with the mean and std of ``reference``.

    ``reference`` defaults to ``X`` itself; pass the training split to scale
    a test split with training statistics. A column with std 0 gets std 1.
    """
    X = np.asarray(X, dtype=float)
    reference = X if reference is None else np.asarray(reference, dtype=float)
    std = reference.std(axis=0)
    std[std == 0] = 1.0
    return (X - reference.mean(axis=0)) / std


def make_centnn_blobs():
    """The CentNN article's example: 5,000 points in 10 Gaussian blobs.

    ``make_blobs(n_samples=5000, centers=10, cluster_std=0.9, random_state=0)``,
    the exact call that reproduces the article's printed numbers.
    """
    return _sk.make_blobs(n_samples=5000, centers=10, cluster_std=0.9, random_state=0)


def make_cluster_data(seed=0):
    """AMSOM's CLUSTER data: 1,000 points in four Gaussian blobs on a square.

    ``y = repeat(arange(4), 250)`` and ``X = C[y] + 0.5 * N(0, I)`` with
    corners C = (0,0), (4,0), (0,4), (4,4), drawn from
    ``np.random.default_rng(seed)``.
    """
    rng = np.random.default_rng(seed)
    corners = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 4.0]])
    y = np.repeat(np.arange(4), 250)
    X = corners[y] + 0.5 * rng.standard_normal((1000, 2))
    return X, y


def make_four_quadrants(seed=0, n_per_quadrant=100, spread=1.6):
    """ARK-means' cluster-locking demo: one Gaussian cloud mirrored into four quadrants.

    ``q = (4, 4) + default_rng(seed).normal(0, spread, (n, 2))``, then
    ``q * (+-1, +-1)``. Returns ``(X, y)`` with ``y`` the quadrant.
    """
    rng = np.random.default_rng(seed)
    q = np.array([4.0, 4.0]) + rng.normal(0.0, spread, (n_per_quadrant, 2))
    signs = np.array([[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])
    X = np.vstack([q * s for s in signs])
    y = np.repeat(np.arange(4), n_per_quadrant)
    return X, y


def make_artdata(seed=0, ring_centre=(0.7, 0.7)):
    """WMSC's ArtData: a disc of 100 points and a ring of 200 points.

    Drawn from ``np.random.default_rng(seed)`` in this order: disc radii
    ``0.2*sqrt(U)``, disc angles, ring radii ``sqrt(0.01 + 0.03*U)``, ring
    angles. The disc is centred at (0.2, 0.2); the ring at ``ring_centre``
    (the paper does not give it; see notebook 05, appendix A). Returns ``(X, y)``,
    disc first (label 0), then ring (label 1).
    """
    rng = np.random.default_rng(seed)
    disc_r = 0.2 * np.sqrt(rng.random(100))
    disc_t = 2 * np.pi * rng.random(100)
    ring_r = np.sqrt(0.01 + 0.03 * rng.random(200))
    ring_t = 2 * np.pi * rng.random(200)
    disc = np.array([0.2, 0.2]) + np.column_stack([disc_r * np.cos(disc_t), disc_r * np.sin(disc_t)])
    ring = np.asarray(ring_centre, float) + np.column_stack([ring_r * np.cos(ring_t), ring_r * np.sin(ring_t)])
    X = np.vstack([disc, ring])
    y = np.repeat([0, 1], [100, 200])
    return X, y
