"""tutorcluster: five clustering papers, taught step by step in Jupyter.

Every algorithm is a scikit-learn estimator whose iterations can be
consumed one snapshot at a time (``iter_fit``) and are kept in ``history_``
after ``fit``; ``scrub`` draws any history under a slider with a Play button.

    >>> import tutorcluster as tc
    >>> model = tc.KMeans(n_clusters=3, random_state=0).fit(X)   # doctest: +SKIP
    >>> tc.scrub(model, X)                                          # doctest: +SKIP

One module per paper (``centnn``, ``amsom``, ``arkmeans``, ``fnmeans``,
``subtractive``), the ``kmeans`` baseline, and the shared spine:
``datasets``, ``metrics``, ``views`` and ``widgets``.
"""

from . import datasets, metrics
from ._snapshots import Snapshot, SnapshotEstimator
from .kmeans import KMeans, KMeansSnapshot
from .widgets import Player, save_animation, scrub

__version__ = "0.1.0"

__all__ = [
    "KMeans",
    "KMeansSnapshot",
    "Player",
    "Snapshot",
    "SnapshotEstimator",
    "datasets",
    "metrics",
    "save_animation",
    "scrub",
]
