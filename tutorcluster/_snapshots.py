"""The snapshot protocol that every tutorcluster estimator follows.

Every algorithm in this package is written as a *generator*: the loop of the
paper, which ``yield``s one :class:`Snapshot` at the end of each iteration.
That gives three ways to use the same code:

* ``for snapshot in model.iter_fit(X): ...`` steps through the iterations one
  at a time (the notebooks do this when they explain a step);
* ``model.fit(X)`` runs the loop to the end and keeps the snapshots in
  ``model.history_``;
* ``tutorcluster.scrub(model, X)`` draws ``model.history_`` under a slider.

A snapshot holds *copies* of the state (never views of arrays that the
algorithm goes on changing), made read-only, so a frame recorded at
iteration 3 still shows iteration 3 after the fit has finished.

See ``notebooks/00-introduction.ipynb``, section "The snapshot protocol".
"""

import warnings
from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator

from ._validation import check_fit_X

#: Default memory budget of one ``history_``, in bytes (see :func:`set_history_budget`).
HISTORY_BUDGET = 256 * 2**20
_budget = {"bytes": HISTORY_BUDGET}


def set_history_budget(n_bytes):
    """Set how much memory one fit's ``history_`` may take before it thins itself.

    A history that grows past the budget keeps every second frame from then
    on (and drops every second frame it already holds), as many times as it
    takes to stay within the budget, and warns once. The first and the last
    frame are always kept, and the fit itself is the same whatever is kept.

    Parameters
    ----------
    n_bytes : int or None
        The budget in bytes (default 256 MB); ``None`` keeps every frame
        whatever it costs.

    Returns
    -------
    previous : int or None
        The budget before this call, so it can be restored.
    """
    if n_bytes is not None and (isinstance(n_bytes, bool) or not isinstance(n_bytes, (int, np.integer))
                                or n_bytes <= 0):
        raise ValueError(f"n_bytes must be a positive integer or None, got {n_bytes!r}.")
    previous = _budget["bytes"]
    _budget["bytes"] = n_bytes
    return previous


def snapshot_nbytes(snapshot):
    """Bytes held by the arrays of one snapshot (arrays inside tuples included)."""
    def size(value):
        if isinstance(value, np.ndarray):
            return value.nbytes
        if isinstance(value, tuple):
            return sum(size(item) for item in value)
        return 0
    return sum(size(getattr(snapshot, field.name)) for field in fields(snapshot))


def frozen_copy(value):
    """Return a read-only copy of ``value`` (arrays, and lists/tuples of them).

    Anything else (numbers, strings, ``None``) is returned as it is: those are
    immutable already.
    """
    if isinstance(value, np.ndarray):
        copy = np.array(value, copy=True)
        copy.setflags(write=False)
        return copy
    if isinstance(value, (list, tuple)):
        return tuple(frozen_copy(item) for item in value)
    return value


