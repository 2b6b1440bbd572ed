"""The player: scrub through any algorithm's history with a slider.

``scrub(model, X)`` returns a widget with a Play button, a slider, step
back / step forward buttons, a frame box, the frame's caption and the
picture. The picture is one matplotlib figure, created once and drawn by
blitting (see :class:`Stage`).

By default every frame is rendered once into an ``ipywidgets.Stack`` of
``Image`` widgets (and a Stack of caption ``HTML``) whose ``selected_index``
is ``jslink``-ed to the slider, itself jslinked to Play and to the frame
box: scrubbing, playing and the frame box's arrows then need no kernel, and
keep working in an HTML export with saved widget state. In a notebook the
player is on screen with its first frame as soon as the cell's code ends;
the other frames are rendered just after, before the cell is done (see
``Player.fill``). The step buttons are Python callbacks (they need a
kernel). Histories past 300 frames or 40 MB of PNG (``MAX_PRERENDER_FRAMES``,
``MAX_PRERENDER_BYTES``), ``prerender=False`` and the ipympl backend draw
each frame in the kernel instead, and the caption says so. On Google Colab
(``link="auto"``) the widgets are joined by the Python-side
``widgets.link`` instead of ``jslink``.

Only core ipywidgets are used, so the player works in JupyterLab,
Notebook 7, Voila and Binder.

``save_animation(model, X, "frames.gif")`` writes the same frames to an
animated GIF (Pillow) or to an HTML player that loads nothing from outside
the file, for slides.
"""

import html
import importlib
import io
import re
import sys
import textwrap
import threading
import zlib
from pathlib import Path

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure, SubFigure
from PIL import Image

from ._snapshots import Snapshot
from .views.base import Projection


def _as_history(model_or_history):
    """Return the snapshots of a fitted model, or the given snapshots."""
    history = getattr(model_or_history, "history_", model_or_history)
    if isinstance(history, Snapshot):
        history = (history,)
    history = tuple(history) if isinstance(history, (list, tuple)) else ()
    if hasattr(model_or_history, "history_") and not history:
        raise ValueError(
            f"This {type(model_or_history).__name__} fit recorded no iterations "
            f"(too few samples to iterate?): there is nothing to scrub."
        )
    if not history or not all(isinstance(s, Snapshot) for s in history):
        raise ValueError(
            "Expected a fitted tutorcluster model or a non-empty sequence of "
            "snapshots; call fit(X) first."
        )
    return history


def _check_history_matches(history, X):
    """Refuse to draw a history over data it was not fitted on."""
    for snapshot in (history[0], history[-1]):
        centers = np.asarray(snapshot.centers)
        if centers.size and centers.shape[-1] != X.shape[1]:
            raise ValueError(f"X has {X.shape[1]} features but the history's centres have "
                             f"{centers.shape[-1]}: pass the data the model was fitted on.")
        if snapshot.labels is not None and len(snapshot.labels) != len(X):
            raise ValueError(f"X has {len(X)} rows but the history labels {len(snapshot.labels)} "
                             f"points: pass the data the model was fitted on.")


def _view_class(history, view):
    """The view to use: the one given, or the one the snapshots name."""
    if view is not None:
        return view
    module_name, class_name = type(history[0]).view.rsplit(".", 1)
    return getattr(importlib.import_module(module_name), class_name)


def _default_title(model_or_history):
    name = type(model_or_history).__name__
    return None if name in ("tuple", "list") else name


#: A player wider than this many pixels stacks its panels vertically.
MAX_WIDTH_PX = 1100
#: Budgets of the kernel-free player: past either, the player falls back to
#: drawing each frame in the kernel when the slider moves (and says so).
MAX_PRERENDER_FRAMES = 300
MAX_PRERENDER_BYTES = 40 * 2**20
#: False makes ``prerender="auto"`` mean False: every player is drawn by the
#: kernel, one frame when it is made. For a harness that runs the notebooks
#: only for their checks (``tests/test_exercises.py``), where rendering every
#: frame of every player would be most of the time; never for a student.
PRERENDER = True


