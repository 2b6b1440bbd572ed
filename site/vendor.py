"""Copy the JavaScript the course site loads into its own static folder.

myst-nb and Sphinx load require.js, the Jupyter widget manager
(@jupyter-widgets/html-manager's embed-amd.js) and MathJax from CDNs by
default. A classroom without Wi-Fi has no CDN, so ``make site`` installs those
npm packages (pinned by site/package.json and site/package-lock.json) into
site/node_modules and this script copies the files a page needs into
``<static>/vendor/``; site/conf.py points Sphinx at the copies.

    python site/vendor.py <static folder>
"""

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".eot", ".svg"}


def vendor(static):
    target = Path(static) / "vendor"
    if not MODULES.is_dir():
        sys.exit(f"{MODULES} is missing: run `npm ci --prefix site` first (make site does).")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    # require.js: the AMD loader embed-amd.js registers itself with.
    shutil.copy(MODULES / "requirejs" / "require.js", target / "require.min.js")
    # The widget manager, with the icon fonts (Play/Pause glyphs) its CSS refers to.
    # Its modules find their fonts next to their require.js module URL:
    # "@jupyter-widgets/html-manager/dist/..." and "@jupyter-widgets/controls",
    # which require-paths.js maps to vendor/jupyter-widgets/; so the fonts sit in both.
    manager = MODULES / "@jupyter-widgets" / "html-manager" / "dist"
    widgets = target / "jupyter-widgets"
    dist = widgets / "html-manager" / "dist"
    dist.mkdir(parents=True)
    shutil.copy(manager / "embed-amd.js", dist / "embed-amd.js")
    for font in manager.iterdir():
        if font.suffix in FONT_SUFFIXES:
            shutil.copy(font, dist / font.name)
            shutil.copy(font, widgets / font.name)
    # Two small shims of ours: see their own comments.
    for shim in ("require-paths.js", "widgets-compat.js"):
        shutil.copy(HERE / "js" / shim, target / shim)
    # MathJax 3: the whole es5 folder, because the loader fetches TeX extensions
    # and the CHTML fonts next to itself on demand.
    shutil.copytree(MODULES / "mathjax" / "es5", target / "mathjax")
    size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    print(f"vendored require.js, @jupyter-widgets/html-manager and MathJax into {target} "
          f"({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    vendor(sys.argv[1] if len(sys.argv) > 1 else HERE / "_static")
