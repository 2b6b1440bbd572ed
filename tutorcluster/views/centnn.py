"""The CentNN pictures: the epoch slider and the per-sample slow motion.

* :class:`CentNNView` draws one frame per epoch: the samples coloured by
  neuron, the samples that changed neuron in that epoch outlined, the
  numbered weights, and the neuron about to be split (and where its child
  is born) or the neuron just born. :class:`CentNNProgressView` adds, beside
  it, the number of changes per epoch with the splits marked.
* :class:`CentNNSampleView` draws one frame per update: the presented
  sample, the winner pulled towards it by ``1/(N + 1)`` (Eq. 3) and the
  loser pushed away by ``1/(N - 1)`` (Eq. 4), as arrows.

See ``notebooks/01-centnn.ipynb``.
"""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import FixedLocator, NullLocator

from .base import PointsView, label_colors

_NEW = "tab:orange"     # the neuron being split / just born
_PULL = "tab:green"     # the winner's move (Eq. 3)
_PUSH = "tab:red"       # the loser's move (Eq. 4)


def _max_neurons(history):
    return max(len(snapshot.centers) for snapshot in history)


class _NeuronsMixin:
    """Numbered weights: one text artist per neuron, created once."""

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
        self.status = ax.text(0.02, 0.98, "", transform=ax.transAxes, ha="left", va="top",
                              fontsize=8, zorder=7, in_layout=False,
                              bbox={"boxstyle": "round", "fc": "white", "alpha": 0.85})


class CentNNView(_NeuronsMixin, PointsView):
    """One epoch per frame: clusters, changed samples, the split and the newborn neuron."""

    def setup(self):
        self.make_data_panel(self.figure.subplots())

    def make_data_panel(self, ax):
        self.ax = ax
        self.data_axes(ax)
        xy = self.project(self.X)
        self.points = ax.scatter(xy[:, 0], xy[:, 1], s=8, linewidths=0,
                                 c=label_colors(None, len(xy)))
        self.changed = ax.scatter([], [], s=14, facecolors="none", edgecolors=(0, 0, 0, 0.55),
                                  linewidths=0.4, zorder=2)
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
        # The frame right after a split shows the newborn neuron ringed.
        self.born_after = {}
        for previous, snapshot in zip(self.history, self.history[1:]):
            if previous.event == "split" and snapshot.iteration == previous.iteration + 1:
                self.born_after[id(snapshot)] = len(snapshot.centers) - 1

    def draw(self, snapshot, frame):
        self.points.set_facecolor(label_colors(snapshot.labels, len(self.X)))
        W = self.project(snapshot.centers)
        self.centers.set_offsets(W)
        self.draw_numbers(W)
        # Epoch 0 relabels every sample: outline only the changes of later epochs.
        changed = np.asarray(snapshot.changed) if snapshot.iteration > 0 else np.array([], int)
        self.changed.set_offsets(self.project(self.X[changed]).reshape(-1, 2))

        ring, birth, jump = np.empty((0, 2)), np.empty((0, 2)), []
        newborn = self.born_after.get(id(snapshot))
        note = ""
        if snapshot.event == "split":
            ring = W[[snapshot.split_index]]
            birth = self.project(snapshot.new_weight)
            note = f"\nsplit neuron {snapshot.split_index} (star: new neuron)"
        elif snapshot.event == "repair":
            ring = W[[snapshot.repaired_index]]
            birth = self.project(snapshot.new_weight)
            jump = [np.vstack([ring[0], birth[0]])]
            note = f"\nrepair: dead neuron {snapshot.repaired_index} jumps (star)"
        elif newborn is not None:
            ring = W[[newborn]]
            note = f"\nneuron {newborn} just born"
        elif snapshot.event == "stop":
            note = "\nstop"
        self.ring.set_offsets(ring)
        self.birth.set_offsets(birth)
        self.jump.set_segments(jump)
        self.status.set_text(f"epoch {snapshot.iteration}   k = {snapshot.n_neurons}\n"
                             f"changes {snapshot.n_changes}   J = {snapshot.inertia:.1f}{note}")


