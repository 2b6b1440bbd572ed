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
from sklearn.utils.validation import check_is_fitted, validate_data


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
    return validate_data(
        estimator,
        X,
        reset=reset,
        dtype=np.float64,
        ensure_min_samples=min_samples,
        copy=False,
    )


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
    specs and notebooks can be repeated by hand. ``None`` gives fresh
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
