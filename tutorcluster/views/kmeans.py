"""The k-means picture: both halves of Lloyd's iteration.

* after an **assign** step the points take their new colours and the points
  that changed cluster are outlined;
* after an **update** step an arrow shows how far each centre moved.
"""

import numpy as np

from .base import PointsView


class KMeansView(PointsView):
    """Points coloured by cluster, centres, changed points and centre moves."""

    def setup(self):
        super().setup()
        self.changed = self.ax.scatter([], [], s=40, facecolors="none",
                                       edgecolors="black", linewidths=0.8, zorder=2)
        k = len(self.history[0].centers)
        self.moves = self.ax.quiver(np.zeros(k), np.zeros(k), np.zeros(k), np.zeros(k),
                                    angles="xy", scale_units="xy", scale=1, width=0.006,
                                    color="black", zorder=4)
        # For each frame, the labels of the assignment before it (None before
        # the first), to outline the points that changed cluster. Computed
        # once, not per frame.
        self.labels_before = []
        previous = current = None
        for snapshot in self.history:
            if snapshot.step == "assign":
                previous, current = current, snapshot.labels
            self.labels_before.append(previous)

    def draw(self, snapshot, frame):
        super().draw(snapshot, frame)
        before = self.labels_before[frame]
        if snapshot.step == "assign" and before is not None:
            changed = snapshot.labels != before
        else:
            changed = np.zeros(len(self.X), dtype=bool)
        self.changed.set_offsets(self.project(self.X[changed]).reshape(-1, 2))
        start = self.project(snapshot.previous_centers)
        end = self.project(snapshot.centers)
        self.moves.set_offsets(start)
        self.moves.set_UVC((end - start)[:, 0], (end - start)[:, 1])
