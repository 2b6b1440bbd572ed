"""Input and parameter checks shared by the estimators.

Bad input gets a ``ValueError`` whose message names the problem, never a hang
or a silently wrong answer. Array checks are scikit-learn's own
(``validate_data``), so messages read the same as scikit-learn's:
"Input X contains NaN.", "Expected 2D array, got 1D array instead ...
Reshape your data ... array.reshape(-1, 1) ...", "Found array with 0
sample(s) ...".
"""

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted, validate_data

#: Data whose values or spread lie outside [MIN_SCALE, MAX_SCALE] are refused:
#: their squared distances (and sums of them over many points) would overflow
#: to infinity or underflow to zero in float64, and every estimator would
#: return a wrong partition without noticing.
MAX_SCALE = 1e100
MIN_SCALE = 1e-100


def check_scale(X):
    """Refuse data whose squared distances overflow or underflow in float64.

    Squared distances of points whose coordinates reach 1e160 are about
    1e320, past float64's largest number (about 1.8e308): they become
    ``inf`` and every comparison between them is meaningless. Points that
    differ by only 1e-170 have squared distances below the smallest float64
    (about 5e-324): they become 0 and every point looks like every other.
    Either way the answer would be silently wrong, so this check raises a
    ``ValueError`` that names the fix.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Finite data (NaN and infinity are refused before this check).
    """
    if X.size == 0:
        return
    largest = float(np.max(np.abs(X)))
    spread = float(np.max(np.ptp(X, axis=0)))
    fix = ("Standardise X first, for example with tutorcluster.datasets.zscore(X), "
           "or rescale it by a power of ten.")
    if largest > MAX_SCALE:
        raise ValueError(
            f"X holds values as large as {largest:.3g}: their squared distances would "
            f"overflow float64 (values up to {MAX_SCALE:.0e} are safe). {fix}")
    if 0.0 < spread < MIN_SCALE:
        raise ValueError(
            f"X varies by at most {spread:.3g} along any feature: its squared distances "
            f"would underflow to 0 in float64 (spreads from {MIN_SCALE:.0e} are safe). {fix}")


def check_X(estimator, X, *, reset=True, min_samples=1):
    """Validate training or query data and return it as a float64 array.

    Parameters
    ----------
    estimator : BaseEstimator
        The estimator (it records ``n_features_in_`` when ``reset`` is true
        and checks the number of features against it otherwise).
    X : array-like of shape (n_samples, n_features)
        Finite, two-dimensional data. The caller's array is never modified.
    reset : bool, default=True
        True in ``fit``; False in ``predict``.
    min_samples : int, default=1
        The smallest number of rows the algorithm can work with.
    """
    X = validate_data(
        estimator,
        X,
        reset=reset,
        dtype=np.float64,
        ensure_min_samples=min_samples,
        copy=False,
    )
    check_scale(X)
    return X


def check_fit_X(estimator, X, *, min_samples=1):
    """Validate training data without touching ``estimator``.

    ``check_X(estimator, X)`` records ``n_features_in_`` on the estimator at
    once. A fit is committed whole, when it ends (see
    :class:`~tutorcluster._snapshots.SnapshotEstimator`), so this check runs
    on a fresh copy of the estimator's parameters and returns what it
    recorded instead.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    features : dict
        ``{"n_features_in_": ...}`` and, for a DataFrame with string column
        names, ``"feature_names_in_"``: attributes to set with the fit.
    """
    scratch = clone(estimator)
    X = check_X(scratch, X, min_samples=min_samples)
    features = {name: getattr(scratch, name) for name in ("n_features_in_", "feature_names_in_")
                if hasattr(scratch, name)}
    return X, features


def check_fitted_X(estimator, X, attributes="cluster_centers_"):
    """Check that ``estimator`` is fitted and validate query data ``X``."""
    check_is_fitted(estimator, attributes)
    return check_X(estimator, X, reset=False)


def check_int(value, name, *, minimum=None):
    """Check that ``value`` is an integer (not a bool) and at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}.")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)


def check_real(value, name, *, low=None, high=None, low_inclusive=True, high_inclusive=True):
    """Check that ``value`` is a finite real number inside the given interval."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}.")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        relation = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {relation} {low}, got {value}.")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        relation = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {relation} {high}, got {value}.")
    return float(value)


def check_choice(value, name, choices):
    """Check that ``value`` is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}.")
    return value


def check_n_clusters(n_clusters, n_samples, name="n_clusters"):
    """Check a number of clusters against the number of samples."""
    n_clusters = check_int(n_clusters, name, minimum=1)
    if n_clusters > n_samples:
        raise ValueError(
            f"{name}={n_clusters} is larger than the number of samples "
            f"({n_samples}): there cannot be more clusters than points."
        )
    return n_clusters


def check_rng(random_state):
    """Turn ``random_state`` into a NumPy ``Generator``.

    An integer seeds ``np.random.default_rng`` directly, so
    ``random_state=0`` means ``np.random.default_rng(0)``: the recipes in the
    notebooks can be repeated by hand. ``None`` gives fresh
    entropy, a ``Generator`` is used as it is, and a legacy ``RandomState``
    (scikit-learn's ``check_random_state`` convention) draws the seed.
    """
    if random_state is None or isinstance(random_state, (numbers.Integral, np.random.Generator)):
        if isinstance(random_state, bool):
            raise ValueError(f"random_state must be None, an int or a Generator, got {random_state!r}.")
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**32))
    raise ValueError(f"random_state must be None, an int or a Generator, got {random_state!r}.")
