"""A saved HTML animation, opened offline in a real (headless) browser.

``save_animation(..., "x.html")`` is sold as the offline lecture file: this
test opens it from ``file://`` in Debian's Chromium with every other request
blocked (and recorded), and checks that every button shows a visible label
and that the buttons and the slider change the frame.
"""

import pytest
from sklearn.datasets import make_blobs

import tutorcluster as tc

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def page(browser):
    """A page of the shared Chromium (tests/browser/conftest.py) that blocks every request
    but ``file:`` and ``data:`` ones, and records what it blocked."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.blocked = []

    def block_the_network(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", block_the_network)
    yield page
    page.close()


def test_saved_html_works_offline(page, tmp_path):
    X, _ = make_blobs(n_samples=300, centers=3, random_state=0)
    model = tc.KMeans(n_clusters=3, init="random", random_state=2).fit(X)
    path = tc.save_animation(model, X, tmp_path / "kmeans.html", dpi=50)
    page.goto(path.as_uri())
    page.wait_for_selector(".animation img[src^='data:image/png']")
    assert page.blocked == [], f"the page asked the network for {page.blocked}"
    buttons = page.locator(".anim-buttons button")
    assert buttons.count() == 9
    for n in range(buttons.count()):
        label = buttons.nth(n).locator("span")
        box = label.bounding_box()
        assert label.inner_text().strip() and box and box["width"] > 4 and box["height"] > 4, (
            f"button {buttons.nth(n).get_attribute('title')!r} shows no label")
    picture = page.locator(".animation img")
    slider = page.locator(".anim-slider")
    first = picture.get_attribute("src")
    page.locator("button[title='Next frame']").click()
    assert slider.input_value() == "1" and picture.get_attribute("src") != first
    page.locator("button[title='Last frame']").click()
    assert slider.input_value() == str(len(model.history_) - 1)
    page.locator("button[title='Previous frame']").click()
    assert slider.input_value() == str(len(model.history_) - 2)
    page.locator("button[title='First frame']").click()
    assert picture.get_attribute("src") == first
    page.locator("button[title='Play']").click()
    page.wait_for_function("() => document.querySelector('.anim-slider').value !== '0'",
                           timeout=10_000)
