"""Tests of the player (scrub) and of save_animation, without a front end."""

import io

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import make_blobs

import tutorcluster as tc
from tutorcluster.views import PointsView, Projection, View
from tutorcluster.views.kmeans import KMeansView


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(n_samples=300, centers=3, random_state=0)
    return X


@pytest.fixture(scope="module")
def model(blobs):
    return tc.KMeans(n_clusters=3, init="random", random_state=2).fit(blobs)


def _png_size(png):
    return Image.open(io.BytesIO(png)).size


def test_scrub_renders_the_first_frame_without_a_front_end(model, blobs):
    player = tc.scrub(model, blobs)
    assert player.frame == 0
    assert _png_size(player.picture.value)[0] > 100
    assert "Start" in player.caption.value
    assert player.slider.max == len(model.history_) - 1
    assert player.play.max == player.slider.max


def test_moving_the_slider_redraws_the_same_figure(model, blobs):
    player = tc.scrub(model, blobs)
    figure = player.stage.figure
    view = player.stage.views[0]
    points, first_png = view.points, player.picture.value
    player.slider.value = 2
    assert player.picture.value != first_png
    assert model.history_[2].caption in player.caption.value
    # Created once, updated in place: the same figure and the same artists.
    assert player.stage.figure is figure and view.points is points
    assert len(figure.axes) == 1 and len(view.ax.collections) == 4
    np.testing.assert_allclose(view.centers.get_offsets(), model.history_[2].centers)


def test_step_buttons_move_one_frame_and_stop_at_the_ends(model, blobs):
    player = tc.scrub(model, blobs)
    player.back.click()
    assert player.frame == 0
    player.forward.click()
    player.forward.click()
    assert player.frame == 2
    player.show(10_000)
    assert player.frame == len(model.history_) - 1
    player.forward.click()
    assert player.frame == len(model.history_) - 1


def test_the_snapshot_names_its_view(model, blobs):
    assert isinstance(tc.scrub(model, blobs).stage.views[0], KMeansView)
    assert isinstance(tc.scrub(model, blobs, view=PointsView).stage.views[0], PointsView)


def test_a_history_or_a_single_snapshot_can_be_scrubbed(model, blobs):
    assert tc.scrub(model.history_, blobs).stage.n_frames == len(model.history_)
    assert tc.scrub(list(model.history_[:3]), blobs).stage.n_frames == 3
    assert tc.scrub(model.history_[-1], blobs).stage.n_frames == 1


def test_two_models_side_by_side_share_one_slider(blobs):
    short = tc.KMeans(n_clusters=3, random_state=0).fit(blobs)
    long = tc.KMeans(n_clusters=3, init="random", random_state=2).fit(blobs)
    player = tc.scrub([short, long], blobs, titles=["k-means++", "random"])
    assert player.stage.n_frames == max(len(short.history_), len(long.history_))
    assert len(player.stage.views) == 2
    player.show(player.stage.n_frames - 1)
    # The shorter history stays on its last frame.
    shown = player.stage.snapshots(player.frame)
    assert shown[0] is short.history_[-1] and shown[1] is long.history_[-1]
    assert "k-means++:" in player.caption.value and "random:" in player.caption.value


def test_more_than_two_features_use_one_fixed_pca(model):
    X, _ = tc.datasets.load("iris")
    fitted = tc.KMeans(n_clusters=3, random_state=0).fit(X)
    player = tc.scrub(fitted, X)
    view = player.stage.views[0]
    limits = view.ax.get_xlim()
    player.show(3)
    assert view.ax.get_xlim() == limits
    assert view.ax.get_xlabel().startswith("PC 1")
    np.testing.assert_allclose(view.points.get_offsets(), view.project(X))


def test_projection_of_one_two_and_many_features():
    rng = np.random.default_rng(0)
    one = Projection(rng.random((5, 1)))
    assert one(np.ones((2, 1))).tolist() == [[1.0, 0.0], [1.0, 0.0]]
    two = rng.random((5, 2))
    np.testing.assert_array_equal(Projection(two)(two), two)
    many = rng.random((20, 6))
    projected = Projection(many)(many)
    assert projected.shape == (20, 2)
    np.testing.assert_allclose(projected.mean(axis=0), 0, atol=1e-12)
    assert Projection(many)(np.empty((0, 6))).shape == (0, 2)


