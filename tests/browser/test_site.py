"""The course site (``make site``), opened offline in a real (headless) browser.

The built site (site/_build/html) is served on 127.0.0.1 and opened in
Debian's Chromium, driven by Playwright (pointed at ``/usr/bin/chromium``, see
conftest.py; Playwright's own browser download is never used). Every request
to any other host is blocked and recorded, as on a classroom machine without
Wi-Fi. On every page:

* no request left the machine, and the console shows no error;
* MathJax finished, and no raw ``$$``, ``\\begin{`` or ``\\frac`` is left in the
  visible text (code cells excluded: code may hold TeX in strings);
* every player scrubs without a kernel. A player is a saved widget view holding
  a slider or a Play button; its saved state (the page's widget-state script)
  says what each frame must look like: the PNG of every ``Image`` in its Stack
  of frames and the text of every caption. The test then checks, frame by
  frame, that the page shows exactly that frame's picture (the PNG bytes on
  screen, hashed) and caption: at load (frame 1), after ArrowRight on the
  slider (frame 2, and the page must not turn), ArrowLeft (frame 1), the frame
  box's ArrowUp (frame 2) and ArrowDown (frame 1), and after Play (a later frame).

A player with no Stack of frames ``jslink``-ed to its slider (a kernel-driven
player: a history past the player's budget falls back to that, and says so in
its caption) cannot move in a static page: it is a failure, reported with its
caption.

``test_fixture_player_scrubs`` builds a small site from
tests/browser/site_fixture/ (the package's own player, the way ``tc.scrub``
makes one) plus a notebook written here that breaks each check on purpose (raw
``$$``, a console error, a player whose pictures are unlinked from its slider,
a kernel-driven player), so the machinery is tested whatever the notebooks hold:
the good page must pass and the broken page must fail in each of those ways.

Run with ``make test-site`` (builds the site first). Each page's size (the
HTML and everything it loaded) is printed.
"""

import base64
import functools
import hashlib
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("SITE_HTML", ROOT / "site" / "_build" / "html"))
FIXTURE = Path(__file__).resolve().parent / "site_fixture"
RAW_TEX = ("$$", "\\begin{", "\\frac")


def _pages(html):
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if not p.relative_to(html).parts[0].startswith("_")
                  and p.name not in {"genindex.html", "search.html"})


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(folder):
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class Visit:
    """One page, opened with every off-machine request blocked."""

    def __init__(self, browser, base, folder, path):
        self.context = browser.new_context(viewport={"width": 1280, "height": 720})
        self.errors, self.blocked, self.loaded = [], [], set()
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("response", lambda r: r.status >= 400 and self.errors.append(
            f"HTTP {r.status}: {r.url}"))
        self.base, self.folder = base, folder
        self.page.goto(f"{base}/{path}", wait_until="load")
        self.page.wait_for_load_state("networkidle")
        self.page.evaluate("""async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise)
                await MathJax.startup.promise;
        }""")

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base + "/"):
            self.loaded.add(urlparse(url).path)
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def size(self):
        total = 0
        for path in self.loaded:
            local = self.folder / unquote(path).lstrip("/")
            if local.is_dir():
                local = local / "index.html"
            if local.is_file():
                total += local.stat().st_size
        return total

    def visible_text(self):
        return self.page.evaluate("""() => {
            const main = (document.querySelector('main') || document.body).cloneNode(true);
            main.querySelectorAll('.cell_input, pre, code, script, style, mjx-container, .MathJax')
                .forEach(e => e.remove());
            return main.innerText;
        }""")

    def close(self):
        self.context.close()


def _saved_state(html_file):
    """The page's saved widget state (model id -> model), read from the HTML file."""
    text = Path(html_file).read_text(encoding="utf-8")
    match = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
                      text, re.S)
    return json.loads(match.group(1))["state"] if match else {}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def _words(text):
    """Text with its whitespace (spaces, non-breaking spaces, newlines) made single spaces."""
    return " ".join(text.split())


