"""The pictures of subtractive, weighted mean subtractive and mountain clustering.

:class:`SubtractiveView` draws one candidate per frame in two panels:

* **the map**: for 2-D data, the mountain landscape the candidate was
  picked from (carved around every centre accepted before it) as an image,
  with the data points coloured by their potential; the candidate (red
  star, the highest point), its ``r_a``
  neighbourhood (ellipse, and the averaged points ringed), the centre it
  proposes (white circle; for WMSC the weighted mean, joined to the
  candidate by an arrow), the carving radius ``r_b`` when it is accepted,
  the distance to the nearest centre when the decision fell in the grey
  zone, and the decision with its reason. For more than two features the
  points are drawn through the fixed PCA projection, without the landscape;
* **the decisions**: the ratio ``rho`` of every candidate so far against
  its number, with the accept and reject thresholds, the grey zone between
  them, and ``rho + d_min / r_a`` for the grey-zone candidates (accepted
  when it reaches 1).

:class:`LandscapeView` is the map alone, to put SC and WMSC side by side.
:class:`FuzzyCMeansView` draws fuzzy c-means: colours fade with fuzziness and
each centre leaves a trail.
"""

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize, to_rgba
from matplotlib.patches import Ellipse

from ..subtractive import potentials
from .base import PointsView, View, label_colors

DECISION_COLORS = {"accept": "#2ca02c", "reject": "#ff7f0e", "stop": "#d62728"}
CMAP = "viridis"