def test_a_new_view_is_a_small_subclass(model, blobs):
    class CentresOnly(View):
        def setup(self):
            self.ax = self.figure.subplots()
            self.data_axes(self.ax)
            self.line, = self.ax.plot([], [], "k^")

        def draw(self, snapshot, frame):
            xy = self.project(snapshot.centers)
            self.line.set_data(xy[:, 0], xy[:, 1])

    player = tc.scrub(model, blobs, view=CentresOnly)
    player.show(4)
    np.testing.assert_allclose(np.column_stack(player.stage.views[0].line.get_data()),
                               model.history_[4].centers)


def test_unfitted_models_and_bad_data_are_refused(blobs):
    with pytest.raises(ValueError, match="fit"):
        tc.scrub(tc.KMeans(n_clusters=3), blobs)
    with pytest.raises(ValueError, match="fit"):
        tc.scrub([], blobs)
    model = tc.KMeans(n_clusters=3, random_state=0).fit(blobs)
    with pytest.raises(ValueError, match="2-D"):
        tc.scrub(model, blobs[:, 0])


def test_save_animation_writes_a_gif_with_every_frame(model, blobs, tmp_path):
    path = tc.save_animation(model, blobs, tmp_path / "kmeans.gif", fps=4, dpi=40)
    with Image.open(path) as gif:
        assert gif.n_frames == len(model.history_)


def test_save_animation_writes_a_self_contained_html_player(model, blobs, tmp_path):
    path = tc.save_animation(model, blobs, tmp_path / "kmeans.html", dpi=40)
    html = path.read_text()
    assert html.count("data:image/png;base64") == len(model.history_)
    assert "<script" in html and "src=\"http" not in html
    import re

    assert "font-awesome" not in html and "fa fa-" not in html
    assert not re.search(r"(?:src|href|url)\s*[=(]\s*[\"']?(?:https?:)?//", html)
    assert html.count("<button") == 9 and html.count("<span>") >= 9


def test_save_animation_refuses_other_formats(model, blobs, tmp_path):
    with pytest.raises(ValueError, match=".gif or .html"):
        tc.save_animation(model, blobs, tmp_path / "kmeans.mp4")


def test_the_true_classes_reach_every_view(model, blobs):
    y = np.arange(len(blobs)) % 3
    player = tc.scrub([model, model.history_], blobs, y)
    assert all(np.array_equal(view.y, y) for view in player.stage.views)
    assert tc.scrub(model, blobs).stage.views[0].y is None
    with pytest.raises(ValueError, match="one label per row"):
        tc.scrub(model, blobs, y[:-1])


# Kernel-free player, blitting, sizes --------------------------------------------

def _blit_cases():
    from sklearn.datasets import make_blobs as blobs

    from tutorcluster.views.centnn import CentNNProgressView
    from tutorcluster.views.subtractive import LandscapeView

    X, y = blobs(n_samples=90, centers=[[0, 0], [6, 0], [3, 5]], cluster_std=0.6, random_state=0)
    return X, y, {
        "KMeans": (tc.KMeans(3, random_state=0), None),
        "CentNN": (tc.CentNN(3), None),
        "CentNNProgress": (tc.CentNN(3), CentNNProgressView),
        "AMSOM": (tc.AMSOM(max_epochs=12, decay_epochs=6, t_add=4, age_max=5,
                           phase3_max_epochs=3, random_state=0), None),
        "ARKMeans": (tc.ARKMeans(6, random_state=0), None),
        "KPrimeMeans": (tc.KPrimeMeans(6, random_state=0), None),
        "FNMeans": (tc.FNMeans(), None),
        "WMSC": (tc.WeightedMeanSubtractiveClustering(0.5), None),
        "Landscape": (tc.SubtractiveClustering(0.5), LandscapeView),
        "FuzzyCMeans": (tc.FuzzyCMeans(3, random_state=0), None),
    }


@pytest.mark.parametrize("name", sorted(_blit_cases()[2]))
def test_blitted_frames_are_pixel_identical_to_full_draws(name):
    from tutorcluster.widgets import Stage

    X, y, cases = _blit_cases()
    model, view = cases[name]
    model.fit(X)
    blitted = Stage([model], X, y, view=view)
    full = Stage([model], X, y, view=view, blit=False)
    if not all(v.blit for v in blitted.views):
        assert not blitted.animated, f"{name}: a view that opts out of blitting was blitted"
        return
    assert blitted.animated, f"{name}: nothing was found to blit"
    for frame in range(blitted.n_frames):
        for stage in (blitted, full):
            stage.draw(frame)
            stage.render()
        np.testing.assert_array_equal(np.asarray(blitted.figure.canvas.buffer_rgba()),
                                      np.asarray(full.figure.canvas.buffer_rgba()),
                                      err_msg=f"{name}, frame {frame}")


