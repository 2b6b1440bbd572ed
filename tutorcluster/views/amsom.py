"""The SOM picture: the output plane and the data space, side by side.

* **left, the output plane**: every neuron at its position r_i, its edges as
  grey lines, its size proportional to the samples it wins (hits); its
  colour is the majority class of those samples when classes are given
  (``tutorcluster.scrub(model, X, y)``), else the mean data-space length of its edges
  (a U-matrix: bright neurons sit on a cluster border); a dead unit is grey;
  a neuron added this epoch has a green ring, one removed a red cross.
* **right, the data space**: the same neurons at their weights w_i over the
  data (projected by PCA when there are more than two features), joined by
  the same edges;
* **below, the progress strip**: the training QE and TE of every epoch, a
  dotted line where AMSOM's Phase III (smoothing) starts, and a marker at
  the epoch shown.

The titles give the epoch and the number of neurons (left) and the QE and
TE (right); the player's caption says the rest (phase, sigma, alpha, the
edges cut).

Both panels draw the same snapshot, so a neuron that moves on the left can
be found on the right. Used by :class:`tutorcluster.amsom.BatchSOM` and
:class:`tutorcluster.amsom.AMSOM`; see ``notebooks/02-amsom.ipynb``.
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.lines import Line2D

from .base import PALETTE, UNLABELLED, View, segments_xy, title_with_live_line

DEAD = UNLABELLED
RING = "tab:green"
CROSS = "tab:red"
U_MATRIX = colormaps["viridis"]


def majority_class(labels, classes, n_neurons):
    """The majority class index of each neuron's samples, -1 for a dead neuron.

    Parameters
    ----------
    labels : ndarray of shape (n_samples,)
        The BMU of each sample.
    classes : ndarray of shape (n_samples,)
        Class indices 0..K-1.
    n_neurons : int
    """
    table = np.zeros((n_neurons, classes.max() + 1), dtype=np.int64)
    np.add.at(table, (labels, classes), 1)
    return np.where(table.sum(axis=1) > 0, table.argmax(axis=1), -1)


def mean_edge_length(weights, edges):
    """Each neuron's mean data-space length ||w_p - w_q|| over its edges (NaN with no edge)."""
    length = np.linalg.norm(weights[edges[:, 0]] - weights[edges[:, 1]], axis=1)
    total = np.bincount(edges.ravel(), weights=np.repeat(length, 2), minlength=len(weights))
    degree = np.bincount(edges.ravel(), minlength=len(weights))
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / degree


