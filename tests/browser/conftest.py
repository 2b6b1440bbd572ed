"""The headless browser every browser test drives: Debian's Chromium, through Playwright.

Playwright can download a browser of its own (into ~/.cache/ms-playwright);
these tests never use it. The executable is always ``/usr/bin/chromium``
(``apt-get install chromium``; .ci/run installs it). It is not read from an
environment variable: an empty ``CHROMIUM=`` made ``Path("")`` (the current
folder) "exist" and an empty ``executable_path`` sent Playwright to its own
download. (Playwright's ``Browser`` repr names its own download's path
whatever was launched; the fixture checks the launched browser's version
against Debian's instead.)
"""

import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Chromium as root in a sandbox-less container, with no network beyond this machine.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium (``/usr/bin/chromium``), closed after the test module."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="pip install -e '.[browser]' (make test-browser does)")
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        debian = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True).stdout
        if chromium.version not in debian:
            chromium.close()
            pytest.fail(f"the launched browser is Chromium {chromium.version}, "
                        f"not {CHROMIUM} ({debian.strip()})")
        yield chromium
        chromium.close()