def test_a_view_that_rebuilds_its_artists_is_drawn_in_full(model, blobs):
    class Rebuilding(PointsView):
        def draw(self, snapshot, frame):
            for artist in list(self.ax.texts):
                artist.remove()
            self.ax.text(0, 0, str(frame))

    player = tc.scrub(model, blobs, view=Rebuilding)
    assert player.stage.animated == [] and player.kernel_free
    assert player.images.children[0].value != player.images.children[1].value


def test_the_kernel_free_player_links_its_stacks_to_the_slider(model, blobs):
    import ipywidgets as widgets

    player = tc.scrub(model, blobs)
    assert player.kernel_free and isinstance(player.images, widgets.Stack)
    n = len(model.history_)
    assert len(player.images.children) == len(player.captions.children) == n
    # Frame i's picture is frame i drawn in full (up to the 256-colour palette),
    # and far from frame i + 1 where those differ.
    from tutorcluster.widgets import Stage

    full = Stage([model], blobs, blit=False)
    pictures = [np.asarray(Image.open(io.BytesIO(image.value)).convert("RGB"), dtype=float)
                for image in player.images.children]
    for frame in range(n):
        full.draw(frame)
        full.render()
        drawn = np.asarray(full.figure.canvas.buffer_rgba())[..., :3].astype(float)
        error = np.abs(pictures[frame] - drawn).mean()
        assert error < 2, (frame, error)
        if frame:
            assert np.abs(pictures[frame - 1] - drawn).mean() > error or np.array_equal(
                pictures[frame - 1], pictures[frame])
    from ipywidgets.widgets.widget_link import Link
    assert all(isinstance(link, Link) for link in player.links)  # jslink: in the browser
    targets = {(w.target[0].model_id, w.target[1]) for w in player.links
               if w.source[0] is player.slider}
    assert (player.images.model_id, "selected_index") in targets
    assert (player.captions.model_id, "selected_index") in targets
    assert (player.frame_box.model_id, "value") in targets
    player.show(3)
    assert player.images.selected_index == player.captions.selected_index == 3
    assert player.picture is player.images.children[3]
    assert player.caption.value.count("4/") == 1


def test_in_a_notebook_the_other_frames_are_rendered_after_the_cell(model, blobs):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        shell.user_ns.update(tc=tc, model=model, X=blobs)
        shell.run_cell("player = tc.scrub(model, X)\n"
                       "during = [bool(image.value) for image in player.images.children]")
        player, during = shell.user_ns["player"], shell.user_ns["during"]
        hooks = list(shell.events.callbacks["post_execute"])
    finally:
        InteractiveShell.clear_instance()
    n = len(model.history_)
    # While the cell ran: the first frame (on screen) and the last (the budget's check).
    assert during == [frame in (0, n - 1) for frame in range(n)]
    # Once it is done (before the kernel says so): every frame, as if rendered at once,
    # and the hook is gone.
    at_once = tc.scrub(model, blobs)
    assert [image.value for image in player.images.children] == [
        image.value for image in at_once.images.children]
    assert not any(getattr(hook, "__name__", "") == "fill_once" for hook in hooks)


def test_a_notebook_executed_by_nbclient_saves_every_frame():
    nbclient = pytest.importorskip("nbclient")
    import base64

    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "import tutorcluster as tc\n"
        "from sklearn.datasets import make_blobs\n"
        "X, _ = make_blobs(n_samples=300, centers=3, random_state=0)\n"
        "model = tc.KMeans(n_clusters=3, init='random', random_state=2).fit(X)\n"
        "frames = [model.history_[i % len(model.history_)] for i in range(20)]\n"
        "tc.scrub(frames, X)")]
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    state = notebook.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    images = [model for model in state.values() if model["model_name"] == "ImageModel"]
    assert len(images) == 20
    # Every frame's PNG is in the saved state, not only the first one's.
    pngs = [base64.b64decode(model["buffers"][0]["data"]) for model in images]
    assert all(_png_size(png)[0] > 100 for png in pngs)


