"""Pictures of FN-means and of the PNN.

* :class:`FNMeansView` draws one level of the hierarchy in two linked panels:
  on the left the items of the level with an arrow to each one's first
  neighbour (mutual pairs underlined in black); on the right the resulting
  partition of the training vectors and the cluster means, with marker area
  proportional to cluster size.
* :func:`draw_first_neighbour_graph` draws a first-neighbour array as the
  directed graphs of the paper's Fig. 1.
* :func:`plot_decision_regions` colours the plane by a PNN's predicted class.
* :func:`plot_centre_images` shows class-wise centres as small images (digits).
* :func:`plot_class_hierarchy` shows a PNN's class-wise FN-means centres level
  by level, with the decision regions under two aggregates.

Levels of FN-means often have more than the base palette's 20 clusters (the
notebook's first level has 25), so this view colours clusters from a longer
palette (:func:`cluster_colors`): no two clusters of a level share a colour
up to 60 clusters.
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import ListedColormap, hsv_to_rgb
from matplotlib.figure import Figure

from ..fnmeans import first_neighbour_clusters
from .base import PALETTE, View, label_colors, points_scatter, segments_xy, title_with_live_line

# Marker area (points^2) of the largest cluster in a history; area is
# proportional to size, with a floor so single points stay visible.
_LARGEST_AREA = 360.0
_SMALLEST_AREA = 20.0


def _long_palette():
    """60 distinct colours: the base palette's 20, then matplotlib's tab20b and tab20c."""
    extra = [colormaps[name](np.arange(20)) for name in ("tab20b", "tab20c")]
    return np.vstack([PALETTE] + extra)


LONG_PALETTE = _long_palette()


def cluster_colors(labels, n_clusters):
    """RGBA colour of each label: distinct for up to 60 clusters, then golden-angle hues.

    The first 20 colours are the base palette's, so a level with few
    clusters looks as it does in every other view of the package.
    """
    labels = np.asarray(labels)
    if n_clusters <= len(LONG_PALETTE):
        return LONG_PALETTE[labels]
    # Past 60: hues spaced by the golden angle never repeat exactly.
    hue = (labels * 0.618033988749895) % 1.0
    value = 0.65 + 0.3 * (labels % 2)
    rgb = hsv_to_rgb(np.column_stack([hue, np.full(len(labels), 0.75), value]))
    return np.column_stack([rgb, np.ones(len(labels))])


def _widen_to_square(ax):
    """Widen the shorter axis range so both ranges are equal (a square panel)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    half = max(x1 - x0, y1 - y0) / 2
    ax.set_xlim((x0 + x1) / 2 - half, (x0 + x1) / 2 + half)
    ax.set_ylim((y0 + y1) / 2 - half, (y0 + y1) / 2 + half)


