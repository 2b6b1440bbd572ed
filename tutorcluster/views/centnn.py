"""The CentNN pictures: the epoch slider and the per-sample slow motion.

* :class:`CentNNView` draws one frame per epoch: the samples coloured by
  neuron, the numbered weights, a short trail from each weight's position
  one epoch earlier, and the neuron about to be split (and where its child
  is born) or the neuron just born. :class:`CentNNProgressView` adds, beside
  it, the number of changes per epoch and the energy J, with the splits
  marked and a legend for every glyph.
* :class:`CentNNSampleView` draws one frame per update: the presented
  sample, the winner's old position (hollow), the winner pulled towards the
  sample by ``1/(N + 1)`` (Eq. 3) and the loser pushed away by ``1/(N - 1)``
  (Eq. 4), as arrows. Its labels are rebuilt from the run's update log.

The status text sits in a strip above the data panel, never over the data.
Changed samples are not outlined one by one (in dense clusters that turns
into a dark smear): the number of changes is in the status strip and on the
progress panel, and the colours show who owns what.

See ``notebooks/01-centnn.ipynb``.
"""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, NullLocator

from .base import PointsView, label_colors, points_scatter

_NEW = "tab:orange"     # the neuron being split / just born
_PULL = "tab:green"     # the winner's move (Eq. 3)
_PUSH = "tab:red"       # the loser's move (Eq. 4)


def _max_neurons(history):
    return max(len(snapshot.centers) for snapshot in history)


def _freeze_ticks(ax):
    """Fix the ticks where matplotlib first put them: the limits never change,
    and locating ticks anew costs a large share of every frame."""
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(FixedLocator(axis.get_majorticklocs()))
        axis.set_minor_locator(NullLocator())


class _NeuronsMixin:
    """Numbered weights (one text artist per neuron, created once) and a status strip."""

    def make_numbers(self, ax, n_neurons):
        # Annotations a few points up-right of each weight; kept out of the
        # layout computation, which would otherwise measure them every frame.
        self.numbers = [
            ax.annotate(str(m), (0, 0), xytext=(5, 4), textcoords="offset points",
                        fontsize=8, fontweight="bold", zorder=6, visible=False,
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
                        annotation_clip=False, in_layout=False)
            for m in range(n_neurons)
        ]

    def draw_numbers(self, xy):
        for m, text in enumerate(self.numbers):
            if m < len(xy):
                text.xy = (xy[m, 0], xy[m, 1])
                text.set_visible(True)
            else:
                text.set_visible(False)

    def make_status(self, ax):
        # Above the axes (in axes coordinates y > 1), so it never hides data.
        self.status = ax.text(0.0, 1.02, "", transform=ax.transAxes, ha="left", va="bottom",
                              fontsize=8, zorder=7, in_layout=False)


