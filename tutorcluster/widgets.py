"""The player: scrub through any algorithm's history with a slider.

``scrub(model, X)`` returns a widget with a Play button, a slider, step
back / step forward buttons, the frame's caption and the picture. The
picture is one matplotlib figure, created once; moving the slider asks the
view to update its artists and sends the redrawn figure to an
``ipywidgets.Image``. Only core ipywidgets are used, so the player works in
JupyterLab, Notebook 7, Voila and Binder. Under ``%matplotlib
widget`` (the optional ipympl backend) the live canvas is shown instead of
an image, which is faster still.

``save_animation(model, X, "frames.gif")`` writes the same frames to an
animated GIF (Pillow) or to a self-contained HTML player, for slides.
"""

import importlib
import io
from pathlib import Path

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
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


class Stage:
    """One figure holding one view per history, drawn at any frame.

    Several histories (two models on the same data) share one frame index:
    frame ``i`` shows each history's ``i``-th snapshot, or its last one when
    it is shorter. ``scrub`` and ``save_animation`` both draw through this
    class, so the player and the saved animation show the same frames.

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
    caption_in_figure : bool
        Also write the caption into the figure (for saved animations, which
        have no caption widget).
    dpi : int
        Resolution of the rendered image.
    """

    def __init__(self, models, X, y=None, *, view=None, titles=None, caption_in_figure=False,
                 dpi=100):
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
        self.n_frames = max(len(h) for h in self.histories)
        self.dpi = dpi

        # One projection for every model, so the panels share their axes.
        projection = Projection(self.X)
        view_classes = [_view_class(h, view) for h in self.histories]
        width = sum(cls.figsize[0] for cls in view_classes)
        height = max(cls.figsize[1] for cls in view_classes) + (0.5 if caption_in_figure else 0)
        if _uses_ipympl():
            # ipympl's canvas is itself a widget, made by pyplot; ioff keeps
            # pyplot from also showing the figure below the cell.
            import matplotlib.pyplot as plt

            with plt.ioff():
                self.figure = plt.figure(figsize=(width, height), dpi=dpi, layout="constrained")
        else:
            self.figure = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
            FigureCanvasAgg(self.figure)
        panels = [self.figure] if len(models) == 1 else list(
            self.figure.subfigures(1, len(models), width_ratios=[c.figsize[0] for c in view_classes]))
        self.views = [cls(panel, self.X, history, projection=projection, title=title, y=y)
                      for cls, panel, history, title in zip(view_classes, panels, self.histories, titles)]
        self.caption_text = self.figure.supxlabel("", fontsize=9) if caption_in_figure else None
        self.titles = titles
        # Lay the figure out once, at the first frame, then freeze it: the
        # axis limits never change, and re-running constrained layout on
        # every frame would cost about half of the frame's time.
        self.draw(0)
        self.figure.canvas.draw()
        self.figure.set_layout_engine("none")

    def snapshots(self, frame):
        """The snapshot each history shows at ``frame``."""
        return [h[min(frame, len(h) - 1)] for h in self.histories]

    def draw(self, frame):
        """Update every view to ``frame`` and return the caption."""
        snapshots = self.snapshots(frame)
        for view, history, snapshot in zip(self.views, self.histories, snapshots):
            view.draw(snapshot, min(frame, len(history) - 1))
        if len(snapshots) == 1:
            caption = snapshots[0].caption
        else:
            caption = " | ".join(f"{t}: {s.caption}" for t, s in zip(self.titles, snapshots))
        if self.caption_text is not None:
            self.caption_text.set_text(caption)
        return caption

    def render_png(self):
        """The figure as PNG bytes (fast, lightly compressed)."""
        canvas = self.figure.canvas
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


def _uses_ipympl():
    return "ipympl" in matplotlib.get_backend()