def test_python_links_for_colab_and_the_kernel_path(model, blobs):
    player = tc.scrub(model, blobs, link="python")
    player.slider.value = 2
    assert player.images.selected_index == 2 and player.frame_box.value == 2
    kernel = tc.scrub(model, blobs, prerender=False)
    assert not kernel.kernel_free and "drawn by the kernel" in kernel.caption.value
    first = kernel.picture.value
    kernel.forward.click()
    assert kernel.picture.value != first and "2/" in kernel.caption.value
    with pytest.raises(ValueError, match="link"):
        tc.scrub(model, blobs, link="telepathy")


def test_past_the_frame_budget_the_kernel_draws(model, blobs, monkeypatch):
    from tutorcluster import widgets as player_module

    monkeypatch.setattr(player_module, "MAX_PRERENDER_FRAMES", 4)
    player = tc.scrub(model, blobs)
    assert not player.kernel_free
    assert "budget of 4" in player.caption.value
    monkeypatch.setattr(player_module, "MAX_PRERENDER_FRAMES", 300)
    monkeypatch.setattr(player_module, "MAX_PRERENDER_BYTES", 1000)
    assert "MB" in tc.scrub(model, blobs).caption.value


def test_prerender_off_for_a_harness_makes_every_player_kernel_driven(model, blobs, monkeypatch):
    from tutorcluster import widgets as player_module

    assert player_module.PRERENDER is True and tc.scrub(model, blobs).kernel_free
    monkeypatch.setattr(player_module, "PRERENDER", False)
    player = tc.scrub(model, blobs)
    assert not player.kernel_free and "drawn by the kernel" in player.caption.value
    player.show(2)   # still a working player: the kernel draws the frame asked for
    assert player.frame == 2


def test_wide_side_by_side_players_stack_their_panels(blobs):
    a = tc.ARKMeans(6, random_state=0).fit(blobs)
    b = tc.RKMeans(6, random_state=0).fit(blobs)
    player = tc.scrub([a, b], blobs)
    width, height = player.stage.figure.canvas.get_width_height()
    one_height = tc.scrub(a, blobs).stage.figure.canvas.get_width_height()[1]
    assert player.stage.stacked and width <= 1100 and height >= 2 * one_height - 10
    small = tc.KMeans(3, random_state=0).fit(blobs)
    assert not tc.scrub([small, small.history_], blobs).stage.stacked


def test_the_palette_does_not_repeat_within_256_clusters():
    from tutorcluster.views import PALETTE, label_colors

    assert len(np.unique(np.round(PALETTE, 4), axis=0)) == len(PALETTE) >= 256
    colours = label_colors(np.arange(25), 25)
    assert len(np.unique(colours, axis=0)) == 25


def test_a_long_history_gets_a_wide_slider(blobs):
    model = tc.KMeans(3, random_state=0).fit(blobs)
    frames = [model.history_[i % len(model.history_)] for i in range(211)]
    player = tc.scrub(frames, blobs, dpi=30)
    assert int(player.slider.layout.width.rstrip("px")) >= 3 * 211
    assert player.frame_box.max == 210


def test_saved_captions_wrap_inside_the_figure(blobs, tmp_path):
    from tutorcluster.widgets import Stage

    a = tc.KMeans(3, random_state=0).fit(blobs)
    b = tc.KMeans(3, init="random", random_state=2).fit(blobs)
    stage = Stage([a, b], blobs, caption_in_figure=True, blit=False)
    stage.draw(1)
    stage.figure.canvas.draw()
    box = stage.caption_text.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= stage.figure.bbox.x1 and box.y0 >= 0
    assert "\n" in stage.caption_text.get_text()


def test_a_saved_caption_does_not_overlap_the_views_legend(blobs):
    from tutorcluster.widgets import Stage

    model = tc.AMSOM(max_epochs=8, decay_epochs=4, t_add=4, age_max=5, phase3_max_epochs=2,
                     random_state=0).fit(blobs)
    stage = Stage([model], blobs, caption_in_figure=True, blit=False, dpi=60)
    stage.draw(3)
    stage.figure.canvas.draw()
    legends = [a for a in stage.figure.findobj() if type(a).__name__ == "Legend"]
    assert legends
    caption = stage.caption_text.get_window_extent()
    assert not any(legend.get_window_extent().overlaps(caption) for legend in legends)


# Grouped points (the views' fast scatter) --------------------------------------