class SubtractiveView(View):
    """The landscape map and the decision plot (see the module docstring)."""

    figsize = (9.4, 4.4)
    #: Draw the decision plot beside the map.
    show_ratios = True
    #: Resolution of the drawn landscape (nodes per axis over the unit square).
    landscape_points = 101

    def setup(self):
        first = self.history[0]
        self.grid_mode = first.candidate_set == "grid"
        self.two_d = self.X.shape[1] == 2
        low, high = first.bounds
        self.low, self.span = low, high - low
        self.X_unit = np.clip((self.X - low) / self.span, 0.0, 1.0)
        self.beta = 4.0 / first.rb**2
        top = max(float(s.potential_before.max()) for s in self.history)
        self.norm = Normalize(0.0, top)

        if self.show_ratios:
            self.map, self.ratios = self.figure.subplots(1, 2, width_ratios=[1.5, 1])
        else:
            self.map = self.figure.subplots()
        self.data_axes(self.map)
        self._setup_map(first)
        if self.show_ratios:
            self._setup_ratios(first)

    # -- the map ----------------------------------------------------------------

    def _setup_map(self, first):
        ax = self.map
        xy = self.project(self.X)
        self.image = None
        if self.two_d:
            extent = (self.low[0], self.low[0] + self.span[0], self.low[1], self.low[1] + self.span[1])
            if self.grid_mode:
                self.g = int(round(len(first.potential_before) ** 0.5))
                blank = np.zeros((self.g, self.g))
            else:
                # The uncarved landscape P0(y) on a fine grid, computed once;
                # each frame subtracts the carving of its centres (cheap).
                n = self.landscape_points
                axis = np.linspace(0.0, 1.0, n)
                gx, gy = np.meshgrid(axis, axis)  # rows are y, columns x (imshow's order)
                self.nodes = np.column_stack([gx.ravel(), gy.ravel()])
                self.land0 = potentials(self.nodes, self.X_unit, first.ra)
                blank = np.zeros((n, n))
            self.image = ax.imshow(blank, origin="lower", extent=extent, cmap=CMAP, norm=self.norm,
                                   aspect="auto", interpolation="bilinear", alpha=0.85, zorder=0)
        if self.grid_mode:
            self.points = ax.scatter(xy[:, 0], xy[:, 1], s=9, c=label_colors(None, len(xy)),
                                     edgecolors="black", linewidths=0.3, zorder=2)
        else:
            self.points = ax.scatter(xy[:, 0], xy[:, 1], s=14, c=np.zeros(len(xy)), cmap=CMAP,
                                     norm=self.norm, edgecolors="white", linewidths=0.4, zorder=2)
        self.figure.colorbar(ScalarMappable(self.norm, CMAP), ax=ax, shrink=0.8, pad=0.02,
                             label="potential")
        self.neighbours = ax.scatter([], [], s=34, facecolors="none", edgecolors="black",
                                     linewidths=0.7, zorder=3)
        self.ra_circle = Ellipse((0, 0), 0, 0, fill=False, edgecolor="red", linewidth=1.2,
                                 linestyle="-", zorder=4, visible=False)
        self.rb_circle = Ellipse((0, 0), 0, 0, fill=False, edgecolor="white", linewidth=1.2,
                                 linestyle="--", zorder=4, visible=False)
        ax.add_patch(self.ra_circle)
        ax.add_patch(self.rb_circle)
        (self.shift,) = ax.plot([], [], color="black", linewidth=1.4, zorder=5)
        (self.gap,) = ax.plot([], [], color=DECISION_COLORS["reject"], linewidth=1.5,
                              linestyle=":", zorder=5)
        self.centres = ax.scatter([], [], s=150, marker="X", c="black", edgecolors="white",
                                  linewidths=1.5, zorder=6, label="accepted centres")
        self.candidate = ax.scatter([], [], s=220, marker="*", c="red", edgecolors="black",
                                    linewidths=0.8, zorder=7, label="candidate")
        self.centre = ax.scatter([], [], s=80, marker="o", c="white", edgecolors="black",
                                 linewidths=1.5, zorder=8,
                                 label=self._centre_label())
        self.badge = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", ha="left",
                             fontsize=9, zorder=9,
                             bbox=dict(boxstyle="round,pad=0.3", facecolor="white", alpha=0.9))
        ax.legend(loc="lower right", fontsize=7, framealpha=0.85)

    def _centre_label(self):
        if self.grid_mode:
            return "centre (the grid node)"
        if any(len(s.neighbourhood) > 1 for s in self.history):
            return "weighted-mean centre"
        return "centre (the candidate)"

    def _landscape(self, snapshot):
        """The landscape the candidate was picked from, shaped for imshow."""
        if self.grid_mode:
            # Grid nodes are in "ij" order (x first); imshow wants rows = y.
            return snapshot.potential_before.reshape(self.g, self.g).T
        carved = self.land0.copy()
        before = snapshot.n_centres_before
        for centre, height in zip(snapshot.centres_norm[:before], snapshot.centre_heights[:before]):
            carved -= height * np.exp(-self.beta * ((self.nodes - centre) ** 2).sum(axis=1))
        n = self.landscape_points
        return np.maximum(carved, 0.0).reshape(n, n)

    def _draw_map(self, s):
        if self.image is not None:
            self.image.set_data(self._landscape(s))
        if self.grid_mode:
            self.points.set_facecolor(label_colors(s.labels, len(self.X)))
            neighbours = np.empty((0, 2))
        else:
            self.points.set_array(s.potential_before)
            neighbours = self.project(self.X[s.neighbourhood]) if len(s.neighbourhood) > 1 else np.empty((0, 2))
        self.neighbours.set_offsets(neighbours)
        self.centres.set_offsets(self.project(s.centers).reshape(-1, 2))
        cand = self.project(s.candidate_original)[0]
        centre = self.project(s.centre_original)[0]
        self.candidate.set_offsets([cand])
        self.centre.set_offsets([centre])
        self.shift.set_data([cand[0], centre[0]], [cand[1], centre[1]])

        if self.two_d:
            self.ra_circle.set_center(cand)
            self.ra_circle.set_width(2 * s.ra * self.span[0])
            self.ra_circle.set_height(2 * s.ra * self.span[1])
            self.ra_circle.set_visible(True)
            accepted = s.decision == "accept"
            self.rb_circle.set_center(centre)
            self.rb_circle.set_width(2 * s.rb * self.span[0])
            self.rb_circle.set_height(2 * s.rb * self.span[1])
            self.rb_circle.set_visible(accepted)

        if s.d_min_over_ra is not None and s.n_centres_before:
            previous = s.centres_norm[:s.n_centres_before]
            nearest = previous[np.argmin(((previous - s.centre) ** 2).sum(axis=1))]
            end = self.project(nearest * self.span + self.low)[0]
            self.gap.set_data([centre[0], end[0]], [centre[1], end[1]])
        else:
            self.gap.set_data([], [])

        text = f"{s.decision.upper()}  rho = {s.ratio:.2f}"
        if s.d_min_over_ra is not None:
            text += f", d/ra = {s.d_min_over_ra:.2f}"
        text += f"\n({s.reason})"
        self.badge.set_text(text)
        self.badge.get_bbox_patch().set_edgecolor(DECISION_COLORS[s.decision])
        self.badge.set_color(DECISION_COLORS[s.decision])

    # -- the decision plot -------------------------------------------------------

    def _setup_ratios(self, first):
        ax = self.ratios
        steps = np.array([s.iteration for s in self.history])
        self.steps = steps
        self.rhos = np.array([s.ratio for s in self.history])
        self.grey = np.array([np.nan if s.d_min_over_ra is None else min(s.ratio + s.d_min_over_ra, 1.27)
                              for s in self.history])
        self.colors = np.array([to_rgba(DECISION_COLORS[s.decision]) for s in self.history])
        self.frame_of = {id(s): n for n, s in enumerate(self.history)}
        ax.axhspan(first.reject_ratio, first.accept_ratio, color="0.9", zorder=0)
        ax.axhline(first.accept_ratio, color=DECISION_COLORS["accept"], linewidth=1)
        ax.axhline(first.reject_ratio, color=DECISION_COLORS["stop"], linewidth=1)
        ax.axhline(1.0, color="0.5", linewidth=0.8, linestyle="--")
        ax.text(1.0, first.accept_ratio, " accept", color=DECISION_COLORS["accept"], fontsize=8,
                va="bottom", ha="left", transform=ax.get_yaxis_transform())
        ax.text(1.0, first.reject_ratio, " reject", color=DECISION_COLORS["stop"], fontsize=8,
                va="top", ha="left", transform=ax.get_yaxis_transform())
        ax.text(0.02, (first.reject_ratio + first.accept_ratio) / 2, "grey zone", fontsize=8,
                color="0.4", va="center", transform=ax.get_yaxis_transform())
        ax.set_xlim(0.3, steps.max() + 0.7)
        ax.set_ylim(0.0, 1.3)
        ax.set_xlabel("candidate")
        ax.set_ylabel(r"$\rho = P^*_k / P_{ref}$")
        self.rho_dots = ax.scatter([], [], s=24, zorder=3, label=r"$\rho$")
        self.grey_dots = ax.scatter([], [], s=24, marker="^", facecolors="none",
                                    edgecolors="0.3", zorder=3, label=r"$\rho + d_{min}/r_a$")
        self.current = ax.scatter([], [], s=140, facecolors="none", edgecolors="black",
                                  linewidths=1.5, zorder=4)
        ax.legend(loc="upper right", fontsize=7)

    def _draw_ratios(self, s):
        n = self.frame_of[id(s)] + 1
        self.rho_dots.set_offsets(np.column_stack([self.steps[:n], self.rhos[:n]]))
        self.rho_dots.set_facecolor(self.colors[:n])
        has_grey = ~np.isnan(self.grey[:n])
        self.grey_dots.set_offsets(np.column_stack([self.steps[:n][has_grey], self.grey[:n][has_grey]]))
        self.current.set_offsets([[s.iteration, s.ratio]])

    def draw(self, snapshot, frame):
        self._draw_map(snapshot)
        if self.show_ratios:
            self._draw_ratios(snapshot)


