"""Test helpers that every estimator's tests call.

``check_snapshot_protocol(estimator, X)`` checks the contract described in
:mod:`tutorcluster._snapshots`:

1. ``fit`` returns the estimator and leaves a non-empty ``history_`` of
   :class:`~tutorcluster.Snapshot` records with captions;
2. the last snapshot agrees with the fitted attributes;
3. snapshots are read-only copies: no array of one snapshot shares memory
   with another snapshot's arrays or with the estimator's;
4. draining ``iter_fit`` gives the same snapshots and the same fitted model
   as ``fit``, and fitting twice with the same ``random_state`` gives the same
   result.
"""

from dataclasses import fields

import numpy as np
from sklearn.base import clone

from ._snapshots import Snapshot


def _arrays_in(value):
    """Every ndarray inside ``value`` (an array, or a tuple/list of them)."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, (list, tuple)):
        return [array for item in value for array in _arrays_in(item)]
    return []


def assert_values_equal(a, b, where):
    """Assert that two snapshot field values are equal (NaN equals NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, f"{where}: shapes {a.shape} and {b.shape} differ"
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            assert np.array_equal(a, b, equal_nan=True), f"{where}: arrays differ"
        else:
            assert np.array_equal(a, b), f"{where}: arrays differ"
    elif isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        assert len(a) == len(b), f"{where}: lengths {len(a)} and {len(b)} differ"
        for i, (item_a, item_b) in enumerate(zip(a, b)):
            assert_values_equal(item_a, item_b, f"{where}[{i}]")
    elif isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        pass
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def assert_snapshots_equal(first, second):
    """Assert that two sequences of snapshots hold the same frames."""
    assert len(first) == len(second), f"{len(first)} snapshots against {len(second)}"
    for n, (a, b) in enumerate(zip(first, second)):
        assert type(a) is type(b), f"snapshot {n}: {type(a).__name__} != {type(b).__name__}"
        for field in fields(a):
            assert_values_equal(getattr(a, field.name), getattr(b, field.name),
                                f"snapshot {n}, field {field.name!r}")


def assert_no_shared_memory(groups):
    """Assert that arrays in different groups never share memory.

    ``groups`` maps a name (a snapshot, the estimator) to its arrays. Arrays
    are sorted by their first byte, so overlaps are found in one pass instead
    of comparing every pair.
    """
    spans = []
    for owner, arrays in groups.items():
        for array in arrays:
            if array.size == 0:
                continue
            low, high = np.lib.array_utils.byte_bounds(array)
            spans.append((low, high, owner))
    spans.sort()
    reach_high, reach_owner = -1, None
    for low, high, owner in spans:
        if low < reach_high and owner != reach_owner:
            raise AssertionError(f"{owner} shares memory with {reach_owner}")
        if high > reach_high:
            reach_high, reach_owner = high, owner


def check_snapshot_protocol(estimator, X, y=None, *, attributes=None, random_state=0):
    """Check that ``estimator`` follows the snapshot protocol on ``X``.

    Parameters
    ----------
    estimator : SnapshotEstimator
        An unfitted estimator; it is cloned, never modified.
    X, y : array-like
        Data to fit (``y`` for the estimators that use it).
    attributes : dict, default=None
        Extra ``{snapshot_field: fitted_attribute}`` pairs that must agree
        between the last snapshot and the fitted estimator, on top of
        ``centers`` / ``cluster_centers_`` and ``labels`` / ``labels_``.
    random_state : int, default=0
        Used when the estimator has a ``random_state`` parameter.

    Returns
    -------
    model : SnapshotEstimator
        The estimator fitted by ``fit``, for further checks.
    """
    params = {"record_every": 1}
    if "random_state" in estimator.get_params():
        params["random_state"] = random_state

    # 1. fit returns self and records snapshots with captions.
    model = clone(estimator).set_params(**params)
    assert model.fit(X, y) is model, "fit must return self"
    history = model.history_
    assert isinstance(history, tuple) and len(history) > 0, "history_ must be a non-empty tuple"
    for n, snapshot in enumerate(history):
        assert isinstance(snapshot, Snapshot), f"history_[{n}] is not a Snapshot"
        assert isinstance(snapshot.caption, str) and snapshot.caption.strip(), (
            f"history_[{n}] has no caption"
        )
    iterations = [snapshot.iteration for snapshot in history]
    assert iterations == sorted(iterations), "iterations must not decrease"

    # 2. The last snapshot is the fitted model.
    last = history[-1]
    pairs = {"centers": "cluster_centers_"}
    if last.labels is not None:
        pairs["labels"] = "labels_"
    pairs.update(attributes or {})
    for field_name, attribute in pairs.items():
        assert_values_equal(getattr(last, field_name), getattr(model, attribute),
                            f"last snapshot {field_name!r} against {attribute}")

    # 3. Snapshots are read-only copies that alias nothing.
    groups = {f"history_[{n}]": [a for f in fields(s) for a in _arrays_in(getattr(s, f.name))]
              for n, s in enumerate(history)}
    for owner, arrays in groups.items():
        for array in arrays:
            assert not array.flags.writeable, f"{owner} holds a writeable array"
    groups["the estimator"] = [
        array for name, value in vars(model).items() if name != "history_"
        for array in _arrays_in(value)
    ]
    assert_no_shared_memory(groups)

    # 4. iter_fit gives what fit gives, and the run is repeatable.
    stepped = clone(estimator).set_params(**params)
    frames = list(stepped.iter_fit(X, y))
    assert_snapshots_equal(frames, history)
    assert_snapshots_equal(stepped.history_, history)
    for attribute in set(pairs.values()):
        assert_values_equal(getattr(stepped, attribute), getattr(model, attribute),
                            f"iter_fit against fit: {attribute}")
    again = clone(estimator).set_params(**params).fit(X, y)
    assert_snapshots_equal(again.history_, history)

    # Thinning keeps the last frame and changes nothing else.
    thinned = clone(estimator).set_params(**{**params, "record_every": 0}).fit(X, y)
    assert len(thinned.history_) == 1
    assert_snapshots_equal(thinned.history_, history[-1:])
    return model
