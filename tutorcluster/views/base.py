"""How a snapshot becomes a picture.

A *view* draws one algorithm's snapshots. It creates its axes and artists
once, in ``setup``, and moves them in ``draw(snapshot, frame)`` by setting artist
data (``set_offsets``, ``set_data``, ``set_facecolor``, ...): the figure is
never rebuilt, which is what keeps the slider fast.

To give a new algorithm its own picture, subclass :class:`View` (or
:class:`PointsView`, which already draws coloured points and centres) and
name the subclass in the snapshot class: ``view = "tutorcluster.views.mine.MyView"``.
"""

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.image import AxesImage
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, Bbox, IdentityTransform, TransformedBbox
from sklearn.decomposition import PCA

# Cluster j gets PALETTE[j]. The first twenty are matplotlib's tab20,
# reordered so that the first ten are the strong ones; past twenty the
# palette goes on with colours spread around the hue circle (golden-angle
# steps at three lightness levels), so up to 256 clusters never share a
# colour. Colours repeat only past len(PALETTE) = 256.
_TAB20 = [to_rgba(f"C{i}") for i in range(10)]
_TAB20_LIGHT = ["#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
                "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"]


def _more_colours(n):
    """``n`` further distinct colours: golden-angle hues, alternating lightness."""
    import colorsys

    colours = []
    for j in range(n):
        hue = (0.13 + j * 0.381966) % 1.0
        lightness = (0.38, 0.55, 0.70)[j % 3]
        saturation = (0.85, 0.65, 0.75)[(j // 3) % 3]
        colours.append((*colorsys.hls_to_rgb(hue, lightness, saturation), 1.0))
    return colours


PALETTE = np.array(_TAB20 + [to_rgba(c) for c in _TAB20_LIGHT] + _more_colours(236))
UNLABELLED = np.array(to_rgba("0.75"))


def label_colors(labels, n_points):
    """RGBA colour of each point: its cluster's palette colour, or grey."""
    if labels is None:
        return np.tile(UNLABELLED, (n_points, 1))
    labels = np.asarray(labels)
    colors = PALETTE[np.mod(labels, len(PALETTE))]
    colors[labels < 0] = UNLABELLED
    return colors


class GroupedPoints(PathCollection):
    """A scatter drawn one colour (and size) at a time: the same points, faster.

    matplotlib draws a scatter whose points differ in colour marker by
    marker (about 5 microseconds each in Agg: 10 ms for 2,000 points, most
    of a frame). One colour with one size is drawn much faster: the marker
    is rendered once and stamped at every position (``draw_markers``). This
    collection groups its points by colour and size and stamps each group,
    so a frame of 2,000 points in a few cluster colours costs about 1 ms.

    It is an ordinary ``PathCollection`` (``set_facecolor``, ``set_sizes``,
    ``set_offsets`` work as for ``ax.scatter``); only the drawing differs,
    in two ways a reader cannot see: groups are drawn one after the other
    (where two points of different groups overlap, the later group is on
    top, not the later point), and stamped markers sit on whole pixels.
    With fewer than ``points_per_group`` points per group on average (a
    colour map, hundreds of clusters) it draws as a plain scatter. See ``tests/test_player.py`` for the test that the
    picture matches the plain scatter's.
    """

    #: Stamping a group costs about as much as drawing 10 points one by one:
    #: with fewer points per group on average, the plain scatter is drawn.
    points_per_group = 10

    def groups(self):
        """Indices of the points of each (colour, size) group, or None (draw plainly)."""
        n = len(self.get_offsets())
        faces, sizes = self.get_facecolor(), self.get_sizes()
        widths = self.get_linewidths()
        stroked = len(widths) > 0 and np.any(widths > 0)
        if (n == 0 or len(self.get_paths()) != 1 or len(faces) not in (1, n)
                or len(sizes) not in (1, n) or len(widths) > 1
                or (stroked and len(self.get_edgecolor()) != 1)
                or self.get_hatch() is not None or self.get_path_effects()):
            return None
        # One integer per point: its colour as Agg draws it (8 bits per channel)
        # and its size.
        rgba = np.rint(np.broadcast_to(faces, (n, 4)) * 255).astype(np.int64)
        key = rgba @ np.array([1 << 24, 1 << 16, 1 << 8, 1], dtype=np.int64)
        if len(sizes) > 1:
            key = key + (np.unique(sizes, return_inverse=True)[1].ravel().astype(np.int64) << 32)
        order = np.argsort(key, kind="stable")
        starts = np.flatnonzero(np.diff(key[order])) + 1
        if len(starts) + 1 > n / self.points_per_group:
            return None
        return np.split(order, starts)

    def draw(self, renderer):
        groups = self.groups() if self.get_visible() else None
        if groups is None:
            super().draw(renderer)
            return
        # What PathCollection.draw does first: marker sizes at the figure's dpi.
        self.set_sizes(self._sizes, self.get_figure(root=True).dpi)
        self.update_scalarmappable()
        transform, offset_trf, offsets, paths = self._prepare_points()
        faces, scales = self.get_facecolor(), self.get_transforms()
        widths = self.get_linewidths()
        gc = renderer.new_gc()
        self._set_gc_clip(gc)
        gc.set_snap(self.get_snap())
        gc.set_linewidth(widths[0] if len(widths) else 0.0)
        if len(widths) and widths[0] > 0:
            gc.set_foreground(tuple(self.get_edgecolor()[0]), isRGBA=True)
        gc.set_antialiased(self._antialiaseds[0])
        for members in groups:
            first = members[0]
            marker = (Affine2D(scales[first % len(scales)]) + transform).frozen()
            renderer.draw_markers(gc, paths[0], marker, Path(offsets[members]), offset_trf,
                                  tuple(faces[first % len(faces)]))
        gc.restore()
        self.stale = False


def linear_weights(n, positions):
    """The matrix that interpolates ``n`` samples linearly at ``positions``.

    Sample ``i`` sits at ``i`` (the centre of the ``i``-th cell); a position
    is a fractional index, clamped to the first and last sample. ``W @ values``
    is then ``np.interp(positions, np.arange(n), values)`` for every column.
    """
    positions = np.clip(positions, 0.0, n - 1.0)
    left = np.minimum(np.floor(positions).astype(int), max(n - 2, 0))
    right = np.minimum(left + 1, n - 1)
    fraction = positions - left
    weights = np.zeros((len(positions), n))
    rows = np.arange(len(positions))
    weights[rows, left] = 1.0 - fraction
    weights[rows, right] += fraction
    return weights


class SmoothImage(AxesImage):
    """An image of a coarse grid of values drawn smooth, like ``interpolation="bilinear"``.

    matplotlib's bilinear image resamples the values and their mask in
    floating point and converts back (about 5 ms for a 400 x 300 pixel
    image, a third of a frame). This image interpolates the values linearly
    to the pixels it covers with two small matrix products
    (:func:`linear_weights`), colours them, and hands them to the renderer
    as they are (about 2 ms), within 3 of 255 levels of imshow's bilinear
    image of the values (``interpolation_stage="data"``, what imshow picks
    when it magnifies a grid three times or more; ``tests/test_player.py``).
    Made by :func:`smooth_image`; its extent runs from low to high.
    """

    def make_image(self, renderer, magnification=1.0, unsampled=False):
        x0, x1, y0, y1 = self.get_extent()
        box = TransformedBbox(Bbox([[x0, y0], [x1, y1]]), self.get_transform())
        clipped = Bbox.intersection(box, self.get_clip_box() or self.axes.bbox)
        if clipped is None or box.width <= 0 or box.height <= 0:
            return None, 0, 0, None
        # The whole pixels the image covers (``magnification`` pixels per display
        # unit: 1 on screen), and their centres as fractional indices into the
        # grid of values (cell i's centre is index i).
        left, bottom, right, top = np.floor(clipped.extents * magnification + 0.5)
        if right <= left or top <= bottom:
            return None, 0, 0, None
        values = np.asarray(self.get_array(), dtype=float)
        if self.origin == "upper":
            values = values[::-1]
        n_rows, n_cols = values.shape
        columns = ((np.arange(left, right) + 0.5) / magnification - box.x0) / box.width * n_cols - 0.5
        rows = ((np.arange(bottom, top) + 0.5) / magnification - box.y0) / box.height * n_rows - 0.5
        pixels = linear_weights(n_rows, rows) @ values @ linear_weights(n_cols, columns).T
        # Row 0 is the bottom row, as the renderer wants it (like the values: origin "lower").
        return (self.to_rgba(pixels, bytes=True), left / magnification, bottom / magnification,
                None)


def smooth_image(ax, values, *, extent, **kwargs):
    """Like ``ax.imshow(values, extent=extent, origin="lower", aspect="auto",
    interpolation="bilinear", ...)``, drawn as :class:`SmoothImage`."""
    image = SmoothImage(ax, origin="lower", **kwargs)
    image.set_data(values)
    image.set_extent(extent)
    image.set_clip_path(ax.patch)  # clipped to the axes, as imshow does
    ax.add_image(image)
    return image


def points_scatter(ax, xy, *, s, c, marker="o", **kwargs):
    """Like ``ax.scatter(xy[:, 0], xy[:, 1], s=s, c=c, marker=marker, ...)``, drawn as
    :class:`GroupedPoints`.

    ``c`` is RGBA colours, or one value per point mapped through the
    ``cmap`` and ``norm`` keywords.
    """
    style = MarkerStyle(marker)
    values = np.asarray(c) if np.ndim(c) == 1 and len(c) and np.isreal(c[0]) else None
    points = GroupedPoints([style.get_path().transformed(style.get_transform())],
                           sizes=np.atleast_1d(s), offsets=np.asarray(xy).reshape(-1, 2),
                           offset_transform=ax.transData,
                           facecolors=None if values is not None else c, **kwargs)
    if values is not None:
        points.set_array(values)
    points.set_transform(IdentityTransform())  # marker sizes are in points, as for scatter
    ax.add_collection(points, autolim=False)
    return points


def segments_xy(starts, ends):
    """The segments ``starts[i] -> ends[i]`` as the x and y of one line broken by NaNs.

    ``line.set_data(*segments_xy(starts, ends))`` draws every segment with
    one ``Line2D``: one path, quicker to update and to draw than a
    ``LineCollection`` of one path per segment (for segments of one colour).

    Parameters
    ----------
    starts, ends : ndarray of shape (n_segments, 2)

    Returns
    -------
    x, y : ndarray of shape (3 * n_segments,)
        Start, end, NaN for each segment in turn.
    """
    starts, ends = np.asarray(starts).reshape(-1, 2), np.asarray(ends).reshape(-1, 2)
    xy = np.full((len(starts), 3, 2), np.nan)
    xy[:, 0], xy[:, 1] = starts, ends
    return xy[..., 0].ravel(), xy[..., 1].ravel()


def title_with_live_line(ax, static, **kwargs):
    """Title ``ax`` with a fixed first line and return a text artist for its second line.

    Only the second line changes from frame to frame, so the first (with
    its mathtext, slow to draw) stays in the player's cached background. The
    returned text sits where a two-line title's second line would.
    """
    ax.set_title(static + "\n", **kwargs)
    # Under every moving artist of ``ax``: the player then keeps the fixed line
    # in its cached background instead of redrawing it with the live one.
    ax.title.set_zorder(-1)
    return ax.text(0.5, 1.0, "", transform=ax.title.get_transform(), ha="center",
                   va="baseline", in_layout=False, **kwargs)


class Projection:
    """One fixed map from the data space to the 2-D picture.

    Two features are drawn as they are; one feature is drawn on a line
    (y = 0); more than two go through a PCA fitted once on the training data,
    so every frame uses the same axes.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The training data that fixes the projection.
    """

    def __init__(self, X):
        X = np.asarray(X, dtype=float)
        self.n_features = X.shape[1]
        self.pca = None
        if self.n_features == 1:
            self.axis_labels = ("$x_1$", "")
        elif self.n_features == 2:
            self.axis_labels = ("$x_1$", "$x_2$")
        else:
            self.pca = PCA(n_components=2).fit(X)
            share = self.pca.explained_variance_ratio_ * 100
            self.axis_labels = (f"PC 1 ({share[0]:.0f} % of variance)",
                                f"PC 2 ({share[1]:.0f} % of variance)")

    def __call__(self, points):
        """Project ``points`` of shape (n, n_features) to shape (n, 2)."""
        points = np.asarray(points, dtype=float).reshape(-1, self.n_features)
        if self.pca is not None:
            return (points - self.pca.mean_) @ self.pca.components_.T
        if self.n_features == 1:
            return np.column_stack([points[:, 0], np.zeros(len(points))])
        return points


class View:
    """Draws the snapshots of one algorithm into a matplotlib (sub)figure.

    Subclasses implement ``setup`` (make axes and artists, once) and
    ``draw`` (update those artists for one snapshot).

    Parameters
    ----------
    figure : matplotlib Figure or SubFigure
        Where to draw.
    X : ndarray of shape (n_samples, n_features)
        The training data.
    history : sequence of Snapshot
        All the frames, so a view can fix its axis limits once.
    projection : Projection, default=None
        The 2-D map; shared when two models are drawn side by side.
    title : str, default=None
        A title over the view (the model's name when side by side).
    y : ndarray of shape (n_samples,) or None
        The true class of each training point, for views that can show it
        (e.g. colour a neuron by the majority class of its points).
    """

    #: Whether the player may blit this view (see ``widgets.Stage``); a view
    #: that caches its own background, or changes artists the Stage cannot
    #: detect from a sample of frames, sets it to False and is drawn whole.
    blit = True

    #: Size in inches of one view; the player adds them up side by side.
    figsize = (5.0, 4.2)

    def __init__(self, figure, X, history, projection=None, title=None, y=None):
        self.figure = figure
        self.X = np.asarray(X, dtype=float)
        self.y = None if y is None else np.asarray(y)
        self.history = history
        self.project = projection if projection is not None else Projection(self.X)
        self.title = title
        self.setup()

    def setup(self):
        """Create the axes and every artist that ``draw`` will update."""
        raise NotImplementedError

    def draw(self, snapshot, frame):
        """Update the artists to show ``snapshot``, which is ``self.history[frame]``.

        ``frame`` lets a view look at the frames around this one (the labels
        before an update, the neuron born since the last epoch, ...).
        """
        raise NotImplementedError

    # Helpers for subclasses -------------------------------------------------

    def data_axes(self, ax, margin=0.06):
        """Fix the limits of ``ax`` to the projected data plus every centre."""
        points = [self.project(self.X)]
        points += [self.project(s.centers) for s in self.history if np.size(s.centers)]
        points = np.vstack(points)
        low, high = points.min(axis=0), points.max(axis=0)
        pad = (high - low) * margin + 1e-9
        ax.set_xlim(low[0] - pad[0], high[0] + pad[0])
        ax.set_ylim(low[1] - pad[1], high[1] + pad[1])
        ax.set_xlabel(self.project.axis_labels[0])
        ax.set_ylabel(self.project.axis_labels[1])
        if self.title:
            ax.set_title(self.title)


class PointsView(View):
    """The default picture: points coloured by cluster and the centres.

    Works for every snapshot (it needs only ``centers`` and ``labels``), so
    any algorithm can be scrubbed before it has a view of its own.
    """

    def setup(self):
        self.ax = self.figure.subplots()
        self.data_axes(self.ax)
        xy = self.project(self.X)
        self.points = points_scatter(self.ax, xy, s=12, linewidths=0,
                                     c=label_colors(None, len(xy)))
        self.centers = self.ax.scatter([], [], s=160, marker="X", c="black",
                                       edgecolors="white", linewidths=1.5, zorder=3)

    def draw(self, snapshot, frame):
        self.points.set_facecolor(label_colors(snapshot.labels, len(self.X)))
        self.centers.set_offsets(self.project(snapshot.centers))
