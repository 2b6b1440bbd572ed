"""The course site (``make site``), opened offline in a real (headless) browser.

The built site (site/_build/html) is served on 127.0.0.1 and opened in
Debian's Chromium, driven by Playwright (pointed at ``/usr/bin/chromium``;
Playwright's own browser download is never used). Every request to any other
host is blocked and recorded, as on a classroom machine without Wi-Fi. On
every page:

* no request left the machine, and the console shows no error;
* MathJax finished, and no raw ``$$``, ``\\begin{`` or ``\\frac`` is left in the
  visible text (code cells excluded: code may hold TeX in strings);
* every player (a widget holding a slider or a Play button) scrubs without a
  kernel: moving the slider changes the visible picture, Play advances it, and a
  frame box (the kernel-free step control) changes the picture and the caption.

A player whose saved state holds no ``Stack`` of frames is kernel-driven (a
history past the player's budget falls back to that, and says so): it cannot
move in a static page, so it is reported as an expected failure, not skipped.

``test_fixture_player_scrubs`` builds a one-notebook site from
tests/browser/site_fixture/ (a player made from core widgets, the way
``tc.scrub`` makes one) so the machinery is tested whatever the notebooks hold.

Run with ``make test-site`` (builds the site first). Each page's size (the
HTML and everything it loaded) is printed.
"""

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
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


def _player_state(page):
    """(picture, caption) of each player on the page, from what is on screen."""
    return page.evaluate("""() => {
        const visible = e => e.offsetParent !== null && e.getClientRects().length > 0;
        return [...document.querySelectorAll('.widget-subarea')]
            .filter(a => a.querySelector('.widget-slider, .widget-play, .widget-hslider'))
            .map(a => ({
                picture: [...a.querySelectorAll('img')].filter(visible).map(i => i.src).join(' '),
                caption: [...a.querySelectorAll('.widget-html-content, .widget-html')]
                    .filter(visible).map(h => h.innerText).join(' '),
            }));
    }""")


def _wait_for_widgets(page):
    """Wait until the widget manager has replaced every saved view by a widget."""
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if views:
        page.wait_for_function("""() => document.querySelectorAll('.widget-subarea').length >=
            document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length""",
                               timeout=30_000)
        page.wait_for_timeout(300)
    return views


def _saved_state(page):
    text = page.evaluate("""() => {
        const s = document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]');
        return s ? s.textContent : null; }""")
    return json.loads(text)["state"] if text else {}


def _check_players(page, name):
    """Scrub every player on the page; return (n players, failures, kernel-driven)."""
    failures, kernel_driven = [], 0
    areas = page.locator(".widget-subarea").filter(
        has=page.locator(".widget-slider, .widget-play, .widget-hslider"))
    has_stack = any(m["model_name"] == "StackModel" for m in _saved_state(page).values())
    for index in range(areas.count()):
        area = areas.nth(index)
        label = f"{name}: player {index + 1}"
        area.scroll_into_view_if_needed()
        before = _player_state(page)[index]
        if not has_stack or not before["picture"]:
            kernel_driven += 1
            continue
        # 1. The slider: focus its handle and step it with the keyboard.
        handle = area.locator(".noUi-handle").first
        if handle.count():
            handle.focus()
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(300)
            after = _player_state(page)[index]
            if after["picture"] == before["picture"]:
                failures.append(f"{label}: moving the slider did not change the picture")
            page.keyboard.press("Home")
            page.wait_for_timeout(300)
            before = _player_state(page)[index]
        # 2. One step: the frame box (a number input jslinked to the slider) is
        #    the player's kernel-free step control; its Next/Previous buttons
        #    are Python callbacks and need a kernel, which a static page has not.
        box = area.locator('input[type="number"]').first
        if box.count():
            box.focus()
            page.keyboard.press("ArrowUp")
            page.wait_for_timeout(300)
            after = _player_state(page)[index]
            if after["picture"] == before["picture"]:
                failures.append(f"{label}: stepping the frame box did not change the picture")
            if before["caption"] and after["caption"] == before["caption"]:
                failures.append(f"{label}: stepping the frame box did not change the caption")
            before = after
        else:
            failures.append(f"{label}: no frame box to step with")
        # 3. Play advances by itself.
        play = area.locator(".widget-play button").first
        if play.count():
            play.click()
            page.wait_for_timeout(1500)
            after = _player_state(page)[index]
            if after["picture"] == before["picture"]:
                failures.append(f"{label}: Play did not advance the picture")
            pause = area.locator(".widget-play button").nth(1)
            if pause.count():
                pause.click()
    return areas.count(), failures, kernel_driven


def _check_site(browser, folder):
    if not (folder / "index.html").is_file():
        pytest.skip(f"the site is not built ({folder / 'index.html'} is missing): run `make site`, "
                    "or `make test-site`, which builds it and runs this test")
    server, base = _serve(folder)
    problems, kernel_driven, players = [], [], 0
    pages = _pages(folder)
    try:
        for path in pages:
            visit = Visit(browser, base, folder, path)
            try:
                # Navigation: the sidebar links every page of the site.
                linked = set(visit.page.evaluate("""() => [...document.querySelectorAll(
                    '.bd-sidebar-primary a.reference.internal')].map(a => a.href)"""))
                linked = {urlparse(u).path.lstrip("/") or "index.html" for u in linked}
                unlinked = sorted(set(pages) - linked - {path, "index.html"})
                if unlinked:
                    problems.append(f"{path}: the navigation does not link {unlinked}")
                views = _wait_for_widgets(visit.page)
                count, failures, kernel = _check_players(visit.page, path)
                players += count
                problems += failures
                if kernel:
                    kernel_driven.append(f"{path}: {kernel} of {count}")
                text = visit.visible_text()
                raw = [t for t in RAW_TEX if t in text]
                if raw:
                    problems.append(f"{path}: raw TeX left in the visible text: {raw}")
                if visit.blocked:
                    problems.append(f"{path}: requests to other hosts: {sorted(set(visit.blocked))}")
                if visit.errors:
                    problems.append(f"{path}: console errors: {visit.errors}")
                print(f"{path}: {visit.size() / 1e6:.2f} MB loaded "
                      f"({(folder / path).stat().st_size / 1e6:.2f} MB HTML), "
                      f"{views} widget views, {count} players")
            finally:
                visit.close()
    finally:
        server.shutdown()
    assert not problems, "\n".join(problems)
    return players, kernel_driven


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    build = tmp_path_factory.mktemp("site")
    if not (ROOT / "site" / "node_modules").is_dir():
        pytest.skip("site/node_modules is missing: run `make site` (it runs npm ci) first")
    pytest.importorskip("myst_nb", reason="pip install -e '.[site]'")
    subprocess.run([sys.executable, str(ROOT / "site" / "build.py"), "--notebooks", str(FIXTURE),
                    "--build-dir", str(build), "--jobs", "1", "-q"], check=True)
    return build / "html"


def test_fixture_player_scrubs(browser, fixture_site):
    players, kernel_driven = _check_site(browser, fixture_site)
    assert players == 1 and not kernel_driven, (players, kernel_driven)


def test_site(browser):
    players, kernel_driven = _check_site(browser, SITE)
    if kernel_driven:
        pytest.xfail("kernel-driven players cannot move in a static page: "
                     + "; ".join(kernel_driven))
