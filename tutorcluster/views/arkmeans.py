"""The pictures of ARK-means, RK-means and k'-means.

:class:`RepulsionView` (ARK-means and RK-means) has two panels:

* **left**: the points coloured by the assignment of this iteration (to the
  pushed positions of the *previous* frame, Eq. 9: the picture says so),
  each centroid (black X), an arrow from each centroid along its push D
  (scaled so that it can be seen; the factor is written in the corner and
  in the legend), a hollow circle at the arrow's tip, mu + f D, so that the
  pushed marker never hides under its centroid, the path each centroid has
  travelled so far, and a red X where a centroid was deleted in this
  iteration (grey X for earlier deletions);
* **right**: the number of clusters K and the SSE per iteration, with the
  current iteration marked.

:class:`KPrimeView` (k'-means) draws the points, the centres sized by their
share p_j, and the deletions.
"""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator

from ..arkmeans import centroid_paths
from .base import PointsView, View, label_colors, points_scatter


def nice_factor(value):
    """The largest of 1, 2, 5 x 10^n that is at most ``value`` (1 if value <= 0)."""
    if not np.isfinite(value) or value <= 0:
        return 1.0
    exponent = np.floor(np.log10(value))
    for mantissa in (5.0, 2.0, 1.0):
        if mantissa * 10.0**exponent <= value:
            return float(mantissa * 10.0**exponent)
    return float(10.0**exponent)  # pragma: no cover (mantissa 1 always fits)


def _deletions_by_frame(history):
    """For each frame, the positions deleted in it and in all earlier frames."""
    now, before, seen = [], [], []
    for snapshot in history:
        gone = snapshot.previous_centers[snapshot.deleted].reshape(-1, snapshot.centers.shape[1])
        before.append(np.vstack(seen) if seen else np.empty((0, gone.shape[1])))
        now.append(gone)
        seen.append(gone)
    return now, before


class _DeletionsMixin:
    """Red X for this frame's deleted centroids, grey X for earlier ones."""

    def _setup_deletions(self, ax):
        self.deleted_now_xy, self.deleted_before_xy = _deletions_by_frame(self.history)
        self.gone_before = ax.scatter([], [], s=45, marker="x", c="0.55", linewidths=1.2, zorder=3)
        self.gone_now = ax.scatter([], [], s=110, marker="x", c="red", linewidths=2.2, zorder=6,
                                   label="deleted now")

    def _draw_deletions(self, frame):
        now, before = self.deleted_now_xy[frame], self.deleted_before_xy[frame]
        self.gone_now.set_offsets(self.project(now).reshape(-1, 2))
        self.gone_before.set_offsets(self.project(before).reshape(-1, 2))


