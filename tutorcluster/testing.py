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


def _fitted_state(estimator):
    """Every attribute of ``estimator`` (copies of arrays), to compare later."""
    return {name: (np.array(value, copy=True) if isinstance(value, np.ndarray) else value)
            for name, value in vars(estimator).items()}


def check_fit_committed_whole(estimator, X_first, X_second, y_first=None, y_second=None, *,
                              n_frames=2):
    """Check that abandoning ``iter_fit`` part-way leaves the estimator as it was.

    Fits a clone on ``X_first``, then takes ``n_frames`` snapshots of
    ``iter_fit(X_second)`` and abandons the generator: every attribute must
    still be the one of the first fit (same ``n_features_in_``, same centres,
    same history), and ``predict`` on ``X_first`` must still work.
    Finally the generator for ``X_second`` is drained, and the estimator must
    then be fitted on ``X_second``.

    Returns
    -------
    model : SnapshotEstimator
        The estimator, fitted on ``X_second``.
    """
    model = clone(estimator).fit(X_first, y_first)
    before = _fitted_state(model)
    labels_before = model.predict(X_first) if hasattr(model, "predict") else None
    frames = model.iter_fit(X_second, y_second)
    for _ in range(n_frames):
        if next(frames, None) is None:
            break
    frames.close()
    after = _fitted_state(model)
    assert after.keys() == before.keys(), (
        f"abandoned iter_fit changed the attributes: added {sorted(after.keys() - before.keys())}, "
        f"removed {sorted(before.keys() - after.keys())}")
    for name in before:
        if name == "history_":
            assert after[name] is before[name] or len(after[name]) == len(before[name]), (
                "abandoned iter_fit changed history_")
            continue
        assert_values_equal(after[name], before[name], f"attribute {name} after an abandoned iter_fit")
    if labels_before is not None:
        assert np.array_equal(model.predict(X_first), labels_before)
    for _ in model.iter_fit(X_second, y_second):
        pass
    assert model.n_features_in_ == np.shape(X_second)[1]
    return model


def check_shift_invariance(make_estimator, X, y=None, *, offsets=(1e3, 1e6), labels_attribute="labels_"):
    """Check that translating the data leaves the partition unchanged.

    Parameters
    ----------
    make_estimator : callable
        ``make_estimator(shift)`` returns an unfitted estimator for data
        moved by the vector ``shift`` (which moves any explicit ``init``
        with it); ``shift`` is a zero vector for the original data.
    X : ndarray of shape (n_samples, n_features)
    offsets : tuple of float
        Each offset is a multiple of the data's spread (its largest
        standard deviation) added to every feature.
    labels_attribute : str
        The fitted partition to compare.
    """
    X = np.asarray(X, dtype=float)
    spread = float(X.std(axis=0).max())
    reference = getattr(make_estimator(np.zeros(X.shape[1])).fit(X, y), labels_attribute)
    for offset in offsets:
        shift = np.full(X.shape[1], offset * spread)
        moved = getattr(make_estimator(shift).fit(X + shift, y), labels_attribute)
        changed = int(np.sum(np.asarray(moved) != np.asarray(reference)))
        assert changed == 0, (
            f"moving the data by {offset:g} times its spread changed {changed} of "
            f"{len(X)} labels")