class CentNNView(_NeuronsMixin, PointsView):
    """One epoch per frame: clusters, each weight's last move, the split and the newborn neuron."""

    figsize = (5.0, 4.6)

    def setup(self):
        self.make_data_panel(self.figure.subplots())

    def make_data_panel(self, ax):
        self.ax = ax
        self.data_axes(ax)
        _freeze_ticks(ax)
        xy = self.project(self.X)
        self.points = points_scatter(ax, xy, s=8, linewidths=0, c=label_colors(None, len(xy)))
        self.trails = LineCollection([], colors="black", linewidths=1.0, zorder=3)
        ax.add_collection(self.trails)
        self.centers = ax.scatter([], [], s=120, marker="X", c="black",
                                  edgecolors="white", linewidths=1.2, zorder=4)
        self.ring = ax.scatter([], [], s=420, facecolors="none", edgecolors=_NEW,
                               linewidths=2.2, zorder=5)
        self.birth = ax.scatter([], [], s=260, marker="*", c=_NEW, edgecolors="black",
                                linewidths=0.6, zorder=5)
        self.jump = LineCollection([], colors=_NEW, linestyles="dashed", linewidths=1.5, zorder=5)
        ax.add_collection(self.jump)
        self.make_numbers(ax, _max_neurons(self.history))
        self.make_status(ax)
        # Frame f shows a newborn neuron if frame f - 1 was a split one epoch earlier.
        self.newborn = [None] * len(self.history)
        for frame in range(1, len(self.history)):
            previous, snapshot = self.history[frame - 1], self.history[frame]
            if previous.event == "split" and snapshot.iteration == previous.iteration + 1:
                self.newborn[frame] = len(snapshot.centers) - 1
        self.projected = [self.project(s.centers) for s in self.history]

    def draw(self, snapshot, frame):
        self.points.set_facecolor(label_colors(snapshot.labels, len(self.X)))
        W = self.projected[frame]
        self.centers.set_offsets(W)
        self.draw_numbers(W)
        # Each weight's move since the previous frame (neurons that existed then).
        trails = []
        if frame > 0:
            before = self.projected[frame - 1]
            shared = min(len(before), len(W))
            trails = np.stack([before[:shared], W[:shared]], axis=1)
        self.trails.set_segments(trails)

        ring, birth, jump = np.empty((0, 2)), np.empty((0, 2)), []
        newborn = self.newborn[frame]
        note = ""
        if snapshot.event == "split":
            ring = W[[snapshot.split_index]]
            birth = self.project(snapshot.new_weight)
            note = f"; split neuron {snapshot.split_index} (star: new neuron)"
        elif snapshot.event == "repair":
            ring = W[[snapshot.repaired_index]]
            birth = self.project(snapshot.new_weight)
            jump = [np.vstack([ring[0], birth[0]])]
            note = f"; repair: dead neuron {snapshot.repaired_index} jumps (star)"
        elif newborn is not None:
            ring = W[[newborn]]
            note = f"; neuron {newborn} just born (ringed)"
        elif snapshot.event == "stop":
            note = "; stop"
        self.ring.set_offsets(ring)
        self.birth.set_offsets(birth)
        self.jump.set_segments(jump)
        self.status.set_text(f"epoch {snapshot.iteration}, k = {snapshot.n_neurons}, "
                             f"changes {snapshot.n_changes}, J = {snapshot.inertia:.1f}{note}")


class CentNNProgressView(CentNNView):
    """:class:`CentNNView` plus the changes per epoch and the energy J, splits marked.

    Two panels cost more drawing time than one, so this view is chosen
    explicitly: ``tc.scrub(model, X, view=CentNNProgressView)``.
    """

    figsize = (9.4, 4.6)

    def setup(self):
        left, right = self.figure.subplots(1, 2, width_ratios=[1.2, 1])
        self.make_data_panel(left)
        self.curve_ax = right
        # The run's whole curves, drawn once; only the cursor moves.
        epochs = np.array([s.iteration for s in self.history])
        changes = np.array([s.n_changes for s in self.history], dtype=float)
        energy = np.array([s.inertia for s in self.history])
        right.plot(epochs, np.where(changes > 0, changes, np.nan), "o-", ms=2.5, lw=1, color="0.3")
        zero = changes == 0
        right.plot(epochs[zero], np.full(zero.sum(), 0.5), "v", ms=4, color="0.3")
        for s in self.history:
            if s.event == "split":
                right.axvline(s.iteration, color=_NEW, lw=0.8, ls="--")
        right.set_yscale("log")
        top = max(2.0, changes.max() * 2)
        right.set_ylim(0.3, top)
        # Fixed ticks (powers of ten, no minor ticks): cheap to lay out every frame.
        right.yaxis.set_major_locator(FixedLocator(10.0 ** np.arange(0, np.ceil(np.log10(top)))))
        right.yaxis.set_minor_locator(NullLocator())
        right.set_xlim(-0.5, max(1, epochs.max()) + 0.5)
        right.xaxis.set_major_locator(FixedLocator(right.xaxis.get_majorticklocs()))
        right.set_xlabel("epoch")
        right.set_ylabel("samples that changed neuron (log)")
        # J on a twin axis: it falls within each stage and drops at each split's next stage.
        self.energy_ax = twin = right.twinx()
        twin.plot(epochs, energy, "-", lw=1.4, color="tab:blue")
        twin.set_yscale("log")
        low, high = np.nanmin(energy[energy > 0]), np.nanmax(energy)
        twin.set_ylim(low / 1.3, high * 1.3)
        twin.yaxis.set_minor_locator(NullLocator())
        twin.yaxis.set_major_locator(FixedLocator(np.geomspace(low, high, 4)))
        twin.yaxis.set_major_formatter(lambda v, _: f"{v:.3g}")
        twin.tick_params(axis="y", colors="tab:blue", labelsize=7)
        twin.set_ylabel("energy J (log)", color="tab:blue")
        handles = [
            Line2D([], [], marker="o", ms=3, lw=1, color="0.3", label="changes in the epoch"),
            Line2D([], [], marker="v", ms=4, lw=0, color="0.3", label="no change (drawn at 0.5)"),
            Line2D([], [], lw=1.4, color="tab:blue", label="J (right axis)"),
            Line2D([], [], lw=0.8, ls="--", color=_NEW, label="split after this epoch"),
            Line2D([], [], lw=1.5, color="black", label="this frame"),
        ]
        right.legend(handles=handles, loc="upper right", fontsize=7, frameon=True, framealpha=0.85)
        # The moving cursor and dot live on the twin axes, drawn on top: then
        # the changes curve, the legend and both axes stay in the player's
        # cached background (the dot is placed in the changes axis' units).
        self.cursor = twin.axvline(0, color="black", lw=1.5)
        self.dot = twin.scatter([], [], s=40, c="black", zorder=3, transform=right.transData)

    def draw(self, snapshot, frame):
        super().draw(snapshot, frame)
        self.cursor.set_xdata([snapshot.iteration, snapshot.iteration])
        self.dot.set_offsets([[snapshot.iteration, max(snapshot.n_changes, 0.5)]])