class FNMeansView(View):
    """Level ``l`` of FN-means: arrows to first neighbours, then the partition.

    Left: the items ``V`` of the level (training vectors at level 1, means
    after), coloured by the graph they fall in, each with an arrow
    ``i -> kappa_i``; the mutual pairs (one per graph) are underlined.
    Right: every training vector coloured by its cluster at this level, and
    the cluster means (Eqs. 6-7), area proportional to ``N_C(i)``. The
    titles give the level, its number of items and of graphs, and the number
    of clusters; the player's caption says which equation gives the means.
    """

    figsize = (10.0, 4.6)

    def setup(self):
        self.ax_links, self.ax_clusters = self.figure.subplots(1, 2)
        for ax in (self.ax_links, self.ax_clusters):
            self.data_axes(ax)
            _widen_to_square(ax)
            # Equal scales, so the nearest item also looks nearest.
            ax.set_aspect("equal", adjustable="box")
        xy = self.project(self.X)
        largest = max((int(np.max(s.sizes)) for s in self.history), default=1)
        self.area_per_point = _LARGEST_AREA / max(largest, 1)

        # Left panel: faint training vectors, mutual pairs, arrows, items.
        self.ax_links.scatter(xy[:, 0], xy[:, 1], s=5, c="0.85", linewidths=0, zorder=1)
        # One line broken by NaNs (see segments_xy): faster than a LineCollection.
        (self.mutual,) = self.ax_links.plot([], [], color="black", linewidth=4, alpha=0.35,
                                            solid_capstyle="butt", zorder=2)
        # Arrows as two collections whose contents change per frame: a line per
        # arrow and a small triangle for its head (cheaper to draw than a quiver
        # sized for the largest level with the unused arrows masked).
        self.arrows = LineCollection([], linewidths=0.8, zorder=3)
        self.heads = PolyCollection([], linewidths=0, zorder=3)
        self.ax_links.add_collection(self.arrows)
        self.ax_links.add_collection(self.heads)
        (x0, x1) = self.ax_links.get_xlim()
        self.head_size = 0.012 * (x1 - x0)
        self.items = points_scatter(self.ax_links, np.empty((0, 2)), s=[], c=[],
                                    edgecolors="black", linewidths=0.5, zorder=4)
        # Titles: a fixed line, and a short live line (text is slow to draw; the
        # caption says the rest).
        self.links_title = title_with_live_line(
            self.ax_links, "arrow i \u2192 first neighbour (mutual pairs underlined)", fontsize=10)

        # Right panel: the partition of the training vectors and the means.
        self.points = points_scatter(self.ax_clusters, xy, s=10, linewidths=0,
                                     c=label_colors(None, len(xy)), zorder=1)
        self.means = self.ax_clusters.scatter([], [], s=[], marker="o", edgecolors="black",
                                              linewidths=0.8, zorder=3)
        self.clusters_title = title_with_live_line(
            self.ax_clusters, "training vectors by cluster; means, area \u221d size", fontsize=10)

    def _areas(self, counts):
        return np.maximum(self.area_per_point * np.asarray(counts, dtype=float), _SMALLEST_AREA)

    def draw(self, snapshot, frame):
        items = self.project(snapshot.points)
        targets = items[snapshot.kappa]
        n_items = len(items)
        colors = cluster_colors(snapshot.item_labels, snapshot.n_clusters)

        self.items.set_offsets(items)
        self.items.set_sizes(self._areas(snapshot.weights))
        self.items.set_facecolor(colors)
        # Each head is a triangle whose tip stops just short of the target item.
        vector = targets - items
        length = np.linalg.norm(vector, axis=1, keepdims=True)
        unit = np.divide(vector, length, out=np.zeros_like(vector), where=length > 0)
        normal = unit[:, ::-1] * [-1, 1]
        head = np.minimum(self.head_size, 0.45 * length)
        tip = targets - unit * np.minimum(0.4 * self.head_size, 0.1 * length)
        base = tip - unit * head
        self.arrows.set_segments(np.stack([items, base], axis=1))
        self.arrows.set_color(colors)
        self.heads.set_verts(np.stack([tip, base + 0.5 * head * normal, base - 0.5 * head * normal], axis=1))
        self.heads.set_facecolor(colors)
        pairs = np.flatnonzero(snapshot.mutual & (np.arange(n_items) < snapshot.kappa))
        self.mutual.set_data(*segments_xy(items[pairs], targets[pairs]))
        self.links_title.set_text(f"level {snapshot.iteration}: {n_items} items, "
                                  f"{snapshot.n_clusters} graphs")

        self.points.set_facecolor(cluster_colors(snapshot.labels, snapshot.n_clusters))
        self.means.set_offsets(self.project(snapshot.centers))
        self.means.set_sizes(self._areas(snapshot.sizes))
        self.means.set_facecolor(cluster_colors(np.arange(snapshot.n_clusters), snapshot.n_clusters))
        top = " (top)" if snapshot.is_top else ""
        self.clusters_title.set_text(f"{snapshot.n_clusters} clusters{top}")


