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

from dataclasses import dataclass, fields
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator


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


class SnapshotEstimator(BaseEstimator):
    """Base class of every tutorcluster estimator: ``fit`` drains ``iter_fit``.

    A subclass writes the algorithm once, as the generator ``_iterate(X, y)``
    that validates its input, runs the paper's loop, yields one
    :class:`Snapshot` per iteration and sets the fitted attributes (names
    ending in ``_``) before it returns. This class turns that generator into
    the public ``iter_fit`` and ``fit`` and keeps the history.

    Subclasses must accept a ``record_every`` parameter in ``__init__``:

    * ``record_every=1`` (the default) keeps every snapshot in ``history_``;
    * ``record_every=n`` keeps every n-th snapshot (counting from the first)
      and always the last one, to save memory on large runs;
    * ``record_every=0`` keeps only the last snapshot.

    Thinning changes only what is *kept*: the algorithm and its result are
    the same whatever ``record_every`` is.
    """

    def _iterate(self, X, y=None):
        """The algorithm: a generator of snapshots (written by each subclass)."""
        raise NotImplementedError

    def iter_fit(self, X, y=None):
        """Fit step by step, yielding one snapshot per iteration.

        When the generator is exhausted the estimator is fitted exactly as
        after ``fit(X, y)``, and ``history_`` holds the recorded snapshots.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,), default=None
            Targets, for the estimators that use them; ignored otherwise.

        Yields
        ------
        snapshot : Snapshot
            The state at the end of each iteration, oldest first.
        """
        every = self.record_every
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 0:
            raise ValueError(
                f"record_every must be a non-negative integer, got {every!r}."
            )
        kept = []
        last = None
        for count, snapshot in enumerate(self._iterate(X, y)):
            if every and count % every == 0:
                kept.append(snapshot)
            last = snapshot
            yield snapshot
        if last is not None and (not kept or kept[-1] is not last):
            kept.append(last)
        self.history_ = tuple(kept)

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