class SOMView(View):
    """Output plane (positions, edges, hits, classes) beside the data space (weights).

    Give the player the classes (``tutorcluster.scrub(model, X, y)``) to
    colour neurons by the majority class of their samples.
    """

    figsize = (9.6, 5.2)
    # Setup ------------------------------------------------------------------

    def setup(self):
        # Class indices 0..K-1 of the training samples, or None.
        self.classes = None if self.y is None else np.unique(self.y, return_inverse=True)[1]
        # A long thin lattice (iris: 16 x 4) gets a wider panel than the data.
        every = np.vstack([s.positions for s in self.history])
        extent = np.ptp(every, axis=0) + 1.2
        wide = float(np.clip(extent.max() / extent.min(), 1.0, 2.0))
        grid = self.figure.add_gridspec(2, 2, width_ratios=[wide, 1], height_ratios=[4.2, 1])
        self.ax_map = self.figure.add_subplot(grid[0, 0])
        self.ax_data = self.figure.add_subplot(grid[0, 1])
        self.ax_progress = self.figure.add_subplot(grid[1, :])
        if self.title:
            self.figure.suptitle(self.title)
        self._setup_map()
        self._setup_data()
        self._setup_progress()
        self._before = self._previous_frames()
        most_hits = max(int(s.hits.max()) for s in self.history)
        self.size_per_hit = 150.0 / max(most_hits, 1)

    def _setup_map(self):
        ax = self.ax_map
        every = np.vstack([s.positions for s in self.history])
        low, high = every.min(axis=0), every.max(axis=0)
        # Draw the long side of the plane horizontally (a 16 x 4 lattice lies down).
        self.swap = (high - low)[1] > (high - low)[0]
        low, high = (low[::-1], high[::-1]) if self.swap else (low, high)
        pad = 0.6
        ax.set_xlim(low[0] - pad, high[0] + pad)
        ax.set_ylim(low[1] - pad, high[1] + pad)
        ax.set_aspect("equal")
        ax.set_xlabel("$r_{i,2}$ (lattice row)" if self.swap else "$r_{i,1}$ (lattice column)")
        ax.set_ylabel("$r_{i,1}$ (lattice column)" if self.swap else "$r_{i,2}$ (lattice row)")
        self.map_title = title_with_live_line(ax, "Output plane: positions $r_i$", fontsize=9)
        # The edges as one line broken by NaNs (see segments_xy): faster than a LineCollection.
        (self.map_edges,) = ax.plot([], [], color="0.55", linewidth=0.9, zorder=1)
        self.map_nodes = ax.scatter([], [], edgecolors="black", linewidths=0.4, zorder=2)
        self.map_added = ax.scatter([], [], s=140, facecolors="none", edgecolors=RING,
                                    linewidths=2, zorder=3)
        self.map_removed = ax.scatter([], [], s=60, marker="x", c=CROSS, linewidths=2, zorder=3)
        handles = []
        if self.classes is not None:
            # One entry per class: the colour of the neurons whose samples are mostly that class.
            for k, name in enumerate(np.unique(self.y)):
                handles.append(Line2D([], [], ls="", marker="o", color=PALETTE[k % len(PALETTE)],
                                      mec="black", mew=0.4, label=f"class {name}"))
        handles += [Line2D([], [], ls="", marker="o", mfc="none", mec=RING, mew=2, label="added"),
                    Line2D([], [], ls="", marker="x", color=CROSS, mew=2, label="removed"),
                    Line2D([], [], ls="", marker="o", color=DEAD, mec="black", mew=0.4,
                           label="dead (no hit)")]
        self.figure.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 7),
                           fontsize=8, frameon=False)

    def _setup_progress(self):
        ax = self.ax_progress
        epochs = np.array([s.iteration for s in self.history])
        ax.plot(epochs, [s.qe for s in self.history], color="C0", lw=1.2, label="QE")
        twin = ax.twinx()
        twin.plot(epochs, [s.te for s in self.history], color="C1", lw=1.2, label="TE")
        phase3 = [s.iteration for s in self.history if s.phase == 3]
        if phase3:
            ax.axvline(phase3[0] - 0.5, color="0.3", ls=":", lw=1)
            ax.text(phase3[0], 0.95, " Phase III", transform=ax.get_xaxis_transform(),
                    fontsize=7, va="top")
        ax.set_ylabel("QE", color="C0", fontsize=8)
        twin.set_ylabel("TE", color="C1", fontsize=8)
        ax.set_xlabel("epoch", fontsize=8, labelpad=1)
        ax.tick_params(labelsize=7)
        twin.tick_params(labelsize=7)
        ax.set_xlim(epochs.min(), max(epochs.max(), epochs.min() + 1))
        # On the twin axes, drawn on top: the QE axis and its curve then stay
        # in the player's cached background.
        self.progress_marker = twin.axvline(epochs[0], color="black", lw=1.2)

    def _setup_data(self):
        ax = self.ax_data
        xy = self.project(self.X)
        # Limits from the data alone: a freshly split child can land far away
        # for one epoch (Eq. 16) and should not shrink every other frame.
        low, high = xy.min(axis=0), xy.max(axis=0)
        pad = (high - low) * 0.08 + 1e-9
        ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
        ax.set_xlabel(self.project.axis_labels[0])
        ax.set_ylabel(self.project.axis_labels[1])
        self.data_title = title_with_live_line(ax, "Data space: weights $w_i$", fontsize=9)
        if self.classes is not None:
            colors = PALETTE[self.classes % len(PALETTE)].copy()
            colors[:, 3] = 0.35
        else:
            colors = np.tile(DEAD, (len(xy), 1))
        ax.scatter(xy[:, 0], xy[:, 1], s=9, c=colors, linewidths=0, zorder=0)
        (self.data_edges,) = ax.plot([], [], color="black", linewidth=0.7, alpha=0.6, zorder=1)
        self.data_nodes = ax.scatter([], [], edgecolors="black", linewidths=0.4, zorder=2)
        self.data_added = ax.scatter([], [], s=140, facecolors="none", edgecolors=RING,
                                     linewidths=2, zorder=3)
        self.data_removed = ax.scatter([], [], s=60, marker="x", c=CROSS, linewidths=2, zorder=3)

    def _previous_frames(self):
        """Per frame: the positions and weights (in the frame before) of the neurons it removed."""
        before, previous = {}, None
        for frame, snapshot in enumerate(self.history):
            found = np.zeros(len(snapshot.removed_ids), dtype=bool)
            where = np.zeros(len(snapshot.removed_ids), dtype=np.int64)
            if previous is not None and len(snapshot.removed_ids):
                where = np.searchsorted(previous.ids, snapshot.removed_ids)
                where = np.minimum(where, len(previous.ids) - 1)
                found = previous.ids[where] == snapshot.removed_ids
            if found.any():
                gone = where[found]
                before[frame] = (previous.positions[gone], previous.centers[gone])
            previous = snapshot
        return before

    # Drawing ----------------------------------------------------------------

    def _plane(self, positions):
        positions = np.asarray(positions, dtype=float).reshape(-1, 2)
        return positions[:, ::-1] if self.swap else positions

    def _colors(self, snapshot):
        n = snapshot.n_neurons
        if self.classes is not None:
            majority = majority_class(snapshot.labels, self.classes, n)
            colors = PALETTE[np.mod(majority, len(PALETTE))].copy()
        else:
            # U-matrix colours, scaled to this frame (its 95th percentile is yellow).
            lengths = np.nan_to_num(mean_edge_length(snapshot.centers, snapshot.edges))
            top = np.percentile(lengths, 95) if len(lengths) else 0.0
            colors = U_MATRIX(np.clip(lengths / top, 0, 1) if top > 0 else np.zeros(n))
        colors[snapshot.hits == 0] = DEAD
        return colors

    def draw(self, snapshot, frame):
        plane = self._plane(snapshot.positions)
        data = self.project(snapshot.centers)
        colors = self._colors(snapshot)
        sizes = 12 + self.size_per_hit * snapshot.hits
        e = snapshot.edges
        for nodes, edges, xy in ((self.map_nodes, self.map_edges, plane),
                                 (self.data_nodes, self.data_edges, data)):
            nodes.set_offsets(xy)
            nodes.set_facecolor(colors)
            nodes.set_sizes(sizes)
            edges.set_data(*segments_xy(xy[e[:, 0]], xy[e[:, 1]]))
        added = np.isin(snapshot.ids, snapshot.added_ids)
        self.map_added.set_offsets(plane[added].reshape(-1, 2))
        self.data_added.set_offsets(data[added].reshape(-1, 2))
        gone_positions, gone_weights = self._before.get(frame, (np.zeros((0, 2)), None))
        self.map_removed.set_offsets(self._plane(gone_positions))
        self.data_removed.set_offsets(
            self.project(gone_weights) if gone_weights is not None else np.zeros((0, 2)))
        self.progress_marker.set_xdata([snapshot.iteration, snapshot.iteration])
        # The titles' second lines, short and plain (no mathtext): text is slow to
        # draw, and the caption gives the rest (phase, sigma, alpha, edges cut).
        self.map_title.set_text(f"epoch {snapshot.iteration}: {snapshot.n_neurons} neurons")
        self.data_title.set_text(f"QE {snapshot.qe:.3f}, TE {snapshot.te:.3f}")


def plot_map(model, X, y=None, *, frame=-1, figure=None, title=None):
    """Draw one frame of a fitted BatchSOM or AMSOM with :class:`SOMView`, as a still picture.

    Parameters
    ----------
    model : fitted BatchSOM or AMSOM, or a sequence of SOMSnapshot
    X : array-like of shape (n_samples, n_features)
        The training data.
    y : array-like of shape (n_samples,), default=None
        Classes to colour the neurons by (their majority class).
    frame : int, default=-1
        Which snapshot of ``history_`` to draw (the last by default).
    figure : matplotlib Figure or SubFigure, default=None
        Where to draw; a new pyplot figure by default.
    title : str, default=None

    Returns
    -------
    SOMView
        The view (its axes are ``view.ax_map`` and ``view.ax_data``).
    """
    import matplotlib.pyplot as plt

    history = tuple(getattr(model, "history_", model))
    if figure is None:
        figure = plt.figure(figsize=SOMView.figsize, layout="constrained")
    view = SOMView(figure, X, history, title=title, y=y)
    view.draw(history[frame], frame)
    return view