class LandscapeView(SubtractiveView):
    """The map of :class:`SubtractiveView` alone (for side-by-side players)."""

    figsize = (5.6, 4.4)
    show_ratios = False


class FuzzyCMeansView(PointsView):
    """Fuzzy c-means: colours fade with fuzziness, centres leave a trail.

    A point's colour is its most likely cluster's, mixed with white as its
    largest membership falls towards ``1/c`` (completely undecided).
    """

    def setup(self):
        super().setup()
        self.frame_of = {id(s): n for n, s in enumerate(self.history)}
        self.paths = np.stack([self.project(s.centers) for s in self.history], axis=1)  # (c, T, 2)
        self.trails = LineCollection([], colors="black", linewidths=1.0, zorder=2.5)
        self.ax.add_collection(self.trails)

    def draw(self, snapshot, frame):
        super().draw(snapshot, frame)
        u = snapshot.memberships
        c = u.shape[1]
        sure = (u.max(axis=1) - 1.0 / c) / (1.0 - 1.0 / c) if c > 1 else np.ones(len(u))
        colors = label_colors(snapshot.labels, len(u))
        colors[:, :3] = 1.0 - sure[:, None] * (1.0 - colors[:, :3])
        self.points.set_facecolor(colors)
        n = self.frame_of[id(snapshot)] + 1
        self.trails.set_segments(list(self.paths[:, :n]))
