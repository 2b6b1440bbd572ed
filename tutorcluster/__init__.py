"""tutorcluster: five clustering papers, taught step by step in Jupyter.

Every algorithm is a scikit-learn estimator whose iterations can be
consumed one snapshot at a time (``iter_fit``) and are kept in ``history_``
after ``fit``; ``scrub`` draws any history under a slider with a Play button.

    >>> import tutorcluster as tc
    >>> model = tc.KMeans(n_clusters=3, random_state=0).fit(X)   # doctest: +SKIP
    >>> tc.scrub(model, X)                                          # doctest: +SKIP

One module per paper (``centnn``, ``amsom``, ``arkmeans``, ``fnmeans``,
``subtractive``), the ``kmeans`` baseline, and the shared spine:
``distances``, ``datasets``, ``metrics``, ``views`` and ``widgets``.

Platforms: Python 3.11+, JupyterLab 4, Notebook 7 and Voila, on a laptop, Binder or
a JupyterHub (a course kernel: ``make kernel``). Colab is not supported: the package
is not on PyPI, so a Colab session has nothing to install it from.
"""

from . import datasets, distances, metrics
from ._snapshots import Snapshot, SnapshotEstimator, set_history_budget
from .kmeans import KMeans, KMeansSnapshot
from .amsom import AMSOM, BatchSOM, SOMSnapshot
from .fnmeans import FNMeans, FNMeansSnapshot, PNN
from .subtractive import (FuzzyCMeans, FuzzyCMeansSnapshot, KernelSubtractiveClustering, MountainClustering,
                          SubtractiveClustering, SubtractiveSnapshot, WeightedMeanSubtractiveClustering)
from .centnn import CentNN, CentNNEpochSnapshot, CentNNSampleSnapshot
from .arkmeans import ARKMeans, ARKMeansSnapshot, KPrimeMeans, KPrimeMeansSnapshot, RKMeans, RKMeansSnapshot

# The player needs matplotlib, ipywidgets and Pillow (about a second to
# import); the algorithms do not. So the drawing stack is imported the first
# time one of these names is used, not by ``import tutorcluster``.
_DRAWING = {"Player": "widgets", "save_animation": "widgets", "scrub": "widgets",
            "widgets": None, "views": None}


def __getattr__(name):
    import importlib

    if name not in _DRAWING:
        raise AttributeError(f"module 'tutorcluster' has no attribute {name!r}")
    module = importlib.import_module(f".{_DRAWING[name] or name}", __name__)
    return module if _DRAWING[name] is None else getattr(module, name)

__version__ = "0.1.0"

__all__ = [
    "AMSOM",
    "ARKMeans",
    "ARKMeansSnapshot",
    "BatchSOM",
    "CentNN",
    "CentNNEpochSnapshot",
    "CentNNSampleSnapshot",
    "FNMeans",
    "FNMeansSnapshot",
    "FuzzyCMeans",
    "FuzzyCMeansSnapshot",
    "KMeans",
    "KMeansSnapshot",
    "KernelSubtractiveClustering",
    "KPrimeMeans",
    "KPrimeMeansSnapshot",
    "MountainClustering",
    "PNN",
    "Player",
    "RKMeans",
    "RKMeansSnapshot",
    "SOMSnapshot",
    "Snapshot",
    "SnapshotEstimator",
    "SubtractiveClustering",
    "SubtractiveSnapshot",
    "WeightedMeanSubtractiveClustering",
    "datasets",
    "distances",
    "metrics",
    "save_animation",
    "scrub",
    "set_history_budget",
]
