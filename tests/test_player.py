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