class RepulsionView(_DeletionsMixin, View):
    """Points, centroids, scaled push arrows, pushed positions, paths, K and SSE.

    After ``setup`` the attribute ``arrow_scale`` holds the factor the
    arrows are multiplied by (a 1-2-5 number, at least 1, chosen so that a
    typical push is about a tenth of the picture wide); the notebook prints it.
    """

    figsize = (8.0, 3.9)

    def setup(self):
        self.ax, self.ax_k = self.figure.subplots(1, 2, width_ratios=[3, 2])
        self._limits()
        xy = self.project(self.X)
        self.points = points_scatter(self.ax, xy, s=12, linewidths=0,
                                     c=label_colors(None, len(xy)))
        self.n_max = max(len(s.previous_centers) for s in self.history)

        # Paths travelled so far: one polyline per initial centroid.
        try:
            paths, _ = centroid_paths(self.history)
            self.paths = [self.project(p) for p in paths]
        except ValueError:  # a thinned history (record_every > 1) cannot be followed
            self.paths = None
        self.trails = LineCollection([], colors="0.25", linewidths=0.8, alpha=0.6, zorder=2)
        self.ax.add_collection(self.trails)

        self._setup_deletions(self.ax)
        self.arrow_scale = self._arrow_scale()
        zeros = np.zeros(self.n_max)
        self.arrows = self.ax.quiver(zeros, zeros, zeros, zeros, angles="xy", scale_units="xy",
                                     scale=1, width=0.005, minlength=0, color="black", zorder=5)
        # The hollow circle sits at the arrow's tip: at the true pushed
        # position when the arrows have their true length, and never under
        # the centroid's X when they are drawn longer.
        f = self.arrow_scale
        pushed_label = "pushed $\\mu+D$" if f == 1 else f"pushed, drawn at $\\mu+{f:g}D$"
        self.pushed = self.ax.scatter([], [], s=60, facecolors="none", edgecolors="black",
                                      linewidths=1.0, zorder=7, label=pushed_label)
        self.centers = self.ax.scatter([], [], s=150, marker="X", c="black", edgecolors="white",
                                       linewidths=1.4, zorder=6, label="centroid $\\mu$")
        # The note and the legend sit under the panel, not over the points:
        # there they never change, so the player keeps them in its cached
        # background instead of drawing their text again every frame.
        self.ax.text(0.0, -0.16, f"arrows $D$ drawn \u00d7{f:g}\ncolours: nearest pushed "
                     f"position\nof the previous frame (Eq. 9)",
                     transform=self.ax.transAxes, fontsize=7, va="top",
                     bbox=dict(boxstyle="round", fc="white", ec="0.7"))
        # Clipped to the panel (which it lies inside), so the player knows it
        # never paints over the note and the legend.
        self.k_text = self.ax.text(0.98, 0.98, "", transform=self.ax.transAxes, fontsize=10,
                                   ha="right", va="top", clip_on=True,
                                   bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.85))
        self.ax.legend(loc="upper right", bbox_to_anchor=(1.0, -0.16), fontsize=7, frameon=False)
        self._setup_curves()

    def _limits(self):
        """Fix the limits to the data, with room for centroids that stay near it.

        A light RK-means centroid can be thrown far outside the data before it
        is deleted; following it would shrink the data to a dot, so the
        limits reach at most half a data-width beyond the data.
        """
        xy = self.project(self.X)
        low, high = xy.min(axis=0), xy.max(axis=0)
        span = np.maximum(high - low, 1e-9)
        centres = np.vstack([self.project(s.centers) for s in self.history]
                            + [self.project(self.history[0].previous_centers)])
        low = np.maximum(np.minimum(low, centres.min(axis=0)), low - 0.5 * span)
        high = np.minimum(np.maximum(high, centres.max(axis=0)), high + 0.5 * span)
        pad = 0.05 * (high - low) + 1e-9
        self.ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        self.ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
        self.ax.set_xlabel(self.project.axis_labels[0])
        self.ax.set_ylabel(self.project.axis_labels[1])
        if self.title:
            self.ax.set_title(self.title)
        self.span = float(max(high - low))

    def _arrow_scale(self):
        """A 1-2-5 factor making the typical (80th percentile) push ~10 % of the picture.

        Arrows are only ever lengthened (factor >= 1), so an arrow never stops
        short of its pushed position when the pushes are already visible.
        """
        lengths = np.concatenate([
            np.linalg.norm(self.project(s.centers + s.repulsion) - self.project(s.centers), axis=1)
            for s in self.history])
        lengths = lengths[lengths > 0]
        if lengths.size == 0:
            return 1.0
        return max(1.0, nice_factor(0.1 * self.span / np.percentile(lengths, 80)))

    def _setup_curves(self):
        ax = self.ax_k
        iterations = np.array([s.iteration for s in self.history])
        K = np.array([s.n_clusters for s in self.history])
        S = np.array([s.sse_pushed for s in self.history])
        # K starts at iteration 0 with the initial number of centroids.
        k_start = len(self.history[0].previous_centers)
        ax.step(np.r_[iterations[0] - 1, iterations], np.r_[k_start, K], where="post",
                color="C0", lw=1.8)
        ax.set_xlabel("iteration")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("K (clusters left)", color="C0")
        ax.set_ylim(0, max(K.max(), k_start) * 1.08 + 0.5)
        ax.set_xlim(iterations.min() - 1.3, iterations.max() + 0.5)
        self.ax_s = ax.twinx()
        self.ax_s.plot(iterations, S, "o-", color="C3", ms=3, lw=1.2)
        self.ax_s.set_ylabel("SSE $S_t$ at assignment", color="C3")
        if S.max() > 0 and S.min() > 0 and S.max() / S.min() > 20:
            self.ax_s.set_yscale("log")
        # The moving marks live on the twin axes, drawn on top (the K dot in
        # K's units): the K axis, its curve and the title stay in the
        # player's cached background.
        self.now = self.ax_s.axvline(iterations[0], color="0.4", ls=":", lw=1)
        self.k_dot, = self.ax_s.plot([], [], "o", color="C0", ms=7, transform=ax.transData)
        self.s_dot, = self.ax_s.plot([], [], "o", color="C3", ms=7)
        ax.set_title("K and $S_t$ per iteration", fontsize=10)

    def draw(self, snapshot, frame):
        self.points.set_facecolor(label_colors(snapshot.labels, len(self.X)))
        mu = self.project(snapshot.centers)
        push = self.project(snapshot.centers + snapshot.repulsion) - mu
        offsets = np.zeros((self.n_max, 2))
        uv = np.zeros((self.n_max, 2))
        offsets[: len(mu)] = mu
        offsets[len(mu):] = mu[0] if len(mu) else 0.0
        uv[: len(mu)] = self.arrow_scale * push
        self.arrows.set_offsets(offsets)
        self.arrows.set_UVC(uv[:, 0], uv[:, 1])
        self.pushed.set_offsets(mu + self.arrow_scale * push)
        self.centers.set_offsets(mu)
        self._draw_deletions(frame)
        if self.paths is not None:
            self.trails.set_segments([p[: frame + 2] for p in self.paths if len(p) > 1])
        self.k_text.set_text(f"iteration {snapshot.iteration}: K = {snapshot.n_clusters}")
        self.now.set_xdata([snapshot.iteration, snapshot.iteration])
        self.k_dot.set_data([snapshot.iteration], [snapshot.n_clusters])
        self.s_dot.set_data([snapshot.iteration], [snapshot.sse_pushed])


class KPrimeView(_DeletionsMixin, PointsView):
    """k'-means: points, centres sized by their share p_j, deletions and the phase."""

    def setup(self):
        super().setup()
        self._setup_deletions(self.ax)
        self.phase_text = self.ax.text(0.98, 0.98, "", transform=self.ax.transAxes, ha="right",
                                       va="top", fontsize=10,
                                       bbox=dict(boxstyle="round", fc="white", ec="0.7", alpha=0.85))

    def draw(self, snapshot, frame):
        super().draw(snapshot, frame)
        self.centers.set_sizes(40 + 400 * np.asarray(snapshot.proportions))
        self._draw_deletions(frame)
        self.phase_text.set_text(f"phase {snapshot.phase}: K = {snapshot.n_clusters}")