class Stage:
    """One figure holding one view per history, drawn at any frame.

    Several histories (two models on the same data) share one frame index:
    frame ``i`` shows each history's ``i``-th snapshot, or its last one when
    it is shorter. ``scrub`` and ``save_animation`` both draw through this
    class, so the player and the saved animation show the same frames.

    Side-by-side panels wider than ``MAX_WIDTH_PX`` (1100 px) at ``dpi``
    are stacked vertically instead, so a player stays readable on a
    1280 x 720 projector.

    Frames are drawn by *blitting*: the figure is laid out and drawn once
    with the artists that views update (found by recording which artists a
    view's ``draw`` touches over the history) marked as animated; its
    background is cached, and each frame restores the background and draws
    only those artists. A view that creates or removes artists in ``draw``,
    or changes its axes, is drawn in full every frame instead.

    Parameters
    ----------
    models : list
        Fitted models or histories.
    X : array-like of shape (n_samples, n_features)
        The training data (shared by every model).
    y : array-like of shape (n_samples,) or None
        The true classes, passed to every view.
    view : View subclass or None
        The view for every model; None uses each snapshot class's own.
    titles : list of str or None
        A title per model; by default the model's class name when there is
        more than one.
    blit : bool, default=True
        Draw frames by blitting (see above); False draws every frame in
        full (``save_animation`` uses that, through matplotlib's writers).
    caption_in_figure : bool
        Also write the caption into the figure (for saved animations, which
        have no caption widget), wrapped to the figure's width.
    dpi : int
        Resolution of the rendered image.
    """

    def __init__(self, models, X, y=None, *, view=None, titles=None, caption_in_figure=False,
                 dpi=100, blit=True):
        self.histories = [_as_history(model) for model in models]
        self.X = np.asarray(X, dtype=float)
        if self.X.ndim != 2:
            raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {self.X.shape}.")
        for history in self.histories:
            _check_history_matches(history, self.X)
        if y is not None and np.shape(y) != (len(self.X),):
            raise ValueError(f"y must hold one label per row of X ({len(self.X)}), "
                             f"got shape {np.shape(y)}.")
        if titles is None:
            titles = [_default_title(m) for m in models] if len(models) > 1 else [None]
            if len(set(titles)) < len(titles):  # two models of one class: number them
                titles = [f"{t} ({n})" for n, t in enumerate(titles, start=1)]
        self.titles = titles
        self.n_frames = max(len(h) for h in self.histories)
        self.dpi = dpi

        # One projection for every model, so the panels share their axes.
        projection = Projection(self.X)
        view_classes = [_view_class(h, view) for h in self.histories]
        sizes = [cls.figsize for cls in view_classes]
        self.stacked = len(sizes) > 1 and sum(w for w, _ in sizes) * dpi > MAX_WIDTH_PX
        if self.stacked:
            width, height = max(w for w, _ in sizes), sum(h for _, h in sizes)
        else:
            width, height = sum(w for w, _ in sizes), max(h for _, h in sizes)
        caption_lines = []
        if caption_in_figure:
            # Wrap every caption to the figure's width (about 0.55 em per
            # character at 9 pt) and reserve room for the longest.
            columns = max(30, int(width * 72 / (9 * 0.55)))
            caption_lines = [textwrap.fill(self.caption(f), columns) for f in range(self.n_frames)]
            caption_height = 0.2 + 0.16 * max(c.count("\n") + 1 for c in caption_lines)
        figure_height = height + (caption_height if caption_in_figure else 0)
        if _uses_ipympl():
            # ipympl's canvas is itself a widget, made by pyplot; ioff keeps
            # pyplot from also showing the figure below the cell.
            import matplotlib.pyplot as plt

            with plt.ioff():
                self.figure = plt.figure(figsize=(width, figure_height), dpi=dpi,
                                         layout="constrained")
        else:
            self.figure = Figure(figsize=(width, figure_height), dpi=dpi, layout="constrained")
            FigureCanvasAgg(self.figure)
        views_figure, caption_figure = self.figure, None
        if caption_in_figure:
            # A band of its own under the views, so that the caption never
            # overlaps a view's own legend or labels.
            views_figure, caption_figure = self.figure.subfigures(
                2, 1, height_ratios=[height, caption_height])
        if len(models) == 1:
            panels = [views_figure]
        elif self.stacked:
            panels = list(views_figure.subfigures(len(models), 1, height_ratios=[h for _, h in sizes]))
        else:
            panels = list(views_figure.subfigures(1, len(models), width_ratios=[w for w, _ in sizes]))
        self.views = [cls(panel, self.X, history, projection=projection, title=title, y=y)
                      for cls, panel, history, title in zip(view_classes, panels, self.histories, titles)]
        self._wrapped_captions = caption_lines
        self.caption_text = None
        if caption_figure is not None:
            self.caption_text = caption_figure.text(0.5, 0.5, "", fontsize=9, linespacing=1.2,
                                                    ha="center", va="center")
        # Lay the figure out once, at the first frame (with the tallest
        # caption), then freeze it: the axis limits never change, and
        # re-running constrained layout on every frame would cost about half
        # of the frame's time.
        self.draw(0)
        if self.caption_text is not None:
            self.caption_text.set_text(max(caption_lines, key=lambda c: c.count("\n")))
        self.figure.canvas.draw()
        self.figure.set_layout_engine("none")
        self.draw(0)
        self.animated = []
        self._background = None
        # A view that caches its own background, or whose changes the sample of
        # frames cannot reveal, says ``blit = False``: the figure is then drawn whole.
        if blit and not _uses_ipympl() and all(getattr(view, "blit", True) for view in self.views):
            self._prepare_blitting()

    # Frames -----------------------------------------------------------------

    def snapshots(self, frame):
        """The snapshot each history shows at ``frame``."""
        return [h[min(frame, len(h) - 1)] for h in self.histories]

    def caption(self, frame):
        """The caption of ``frame`` (no drawing)."""
        snapshots = self.snapshots(frame)
        if len(snapshots) == 1:
            return snapshots[0].caption
        return " | ".join(f"{t}: {s.caption}" for t, s in zip(self.titles, snapshots))

    def draw(self, frame):
        """Update every view to ``frame`` and return the caption."""
        for view, history, snapshot in zip(self.views, self.histories, self.snapshots(frame)):
            view.draw(snapshot, min(frame, len(history) - 1))
        if self.caption_text is not None:
            self.caption_text.set_text(self._wrapped_captions[frame])
        return self.caption(frame)

    # Blitting ---------------------------------------------------------------

    def _containers(self):
        """The figure, its subfigures and every Axes: the parents whose direct
        children matplotlib can leave out of a draw (``set_animated``)."""
        containers, todo = [], [self.figure]
        while todo:
            figure = todo.pop(0)
            containers.append(figure)
            todo.extend(figure.subfigs)
            containers.extend(ax for ax in figure.get_children() if isinstance(ax, Axes))
        return containers

    def _top_artists(self):
        """(container, child) for every drawable direct child of a container."""
        pairs = []
        for container in self._containers():
            for child in container.get_children():
                if isinstance(child, (Axes, SubFigure)) or child is getattr(container, "patch", None):
                    continue
                pairs.append((container, child))
        return pairs

    def _prepare_blitting(self, sample=60):
        """Find the artists the views update, mark them animated, cache the rest.

        Every artist (with its descendants) is clean after a full draw; the
        views then draw a sample of frames, and each top-level artist that
        became stale is one a view updates. If the views created or removed
        artists, or touched an axis (limits, ticks), blitting is off.
        """
        canvas = self.figure.canvas
        pairs = self._top_artists()
        before = {id(child) for _, child in pairs}
        for _, child in pairs:
            for artist in child.findobj():
                artist.stale = False
        changed = set()
        frames = np.unique(np.linspace(0, self.n_frames - 1, min(sample, self.n_frames)).astype(int))
        for frame in list(frames) + [0]:
            self.draw(int(frame))
            for container, child in pairs:
                if id(child) in changed:
                    continue
                if any(artist.stale for artist in child.findobj()):
                    changed.add(id(child))
                    for artist in child.findobj():
                        artist.stale = False
        after = self._top_artists()
        if {id(child) for _, child in after} != before or any(
                isinstance(child, Axis) and id(child) in changed for _, child in pairs):
            return  # the views rebuild or rescale: draw every frame in full
        # Redraw, in each container, everything at or above the lowest
        # animated artist too, so the stacking order is kept. An Axes drawn
        # over one with moving artists (a twinx axes, an inset) is redrawn
        # whole, its ticks too, since all of it is painted above them.
        # (Elsewhere an unchanged axis is left in the background: its ticks
        # and labels lie outside the axes, where the moving artists are clipped.
        # So is any other unchanged artist that lies wholly outside the boxes
        # the moving artists are clipped to: a legend or a note under the axes.)
        animated, moving_axes = [], []
        renderer = canvas.get_renderer()
        for container in self._containers():
            children = [c for k, c in pairs if k is container]
            moving = [c for c in children if id(c) in changed]
            covers = isinstance(container, Axes) and any(
                container.bbox.overlaps(below.bbox) for below in moving_axes)
            if not moving and not covers:
                continue
            if isinstance(container, Axes):
                moving_axes.append(container)
            lowest = -np.inf if covers else min(c.get_zorder() for c in moving)
            reach = None if covers else _reach(moving)
            animated += sorted((c for c in children if c.get_zorder() >= lowest and (
                covers or id(c) in changed or (not isinstance(c, Axis) and _meets(c, reach, renderer)))),
                key=lambda c: c.get_zorder())
        for artist in animated:
            artist.set_animated(True)
        canvas.draw()
        self._background = canvas.copy_from_bbox(self.figure.bbox)
        self.animated = animated

    def render(self):
        """Draw the current frame onto the canvas (blitting when possible)."""
        canvas = self.figure.canvas
        if self._background is None:
            canvas.draw()
            return
        canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in self.animated:
            artist.draw(renderer)

    def render_png(self, palette=False):
        """Render the current frame (see ``render``) and return it as PNG bytes (see ``png``)."""
        self.render()
        return self.png(palette)

    def png(self, palette=False):
        """The canvas as PNG bytes (fast, lightly compressed), as last rendered.

        ``palette=True`` reduces the picture to 256 colours first (Pillow's
        fast octree): a third of the bytes and faster to encode, which is
        what the kernel-free player stores for every frame. The full-colour
        picture is compressed with zlib's run-length strategy (``Z_RLE``):
        the same pixels, 10-25 % faster to encode than the default strategy
        for a few per cent more bytes (see benchmarks/player.py).
        """
        canvas = self.figure.canvas
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
        image = image.convert("RGB")
        buffer = io.BytesIO()
        if palette:
            image = image.quantize(256, method=Image.Quantize.FASTOCTREE)
            image.save(buffer, format="png", compress_level=1)
        else:
            image.save(buffer, format="png", compress_level=1, compress_type=zlib.Z_RLE)
        return buffer.getvalue()

    def frame_png(self, frame):
        """``frame`` drawn and encoded as the kernel-free player stores it (256 colours)."""
        self.draw(frame)
        return self.render_png(palette=True)