class CentNNProgressView(CentNNView):
    """:class:`CentNNView` plus the changes per epoch, splits marked, and a cursor.

    Two panels cost about twice the drawing time of one, so this view is
    chosen explicitly: ``tc.scrub(model, X, view=CentNNProgressView)``.
    """

    figsize = (9.0, 4.2)

    def setup(self):
        left, right = self.figure.subplots(1, 2, width_ratios=[1.25, 1])
        self.make_data_panel(left)
        self.curve_ax = right
        # The run's whole curve, drawn once; only the cursor moves.
        epochs = np.array([s.iteration for s in self.history])
        changes = np.array([s.n_changes for s in self.history], dtype=float)
        right.plot(epochs, np.where(changes > 0, changes, np.nan), "o-", ms=2.5, lw=1, color="0.3")
        zero = changes == 0
        right.plot(epochs[zero], np.full(zero.sum(), 0.5), "v", ms=4, color="0.3",
                   label="no change (drawn at 0.5)")
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
        right.legend(loc="upper right", fontsize=7, frameon=False)
        right.set_xlabel("epoch")
        right.set_ylabel("samples that changed neuron")
        right.set_title("changes per epoch (dashed: split)", fontsize=9)
        self.cursor = right.axvline(0, color="black", lw=1.5)
        self.dot = right.scatter([], [], s=40, c="black", zorder=3)

    def draw(self, snapshot, frame):
        super().draw(snapshot, frame)
        self.cursor.set_xdata([snapshot.iteration, snapshot.iteration])
        self.dot.set_offsets([[snapshot.iteration, max(snapshot.n_changes, 0.5)]])


class CentNNSampleView(_NeuronsMixin, PointsView):
    """One update per frame: the sample, the winner's pull and the loser's push."""

    figsize = (5.6, 4.6)

    def setup(self):
        super().setup()
        self.points.set_sizes([30])
        self.current = self.ax.scatter([], [], s=230, facecolors="none", edgecolors="black",
                                       linewidths=2, zorder=5)
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
        super().draw(snapshot, frame)
        W = self.project(snapshot.centers)
        self.draw_numbers(W)
        winner = getattr(snapshot, "winner", None)
        if winner is None:  # an epoch snapshot (one neuron, or the end at max_epochs)
            self.current.set_offsets(np.empty((0, 2)))
            self.guides.set_segments([])
            self.moves.set_UVC(np.ma.masked_all(2), np.ma.masked_all(2))
            self.status.set_text(f"epoch {snapshot.iteration}   k = {len(W)}")
            return
        x = self.project(self.X[snapshot.sample])
        self.current.set_offsets(x)
        starts = np.zeros((2, 2))
        ends = np.zeros((2, 2))
        starts[0] = self.project(snapshot.winner_before)[0]
        ends[0] = W[winner]
        text = (f"epoch {snapshot.iteration}, sample {snapshot.sample}\n"
                f"winner {winner}: pulled by 1/{snapshot.counts[winner]}")
        guides = [np.vstack([starts[0], x[0]])]
        if snapshot.loser >= 0:
            starts[1] = self.project(snapshot.loser_before)[0]
            ends[1] = W[snapshot.loser]
            guides.append(np.vstack([starts[1], x[0]]))
            text += f"\nloser {snapshot.loser}: pushed by 1/{snapshot.counts[snapshot.loser]}"
        self.guides.set_segments(guides)
        self.moves.set_offsets(starts)
        # Masked arrows are not drawn: epoch 0 has no loser.
        delta = np.ma.masked_array(ends - starts, mask=np.zeros((2, 2), bool))
        if snapshot.loser < 0:
            delta[1] = np.ma.masked
        self.moves.set_UVC(delta[:, 0], delta[:, 1])
        self.status.set_text(text)