def graph_layout(kappa, *, spacing=4.0):
    """Positions for drawing a first-neighbour array as disjoint graphs.

    Each graph is laid out radially around its cycle (a mutual pair for real
    data): the cycle's nodes sit on a small circle and every other node sits
    one ring further out than the node it points to, inside that node's
    angular sector. The graphs are placed side by side.

    Returns
    -------
    positions : ndarray of shape (n_items, 2)
    """
    kappa = np.asarray(kappa)
    n = len(kappa)
    components = first_neighbour_clusters(kappa)
    # Following the arrows n times from any node lands on its graph's cycle.
    on_cycle = np.zeros(n, dtype=bool)
    node = np.arange(n)
    for _ in range(n):
        node = kappa[node]
    on_cycle[node] = True
    children = [[] for _ in range(n)]
    for i in range(n):
        if not on_cycle[i]:
            children[kappa[i]].append(i)
    positions = np.zeros((n, 2))
    # Walking the trees outwards is sequential by nature (each node needs its parent's sector).
    for c in range(components.max() + 1):
        cycle = [i for i in np.flatnonzero(components == c) if on_cycle[i]]
        # Order the cycle along its arrows so that it is drawn as a ring.
        ring = [cycle[0]]
        while kappa[ring[-1]] != ring[0]:
            ring.append(kappa[ring[-1]])
        sector = 2 * np.pi / len(ring)
        stack = [(i, k * sector, (k + 1) * sector, 0) for k, i in enumerate(ring)]
        while stack:
            i, low, high, depth = stack.pop()
            angle = (low + high) / 2
            radius = 0.7 + depth
            positions[i] = (c * spacing + radius * np.cos(angle), radius * np.sin(angle))
            if children[i]:
                width = (high - low) / len(children[i])
                stack += [(j, low + k * width, low + (k + 1) * width, depth + 1)
                          for k, j in enumerate(children[i])]
    return positions


def draw_first_neighbour_graph(kappa, ax, *, one_based=True, positions=None):
    """Draw ``i -> kappa[i]`` as directed graphs, like the paper's Fig. 1.

    Nodes are coloured by graph (cluster); mutual pairs are drawn as a double
    arrow in black, the other arrows in grey.

    Parameters
    ----------
    kappa : array-like of shape (n_items,)
        Zero-based first neighbours.
    ax : matplotlib Axes
    one_based : bool, default=True
        Number the nodes 1..n as the paper does.
    positions : ndarray of shape (n_items, 2), default=None
        Node positions; :func:`graph_layout` by default.

    Returns
    -------
    positions : ndarray of shape (n_items, 2)
    """
    kappa = np.asarray(kappa)
    positions = graph_layout(kappa) if positions is None else np.asarray(positions)
    labels = first_neighbour_clusters(kappa)
    mutual = kappa[kappa] == np.arange(len(kappa))
    for i, j in enumerate(kappa):
        ax.annotate("", xy=positions[j], xytext=positions[i],
                    arrowprops=dict(arrowstyle="-|>", color="black" if mutual[i] else "0.45",
                                    lw=1.6 if mutual[i] else 1.0, shrinkA=11, shrinkB=11))
    ax.scatter(positions[:, 0], positions[:, 1], s=420, c=label_colors(labels, len(kappa)),
               edgecolors="black", zorder=3)
    for i, (x, y) in enumerate(positions):
        ax.text(x, y, str(i + 1 if one_based else i), ha="center", va="center", fontsize=9, zorder=4)
    ax.set_aspect("equal")
    ax.margins(0.12)
    ax.axis("off")
    return positions