class CentNNSampleView(_NeuronsMixin, PointsView):
    """One update per frame: the sample, the winner's old place, its pull and the loser's push."""

    figsize = (5.6, 4.8)

    def setup(self):
        super().setup()
        _freeze_ticks(self.ax)
        self.points.set_sizes([30])
        self.current = self.ax.scatter([], [], s=230, facecolors="none", edgecolors="black",
                                       linewidths=2, zorder=5)
        # Where the winner and the loser were before the update: hollow crosses.
        self.before = self.ax.scatter([], [], s=120, marker="X", facecolors="none",
                                      edgecolors=[_PULL, _PUSH], linewidths=1.4, zorder=4)
        # Dotted guides from each moved weight (before the update) to the sample.
        self.guides = LineCollection([], colors=[_PULL, _PUSH], linestyles="dotted",
                                     linewidths=1, zorder=3)
        self.ax.add_collection(self.guides)
        # Two arrows, always: the winner's move and the loser's (zero length when absent).
        self.moves = self.ax.quiver(np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2),
                                    color=[_PULL, _PUSH], angles="xy", scale_units="xy",
                                    scale=1, width=0.008, zorder=6)
        self.make_numbers(self.ax, _max_neurons(self.history))
        self.make_status(self.ax)

    def draw(self, snapshot, frame):
        W = self.project(snapshot.centers)
        self.centers.set_offsets(W)
        self.draw_numbers(W)
        winner = getattr(snapshot, "winner", None)
        if winner is None:  # an epoch snapshot (one neuron, or the end at max_epochs)
            self.points.set_facecolor(label_colors(snapshot.labels, len(self.X)))
            self.current.set_offsets(np.empty((0, 2)))
            self.before.set_offsets(np.empty((0, 2)))
            self.guides.set_segments([])
            self.moves.set_UVC(np.ma.masked_all(2), np.ma.masked_all(2))
            self.status.set_text(f"epoch {snapshot.iteration}, k = {len(W)}")
            return
        self.points.set_facecolor(label_colors(snapshot.rebuild_labels(), len(self.X)))
        x = self.project(self.X[snapshot.sample])
        self.current.set_offsets(x)
        starts = np.zeros((2, 2))
        ends = np.zeros((2, 2))
        starts[0] = self.project(snapshot.winner_before)[0]
        ends[0] = W[winner]
        text = (f"epoch {snapshot.iteration}, sample {snapshot.sample}: "
                f"winner {winner} pulled by 1/{snapshot.counts[winner]}")
        guides = [np.vstack([starts[0], x[0]])]
        if snapshot.loser >= 0:
            starts[1] = self.project(snapshot.loser_before)[0]
            ends[1] = W[snapshot.loser]
            guides.append(np.vstack([starts[1], x[0]]))
            text += f", loser {snapshot.loser} pushed by 1/{snapshot.counts[snapshot.loser]}"
            self.before.set_offsets(starts)
        else:
            self.before.set_offsets(starts[:1])
        self.guides.set_segments(guides)
        self.moves.set_offsets(starts)
        # Masked arrows are not drawn: epoch 0 has no loser.
        delta = np.ma.masked_array(ends - starts, mask=np.zeros((2, 2), bool))
        if snapshot.loser < 0:
            delta[1] = np.ma.masked
        self.moves.set_UVC(delta[:, 0], delta[:, 1])
        self.status.set_text(text)