def _points_picture(xy, colours, sizes, grouped, **style):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from tutorcluster.views.base import points_scatter

    figure = Figure(figsize=(2, 2), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1), xlim=(0, 200), ylim=(0, 200))
    ax.set_axis_off()
    if grouped:
        points = points_scatter(ax, xy, s=sizes, c=colours, **style)
    else:
        points = ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=colours, **style)
    figure.canvas.draw()
    return points, 255 - np.asarray(figure.canvas.buffer_rgba())[..., :3].astype(float).mean(axis=2)


def test_grouped_points_draw_every_point_once_in_its_own_colour_and_size():
    """The groups partition the points exactly, each group of one colour and one size."""
    from tutorcluster.views.base import PALETTE

    rng = np.random.default_rng(0)
    xy = rng.uniform(10, 190, (500, 2))
    colours = PALETTE[rng.integers(0, 6, len(xy))]
    sizes = rng.choice([10.0, 40.0], len(xy))
    points, _ = _points_picture(xy, colours, sizes, grouped=True, edgecolors="black",
                                linewidths=0.5)
    groups = points.groups()
    assert groups is not None and len(groups) == 12
    np.testing.assert_array_equal(np.sort(np.concatenate(groups)), np.arange(len(xy)))
    for members in groups:
        assert len(np.unique(colours[members], axis=0)) == 1
        assert len(np.unique(sizes[members])) == 1
    # A colour map over many points in many colours: drawn as a plain scatter.
    points.set_facecolor(rng.uniform(0, 1, (len(xy), 4)))
    assert points.groups() is None


@pytest.mark.parametrize("style", [dict(linewidths=0), dict(edgecolors="black", linewidths=0.5)])
@pytest.mark.parametrize("shift", [0.0, 0.25, 0.5, 0.75])
def test_a_grouped_point_looks_like_the_scatter_point(style, shift):
    """Equal up to where the marker is stamped: the same ink (within 1 %), centred within
    one pixel of the plain scatter's marker (Agg places stamped markers on its own grid)."""
    xy = np.array([[100.0 + shift, 100.0 - shift]])
    colour = np.array([[0.12, 0.47, 0.71, 1.0]])
    _, plain = _points_picture(xy, colour, [30.0], grouped=False, **style)
    _, grouped = _points_picture(xy, colour, [30.0], grouped=True, **style)
    assert abs(grouped.sum() - plain.sum()) <= 0.01 * plain.sum()
    for axis in np.indices(plain.shape):  # rows, then columns
        centre_plain = (axis * plain).sum() / plain.sum()
        centre_grouped = (axis * grouped).sum() / grouped.sum()
        assert abs(centre_plain - centre_grouped) <= 1.0 + 1e-9  # a half-pixel tie rounds apart


# The smooth image (the subtractive views' fast bilinear image) -------------------

def _image_picture(values, limits, smooth, origin="lower"):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import Normalize
    from matplotlib.figure import Figure

    from tutorcluster.views.base import smooth_image

    figure = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.1, 0.1, 0.8, 0.8), xlim=limits[0], ylim=limits[1])
    style = dict(extent=(0, 2, 0, 2), cmap="viridis", norm=Normalize(-1, 2))
    if smooth:
        image = smooth_image(ax, values, **style)
        image.origin = origin
    else:
        ax.imshow(values, origin=origin, aspect="auto", interpolation="bilinear",
                  interpolation_stage="data", **style)  # values interpolated, then coloured
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[..., :3].astype(int)


@pytest.mark.parametrize("shape", [(21, 21), (17, 31), (101, 101)])
@pytest.mark.parametrize("limits", [((-0.5, 2.5), (-1, 3)), ((0.5, 1.5), (0.3, 1.2))])
@pytest.mark.parametrize("origin", ["lower", "upper"])
def test_a_smooth_image_looks_like_the_bilinear_image(shape, limits, origin):
    """Within 3 of 255 levels everywhere, whole or clipped by the axes, either way up."""
    rows, columns = (np.linspace(0, 1, n) for n in shape)
    values = np.sin(4 * columns[None]) + np.cos(3 * rows[:, None]) * (rows[:, None] > 0.3)
    smooth = _image_picture(values, limits, smooth=True, origin=origin)
    bilinear = _image_picture(values, limits, smooth=False, origin=origin)
    assert np.abs(smooth - bilinear).max() <= 3
    assert (smooth != 255).any()  # something was drawn