def plot_decision_regions(model, X, y, ax, *, resolution=200, centres=True, title=None):
    """Colour the plane by predicted class; draw the training data and the centres.

    Parameters
    ----------
    model : fitted classifier with ``classes_`` (e.g. a PNN) on 2-D data
    X, y : training data (2 features) and labels
    ax : matplotlib Axes
    resolution : int, default=200
        Grid points per axis.
    centres : bool, default=True
        Draw ``model.centres_`` (black-edged, coloured by class) if it has them.
    title : str, default=None
    """
    X = np.asarray(X, dtype=float)
    classes = list(model.classes_)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.08 * (high - low)
    gx, gy = np.meshgrid(np.linspace(low[0] - pad[0], high[0] + pad[0], resolution),
                         np.linspace(low[1] - pad[1], high[1] + pad[1], resolution))
    predicted = model.predict(np.column_stack([gx.ravel(), gy.ravel()]))
    index = np.searchsorted(classes, predicted).reshape(gx.shape)
    light = ListedColormap(PALETTE[np.arange(len(classes))] * [1, 1, 1, 0.25])
    ax.pcolormesh(gx, gy, index, cmap=light, vmin=-0.5, vmax=len(classes) - 0.5,
                  shading="auto", rasterized=True)
    ax.scatter(X[:, 0], X[:, 1], s=8, linewidths=0, c=PALETTE[np.searchsorted(classes, y)])
    if centres and hasattr(model, "centres_"):
        ax.scatter(model.centres_[:, 0], model.centres_[:, 1], s=60, marker="o",
                   c=PALETTE[np.searchsorted(classes, model.centre_classes_)],
                   edgecolors="black", linewidths=1.2, zorder=3)
    ax.set_xlim(gx.min(), gx.max())
    ax.set_ylim(gy.min(), gy.max())
    ax.set_aspect("equal", adjustable="box")
    if title:
        ax.set_title(title, fontsize=10)


