"""Views: how each algorithm's snapshots are drawn (see :mod:`.base`).

Each algorithm module's snapshot class names its view, e.g.
``KMeansSnapshot.view = "tutorcluster.views.kmeans.KMeansView"``;
``tutorcluster.scrub`` imports it when it is first needed, so the algorithm
modules never import matplotlib.
"""

from .base import PALETTE, PointsView, Projection, View, label_colors

__all__ = ["PALETTE", "PointsView", "Projection", "View", "label_colors"]