def _reach(artists):
    """The boxes (display pixels) the ``artists`` can paint in, or None (anywhere).

    A clipped artist paints only inside its clip box (an Axes' bbox); an
    unclipped one, or one clipped to a path, may paint anywhere.
    """
    boxes = []
    for artist in artists:
        box = artist.get_clip_box()
        if not artist.get_clip_on() or box is None or artist.get_clip_path() is not None:
            return None
        boxes.append(box.padded(2))  # Agg's clip rectangle is rounded to whole pixels
    return boxes


def _meets(artist, reach, renderer):
    """Whether ``artist`` may share a pixel with the boxes ``reach`` (None: anywhere)."""
    if reach is None:
        return True
    try:
        extent = artist.get_window_extent(renderer).padded(2)  # antialiased edges
    except (TypeError, AttributeError, RuntimeError):
        return True
    return any(extent.overlaps(box) for box in reach)


def _uses_ipympl():
    return "ipympl" in matplotlib.get_backend()


def _running_shell():
    """The IPython shell running code in this thread, or None (a script, the tests)."""
    ipython = sys.modules.get("IPython")
    if ipython is None or threading.current_thread() is not threading.main_thread():
        return None
    shell = ipython.get_ipython()
    return shell if shell is not None and hasattr(shell, "events") else None