def plot_centre_images(model, *, shape=(8, 8), max_per_class=12, title=None):
    """Show a PNN's class-wise centres as images, one row per class.

    Centres are sorted by the number of training vectors behind them (largest
    first); at most ``max_per_class`` per class are shown.

    Returns
    -------
    figure : matplotlib Figure
    """
    classes = model.classes_
    columns = min(max_per_class, int(model.n_centres_.max()))
    figure = Figure(figsize=(0.62 * columns + 0.6, 0.62 * len(classes) + 0.4), layout="constrained")
    axes = figure.subplots(len(classes), columns, squeeze=False)
    for row, label in enumerate(classes):
        mine = np.flatnonzero(model.centre_classes_ == label)
        order = mine[np.argsort(-model.centre_sizes_[mine], kind="stable")][:columns]
        for column, ax in enumerate(axes[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if column < len(order):
                ax.imshow(model.centres_[order[column]].reshape(shape), cmap="gray_r",
                          interpolation="nearest")
                ax.set_title(str(model.centre_sizes_[order[column]]), fontsize=7, pad=1)
        axes[row, 0].set_ylabel(str(label), rotation=0, labelpad=10, fontsize=10)
    if title:
        figure.suptitle(title, fontsize=10)
    return figure


def plot_class_hierarchy(X, y, *, levels=(1, 2, 3), aggregates=("sum", "weighted"), sigma=None,
                         resolution=120):
    """A PNN's class-wise FN-means centres, level by level, under two aggregates.

    One row per aggregate, one column per level ``N_L``: the plane coloured
    by the predicted class of a PNN with the class-wise FN-means centres of
    that level (Hoya's Sec. 2.3), the training data, and the centres (area
    proportional to the number of training vectors behind each). The title
    of each panel gives the centres per class and the training accuracy, so
    the effect of Eq. 2's sum when classes keep different numbers of
    centres can be read off.

    Parameters
    ----------
    X, y : training data with two features, and its classes
    levels : tuple of int
    aggregates : tuple of {"sum", "mean", "weighted"}
    sigma : float, default=None
        One radius for every panel; Eq. 8's by default.
    resolution : int
        Grid points per axis of the regions.

    Returns
    -------
    figure : matplotlib Figure
    pnns : dict
        ``{(aggregate, level): fitted PNN}``.
    """
    from ..fnmeans import PNN, FNMeans

    X = np.asarray(X, dtype=float)
    figure = Figure(figsize=(3.6 * len(levels), 3.6 * len(aggregates)), layout="constrained")
    axes = figure.subplots(len(aggregates), len(levels), squeeze=False)
    pnns = {}
    for row, aggregate in enumerate(aggregates):
        for column, level in enumerate(levels):
            pnn = PNN(sigma=sigma, aggregate=aggregate,
                      clusterer=FNMeans(max_level=level)).fit(X, y)
            sigma = pnn.sigma_ if sigma is None else sigma
            pnns[aggregate, level] = pnn
            ax = axes[row, column]
            plot_decision_regions(pnn, X, y, ax, resolution=resolution, centres=False)
            classes = np.searchsorted(pnn.classes_, pnn.centre_classes_)
            ax.scatter(pnn.centres_[:, 0], pnn.centres_[:, 1], s=12 + 2.0 * pnn.centre_sizes_,
                       c=PALETTE[classes], edgecolors="black", linewidths=1.0, zorder=3)
            ax.set_title(f'{aggregate}, N_L = {level}: centres {pnn.n_centres_.tolist()}\n'
                         f"training accuracy {pnn.score(X, y):.1%}", fontsize=9)
    return figure, pnns


class ClassHierarchyView(View):
    """A PNN's class-wise FN-means centres at level ``N_L``, over its decision regions.

    The plane is coloured by the class a PNN with this level's centres
    predicts (regions computed once per level in ``setup``, so a frame only
    swaps an image); training vectors are coloured by class, and each centre
    is drawn with area proportional to the vectors behind it.
    """

    figsize = (5.6, 5.0)
    resolution = 120

    def setup(self):
        from scipy.special import logsumexp

        from ..distances import squared_distances

        self.ax = self.figure.subplots()
        self.data_axes(self.ax)
        (x0, x1), (y0, y1) = self.ax.get_xlim(), self.ax.get_ylim()
        gx, gy = np.meshgrid(np.linspace(x0, x1, self.resolution), np.linspace(y0, y1, self.resolution))
        grid = np.column_stack([gx.ravel(), gy.ravel()])
        n_classes = int(max(s.centre_classes.max() for s in self.history)) + 1
        light = PALETTE[np.arange(n_classes) % len(PALETTE)] * [1, 1, 1, 0.25]
        self.regions = []
        for s in self.history:
            log_h = -squared_distances(grid, np.asarray(s.centers, dtype=float)) / s.sigma ** 2
            if s.aggregate == "weighted":
                log_h = log_h + np.log(s.sizes)
            scores = np.column_stack([logsumexp(log_h[:, s.centre_classes == j], axis=1)
                                      for j in range(n_classes)])
            if s.aggregate == "mean":
                scores -= np.log(s.n_centres)
            self.regions.append(light[scores.argmax(axis=1)].reshape(gx.shape + (4,)))
        self.image = self.ax.imshow(self.regions[0], origin="lower", extent=(x0, x1, y0, y1),
                                    aspect="auto", interpolation="nearest", zorder=0)
        xy = self.project(self.X)
        classes = self.history[0].classes
        self.ax.scatter(xy[:, 0], xy[:, 1], s=7, linewidths=0, zorder=1,
                        c=PALETTE[classes % len(PALETTE)])
        self.centres = self.ax.scatter([], [], s=[], edgecolors="black", linewidths=1.0, zorder=3)
        largest = max(int(np.max(s.sizes)) for s in self.history)
        self.area_per_point = _LARGEST_AREA / max(largest, 1)
        self.heading = self.ax.set_title("", fontsize=10)

    def draw(self, snapshot, frame):
        self.image.set_data(self.regions[frame])
        self.centres.set_offsets(self.project(snapshot.centers))
        self.centres.set_sizes(np.maximum(self.area_per_point * snapshot.sizes, _SMALLEST_AREA))
        self.centres.set_facecolor(PALETTE[snapshot.centre_classes % len(PALETTE)])
        self.heading.set_text(f"N_L = {snapshot.iteration}, {snapshot.aggregate}: centres per class "
                              f"{snapshot.n_centres.tolist()}")