def _html_text(markup):
    """What an HTML widget's value shows as text (tags dropped, entities decoded)."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return _words(html.unescape("".join(parser.parts)))


def _model_id(reference):
    return reference.removeprefix("IPY_MODEL_")


def _subtree(state, root):
    """Every model id in the widget tree under ``root`` (the root first)."""
    ids, todo = [], [root]
    while todo:
        model = todo.pop(0)
        if model in state and model not in ids:
            ids.append(model)
            todo += [_model_id(c) for c in state[model]["state"].get("children", [])]
    return ids


def _linked(state, slider, stack):
    """True when a saved link joins ``slider.value`` and ``stack.selected_index``."""
    ends = {(slider, "value"), (stack, "selected_index")}
    for model in state.values():
        if model["model_name"] in ("LinkModel", "DirectionalLinkModel"):
            source, target = model["state"].get("source"), model["state"].get("target")
            if source and target and {(_model_id(source[0]), source[1]),
                                      (_model_id(target[0]), target[1])} == ends:
                return True
    return False


def _player_spec(state, root):
    """What the saved state says a player shows, or None if ``root`` is no player.

    Returns a dict: ``frames`` (the SHA-256 of each frame's PNG, in order),
    ``captions`` (each frame's caption text) and ``problem`` (why it cannot
    scrub in a static page, or None).
    """
    tree = _subtree(state, root)
    names = {model: state[model]["model_name"] for model in tree}
    sliders = [m for m in tree if names[m] == "IntSliderModel"]
    if not sliders and "PlayModel" not in names.values():
        return None
    spec = {"frames": [], "captions": [], "problem": None}
    html_values = [state[m]["state"].get("value", "") for m in tree if names[m] == "HTMLModel"]
    first_caption = _html_text(html_values[0]) if html_values else "(no caption)"
    if len(sliders) != 1:
        spec["problem"] = f"{len(sliders)} sliders (a player has one); caption {first_caption!r}"
        return spec
    slider = sliders[0]
    n_frames = state[slider]["state"]["max"] - state[slider]["state"].get("min", 0) + 1

    def stack_of(kind):
        for model in tree:
            children = [_model_id(c) for c in state[model]["state"].get("children", [])]
            if (names[model] == "StackModel" and children
                    and all(state[c]["model_name"] == kind for c in children)):
                return model, children
        return None, []

    images, frames = stack_of("ImageModel")
    captions, caption_models = stack_of("HTMLModel")
    if images is None or not _linked(state, slider, images):
        spec["problem"] = (f"no Stack of frames jslinked to its slider (kernel-driven: it cannot "
                           f"move without a kernel); caption {first_caption!r}")
        return spec
    for frame in frames:
        buffers = [b for b in state[frame].get("buffers", []) if b.get("path") == ["value"]]
        data = base64.b64decode(buffers[0]["data"]) if buffers else b""
        spec["frames"].append(hashlib.sha256(data).hexdigest())
    if captions is not None and _linked(state, slider, captions):
        spec["captions"] = [_html_text(state[c]["state"].get("value", "")) for c in caption_models]
    if len(frames) != n_frames:
        spec["problem"] = f"{len(frames)} pictures for a slider of {n_frames} frames"
    elif n_frames < 2:
        spec["problem"] = "a single frame: nothing to scrub"
    # The step the test makes (frame 1 to 2) must change what is shown. (Later
    # frames may repeat a picture: a converged run draws the same figure.)
    elif spec["frames"][0] == spec["frames"][1]:
        spec["problem"] = "frames 1 and 2 have the same picture: a step does not change it"
    elif spec["captions"] and spec["captions"][0] == spec["captions"][1]:
        spec["problem"] = "frames 1 and 2 have the same caption: a step does not change it"
    return spec


def _wait_for_widgets(page):
    """Wait until the widget manager has rendered every saved view; number the views.

    The manager puts each view's ``div.widget-subarea`` just before its
    ``<script>``; that div gets ``data-site-view=<n>``. Returns the model id of
    each view, in page order.
    """
    script = 'script[type="application/vnd.jupyter.widget-view+json"]'
    views = page.locator(script).count()
    if views:
        page.wait_for_function(f"""() => [...document.querySelectorAll('{script}')].every(s =>
            s.previousElementSibling && s.previousElementSibling.classList.contains('widget-subarea')
            && s.previousElementSibling.children.length > 0)""", timeout=60_000)
    return page.evaluate(f"""() => [...document.querySelectorAll('{script}')].map((s, n) => {{
        s.previousElementSibling.dataset.siteView = n;
        return JSON.parse(s.textContent).model_id; }})""")


# What a player shows: the SHA-256 of each visible picture's bytes (an Image
# widget's src is a blob: URL of its PNG) and the text of each visible caption.
_ON_SCREEN = """async (area) => {
    const visible = e => e.offsetParent !== null && e.getClientRects().length > 0;
    const pictures = [];
    for (const img of [...area.querySelectorAll('img')].filter(visible)) {
        const bytes = await (await fetch(img.src)).arrayBuffer();
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        pictures.push([...digest].map(b => b.toString(16).padStart(2, '0')).join(''));
    }
    const captions = [...area.querySelectorAll('.widget-html-content')].filter(visible)
        .map(h => h.innerText);
    return {pictures, captions};
}"""


class _Player:
    """One player on the open page, checked against its saved state."""

    def __init__(self, page, area, spec, label):
        self.page, self.area, self.spec, self.label = page, area, spec, label
        self.url = page.url

    def left_the_page(self):
        return self.page.url != self.url

    def shown(self):
        if self.left_the_page():
            return [], []
        try:
            seen = self.area.evaluate(_ON_SCREEN, timeout=10_000)
        except Exception:  # Playwright's errors: raised again unless the page turned meanwhile
            if self.left_the_page():
                return [], []
            raise
        return seen["pictures"], [_words(c) for c in seen["captions"]]

    def matches(self, frame):
        pictures, captions = self.shown()
        ok = pictures == [self.spec["frames"][frame]]
        if self.spec["captions"]:
            ok = ok and captions == [self.spec["captions"][frame]]
        return ok

    def describe(self):
        pictures, captions = self.shown()
        frames = self.spec["frames"]
        which = [f"frame {frames.index(p) + 1}" if p in frames else "no frame of the player"
                 for p in pictures]
        return f"the picture shows {which or 'nothing'}, the caption reads {captions}"

    def expect(self, frame, action, timeout=5.0):
        """Wait until frame ``frame`` (0-based) is on screen; return a failure or None."""
        deadline = time.monotonic() + timeout
        while not self.matches(frame):
            if self.left_the_page():
                return f"{self.label}: {action} left the page (for {self.page.url})"
            if time.monotonic() > deadline:
                return (f"{self.label}: after {action}, frame {frame + 1}/{len(self.spec['frames'])} "
                        f"should be on screen, but {self.describe()}")
            self.page.wait_for_timeout(100)
        return None

    def press(self, target, key, frame, action):
        target.focus()
        self.page.keyboard.press(key)
        return self.expect(frame, action)

    def playing_advances(self, timeout=10.0):
        """Click Play at frame 1: some later frame must come on screen, picture and caption."""
        frames = self.spec["frames"]
        self.area.locator(".widget-play button").first.click()
        deadline, failure = time.monotonic() + timeout, None
        while True:
            pictures, captions = self.shown()
            later = [n for n in range(1, len(frames))
                     if pictures == [frames[n]]
                     and (not self.spec["captions"] or captions == [self.spec["captions"][n]])]
            if later:
                break
            if time.monotonic() > deadline:
                failure = f"{self.label}: Play did not advance ({self.describe()})"
                break
            self.page.wait_for_timeout(100)
        stop = self.area.locator(".widget-play button").nth(1)
        if stop.count():
            stop.click()
        return failure


def _check_players(page, html_file, name):
    """Scrub every player on the page; return (number of players, failures)."""
    state = _saved_state(html_file)
    views = _wait_for_widgets(page)
    failures, players = [], 0
    for index, root in enumerate(views):
        spec = _player_spec(state, root)
        if spec is None:
            continue
        players += 1
        label = f"{name}: player {players}"
        if spec["problem"]:
            failures.append(f"{label}: {spec['problem']}")
            continue
        area = page.locator(f'[data-site-view="{index}"]')
        area.scroll_into_view_if_needed()
        player = _Player(page, area, spec, label)
        handle = area.locator(".noUi-handle").first
        box = area.locator('input[type="number"]').first
        if not handle.count() or not box.count() or not area.locator(".widget-play button").count():
            failures.append(f"{label}: no slider handle, frame box or Play button on screen")
            continue
        steps = [lambda: player.expect(0, "loading the page"),
                 lambda: player.press(handle, "ArrowRight", 1, "ArrowRight on the slider"),
                 lambda: player.press(handle, "ArrowLeft", 0, "ArrowLeft on the slider"),
                 lambda: player.press(box, "ArrowUp", 1, "ArrowUp in the frame box"),
                 lambda: player.press(box, "ArrowDown", 0, "ArrowDown in the frame box"),
                 player.playing_advances]
        for step in steps:
            failure = step()
            if failure:
                failures.append(failure)
                break
        if player.left_the_page():
            break  # the page turned: the rest of its players are gone
    return players, failures


def _check_site(browser, folder):
    """Open every page; return ({page: its problems}, {page: its number of players})."""
    if not (folder / "index.html").is_file():
        pytest.skip(f"the site is not built ({folder / 'index.html'} is missing): run `make site`, "
                    "or `make test-site`, which builds it and runs this test")
    server, base = _serve(folder)
    problems, players = {}, {}
    pages = _pages(folder)
    try:
        for path in pages:
            start = time.monotonic()
            visit = Visit(browser, base, folder, path)
            found = problems[path] = []
            try:
                # Navigation: the sidebar links every page of the site.
                linked = set(visit.page.evaluate("""() => [...document.querySelectorAll(
                    '.bd-sidebar-primary a.reference.internal')].map(a => a.href)"""))
                linked = {urlparse(u).path.lstrip("/") or "index.html" for u in linked}
                unlinked = sorted(set(pages) - linked - {path, "index.html"})
                if unlinked:
                    found.append(f"{path}: the navigation does not link {unlinked}")
                text = visit.visible_text()
                raw = [t for t in RAW_TEX if t in text]
                if raw:
                    found.append(f"{path}: raw TeX left in the visible text: {raw}")
                players[path], failures = _check_players(visit.page, folder / path, path)
                found += failures
                if visit.blocked:
                    found.append(f"{path}: requests to other hosts: {sorted(set(visit.blocked))}")
                if visit.errors:
                    found.append(f"{path}: console errors: {visit.errors}")
                print(f"{path}: {visit.size() / 1e6:.2f} MB loaded "
                      f"({(folder / path).stat().st_size / 1e6:.2f} MB HTML), "
                      f"{players[path]} players, checked in {time.monotonic() - start:.0f} s")
            finally:
                visit.close()
    finally:
        server.shutdown()
    return problems, players


# A page that breaks every check on purpose (test_fixture_player_scrubs): each
# entry of BROKEN says what the checker must report for it.
BROKEN_CELLS = [
    ("markdown", "# Broken on purpose\n\nEscaped dollars stay raw text: \\$\\$ x \\$\\$."),
    ("code", "from IPython.display import Javascript\n"
             "Javascript(\"console.error('broken on purpose')\")"),
    ("code", "from sklearn.datasets import make_blobs\n\nimport tutorcluster as tc\n\n"
             "X, _ = make_blobs(n_samples=150, centers=3, random_state=0)\n"
             "model = tc.KMeans(3, init=\"random\", random_state=1).fit(X)\n"
             "# Every frame shows the first picture (the captions still move).\n"
             "frozen = tc.scrub(model, X, dpi=40)\n"
             "frozen.images.children = [frozen.images.children[0]] * len(frozen.images.children)\n"
             "frozen"),
    ("code", "tc.scrub(model, X, dpi=40, prerender=False)"),
]
BROKEN = ["raw TeX left in the visible text: ['$$']",
          "console errors: ['broken on purpose']",
          "player 1: frames 1 and 2 have the same picture",
          "player 2: no Stack of frames jslinked to its slider (kernel-driven"]


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    if not (ROOT / "site" / "node_modules").is_dir():
        pytest.skip("site/node_modules is missing: run `make site` (it runs npm ci) first")
    pytest.importorskip("myst_nb", reason="pip install -e '.[site]'")
    nbformat = pytest.importorskip("nbformat")
    notebooks, build = tmp_path_factory.mktemp("notebooks"), tmp_path_factory.mktemp("site")
    shutil.copy(FIXTURE / "player.ipynb", notebooks / "player.ipynb")
    broken = nbformat.v4.new_notebook(cells=[
        (nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell)(text)
        for kind, text in BROKEN_CELLS])
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
    nbformat.write(broken, notebooks / "zz-broken.ipynb")
    subprocess.run([sys.executable, str(ROOT / "site" / "build.py"), "--notebooks", str(notebooks),
                    "--build-dir", str(build), "--jobs", "1", "-q"], check=True)
    return build / "html"


def test_fixture_player_scrubs(browser, fixture_site):
    problems, players = _check_site(browser, fixture_site)
    # The good page: its one player passes every check.
    assert problems["notebooks/player.html"] == [] and players["notebooks/player.html"] == 1, (
        problems["notebooks/player.html"], players)
    # The broken page: every check it breaks is reported, and nothing else.
    found = problems["notebooks/zz-broken.html"]
    assert players["notebooks/zz-broken.html"] == 2
    missing = [want for want in BROKEN if not any(want in problem for problem in found)]
    assert not missing, f"the checker missed {missing}; it reported {found}"
    assert len(found) == len(BROKEN), found
    # The on-screen comparison itself can fail: told to expect the frames shifted
    # by one, the checker finds the first frame's picture where the last one should be.
    server, base = _serve(fixture_site)
    visit = Visit(browser, base, fixture_site, "notebooks/player.html")
    try:
        html_file = fixture_site / "notebooks" / "player.html"
        views = _wait_for_widgets(visit.page)
        spec = _player_spec(_saved_state(html_file), views[0])
        spec["frames"] = spec["frames"][1:] + spec["frames"][:1]
        player = _Player(visit.page, visit.page.locator('[data-site-view="0"]'), spec, "rotated")
        failure = player.expect(0, "loading the page", timeout=1.0)
        last = len(spec["frames"])
        assert failure and f"frame 1/{last} should be on screen, but the picture shows " \
            f"['frame {last}']" in failure, failure
    finally:
        visit.close()
        server.shutdown()


def test_site(browser):
    problems, players = _check_site(browser, SITE)
    print(f"{sum(players.values())} players on {len(players)} pages")
    assert not any(problems.values()), "\n".join(p for page in problems.values() for p in page)
