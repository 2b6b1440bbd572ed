"""Tests of the snapshot record, the recording base class and the protocol helper."""

from dataclasses import FrozenInstanceError, dataclass

import numpy as np
import pytest
from sklearn.base import ClusterMixin

import tutorcluster as tc
from tutorcluster import KMeans, Snapshot, SnapshotEstimator
from tutorcluster.testing import assert_no_shared_memory, check_snapshot_protocol


def test_snapshot_copies_and_freezes_its_arrays():
    centers = np.zeros((2, 2))
    labels = np.array([0, 1, 1])
    snapshot = Snapshot(iteration=1, centers=centers, labels=labels, caption="c")
    centers[0, 0] = 5.0
    labels[0] = 9
    assert snapshot.centers[0, 0] == 0.0 and snapshot.labels[0] == 0
    with pytest.raises(ValueError, match="read-only"):
        snapshot.centers[0, 0] = 1.0
    with pytest.raises(FrozenInstanceError):
        snapshot.iteration = 2


def test_snapshot_freezes_arrays_inside_tuples():
    @dataclass(frozen=True, eq=False, kw_only=True)
    class WithTuple(Snapshot):
        parts: tuple

    inner = np.arange(3)
    snapshot = WithTuple(iteration=0, centers=np.zeros((1, 1)), caption="c", parts=[inner, 2])
    inner[0] = 7
    assert isinstance(snapshot.parts, tuple) and snapshot.parts[0][0] == 0
    assert not snapshot.parts[0].flags.writeable


def test_repr_is_short():
    snapshot = Snapshot(iteration=0, centers=np.zeros((500, 3)), caption="one sentence")
    text = repr(snapshot)
    assert "<array (500, 3) float64>" in text and len(text) < 120

    @dataclass(frozen=True, eq=False, kw_only=True)
    class Sub(Snapshot):
        extra: np.ndarray

    text = repr(Sub(iteration=0, centers=np.zeros((5, 2)), caption="c", extra=np.zeros(1000)))
    assert text.startswith("Sub(") and "<array (1000,) float64>" in text


def test_shared_memory_is_detected():
    base = np.arange(10.0)
    with pytest.raises(AssertionError, match="shares memory"):
        assert_no_shared_memory({"a": [base[:6]], "b": [base[5:]]})
    assert_no_shared_memory({"a": [base[:5]], "b": [base[5:]], "c": [np.arange(3.0)]})


class _Leaky(ClusterMixin, SnapshotEstimator):
    """A broken estimator: its snapshots hold views of its live state."""

    def __init__(self, record_every=1, alias=True, skew_last=False):
        self.record_every = record_every
        self.alias = alias
        self.skew_last = skew_last

    def _iterate(self, X, y=None):
        X = np.asarray(X, dtype=float)
        centers = X[:2].copy()
        labels = np.zeros(len(X), dtype=int)
        for iteration in range(3):
            centers += 1.0
            snapshot = Snapshot(iteration=iteration, centers=centers, labels=labels,
                                caption=f"step {iteration}")
            if self.alias:  # smuggle a live view past __post_init__
                object.__setattr__(snapshot, "centers", centers)
            yield snapshot
        return {"cluster_centers_": centers + (1.0 if self.skew_last else 0.0), "labels_": labels}


def test_protocol_helper_catches_aliasing():
    X = np.random.default_rng(0).random((6, 2))
    with pytest.raises(AssertionError):
        check_snapshot_protocol(_Leaky(), X)


def test_protocol_helper_catches_a_last_snapshot_that_is_not_the_model():
    X = np.random.default_rng(0).random((6, 2))
    with pytest.raises(AssertionError, match="last snapshot"):
        check_snapshot_protocol(_Leaky(alias=False, skew_last=True), X)


def test_protocol_helper_passes_a_correct_estimator():
    X = np.random.default_rng(0).random((6, 2))
    check_snapshot_protocol(_Leaky(alias=False), X)


def test_iter_fit_is_a_generator_that_leaves_the_model_fitted():
    X = np.random.default_rng(0).random((40, 2))
    model = KMeans(n_clusters=2, random_state=0)
    frames = model.iter_fit(X)
    first = next(frames)
    assert first.step == "init" and not hasattr(model, "labels_")
    rest = list(frames)
    assert model.history_[0] is first and model.history_[-1] is rest[-1]
    np.testing.assert_array_equal(model.labels_, rest[-1].labels)


@pytest.mark.parametrize("every", [-1, 1.5, True, "2"])
def test_record_every_must_be_a_non_negative_integer(every):
    X = np.random.default_rng(0).random((10, 2))
    with pytest.raises(ValueError, match="record_every"):
        KMeans(n_clusters=2, record_every=every).fit(X)


def test_an_iterate_that_returns_no_attributes_is_refused():
    class Forgetful(_Leaky):
        def _iterate(self, X, y=None):
            yield from super()._iterate(X, y)

    with pytest.raises(TypeError, match="must return its fitted attributes"):
        Forgetful(alias=False).fit(np.arange(8.0).reshape(4, 2))


def test_frames_past_the_history_budget_are_thinned_with_one_warning():
    previous = tc.set_history_budget(2_000)
    try:
        with pytest.warns(UserWarning, match="budget") as caught:
            model = tc.KMeans(3, init="random", random_state=0, tol=0).fit(
                np.random.default_rng(0).normal(size=(60, 2)))
    finally:
        tc.set_history_budget(previous)
    assert len(caught) == 1
    full = tc.KMeans(3, init="random", random_state=0, tol=0).fit(
        np.random.default_rng(0).normal(size=(60, 2)))
    assert len(model.history_) < len(full.history_)
    assert np.array_equal(model.labels_, full.labels_)
    assert model.history_[-1].iteration == full.history_[-1].iteration