class Player(widgets.VBox):
    """A Play button, a slider, step buttons, a caption and the picture.

    Build one with :func:`scrub`. ``player.show(frame)`` jumps to a frame
    from code; ``player.slider.value`` is the frame on screen.
    """

    def __init__(self, stage, *, interval=400):
        self.stage = stage
        last = stage.n_frames - 1
        self.play = widgets.Play(value=0, min=0, max=last, step=1, interval=interval,
                                 description="Play", layout=widgets.Layout(width="auto"))
        self.slider = widgets.IntSlider(value=0, min=0, max=last, step=1, description="frame",
                                        continuous_update=True, readout=False,
                                        layout=widgets.Layout(width="50%"))
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.back = widgets.Button(icon="step-backward", tooltip="Previous frame",
                                   layout=widgets.Layout(width="40px"))
        self.forward = widgets.Button(icon="step-forward", tooltip="Next frame",
                                      layout=widgets.Layout(width="40px"))
        self.back.on_click(lambda _: self._step(-1))
        self.forward.on_click(lambda _: self._step(+1))
        self.caption = widgets.HTML(layout=widgets.Layout(min_height="2.6em"))
        if _uses_ipympl():
            self.picture = stage.figure.canvas  # ipympl: the live canvas widget
        else:
            # Shown at its natural size (never stretched, so never blurred),
            # shrinking only when the notebook is narrower than the figure.
            width, height = stage.figure.canvas.get_width_height()
            self.picture = widgets.Image(format="png", layout=widgets.Layout(
                width=f"{width}px", max_width="100%", height="auto"))
        self.slider.observe(lambda change: self.show(change["new"]), names="value")
        controls = widgets.HBox([self.play, self.back, self.slider, self.forward])
        super().__init__([controls, self.caption, self.picture])
        self.show(0)

    def _step(self, delta):
        self.slider.value = int(np.clip(self.slider.value + delta, 0, self.stage.n_frames - 1))

    def show(self, frame):
        """Draw ``frame`` (and move the slider there)."""
        frame = int(np.clip(frame, 0, self.stage.n_frames - 1))
        if self.slider.value != frame:
            self.slider.value = frame  # the slider's observer comes back here
            return
        caption = self.stage.draw(frame)
        self.caption.value = f"<b>{frame + 1}/{self.stage.n_frames}</b> &nbsp; {caption}"
        if isinstance(self.picture, widgets.Image):
            self.picture.value = self.stage.render_png()
        else:
            self.picture.draw_idle()

    @property
    def frame(self):
        """The frame on screen."""
        return self.slider.value


def scrub(model_or_history, X, y=None, *, view=None, titles=None, interval=400, dpi=100):
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

    Returns
    -------
    player : Player
        An ipywidgets widget. Without a front end (a script, nbval) it still
        renders its first frame.

    Examples
    --------
    >>> model = tutorcluster.KMeans(3, random_state=0).fit(X)   # doctest: +SKIP
    >>> tutorcluster.scrub(model, X)                             # doctest: +SKIP
    >>> tutorcluster.scrub([model_a, model_b], X)                # doctest: +SKIP
    """
    models = list(model_or_history) if _is_model_list(model_or_history) else [model_or_history]
    stage = Stage(models, X, y, view=view, titles=titles, dpi=dpi)
    return Player(stage, interval=interval)


def _is_model_list(value):
    """True for a list of models or of histories (not for one history)."""
    if not isinstance(value, (list, tuple)) or not value:
        return False
    return not isinstance(value[0], Snapshot)


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
        ``.html`` (matplotlib's JavaScript player with the frames embedded).
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
    stage = Stage(models, X, y, view=view, titles=titles, caption_in_figure=True, dpi=dpi)
    animation = FuncAnimation(stage.figure, stage.draw, frames=stage.n_frames,
                              interval=1000 / fps, repeat=False)
    if path.suffix.lower() == ".gif":
        animation.save(path, writer=PillowWriter(fps=fps), dpi=dpi)
    else:
        path.write_text(animation.to_jshtml(fps=fps, default_mode="once"), encoding="utf-8")
    return path