@dataclass(frozen=True, eq=False, kw_only=True)
class Snapshot:
    """The state of an algorithm at the end of one iteration.

    Each algorithm subclasses this record and adds its own fields (an
    epoch's changed samples, a force vector, an edge list, ...). All fields
    are copied and made read-only when the snapshot is created.

    Parameters
    ----------
    iteration : int
        The iteration (epoch, level, candidate, ...) that produced this
        frame, in the unit the algorithm's paper uses.
    centers : ndarray of shape (n_centers, n_features)
        The prototypes at this point (centroids, neuron weights, centres).
    caption : str
        One sentence tying the frame to the paper's step, e.g.
        ``"Epoch 3: 12 samples changed neuron (Eq. 4)"``.
    labels : ndarray of shape (n_samples,) or None
        The cluster of each training sample, where the algorithm defines one
        at this point.

    Attributes
    ----------
    view : str
        Class attribute: the dotted path of the :mod:`tutorcluster.views`
        class that draws this kind of snapshot. ``tutorcluster.scrub`` uses
        it when no view is given.
    """

    iteration: int
    centers: np.ndarray
    caption: str
    labels: np.ndarray | None = None

    view: ClassVar[str] = "tutorcluster.views.base.PointsView"

    def __init_subclass__(cls, **kwargs):
        # @dataclass writes a __repr__ that prints every array in full unless
        # the class already defines one; give each subclass the short one below.
        super().__init_subclass__(**kwargs)
        cls.__repr__ = Snapshot.__repr__

    def __post_init__(self):
        # A frozen dataclass forbids ``self.x = ...``; object.__setattr__ is
        # the documented way to set fields while the record is being built.
        for field in fields(self):
            object.__setattr__(self, field.name, frozen_copy(getattr(self, field.name)))

    def as_dict(self):
        """Return the fields as a ``{name: value}`` dictionary (no copies)."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    def __repr__(self):
        shown = []
        for name, value in self.as_dict().items():
            if isinstance(value, np.ndarray):
                shown.append(f"{name}=<array {value.shape} {value.dtype}>")
            else:
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


class _Recorder:
    """Decides which frames ``history_`` keeps, and builds only those.

    An algorithm yields each frame either as a :class:`Snapshot` or as a
    function of no arguments that builds one, usually
    ``yield functools.partial(MySnapshot, iteration=t, centers=W, ...)``:
    the arguments are taken at once, but the snapshot (which copies every
    array) is built only if its frame is kept: at once when the frame is due
    (every ``every``-th one), or at the end for the last frame. So
    ``record_every=0`` on a long run builds one snapshot, not thousands.
    For the last frame to be right, an algorithm must not change *in place*
    an array it passed to its last frame (rebinding a name is fine: the
    partial holds the old object).
    """

    def __init__(self, every, budget, owner):
        self.every = every
        self.budget = budget
        self.owner = owner
        self.kept = []          # (frame number, snapshot), oldest first
        self.nbytes = 0
        self.count = -1         # frame number of the latest frame offered
        self.pending = None     # the latest frame, when it was not kept
        self.warned = False

    def offer(self, frame):
        """Take the next frame; return its snapshot if it is kept, else None."""
        self.count += 1
        if self.every and self.count % self.every == 0:
            self.pending = None
            return self._keep(self.count, frame)
        self.pending = frame
        return None

    def finish(self):
        """Keep the last frame if it was not kept yet; return it (or None)."""
        if self.pending is None:
            return None
        frame, self.pending = self.pending, None
        return self._keep(self.count, frame)

    def history(self):
        return tuple(snapshot for _, snapshot in self.kept)

    def _keep(self, count, frame):
        snapshot = frame() if callable(frame) else frame
        if not isinstance(snapshot, Snapshot):
            raise TypeError(f"{self.owner}._iterate yielded {type(snapshot).__name__}, "
                            f"not a Snapshot (or a function that builds one).")
        self.kept.append((count, snapshot))
        self.nbytes += snapshot_nbytes(snapshot)
        while self.budget is not None and self.nbytes > self.budget and len(self.kept) > 2:
            self._thin()
        return snapshot

    def _thin(self):
        """Double the spacing of the kept frames (the first and the newest stay)."""
        self.every = 2 * max(self.every, 1)
        first, newest = self.kept[0], self.kept[-1]
        self.kept = [item for item in self.kept
                     if item is first or item is newest or item[0] % self.every == 0]
        self.nbytes = sum(snapshot_nbytes(snapshot) for _, snapshot in self.kept)
        if not self.warned:
            self.warned = True
            warnings.warn(
                f"{self.owner}: history_ passed its budget of {self.budget / 2**20:.3g} MB "
                f"at frame {self.count + 1}, so it now keeps one frame in {self.every}. "
                f"Set record_every to choose the spacing yourself, or call "
                f"tutorcluster.set_history_budget(None) to keep every frame.",
                UserWarning, stacklevel=4)


class SnapshotEstimator(BaseEstimator):
    """Base class of every tutorcluster estimator: ``fit`` drains ``iter_fit``.

    A subclass writes the algorithm once, as the generator ``_iterate(X, y)``:
    it receives validated training data, runs the paper's loop, yields one
    frame per iteration (a :class:`Snapshot`, or
    ``functools.partial(SnapshotClass, ...)`` so that frames the history
    will not keep are never built) and finally *returns* its fitted attributes as a dictionary
    (``return {"cluster_centers_": centres, "labels_": labels, ...}``).
    This class turns that generator into the public ``iter_fit`` and
    ``fit``, keeps the history, and sets the fitted attributes only when the
    loop has ended: a fit is committed whole, and a generator abandoned
    part-way leaves the estimator exactly as it was.

    Subclasses must accept a ``record_every`` parameter in ``__init__``:

    * ``record_every=1`` (the default) keeps every snapshot in ``history_``;
    * ``record_every=n`` keeps every n-th snapshot (counting from the first)
      and always the last one, to save memory on large runs;
    * ``record_every=0`` keeps only the last snapshot.

    Thinning changes only what is *kept*: the algorithm and its result are
    the same whatever ``record_every`` is. A history that outgrows its
    memory budget (:func:`set_history_budget`, 256 MB by default) thins
    itself further and warns once.

    Attributes
    ----------
    _min_samples : int
        Class attribute: the fewest training rows the algorithm accepts.
    """

    _min_samples = 1

    def _iterate(self, X, y=None):
        """The algorithm: a generator of frames that returns the fitted attributes."""
        raise NotImplementedError

    def _check_fit_data(self, X, y=None):
        """Validate the training data; return ``X, y`` and the feature attributes.

        Runs before the first frame and changes nothing on the estimator.
        Estimators that need more than ``X`` validated override it.
        """
        X, features = check_fit_X(self, X, min_samples=self._min_samples)
        return X, y, features

    def iter_fit(self, X, y=None):
        """Fit step by step, yielding the snapshots that ``history_`` keeps.

        When the generator is exhausted the estimator is fitted exactly as
        after ``fit(X, y)``, and ``history_`` holds the yielded snapshots.
        Until then the estimator is unchanged: stopping part-way leaves it
        as it was before.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,), default=None
            Targets, for the estimators that use them; ignored otherwise.

        Yields
        ------
        snapshot : Snapshot
            The state at the end of each recorded iteration, oldest first
            (every iteration with the default ``record_every=1``).
        """
        every = self.record_every
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 0:
            raise ValueError(
                f"record_every must be a non-negative integer, got {every!r}."
            )
        X, y, features = self._check_fit_data(X, y)
        recorder = _Recorder(int(every), _budget["bytes"], type(self).__name__)
        frames = self._iterate(X, y)
        while True:
            try:
                frame = next(frames)
            except StopIteration as stop:
                fitted = stop.value
                break
            snapshot = recorder.offer(frame)
            if snapshot is not None:
                yield snapshot
        last = recorder.finish()
        if last is not None:
            yield last
        if not isinstance(fitted, dict):
            raise TypeError(f"{type(self).__name__}._iterate must return its fitted "
                            f"attributes as a dict, got {type(fitted).__name__}.")
        for name, value in {**features, **fitted}.items():
            setattr(self, name, value)
        self.history_ = recorder.history()

    def fit(self, X, y=None):
        """Run the algorithm to the end and keep its snapshots in ``history_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,), default=None
            Targets, for the estimators that use them; ignored otherwise.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        for _ in self.iter_fit(X, y):
            pass
        return self