def _on_colab():
    return "google.colab" in sys.modules


class Player(widgets.VBox):
    """A Play button, a slider, a frame box, step buttons, the caption and the picture.

    Build one with :func:`scrub`. ``player.show(frame)`` jumps to a frame
    from code; ``player.slider.value`` (``player.frame``) is the frame on
    screen.

    **Kernel-free** (the default when the history fits the budgets): every
    frame is rendered once into a ``widgets.Stack`` of ``Image`` widgets
    (and a Stack of caption ``HTML``), whose ``selected_index`` is
    ``jslink``-ed to the slider, itself jslinked to Play and to the frame
    box. Scrubbing, playing and the frame box's arrows then run in the
    browser with no kernel round trip, and keep working in an HTML export
    with saved widget state. The step buttons ("Previous frame", "Next
    frame") are Python callbacks: they need a kernel; without one, the
    frame box's arrows step instead.
    In a notebook the first frame is rendered when the player is made and
    the others right after the cell's code has run, the player being on
    screen with its first frame meanwhile (``player.fill()`` renders them
    at once). The PNG budget is judged from the first and the last frame.

    **Kernel-driven** (``prerender=False``, the ipympl backend, or a
    history past ``MAX_PRERENDER_FRAMES`` = 300 frames or
    ``MAX_PRERENDER_BYTES`` = 40 MB of PNG): each slider move asks the
    kernel to draw the frame, as a single ``Image``; the caption says so.

    ``link="python"`` joins the widgets with ``widgets.link`` (through the
    kernel, but with no drawing) instead of ``jslink``; ``"auto"`` chooses
    it on Google Colab, whose widget front end has had trouble with jslink.
    """

    def __init__(self, stage, *, interval=400, prerender="auto", link="auto"):
        self.stage = stage
        n_frames = stage.n_frames
        last = n_frames - 1
        if link == "auto":
            link = "python" if _on_colab() else "js"
        if link not in ("js", "python"):
            raise ValueError(f"link must be 'auto', 'js' or 'python', got {link!r}.")
        self.link = link
        self.links = []  # every link made, kept for inspection

        def join(source, target):
            self.links.append((widgets.jslink if link == "js" else widgets.link)(source, target))
        self.play = widgets.Play(value=0, min=0, max=last, step=1, interval=interval,
                                 description="Play", layout=widgets.Layout(width="auto"))
        # Wide enough to place every frame of a long history (about 4 px
        # per frame up to the notebook's width).
        self.slider = widgets.IntSlider(
            value=0, min=0, max=last, step=1, description="frame", continuous_update=True,
            readout=False, layout=widgets.Layout(width=f"{min(900, max(320, 4 * n_frames))}px",
                                                 max_width="100%"))
        self.frame_box = widgets.BoundedIntText(
            value=0, min=0, max=last, step=1, tooltip="Frame index (0 = first); type a "
            "number or use the arrows", layout=widgets.Layout(width="78px"))
        join((self.play, "value"), (self.slider, "value"))
        join((self.slider, "value"), (self.frame_box, "value"))
        self.back = widgets.Button(icon="step-backward", tooltip="Previous frame",
                                   layout=widgets.Layout(width="40px"))
        self.forward = widgets.Button(icon="step-forward", tooltip="Next frame",
                                      layout=widgets.Layout(width="40px"))
        self.back.on_click(lambda _: self._step(-1))
        self.forward.on_click(lambda _: self._step(+1))
        width, _ = stage.figure.canvas.get_width_height()
        image_layout = dict(width=f"{width}px", max_width="100%", height="auto")
        caption_layout = dict(min_height="2.6em", width=f"{width}px", max_width="100%")

        pngs, self.note = None, ""
        if _uses_ipympl():
            self.note = "drawn live by ipympl"
        elif prerender is False or prerender == "never" or not PRERENDER:
            self.note = "drawn by the kernel"
        elif n_frames > MAX_PRERENDER_FRAMES:
            self.note = (f"drawn by the kernel: {n_frames} frames pass the kernel-free "
                         f"player's budget of {MAX_PRERENDER_FRAMES}")
        else:
            # The first frame now, to show; the last one too, to judge the
            # budget: the frames' PNG sizes vary little within a history.
            pngs = {0: stage.frame_png(0)}
            pngs[last] = stage.frame_png(last) if last else pngs[0]
            if max(len(png) for png in pngs.values()) * n_frames > MAX_PRERENDER_BYTES:
                pngs = None
                self.note = (f"drawn by the kernel: the frames pass the kernel-free player's "
                             f"budget of {MAX_PRERENDER_BYTES // 2**20} MB")
        self.kernel_free = pngs is not None
        if self.kernel_free:
            # Every frame has its Image now; those still empty are rendered
            # by ``fill``, after the cell (see ``_fill_after_the_cell``).
            self.images = widgets.Stack(
                [widgets.Image(value=pngs.get(f, b""), format="png",
                               layout=widgets.Layout(**image_layout))
                 for f in range(n_frames)], selected_index=0)
            self._unfilled = [f for f in range(n_frames) if f not in pngs]
            self.captions = widgets.Stack(
                [widgets.HTML(self._caption_html(f), layout=widgets.Layout(**caption_layout))
                 for f in range(n_frames)], selected_index=0)
            stage.draw(0)
            join((self.slider, "value"), (self.images, "selected_index"))
            join((self.slider, "value"), (self.captions, "selected_index"))
            # A move made from Python (code, the step buttons) also moves the
            # stacks; a move made in the browser already did, through jslink.
            self.slider.observe(self._follow, names="value")
            body = [self.captions, self.images]
            self._fill_after_the_cell()
        else:
            self.caption_widget = widgets.HTML(layout=widgets.Layout(**caption_layout))
            if _uses_ipympl():
                self.picture_widget = stage.figure.canvas  # ipympl: the live canvas widget
            else:
                # Shown at its natural size (never stretched, so never
                # blurred), shrinking only when the notebook is narrower.
                self.picture_widget = widgets.Image(format="png",
                                                    layout=widgets.Layout(**image_layout))
            self.slider.observe(lambda change: self._draw(change["new"]), names="value")
            body = [self.caption_widget, self.picture_widget]
            self._draw(0)
        controls = widgets.HBox([self.play, self.back, self.slider, self.forward, self.frame_box],
                                layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__([controls, *body])

    def _fill_after_the_cell(self):
        """Render the other frames once the running cell's code is done, or now.

        In a notebook the cell's output (this player, showing its first
        frame) reaches the browser as soon as the cell's code ends. IPython's
        ``post_execute`` event, which runs before the kernel reports the
        cell done, then renders the other frames into the stack, and each
        one is sent as it is made. The cell counts as running until the last
        frame is in, so a notebook executed by nbclient (myst-nb, the course
        site) saves every frame in its widget state: nbclient keeps only the
        messages a cell sends before it is done. Outside IPython (a script,
        the tests) the frames are rendered at once.
        """
        shell = _running_shell()
        if shell is None:
            self.fill()
            return

        def fill_once():
            shell.events.unregister("post_execute", fill_once)
            self.fill()

        shell.events.register("post_execute", fill_once)

    def fill(self):
        """Render every frame the kernel-free player does not hold yet (in order)."""
        if not self.kernel_free or not self._unfilled:
            return
        while self._unfilled:
            frame = self._unfilled.pop(0)
            self.images.children[frame].value = self.stage.frame_png(frame)
        self.stage.draw(self.slider.value)  # the figure's artists back on the frame shown

    def _caption_html(self, frame):
        note = f" <i>({self.note})</i>" if self.note else ""
        return (f"<div style='white-space: normal; overflow-wrap: anywhere'><b>{frame + 1}/"
                f"{self.stage.n_frames}</b> &nbsp; {html.escape(self.stage.caption(frame))}"
                f"{note}</div>")

    def _follow(self, change):
        if self.link == "python":
            self.stage.draw(change["new"])
            return  # widgets.link has moved the stacks
        if "value" in getattr(self.slider, "_property_lock", {}):
            return  # moved in the browser: jslink has moved the stacks already
        self.images.selected_index = self.captions.selected_index = change["new"]
        self.stage.draw(change["new"])  # keep the figure's artists on this frame (no render)

    def _draw(self, frame):
        self.stage.draw(frame)
        self.caption_widget.value = self._caption_html(frame)
        if isinstance(self.picture_widget, widgets.Image):
            self.picture_widget.value = self.stage.render_png()
        else:
            self.picture_widget.draw_idle()

    def _step(self, delta):
        self.slider.value = int(np.clip(self.slider.value + delta, 0, self.stage.n_frames - 1))

    def show(self, frame):
        """Show ``frame`` (and move the slider there)."""
        self.slider.value = int(np.clip(frame, 0, self.stage.n_frames - 1))

    @property
    def frame(self):
        """The frame on screen."""
        return self.slider.value

    @property
    def picture(self):
        """The widget showing the current frame (an ``Image``, or ipympl's canvas)."""
        if self.kernel_free:
            self.fill()
            return self.images.children[self.images.selected_index]
        return self.picture_widget

    @property
    def caption(self):
        """The ``HTML`` widget holding the current frame's caption ("i/N ...")."""
        if self.kernel_free:
            return self.captions.children[self.captions.selected_index]
        return self.caption_widget


def scrub(model_or_history, X, y=None, *, view=None, titles=None, interval=400, dpi=100,
          prerender="auto", link="auto"):
    """Scrub through an algorithm's iterations with a slider and a Play button.

    Parameters
    ----------
    model_or_history : fitted model, sequence of Snapshot, or a list of models
        What to show. A list of fitted models (or of histories) on the same
        data is drawn side by side under one slider.
    X : array-like of shape (n_samples, n_features)
        The training data. More than two features are drawn through one
        PCA fitted once on ``X``.
    y : array-like of shape (n_samples,), default=None
        The true classes, for the views that can show them.
    view : View subclass, default=None
        How to draw a snapshot; by default the view named by the snapshot
        class (see :mod:`tutorcluster.views`).
    titles : list of str, default=None
        Panel titles when several models are shown.
    interval : int, default=400
        Milliseconds between frames when playing.
    dpi : int, default=100
        Resolution of the picture; raise it for a projector, lower it for
        faster frames.
    prerender : "auto" or False, default="auto"
        "auto" renders every frame once, now, so that scrubbing and playing
        need no kernel (and work in an HTML export with saved widget
        state), unless the history passes 300 frames or 40 MB of PNG;
        False draws each frame in the kernel when the slider moves.
    link : "auto", "js" or "python", default="auto"
        How the slider, Play, the frame box and the frames are joined:
        ``jslink`` in the browser, or ``widgets.link`` through the kernel
        (chosen by "auto" on Google Colab).

    Returns
    -------
    player : Player
        An ipywidgets widget (see :class:`Player`). Without a front end (a
        script, nbval) it still renders its frames.

    Examples
    --------
    >>> model = tutorcluster.KMeans(3, random_state=0).fit(X)   # doctest: +SKIP
    >>> tutorcluster.scrub(model, X)                             # doctest: +SKIP
    >>> tutorcluster.scrub([model_a, model_b], X)                # doctest: +SKIP
    """
    models = list(model_or_history) if _is_model_list(model_or_history) else [model_or_history]
    stage = Stage(models, X, y, view=view, titles=titles, dpi=dpi)
    return Player(stage, interval=interval, prerender=prerender, link=link)


def _is_model_list(value):
    """True for a list of models or of histories (not for one history)."""
    if not isinstance(value, (list, tuple)) or not value:
        return False
    return not isinstance(value[0], Snapshot)


# matplotlib's HTML player draws its buttons with Font Awesome icons loaded
# from a CDN; offline they are blank boxes. Text symbols need no font file.
_BUTTON_LABELS = {
    "fa fa-minus": "\u2212", "fa fa-fast-backward": "\u23ee", "fa fa-step-backward": "\u25c0|",
    "fa fa-play fa-flip-horizontal": "\u25c0", "fa fa-pause": "\u23f8", "fa fa-play": "\u25b6",
    "fa fa-step-forward": "|\u25b6", "fa fa-fast-forward": "\u23ed", "fa fa-plus": "+",
}


def _offline_jshtml(page):
    """matplotlib's ``to_jshtml`` page with no external resource (no CDN)."""
    page = re.sub(r"<link[^>]*font-awesome[^>]*>", "", page, flags=re.S)
    for icon, label in _BUTTON_LABELS.items():
        page = page.replace(f'<i class="{icon}"></i>', f"<span>{label}</span>")
    page = ('<meta charset="utf-8">\n<style>.anim-buttons button span {font: 14px/1 '
            'system-ui, "DejaVu Sans", sans-serif;}</style>\n' + page)
    if re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page) or "fa fa-" in page:
        raise RuntimeError("matplotlib's HTML player changed: it still loads an external file.")
    return page


