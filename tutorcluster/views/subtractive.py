"""The pictures of subtractive, weighted mean subtractive and mountain clustering.

:class:`SubtractiveView` draws one candidate per frame in two panels:

* **the map**: for 2-D data, the mountain landscape the candidate was
  picked from (carved around every centre accepted before it) as an image,
  with the data points coloured by their potential (in ``POINT_SHADES``
  shades of the colour map); the candidate (red star, the highest point),
  its ``r_a`` neighbourhood (ellipse, and the averaged points ringed), the centre it
  proposes (white circle; for WMSC the weighted mean, joined to the
  candidate by an arrow), the carving radius ``r_b`` when it is accepted,
  the distance to the nearest centre when the decision fell in the grey
  zone, and the decision with the test that made it (``rho > accept``,
  ``rho <= reject`` or, in the grey zone, ``rho + d/ra >= 1``; the caption
  says it in full). The ringed points of a WMSC neighbourhood are drawn
  larger the more weight Eq. 4 gives them (in ``RING_SIZES`` steps); the
  candidate's star sits on top of its centre, and an arrow runs from the
  candidate to the weighted mean. For more than two features the
  points are drawn through the fixed PCA projection, without the landscape;
* **the decisions**: the ratio ``rho`` of every candidate so far against
  its number, with the accept and reject thresholds, the grey zone between
  them, and ``rho + d_min / r_a`` for the grey-zone candidates (accepted
  when it reaches 1).

:class:`LandscapeView` is the map alone, to put SC and WMSC side by side.
:class:`CarvingView` puts the landscape before and after each step side by
side, so an accepted centre's carve (Eqs. 3 and 5) is seen as it happens.
:class:`FuzzyCMeansView` draws fuzzy c-means: colours fade with fuzziness and
each centre leaves a trail.
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap, Normalize, to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse

from ..distances import nearest
from ..subtractive import kernel_squared_distances, potentials
from .base import PointsView, View, label_colors, points_scatter, smooth_image

DECISION_COLORS = {"accept": "#2ca02c", "reject": "#ff7f0e", "stop": "#d62728"}
CMAP = "viridis"
#: Shades of CMAP the points are drawn in (the landscape and colour bar use all 256).
POINT_SHADES = 32
#: Sizes a WMSC neighbour's ring can take (its Eq. 4 weight rounded to a step).
RING_SIZES = 8


def badge_text(s):
    """The map's one-line verdict on candidate ``s``: the decision and the test that made it.

    Kept short, as it is redrawn on every frame (the caption says it in full).
    """
    decision = s.decision.upper()
    if s.reason == "ratio>accept":
        return f"{decision}  \u03c1 = {s.ratio:.2f} > {s.accept_ratio:g}"
    if s.reason == "ratio<=reject":
        return f"{decision}  \u03c1 = {s.ratio:.2f} \u2264 {s.reject_ratio:g}"
    if s.reason == "max_centers":
        return f"{decision}  max_centers reached"
    sign = "\u2265" if s.decision == "accept" else "<"
    return f"{decision}  \u03c1 + d/ra = {s.ratio + s.d_min_over_ra:.2f} {sign} 1"


def faded(cmap, amount=0.85):
    """``cmap`` mixed with white: how it looks drawn with ``alpha=amount`` on a white axes.

    The landscape image is drawn opaque in these colours rather than
    translucent, so a blitted frame is the same picture as a full draw (a
    translucent image blitted onto the saved background is composited
    differently by matplotlib 3.10, by up to 33 of 255 levels).
    """
    colours = colormaps[cmap](np.linspace(0.0, 1.0, 256))
    colours[:, :3] = amount * colours[:, :3] + (1.0 - amount)
    return ListedColormap(colours, name=f"{cmap}_faded")


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
        self.sigma = first.sigma
        top = max(float(s.landscape.carved.max()) for s in self.history)
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
                self.land0 = potentials(self.nodes, self.X_unit, first.ra, sigma=self.sigma)
                blank = np.zeros((n, n))
            # Bilinear, as imshow would draw it, but faster (see SmoothImage).
            self.image = smooth_image(ax, blank, extent=extent, cmap=faded(CMAP), norm=self.norm,
                                      zorder=0)
        if self.grid_mode:
            self.points = points_scatter(ax, xy, s=9, c=label_colors(None, len(xy)),
                                         edgecolors="black", linewidths=0.3, zorder=2)
        else:
            # 32 shades of the colour map, not 256: the points then fall in at most
            # 32 colour groups, which GroupedPoints stamps quickly.
            self.points = points_scatter(ax, xy, s=14, c=np.zeros(len(xy)),
                                         cmap=colormaps[CMAP].resampled(POINT_SHADES),
                                         norm=self.norm, edgecolors="white", linewidths=0.4,
                                         zorder=2)
        self.figure.colorbar(ScalarMappable(self.norm, CMAP), ax=ax, shrink=0.8, pad=0.02,
                             label="potential")
        # Eq. 4's weights: a ringed neighbour's size grows with its weight, in
        # RING_SIZES steps (a few sizes: GroupedPoints stamps each size at once).
        self.neighbours = points_scatter(ax, np.empty((0, 2)), s=34, c=[(0.0, 0.0, 0.0, 0.0)],
                                         edgecolors="black", linewidths=0.8, zorder=3,
                                         label="Eq. 4 weight (ring size)")
        self.ra_circle = Ellipse((0, 0), 0, 0, fill=False, edgecolor="red", linewidth=1.2,
                                 linestyle="-", zorder=4, visible=False)
        self.rb_circle = Ellipse((0, 0), 0, 0, fill=False, edgecolor="white", linewidth=1.2,
                                 linestyle="--", zorder=4, visible=False)
        ax.add_patch(self.ra_circle)
        ax.add_patch(self.rb_circle)
        # The moving artists are clipped to the axes (they lie inside them), so
        # the player knows they never paint over the legend under the axes.
        self.shift = ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=5, annotation_clip=False,
                                 clip_on=True,
                                 arrowprops=dict(arrowstyle="-|>", color="black", linewidth=1.4,
                                                 mutation_scale=12, shrinkA=0, shrinkB=4))
        (self.gap,) = ax.plot([], [], color=DECISION_COLORS["reject"], linewidth=1.5,
                              linestyle=":", zorder=5)
        self.centres = ax.scatter([], [], s=150, marker="X", c="black", edgecolors="white",
                                  linewidths=1.5, zorder=6, label="accepted centres")
        # The centre's circle is drawn under the candidate's star, larger, so
        # the star stays visible when the two coincide (SC).
        self.centre = ax.scatter([], [], s=170, marker="o", c="white", edgecolors="black",
                                 linewidths=1.5, zorder=7,
                                 label=self._centre_label())
        self.candidate = ax.scatter([], [], s=150, marker="*", c="red", edgecolors="black",
                                    linewidths=0.6, zorder=8, label="candidate")
        self.badge = ax.text(0.02, 0.98, "", transform=ax.transAxes, va="top", ha="left",
                             fontsize=9, zorder=9, clip_on=True,
                             bbox=dict(boxstyle="round,pad=0.3", facecolor="white", alpha=0.9))
        # Under the map, not over it: there it never changes, and the player
        # keeps it in its cached background instead of drawing it every frame.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7,
                  frameon=False)

    def _centre_label(self):
        if self.grid_mode:
            return "centre (the grid node)"
        if any(len(s.weights) > 1 for s in self.history):
            return "weighted-mean centre"
        return "centre (the candidate)"

    #: Which landscape the map shows: the one the candidate was picked from
    #: ("before") or the one this step leaves ("after", carved around an
    #: accepted centre).
    when = "before"

    def _potentials(self, s):
        return s.potential_before if self.when == "before" else s.potential_after

    def _landscape(self, s):
        """The landscape before or after this step, shaped for imshow."""
        if self.grid_mode:
            # Grid nodes are in "ij" order (x first); imshow wants rows = y.
            return self._potentials(s).reshape(self.g, self.g).T
        carved = self.land0.copy()
        count = s.n_centers_before if self.when == "before" else len(s.center_heights)
        for centre, height in zip(s.centers_norm[:count], s.center_heights[:count]):
            d2 = ((self.nodes - centre) ** 2).sum(axis=1)
            if self.sigma is not None:
                d2 = kernel_squared_distances(d2, self.sigma)
            carved -= height * np.exp(-self.beta * d2)
        n = self.landscape_points
        return np.maximum(carved, 0.0).reshape(n, n)

    def _draw_map(self, s):
        if self.image is not None:
            self.image.set_data(self._landscape(s))
        if self.grid_mode:
            # The candidate loop assigns no labels: colour each point by its
            # nearest accepted centre so far.
            labels = nearest(self.X_unit, s.centers_norm)[0] if len(s.centers_norm) else None
            self.points.set_facecolor(label_colors(labels, len(self.X)))
        else:
            self.points.set_array(self._potentials(s))
        if len(s.weights) > 1:
            self.neighbours.set_offsets(self.project(self.X[s.neighbourhood]))
            steps = np.round(RING_SIZES * s.weights / s.weights.max()) / RING_SIZES
            self.neighbours.set_sizes(12 + 160 * steps)
        else:
            self.neighbours.set_offsets(np.empty((0, 2)))
        self.centres.set_offsets(self.project(s.centers).reshape(-1, 2))
        cand = self.project(s.candidate_original)[0]
        centre = self.project(s.center_original)[0]
        self.candidate.set_offsets([cand])
        self.centre.set_offsets([centre])
        moved = not np.allclose(cand, centre)
        self.shift.set_visible(moved)
        if moved:
            self.shift.xy = centre
            self.shift.set_position(cand)

        if self.two_d:
            self.ra_circle.set_center(cand)
            self.ra_circle.set_width(2 * s.ra * self.span[0])
            self.ra_circle.set_height(2 * s.ra * self.span[1])
            self.ra_circle.set_visible(True)
            accepted = s.decision == "accept"
            self.rb_circle.set_center(centre)
            # (KSC's carving radius is measured in the kernel's feature space;
            # the circle shows it in the data space to second order.)
            self.rb_circle.set_width(2 * s.rb * self.span[0])
            self.rb_circle.set_height(2 * s.rb * self.span[1])
            self.rb_circle.set_visible(accepted)

        if s.d_min_over_ra is not None and s.n_centers_before:
            previous = s.centers_norm[:s.n_centers_before]
            closest = previous[np.argmin(((previous - s.center) ** 2).sum(axis=1))]
            end = self.project(closest * self.span + self.low)[0]
            self.gap.set_data([centre[0], end[0]], [centre[1], end[1]])
        else:
            self.gap.set_data([], [])

        self.badge.set_text(badge_text(s))
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
        ax.axhspan(first.reject_ratio, first.accept_ratio, color="0.9", zorder=0)
        ax.axhline(first.accept_ratio, color=DECISION_COLORS["accept"], linewidth=1)
        ax.axhline(first.reject_ratio, color=DECISION_COLORS["stop"], linewidth=1)
        ax.axhline(1.0, color="0.5", linewidth=0.8, linestyle="--")
        # zorder 1, under the moving dots: the player keeps these labels in its
        # cached background instead of redrawing them every frame.
        ax.text(1.0, first.accept_ratio, " accept", color=DECISION_COLORS["accept"], fontsize=8,
                va="bottom", ha="left", transform=ax.get_yaxis_transform(), zorder=1)
        ax.text(1.0, first.reject_ratio, " reject", color=DECISION_COLORS["stop"], fontsize=8,
                va="top", ha="left", transform=ax.get_yaxis_transform(), zorder=1)
        ax.text(0.02, (first.reject_ratio + first.accept_ratio) / 2, "grey zone", fontsize=8,
                color="0.4", va="center", transform=ax.get_yaxis_transform(), zorder=1)
        ax.set_xlim(0.3, steps.max() + 0.7)
        ax.set_ylim(0.0, 1.3)
        ax.set_xlabel("candidate")
        ax.set_ylabel(r"$\rho = P^*_k / P_{ref}$")
        self.rho_dots = ax.scatter([], [], s=24, zorder=3, label=r"$\rho$")
        self.grey_dots = ax.scatter([], [], s=24, marker="^", facecolors="none",
                                    edgecolors="0.3", zorder=3, label=r"$\rho + d_{min}/r_a$")
        self.current = ax.scatter([], [], s=140, facecolors="none", edgecolors="black",
                                  linewidths=1.5, zorder=4)
        # A legend for the decision colours of the dots, and the markers.
        handles = [Line2D([], [], linestyle="", marker="o", markersize=5, color=color, label=decision)
                   for decision, color in DECISION_COLORS.items()]
        handles.append(Line2D([], [], linestyle="", marker="^", markersize=5, markerfacecolor="none",
                              markeredgecolor="0.3", label=r"$\rho + d_{min}/r_a$ (grey zone)"))
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2,
                  fontsize=7, title=r"$\rho$ of each candidate", title_fontsize=7, frameon=False)

    def _draw_ratios(self, s, frame):
        n = frame + 1
        self.rho_dots.set_offsets(np.column_stack([self.steps[:n], self.rhos[:n]]))
        self.rho_dots.set_facecolor(self.colors[:n])
        has_grey = ~np.isnan(self.grey[:n])
        self.grey_dots.set_offsets(np.column_stack([self.steps[:n][has_grey], self.grey[:n][has_grey]]))
        self.current.set_offsets([[s.iteration, s.ratio]])

    def draw(self, snapshot, frame):
        self._draw_map(snapshot)
        if self.show_ratios:
            self._draw_ratios(snapshot, frame)


class LandscapeView(SubtractiveView):
    """The map of :class:`SubtractiveView` alone (for side-by-side players)."""

    figsize = (5.6, 4.4)
    show_ratios = False


class _AfterMap(SubtractiveView):
    """The map of the landscape this step leaves (for :class:`CarvingView`)."""

    figsize = (5.6, 4.4)
    show_ratios = False
    when = "after"


class CarvingView(View):
    """The landscape before (left) and after (right) each step.

    An accepted centre's carve (Eq. 3 for SC, Eq. 5 for WMSC) removes a
    Gaussian of radius ``r_b`` around the centre: the right map shows what
    is left, which is the next frame's left map.
    """

    figsize = (11.0, 4.4)

    def setup(self):
        left, right = self.figure.subfigures(1, 2)
        self.before = LandscapeView(left, self.X, self.history, self.project, title="before this step")
        self.after = _AfterMap(right, self.X, self.history, self.project, title="after this step")

    def draw(self, snapshot, frame):
        self.before.draw(snapshot, frame)
        self.after.draw(snapshot, frame)


class FuzzyCMeansView(PointsView):
    """Fuzzy c-means: colours fade with fuzziness, centres leave a trail.

    A point's colour is its most likely cluster's, mixed with white as its
    largest membership falls towards ``1/c`` (completely undecided).
    """

    def setup(self):
        super().setup()
        self.paths = np.stack([self.project(s.centers) for s in self.history], axis=1)  # (c, T, 2)
        self.trails = LineCollection([], colors="black", linewidths=1.0, zorder=2.5)
        self.ax.add_collection(self.trails)

    def draw(self, snapshot, frame):
        super().draw(snapshot, frame)
        u = snapshot.memberships
        c = u.shape[1]
        sure = (u.max(axis=1) - 1.0 / c) / (1.0 - 1.0 / c) if c > 1 else np.ones(len(u))
        colors = label_colors(np.argmax(u, axis=1), len(u))
        colors[:, :3] = 1.0 - sure[:, None] * (1.0 - colors[:, :3])
        self.points.set_facecolor(colors)
        n = frame + 1
        self.trails.set_segments(list(self.paths[:, :n]))