def save_animation(model_or_history, X, path, *, y=None, view=None, titles=None, fps=2, dpi=80):
    """Write the player's frames to an animated GIF or a self-contained HTML page.

    Parameters
    ----------
    model_or_history : fitted model, sequence of Snapshot, or a list of models
        As for :func:`scrub`.
    X : array-like of shape (n_samples, n_features)
        The training data.
    path : str or Path
        Ends in ``.gif`` (written with Pillow; no ffmpeg needed) or
        ``.html`` (matplotlib's JavaScript player with the frames embedded;
        the page loads nothing else: its buttons are text symbols, not
        icons from a CDN, so it works offline).
    y, view, titles : as for :func:`scrub`
    fps : float, default=2
        Frames per second.
    dpi : int, default=80
        Resolution of each frame.

    Returns
    -------
    path : Path
        The file written.
    """
    from matplotlib.animation import FuncAnimation, PillowWriter

    path = Path(path)
    if path.suffix.lower() not in (".gif", ".html"):
        raise ValueError(f"path must end in .gif or .html, got {path.name!r}.")
    models = list(model_or_history) if _is_model_list(model_or_history) else [model_or_history]
    stage = Stage(models, X, y, view=view, titles=titles, caption_in_figure=True, dpi=dpi,
                  blit=False)
    animation = FuncAnimation(stage.figure, stage.draw, frames=stage.n_frames,
                              interval=1000 / fps, repeat=False)
    if path.suffix.lower() == ".gif":
        animation.save(path, writer=PillowWriter(fps=fps), dpi=dpi)
    else:
        page = _offline_jshtml(animation.to_jshtml(fps=fps, default_mode="once"))
        path.write_text(page, encoding="utf-8")
    return path
